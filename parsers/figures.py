"""Find numeric claims (figures) in article text: value, unit, subject, change, baseline, source."""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from parsers.records import Figure, Quote
from parsers.textscan import build_trie_pattern, find_marked

# --- written numbers -------------------------------------------------------------------------------

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_MULTS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
          "billion": 1e9, "tn": 1e12, "trillion": 1e12}  # fmt: skip
_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
              "quarters": 0.25, "fifth": 0.2, "fifths": 0.2, "sixth": 1 / 6, "sixths": 1 / 6,
              "tenth": 0.1, "tenths": 0.1}  # fmt: skip
# Vague plurals take the least value the phrase allows: "hundreds" is at least 200.
_VAGUE = {"dozens": 24.0, "hundreds": 200.0, "thousands": 2e3, "millions": 2e6, "billions": 2e9,
          "tens of thousands": 2e4, "hundreds of thousands": 2e5, "tens of millions": 2e7,
          "hundreds of millions": 2e8}  # fmt: skip
_FEW = {"several": 3.0, "a few": 2.0}

_U_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_U_NO_ONE = "|".join(sorted((w for w in _UNITS if w != "one"), key=len, reverse=True))
_T_ALT = "|".join(_TENS)
_U19 = "one|two|three|four|five|six|seven|eight|nine"
_CARD1_99 = rf"(?:(?:{_T_ALT})(?:[\s-](?:{_U19}))?|{_U_ALT})"

_CANDIDATE_RE = re.compile(
    rf"""
    (?<![\w.,/:£$€])
    (?:
      (?P<ratio>(?P<ratio_k>one|two|three|four|five|six|seven|eight|nine|\d{{1,2}})\s+in\s+(?:every\s+)?
               (?P<ratio_n>\d{{1,3}}|{_CARD1_99}))\b(?!\s*(?:%|per\s?cent))
     |(?P<fscale>(?:half|(?:a|one|three)\s+quarters?\s+of)\s+an?\s+(?:million|billion))\b
     |(?P<frac>(?:(?:a|an|one|two|three|four|nine)[\s-]+)
               (?:halves|half|thirds?|quarters?|fifths?|sixths?|tenths?)
              |half)\b
     |(?P<vague>(?:(?:tens|hundreds)\s+of\s+)?(?:thousands|millions|billions)
              |hundreds|dozens|(?:several|a\s+few)\s+(?:hundred|thousand|million|billion)(?!s))\b
     |(?P<cur>£|US\$|\$|€)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]\d)
        (?:\s?(?P<mult>million|billion|trillion|thousand|bn|mn|tn|m|b|k)\b)?
     |(?P<card>(?:a|{_CARD1_99})(?:\s+(?:hundred|thousand|million|billion))+(?:\s+and\s+{_CARD1_99})?)\b
     |(?P<small>(?:{_T_ALT})(?:-(?:{_U19}))?|{_U_NO_ONE})\b
    )
    (?P<pct>\s?(?:%|per\s?cent\b|percent\b|pc\b|percentage\s+points?\b))?
    """,
    re.IGNORECASE | re.VERBOSE,
)

# --- context patterns ------------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# Words that make the number after them a label: "article 8", "tier 2", "May 12".
_LABEL_WORDS = (
    "article section clause rule part schedule chapter paragraph protocol tier level stage category band"
    " radio channel number page figure table annex appendix room flight gate platform phase round season"
    " series episode version grade form route junction line bus question amendment item point option step"
    " covid windows class division league cohort wave group pillar principle"
).split() + _MONTHS.split("|")
_LABEL_BEFORE_RE = re.compile(rf"\b(?:{'|'.join(_LABEL_WORDS)}|no\.?)\.?\s+$", re.IGNORECASE)
_DATE_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_ORDINAL_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_TIME_AFTER_RE = re.compile(r"^\s?(?:am|pm|a\.m\.|p\.m\.|o'clock|o’clock|hrs|gmt|bst)\b|^[:.]\d\d", re.I)
_AGE_WORDS = r"aged|ages?|age\s+of|aged\s+(?:between|under|over|from)|ages\s+(?:between|of)"
_AGE_BEFORE_RE = re.compile(rf"\b(?:{_AGE_WORDS})\s+$", re.I)
_AGE_AFTER_RE = re.compile(r"^[\s-]*(?:years?|months?|weeks?)[\s-]+old\b|^s\b", re.IGNORECASE)
_YEAR_CONTEXT_BEFORE_RE = re.compile(
    r"\b(?:in|since|by|from|until|till|during|before|after|between|and|to|of|the|year|since\s+early"
    r"|early|late|mid|summer|spring|autumn|winter|act|convention|election)\s+$|[-–/]$",
    re.IGNORECASE,
)
_YEAR_AFTER_RE = re.compile(r"^(?:[-–/]\d{2,4}\b|s\b)")
_RULE_CONTEXT_RE = re.compile(
    r"\b(?:sentence[sd]?|sentenced|jail(?:ed)?|prison|imprison\w*|custod\w*|term\s+of|threshold|minimum"
    r"|maximum|must|eligib\w*|qualif\w*|limit\s+of|cap\s+of|entitled|required\s+to|rule[sd]?|law\s+says"
    r"|deadline)\b[^.;:!?]*$",
    re.IGNORECASE,
)
_TIME_UNITS = {"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
               "month", "months", "year", "years", "decade", "decades", "night", "nights"}  # fmt: skip
_RELATIVE_TIME_AFTER_RE = re.compile(
    r"^[\s-]*(?:days?|weeks?|months?|years?|decades?|hours?|minutes?|nights?)\s+"
    r"(?:ago|earlier|later|before|after|previously|on\b|from\s+now|since|prior|old|running)\b",
    re.IGNORECASE,
)
_COMPOUND_AFTER_RE = re.compile(
    r"-(?:second|minute|hour|day|week|month|year|night|mile|point|page|storey|bed|seat|man|woman|member)s?\b"
    r"|-(?:hourly|daily|weekly|monthly|yearly)\b",
    re.IGNORECASE,
)
_APPOSITIVE_BEFORE_RE = re.compile(r"\b[A-Z][\w'’-]+,\s+$")
_DISTANCE_AFTER_RE = re.compile(
    r"\s+\w+\s+(?:away|apart|ago|later|earlier|older|younger|long|wide|high|deep|tall|behind|ahead)\b", re.I
)
_TIME_WINDOW_BEFORE_RE = re.compile(
    r"\b(?:within|every|each|per|past|last|next|first|final|over\s+the|(?<!for\s)over)\s+$", re.IGNORECASE
)
_POSSESSIVE_BEFORE_RE = re.compile(
    r"\b(?:his|her|their|its|my|our|your|the|these|those|both|all|every|other|first|last|next|which"
    r"|whose|only)\s+$",
    re.IGNORECASE,
)
_APPROX_WORDS = (
    r"some|around|about|approximately|approx\.?|roughly|nearly|almost|more\s+than|over|fewer\s+than"
    r"|less\s+than|under|at\s+least|up\s+to|upwards\s+of|in\s+excess\s+of|close\s+to|an\s+estimated"
    r"|estimated|just\s+over|just\s+under|well\s+over|well\s+under|as\s+many\s+as|as\s+few\s+as|circa|c\."
    r"|the\s+best\s+part\s+of|getting\s+on\s+for|north\s+of|an?\s+(?:almost|nearly|estimated)"
)
_APPROX_BEFORE_RE = re.compile(rf"(?:\b(?:{_APPROX_WORDS})\s+|~\s?)$", re.IGNORECASE)
_APPROX_AFTER_RE = re.compile(r"(?:\s+or\s+so\b|\s+or\s+more\b|-odd\b|-plus\b|\+|\s+plus\b)", re.I)
_INCREASE_WORDS = (
    r"rose|risen|rise|rises|rising|increased|increases|increasing|increase|up|jumped|jump|jumps|surged"
    r"|surge|soared|soaring|climbed|climb|climbs|grew|grown|growing|growth|doubled|went\s+up|higher|hike"
    r"|swelled|spiked|spike|boost|boosted|more"
)
_DECREASE_WORDS = (
    r"fell|fallen|fall|falls|falling|decreased|decreases|decreasing|decrease|down|dropped|drop|drops"
    r"|declined|decline|declines|declining|cut|cuts|reduced|reduction|lower|slumped|slump|plunged|plunge"
    r"|dipped|dip|shrank|shrunk|halved|went\s+down|fewer|less"
)
_CHANGE_LINKS = (
    r"by|to|of|at|nearly|almost|around|about|some|more\s+than|over|just|roughly|an?|a\s+further"
    r"|another|further|sharply|steeply|slightly|significantly|again|overall"
)
_CHANGE_BEFORE_RE = re.compile(
    rf"\b(?:(?P<inc>{_INCREASE_WORDS})|(?P<dec>{_DECREASE_WORDS}))"
    rf"(?:\s+(?:{_CHANGE_LINKS}))*\s+(?:[£$€~]\s?)?$",
    re.IGNORECASE,
)
_CHANGE_AFTER_RE = re.compile(
    rf"[\s-]*(?:year[\s-]on[\s-]year\s+)?(?:(?P<inc>{_INCREASE_WORDS})|(?P<dec>{_DECREASE_WORDS}))\b",
    re.IGNORECASE,
)
_PHRASE_CHARS = r"(?:[^.;:!?,–—()]|(?<=\d)[,.](?=\d))"  # up to a clause break; "64,000" is one word
_BASELINE_RE = re.compile(
    r"\s*(?:(?:increase|rise|jump|fall|drop|decrease|decline|higher|lower|up|down)\s+)?"
    rf"(?:(?P<than>than|compared\s+(?:with|to))|on|against)\s+(?P<b>{_PHRASE_CHARS}{{2,80}})",
    re.IGNORECASE,
)
_YEAR_ON_YEAR_RE = re.compile(r"\byear[\s-]on[\s-]year\b", re.IGNORECASE)
_COMPARED_RE = re.compile(
    rf"[^.;:!?]{{0,80}}?,\s+(?P<than>compared\s+(?:with|to))\s+(?P<b>{_PHRASE_CHARS}{{2,80}})", re.IGNORECASE
)
_CHANGE_OBJECT_RE = re.compile(r"\s+(?:in|of)\s+(?:the\s+)?(?:number\s+of\s+)?", re.IGNORECASE)
_UP_FROM_RE = re.compile(
    r"[^.;:!?,]{0,80}(?:,\s+(?:(?P<dir>up|down)\s+)?|\s+(?P<dir2>up|down)\s+)from"
    rf"\s+(?P<b>{_PHRASE_CHARS}{{2,60}})",
    re.IGNORECASE,
)
_UP_TO_RE = re.compile(r"\bup\s+to\s+(?:[£$€]\s?)?$", re.IGNORECASE)
_NP_LEAD_RE = re.compile(
    r"\s+(?:(?P<cmp>more|fewer|less|extra|additional)\s+)?(?P<of>of\s+(?:the\s+|all\s+|those\s+|these\s+)?)?",
    re.IGNORECASE,
)
_DETERMINER_RE = re.compile(r"^(?:the|a|an|its|their|this|that|these|those)\s+", re.IGNORECASE)
_RANGE_GAP_RE = re.compile(r"\s*(?:-|–|to|and|or)\s*", re.IGNORECASE)
_TO_GAP_RE = re.compile(r"\s+to\s+(?:[£$€]\s?)?", re.IGNORECASE)
_FROM_TO_GAP_RE = re.compile(r"\s+to\s+(?:[£$€]\s?)?", re.IGNORECASE)
_RANGE_BEFORE_RE = re.compile(r"\bbetween\s+(?:[£$€]\s?)?$", re.IGNORECASE)
_ANY_NUMBER_RE = re.compile(
    r"\d|\b(?:hundred|thousand|million|billion|dozen|half|third|quarter|fifth|tenth|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one\s+in)",
    re.IGNORECASE,
)
_CURRENCIES = {"£": "GBP", "$": "USD", "US$": "USD", "€": "EUR"}
_CURRENCY_UNITS = frozenset(_CURRENCIES.values())
_GENERIC_UNITS = frozenset({"people", "cases", "applications", "claims", "count"})
_CURRENCY_WORDS = frozenset({"pounds", "euros", "dollars", "pence"})
_BASELINE_END_RE = re.compile(r"\s+(?:and|but|while|when|where|which|who|as|after|according)\b", re.I)
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+(?:[£$€]\s?)?$", re.IGNORECASE)

# sources
_ORG = r"[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|(?:of|for|and|on|the)\b))*"
_DATA_NOUNS = r"(?:figures|data|statistics|stats|analysis|research|estimates|numbers|modelling|projections)"
_DATA_ADJECTIVES = (
    r"(?:official|government|provisional|new|latest|published|quarterly|annual|monthly|internal|leaked"
    r"|separate|fresh|unpublished|its|their|own)"
)
_SOURCE_PATTERNS = (
    re.compile(r"\baccording\s+to\s+(?P<src>[^,.;:!?()“”\"–—]{3,80})"),
    re.compile(
        r"(?:figures|data|statistics|analysis|research|estimates|a\s+report|a\s+study|a\s+survey|polling)"
        r"\s+(?:from|by|published\s+by|released\s+by|compiled\s+by|commissioned\s+by)\s+(?:the\s+)?"
        rf"(?P<src>{_ORG})"
    ),
    re.compile(
        rf"(?P<src>(?:{_ORG}\s+)?(?:{_DATA_ADJECTIVES}\s+)*{_DATA_NOUNS})"
        r"\s+(?:show|shows|showed|shown|reveal|reveals|revealed|suggest|suggests|suggested|indicate|indicates"
        r"|indicated|found|find|finds|published|released|obtained|seen)\b"
    ),
    re.compile(
        rf"(?P<src>{_ORG})\s+(?:estimated|estimates|calculated|calculates|found|finds|reported|reports"
        r"|revealed|reveals|said|says|claimed|published|recorded)\b"
    ),
)
# What each source pattern cannot match without (a literal test or scan, many times cheaper than the pattern):
# the first's "according", the second's "from" or "by", the third's noun and verb, the fourth's verb.
_SOURCE_NEEDS: tuple[Callable[[str], object], ...] = (
    lambda sentence: "according" in sentence,
    lambda sentence: "from" in sentence or "by" in sentence,
    re.compile(
        rf"{_DATA_NOUNS}\s+(?:show|shows|showed|shown|reveal|reveals|revealed|suggest|suggests|suggested|indicate"
        r"|indicates|indicated|found|find|finds|published|released|obtained|seen)\b"
    ).search,
    re.compile(
        r"\s(?:estimated|estimates|calculated|calculates|found|finds|reported|reports|revealed|reveals|said|says"
        r"|claimed|published|recorded)\b"
    ).search,
)
_SOURCE_STRIP_RE = re.compile(
    r"^(?:(?:the|a|an|new|latest)\s+)+|(?:\s+(?:of|for|and|on|the))+$|[.,’']+$", re.IGNORECASE
)
_BARE_DATA_RE = re.compile(rf"(?:{_DATA_ADJECTIVES}\s+)?{_DATA_NOUNS}", re.IGNORECASE)
_SOURCE_STOP = {"It", "This", "That", "There", "He", "She", "They", "We", "I", "But", "And", "The", "A", "An",
                "In", "On", "At", "Some", "Mr", "Mrs", "Ms", "Dr"}  # fmt: skip

# noun phrases and units
_PEOPLE = set(
    """people persons person individuals migrants migrant immigrants emigrants refugees refugee seekers
    claimants applicants criminals offenders prisoners detainees deportees returnees arrivals nationals
    citizens residents foreigners children child minors adults men women boys girls workers employees staff
    nurses doctors carers students graduates dependants dependents spouses partners visitors tourists
    passengers travellers victims survivors officers officials agents guards smugglers traffickers members
    voters mps peers councillors britons poles scots entrants overstayers sponsors
    teenagers youngsters pupils recruits soldiers patients inmates suspects illegals newcomers settlers
    crossers deportations removals returns asylum-seekers""".split()
)
_NOUN_UNITS = {
    "boats": "boats", "boat": "boats", "dinghies": "boats", "dinghy": "boats", "vessels": "boats",
    "visas": "visas", "visa": "visas", "permits": "permits", "applications": "applications",
    "claims": "claims", "cases": "cases", "appeals": "appeals", "decisions": "decisions",
    "hotels": "hotels", "hotel": "hotels", "beds": "beds", "places": "places", "rooms": "rooms",
    "flights": "flights", "crossings": "crossings", "journeys": "crossings", "times": "times",
    "miles": "miles", "kilometres": "km", "km": "km", "tonnes": "tonnes", "homes": "homes",
    "houses": "homes", "properties": "homes", "jobs": "jobs", "arrests": "arrests", "raids": "raids",
    "offences": "offences", "crimes": "crimes", "pounds": "GBP", "euros": "EUR", "dollars": "USD",
    "pence": "GBP", "countries": "countries", "councils": "councils", "sites": "sites",
    "centres": "centres", "camps": "camps", "seats": "seats", "votes": "votes",
    "families": "families", "households": "households", "referrals": "referrals",
}  # fmt: skip
_NOUN_UNITS.update({w: w for w in _TIME_UNITS if w.endswith("s")})
_NOUN_UNITS.update({w: w + "s" for w in _TIME_UNITS if not w.endswith("s")})
_KNOWN_NOUNS = frozenset(_PEOPLE | set(_NOUN_UNITS))
_CHANGE_NOUNS = {"increase", "rise", "jump", "surge", "fall", "drop", "decrease", "decline", "reduction",
                 "cut", "hike", "growth", "dip", "slump", "spike", "uplift", "boost"}  # fmt: skip
_NP_STOP = set(
    """of in on at for from to with by across since during under over into per a an the and or but than as
    who whom which that were was are is be been being have has had will would could can may might should
    shall must did do does last this next each every more fewer less higher lower up down year-on-year
    a-year ago earlier later before after previously now so too very also just still yet already not no
    here there when while where if because whose they he she it we you i its their his her our your
    living awaiting between among against through via about around nearly almost some such what said say
    says told think thought believe believed expect want wanted make made could went go goes got get gets
    took take according including outside inside near beyond above below behind within without toward
    towards despite except like unlike upon onto off out away""".split()
)
_NP_STOP |= _CHANGE_NOUNS
_PARTICIPLE_NOUNS = set(
    """housing funding spending building meeting morning evening offending thing nothing something
    anything everything king sterling seed need bed red shed hundred kindred united ceiling clothing
    feeding training wedding screening processing policing sentencing warning during according including
    following regarding concerning excluding notwithstanding pending""".split()
)
_NOT_PREDICATE = {"children", "women", "men", "citizen", "citizens", "often", "even", "seven", "eleven",
                  "between", "hundred", "kitchen", "garden", "heaven", "token", "chosen", "when", "then",
                  "than", "ten", "dozen"} | _PARTICIPLE_NOUNS  # fmt: skip
_WORD_RE = re.compile(r"[A-Za-z](?:[\w'’-]*\w)?")
_PREDICATE_WORD_RE = re.compile(
    r"(?<![\w-])[A-Za-z]{3,}(?:ing|ed|en)\b"
    r"|\b(?:awaiting|held|kept|left|brought|sent|granted|given|taken|put|found|made|paid|spent|caught|seen"
    r"|due)\b"
)
_AUX_RE = re.compile(
    r"^(?:(?:who|that|which)\s+)?(?:(?:have|has|had|were|was|are|is|will|would|could|may|might|being|been"
    r"|be|now|currently|already|still|reportedly|since|also|all)\s+)*",
    re.IGNORECASE,
)
_TIME_POINT_RE = re.compile(
    r"\s+(?:at\s+the\s+(?:end|start|beginning)\s+of|in\s+the\s+(?:year|twelve\s+months|12\s+months|quarter"
    r"|three\s+months|six\s+months|first|last|second|third|fourth)|(?:last|this|next)\s+(?:year|month|week"
    r"|quarter)|in\s+\d{4}\b|by\s+the\s+end|so\s+far|as\s+of|on\s+(?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)|yesterday|today|last\s+night|according\s+to|figures\s+show"
    r"|between\s+\w+\s+and|(?<!more\s)(?<!less\s)(?<!fewer\s)(?<!rather\s)than|compared\s+(?:with|to)"
    rf"|up\s+from|down\s+from|in\s+(?:{_MONTHS})|during|over\s+the\s+(?:past|last)|while|when|because"
    r"|although|though|until|unless|whereas|where|after|before|if|so\s+that)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_MONEY_OBJECT_RE = re.compile(
    r"(?:\s+(?:a|per|each|every)\s+(?:year|day|week|month|night|head|person))?\s+(?:on|for)\s+"
    r"(?P<np>[^.;:!?,–—()]{3,80})",
    re.IGNORECASE,
)
_BACK_ANCHORS = (
    r"rose|risen|rise|rises|increased|jumped|surged|soared|climbed|grew|doubled|fell|fallen|falls"
    r"|dropped|declined|decreased|reduced|halved|was|were|is|are|reached|reaches|hit|hits|totalled|totals"
    r"|stood|stands|came|cost|costs|spent|spends|waited|received|paid|made|topped|exceeded|passed"
    r"|accounted|amounted|numbered|represents|represented|dipped|slumped|plunged|reduced|cut|rises|falls"
    r"|rising|falling|increasing|decreasing|up|down"
)
_BACK_LINKS = (
    r"by|to|at|of|from|some|about|around|roughly|nearly|almost|more\s+than|less\s+than|over|under"
    r"|just|only|an?|average|another|further|extra|additional|an\s+estimated|estimated|approximately"
    r"|up|down"
)
_BACK_ANCHOR_RE = re.compile(
    rf"\b(?:{_BACK_ANCHORS})(?:\s+(?:{_BACK_LINKS}|[£$€~]))*\s*(?:[£$€]\s?)?$",
    re.IGNORECASE,
)
_WORD_OR_PUNCT_RE = re.compile(r"[\w'’-]+|[^\w\s]")
_BACK_SKIP = set(
    """will would could may might can shall should must has have had is are was were be been being to
    likely expected set thought estimated due now also already still further sharply reportedly all
    nearly almost then""".split()
)
_BACK_STOP = set(
    """that which who whom whose said says say told show shows showed shown found finds reveal reveals
    revealed suggest suggests suggested and but while when as because if after before where it they he
    she we i you this there these those has have had will would could can may might is are was were
    not also then than so what how""".split()
)
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "your", "my", "this", "that", "these",
                "those", "some", "any", "each", "every"}  # fmt: skip
_PREPOSITIONS = {"of", "on", "for", "in", "to", "from", "by", "at", "with", "into", "across", "over",
                 "under", "per", "about", "around"}  # fmt: skip
_REPORTING_VERB_RE = re.compile(r"found|shown|seen|reported|revealed|suggested|estimated|said", re.IGNORECASE)
# A predicate ends at another figure, unless the number qualifies it ("held for more than 14 days").
_PREDICATE_END_RE = re.compile(
    r"(?<!than\s)(?<!least\s)(?<!over\s)(?<!under\s)(?<!for\s)(?<!within\s)(?<![\w.,£$€])(?:[£$€]|\d)"
    r"|\s(?:and|or|but)\s",
    re.IGNORECASE,
)
_LAST_WORD_RE = re.compile(r"([\w'’-]+)\s*$")
_PROGRESSIVE_AUX = {"is", "are", "was", "were", "be", "been", "am", "'s", "’s"}
_BACK_NOT_HEAD = _BACK_STOP | _DETERMINERS | _PREPOSITIONS
_NOT_BEFORE_PREDICATE = _DETERMINERS | _PREPOSITIONS | {"and", "or", "more", "most", "less", "very", "newly"}
_TRAILING_DROP = _DETERMINERS | _PREPOSITIONS | {
    "and", "or", "but", "while", "who", "which", "that", "more", "less", "fewer", "than", "nearly", "almost",
    "some",
}
_LEADING_PREPOSITION_RE = re.compile(r"^(?:(?:of|on|for|in|to|from|by|at|with)\s+)+", re.IGNORECASE)
_SUBJECT_LEAD_RE = re.compile(
    r"^(?:(?:the|a|an|its|their|his|her|this|that)\s+)?(?:(?:total\s+)?number\s+of\s+|total\s+of\s+"
    r"|figure\s+for\s+|count\s+of\s+|amount\s+of\s+|proportion\s+of\s+|share\s+of\s+|level\s+of\s+)?"
    r"(?:(?:the|a|an)\s+)?",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(\[]*[A-Z0-9£$€])|\n+")
_SENTENCE_END_MARKS = ".!?…\n"  # what every _SENTENCE_END_RE match starts with
# Where a candidate can start: a digit or currency sign, or a word that can open a written number.
_TOKEN_RE = re.compile(r"[A-Za-z]+|[£$€\d][\d,.]*")
_NUMBER_OPENERS = frozenset("£$€0123456789")
_OPENING_WORDS = frozenset(
    [*_UNITS, *_TENS, "a", "an", "half", "tens", "hundreds", "thousands", "millions", "billions", "dozens",
     "several"]
)
_CLAUSE_BREAK_RE = re.compile(r"[;:()\[\]–—“”\"]|\s-\s|,\s|\.\s|[.?!]$")
_SCORE_RE = re.compile(r"^[-–]\d{1,2}(?!\d)")
_FRACTION_OK_BEFORE_RE = re.compile(
    r"\b(?:by|than|nearly|almost|about|around|roughly|over|under|some|just|only|barely|fully|well|to)\s+$",
    re.IGNORECASE,
)
_FRACTION_TIME_AFTER_RE = re.compile(
    r"^\s+of\s+(?:the|a|an|this|that|last|next)\s+(?:year|month|week|day|century|decade|season|match|game"
    r"|term|hour|time)\b|^[\s-]+(?:time|hour|term|way|century|decade)\b"
    r"|^\s+an?\s+(?:hour|day|year|mile|minute)",
    re.IGNORECASE,
)
_FRACTION_FOLLOWERS = {
    "of", "in", "on", "since", "from", "compared", "than", "last", "this", "over", "and", "or", "but", "to",
    "by", "at", "for", "year", "a", "the", "among", "between",
}  # fmt: skip
_HALF_AFTER_OK_RE = re.compile(r"^\s+(?:of|the|all)\b", re.IGNORECASE)
_CARD_SPLIT_RE = re.compile(r"[\s-]+")
_SPACES_RE = re.compile(r"\s+")
_DEMONYM_END_RE = re.compile(r"(?:ans|ese|is|ers)$")
_LETTER_AFTER_RE = re.compile(r"^[A-Za-z]")
_UNIT_SUFFIX_AFTER_RE = re.compile(r"^(?:am|pm|p\b|s\b)", re.IGNORECASE)
_DECADE_AFTER_RE = re.compile(r"^s\b")
_PENCE_AFTER_RE = re.compile(r"^p\b")
_SLASH_AFTER_RE = re.compile(r"^/\d")
_MONTH_BEFORE_RE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$", re.I)
_YEAR_RANGE_BEFORE_RE = re.compile(r"\b(?:19|20)\d\d[-–/]$")
_CAPITALISED_BEFORE_RE = re.compile(r"(?:^|[^.!?\n])\b([A-Z][A-Za-z]+)\s+$")
_DIGIT_DASH_BEFORE_RE = re.compile(r"\d[-–]$")
_SCORE_BEFORE_RE = re.compile(r"\b\d{1,2}[-–]$")
_THRESHOLD_BEFORE_RE = re.compile(
    r"\b(?:more|less|fewer)\s+than\s+$|\b(?:at\s+least|over|under|above|below|exceeding|of|least)\s+"
    r"(?:[£$€]\s?)?$",
    re.IGNORECASE,
)
_PLURAL_WORD_RE = re.compile(r"^[a-z]+s$")
_OF_AFTER_RE = re.compile(r"^\s+of\b")
_DIGIT_RE = re.compile(r"\d")


# Case-folded search. A re.IGNORECASE pattern whose letters are all lower-case ASCII matches a text where its
# case-sensitive twin matches the text's fold: A-Z lowered, and the four other characters that IGNORECASE
# equates with an ASCII letter (İ ı ſ K) replaced by it. Same length, same offsets, \w \s \d \b unchanged,
# and several times faster: literal alternatives are then tried by one character comparison each. str.lower()
# is that fold for every character but İ ı ſ (checked over all of Unicode), so the slow table is rarely used.
_FOLD_TABLE = str.maketrans(
    {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
    | {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
)


def fold_case(text: str) -> str:
    """The text as the case-sensitive twins of IGNORECASE patterns (see fold_pattern) search it."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        return text.translate(_FOLD_TABLE)
    return text.lower()


def fold_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-sensitive twin of an IGNORECASE pattern, to search fold_case(text) with."""
    if not pattern.flags & re.IGNORECASE or re.search(r"(?<![\\?])[A-Z]", pattern.pattern):
        raise ValueError(f"not an IGNORECASE pattern with lower-case letters only: {pattern.pattern}")
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


# the case-sensitive twins of the word lists _MONTH_BEFORE_RE and _LABEL_BEFORE_RE as tries: these run on
# nearly every candidate, and a trie tries one branch per letter instead of every word at every word start
_MONTH_BEFORE_F = re.compile(rf"\b(?:{build_trie_pattern(_MONTHS.split('|'))})\.?\s+$")
_YEAR_CONTEXT_BEFORE_F = fold_pattern(_YEAR_CONTEXT_BEFORE_RE)
_AGE_BEFORE_F = fold_pattern(_AGE_BEFORE_RE)
_LABEL_BEFORE_F = re.compile(rf"\b(?:{build_trie_pattern(_LABEL_WORDS)}|no\.?)\.?\s+$")
_APPROX_BEFORE_F = fold_pattern(_APPROX_BEFORE_RE)
_TIME_WINDOW_BEFORE_F = fold_pattern(_TIME_WINDOW_BEFORE_RE)
_RULE_CONTEXT_F = fold_pattern(_RULE_CONTEXT_RE)
_THRESHOLD_BEFORE_F = fold_pattern(_THRESHOLD_BEFORE_RE)
_POSSESSIVE_BEFORE_F = fold_pattern(_POSSESSIVE_BEFORE_RE)
_FRACTION_OK_BEFORE_F = fold_pattern(_FRACTION_OK_BEFORE_RE)
_CHANGE_BEFORE_F = fold_pattern(_CHANGE_BEFORE_RE)
_CHANGE_AFTER_F = fold_pattern(_CHANGE_AFTER_RE)
_BACK_ANCHOR_F = fold_pattern(_BACK_ANCHOR_RE)
_TIME_POINT_F = fold_pattern(_TIME_POINT_RE)
_PREDICATE_END_F = fold_pattern(_PREDICATE_END_RE)
_ORDINAL_AFTER_F = fold_pattern(_ORDINAL_AFTER_RE)
_UNIT_SUFFIX_AFTER_F = fold_pattern(_UNIT_SUFFIX_AFTER_RE)
_TIME_AFTER_F = fold_pattern(_TIME_AFTER_RE)
_DATE_AFTER_F = fold_pattern(_DATE_AFTER_RE)
_AGE_AFTER_F = fold_pattern(_AGE_AFTER_RE)
_RELATIVE_TIME_AFTER_F = fold_pattern(_RELATIVE_TIME_AFTER_RE)
_COMPOUND_AFTER_F = fold_pattern(_COMPOUND_AFTER_RE)
_DISTANCE_AFTER_F = fold_pattern(_DISTANCE_AFTER_RE)
_FRACTION_TIME_AFTER_F = fold_pattern(_FRACTION_TIME_AFTER_RE)
_HALF_AFTER_OK_F = fold_pattern(_HALF_AFTER_OK_RE)


# --- end-anchored context tests --------------------------------------------------------------------
# The "before" patterns end in $, so a search that fails (the common case) tries the pattern at every position
# of its window. What each needs its window to end with (after trailing spaces, and any of a few marks among
# them) is one str.endswith at C speed; the pattern runs only when that holds, so results are the pattern's.


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex source: "a|(?:b|c)d" -> ["a", "(?:b|c)d"]."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(" and pattern[i - 1 : i] != "\\":
            depth += 1
        elif ch == ")" and pattern[i - 1 : i] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def words_ending(pattern: str) -> tuple[str, ...]:
    """The words a word-list pattern's matches can end with: "more\\s+than|an?|approx\\.?" -> than, an, a,
    approx., approx. Handles what the lists here use: \\s+ between words, an optional last letter or full
    stop, and a final group of alternatives ("an?\\s+(?:almost|nearly)")."""
    endings: list[str] = []
    for alternative in _alternatives(pattern):
        last = alternative.split(r"\s+")[-1]
        if last.startswith("(?:") and last.endswith(")"):
            endings.extend(words_ending(last[3:-1]))
            continue
        optional = last.endswith("?")
        last = last.removesuffix("?").replace("\\.", ".")
        if not re.fullmatch(r"[a-z.]+", last):
            raise ValueError(f"not a plain word list: {pattern}")
        endings.append(last)
        if optional:
            endings.append(last[:-1])
    return tuple(dict.fromkeys(endings))


def ends_with(text: str, endings: tuple[str, ...], marks: str = "") -> bool:
    """Whether text, less its trailing spaces and any of marks among them, ends with one of endings."""
    text = text.rstrip()
    while text and text[-1] in marks:
        text = text[:-1].rstrip()
    return text.endswith(endings)


@dataclass(frozen=True, slots=True)
class _TailPattern:
    """An end-anchored pattern and what its window must end with for it to match (see ends_with)."""

    pattern: re.Pattern[str]
    endings: tuple[str, ...]
    marks: str = ""

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """pattern.search(text, pos, endpos), skipped when the window cannot end as a match must."""
        end = len(text) if endpos is None else endpos
        if not ends_with(text[pos:end], self.endings, self.marks):
            return None
        return self.pattern.search(text, pos, end)


_MONTH_BEFORE = _TailPattern(_MONTH_BEFORE_F, words_ending(_MONTHS), ".")
_LABEL_BEFORE = _TailPattern(_LABEL_BEFORE_F, (*_LABEL_WORDS, "no"), ".")
_APPROX_BEFORE = _TailPattern(_APPROX_BEFORE_F, (*words_ending(_APPROX_WORDS), "~"))
_CHANGE_BEFORE = _TailPattern(
    _CHANGE_BEFORE_F, words_ending(f"{_INCREASE_WORDS}|{_DECREASE_WORDS}|{_CHANGE_LINKS}"), "£$€~"
)
_BACK_ANCHOR = _TailPattern(_BACK_ANCHOR_F, words_ending(f"{_BACK_ANCHORS}|{_BACK_LINKS}"), "£$€~")
_YEAR_RANGE_BEFORE = _TailPattern(_YEAR_RANGE_BEFORE_RE, ("-", "–", "/"))
_DIGIT_DASH_BEFORE = _TailPattern(_DIGIT_DASH_BEFORE_RE, ("-", "–"))
_CAPITALISED_BEFORE = _TailPattern(_CAPITALISED_BEFORE_RE, tuple(string.ascii_letters))
_AGE_BEFORE = _TailPattern(_AGE_BEFORE_F, words_ending(_AGE_WORDS))
_THRESHOLD_BEFORE = _TailPattern(
    _THRESHOLD_BEFORE_F, words_ending(r"than|at\s+least|over|under|above|below|exceeding|of|least"), "£$€"
)


# The tokens of _TOKEN_RE that can open a candidate: every number token, and the letter tokens (maximal
# ASCII letter runs) that are opening words. Letters are not part of number tokens, so skipping the other
# letter tokens leaves the number tokens' boundaries as _TOKEN_RE.finditer finds them.
_OPENER_RE = re.compile(
    r"[£$€\d][\d,.]*|(?<![A-Za-z])(?:"
    + "|".join("".join(f"[{c}{c.upper()}]" for c in w) for w in sorted(_OPENING_WORDS, key=len, reverse=True))
    + r")(?![A-Za-z])"  # ASCII case folding, as str.lower() on an ASCII token: no re.I ("ſix" is no "six")
)
# The same scan over fold_case(text) when the text holds none of İ ı ſ K: str.lower() then maps ASCII
# letters, and only them, to ASCII letters, so a lower-case trie of the opening words finds the same tokens.
# "a" and "an" open a number only before a fraction, "few" or a scale word ("a third", "a few hundred", "a
# million"): the lookahead passes over the article's other uses, most of its tokens, before the big regex
# runs.
_ARTICLE_OPENER = (
    r"an?(?=[\s-]+(?:quarter|half|halves|third|fifth|sixth|tenth|few|hundred|thousand|million|billion))"
)
_FOLDED_OPENER_RE = re.compile(
    rf"[£$€\d][\d,.]*|(?<![a-z])(?:{build_trie_pattern(sorted(_OPENING_WORDS - {'a', 'an'}))}"
    rf"|{_ARTICLE_OPENER})(?![a-z])"
)
_NON_ASCII_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K: IGNORECASE equates them with ASCII


@dataclass(slots=True)
class _Draft:
    """A figure being assembled; becomes a Figure once its context is read."""

    value: float
    start: int
    end: int
    approximate: bool
    kind: str  # count | percent | money | fraction


# --- value parsing ---------------------------------------------------------------------------------


def _parse_card(words: str) -> float | None:
    """Parse a written cardinal: "ninety-nine", "two hundred and fifty", "a million"."""
    total = 0.0
    current = 0.0
    for word in _CARD_SPLIT_RE.split(words.lower()):
        if word in ("a", "an"):
            current = current or 1.0
        elif word == "and":
            continue
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1.0) * 100
        elif word in _SCALES:
            total += (current or 1.0) * _SCALES[word]
            current = 0.0
        else:
            return None
    return total + current


def _parse_value(m: re.Match[str]) -> tuple[float, str, bool] | None:
    """Return (value, kind, approximate) for a candidate match."""
    if m["ratio"]:
        k, n = m["ratio_k"], m["ratio_n"]
        numer = float(k) if k.isdigit() else _parse_card(k)
        denom = float(n) if n.isdigit() else _parse_card(n)
        if not numer or not denom or numer >= denom:
            return None
        return round(100.0 * numer / denom, 4), "percent", False
    if m["fscale"]:
        text = m["fscale"].lower()
        base = 1e9 if "billion" in text else 1e6
        if text.startswith("half"):
            return base / 2, "count", False
        return base * (0.75 if text.startswith("three") else 0.25), "count", False
    if m["frac"]:
        parts = _CARD_SPLIT_RE.split(m["frac"].lower())
        frac = _FRACTIONS[parts[-1]]
        mult = _UNITS.get(parts[0], 1) if len(parts) > 1 else 1
        return round(100.0 * mult * frac, 2), "fraction", True
    if m["vague"]:
        text = _SPACES_RE.sub(" ", m["vague"].lower())
        for few, n in _FEW.items():
            if text.startswith(few):
                return n * _SCALES[text.split()[-1]], "count", True
        return _VAGUE[text], "count", True
    if m["num"]:
        value = float(m["num"].replace(",", ""))
        if m["mult"]:
            value *= _MULTS[m["mult"].lower()]
        return value, "money" if m["cur"] else "count", False
    words = m["card"] or m["small"]
    value = _parse_card(words) if words else None
    if value is None:
        return None
    return value, "count", False


# --- context helpers -------------------------------------------------------------------------------


def _find_candidates(body: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """The candidate numbers in body, in order, without overlaps.

    Equivalent to _CANDIDATE_RE.finditer(body), but the big regex is only tried where a token can
    open a number: a C-speed word scan replaces trying every alternative at every character.
    `folded` is fold_case(body) if the caller has it.
    """
    last_end = 0
    match = _CANDIDATE_RE.match
    if any(ch in body for ch in _NON_ASCII_FOLDS):
        tokens = _OPENER_RE.finditer(body)
    else:
        tokens = _FOLDED_OPENER_RE.finditer(fold_case(body) if folded is None else folded)
    for token in tokens:
        pos = token.start()
        if pos < last_end:
            continue
        if not (body[pos] in _NUMBER_OPENERS or body[pos].isalpha()):
            continue  # a number token opened by another script's digit
        m = match(body, pos)
        if m:
            last_end = m.end()
            yield m


def _split_sentences(body: str) -> list[int]:
    """Return the start offsets of the sentences in body (always begins with 0)."""
    starts = [0]
    starts.extend(m.end() for m in find_marked(_SENTENCE_END_RE, body, _SENTENCE_END_MARKS))
    return starts


def _clause_bounds(body: str, sent_start: int, sent_end: int, start: int, end: int) -> tuple[int, int]:
    """Return the clause around [start, end) within its sentence, cut at ; : dashes, commas and brackets."""
    left = sent_start
    for m in _CLAUSE_BREAK_RE.finditer(body, sent_start, start):
        left = m.end()
    right = sent_end
    m = _CLAUSE_BREAK_RE.search(body, end, sent_end)
    if m:
        right = m.start()
    return left, right


def _read_noun_phrase(text: str) -> tuple[str | None, int]:
    """Read the noun phrase at the start of text ("foreign criminals"); return it and its end in text.

    Stops at a function word, punctuation, a participle that is not an adjective before a noun
    ("living"), or after a known head noun; "district and county councils" is read whole.
    """
    words: list[re.Match[str]] = []
    pos = 0
    for w in _WORD_RE.finditer(text):
        gap = text[pos : w.start()]
        if len(words) >= 5 or (words and (gap != " ")) or (not words and gap.strip()):
            break
        low = w.group().lower()
        nxt = _WORD_RE.match(text, w.end() + 1) if text[w.end() : w.end() + 1] == " " else None
        if low in _NP_STOP:
            if not (words and low in ("and", "or") and nxt and _is_known_noun_ahead(text, nxt)):
                break
        elif low not in _KNOWN_NOUNS and low not in _PARTICIPLE_NOUNS:
            if _PREDICATE_WORD_RE.fullmatch(low) and low not in _NOT_PREDICATE:
                if not nxt or nxt.group().lower() not in _KNOWN_NOUNS:
                    break
        words.append(w)
        pos = w.end()
        if low in _KNOWN_NOUNS and (not nxt or nxt.group().lower() not in _KNOWN_NOUNS):
            break
    while words and words[-1].group().lower() in _NP_STOP:
        words.pop()
    if not words:
        return None, 0
    return text[words[0].start() : words[-1].end()], words[-1].end()


def _is_known_noun_ahead(text: str, word: re.Match[str]) -> bool:
    """Whether a known head noun comes within two plain words from word ("county councils")."""
    for _ in range(2):
        low = word.group().lower()
        if low in _KNOWN_NOUNS:
            return True
        if low in _NP_STOP or text[word.end() : word.end() + 1] != " ":
            return False
        nxt = _WORD_RE.match(text, word.end() + 1)
        if nxt is None:
            return False
        word = nxt
    return word.group().lower() in _KNOWN_NOUNS


def _unit_of(np: str | None, *, head_first: bool = False) -> str:
    """Map a noun phrase's head noun to a unit; head_first for "visas granted to applicants"."""
    if not np:
        return "count"
    words = [w.strip("'’,") for w in np.lower().split()]
    if head_first:
        cut = next((i for i, w in enumerate(words) if i and w in _NP_STOP), len(words))
        words = words[:cut]  # "visas granted to applicants": the head comes before "to"
    for word in reversed(words):
        if head_first and word in ("migration", "immigration", "emigration"):
            return "people"  # net migration to the UK
        if word in _NOUN_UNITS:
            return _NOUN_UNITS[word]
        if word in _PEOPLE or word.endswith("-seekers"):
            return "people"
    head = np.split()[-1]
    if head[:1].isupper() and _DEMONYM_END_RE.search(head):
        return "people"  # Albanians, Vietnamese, Iraqis
    return "count"


def _read_predicate(tail: str, ftail: str) -> tuple[str, int]:
    """Read the participle phrase that follows a noun phrase ("awaiting deportation"); "" if none.

    The tail must go straight on with a participle (after auxiliaries: "have been deported"). Of
    several chained participle phrases the last is kept: "living in communities ... awaiting
    deportation" -> "awaiting deportation". A trailing time point ("at the end of last year") is cut.
    `ftail` is fold_case(tail), for the IGNORECASE patterns' case-sensitive twins.
    """
    cut = _TIME_POINT_F.search(ftail)
    limit = cut.start() if cut else len(tail)
    number = _PREDICATE_END_F.search(ftail, 0, limit)
    if number:
        limit = number.start()  # another figure, or a second clause ("and 12 boats seized")
    lead = len(tail) - len(tail.lstrip())
    aux = _AUX_RE.match(tail[lead:])
    first = lead + (aux.end() if aux else 0)
    segment_starts = [
        m.start()
        for m in _PREDICATE_WORD_RE.finditer(tail, first, limit)
        if m.group().lower() not in _NOT_PREDICATE
        and m.group()[:1].islower()
        and (m.start() == first or _previous_word(tail, m.start()) not in _NOT_BEFORE_PREDICATE)
    ]
    if not segment_starts or segment_starts[0] != first:
        return "", 0
    if len(segment_starts) == 1 and _REPORTING_VERB_RE.fullmatch(tail[first:limit].strip(" ,")):
        return "", 0  # "a poll of 2,000 adults found": the poll's verb
    begin = segment_starts[-1]
    words = list(_WORD_RE.finditer(tail, begin, limit))[:10]
    while words and words[-1].group().lower() in _TRAILING_DROP:
        words.pop()
    if not words:
        return "", 0
    stop = words[-1].end()
    return " ".join(tail[begin:stop].split()), stop


def _previous_word(text: str, pos: int) -> str:
    """The word before pos in text, lowercased ("" if none)."""
    m = _LAST_WORD_RE.search(text, 0, pos)
    return m.group(1).lower() if m else ""


def _read_back_subject(before: str, folded: str) -> str | None:
    """Find what a figure measures from the words before it: "the number of arrivals rose by" -> "arrivals".

    Only when a change or copula verb leads straight into the figure; the noun phrase before that
    verb (skipping auxiliaries) is read backwards up to a clause word or punctuation.
    """
    anchor = _BACK_ANCHOR.search(folded)  # folded: fold_case(before)
    if not anchor:
        return None
    words = list(_WORD_OR_PUNCT_RE.finditer(before, 0, anchor.start()))
    i = len(words) - 1
    while i >= 0 and words[i].group().lower() in _BACK_SKIP:
        i -= 1
    if i < 0 or not words[i].group()[:1].isalpha() or words[i].group().lower() in _BACK_NOT_HEAD:
        return None
    first = i
    while first - 1 >= 0 and i - first < 10:
        w = words[first - 1].group()
        low = w.lower()
        if not w[:1].isalpha() or low in _BACK_STOP or any(ch.isdigit() for ch in w):
            break
        if low.endswith("ing") and low not in _PARTICIPLE_NOUNS and (
            first < 2 or words[first - 2].group().lower() in _PROGRESSIVE_AUX
        ):
            break  # "is calling for the grant" -> "grant"; but "appeals waiting to be heard"
        first -= 1
    text = before[words[first].start() : words[i].end()]
    for _ in range(2):
        text = _LEADING_PREPOSITION_RE.sub("", text).strip()
        text = _SUBJECT_LEAD_RE.sub("", text, count=1).strip()
    if not text or text.split()[0].lower() in _BACK_STOP | _DETERMINERS | _PREPOSITIONS:
        return None
    return text


def _find_source(sentence: str, cache: dict[str, str | None]) -> str | None:
    """Find a stated data source in a sentence ("Home Office figures", "Office for National Statistics")."""
    if sentence not in cache:
        cache[sentence] = _search_source(sentence)
    return cache[sentence]


def _search_source(sentence: str) -> str | None:
    """The source patterns, in order of preference, applied to one sentence."""
    for pattern, needs in zip(_SOURCE_PATTERNS, _SOURCE_NEEDS, strict=True):
        if not needs(sentence):
            continue
        m = pattern.search(sentence)
        if not m:
            continue
        src = " ".join(m["src"].split()[:8])
        src = _SOURCE_STRIP_RE.sub("", src).strip()
        src = _SOURCE_STRIP_RE.sub("", src).strip()
        if not src or src in _SOURCE_STOP or _BARE_DATA_RE.fullmatch(src) and not src[0].isupper():
            if src.lower().startswith(("official", "government")):
                return src
            continue
        return src
    return None


def _is_non_claim(body: str, m: re.Match[str], folded: str) -> bool:
    """Return True when the number is a year, date, time, age, label, ordinal, score or rule, not a claim."""
    start, end = m.start(), m.end()
    value = float(m["num"].replace(",", "")) if m["num"] else 0.0
    before = body[max(0, start - 60) : start]
    fbefore = folded[max(0, start - 60) : start]  # for the IGNORECASE tests: see fold_case
    after = body[end : end + 40]
    fafter = folded[end : end + 40]
    plain = bool(m["num"]) and not m["cur"] and not m["mult"] and not m["pct"]
    if m["num"] and start > 1 and body[start - 1] == "-" and body[start - 2].isalpha():
        return True  # Covid-19, G-7
    if m["num"] and _LETTER_AFTER_RE.match(after) and not _ORDINAL_AFTER_F.match(fafter) and not (
        _UNIT_SUFFIX_AFTER_F.match(fafter)
    ):
        return not bool(m["mult"] or m["pct"])  # 5G, 4x4, 3D
    if m["num"] and (_ORDINAL_AFTER_F.match(fafter) or _TIME_AFTER_F.match(fafter)):
        return True
    if m["num"] and _DECADE_AFTER_RE.match(after):
        return True  # the 1990s, in her 40s
    if m["num"] and m["cur"] is None and _PENCE_AFTER_RE.match(after):
        return False  # 50p
    if m["num"] and _SLASH_AFTER_RE.match(after):
        return True  # 24/7, 12/03/2025
    if plain and (_DATE_AFTER_F.match(fafter) or _MONTH_BEFORE.search(fbefore)):
        return True
    if plain and _YEAR_RANGE_BEFORE.search(before):
        return True  # 2025-26
    if plain and "," not in m["num"] and "." not in m["num"] and 1000 <= value <= 2100:
        after_word = _WORD_RE.match(after.lstrip())
        countable = after_word and _unit_of(after_word.group()) != "count"
        if _YEAR_AFTER_RE.match(after) or not countable or _YEAR_CONTEXT_BEFORE_F.search(fbefore):
            return True
    if (m["num"] or m["small"]) and (_AGE_BEFORE.search(fbefore) or _AGE_AFTER_F.match(fafter)):
        return True
    if plain and _LABEL_BEFORE.search(fbefore):
        return True
    if plain and "," not in m["num"]:
        prev = _CAPITALISED_BEFORE.search(before)
        if prev and prev.group(1) not in _SOURCE_STOP and not _APPROX_BEFORE.search(fbefore):
            return True  # Radio 5 Live, Channel 4, Apollo 11
    score = _SCORE_RE.match(after)
    if plain and score and len(m["num"]) <= 2:
        tail_word = _WORD_RE.match(after[score.end() :].lstrip())
        if not tail_word or _unit_of(tail_word.group()) == "count":
            return True  # 2-1
    if plain and _DIGIT_DASH_BEFORE.search(before) and _SCORE_BEFORE_RE.search(before):
        tail_word = _WORD_RE.match(after.lstrip())
        if not tail_word or _unit_of(tail_word.group()) == "count":
            return True
    if _RELATIVE_TIME_AFTER_F.match(fafter) or _COMPOUND_AFTER_F.match(fafter):
        return True  # three years ago; a 30-week course, 28-day intervals
    if plain and value <= 120 and after.startswith(",") and _APPOSITIVE_BEFORE_RE.search(before):
        return True  # Lewis Harland, 29, a bus driver
    if _DISTANCE_AFTER_F.match(fafter):
        return True  # three streets away
    next_word = _WORD_RE.match(after.lstrip())
    nw = next_word.group().lower() if next_word else ""
    if nw in _TIME_UNITS and (_TIME_WINDOW_BEFORE_F.search(fbefore) or _RULE_CONTEXT_F.search(fbefore)):
        return True
    if _THRESHOLD_BEFORE.search(fbefore) and _RULE_CONTEXT_F.search(fbefore):
        return True
    if m["small"]:
        if _POSSESSIVE_BEFORE_F.search(fbefore):
            return True
        if not next_word or after[: next_word.start()].strip():
            return True
        if _unit_of(next_word.group()) == "count" and not _PLURAL_WORD_RE.match(nw):
            return True
        if nw in {"of", "times"}:
            return True
    if m["frac"]:
        if _FRACTION_TIME_AFTER_F.match(fafter):
            return True
        if m["frac"].lower() == "half" and not (
            _HALF_AFTER_OK_F.match(fafter) or _FRACTION_OK_BEFORE_F.search(fbefore)
        ):
            return True
        if not (_OF_AFTER_RE.match(after) or _FRACTION_OK_BEFORE_F.search(fbefore)):
            return True
        if next_word and not after[: next_word.start()].strip() and nw not in _FRACTION_FOLLOWERS:
            return True  # "a third country"
    return False


# --- public ----------------------------------------------------------------------------------------


def extract_figures(body: str, quotes: Sequence[Quote] = ()) -> tuple[Figure, ...]:
    """Find the numeric claims in body; a figure inside a quote takes the quote's speaker as source."""
    if not body or not _ANY_NUMBER_RE.search(body):
        return ()
    sentence_starts = _split_sentences(body)
    folded = fold_case(body)
    drafts: list[tuple[re.Match[str], _Draft, int, int]] = []
    for m in _find_candidates(body, folded):
        parsed = _parse_value(m)
        if parsed is None:
            continue
        value, kind, approximate = parsed
        if _is_non_claim(body, m, folded):
            continue
        idx = bisect.bisect_right(sentence_starts, m.start()) - 1
        sent_start = sentence_starts[idx]
        sent_end = sentence_starts[idx + 1] if idx + 1 < len(sentence_starts) else len(body)
        draft = _Draft(value=value, start=m.start(), end=m.end(), approximate=approximate, kind=kind)
        drafts.append((m, draft, sent_start, sent_end))

    figures: list[Figure] = []
    suppressed_until = -1
    previous: Figure | None = None
    start_value: Figure | None = None  # "fell from 146,000 to 52,300": the 146,000
    source_cache: dict[str, str | None] = {}
    for i, (m, d, sent_start, sent_end) in enumerate(drafts):
        if d.start < suppressed_until:
            continue
        if previous is not None and previous.start < sent_start:
            previous = None
        figure, consumed = _build_figure(
            body, folded, m, d, sent_start, sent_end, quotes, previous, source_cache
        )
        if (
            previous is not None
            and previous.change
            and previous.subject
            and figure.subject is None
            and _TO_GAP_RE.fullmatch(body, previous.end, d.start)
        ):  # "increased by 20 per cent to 5,000": the level reached
            unit = _unit_of(previous.subject, head_first=True) if figure.unit == "count" else figure.unit
            figure = _replace(figure, subject=previous.subject, unit=unit)
        suppressed_until = max(suppressed_until, consumed)
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        gap = body[d.end : nxt[1].start] if nxt else ""
        if start_value is not None:
            figure = _apply_start_value(figure, start_value)
            start_value = None
        elif nxt and _FROM_TO_GAP_RE.fullmatch(body, figure.end, nxt[1].start) and _FROM_BEFORE_RE.search(
            body, max(sent_start, d.start - 12), figure.start
        ):
            start_value = figure
            continue
        elif nxt and _RANGE_GAP_RE.fullmatch(gap):
            second, _ = _build_figure(
                body, folded, nxt[0], nxt[1], sent_start, sent_end, quotes, None, source_cache
            )
            between = _RANGE_BEFORE_RE.search(body, max(sent_start, d.start - 20), figure.start)
            plain_to = gap.strip() and figure.end <= d.end and not figure.change and second.unit != "count"
            if between or plain_to:
                # a range: "between 20,000 and 30,000 people", "20-30 boats"
                nxt[1].approximate = True
                if figure.unit == "count" and not figure.subject:
                    figure = _replace(figure, unit=second.unit, subject=second.subject)
                figure = _replace(figure, approximate=True)
        figures.append(figure)
        previous = figure
    return tuple(figures)


def _apply_start_value(figure: Figure, start_value: Figure) -> Figure:
    """Give the end value of "X fell from A to B" its start value A as baseline, and A's context."""
    before = start_value.text
    return _replace(
        figure,
        baseline=figure.baseline or before,
        change=figure.change or start_value.change,
        subject=figure.subject or start_value.subject,
        unit=start_value.unit if figure.unit == "count" else figure.unit,
        source=figure.source or start_value.source,
    )


def _replace(f: Figure, **changes: object) -> Figure:
    """Return a copy of f with some fields changed."""
    fields = {name: getattr(f, name) for name in Figure.__dataclass_fields__}
    fields.update(changes)
    return Figure(**fields)  # type: ignore[arg-type]


def _build_figure(
    body: str,
    folded: str,
    m: re.Match[str],
    d: _Draft,
    sent_start: int,
    sent_end: int,
    quotes: Sequence[Quote],
    previous: Figure | None,
    source_cache: dict[str, str | None],
) -> tuple[Figure, int]:
    """Read a candidate's context (clause, sentence, quotes) and make it a Figure.

    Returns the figure and the offset up to which later numbers belong to it (a baseline's numbers).
    `folded` is fold_case(body), for the IGNORECASE patterns' case-sensitive twins.
    """
    clause_start, clause_end = _clause_bounds(body, sent_start, sent_end, d.start, d.end)
    start, end = d.start, d.end
    approximate = d.approximate
    approx_m = _APPROX_BEFORE.search(folded, max(sent_start, start - 40), start)
    if approx_m:
        approximate = True
        start = approx_m.start()
    approx_after = _APPROX_AFTER_RE.match(body, end, clause_end)
    if approx_after:
        approximate = True
        end = approx_after.end()

    # unit and the noun phrase after the number
    value = d.value
    pct = m["pct"]
    if pct:
        unit = "percentage points" if "point" in pct.lower() else "percent"
    elif d.kind in ("percent", "fraction"):
        unit = "percent"
    elif m["cur"]:
        unit = _CURRENCIES[m["cur"]]
    else:
        unit = "count"
    np_offset = end
    comparative: str | None = None
    if unit == "count" and m["num"] and body.startswith("p", end) and not body[end + 1 : end + 2].isalnum():
        unit, value, np_offset = "GBP", value / 100, end + 1  # 50p
        end = np_offset
    lead = _NP_LEAD_RE.match(body, np_offset, clause_end)
    if lead:
        if lead["cmp"]:
            comparative = lead["cmp"].lower()
        if not lead["of"] or unit in ("count", "percent"):
            np_offset = lead.end()
    np, np_len = _read_noun_phrase(body[np_offset:clause_end])
    claim_end = end
    if np:
        if unit == "count":
            unit = _unit_of(np)
            if np.lower() in _CURRENCY_WORDS:
                if np.lower() == "pence":
                    value /= 100
                np = None
        if np and np.lower() in _TIME_UNITS:
            np = None
        elif np and np.lower() == "times":  # "3.5 times higher than in 2019"
            np = None
            end = np_offset + np_len
        claim_end = np_offset + np_len
    subject: str | None = None
    has_predicate = False
    if np:
        subject = np
        predicate, pred_len = _read_predicate(body[claim_end:clause_end], folded[claim_end:clause_end])
        if predicate:
            subject = f"{np} {predicate}"
            claim_end += pred_len
            has_predicate = True

    # change
    change: str | None = None
    win_start = max(clause_start, start - 50)
    win_before = body[win_start:start]
    fwin_before = folded[win_start:start]
    cb = _CHANGE_BEFORE.search(fwin_before)
    if cb and (_UP_TO_RE.search(win_before) or win_before[cb.start() :].lower().startswith(("more", "less"))):
        cb = None  # "up to 500", "more than 500" are approximations, not changes
    ca = _CHANGE_AFTER_F.match(folded, end, clause_end)
    # each literal test below is what its pattern cannot match without, and a far cheaper scan
    from_before = _FROM_BEFORE_RE.search(win_before) if "from" in fwin_before else None
    if from_before:
        # "rose from 30,000 to 45,000": 30,000 is where it started; the change is the verb's
        verb = _CHANGE_BEFORE_F.search(fwin_before, 0, from_before.start())
        if verb:
            change = "increase" if verb["inc"] else "decrease"
    elif comparative:
        change = "increase" if comparative in ("more", "extra", "additional") else "decrease"
        if comparative in ("extra", "additional"):
            change = None
    elif ca and not np:
        change = "increase" if ca["inc"] else "decrease"
        claim_end = max(claim_end, ca.end())
        change_object = _CHANGE_OBJECT_RE.match(body, ca.end(), clause_end)
        if change_object:  # "a 68 per cent fall in visa applications"
            np, np_len = _read_noun_phrase(body[change_object.end() : clause_end])
            if np:
                subject = np
                claim_end = change_object.end() + np_len
    elif cb:
        change = "increase" if cb["inc"] else "decrease"
    elif ca:
        change = "increase" if ca["inc"] else "decrease"

    # baseline
    baseline: str | None = None
    consumed = claim_end
    bm = _BASELINE_RE.match(body, claim_end, clause_end)
    if bm is None and folded.find("compared", claim_end, sent_end) >= 0:
        bm = _COMPARED_RE.match(body, claim_end, sent_end)
    if bm and bm.start("b") > clause_end and _DIGIT_RE.search(body, clause_end, bm.start()):
        bm = None  # another figure's comparison
    if bm and (change or bm["than"] and "compared" in bm["than"].lower()):
        b = bm["b"]
        cut = _BASELINE_END_RE.search(b)
        b = (b[: cut.start()] if cut else b).strip()
        if b:
            baseline = b
            consumed = claim_end = bm.start("b") + len(b)
    if baseline is None and change and _YEAR_ON_YEAR_RE.search(body, end, clause_end):
        baseline = "the previous year"
    up_from = None
    if folded.find("from", claim_end, sent_end) >= 0:
        up_from = _UP_FROM_RE.match(body, claim_end, sent_end)
    direction = up_from and (up_from["dir"] or up_from["dir2"])
    if baseline is None and up_from and (direction or change):
        if direction:
            change = change or ("increase" if direction.lower() == "up" else "decrease")
        baseline = up_from["b"].strip()
        consumed = up_from.start("b") + len(baseline)

    # subject from context when the words after the number do not say what it counts
    if unit in _CURRENCY_UNITS and subject is None:
        money = _MONEY_OBJECT_RE.match(body, end, clause_end)
        if money:
            subject = _read_noun_phrase(_DETERMINER_RE.sub("", money["np"], count=1))[0]
    if subject is None or (np and " " not in np and not has_predicate and unit in _GENERIC_UNITS):
        back_start = max(sent_start, start - 160)
        back = _read_back_subject(body[back_start:start], folded[back_start:start])
        if back:
            subject = back
            if unit == "count":
                unit = _unit_of(back, head_first=True)
    if subject is None and change and unit == "percent" and previous is not None and previous.subject:
        subject = previous.subject  # "3,594 deported - a 16 per cent increase on ..."
    if subject is None and np is None and not pct and unit == "count":
        predicate, pred_len = _read_predicate(body[end:clause_end], folded[end:clause_end])
        if predicate:  # "Some 3,594 have been deported since ..."
            subject = predicate
            claim_end = max(claim_end, end + pred_len)

    # source: a data source named in the sentence, else the speaker of a quote around the figure
    source = _find_source(body[sent_start:sent_end], source_cache)
    if source is None:
        source = next((q.speaker for q in quotes if q.start <= d.start < q.end and q.speaker), None)
    consumed = max(consumed, claim_end)
    text = body[start:claim_end].rstrip()
    return (
        Figure(
            value=round(float(value), 6),
            unit=unit,
            text=text,
            subject=subject,
            change=change,  # type: ignore[arg-type]
            baseline=baseline,
            approximate=approximate,
            source=source,
            start=start,
            end=start + len(text),
        ),
        consumed,
    )
