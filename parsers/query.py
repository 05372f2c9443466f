"""Digest rule queries: parse `topic:deportation AND (speaker:"A Name" OR boats) NOT outlet:x`, evaluate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = ("speaker", "entity", "topic", "outlet")
OPERATORS = ("AND", "OR", "NOT")

# One token: ( ) or an optional field prefix followed by a "phrase" or a bare word.
_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|(?:(?P<field>[A-Za-z_]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+)))'
)
_UNTERMINATED = re.compile(r'\s*(?:[A-Za-z_]+:)?"[^"]*$')
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


class QueryError(ValueError):
    """A rule query that cannot be parsed; str() says what is wrong and at which column (1-based)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryDocument:
    """What a query is evaluated against: one story's text and its extracted fields."""

    text: str  # headlines and bodies
    speakers: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """A word or "phrase", optionally restricted to a field; a trailing * on a word matches any ending."""

    field: str | None
    value: str
    phrase: bool
    pattern: re.Pattern[str] = field(compare=False, repr=False)

    def label(self) -> str:
        """The term as a user would write it: speaker:"Kemi Badenoch", deport*, "small boats"."""
        shown = f'"{self.value}"' if self.phrase or " " in self.value else self.value
        return f"{self.field}:{shown}" if self.field else shown


@dataclass(frozen=True, slots=True)
class Not:
    """Negation."""

    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    """Conjunction (also written by juxtaposition: `a b` means `a AND b`)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Disjunction."""

    operands: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """The outcome of a query on a document: whether it matched and which positive terms did."""

    matched: bool
    hits: tuple[str, ...]  # labels of the terms that made it match, in query order


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """A parsed rule query."""

    text: str
    root: Node

    def evaluate(self, document: QueryDocument) -> Match:
        """Evaluate against one document."""
        return evaluate_query(self, document)

    def terms(self) -> tuple[Term, ...]:
        """Every term in the query, in order."""
        return tuple(_walk_terms(self.root))


def _walk_terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return _walk_terms(node.operand)
    return [t for child in node.operands for t in _walk_terms(child)]


def normalize_text(text: str) -> str:
    """Lower case, curly quotes and dashes folded, whitespace collapsed: the form terms are matched in."""
    return _SPACE.sub(" ", text.translate(_FOLD).lower()).strip()


def _compile_term(value: str, phrase: bool) -> re.Pattern[str]:
    folded = normalize_text(value)
    prefix = not phrase and folded.endswith("*")
    folded = folded.rstrip("*") if prefix else folded
    body = r"\s+".join(re.escape(part) for part in folded.split(" "))
    tail = r"\w*" if prefix else r"(?!\w)"
    return re.compile(rf"(?<!\w){body}{tail}")


@dataclass(slots=True)
class _Token:
    kind: str  # "(" ")" AND OR NOT term
    column: int
    term: Term | None = None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        column = position + len(text[position:]) - len(text[position:].lstrip()) + 1
        if _UNTERMINATED.match(text, position):
            raise QueryError(f"unterminated quote at column {column}")
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryError(f"unexpected character {text[column - 1]!r} at column {column}")
        column = match.start() + len(match.group(0)) - len(match.group(0).lstrip()) + 1
        position = match.end()
        if match.group("paren"):
            tokens.append(_Token(match.group("paren"), column))
            continue
        name, phrase, word = match.group("field"), match.group("phrase"), match.group("word")
        if name is not None and name.lower() not in FIELDS:
            raise QueryError(
                f"unknown field {name + ':'!r} at column {column}; "
                f"use {', '.join(f + ':' for f in FIELDS)} or plain words"
            )
        if name is None and phrase is None and word in OPERATORS:
            tokens.append(_Token(word, column))
            continue
        if word is not None and word.endswith(":") and word[:-1].lower() in FIELDS:
            raise QueryError(f"{word} at column {column} needs a value right after the colon")
        value = phrase if phrase is not None else word
        assert value is not None
        if not value.strip() or value.strip("*") == "":
            raise QueryError(f"empty term at column {column}")
        if word is not None and "*" in word.rstrip("*"):
            raise QueryError(f"'*' may only end a word, at column {column}")
        value = _SPACE.sub(" ", value.strip())
        field_name = name.lower() if name else None
        tokens.append(
            _Token(
                "term",
                column,
                Term(field_name, value, phrase is not None, _compile_term(value, phrase is not None)),
            )
        )
    return tokens


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary ((AND)? unary)*; unary := NOT unary | atom."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def end_column(self) -> int:
        return len(self.text.rstrip()) + 1

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            if token.kind == ")":
                raise QueryError(f"unbalanced ')' at column {token.column}")
            raise QueryError(f"unexpected {token.kind} at column {token.column}")
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.index += 1
            operands.append(self.parse_and(after=token))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self, after: _Token | None = None) -> Node:
        operands = [self.parse_unary(after)]
        while (token := self.peek()) is not None and token.kind in ("AND", "NOT", "term", "("):
            if token.kind == "AND":
                self.index += 1
                operands.append(self.parse_unary(token))
            else:
                operands.append(self.parse_unary(None))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self, after: _Token | None) -> Node:
        token = self.peek()
        if token is not None and token.kind == "NOT":
            self.index += 1
            return Not(self.parse_unary(token))
        return self.parse_atom(after)

    def parse_atom(self, after: _Token | None) -> Node:
        token = self.peek()
        if token is None or token.kind in (")", "AND", "OR"):
            where = f"at column {token.column}" if token is not None else f"at column {self.end_column()}"
            if after is not None:
                raise QueryError(f"{after.kind} at column {after.column} has nothing after it")
            if token is not None and token.kind == ")":
                raise QueryError(f"empty parentheses or unbalanced ')' {where}")
            if token is not None:
                raise QueryError(f"{token.kind} at column {token.column} has nothing before it")
            raise QueryError(f'expected a word, "phrase" or field:value {where}')
        self.index += 1
        if token.kind == "term":
            assert token.term is not None
            return token.term
        node = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QueryError(f"unbalanced '(' at column {token.column}: no matching ')'")
        self.index += 1
        return node


def parse_query(text: str) -> Query:
    """Parse a rule query; raise QueryError naming the column of the first problem."""
    if not isinstance(text, str) or not text.strip():
        raise QueryError("empty query")
    tokens = _tokenize(text)
    root = _Parser(text, tokens).parse()
    if not _has_positive(root):
        raise QueryError("the query only excludes (NOT ...): add something to match")
    return Query(text=text, root=root)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_has_positive(child) for child in node.operands)
    return all(_has_positive(child) for child in node.operands)


@dataclass(frozen=True, slots=True)
class _Prepared:
    text: str
    fields: dict[str, tuple[str, ...]]


def _prepare(document: QueryDocument) -> _Prepared:
    return _Prepared(
        normalize_text(document.text),
        {
            "speaker": tuple(normalize_text(s) for s in document.speakers if s),
            "entity": tuple(normalize_text(s) for s in document.entities if s),
            "topic": tuple(normalize_text(s) for s in document.topics if s),
            "outlet": tuple(normalize_text(s) for s in document.outlets if s),
        },
    )


def match_term(term: Term, prepared: _Prepared) -> bool:
    """A field term matches a value containing its words (topic: equals the slug); a plain term the text."""
    if term.field is None:
        return term.pattern.search(prepared.text) is not None
    values = prepared.fields[term.field]
    if term.field == "topic":
        wanted = normalize_text(term.value).replace(" ", "-")
        if wanted.endswith("*"):
            return any(v.replace(" ", "-").startswith(wanted.rstrip("*")) for v in values)
        return any(v.replace(" ", "-") == wanted for v in values)
    return any(term.pattern.search(v) is not None for v in values)


def _evaluate(node: Node, prepared: _Prepared) -> tuple[bool, list[str]]:
    if isinstance(node, Term):
        hit = match_term(node, prepared)
        return hit, [node.label()] if hit else []
    if isinstance(node, Not):
        inner, _ = _evaluate(node.operand, prepared)
        return not inner, []
    if isinstance(node, And):
        hits: list[str] = []
        for child in node.operands:
            ok, child_hits = _evaluate(child, prepared)
            if not ok:
                return False, []
            hits += child_hits
        return True, hits
    hits, any_ok = [], False
    for child in node.operands:
        ok, child_hits = _evaluate(child, prepared)
        if ok:
            any_ok = True
            hits += child_hits
    return any_ok, hits


def evaluate_query(query: Query, document: QueryDocument) -> Match:
    """Whether the document matches, and the labels of the positive terms that matched (deduplicated)."""
    ok, hits = _evaluate(query.root, _prepare(document))
    return Match(matched=ok, hits=tuple(dict.fromkeys(hits)) if ok else ())
