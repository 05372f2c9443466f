"""Find the direct, partial and indirect quotations in an article body and attribute each to its speaker."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.entities import Mention, MentionIndex, locate_mentions
from parsers.records import Entity, Quote, QuoteKind
from parsers.textscan import build_trie_pattern, find_chars, find_marked

_VERBS = (
    "said says say added adds insisted insists told tells warned warns claimed claims argued argues stated"
    " explained explains declared declares responded responds replied replies asked asks wrote writes tweeted"
    " tweets posted continued continues admitted admits acknowledged acknowledges conceded concedes noted"
    " remarked suggested suggests commented urged urges pledged vowed vows maintained maintains stressed"
    " stresses emphasised emphasized announced announces revealed reveals confirmed confirms denied denies"
    " countered retorted blasted slammed fumed raged joked quipped boasted complained complains lamented"
    " predicted predicts demanded cautioned recalled observed agreed agrees concluded called branded"
    " described describes dubbed labelled labeled accused accuses mocked protested questioned shouted cried"
    " interjected reiterated repeated answered testified promised promises assured reminded informed"
).split() + ["hit back", "went on", "goes on", "pointed out", "points out"]
_VERB_WORDS = frozenset(_VERBS)
_INVERTING_VERBS = frozenset("said says added adds asked asks replied wrote continued".split())
_VERB = re.compile(rf"\b{build_trie_pattern(_VERBS)}(?![\w’'-])")
_VERB_AT = re.compile(rf"{build_trie_pattern(_VERBS)}(?![\w’'-])")
_INDIRECT_VERBS = frozenset(
    "said says added adds insisted insists told tells warned warns claimed claims argued argues stated"
    " explained declared admitted admits acknowledged conceded noted suggested pledged promised vowed"
    " maintained stressed emphasised emphasized announced revealed confirmed denied predicted agreed"
    " concluded assured reminded"
    " informed believes insisting saying adding warning claiming arguing".split()
)
_PRONOUN_CLAUSE_VERBS = frozenset(
    "said says added adds insisted insists claimed claims argued argues warned warns admitted admits stressed"
    " maintained suggested predicted conceded acknowledged".split()
)
_CLAUSE_PRONOUNS = (" he ", " she ", " they ", " it ", " we ", " there ")
_INDIRECT_VERB = re.compile(rf"\b{build_trie_pattern(sorted(_INDIRECT_VERBS))}\b")
_CLAUSE_BREAK = re.compile(r"[,;:.!?–—“”\"‘]")
_CLAUSE_STOP = re.compile(
    r"[:;]|,[ \u00a0]+(?:adding|saying|insisting|warning|arguing|claiming|explaining|noting|telling"
    rf"|writing)\b|,?[ \u00a0]+(?:but|and)[ \u00a0]+(?:\w+[ \u00a0]+)?{build_trie_pattern(_VERBS)}\b"
)
_THAT = re.compile(r"that(?<=[ \u00a0]that)[ \u00a0]+")  # starts with the literal: the engine finds it fast
_NP_VERB = re.compile(
    rf"(?:[Tt]he|[Aa]n?|[Oo]ne|[Hh]is|[Hh]er|[Tt]heir|[Tt]wo|[Ss]ome|[Mm]any)(?:[ \u00a0]+[\w’'-]+){{1,4}}?"
    rf"[ \u00a0]+({build_trie_pattern(_VERBS)})(?![\w’'-])"
)
_ADVERBS = re.compile(
    r"(?:[ \u00a0]+(?:also|later|previously|then|has|have|had|now|once|recently|repeatedly|further|earlier"
    r"|today|yesterday|separately|simply|just|only|last|night|week|on|Monday|Tuesday|Wednesday|Thursday"
    r"|Friday|Saturday|Sunday|however|again|angrily|firmly|bluntly|flatly|quickly|publicly|privately"
    r"|immediately|reportedly))+$"
)
_ADVERBS_AFTER = re.compile(
    r"(?:[ \u00a0]+(?:also|later|previously|then|has|have|had|now|once|recently|repeatedly|further|earlier"
    r"|simply|just|again|however|reportedly|today|yesterday|meanwhile))*[ \u00a0]+"
)
_POSSESSIVE_CUE = re.compile(
    r"['’]s[ \u00a0]+(?P<noun>claims?|pledges?|promises?|vows?|warnings?|words|comments|remarks|statement"
    r"|insistence|assertion|suggestion|description|argument|boast|admission|call|plea|verdict|message|response|promise"
    r"|assurance|accusation|charge|complaint|threat|view)\b"
)
_ACCORDING = re.compile(r"(?<![\w’'-])[Aa]ccording[ \u00a0]+to[ \u00a0]+")
_PRONOUN_END = re.compile(r"(?<![\w’'-])(he|she|He|She|they|They|it|It|we|We|I)$")
_PRONOUN_START = re.compile(r"(he|she|He|She|they|They|it|It|we|We|I)(?![\w’'-])")
_PREPOSITION_END = re.compile(r"(?<![\w’'-])(?:in|from|of|at|to|across|near|outside)[ \u00a0]+$")
_PP_END = re.compile(
    r"[ \u00a0](?:of|at|from|for|with|in)[ \u00a0]+(?:the[ \u00a0]+)?[A-Z][\w’'&-]*"
    r"(?:[ \u00a0]+(?:[A-Z][\w’'&-]*|of|and|the|for|on))*$"
)
_ROLE_THEN_NAME = re.compile(r"(?:its|his|her|their|the|a|an)[ \u00a0][^,.;:“”\"]{1,60},[ \u00a0]+")
_CONJUNCTION_END = re.compile(r"(?<![\w’'-])(?:but|and|yet|then)$")
_SUBJECT_PREFIX = re.compile(
    r"(?:(?:But|And|However|Yet|So|Then|Now|Meanwhile|Later|Earlier|Yesterday|Today|Also|Separately|Instead"
    r"|Still)[ \u00a0,]+)*(?:[A-Z][\w’'&-]*(?:['’]s)?[ \u00a0]+)*"
)
_PARTICIPLE_END = re.compile(
    r"(?<![\w’'-])(adding|saying|insisting|warning|arguing|claiming|explaining|noting|telling \w+|writing)"
    r"[ \u00a0]*$"
)
_WHO_END = re.compile(r",[ \u00a0]+who$")
_SENT_BREAK = re.compile(r"[.!?…][”’\"')\]]*[ \u00a0]+(?=[“‘\"'(\[]?[A-Z0-9])")
_SENT_BREAK_BEGINS = ".!?…"  # what every _SENT_BREAK match starts with
_LINE = re.compile(r"[^\n]+")
_DOUBLE_MARKS = "“”\"«»„"
_SINGLE_MARKS = "‘’'"
_SUBJECT_LEAD = re.compile(
    r"(?:(?:But|And|However|Yet|So|Then|Now|Meanwhile|Later|Earlier|Yesterday|Today|Also|Separately|Instead|Still)"
    r"[ \u00a0,]+)*$"
)
_OPEN_PUNCT = frozenset(" \t\u00a0\n([{–—-/")
_DASHES = frozenset("–—")
_MAX_CUE_GAP = 2500


@dataclass(slots=True)
class _Span:
    """A quotation found in the body: its marks and the text segments inside them (one per paragraph)."""

    open: int
    close: int  # index of the closing mark, or the end of the last paragraph if never closed
    segments: list[tuple[int, int]] = field(default_factory=list)
    first_para: int = 0
    last_para: int = 0
    closed: bool = True


def _paragraphs(body: str) -> list[tuple[int, int]]:
    paras = []
    for m in _LINE.finditer(body):
        s, e = m.start(), m.end()
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        if s < e:
            paras.append((s, e))
    return paras


def _char(body: str, i: int) -> str:
    return body[i] if 0 <= i < len(body) else "\n"


def _opens(body: str, i: int, double: bool) -> bool:
    ch, prev, nxt = body[i], _char(body, i - 1), _char(body, i + 1)
    if nxt.isspace():
        return False
    if double:
        if ch in "“«„":
            return True
        if ch == '"':
            return prev in _OPEN_PUNCT or prev in "“‘'"
        return prev in _OPEN_PUNCT and nxt.isalnum()  # ” misused as an opening mark
    if ch == "‘":
        return prev in _OPEN_PUNCT or prev in "“\""
    if ch == "'":
        return (prev in _OPEN_PUNCT or prev in "“\"") and nxt.isalnum()
    return False


def _closes(body: str, i: int, double: bool) -> int:
    """0: not a closing mark here; 1: a weak one (a plural possessive?); 2: a closing mark."""
    ch, prev, nxt = body[i], _char(body, i - 1), _char(body, i + 1)
    if prev.isspace() and ch not in "”»":
        return 0
    if double:
        if ch in "”»\"":
            return 2
        if ch == "“":
            return 2 if not nxt.isalnum() else 0
        return 0
    if nxt.isalnum():
        return 0  # an apostrophe: don’t, Farage’s
    if prev in "sS" and nxt == " " and _char(body, i + 2).islower():
        return 1
    return 2


def _find_spans(body: str, paras: list[tuple[int, int]]) -> list[_Span]:
    double = any(mark in body for mark in _DOUBLE_MARKS)
    quote_marks = _DOUBLE_MARKS if double else _SINGLE_MARKS
    spans: list[_Span] = []
    current: _Span | None = None
    seg_start = 0
    weak: int | None = None

    def finish(span: _Span, close: int, closed: bool, seg_end: int) -> None:
        span.segments.append((seg_start, seg_end))
        span.close, span.closed = close, closed
        if closed or span.segments[0][0] - 1 == paras[span.first_para][0] or _char(
            body, _skip_back(body, span.open - 1)
        ) in ":,":
            spans.append(span)

    for pi, (ps, pe) in enumerate(paras):
        marks = find_chars(body, quote_marks, ps, pe)
        k = 0
        if current is not None:
            if marks and marks[0] == ps and _opens(body, ps, double):
                current.segments.append((seg_start, paras[pi - 1][1]))
                seg_start, k = ps + 1, 1
                current.last_para = pi
            else:
                prev_end = paras[pi - 1][1]
                if weak is not None:
                    finish(current, weak, True, weak)
                else:
                    finish(current, prev_end, False, prev_end)
                current, weak = None, None
        for i in marks[k:]:
            if current is None:
                if _opens(body, i, double):
                    current = _Span(open=i, close=i, first_para=pi, last_para=pi)
                    seg_start, weak = i + 1, None
                continue
            strength = _closes(body, i, double)
            if strength == 2:
                finish(current, i, True, i)
                current, weak = None, None
            elif strength == 1 and weak is None:
                weak = i
            elif strength == 0 and double and _opens(body, i, double) and body[i] != "“":
                current = _Span(open=i, close=i, first_para=pi, last_para=pi)  # the earlier mark was stray
                seg_start, weak = i + 1, None
        if current is not None and weak is not None:
            finish(current, weak, True, weak)
            current, weak = None, None
    if current is not None:
        finish(current, paras[-1][1], False, paras[-1][1])
    return spans


def _find_verbs(body: str, lo: int, hi: int) -> list[re.Match[str]]:
    """Speech verbs between lo and hi ('so-called' is not 'called')."""
    return [m for m in _VERB.finditer(body, lo, hi) if m.start() == 0 or body[m.start() - 1] not in "-’'"]


def _skip_back(body: str, i: int) -> int:
    while i >= 0 and body[i] in " \t\u00a0":
        i -= 1
    return i


def _skip_fwd(body: str, i: int, chars: str = " \t\u00a0") -> int:
    while i < len(body) and body[i] in chars:
        i += 1
    return i


@dataclass(slots=True)
class _Context:
    body: str
    paras: list[tuple[int, int]]
    para_starts: list[int]
    spans: list[_Span]
    span_opens: list[int]
    breaks: list[int]  # sentence starts outside quotations
    index: MentionIndex
    mention_starts: list[int]
    speakers: dict[int, str] = field(default_factory=dict)  # mention start -> canonical name, used as a cue

    def para_of(self, pos: int) -> int:
        return bisect_right(self.para_starts, pos) - 1

    def inside_quote(self, pos: int) -> bool:
        k = bisect_right(self.span_opens, pos) - 1
        while k >= 0:
            span = self.spans[k]
            if span.open <= pos <= span.close:
                return True
            if span.close < pos and span.last_para < self.para_of(pos) - 1:
                return False
            k -= 1
        return False

    def sentence_start(self, pos: int) -> int:
        ps = self.paras[self.para_of(pos)][0]
        k = bisect_right(self.breaks, pos) - 1
        return max(ps, self.breaks[k]) if k >= 0 else ps

    def sentence_end(self, pos: int) -> int:
        pe = self.paras[self.para_of(pos)][1]
        k = bisect_right(self.breaks, pos)
        return min(pe, self.breaks[k]) if k < len(self.breaks) else pe


@dataclass(slots=True)
class _Attribution:
    speaker: str | None
    role: str | None
    cue: str | None
    found: bool  # a cue was found, even if its speaker could not be named


_NONE = _Attribution(None, None, None, False)


def _speaker_of(ctx: _Context, mention: Mention) -> tuple[str | None, str | None]:
    if mention.name is not None:
        ctx.speakers[mention.start] = mention.name
    return mention.name, mention.role


def _resolve_pronoun(ctx: _Context, pos: int, pronoun: str) -> str | None:
    pronoun = pronoun.lower()
    if pronoun not in ("he", "she"):
        return None
    want = "m" if pronoun == "he" else "f"
    k = bisect_left(ctx.mention_starts, pos) - 1
    mentions = ctx.index.mentions
    while k >= 0:
        m = mentions[k]
        k -= 1
        if pos - m.start > _MAX_CUE_GAP:
            break
        if m.type != "person" or m.name is None:
            continue
        gender = ctx.index.genders.get(m.name)
        if gender is not None and gender != want:
            continue
        if ctx.speakers.get(m.start) == m.name:
            return m.name
        if ctx.inside_quote(m.start):
            continue
        lead = ctx.body[ctx.sentence_start(m.start):m.start]
        after_verb = lead.rstrip().rsplit(" ", 1)[-1] in _VERB_WORDS
        if _SUBJECT_LEAD.match(lead) or after_verb or _speaks_next(ctx, m.end):
            return m.name  # a sentence's subject, 'said Jane Doe', or 'Jane Doe, a councillor, said'
    return None


def _speaks_next(ctx: _Context, end: int) -> bool:
    """Whether a speech verb follows a name, perhaps after an aside: 'Deborah Lyle, a councillor, said'."""
    body = ctx.body
    k = end
    if body[k:k + 1] == ",":
        if _VERB_AT.match(body, _skip_fwd(body, k + 1)):
            return True  # "Deborah Lyle, said", after a title before the name
        close = body.find(",", k + 1, k + 120)
        if close < 0:
            return False
        k = close + 1
    adverbs = _ADVERBS_AFTER.match(body, k)  # "has now said"
    return _VERB_AT.match(body, adverbs.end() if adverbs else k) is not None


def _resolve_left(ctx: _Context, lo: int, end: int) -> _Attribution | None:
    """The speaker named just before position end (a verb): a mention, a pronoun, or 'X, who'."""
    body = ctx.body
    j = _skip_back(body, end - 1) + 1
    adverbs = _ADVERBS.search(body, max(lo, j - 80), j)
    if adverbs is not None:
        j = adverbs.start()
    if j > lo and body[j - 1] in _DASHES or (j - 2 >= lo and body[j - 1] == "-" and body[j - 2] == " "):
        dash = max(body.rfind("–", lo, j - 1), body.rfind("—", lo, j - 1), body.rfind(" - ", lo, j - 2) + 1)
        if dash > lo:
            j = _skip_back(body, dash - 1) + 1
    elif j > lo and body[j - 1] == ",":
        named = _person_ending_at(ctx, lo, j - 1)
        if named is not None:
            j -= 1  # "Its leader, Councillor Paul Haddon, said", "His solicitor, Hamid Qureshi of X, said"
        else:
            comma = body.rfind(",", lo, j - 1)
            if comma > lo and comma >= j - 120:
                inner = ctx.index.by_end.get(comma)
                if inner is not None or not _WHO_END.search(body, max(lo, j - 12), j - 1):
                    j = comma  # "Jane Doe, the council leader, said"
    mention = _person_ending_at(ctx, lo, j) or ctx.index.by_end.get(j)
    if mention is not None and mention.start >= lo:
        after_preposition = _PREPOSITION_END.search(body, max(lo, mention.start - 6), mention.start)
        if mention.type == "place" and after_preposition:
            return _Attribution(None, None, None, True)  # "authorities in Beijing announced"
        name, role = _speaker_of(ctx, mention)
        return _Attribution(name, role, None, True)
    pron = _PRONOUN_END.search(body, max(lo, j - 8), j)
    if pron is not None:
        return _Attribution(_resolve_pronoun(ctx, pron.start(), pron.group(1)), None, None, True)
    if _CONJUNCTION_END.search(body, max(lo, j - 8), j):  # "Mrs X conceded that …, but said: “"
        subject = _sentence_subject(ctx, ctx.sentence_start(j), j)
        if subject is not None:
            name, role = _speaker_of(ctx, subject)
            return _Attribution(name, role, None, True)
    if body.endswith(", who", lo, j) or body.endswith(" who", lo, j):
        k = body.rfind("who", lo, j)
        comma = _skip_back(body, k - 1)
        if comma >= lo and body[comma] == ",":
            mention = ctx.index.by_end.get(comma)
            if mention is not None:
                name, role = _speaker_of(ctx, mention)
                return _Attribution(name, role, None, True)
    return None


def _sentence_subject(ctx: _Context, lo: int, hi: int) -> Mention | None:
    """The person a sentence opens with: 'Reform UK's Nigel Farage has ruled out …', 'Mrs Badenoch also …'."""
    k = bisect_left(ctx.mention_starts, lo)
    mentions = ctx.index.mentions
    while k < len(mentions) and mentions[k].start < hi:
        m = mentions[k]
        k += 1
        if m.type == "person" and m.name is not None:
            return m if _SUBJECT_PREFIX.fullmatch(ctx.body, lo, m.start) else None
    return None


def _person_ending_at(ctx: _Context, lo: int, end: int) -> Mention | None:
    """A person named just before end, also across 'of the Migration Evidence Unit' after the name."""
    mention = ctx.index.by_end.get(end)
    if mention is not None and mention.type == "person" and mention.start >= lo:
        return mention
    postmodifier = _PP_END.search(ctx.body, max(lo, end - 100), end)
    if postmodifier is not None:
        head = ctx.index.by_end.get(postmodifier.start())
        if head is not None and head.type == "person" and head.start >= lo:
            return head
    return None


def _cue_before(ctx: _Context, lo: int, hi: int, colon: bool) -> _Attribution:
    """Attribution from the words before an opening mark: 'X said: “', 'X insisted he wants “'."""
    body = ctx.body
    if colon:
        participle = _PARTICIPLE_END.search(body, max(lo, hi - 16), hi)
        subject = _sentence_subject(ctx, ctx.sentence_start(hi), hi) if participle else None
        if participle is not None and subject is not None:  # "X said he would act, adding: “…”"
            name, role = _speaker_of(ctx, subject)
            return _Attribution(name, role, participle.group(1).lower(), True)
    verbs = _find_verbs(body, lo, hi)
    if verbs:
        verb = verbs[-1]
        found = _resolve_left(ctx, lo, verb.start())
        cue = verb.group(0).lower()
        if found is None:
            after = _skip_fwd(body, verb.end())
            mention = ctx.index.by_start.get(after)
            if (colon and mention is not None and mention.end <= hi and mention.type != "place"
                    and cue in _INVERTING_VERBS):  # 'Said Mr Smith: “…”', 'Added the minister: “…”'
                name, role = _speaker_of(ctx, mention)
                return _Attribution(name, role, cue, True)
            return _Attribution(None, None, cue, True)
        found.cue = cue
        return found
    if colon:
        mention = ctx.index.by_end.get(_skip_back(body, hi - 1) + 1)
        if (mention is not None and mention.type in ("person", "org")
                and _SUBJECT_PREFIX.fullmatch(body, ctx.sentence_start(hi), mention.start)):
            name, role = _speaker_of(ctx, mention)  # "Badenoch: “…”"
            return _Attribution(name, role, None, True)
        subject = _sentence_subject(ctx, ctx.sentence_start(hi), hi)
        if subject is not None:  # "X has ruled out …, pointing instead to …: “…”", "…, adding: “…”"
            name, role = _speaker_of(ctx, subject)
            participle = _PARTICIPLE_END.search(body, max(lo, hi - 16), hi)
            return _Attribution(name, role, participle.group(1).lower() if participle else None, True)
    return _NONE


def _cue_after(ctx: _Context, lo: int, hi: int) -> _Attribution:
    """Attribution from the words after a closing mark: '”, X said', '” said X', '” according to X'."""
    body = ctx.body
    t = _skip_fwd(body, lo, " \t\u00a0,–—")
    if t >= hi or body[_skip_back(body, hi - 1)] == ":":
        return _NONE  # '“…”, Shadow Home Secretary Chris Philp said: “' introduces the next quotation
    verb = _VERB_AT.match(body, t)
    if verb is not None:
        u = _skip_fwd(body, verb.end())
        mention = ctx.index.by_start.get(u)
        cue = verb.group(0).lower()
        if mention is None:
            role_first = _ROLE_THEN_NAME.match(body, u)
            if role_first is not None:  # "said its regional organiser, Kelvin Amadi"
                mention = ctx.index.by_start.get(role_first.end())
        if mention is not None:
            name, role = _speaker_of(ctx, mention)
            return _Attribution(name, role, cue, True)
        pron = _PRONOUN_START.match(body, u)
        if pron is not None:
            return _Attribution(_resolve_pronoun(ctx, u, pron.group(1)), None, cue, True)
        return _Attribution(None, None, cue, True)
    according = _ACCORDING.match(body, t)
    if according is not None:
        mention = ctx.index.by_start.get(according.end())
        if mention is not None:
            name, role = _speaker_of(ctx, mention)
            return _Attribution(name, role, "according to", True)
        return _Attribution(None, None, "according to", True)
    mention = ctx.index.by_start.get(t)
    if mention is not None:
        rest = mention.end
        app = body.find(",", rest, hi)
        verb = _ADVERBS_AFTER.match(body, rest)
        after = verb.end() if verb else rest
        if _VERB_AT.match(body, after) is None and app == _skip_fwd(body, rest):
            close = body.find(",", app + 1, hi)
            if close > 0:
                after = _skip_fwd(body, close + 1)
        v = _VERB_AT.match(body, after)
        if v is not None:
            name, role = _speaker_of(ctx, mention)
            return _Attribution(name, role, v.group(0).lower(), True)
        return _NONE
    np_verb = _NP_VERB.match(body, t)
    if np_verb is not None and np_verb.end() <= hi:  # '” the physicians stated', '” one resident said'
        return _Attribution(None, None, np_verb.group(1).lower(), True)
    pron = _PRONOUN_START.match(body, t)
    if pron is not None:
        adv = _ADVERBS_AFTER.match(body, pron.end())
        if adv is not None:
            v = _VERB_AT.match(body, adv.end())
            if v is not None:
                return _Attribution(_resolve_pronoun(ctx, t, pron.group(1)), None, v.group(0).lower(), True)
    return _NONE


def _cue_later(ctx: _Context, lo: int, hi: int) -> _Attribution:
    """A cue further on in the sentence: '“The people aren’t buying” impeachment, Trump said at a rally'."""
    for verb in _find_verbs(ctx.body, lo, hi):
        found = _resolve_left(ctx, lo, verb.start())
        if found is not None and found.speaker is not None:
            found.cue = verb.group(0).lower()
            return found
        return _NONE
    return _NONE


def _cue_previous_sentence(ctx: _Context, lo: int, hi: int) -> _Attribution:
    """A quotation opening a sentence after 'X said the increase was needed.' in the same paragraph."""
    verbs = _find_verbs(ctx.body, lo, hi)
    if not verbs:
        return _NONE
    found = _resolve_left(ctx, max(lo, ctx.sentence_start(verbs[-1].start())), verbs[-1].start())
    if found is None or found.speaker is None:
        return _NONE
    found.cue = None
    return found


def _cue_in_sentence(ctx: _Context, lo: int, hi: int, after_lo: int, after_hi: int) -> _Attribution:
    """For a quotation inside a sentence: 'X's claim that he is “…”', 'according to X, “…”'."""
    body = ctx.body
    for m in _POSSESSIVE_CUE.finditer(body, lo, hi):
        mention = ctx.index.by_end.get(m.start())
        if mention is not None and mention.type in ("person", "org"):
            name, role = _speaker_of(ctx, mention)
            return _Attribution(name, role, m.group("noun").lower(), True)
    for start, end in ((lo, hi), (after_lo, after_hi)):
        for m in _ACCORDING.finditer(body, start, end):
            mention = ctx.index.by_start.get(m.end())
            if mention is not None:
                name, role = _speaker_of(ctx, mention)
                return _Attribution(name, role, "according to", True)
    return _NONE


def _quote_text(body: str, span: _Span) -> tuple[str, int, int] | None:
    parts = []
    for s, e in span.segments:
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        if s < e:
            parts.append((s, e))
    if not parts:
        return None
    start, end = parts[0][0], parts[-1][1]
    while end > start and body[end - 1] in ", \u00a0":
        end -= 1
    parts[-1] = (parts[-1][0], end)
    text = "\n".join(body[s:e] for s, e in parts if s < e)
    if not any(c.isalpha() for c in text):
        return None
    return text, start, end


def _kind_of(ctx: _Context, span: _Span, text: str, lo: int) -> QuoteKind:
    if span.first_para != span.last_para:
        return "direct"
    body = ctx.body
    j = _skip_back(body, span.open - 1)
    if j < ctx.paras[span.first_para][0]:
        return "direct"
    c = body[j]
    first = text[:1]
    if c in ".!?:;…”’\")]":
        return "direct"
    if c in ",–—-(":
        if first.isupper():
            return "direct"
        words = body[lo:j].replace(",", " ").split()
        return "direct" if any(w in _VERB_WORDS for w in words) else "partial"
    word_start = max(body.rfind(" ", 0, j), body.rfind("\n", 0, j)) + 1
    if first.isupper() and body[word_start:j + 1] in _VERB_WORDS:  # 'she said “We will…”'
        return "direct"
    return "partial"


def extract_quotes(body: str, entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """Every quotation in body with its speaker's canonical name, the role as written, its kind and cue."""
    paras = _paragraphs(body)
    if not paras:
        return ()
    spans = _find_spans(body, paras)
    index = locate_mentions(body, entities)
    ctx = _Context(
        body=body,
        paras=paras,
        para_starts=[p[0] for p in paras],
        spans=spans,
        span_opens=[s.open for s in spans],
        breaks=[],
        index=index,
        mention_starts=[m.start for m in index.mentions],
    )
    ctx.breaks = [
        m.end() for ps, pe in paras for m in find_marked(_SENT_BREAK, body, _SENT_BREAK_BEGINS, ps, pe)
        if not ctx.inside_quote(m.start())
    ]
    quotes: list[Quote] = []
    previous: tuple[_Span, Quote] | None = None
    for n, span in enumerate(spans):
        found = _quote_text(body, span)
        if found is None:
            continue
        text, start, end = found
        ps = paras[span.first_para][0]
        lo = ctx.sentence_start(span.open)
        prev_close = spans[n - 1].close + 1 if n > 0 and spans[n - 1].close < span.open else 0
        lo = max(lo, prev_close)
        hi = span.open
        last_pe = paras[span.last_para][1]
        after_lo = min(span.close + 1, last_pe)
        after_hi = ctx.sentence_end(after_lo) if span.closed else after_lo
        if n + 1 < len(spans) and spans[n + 1].open < after_hi:
            after_hi = spans[n + 1].open
        kind = _kind_of(ctx, span, text, lo)
        before = body[lo:hi].rstrip()
        attribution = _NONE
        if before.endswith(":"):
            attribution = _cue_before(ctx, lo, lo + len(before) - 1, colon=True)
        elif lo == ps and span.first_para > 0 and body[: paras[span.first_para - 1][1]].endswith(":"):
            pps, ppe = paras[span.first_para - 1]
            attribution = _cue_before(ctx, max(pps, ctx.sentence_start(ppe - 1)), ppe - 1, colon=True)
        if not attribution.found and kind == "partial" and before:  # "X's claim that he is “…”, Y said: “"
            attribution = _cue_in_sentence(ctx, lo, hi, after_lo, after_hi)
        if not attribution.found and span.closed:
            attribution = _cue_after(ctx, after_lo, after_hi)
        if not attribution.found and before:
            attribution = _cue_in_sentence(ctx, lo, hi, after_lo, after_hi)
        if not attribution.found and before:
            attribution = _cue_before(ctx, lo, hi, colon=False)
        if not attribution.found and span.closed:
            attribution = _cue_later(ctx, after_lo, after_hi)
        if not attribution.found and kind == "direct" and not before:
            floor = prev_close if n > 0 and spans[n - 1].last_para == span.first_para else ps
            attribution = _cue_previous_sentence(ctx, max(ps, floor), lo)
        if not attribution.found and kind == "direct" and previous is not None:
            prev_span, prev_quote = previous
            gap_ok = span.first_para - prev_span.last_para <= 1 and not any(
                m.start < span.open and m.end > prev_span.close and m.name not in (None, prev_quote.speaker)
                and not ctx.inside_quote(m.start) and m.type == "person"
                for m in index.mentions[bisect_left(ctx.mention_starts, prev_span.close):
                                        bisect_left(ctx.mention_starts, span.open)]
            )
            if prev_quote.speaker is not None and gap_ok and prev_quote.kind == "direct" and not before:
                attribution = _Attribution(prev_quote.speaker, None, None, True)
        quote = Quote(
            text=text,
            speaker=attribution.speaker,
            speaker_role=attribution.role,
            kind=kind,
            cue=attribution.cue,
            start=start,
            end=end,
        )
        quotes.append(quote)
        previous = (span, quote)
    quotes.extend(_indirect_quotes(ctx))
    quotes.sort(key=lambda q: q.start)
    return tuple(quotes)


def _indirect_verbs(body: str) -> list[tuple[int, str, int]]:
    """(verb start, verb, clause start) for 'X said (in a statement) that …' and 'X said he …'."""
    found = []
    for m in _THAT.finditer(body):
        that = m.start() - 1
        if not _INDIRECT_VERB.search(body, max(0, that - 60), that):
            continue
        words = body[max(0, that - 60):that].split()[-6:]
        for k in range(len(words) - 1, -1, -1):
            if words[k] in _INDIRECT_VERBS:
                vstart = that - len(" ".join(words[k:]))
                found.append((vstart, words[k], m.end()))
                break
            if _CLAUSE_BREAK.search(words[k]):
                break
    for pronoun in _CLAUSE_PRONOUNS:  # 'X said he would …': find the pronoun, then look at the word before
        pos = body.find(pronoun)
        while pos >= 0:
            end = pos + len(pronoun)
            if body[end:end + 1].islower():
                space = body.rfind(" ", max(0, pos - 14), pos)
                verb = body[space + 1:pos]
                if verb in _PRONOUN_CLAUSE_VERBS:
                    found.append((space + 1, verb, pos + 1))
            pos = body.find(pronoun, end)
    return found


def _indirect_quotes(ctx: _Context) -> list[Quote]:
    """Reported speech with a named speaker: 'X added that illegal migrants should be deported'."""
    body = ctx.body
    out = []
    for vstart, verb, clause_start in _indirect_verbs(body):
        if ctx.inside_quote(vstart):
            continue
        clause_end = ctx.sentence_end(clause_start)
        stop = _CLAUSE_STOP.search(body, clause_start, clause_end)
        if stop is not None:  # "…, adding: “…”": the reported clause ends where the next cue begins
            clause_end = stop.start()
        while clause_end > clause_start and body[clause_end - 1] in " .!?…;:,\u00a0":
            clause_end -= 1
        clause = body[clause_start:clause_end]
        if any(c in clause for c in "“”\"‘") or clause.count(" ") < 2:
            continue
        found = _resolve_left(ctx, ctx.sentence_start(vstart), vstart)
        if found is None or found.speaker is None:
            continue
        out.append(Quote(text=clause, speaker=found.speaker, speaker_role=found.role, kind="indirect",
                         cue=verb.lower(), start=clause_start, end=clause_end))
    return out
