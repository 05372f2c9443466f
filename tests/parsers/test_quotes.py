"""Quotation finding and speaker attribution: the reference article's golden file and a construction table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from parsers.entities import extract_entities
from parsers.quotes import extract_quotes
from parsers.records import Entity, Quote

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "quotes"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "seed-article.txt"  # the reference article
REGEN = os.environ.get("NEWSMON_REGEN") == "1"
ANY: Any = object()


def quote_dict(quote: Quote) -> dict[str, Any]:
    return {"kind": quote.kind, "speaker": quote.speaker, "speaker_role": quote.speaker_role,
            "cue": quote.cue,
            "text": quote.text}


def entity_dict(entity: Entity) -> dict[str, Any]:
    return {"name": entity.name, "type": entity.type, "role": entity.role, "mentions": entity.mentions}


def analyse(body: str) -> tuple[tuple[Entity, ...], tuple[Quote, ...]]:
    entities = extract_entities(body)
    return entities, extract_quotes(body, entities)


def check_offsets(body: str, quotes: tuple[Quote, ...]) -> None:
    """start/end point at the quoted words: exactly for one paragraph, first and last line for several."""
    for quote in quotes:
        span = body[quote.start:quote.end]
        lines = quote.text.split("\n")
        if len(lines) == 1:
            assert span == quote.text, (span, quote)
        else:
            assert span.startswith(lines[0]) and span.endswith(lines[-1]), (span, quote)


# ------------------------------------------------------------------------------------------------ golden

def test_seed_article_matches_hand_written_golden_file() -> None:
    body = SEED.read_text(encoding="utf-8")
    expected_path = FIXTURES / "seed.expected.json"
    entities, quotes = analyse(body)
    got = {"quotes": [quote_dict(q) for q in quotes], "entities": [entity_dict(e) for e in entities]}
    if REGEN:
        old = json.loads(expected_path.read_text(encoding="utf-8"))
        regenerated = {"description": old.get("description", ""), **got}
        text = json.dumps(regenerated, ensure_ascii=False, indent=2) + "\n"
        expected_path.write_text(text, encoding="utf-8")
        pytest.skip("NEWSMON_REGEN=1: rewrote seed.expected.json; review the diff")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got["quotes"] == expected["quotes"]
    assert got["entities"] == expected["entities"]
    check_offsets(body, quotes)


def test_seed_article_with_blank_line_paragraphs_gives_the_same_quotes() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    _, single = analyse("\n".join(lines))
    body = "\n\n".join(lines)
    _, double = analyse(body)
    assert [quote_dict(q) for q in double] == [quote_dict(q) for q in single]
    check_offsets(body, double)


def test_seed_article_has_the_nine_attributed_quotes_and_the_two_unattributed_ones() -> None:
    body = SEED.read_text(encoding="utf-8")
    _, quotes = analyse(body)
    direct = [q for q in quotes if q.kind != "indirect"]
    attributed = [q for q in direct if q.speaker is not None]
    assert len(attributed) == 9
    assert {q.text for q in direct if q.speaker is None} == {"conducive to the public good",
                                                             "particularly serious crime"}
    assert [q.speaker for q in quotes if q.kind == "indirect"] == ["Kemi Badenoch"]


# ------------------------------------------------------------------------------------------------ table


class Q(NamedTuple):
    kind: str
    speaker: str | None
    text: str
    cue: Any = ANY
    role: Any = ANY


CASES: list[tuple[str, str, list[Q]]] = [
    ("colon-before-curly",
     "Harriet Quill said: “We will not back down on this.”",
     [Q("direct", "Harriet Quill", "We will not back down on this.", "said", None)]),
    ("comma-after-straight",
     '"The scheme is a shambles", Owen Marsh said.',
     [Q("direct", "Owen Marsh", "The scheme is a shambles", "said")]),
    ("said-x-after-comma-inside",
     "“It is time to act,” said Selina Hart.",
     [Q("direct", "Selina Hart", "It is time to act", "said")]),
    ("added-colon",
     "Declan Hollis spoke first.\nMr Hollis added: “Nobody wants this.”",
     [Q("direct", "Declan Hollis", "Nobody wants this.", "added")]),
    ("insisted-colon",
     "Nadia Farouk was unmoved. Ms Farouk insisted: “The numbers speak for themselves.”",
     [Q("direct", "Nadia Farouk", "The numbers speak for themselves.", "insisted")]),
    ("insisted-no-colon-partial",
     "Nadia Farouk insisted she would cut arrivals “by the summer”.",
     [Q("partial", "Nadia Farouk", "by the summer", "insisted")]),
    ("according-to-after",
     "“The boats will keep coming”, according to Graham Pettit.",
     [Q("direct", "Graham Pettit", "The boats will keep coming", "according to")]),
    ("according-to-before-partial",
     "According to Graham Pettit, the policy was “dead on arrival”.",
     [Q("partial", "Graham Pettit", "dead on arrival", "according to")]),
    ("interviewer-question",
     "Radio presenter Lydia Crane asked: “Would you scrap the scheme?”\nOwen Marsh replied: “Yes.”",
     [Q("direct", "Lydia Crane", "Would you scrap the scheme?", "asked", "Radio presenter"),
      Q("direct", "Owen Marsh", "Yes.", "replied")]),
    ("interviewer-responded",
     "Owen Marsh was asked about the plan. Times Radio presenter Lydia Crane responded: “Is that a promise?”",
     [Q("direct", "Lydia Crane", "Is that a promise?", "responded", "Times Radio presenter")]),
    ("partial-inside-sentence",
     "Councillor Rosie Tamberlane said the hotel plan was “unworkable” and should be dropped.",
     [Q("partial", "Rosie Tamberlane", "unworkable", "said")]),
    ("british-multi-paragraph",
     "Tobias Wren said: “We have to fix this.\n“It will take years.\n“But we start today.”",
     [Q("direct", "Tobias Wren", "We have to fix this.\nIt will take years.\nBut we start today.", "said")]),
    ("british-multi-paragraph-double-newline",
     "Tobias Wren said: “We have to fix this.\n\n“It will take years.”\n\nThe debate went on.",
     [Q("direct", "Tobias Wren", "We have to fix this.\nIt will take years.", "said")]),
    ("straight-multi-paragraph",
     'Amara Ellison said: "First paragraph here.\n"Second paragraph here."',
     [Q("direct", "Amara Ellison", "First paragraph here.\nSecond paragraph here.", "said")]),
    ("surname-after-full-name",
     "Amara Ellison, a councillor, led the protest. “We were ignored,” Ellison said.",
     [Q("direct", "Amara Ellison", "We were ignored", "said")]),
    ("honorific-first-name-knight",
     "Sir Roland Pike chaired the inquiry.\nSir Roland said: “The evidence was clear.”",
     [Q("direct", "Roland Pike", "The evidence was clear.", "said")]),
    ("role-introduced-in-article",
     "Shadow Health Secretary Harriet Quill visited the site.\n"
     "The shadow health secretary added: “It is a scandal.”",
     [Q("direct", "Harriet Quill", "It is a scandal.", "added", "the shadow health secretary")]),
    ("generic-role-head",
     "Immigration minister Tobias Wren defended the policy.\nThe minister said: “We are on track.”",
     [Q("direct", "Tobias Wren", "We are on track.", "said", "the minister")]),
    ("role-title-before-name-after-quote",
     "“We will not be deterred,” said Immigration Minister Tobias Wren.",
     [Q("direct", "Tobias Wren", "We will not be deterred", "said", "Immigration Minister")]),
    ("appositive-role",
     "Declan Hollis, the council leader, said: “We have no more rooms.”",
     [Q("direct", "Declan Hollis", "We have no more rooms.", "said", "council leader")]),
    ("pronoun-he-after-quote",
     "Mr Declan Hollis spoke to reporters. “It is not fair,” he said.",
     [Q("direct", "Declan Hollis", "It is not fair", "said", None)]),
    ("pronoun-she-skips-male",
     "Selina Hart met Owen Marsh on Monday. Mr Marsh left early. Ms Hart stayed.\n"
     "“It was productive,” she said.",
     [Q("direct", "Selina Hart", "It was productive", "said")]),
    ("pronoun-he-skips-female",
     "Owen Marsh spoke after Selina Hart. “I disagree with her,” he said.",
     [Q("direct", "Owen Marsh", "I disagree with her", "said")]),
    ("pronoun-ignores-name-inside-quote",
     "“We owe this to Selina Hart,” Owen Marsh said.\n“She was right all along,” he added.",
     [Q("direct", "Owen Marsh", "We owe this to Selina Hart", "said"),
      Q("direct", "Owen Marsh", "She was right all along", "added")]),
    ("pronoun-before-colon",
     "Nadia Farouk arrived late. She said: “Sorry for the delay.”",
     [Q("direct", "Nadia Farouk", "Sorry for the delay.", "said")]),
    ("indirect-said-that",
     "Owen Marsh said that the asylum hotels would close by spring.",
     [Q("indirect", "Owen Marsh", "the asylum hotels would close by spring", "said")]),
    ("indirect-added-that-role",
     "Shadow Home Office minister Nadia Farouk spoke first. The shadow Home Office minister added that "
     "illegal migrants should be removed.",
     [Q("indirect", "Nadia Farouk", "illegal migrants should be removed", "added")]),
    ("indirect-told-object-that",
     "Graham Pettit told the committee that the backlog had doubled.",
     [Q("indirect", "Graham Pettit", "the backlog had doubled", "told")]),
    ("indirect-said-pronoun",
     "Selina Hart said she would resign if the plan failed.",
     [Q("indirect", "Selina Hart", "she would resign if the plan failed", "said")]),
    ("indirect-unnamed-speaker-dropped",
     "Critics warned the minister that the plan would fail in court.",
     []),
    ("scare-quote-unattributed",
     "The so-called “hostile environment” policy was introduced years ago.",
     [Q("partial", None, "hostile environment", None, None)]),
    ("legal-term-unattributed",
     "Judges must decide whether the offence was a “particularly serious crime”.",
     [Q("partial", None, "particularly serious crime", None, None)]),
    ("nested-single-inside-double",
     "“She told me ‘never again’ and walked out,” said Amara Ellison.",
     [Q("direct", "Amara Ellison", "She told me ‘never again’ and walked out", "said")]),
    ("cue-paragraph-then-quote-paragraph",
     "Declan Hollis said:\n\n“The system is broken and everybody knows it.”",
     [Q("direct", "Declan Hollis", "The system is broken and everybody knows it.", "said")]),
    ("single-quote-style",
     "‘We will win this argument,’ said Tobias Wren.\nThe Conservatives’ record was attacked.",
     [Q("direct", "Tobias Wren", "We will win this argument", "said")]),
    ("single-quote-style-possessive-inside",
     "Rosie Tamberlane said: ‘The ministers’ excuses are wearing thin.’",
     [Q("direct", "Rosie Tamberlane", "The ministers’ excuses are wearing thin.", "said")]),
    ("split-quote",
     "“We tried,” Selina Hart said, “but nobody listened.”",
     [Q("direct", "Selina Hart", "We tried", "said"),
      Q("direct", "Selina Hart", "but nobody listened.", "said")]),
    ("closed-then-continued-paragraph",
     "Graham Pettit said: “The first step is done.”\n“The second will be harder.”",
     [Q("direct", "Graham Pettit", "The first step is done.", "said"),
      Q("direct", "Graham Pettit", "The second will be harder.", None)]),
    ("question-and-exclamation",
     "“Why should we pay for this?” asked Owen Marsh. “It is absurd!” he added.",
     [Q("direct", "Owen Marsh", "Why should we pay for this?", "asked"),
      Q("direct", "Owen Marsh", "It is absurd!", "added")]),
    ("two-speakers-alternating",
     "Harriet Quill said: “The plan works.”\nTobias Wren replied: “It does not.”",
     [Q("direct", "Harriet Quill", "The plan works.", "said"),
      Q("direct", "Tobias Wren", "It does not.", "replied")]),
    ("dash-parenthetical-subject",
     "Amara Ellison – speaking in Leeds on Friday – said: “Enough is enough.”",
     [Q("direct", "Amara Ellison", "Enough is enough.", "said")]),
    ("comma-parenthetical-subject",
     "Amara Ellison, speaking in Leeds, said the plan was “cruel”.",
     [Q("partial", "Amara Ellison", "cruel", "said")]),
    ("told-reporters",
     "Declan Hollis told reporters: “We expect a ruling next week.”",
     [Q("direct", "Declan Hollis", "We expect a ruling next week.", "told")]),
    ("wrote-on-social-media",
     "Selina Hart wrote on social media: “A dark day for this country.”",
     [Q("direct", "Selina Hart", "A dark day for this country.", "wrote")]),
    ("adverb-between-name-and-verb",
     "“This changes nothing,” Mr Graham Pettit later said.",
     [Q("direct", "Graham Pettit", "This changes nothing", "said")]),
    ("possessive-claim",
     "Campaigners rejected Selina Hart’s claim that the centre was “perfectly safe”.",
     [Q("partial", "Selina Hart", "perfectly safe", "claim")]),
    ("relative-who",
     "Owen Marsh, who said the camp was “a disgrace”, resigned.",
     [Q("partial", "Owen Marsh", "a disgrace", "said")]),
    ("org-spokesperson",
     "A Wexford Borough Council spokesman said: “We are reviewing the decision.”",
     [Q("direct", "Wexford Borough Council", "We are reviewing the decision.", "said")]),
    ("unnamed-speaker-keeps-cue",
     "“We are terrified,” said one resident.",
     [Q("direct", None, "We are terrified", "said")]),
    ("no-cue-headline-like",
     "“Enough is enough” was the slogan on the banner.",
     [Q("direct", None, "Enough is enough", None, None)]),
    ("straight-partial-pronoun",
     'Mr Owen Marsh was angry. He called the deal "a betrayal".',
     [Q("partial", "Owen Marsh", "a betrayal", "called")]),
    ("unknown-first-name-speech-verb",
     "Xanthe Vellacourt said: “I have lived here for forty years.”",
     [Q("direct", "Xanthe Vellacourt", "I have lived here for forty years.", "said")]),
    ("bare-surname-speaker",
     'Officials were questioned for hours. "We did nothing wrong," Brannigan said.',
     [Q("direct", "Brannigan", "We did nothing wrong", "said")]),
    ("unnamed-noun-phrase-keeps-cue",
     "“The outcomes can be devastating,” the physicians stated.",
     [Q("direct", None, "The outcomes can be devastating", "stated", None)]),
    ("inverted-said-with-ist-title",
     '"The ice is thin," said planetary geologist Rosaly Quentin.',
     [Q("direct", "Rosaly Quentin", "The ice is thin", "said", "planetary geologist")]),
    ("middle-initial-and-pronoun",
     'Costs rose, said Mary E. Hollowell, an economist. "Prices doubled," she said.',
     [Q("direct", "Mary E. Hollowell", "Prices doubled", "said")]),
    ("place-after-preposition-is-not-a-speaker",
     "Authorities in Calais announced that the camp would be cleared within days.",
     []),
    ("conjunction-takes-the-sentence-subject",
     "Mrs Harriet Quill conceded that costs had risen, but said: “We will not retreat.”",
     [Q("indirect", "Harriet Quill", "costs had risen", "conceded"),
      Q("direct", "Harriet Quill", "We will not retreat.", "said")]),
    ("participle-before-colon",
     "Owen Marsh said he would act within days, adding: “Enough is enough.”",
     [Q("indirect", "Owen Marsh", "he would act within days", "said"),
      Q("direct", "Owen Marsh", "Enough is enough.", "adding")]),
    ("colon-after-a-clause-about-the-subject",
     "Councillor Declan Hollis has rejected the plan, pointing instead to the old scheme run by Tobias Wren: "
     "“It worked, and it was cheaper.”",
     [Q("direct", "Declan Hollis", "It worked, and it was cheaper.", None)]),
    ("possessive-role-claim-then-next-speaker",
     "Council leader Selina Hart spoke first.\n"
     "Responding to the council leader’s claim that she is “listening”, Owen Marsh said: “She is not.”",
     [Q("partial", "Selina Hart", "listening", "claim", "the council leader"),
      Q("direct", "Owen Marsh", "She is not.", "said")]),
    ("speaker-of-the-previous-sentence",
     "Paula Venn said the rise was needed. “Nobody wants higher bills.”",
     [Q("direct", "Paula Venn", "Nobody wants higher bills.", None)]),
    ("possessive-role-then-name-in-commas",
     "Its leader, Councillor Paul Hadley, said: “Families are stretched.”",
     [Q("direct", "Paul Hadley", "Families are stretched.", "said")]),
    ("name-of-organisation-then-aside",
     "Dr Hugh Lennard of the Migration Evidence Unit, an independent group, said: "
     "“The backlog is growing.”",
     [Q("direct", "Hugh Lennard", "The backlog is growing.", "said")]),
    ("said-role-then-name",
     "“These are people who came in good faith,” said its regional organiser, Kelvin Amadou.",
     [Q("direct", "Kelvin Amadou", "These are people who came in good faith", "said")]),
    ("pronoun-after-has-now-said",
     "Council leader Janet Orme has now said she backs the plan.\n\n"
     "In an interview, she said: “It is right.”",
     [Q("indirect", "Janet Orme", "she backs the plan", "said"),
      Q("direct", "Janet Orme", "It is right.", "said")]),
    ("honorific-only-unintroduced",
     "“It was chaos,” Mr Brannigan said.",
     [Q("direct", "Mr Brannigan", "It was chaos", "said")]),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_attribution_table(body: str, expected: list[Q]) -> None:
    _, quotes = analyse(body)
    got = [Q(q.kind, q.speaker, q.text, q.cue, q.speaker_role) for q in quotes]
    assert len(got) == len(expected), got
    for g, e in zip(got, expected, strict=True):
        assert (g.kind, g.speaker, g.text) == (e.kind, e.speaker, e.text), g
        if e.cue is not ANY:
            assert g.cue == e.cue, g
        if e.role is not ANY:
            assert g.role == e.role, g
    check_offsets(body, quotes)


def test_table_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_hand_built_entities_name_the_speaker() -> None:
    body = "“Not on my watch,” said the harbour master."
    entities = (Entity(name="Ada Kettering", type="person", role="harbour master", mentions=1),)
    (quote,) = extract_quotes(body, entities)
    assert quote.speaker == "Ada Kettering"
    assert quote.speaker_role == "the harbour master"


def test_empty_and_quote_free_bodies() -> None:
    assert extract_quotes("", ()) == ()
    assert extract_quotes("Nothing was said at all.\n\nReally nothing.", ()) == ()


def test_apostrophes_are_not_quotes_in_double_quoted_text() -> None:
    body = "Labour’s plan isn’t new. “It's the same old story,” said Owen Marsh."
    _, quotes = analyse(body)
    assert [q.text for q in quotes] == ["It's the same old story"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“Unfinished quote at the end", [("direct", None, "Unfinished quote at the end")]),
        ('Stray ” mark and a 12" screen.', []),
        ("He said “this never closes and goes on", []),
        ("Owen Marsh said: “First part.\n\nNarrative follows.", [("direct", "Owen Marsh", "First part.")]),
    ],
    ids=["unterminated-at-end", "stray-marks", "unterminated-mid-sentence", "unterminated-before-narrative"],
)
def test_unbalanced_marks(body: str, expected: list[tuple[str, str | None, str]]) -> None:
    _, quotes = analyse(body)
    assert [(q.kind, q.speaker, q.text) for q in quotes] == expected
    check_offsets(body, quotes)
