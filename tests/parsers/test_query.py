"""Rule queries: the grammar, field filters, what matched, and one-line errors that name the column."""

from __future__ import annotations

import pytest

from parsers.query import And, Not, Or, QueryDocument, QueryError, Term, parse_query

DOC = QueryDocument(
    text="Ministry to speed up removals.\n\nThe borders minister said small\nboats would be turned back.",
    speakers=("Dana Whitfield", "Priya Lanwick"),
    entities=("Ministry of Borders", "Fair Hearing Trust"),
    topics=("deportation", "small-boats"),
    outlets=("Harbour Post", "Northern Ledger"),
)


def test_issue_example_parses_into_the_expected_tree() -> None:
    query = parse_query(
        'topic:deportation AND (speaker:"Kemi Badenoch" OR speaker:"Nigel Farage") NOT outlet:example'
    )
    root = query.root
    assert isinstance(root, And) and len(root.operands) == 3
    topic, either, negated = root.operands
    assert isinstance(topic, Term) and (topic.field, topic.value) == ("topic", "deportation")
    assert isinstance(either, Or) and [t.label() for t in either.operands] == [  # type: ignore[union-attr]
        'speaker:"Kemi Badenoch"',
        'speaker:"Nigel Farage"',
    ]
    assert (
        isinstance(negated, Not) and isinstance(negated.operand, Term) and negated.operand.field == "outlet"
    )
    assert [t.label() for t in query.terms()] == [
        "topic:deportation",
        'speaker:"Kemi Badenoch"',
        'speaker:"Nigel Farage"',
        "outlet:example",
    ]


@pytest.mark.parametrize(
    ("text", "matched", "hits"),
    [
        ("removals", True, ("removals",)),
        ("removal", False, ()),  # whole words only ...
        ("removal*", True, ("removal*",)),  # ... unless the word ends in *
        ('"small boats"', True, ('"small boats"',)),  # a phrase matches across a line break
        ('"boats small"', False, ()),
        ("MINISTRY speed", True, ("MINISTRY", "speed")),  # juxtaposition is AND; case does not matter
        ("ministry AND asylum", False, ()),
        ("asylum OR removals", True, ("removals",)),
        ("removals NOT outlet:harbour", False, ()),
        ("removals NOT outlet:guardian", True, ("removals",)),
        ('speaker:"Dana Whitfield"', True, ('speaker:"Dana Whitfield"',)),
        ("speaker:whitfield", True, ("speaker:whitfield",)),  # a word of the name
        ("speaker:whit", False, ()),
        ('entity:"fair hearing trust"', True, ('entity:"fair hearing trust"',)),
        ("topic:small-boats", True, ("topic:small-boats",)),
        ('topic:"small boats"', True, ('topic:"small boats"',)),
        ("topic:small", False, ()),  # a topic is its whole slug
        ("topic:deport*", True, ("topic:deport*",)),
        ("entity:Dana", False, ()),  # a speaker is not an entity unless listed as one
        (
            "(asylum OR speaker:Lanwick) AND (topic:deportation OR topic:asylum)",
            True,
            ("speaker:Lanwick", "topic:deportation"),
        ),
        ("NOT asylum removals", True, ("removals",)),
        ("removals AND NOT (asylum OR outlet:ledger)", False, ()),
        ("removals removals", True, ("removals",)),  # hits are listed once
    ],
)
def test_evaluate(text: str, matched: bool, hits: tuple[str, ...]) -> None:
    result = parse_query(text).evaluate(DOC)
    assert (result.matched, result.hits) == (matched, hits)


def test_curly_quotes_and_dashes_in_the_text_are_folded() -> None:
    doc = QueryDocument(text="He called it \u201cfair\u2013minded\u201d and the minister\u2019s plan")
    assert parse_query('"fair-minded"').evaluate(doc).matched
    assert parse_query("minister's").evaluate(doc).matched


def test_or_binds_looser_than_and() -> None:
    root = parse_query("a b OR c").root
    assert isinstance(root, Or) and isinstance(root.operands[0], And)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("deport AND", "AND at column 8 has nothing after it"),
        ("deport OR", "OR at column 8 has nothing after it"),
        ("OR deport", "OR at column 1 has nothing before it"),
        ("(deport OR asylum", "unbalanced '(' at column 1: no matching ')'"),
        ("deport)", "unbalanced ')' at column 7"),
        ("()", "empty parentheses or unbalanced ')' at column 2"),
        ('speaker:"Kemi', "unterminated quote at column 1"),
        ('deport "small boats', "unterminated quote at column 8"),
        (
            "place:Dover",
            "unknown field 'place:' at column 1; use speaker:, entity:, topic:, outlet: or plain words",
        ),
        ('speaker:""', "empty term at column 1"),
        ("speaker: Whitfield", "speaker: at column 1 needs a value right after the colon"),
        ("de*port", "'*' may only end a word, at column 1"),
        ("NOT outlet:example", "the query only excludes (NOT ...): add something to match"),
        ("deport AND OR asylum", "AND at column 8 has nothing after it"),
        ("deport NOT", "NOT at column 8 has nothing after it"),
    ],
)
def test_errors_name_the_column(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert str(caught.value) == message
