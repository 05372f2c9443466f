"""People, organisations and places: gazetteer lookups, name patterns, canonical names, roles, counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.entities import (
    GAZETTEER,
    build_trie_pattern,
    extract_entities,
    load_gazetteer,
    locate_mentions,
    normalize_office,
)
from parsers.records import Entity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "quotes"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "seed-article.txt"  # the reference article


def by_name(body: str, title: str | None = None) -> dict[str, Entity]:
    return {e.name: e for e in extract_entities(body, title)}


def people(body: str) -> set[str]:
    return {e.name for e in extract_entities(body) if e.type == "person"}


def test_seed_article_names_all_nine_people_as_persons_and_nothing_else() -> None:
    body = SEED.read_text(encoding="utf-8")
    assert people(body) == {
        "Kemi Badenoch", "Donald Trump", "Nigel Farage", "Matt Chorley", "Tony Abbott", "Abdul Ezedi",
        "Keir Starmer", "Chris Philp", "Suella Braverman",
    }


def test_seed_article_places_and_organisations() -> None:
    found = by_name(SEED.read_text(encoding="utf-8"))
    for place in ("UK", "Britain", "Indonesia", "River Thames", "Clapham"):
        assert found[place].type == "place"
    for org in ("Home Office", "Reform UK", "ECHR", "Refugee Convention", "BBC Radio 5 Live", "Labour Party"):
        assert found[org].type == "org"


def test_roles_written_beside_names() -> None:
    found = by_name(
        "Shadow Home Secretary Chris Philp visited Dover. "
        "Conservative leader Kemi Badenoch stayed in London. "
        "It follows the case of Clapham chemical attacker Abdul Ezedi."
    )
    assert found["Chris Philp"].role == "Shadow Home Secretary"
    assert found["Kemi Badenoch"].role == "Conservative leader"
    assert found["Abdul Ezedi"].role == "Clapham chemical attacker"
    assert found["Dover"].type == "place"


def test_appositive_role_is_kept_and_not_counted_twice() -> None:
    found = by_name("Owen Marsh, the council leader, said the hotel would close.")
    assert found["Owen Marsh"].role == "council leader"
    assert found["Owen Marsh"].mentions == 1


def test_surname_and_honorific_mentions_count_for_the_full_name() -> None:
    found = by_name("Harriet Quill opened the debate. Ms Quill was blunt. Later, Quill left.")
    assert found["Harriet Quill"].mentions == 3
    assert "Ms Quill" not in found and "Quill" not in found


def test_honorific_pair_links_an_unknown_first_name_to_its_surname() -> None:
    found = by_name("Selina Hart met the press. Ms Hart said little.")
    assert found["Selina Hart"].type == "person"
    assert found["Selina Hart"].mentions == 2


def test_gazetteer_aliases_resolve_to_canonical_names() -> None:
    found = by_name("The Tories and the Lib Dems met in the U.K. on Tuesday. Sir Keir was not there.")
    assert found["Conservative Party"].type == "org"
    assert found["Liberal Democrats"].type == "org"
    assert found["UK"].type == "place"
    assert found["Keir Starmer"].type == "person"


def test_office_holder_absent_from_text_is_resolved_via_gazetteer() -> None:
    found = by_name("Campaigners wrote to the Prime Minister on Monday.")
    assert found["Keir Starmer"].mentions == 1
    assert found["Keir Starmer"].role == "Prime Minister"


def test_role_mention_prefers_the_person_given_that_role_in_the_article() -> None:
    found = by_name("Immigration minister Tobias Wren visited Kent. The minister met staff. "
                    "The minister left.")
    assert found["Tobias Wren"].mentions == 3


def test_possessive_names_are_found() -> None:
    found = by_name("Nigel Farage’s party rose in the polls while Farage's critics fell silent.")
    assert found["Nigel Farage"].mentions == 2


def test_sentence_initial_words_are_not_people() -> None:
    body = ("Otherwise Labour would win. Meanwhile Home Office figures rose. "
            "Despite Tuesday Briefings, nothing "
            "changed. Asked about Britain, ministers were silent. Small Boats Week began.")
    assert people(body) == set()


def test_organisations_are_not_people() -> None:
    found = by_name("Kent County Council said the Refugee Council would help. Border Force said nothing.")
    assert found["Kent County Council"].type == "org"
    assert found["Refugee Council"].type == "org"
    assert found["Border Force"].type == "org"
    assert people("Kent County Council said the Refugee Council would help.") == set()


def test_unknown_names_need_a_cue() -> None:
    assert people("Xanthe Vellacourt said she would stay.") == {"Xanthe Vellacourt"}
    assert people("asylum seeker Kwabena Mensah was moved.") == {"Kwabena Mensah"}
    assert people("Mr Ifeanyi Obi arrived.") == {"Ifeanyi Obi"}
    assert people("Velvet Thunder Gardens opened in spring.") == set()


def test_strict_alias_is_not_matched_at_sentence_start() -> None:
    assert "Reform UK" not in by_name("Reform of the asylum system is overdue.")
    assert by_name("Voters backed Reform in May.")["Reform UK"].mentions == 1


def test_title_mentions_are_counted_without_inventing_people() -> None:
    body = "Kemi Badenoch spoke in Leeds."
    found = by_name(body, title="Badenoch Backs Harbour Master Plan")
    assert found["Kemi Badenoch"].mentions == 2
    assert set(found) == {"Kemi Badenoch", "Leeds"}


def test_entities_come_in_order_of_first_mention() -> None:
    names = [e.name for e in extract_entities("Calais is near Dover. Owen Marsh said so in Paris.")]
    assert names == ["Calais", "Dover", "Owen Marsh", "Paris"]


def test_gazetteer_loads_and_knows_the_reference_people() -> None:
    gaz = load_gazetteer()
    assert gaz.aliases["Sir Keir"] == ("Keir Starmer", "person")
    assert gaz.aliases["ECHR"] == ("ECHR", "org")
    assert gaz.offices["reform uk leader"] == ("Nigel Farage",)
    assert GAZETTEER.given["Kemi"] == "f"


def test_normalize_office() -> None:
    assert normalize_office("The  Reform UK leader") == "reform uk leader"


@pytest.mark.parametrize("word", ["said", "says", "say", "added", "went on", "a"])
def test_trie_pattern_matches_each_word_whole(word: str) -> None:
    import re

    rx = re.compile(rf"(?:{build_trie_pattern(['said', 'says', 'say', 'added', 'went on', 'a'])})$")
    assert rx.match(word)
    assert not rx.match(word[:-1] + "#")


def test_locate_mentions_gives_offsets_into_the_body() -> None:
    body = "Mrs Badenoch said so. The Reform UK leader disagreed."
    index = locate_mentions(body)
    spans = {body[m.start:m.end]: m.name for m in index.mentions if m.type == "person"}
    assert spans == {"Mrs Badenoch": "Kemi Badenoch", "The Reform UK leader": "Nigel Farage"}
    assert index.genders["Kemi Badenoch"] == "f"


def test_middle_initials_and_titles_before_names() -> None:
    found = by_name("NASA Administrator Jim Tallow spoke, said Mary E. Hollowell, "
                    "a Syracuse University economist.")
    assert found["Jim Tallow"].role == "NASA Administrator"
    assert found["Mary E. Hollowell"].role == "Syracuse University economist"
    assert "Administrator Jim Tallow" not in found


def test_a_two_word_surname_counts_for_the_full_name() -> None:
    found = by_name("Joel Eriksson Ek scored twice. Eriksson Ek said it was luck.")
    assert found["Joel Eriksson Ek"].mentions == 2
    assert "Eriksson Ek" not in found


def test_verbs_before_a_title_are_not_part_of_the_role() -> None:
    found = by_name("Voters re-elected Governor Tom Hallam and wanted to impeach President Ada Corrigan.")
    assert found["Tom Hallam"].role == "Governor"
    assert found["Ada Corrigan"].role == "President"


def test_a_second_analysis_with_extra_people_reuses_only_its_own_bodys_scan() -> None:
    from parsers import entities

    bodies = ["Mrs Badenoch met the minister. The Home Secretary, Ada Corrigan, said no.",
              "Keir Starmer met the minister in Dover."]
    extra = (("Nigel Farage", "Reform UK leader"),)
    fresh = {}
    for body in bodies:
        entities._analyse_cached.cache_clear()
        entities._last_scan[0] = None
        fresh[body] = (entities._analyse_cached(body, ()), entities._analyse_cached(body, extra))
    for body in [*bodies, bodies[0]]:  # each analysis follows another body's
        entities._analyse_cached.cache_clear()
        assert entities._analyse_cached(body, ()) == fresh[body][0]
        assert entities._analyse_cached(body, extra) == fresh[body][1]
    assert "Nigel Farage" in fresh[bodies[1]][1].people
    assert "Keir Starmer" not in fresh[bodies[0]][1].people
