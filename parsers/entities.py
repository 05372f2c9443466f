"""Find the people, organisations and places an article names, with a curated gazetteer and name patterns."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parsers.records import Entity, EntityType
from parsers.textscan import build_trie_pattern

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
GAZETTEER_PATH = SEEDS_DIR / "gazetteer.toml"

# ----------------------------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The reference data in seeds/gazetteer.toml, indexed for lookups over capitalised token runs."""

    aliases: dict[str, tuple[str, EntityType]]  # normalised alias -> (canonical name, type)
    strict: frozenset[str]  # aliases not matched as the first word of a sentence
    genders: dict[str, str]  # canonical person -> "m" / "f"
    offices: dict[str, tuple[str, ...]]  # normalised office -> current holders
    former: dict[str, tuple[str, ...]]  # normalised office -> former holders
    given: dict[str, str | None]  # first name -> "m" / "f" / None (either)
    first_tokens: dict[str, int]  # first word of every alias -> most words in an alias starting with it


def normalize_office(text: str) -> str:
    """Lower-case a role, drop its article, squeeze spaces: 'The Reform UK leader' -> 'reform uk leader'."""
    words = text.replace("’", "'").lower().split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def alias_is_matchable(alias: str) -> bool:
    """Whether an alias can ever be found: the run scanner must read it as one run of capitalised words."""
    return " ".join(m.group(0) for m in _RUN_TOKEN.finditer(alias)) == " ".join(alias.split())


def _first_tokens(aliases: dict[str, tuple[str, EntityType]]) -> dict[str, int]:
    longest: dict[str, int] = {}
    for alias in aliases:
        words = alias.split()
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Read the gazetteer TOML file into lookup tables."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    aliases: dict[str, tuple[str, EntityType]] = {}
    genders: dict[str, str] = {}
    offices: dict[str, list[str]] = {}
    former: dict[str, list[str]] = {}

    def add(alias: str, canonical: str, kind: EntityType) -> None:
        if alias_is_matchable(alias):  # a canonical name with a comma is only a label; its aliases match
            aliases.setdefault(_key(alias), (canonical, kind))

    for person in data.get("person", []):
        name = person["name"]
        add(name, name, "person")
        for alias in person.get("aliases", []):
            add(alias, name, "person")
        if person.get("gender"):
            genders[name] = person["gender"]
        for office in person.get("offices", []):
            offices.setdefault(normalize_office(office), []).append(name)
        for office in person.get("former", []):
            former.setdefault(normalize_office(office), []).append(name)
    for kind, section in (("org", "org"), ("place", "place")):
        for group in data.get(section, {}).values():
            for canonical, names in group.items():
                add(canonical, canonical, kind)  # type: ignore[arg-type]
                for alias in names:
                    add(alias, canonical, kind)  # type: ignore[arg-type]
    given: dict[str, str | None] = {}
    names = data.get("given_names", {})
    for gender, key in (("m", "male"), ("f", "female")):
        for first in names.get(key, "").split():
            given[first] = gender
    for first in names.get("unisex", "").split():
        given[first] = None
    return Gazetteer(
        aliases=aliases,
        strict=frozenset(_key(a) for a in data.get("strict", {}).get("aliases", [])),
        genders=genders,
        offices={k: tuple(v) for k, v in offices.items()},
        former={k: tuple(v) for k, v in former.items()},
        given=given,
        first_tokens=_first_tokens(aliases),
    )


# ----------------------------------------------------------------------------------------------- patterns

_U = "A-ZÀ-ÖØ-Þ"
_CAP = rf"[{_U}][\w]*"
_TOKEN = (
    rf"(?:[{_U}](?:\.[{_U}])+\.?"  # U.K., U.S.
    rf"|[{_U}]\.(?=[ \u00a0][{_U}][a-z])"  # a middle initial: Mary E. Lovely
    rf"|{_CAP}(?:['’]{_CAP})?(?:-(?:(?:[a-z]+-)*{_CAP}|(?:tier|on|upon|under|en|sur|le|la)\b))*(?:['’]s\b)?"
    r"|\d+(?:st|nd|rd|th)?(?![\w,.]\d))"
)
_CONN = (
    r"(?:of|on|the|for|and|de|du|da|di|del|von|van|der|den|bin|al|le|la|y|not|to|from|in|with|against|upon|ap"
    r"|für|&)"
)
_PARTICLES = frozenset("de du da di del von van der den bin al le la ap".split())
_SEP = r"(?:(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|(?<=\bDr)\.|(?<=\bSt)\.)?[ \u00a0]+"
_TOKEN_REST = (
    rf"(?:(?<=[{_U}])(?:(?:\.[{_U}])+\.?|\.(?=[ \u00a0][{_U}][a-z])"
    rf"|\w*(?:['’]{_CAP})?(?:-(?:(?:[a-z]+-)*{_CAP}|(?:tier|on|upon|under|en|sur|le|la)\b))*"
    rf"(?:['’]s\b)?)|(?<=\d)\d*(?:st|nd|rd|th)?(?![\w,.]\d))"
)
# starts with a character class (and checks the word boundary after it) so the regex engine can skip ahead
_RUN = re.compile(rf"[{_U}\d](?<![\w’'-].){_TOKEN_REST}(?:{_SEP}(?:{_CONN}[ \u00a0]+)*{_TOKEN})*")
_RUN_TOKEN = re.compile(rf"{_TOKEN}|{_CONN}(?![\w])")
_NAME_TOKEN = re.compile(rf"(?:Mc|Mac|O['’]|D['’])?[{_U}][a-zà-öø-ÿ]+(?:[-'’][{_U}][a-zà-öø-ÿ]+)*")

_HONORIFICS: dict[str, str | None] = {
    "Mr": "m", "Mrs": "f", "Ms": "f", "Miss": "f", "Mx": None, "Dr": None, "Sir": "m", "Dame": "f",
    "Lord": "m", "Reverend": None, "Revd": None,
    "Lady": "f", "Baroness": "f", "Baron": "m", "Professor": None, "Prof": None, "Rev": None, "Cllr": None,
    "Councillor": None, "King": "m", "Queen": "f", "Prince": "m", "Princess": "f",
}
_KEEP_HONORIFIC = frozenset("Sir Dame Lord Lady Baroness Baron King Queen Prince Princess".split())

_STOP_CAPS = frozenset(
    """The A An This That These Those It Its He She They We I You His Her Their Our My Your But
    And Or If When While Whilst As At In On Of For From To By With After Before Since Under Over
    Last Next Yesterday Today Tomorrow Tonight Meanwhile However Although Though Despite Some Many
    More Most Other Others New Former Otherwise Asked Speaking Responding Writing According
    Earlier Later Now Then There Here What Why How Who Where Which Whose Also Even Only Both Each
    Every All No Not Nor So Yet Just Still Instead Indeed Thus Hence Such Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August September
    October November December Christmas Easter Ramadan Eid Brexit Covid Article Section Chapter
    Part Page Figure Table Government Ministers Minister Secretary Prime Shadow Chancellor
    President Leader Deputy Chief MP MPs MEP MSP Tory Tories Conservative Labour Liberal Democrat
    Green Home Foreign Justice Health Attorney General Mayor Commissioner Inspector Officer
    Spokesman Spokeswoman Spokesperson Director Chairman Chair Executive Head Judge Pope
    Archbishop Bishop Senator Governor Ambassador Commander Captain Sergeant Constable Detective
    Superintendent Police Officials Sources Critics Campaigners Figures Data Ukip Reform British
    English Scottish Welsh Irish French German Italian Spanish Greek Dutch Belgian Polish Romanian
    Albanian European American Australian Canadian Afghan Iranian Iraqi Syrian Eritrean Sudanese
    Vietnamese Indian Pakistani Bangladeshi Nigerian Chinese Russian Ukrainian Turkish Kurdish
    Muslim Muslims Jewish Islamic Western Asian African Arab Libyan Egyptian Somali Ethiopian
    Rwandan Israeli Palestinian Christian Catholic Protestant Hindu Sikh Mrs Mr Ms Miss Dr Sir
    Dame Lord Lady Baroness Professor Prof Rev Cllr Councillor King Queen Prince Princess Please
    Thank Thanks Yes Yeah Well Oh Absolutely Sorry Hello Dear""".split()
)
_LEAD_STOPS = frozenset(
    """The A An This That These Those It Its His Her Their Our My Your But And Or If When While As
    At In On Of For From To By With After Before Since Under Over Last Next Yesterday Today
    Meanwhile However Although Despite Some Many More Most Other Former Otherwise Asked Speaking
    Responding Writing According Earlier Later Now Then There Here Also Even Only Both Each Every
    All No Not So Yet Just Still Instead Indeed""".split()
)
_ORG_WORDS = frozenset(
    """Office Party Council Court Tribunal Ministry Department Committee Commission Agency Service
    Services Trust Foundation Institute University College School Hospital Police Force Bank Group
    Union Association Society Network News Times Post Mail Telegraph Herald Express Radio TV
    Television Channel Centre Center Watch Project Campaign Alliance Coalition Fund Board
    Authority Inc Ltd Plc PLC LLP Company Corporation Act Bill Convention Treaty Charter
    Government Parliament Assembly Senate Congress Cabinet Navy Army Forces Partners Solicitors
    Chambers Charity Federation Organisation Organization Movement Initiative Council Club Church
    Mosque Programme Inquiry Review Unit Insider Journal Gazette Magazine Weekly Daily Monitor Tribune
    Chronicle Observer Standard Independent Guardian Mirror Echo Press Today Online Media
    Broadcasting Studios Records Games Airlines Airways Motors Systems Technologies Labs Holdings
    Capital Partners Ventures Group""".split()
)
_AND_JOINER = re.compile(r"[ \u00a0]+(?:and|&)[ \u00a0]+")
_PLACE_HEADS = frozenset({"River", "Mount", "Lake", "Isle", "Port", "Fort", "Saint"})
_PLACE_TAILS = frozenset({"Street", "Road", "Square", "Avenue", "Lane", "Bridge", "Airport", "Station",
                          "Hotel",
                          "Barracks", "Camp", "Prison", "Park", "Palace", "Hall", "Harbour", "Port", "Beach",
                          "Estate", "Island", "Islands", "Valley", "County", "Borough"})
_COMMON_SURNAME_WORDS = frozenset(
    """May Will Mark Hope Brown Green White Black Young Long Little Rich Best Hunt Wood Hill Field
    Bell Church King Price Short Moore Grant Bird Fox Page Lord Rose Marsh Banks Brook Lamb Ward
    Hall Cook Baker Butler Smith Walker Turner Mason Fisher Shepherd Lane Cross Sharp Hart Street
    Strong Gray Grey""".split()
)
_BLOCKED = _STOP_CAPS | _ORG_WORDS

_ROLE_HEADS = (
    "leader secretary minister MP MEP MSP peer chancellor spokesman spokeswoman spokesperson presenter host"
    " anchor correspondent editor reporter journalist columnist broadcaster commentator chief director"
    " president chair chairman chairwoman head officer commissioner lawyer barrister solicitor judge attacker"
    " suspect killer murderer rapist offender criminal migrant seeker refugee campaigner activist founder"
    " executive CEO boss adviser advisor aide analyst economist researcher professor academic expert"
    " councillor mayor governor senator ambassador envoy official candidate deputy whip inspector"
    " superintendent constable detective sergeant commander tsar czar author historian lecturer doctor nurse"
    " surgeon owner manager coordinator co-ordinator organiser organizer pollster strategist donor"
    " businessman businesswoman entrepreneur footballer singer actor actress comedian victim survivor widow"
    " resident worker volunteer smuggler trafficker prosecutor coroner magistrate attorney premier PM speaker"
    " monarch bishop archbishop imam rabbi vicar priest predecessor successor counterpart co-leader convenor"
    " treasurer secretary-general source insider representative negotiator master administrator member"
).split()
_ROLE_HEAD_WORDS = frozenset(w.lower() for w in _ROLE_HEADS)
_ROLE_HEAD = "(?:" + build_trie_pattern(sorted(_ROLE_HEAD_WORDS - {"seeker"}) + ["asylum seeker"]) + ")"
_MOD_STOP = (
    r"(?:The|A|An|But|And|Or|Yesterday|Today|Last|This|That|However|Meanwhile|Speaking|Asked|Responding|In|On|At"
    r"|As|When|While|After|Before|If|Then|Now|Earlier|Later|Also|Even|Only|Both|Its|His|Her|Their|Our|Some|Many"
    r"|Most|Other|Writing|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|It|He|She|They|We|I|You|Critics|Sources"
    r"|Officials|Campaigners|Ministers)"
)
_LOWER_MODS = (
    r"(?:former|ex|then|shadow|deputy|junior|senior|chief|acting|interim|home|foreign|justice|health|immigration"
    r"|border|borders|security|defence|education|business|energy|culture|local|regional|party|opposition|general"
    r"|cabinet|prime|first|vice|assistant|principal|executive|permanent|government|policy|legal|political|press"
    r"|news|associate|managing|lead|national|international|european|campaign|communications|development"
    r"|housing|migration|asylum|refugee|human|rights|welfare|programme|radio|television|tv|breakfast|morning"
    r"|evening|sunday|policing|safeguarding|equalities|treasury|science|transport|environment|trade|work"
    r"|pensions|community|communities|affairs|state|city|county|council|district|parish|backbench|frontbench"
    r"|veteran|outgoing|incoming|new|longtime|long-serving|illegal|legal|crime|victims|prisons|courts)"
)
_LOWER_MOD_WORDS = frozenset(_LOWER_MODS[3:-1].split("|"))
_MOD = rf"(?:(?!{_MOD_STOP}\b)[{_U}][\w&’'-]*|\d+|{_LOWER_MODS}(?:-\w+)?|ex-\w+)"
_SP = r"[ \u00a0]+"
_NOT_IN_ROLE = (
    r"(?:of|to|in|on|for|with|by|at|from|and|or|but|that|who|which|is|was|has|have|had|will|would|could|said"
    r"|says|the|a|an|as|its|his|her|their)"
)
# up to six modifiers, then at most one other lower-case word, then a role noun: "Clapham chemical attacker"
_ROLE_PHRASE = rf"(?:{_MOD}{_SP}){{0,6}}?(?:(?!{_NOT_IN_ROLE}\b)[a-z][\w-]*{_SP})?(?i:{_ROLE_HEAD})"
_APPOSITIVE = re.compile(
    rf",{_SP}(?:(?:the|a|an){_SP})?((?:{_ROLE_PHRASE})(?:{_SP}(?:for|of|at){_SP}(?:the{_SP})?[{_U}][\w’'-]*"
    rf"(?:{_SP}[{_U}][\w’'-]*)*)?)(?=[ \u00a0]*(?:[,.;:–—)]|$))"
)
_ROLE_MENTION = re.compile(
    rf"([TtAa](?<![\w’'-].)(?:(?<=[Tt])he|(?<=[Aa])n?){_SP})({_ROLE_PHRASE})"
    rf"(?:(?=['’]s\b)|(?![\w’'-]))"  # may be possessive: "the Prime Minister's claim"
    rf"(?:{_SP}for{_SP}(?:the{_SP})?([{_U}][\w’'-]*(?:{_SP}(?:of{_SP})?[{_U}][\w’'-]*)*))?"
)
_SPOKES_HEADS = frozenset({"spokesman", "spokeswoman", "spokesperson", "source", "insider", "official",
                           "representative"})
_SPEECH_VERB_AFTER = re.compile(
    r"[ \u00a0]+(?:has[ \u00a0]+|have[ \u00a0]+|had[ \u00a0]+)?(?:said|says|told|added|adds|insisted|insists"
    r"|warned|warns|claimed|argued|stated|explained|declared|responded|replied|asked|wrote|tweeted|posted|admitted"
    r"|acknowledged|conceded|noted|suggested|urged|pledged|promised|vowed|stressed|announced|revealed"
    r"|confirmed|denied|described|called|branded|accused|continued)\b"
)
_SPEECH_VERB_BEFORE = re.compile(
    r"(?<![\w’'-])(?:said|says|added|adds|replied|wrote|insisted|warned)[ \u00a0]+$"
)
_SPEECH_NOUN_AFTER = re.compile(
    r"[ \u00a0]+(?:claims?|pledges?|promises?|vows?|warnings?|words|comments|remarks|statement|insistence"
    r"|assertion|suggestion|description|argument|admission|call|plea|message|response|assurance|accusation|threat)\b"
)
_QUOTE_BEFORE = re.compile(r"[”\"’],?[ \u00a0]+$")
_QUOTE_VERB_BEFORE = re.compile(r"[”\"’],?[ \u00a0]+(?:said|says|added|asked|replied|insisted)[ \u00a0]+$")
_PERSON_TAIL = re.compile(r",[ \u00a0]+(?:who\b|aged\b|\d{1,3},)")
_SENTENCE_END = frozenset(".!?:…\n")
_QUOTE_CHARS = frozenset("“”\"‘’'([")


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference to an entity: its span, the canonical name it resolves to, and how it was written."""

    start: int  # includes a title before a name ("Shadow Home Secretary Chris Philp") or a role's article
    end: int
    name: str | None  # None for a role mention nobody could be found for ("the minister")
    type: EntityType
    form: str  # "name", "alias", "honorific", "surname", "given", "role"
    role: str | None  # the role as written beside the name, or the role phrase itself for form "role"
    counted: bool = True  # False for role phrases in apposition ("Jane Doe, the minister,")


@dataclass(frozen=True, slots=True)
class MentionIndex:
    """Every mention in one body, looked up by start and end offset, and what is known of people's genders."""

    mentions: tuple[Mention, ...]
    by_start: dict[int, Mention]
    by_end: dict[int, Mention]
    genders: dict[str, str | None]
    people: frozenset[str]


GAZETTEER = load_gazetteer()


def _is_sentence_initial(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and (text[i] in " \t\u00a0" or text[i] in _QUOTE_CHARS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


@dataclass(slots=True)
class _Tok:
    text: str
    start: int
    end: int  # end without a possessive 's
    conn: bool
    possessive: bool


def _tokens(run: re.Match[str]) -> list[_Tok]:
    base = run.start()
    whole = run.group(0)
    out = []
    if "\u00a0" not in whole and "  " not in whole and "." not in whole:
        pos = base
        for text in whole.split(" "):  # cheaper than a regex when words are single-space separated
            possessive = len(text) > 2 and text.endswith(("'s", "’s"))
            core = text[:-2] if possessive else text
            conn = not (text[0].isupper() or text[0].isdigit())
            out.append(_Tok(core, pos, pos + len(core), conn, possessive))
            pos += len(text) + 1
        return out
    for m in _RUN_TOKEN.finditer(whole):
        text = m.group(0)
        possessive = len(text) > 2 and text.endswith(("'s", "’s"))
        core = text[:-2] if possessive else text
        out.append(_Tok(core, base + m.start(), base + m.start() + len(core),
                        not (text[0].isupper() or text[0].isdigit()), possessive))
    return out


def _lookup(toks: list[_Tok], i: int, gaz: Gazetteer) -> tuple[int, str, EntityType] | None:
    """Longest gazetteer alias starting at token i: (end token index, canonical, type)."""
    longest = gaz.first_tokens.get(toks[i].text.replace("’", "'"))
    if longest is None:
        return None
    for j in range(min(len(toks), i + longest), i, -1):
        if toks[j - 1].conn or any(t.possessive for t in toks[i:j - 1]):
            continue
        hit = gaz.aliases.get(_key(" ".join(t.text for t in toks[i:j])))
        if hit is not None:
            return j, hit[0], hit[1]
    return None


@dataclass(slots=True)
class _Raw:
    """Pass-one findings for one text."""

    gaz: list[tuple[int, int, str, EntityType, str | None]]  # start, end, canonical, type, honorific
    candidates: list[tuple[list[_Tok], str | None]]  # name tokens, honorific before them
    singles: list[_Tok]  # lone capitalised tokens left over
    orgs: list[tuple[int, int, str]]
    places: list[tuple[int, int, str]]


def _scan_runs(text: str, gaz: Gazetteer) -> _Raw:
    raw = _Raw([], [], [], [], [])
    aliases = gaz.aliases
    for run in _RUN.finditer(text):
        whole = run.group(0)
        if " " not in whole and "\u00a0" not in whole:  # one token: the common case, kept cheap
            possessive = whole.endswith(("'s", "’s")) and len(whole) > 2
            core = whole[:-2] if possessive else whole
            one = aliases.get(core.replace("’", "'"))
            if one is not None and not (core in gaz.strict and _is_sentence_initial(text, run.start())):
                raw.gaz.append((run.start(), run.start() + len(core), one[0], one[1], None))
            elif core not in _BLOCKED:
                raw.singles.append(_Tok(core, run.start(), run.start() + len(core), False, possessive))
            continue
        possessive = whole.endswith(("'s", "’s"))
        core = whole[:-2] if possessive else whole
        whole_hit = aliases.get(_key(core))
        if whole_hit is not None:  # the whole run is one known name: "Home Office", "Kemi Badenoch"
            raw.gaz.append((run.start(), run.start() + len(core), whole_hit[0], whole_hit[1], None))
            continue
        first, _, rest = core.partition(" ")
        if first in _HONORIFICS and " " not in rest:  # "Mrs Badenoch"
            whole_hit = aliases.get(_key(rest))
            if whole_hit is not None and whole_hit[1] == "person":
                raw.gaz.append((run.start(), run.start() + len(core), whole_hit[0], whole_hit[1], first))
                continue
        elif first in _LEAD_STOPS and rest and rest[0] != " ":  # "The Home Office"
            whole_hit = aliases.get(_key(rest))
            if whole_hit is not None:
                start = run.start() + len(first) + 1
                raw.gaz.append((start, run.start() + len(core), whole_hit[0], whole_hit[1], None))
                continue
        toks = _tokens(run)
        n = len(toks)
        i = 0
        leftover: list[_Tok] = []
        groups: list[list[_Tok]] = []
        while i < n:
            tok = toks[i]
            if tok.conn:
                if leftover and tok.text not in _PARTICLES:
                    groups.append(leftover)
                    leftover = []
                elif leftover:
                    leftover.append(tok)
                i += 1
                continue
            honorific = tok.text.rstrip(".") if tok.text.rstrip(".") in _HONORIFICS else None
            hit = _lookup(toks, i, gaz)
            if hit is not None and tok.text in _STOP_CAPS and honorific is None:
                nxt = _lookup(toks, i + 1, gaz) if i + 1 < n else None
                if nxt is not None and nxt[0] > hit[0]:
                    hit = None
            if hit is None and honorific is not None and i + 1 < n and not toks[i + 1].conn:
                after = _lookup(toks, i + 1, gaz)
                if after is not None and after[2] == "person":
                    hit = after
            if hit is not None:
                j, canonical, kind = hit
                if j - i == 1 and _key(tok.text) in gaz.strict and _is_sentence_initial(text, tok.start):
                    hit = None
                elif kind == "place" and not toks[j - 1].possessive and _org_follows(toks, j):
                    hit = None  # "Kent County Council", "Dover District Council": the place names the org
                else:
                    if leftover:
                        groups.append(leftover)
                        leftover = []
                    raw.gaz.append((tok.start, toks[j - 1].end, canonical, kind, honorific))
                    i = j
                    continue
            if tok.possessive:
                leftover.append(tok)
                groups.append(leftover)
                leftover = []
            else:
                leftover.append(tok)
            i += 1
        if leftover:
            groups.append(leftover)
        merged: list[list[_Tok]] = []
        for group in groups:  # "Wessmouth and District Combined Authority", "Kent and Medway NHS Trust"
            if (merged and len(merged[-1]) == 1 and group[-1].text in _ORG_WORDS
                    and merged[-1][0].text not in gaz.given and merged[-1][0].text not in _BLOCKED
                    and group[0].text not in _LEAD_STOPS
                    and _AND_JOINER.fullmatch(text, merged[-1][-1].end, group[0].start)):
                merged[-1] = merged[-1] + group
            else:
                merged.append(group)
        for group in merged:
            _split_group(text, group, raw)
    return raw


def _org_follows(toks: list[_Tok], j: int) -> bool:
    """True when the capitalised words after token j, up to a connector, end in an organisation word."""
    k = j
    while k < len(toks) and not toks[k].conn:
        k += 1
        if toks[k - 1].possessive:
            break
    return k > j and toks[k - 1].text in _ORG_WORDS and all(t.text not in _STOP_CAPS for t in toks[j:k])


def _split_group(text: str, group: list[_Tok], raw: _Raw) -> None:
    """Sort capitalised tokens the gazetteer did not know into name candidates, orgs, places and singles."""
    while group and group[-1].conn:
        group.pop()
    if not group:
        return
    lead = 0
    while lead < len(group) and group[lead].text in _LEAD_STOPS:
        lead += 1
    words = [t.text for t in group[lead:]]
    if len(words) >= 2 and words[-1] in _ORG_WORDS and not group[-2].conn and words[0] not in _BLOCKED:
        start, end = group[lead].start, group[-1].end
        raw.orgs.append((start, end, " ".join(text[start:end].split())))
        return
    words = [t.text for t in group]
    if len(group) - lead >= 2 and (words[lead] in _PLACE_HEADS or words[-1] in _PLACE_TAILS):
        raw.places.append((group[lead].start, group[-1].end, " ".join(words[lead:])))
        return
    piece: list[_Tok] = []
    honorific: str | None = None
    pieces: list[tuple[list[_Tok], str | None]] = []
    for tok in group:
        word = tok.text.rstrip(".")
        if word in _HONORIFICS:
            if piece:
                pieces.append((piece, honorific))
            piece, honorific = [], word
            continue
        initial = piece and len(tok.text) == 2 and tok.text[1] == "." and tok.text[0].isupper()
        if word in _BLOCKED or not (_NAME_TOKEN.fullmatch(tok.text) or (tok.conn and tok.text in _PARTICLES)
                                    or initial):
            if piece:
                pieces.append((piece, honorific))
            piece, honorific = [], None
            if not tok.conn:
                raw.singles.append(tok)
            continue
        piece.append(tok)
        if tok.possessive:
            pieces.append((piece, honorific))
            piece, honorific = [], None
    if piece:
        pieces.append((piece, honorific))
    for toks, hon in pieces:
        while toks and toks[-1].conn:
            toks.pop()
        while len(toks) > 1 and toks[0].text.lower() in _ROLE_HEAD_WORDS:  # "Administrator Jim Bridenstine"
            toks.pop(0)
        if len(toks) >= 3 and toks[0].text not in GAZETTEER.given:  # "Public Prosecution Eva Persson"
            for k in range(1, len(toks) - 1):
                if toks[k].text in GAZETTEER.given:
                    del toks[:k]
                    break
        if not toks:
            continue
        if hon is None and len(toks) == 1:
            raw.singles.append(toks[0])
        else:
            raw.candidates.append((toks, hon))


_MOD_STOP_WORDS = frozenset(_MOD_STOP[3:-1].split("|"))
_FREE_STOP_WORDS = frozenset(
    "of to in on for with by at from and or but that who which is was has have had will would could said says"
    " the a an as its his her their under over about after before between against into onto like than via per"
    " during since until without within among amid toward towards upon across behind despite through near"
    " alongside"
    " including plus when while where whom whose if so not also".split()
)
_WORD_CHARS = str.maketrans("", "", "-’'&")
_INFINITIVE_MARKERS = frozenset("to will would can could should must may might did does do not never".split())
_PARTICIPLE_ROLES = frozenset(
    "convicted suspected jailed failed disgraced retired elected appointed acting leading serving ruling"
    " governing"
    " outgoing founding presiding sitting ousted sacked exiled detained alleged accused wanted".split()
)


def _is_mod(word: str) -> bool:
    plain = word.translate(_WORD_CHARS)
    if not plain.isalnum():
        return False
    if word[0].isupper():
        return word not in _MOD_STOP_WORDS
    return plain.isdigit() or word in _LOWER_MOD_WORDS or word.split("-", 1)[0] in _LOWER_MOD_WORDS


def _is_role_head(word: str) -> bool:
    lower = word.lower()
    return lower in _ROLE_HEAD_WORDS or (len(lower) > 5 and lower.endswith(("ist", "ologist", "ician"))
                                         and lower.isalpha())


def _title_before(text: str, start: int) -> tuple[int, str] | None:
    """The role written just before a name: 'Shadow Home Secretary' in 'Shadow Home Secretary Chris Philp'."""
    lo = max(0, start - 120)
    nl = text.rfind("\n", lo, start)
    if nl >= 0:
        lo = nl + 1
    words = text[lo:start].rstrip(" \u00a0").replace("\u00a0", " ").split(" ")
    if not words or not _is_role_head(words[-1]):
        return None
    i = len(words) - 2
    if i >= 0 and words[i] and words[i][0].islower() and not _is_mod(words[i]):
        plain = words[i].translate(_WORD_CHARS)
        if plain.isalpha() and words[i] not in _FREE_STOP_WORDS:
            if i > 0 and words[i - 1] in _INFINITIVE_MARKERS:
                i = -2  # "to impeach President Donald Trump"
            elif not words[i].endswith(("ed", "ing")) or words[i] in _PARTICIPLE_ROLES:
                i -= 1
            else:
                i = -2  # "re-elected Governor": a verb, not part of the role; keep the bare head
    if i == -2:
        i = len(words) - 2
    else:
        while i >= 0 and len(words) - 1 - i <= 7 and words[i] and _is_mod(words[i]):
            i -= 1
    phrase = " ".join(words[i + 1:])
    return start - len(text[lo:start]) + len(" ".join(words[:i + 1])) + (1 if i >= 0 else 0), phrase


def _written_role(role: str, at_sentence_start: bool) -> str:
    if at_sentence_start and role.split(" ", 1)[0] in ("Former", "The", "A", "An", "Ex-", "Then"):
        return role[0].lower() + role[1:]
    return role


def _verb_follows(text: str, end: int) -> bool:
    """A speech verb right after a name, or after a parenthetical: 'Jane Doe – speaking in Leeds – said'."""
    if _SPEECH_VERB_AFTER.match(text, end):
        return True
    k = end
    while k < len(text) and text[k] in " \u00a0":
        k += 1
    if k >= len(text) or text[k] not in ",–—":
        return False
    close = text.find(text[k], k + 1, k + 100)
    if close < 0 or any(c in text[k + 1:close] for c in ".!?\n“”\""):
        return False
    return bool(_SPEECH_VERB_AFTER.match(text, close + 1))


def _is_person_candidate(
    text: str, toks: list[_Tok], hon: str | None, gaz: Gazetteer, honorific_surnames: set[str]
) -> bool:
    if hon is not None:
        return True
    if len(toks) < 2 or len(toks) > 4 or toks[0].conn:
        return False
    if toks[0].text in gaz.given or toks[-1].text in honorific_surnames:
        return True
    start, end = toks[0].start, toks[-1].end
    if _title_before(text, start) is not None or _SPEECH_VERB_BEFORE.search(text, max(0, start - 14), start):
        return True
    if toks[-1].possessive:
        return bool(_SPEECH_NOUN_AFTER.match(text, end + 2))
    if _PERSON_TAIL.match(text, end) or _APPOSITIVE.match(text, end):
        return not _is_sentence_initial(text, start) or len(toks) == 2
    return len(toks) == 2 and _verb_follows(text, end)


@dataclass(slots=True)
class _PersonRef:
    start: int
    end: int
    name: str
    form: str
    honorific: str | None


def _analyse(body: str, extra: tuple[tuple[str, str | None], ...] = ()) -> MentionIndex:
    return _analyse_cached(body, extra)


# The last body's scan: locate_mentions analyses a body again when entities name people it does not (a
# headline's), and the scan does not depend on them. One tuple, replaced whole: safe to read from any thread.
_last_scan: list[tuple[str, Gazetteer, _Raw, list[re.Match[str]]] | None] = [None]


def _scan_body(body: str, gaz: Gazetteer) -> tuple[_Raw, list[re.Match[str]]]:
    """_scan_runs and _find_role_mentions of body, remembered for the last body (callers only read them)."""
    last = _last_scan[0]
    if last is not None and last[1] is gaz and last[0] == body:
        return last[2], last[3]
    raw, role_mentions = _scan_runs(body, gaz), _find_role_mentions(body)
    _last_scan[0] = (body, gaz, raw, role_mentions)
    return raw, role_mentions


@lru_cache(maxsize=16)
def _analyse_cached(body: str, extra: tuple[tuple[str, str | None], ...]) -> MentionIndex:
    gaz = GAZETTEER
    raw, role_mentions = _scan_body(body, gaz)
    refs: list[_PersonRef] = []
    mentions: list[Mention] = []
    genders: dict[str, str | None] = {}
    for start, end, canonical, kind, hon in raw.gaz:
        if kind == "person":
            refs.append(_PersonRef(start, end, canonical, "alias" if hon is None else "honorific", hon))
        else:
            mentions.append(Mention(start, end, canonical, kind, "name", None))
    for start, end, name in raw.orgs:
        mentions.append(Mention(start, end, name, "org", "name", None))
    for start, end, name in raw.places:
        mentions.append(Mention(start, end, name, "place", "name", None))

    # full names first, so that surnames and honorifics can resolve to them
    people: dict[str, None] = {r.name: None for r in refs}
    for name, _role in extra:
        people.setdefault(name, None)
        pos = body.find(name)
        while pos >= 0:
            stop = pos + len(name)
            if (pos == 0 or not body[pos - 1].isalnum()) and not body[stop:stop + 1].isalnum():
                refs.append(_PersonRef(pos, pos + len(name), name, "name", None))
            pos = body.find(name, pos + len(name))
    pending: list[tuple[list[_Tok], str | None]] = []
    honorific_surnames = {toks[-1].text for toks, hon in raw.candidates if hon is not None and len(toks) == 1}
    for toks, hon in raw.candidates:
        if len(toks) >= 2 and _is_person_candidate(body, toks, hon, gaz, honorific_surnames):
            name = " ".join(t.text for t in toks)
            people.setdefault(name, None)
            start = toks[0].start
            if hon is not None:
                start = body.rfind(hon, 0, start)
            refs.append(_PersonRef(start, toks[-1].end, name, "name" if hon is None else "honorific", hon))
        else:
            pending.append((toks, hon))
    # "Eriksson Ek" is "Joel Eriksson Ek"
    longer = _longer_names(people)
    if longer:
        for ref in refs:
            ref.name = longer.get(ref.name, ref.name)
        for name in longer:
            del people[name]
    surnames: dict[str, list[str]] = {}
    firsts: dict[str, list[str]] = {}
    for name in people:
        parts = name.split()
        if len(parts) >= 2:
            surnames.setdefault(parts[-1], []).append(name)
            if parts[0] not in _HONORIFICS:
                firsts.setdefault(parts[0], []).append(name)
    for toks, hon in pending:
        word = toks[0].text
        resolved: str | None = None
        if len(toks) == 1:
            cands = surnames.get(word, [])
            if not cands and hon in _KEEP_HONORIFIC:
                cands = firsts.get(word, [])
            if len(cands) == 1:
                resolved = cands[0]
            elif hon is not None:
                resolved = f"{hon} {word}"
                people.setdefault(resolved, None)
        if resolved is None:
            continue
        start = toks[0].start if hon is None else body.rfind(hon, 0, toks[0].start)
        refs.append(_PersonRef(start, toks[-1].end, resolved, "honorific" if hon else "surname", hon))
    # a bare surname given as a quote's speaker: '“…,” Schiff said', '“…,” said Volker.'
    for tok in raw.singles:
        near = body[max(0, tok.start - 16):tok.start]
        if ("”" in near or '"' in near or "’" in near) and (
                tok.text not in surnames and tok.text not in firsts and not tok.possessive
                and tok.text not in _COMMON_SURNAME_WORDS and _NAME_TOKEN.fullmatch(tok.text)
                and (_QUOTE_BEFORE.search(body, max(0, tok.start - 4), tok.start)
                     and _SPEECH_VERB_AFTER.match(body, tok.end)
                     or _QUOTE_VERB_BEFORE.search(body, max(0, tok.start - 16), tok.start)
                     and body[tok.end:tok.end + 1] in (".", ",", ";", ""))):
            people.setdefault(tok.text, None)
            surnames[tok.text] = [tok.text]
    for tok in raw.singles:
        if tok.text in _HONORIFICS:
            continue
        cands = surnames.get(tok.text, [])
        form = "surname"
        if not cands:
            cands = firsts.get(tok.text, [])
            form = "given"
        if not cands or len(cands) != 1:
            continue
        if tok.text in _COMMON_SURNAME_WORDS and (form == "given" or _is_sentence_initial(body, tok.start)):
            continue
        refs.append(_PersonRef(tok.start, tok.end, cands[0], form, None))

    # genders: gazetteer, then honorifics, then first names
    for name in people:
        gender = gaz.genders.get(name)
        if gender is None:
            first = name.split()[0]
            gender = _HONORIFICS.get(first) if first in _HONORIFICS else gaz.given.get(first)
        genders[name] = gender
    for ref in refs:
        if ref.honorific and _HONORIFICS.get(ref.honorific) and ref.name not in gaz.genders:
            genders[ref.name] = _HONORIFICS[ref.honorific]

    # roles written beside names
    refs.sort(key=lambda r: r.start)
    roles: dict[str, list[tuple[int, str]]] = {}
    appositive_spans: list[tuple[int, int]] = []
    for ref in refs:
        start, role = ref.start, None
        title = _title_before(body, ref.start)
        if title is not None:
            start, role = title[0], _written_role(title[1], _is_sentence_initial(body, title[0]))
        app = _APPOSITIVE.match(body, ref.end)
        if app is not None:
            appositive_spans.append((app.start(), app.end()))
            if role is None:
                role = app.group(1)
        if role is not None:
            roles.setdefault(ref.name, []).append((ref.start, role))
        mentions.append(Mention(start, ref.end, ref.name, "person", ref.form, role))
    for name, role in extra:
        if role:
            roles.setdefault(name, []).append((-1, role))

    # role mentions: "the Reform UK leader", "the minister", "a Home Office spokesman"
    org_by_span = [(m.start, m.end, m.name) for m in mentions if m.type == "org"]
    person_positions: dict[str, list[int]] = {}
    for ref in refs:
        person_positions.setdefault(ref.name, []).append(ref.start)
    for m in role_mentions:
        det, phrase = m.group(1), m.group(2)
        end = m.end(2)
        after = body[end:end + 2]
        # an appositive, a title before a name, or part of a proper noun ("the Refugee Convention")
        in_apposition = any(s <= m.start() < e for s, e in appositive_spans)
        if in_apposition or (after[:1] == " " and after[1:2].isupper()):
            continue
        if m.group(3):
            end = m.end()
        head = phrase.rsplit(None, 1)[-1].lower()
        written = _written_role(body[m.start():end], _is_sentence_initial(body, m.start()))
        if head in _SPOKES_HEADS:
            org = next((o for os, oe, o in org_by_span if m.start() <= os and oe <= end), None)
            if org is not None:
                mentions.append(Mention(m.start(), end, org, "org", "role", written, counted=False))
            continue
        if det.strip().lower() != "the":
            mentions.append(Mention(m.start(), end, None, "person", "role", written, counted=False))
            continue
        holder = _resolve_role(normalize_office(phrase), m.start(), roles, person_positions, gaz)
        counted = holder is not None
        mentions.append(Mention(m.start(), end, holder, "person", "role", written, counted=counted))
        if holder is not None:
            name = holder
            people.setdefault(name, None)
            genders.setdefault(name, gaz.genders.get(name))
            person_positions.setdefault(name, []).append(m.start())

    if extra:  # roles given with hand-built entities, even when the role phrase is not a known one
        lowered = body.lower()
        taken = {m.start for m in mentions}
        for name, role in extra:
            if not role:
                continue
            needle = "the " + normalize_office(role)
            pos = lowered.find(needle)
            while pos >= 0:
                end = pos + len(needle)
                bounded = (pos == 0 or not lowered[pos - 1].isalnum()) and not lowered[end:end + 1].isalnum()
                if pos not in taken and bounded:
                    written = _written_role(body[pos:end], _is_sentence_initial(body, pos))
                    mentions.append(Mention(pos, end, name, "person", "role", written))
                pos = lowered.find(needle, end)

    mentions.sort(key=lambda x: (x.start, -x.end))
    by_start: dict[int, Mention] = {}
    by_end: dict[int, Mention] = {}
    for mention in mentions:
        by_start.setdefault(mention.start, mention)
        prev = by_end.get(mention.end)
        if prev is None or (prev.form == "role" and mention.form != "role"):
            by_end[mention.end] = mention
    return MentionIndex(tuple(mentions), by_start, by_end, genders, frozenset(people))


def _longer_names(people: dict[str, None]) -> dict[str, str]:
    """Each name of two or more words that ends another name -> that longer name (the last in people's
    order): {"Eriksson Ek": "Joel Eriksson Ek"}. One pass over each name's word endings, not all pairs."""
    longer: dict[str, str] = {}
    for other in people:
        space = other.find(" ")
        while space >= 0:
            ending = other[space + 1 :]
            if ending in people and " " in ending:
                longer[ending] = other
            space = other.find(" ", space + 1)
    return longer


_DETERMINERS = ("the ", "The ", "a ", "A ", "an ", "An ")


def _find_role_mentions(body: str) -> list[re.Match[str]]:
    """Role phrases after 'the'/'a'/'an': the regex runs only where the next words could start one."""
    found = []
    for det in _DETERMINERS:
        pos = body.find(det)
        while pos >= 0:
            if pos == 0 or not (body[pos - 1].isalnum() or body[pos - 1] in "’'-"):
                words = body[pos + len(det):pos + len(det) + 40].split(None, 2)
                first = words[0] if words else ""
                second = words[1].rstrip(",.;:") if len(words) > 1 else ""
                if first and (first[0].isupper() or first[0].isdigit() or first.lower() in _LOWER_MOD_WORDS
                              or first.rstrip(",.;:").lower() in _ROLE_HEAD_WORDS
                              or second.lower() in _ROLE_HEAD_WORDS):
                    m = _ROLE_MENTION.match(body, pos)
                    if m is not None:
                        found.append(m)
            pos = body.find(det, pos + 1)
    found.sort(key=lambda m: m.start())
    return found


def _resolve_role(
    office: str,
    pos: int,
    roles: dict[str, list[tuple[int, str]]],
    positions: dict[str, list[int]],
    gaz: Gazetteer,
) -> str | None:
    """The person a role mention names: one given that role in the article, else the gazetteer's holder."""
    generic = " " not in office
    matches = []
    for name, written in roles.items():
        for _at, role in written:
            norm = normalize_office(role)
            suffix = generic and norm.endswith(" " + office) and not norm.startswith(("former", "ex"))
            if norm == office or suffix:
                matches.append(name)
                break
    if not matches:
        named = set(positions)
        current = [n for n in gaz.offices.get(office, ()) if n in named]
        bare = office.removeprefix("former ").removeprefix("ex-")
        past = [n for n in gaz.former.get(bare, ()) if n in named]
        if office.startswith(("former ", "ex-")):
            matches = past
        elif current:
            matches = current
        elif past and bare == office and not gaz.offices.get(office):
            matches = past
        elif len(gaz.offices.get(office, ())) == 1:
            return gaz.offices[office][0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return None

    def last_before(name: str) -> int:
        before = [p for p in positions.get(name, []) if p < pos]
        return max(before) if before else -1

    return max(matches, key=last_before)


def locate_mentions(body: str, entities: Sequence[Entity] = ()) -> MentionIndex:
    """Every person, organisation and role mention in body, resolved to canonical names (cached per body)."""
    index = _analyse(body)
    extra = tuple((e.name, e.role) for e in entities if e.type == "person" and e.name not in index.people)
    return _analyse(body, extra) if extra else index


def extract_entities(body: str, title: str | None = None) -> tuple[Entity, ...]:
    """People (full canonical names and written roles), organisations and places named in an article."""
    index = _analyse(body)
    first: dict[tuple[str, EntityType], int] = {}
    counts: dict[tuple[str, EntityType], int] = {}
    roles: dict[str, str] = {}
    role_mentions: dict[str, str] = {}
    for m in index.mentions:
        if m.name is None or not m.counted:
            continue
        key = (m.name, m.type)
        first.setdefault(key, m.start)
        counts[key] = counts.get(key, 0) + 1
        if m.type == "person" and m.role:
            if m.form == "role":
                role_mentions.setdefault(m.name, m.role)
            else:
                roles.setdefault(m.name, m.role)
    if title:
        for key in _title_mentions(title, index):
            first.setdefault(key, -1)
            counts[key] = counts.get(key, 0) + 1
    out = []
    for key in sorted(first, key=lambda k: (first[k], k[0])):
        name, kind = key
        role = None
        if kind == "person":
            role = roles.get(name)
            if role is None and name in role_mentions:
                words = role_mentions[name].split(" ", 1)
                article = len(words) == 2 and words[0].lower() in ("the", "a", "an")
                role = words[1] if article else role_mentions[name]
        out.append(Entity(name=name, type=kind, role=role, mentions=counts[key]))
    return tuple(out)


def _title_mentions(title: str, index: MentionIndex) -> list[tuple[str, EntityType]]:
    """Gazetteer names and known people in a headline (no new names: headlines capitalise every word)."""
    raw = _scan_runs(title, GAZETTEER)
    found: list[tuple[str, EntityType]] = [(canonical, kind) for _s, _e, canonical, kind, _h in raw.gaz]
    surnames: dict[str, set[str]] = {}
    for name in index.people:
        parts = name.split()
        if len(parts) >= 2:
            surnames.setdefault(parts[-1], set()).add(name)
    for toks, _hon in raw.candidates:
        name = " ".join(t.text for t in toks)
        if name in index.people:
            found.append((name, "person"))
        elif len(toks) == 1 and len(surnames.get(toks[0].text, ())) == 1:
            found.append((next(iter(surnames[toks[0].text])), "person"))
    for tok in raw.singles:
        if len(surnames.get(tok.text, ())) == 1:
            found.append((next(iter(surnames[tok.text])), "person"))
    return found
