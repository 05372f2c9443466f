"""Generate the bundled demo corpus (pages, feeds, manifest.toml, expected.toml) under seeds/demo/.

Run from anywhere: `python seeds/demo/build_corpus.py`. The committed HTML/XML files are the corpus;
this script is how they were made, so regenerate and review the diff rather than hand-editing output.
"""
# The page templates below are literal HTML kept on one line per element, so long lines are expected.
# ruff: noqa: E501

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep seeds/demo free of __pycache__

import chrome as c  # noqa: E402
import stories as s  # noqa: E402

UTM = "?utm_source=rss&utm_medium=feed"


def dt(text: str) -> datetime:
    """Parse a UTC timestamp written as 2025-02-12T06:30."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------------
# Outlets
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    host: str
    folder: str
    charset: str = "utf-8"
    extra_hosts: tuple[str, ...] = ()


OUTLETS = {
    o.key: o
    for o in (
        Outlet("northgate", "The Northgate Post", "www.northgate-post.example", "northgate-post",
               extra_hosts=("m.northgate-post.example",)),
        Outlet("harbour", "The Harbour Herald", "www.harbour-herald.example", "harbour-herald"),
        Outlet("meridian", "The Daily Meridian", "www.dailymeridian.example", "daily-meridian",
               charset="iso-8859-1"),
        Outlet("eastfield", "Eastfield Chronicle", "www.eastfieldchronicle.example", "eastfield-chronicle"),
        Outlet("fenwick", "The Fenwick Courier", "www.fenwickcourier.example", "fenwick-courier"),
    )
}

# ------------------------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------------------------


@dataclass
class Page:
    id: str
    outlet: str
    url: str
    headline: str
    standfirst: str
    section: str
    authors: list[tuple[str, str]]  # (name, profile slug)
    published: datetime
    body: list
    demo: str  # fiction | reference | retold
    copy_group: str
    story_group: str
    relevant: bool = True
    status: str = "full"
    role: str | None = None  # shown after the byline: "Home Affairs Editor"
    org_author: str | None = None  # an agency credited instead of / beside people
    modified: datetime | None = None
    figure: tuple[str, str, str] | None = None  # (image file, alt, caption with credit)
    tags: list[str] = field(default_factory=list)
    comments: list[tuple[str, str, str]] = field(default_factory=list)
    jsonld_body: bool = False
    template: str = "desktop"  # desktop | mobile | amp
    canonical: str | None = None
    phase: int = 1
    date_source: str = "jsonld"
    inline_related: bool = False
    note: str | None = None

    @property
    def canonical_url(self) -> str:
        return self.canonical or self.url

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.body if isinstance(b, str)]


NG = "http://www.northgate-post.example"
NGM = "http://m.northgate-post.example"
HH = "http://www.harbour-herald.example"
DM = "http://www.dailymeridian.example"
EC = "http://www.eastfieldchronicle.example"
FC = "http://www.fenwickcourier.example"

SEED = list(s.SEED_PARAGRAPHS)

COMMENTS_REFERENCE = [
    ("MillLaneRegular", "2 hours ago",
     "Worth reading the figures carefully. 3,594 removals since July is an increase, but it is small next "
     "to the number still waiting."),
    ("quietobserver_77", "2 hours ago", "Every party says this before an election. Let's see the detail."),
    ("J Harcourt", "1 hour ago",
     "The ECHR point comes up every time. Would be good to have an explainer on what Article 3 actually "
     "covers."),
    ("Northgate Nan", "58 minutes ago", "Can we have fewer interviews and more policy papers please."),
    ("tk_1988", "41 minutes ago", "Reply to J Harcourt: there was one in the Post last year, search the archive."),
]
COMMENTS_HOTEL = [
    ("BrackfordBorn", "3 hours ago", "About time. The town was never asked in the first place."),
    ("welcome_volunteer", "3 hours ago",
     "Please think about the kids here. Several are in my daughter's class and doing really well."),
    ("R. Ambrose", "2 hours ago", "Where will they go? Closing one hotel just moves the problem to the next town."),
    ("pedant_prime", "1 hour ago", "£6.1m a year for one hotel. Someone should ask what dispersal costs instead."),
]
COMMENTS_COUNCIL = [
    ("CastleStreetCat", "5 hours ago", "Twenty pence an hour more for parking will finish off the high street."),
    ("libraryuser", "4 hours ago", "Better a tax rise than losing six libraries."),
    ("Ward 9 Voter", "2 hours ago", "Garden waste charge is a tax by another name."),
]
COMMENTS_MERIDIAN = [
    ("Alan, Swindon", "12/02/2025 10:12", "Heard the interview. She was pressed hard on it, fair play."),
    ("Renée, Bath", "12/02/2025 10:31", "Figures from the Home Office should be published monthly, not when it suits."),
    ("GrumpyOldGit", "12/02/2025 11:02", "Same promises every year."),
    ("M. Okoye, Leeds", "12/02/2025 11:47", "The ECHR debate deserves better than soundbites from all sides."),
]
COMMENTS_ESOL = [
    ("Teacher in Wessmouth", "10/02/2025 08:05", "I teach ESOL. The demand is real and the waiting list is longer than this."),
    ("café owner", "10/02/2025 09:40", "Good luck José, come and see us when you open."),
    ("Bob, Dorchester", "10/02/2025 12:18", "Learning the language should be the first step, so fund it."),
]
COMMENTS_EASTFIELD = [
    ("eastfield_mum", "3 days ago", "My mum's care home is on agency staff most nights now."),
    ("Dave Mc", "3 days ago", "Pay care workers properly and you won't need visas."),
    ("Nurse Jo", "2 days ago", "Both of the above are true."),
]

PAGES: list[Page] = [
    # ---- the reference article, verbatim, twice --------------------------------------------------
    Page(
        id="ngp-reference", outlet="northgate",
        url=f"{NG}/uk-news/2025/feb/12/badenoch-backs-trump-style-mass-deportations-of-foreign-criminals",
        headline="Badenoch backs Trump-style mass deportations of foreign criminals",
        standfirst="Conservative leader says illegal migrants should be deported as she tries to see off "
                   "the threat from Nigel Farage's Reform UK",
        section="UK news", authors=[("Sarah Whitcombe", "sarah-whitcombe")],
        published=dt("2025-02-12T06:30"), modified=dt("2025-02-12T07:05"),
        body=SEED, demo="reference", copy_group="reference", story_group="reference",
        figure=("badenoch-westminster.jpg", "Kemi Badenoch in Westminster",
                "Kemi Badenoch, the Conservative leader. Photograph: Northgate Post picture desk"),
        tags=["Immigration", "Conservatives", "Kemi Badenoch", "Reform UK", "Home Office"],
        comments=COMMENTS_REFERENCE, jsonld_body=True,
    ),
    Page(
        id="hh-reference", outlet="harbour",
        url=f"{HH}/politics/2025/02/12/kemi-badenoch-illegal-migrants-should-be-deported-a84213",
        headline="Kemi Badenoch: illegal migrants 'should be deported' as Tories try to see off Reform",
        standfirst="Tory leader says she would remove foreign criminals, while Nigel Farage points to "
                   "Australia's approach to small boats",
        section="Politics", authors=[("Tom Ashworth", "tom-ashworth"), ("Leila Mensah", "leila-mensah")],
        published=dt("2025-02-12T08:15"), modified=dt("2025-02-12T08:15"),
        body=SEED, demo="reference", copy_group="reference", story_group="reference",
        tags=["Immigration", "Kemi Badenoch", "Nigel Farage", "ECHR"], inline_related=True,
    ),
    # ---- the reference story retold in other words -------------------------------------------
    Page(
        id="dm-reference-retold", outlet="meridian",
        url=f"{DM}/news/home-affairs/article-14392871/Tory-leader-Badenoch-foreign-criminals-removed.html",
        headline="Tory leader Badenoch says foreign criminals must be removed as 19,244 await deportation",
        standfirst="Conservative leader backs deporting illegal migrants as Farage cites Australia's "
                   "boat turn-backs and critics round on Starmer's asylum change",
        section="Home affairs", authors=[("Gareth Llewellyn", "gareth-llewellyn")],
        published=dt("2025-02-12T09:40"), modified=dt("2025-02-12T10:02"),
        body=s.RETOLD_MERIDIAN, demo="retold", copy_group="reference-retold-meridian",
        story_group="reference", date_source="meta", comments=COMMENTS_MERIDIAN,
        figure=("home-office-sign.jpg", "The Home Office building in Westminster",
                "The Home Office's figures show 19,244 foreign criminals awaiting deportation. Picture: Meridian"),
    ),
    Page(
        id="ec-reference-retold", outlet="eastfield",
        url=f"{EC}/news/national/nearly-20000-foreign-criminals-awaiting-deportation-4920117",
        headline="Nearly 20,000 foreign criminals still awaiting deportation as Badenoch vows to fix immigration",
        standfirst="Home Office figures reveal the scale of the deportation queue as party leaders clash "
                   "over how far to go",
        section="National", authors=[("Jordan Pike", "jordan-pike")],
        published=dt("2025-02-12T11:05"),
        body=s.RETOLD_EASTFIELD, demo="retold", copy_group="reference-retold-eastfield",
        story_group="reference", date_source="time-tag", inline_related=True,
    ),
    Page(
        id="fc-reference-retold-amp", outlet="fenwick",
        url=f"{FC}/news/uk-news/sex-offender-asylum-ban-hollow-words-says-braverman-19043/amp",
        canonical=f"{FC}/news/uk-news/sex-offender-asylum-ban-hollow-words-says-braverman-19043",
        headline="Sex offender asylum ban is 'hollow words', says Braverman, as Badenoch backs deportations",
        standfirst="Senior Conservatives say foreign offenders will turn to human rights law instead",
        section="UK news", authors=[("Callum Reid", "callum-reid")], role="Political Reporter",
        published=dt("2025-02-12T12:20"), modified=dt("2025-02-12T12:20"),
        body=s.RETOLD_FENWICK, demo="retold", copy_group="reference-retold-fenwick",
        story_group="reference", template="amp",
    ),
    Page(
        id="fc-reference-retold", outlet="fenwick",
        url=f"{FC}/news/uk-news/sex-offender-asylum-ban-hollow-words-says-braverman-19043",
        headline="Sex offender asylum ban is 'hollow words', says Braverman, as Badenoch backs deportations",
        standfirst="Senior Conservatives say foreign offenders will turn to human rights law instead",
        section="UK news", authors=[("Callum Reid", "callum-reid")], role="Political Reporter",
        published=dt("2025-02-12T12:20"), modified=dt("2025-02-12T12:20"),
        body=s.RETOLD_FENWICK, demo="retold", copy_group="reference-retold-fenwick",
        story_group="reference",
        note="canonical of the AMP page; linked from no feed",
    ),
    # ---- one wire story, three near-copies ----------------------------------------------------
    Page(
        id="hh-wire-dispersal", outlet="harbour",
        url=f"{HH}/news/2025/02/11/councils-say-asylum-dispersal-funding-is-48m-short-a84107",
        headline="Councils say asylum dispersal funding is £48m short",
        standfirst="Network representing 62 councils says the per-person grant has not risen since 2022",
        section="News", authors=[("Daniel Okoro", "daniel-okoro")], org_author="Press Wire",
        published=dt("2025-02-11T06:00"), modified=dt("2025-02-11T06:00"),
        body=s.WIRE_DISPERSAL, demo="fiction", copy_group="wire-dispersal", story_group="wire-dispersal",
    ),
    Page(
        id="ec-wire-dispersal", outlet="eastfield",
        url=f"{EC}/news/national/town-halls-warn-48m-gap-asylum-support-funding-4919884",
        headline="Town halls warn of £48m gap in asylum support funding",
        standfirst="Councils want the Home Office grant raised to £3,500 per person",
        section="National", authors=[("Daniel Okoro", "daniel-okoro")], org_author="Press Wire",
        published=dt("2025-02-11T06:45"),
        body=s.wire_trimmed(), demo="fiction", copy_group="wire-dispersal", story_group="wire-dispersal",
        date_source="time-tag",
    ),
    Page(
        id="fc-wire-dispersal", outlet="fenwick",
        url=f"{FC}/news/uk-news/asylum-dispersal-councils-warn-48m-shortfall-18996",
        headline="Asylum dispersal: councils warn £48m shortfall will hit services",
        standfirst="Local authorities say a grant set in 2022 no longer covers housing, schools and care",
        section="UK news", authors=[], org_author="Press Wire",
        published=dt("2025-02-11T07:30"), modified=dt("2025-02-11T07:30"),
        body=s.wire_with_editor_line(), demo="fiction", copy_group="wire-dispersal",
        story_group="wire-dispersal",
    ),
    # ---- unrelated fictional immigration stories ------------------------------------------------
    Page(
        id="ngp-brackford-hotel", outlet="northgate",
        url=f"{NG}/uk-news/2025/feb/11/brackford-asylum-hotel-to-close-by-end-of-april",
        headline="Brackford asylum hotel to close by end of April, minister confirms",
        standfirst="About 180 people housed at the Kestrel Park Hotel will be moved, but volunteers warn of "
                   "disruption for children at local schools",
        section="UK news", authors=[("Owen Pritchard", "owen-pritchard")],
        published=dt("2025-02-11T17:05"), modified=dt("2025-02-11T17:05"),
        body=s.BRACKFORD_V1, demo="fiction", copy_group="brackford-hotel", story_group="brackford-hotel",
        figure=("kestrel-park-hotel.jpg", "The Kestrel Park Hotel in Brackford",
                "The Kestrel Park Hotel has housed asylum seekers since October 2022. Photograph: Owen Pritchard"),
        tags=["Immigration", "Asylum", "Brackford", "Home Office"], comments=COMMENTS_HOTEL,
        jsonld_body=True,
    ),
    Page(
        id="ngp-tribunal-mobile", outlet="northgate",
        url=f"{NGM}/law/2025/feb/10/home-office-unlawfully-detained-eritrean-man-tribunal-rules",
        canonical=f"{NG}/law/2025/feb/10/home-office-unlawfully-detained-eritrean-man-tribunal-rules",
        headline="Home Office unlawfully detained Eritrean man for 11 months, tribunal rules",
        standfirst="Judge finds there was no realistic prospect of removal for at least seven months",
        section="Law", authors=[("Hannah Osei", "hannah-osei")],
        published=dt("2025-02-10T14:30"), modified=dt("2025-02-10T14:30"),
        body=s.TRIBUNAL, demo="fiction", copy_group="tribunal-mk", story_group="tribunal-mk",
        template="mobile", tags=["Immigration", "Law", "Detention"],
    ),
    Page(
        id="ngp-tribunal", outlet="northgate",
        url=f"{NG}/law/2025/feb/10/home-office-unlawfully-detained-eritrean-man-tribunal-rules",
        headline="Home Office unlawfully detained Eritrean man for 11 months, tribunal rules",
        standfirst="Judge finds there was no realistic prospect of removal for at least seven months",
        section="Law", authors=[("Hannah Osei", "hannah-osei")],
        published=dt("2025-02-10T14:30"), modified=dt("2025-02-10T14:30"),
        body=s.TRIBUNAL, demo="fiction", copy_group="tribunal-mk", story_group="tribunal-mk",
        tags=["Immigration", "Law", "Detention"],
    ),
    Page(
        id="hh-small-boats-january", outlet="harbour",
        url=f"{HH}/news/2025/02/04/channel-crossings-rise-23-per-cent-in-january-a83650",
        headline="Channel crossings rise 23 per cent in January despite winter weather",
        standfirst="1,214 people made the journey in small boats last month, Home Office figures show, "
                   "as ministers promise tougher action on smuggling gangs",
        section="News", authors=[("Priya Nair", "priya-nair")], role="Home Affairs Editor",
        published=dt("2025-02-04T10:00"), modified=dt("2025-02-04T11:20"),
        body=s.SMALL_BOATS, demo="fiction", copy_group="small-boats-january",
        story_group="small-boats-january", tags=["Immigration", "Small boats", "Channel"],
    ),
    Page(
        id="hh-net-migration", outlet="harbour",
        url=f"{HH}/news/2025/02/06/net-migration-falls-as-student-and-care-visas-slow-a83791",
        headline="Net migration falls by more than a third as student and care visas slow",
        standfirst="Analysis of visa data suggests the official estimate could come in at about 494,000",
        section="News", authors=[("Tom Ashworth", "tom-ashworth")],
        published=dt("2025-02-06T09:30"), modified=dt("2025-02-06T09:30"),
        body=s.NET_MIGRATION, demo="fiction", copy_group="net-migration", story_group="net-migration",
        tags=["Immigration", "Net migration", "Visas"],
    ),
    Page(
        id="dm-thornmoor-irc", outlet="meridian",
        url=f"{DM}/news/home-affairs/article-14378102/Thornmoor-removal-centre-segregation-unacceptable.html",
        headline="Thornmoor removal centre: monitors find 'unacceptable' use of segregation",
        standfirst="Annual report says 47 men were held in the separation unit for more than 14 days",
        section="Home affairs", authors=[("Gareth Llewellyn", "gareth-llewellyn")],
        published=dt("2025-02-07T08:00"), modified=dt("2025-02-07T08:00"),
        body=s.THORNMOOR, demo="fiction", copy_group="thornmoor-irc", story_group="thornmoor-irc",
        date_source="meta",
    ),
    Page(
        id="dm-esol-wessmouth", outlet="meridian",
        url=f"{DM}/news/home-affairs/article-14386655/Wessmouth-College-English-classes-waiting-list.html",
        headline="£1.2m cut leaves 400 waiting for English classes at Wessmouth College",
        standfirst="Refugees, care workers and a former café owner among learners told to wait until September",
        section="Home affairs", authors=[("Chloé Durand", "chloe-durand")],
        published=dt("2025-02-10T07:15"), modified=dt("2025-02-10T07:15"),
        body=s.ESOL, demo="fiction", copy_group="esol-wessmouth", story_group="esol-wessmouth",
        date_source="meta", comments=COMMENTS_ESOL,
        figure=("wessmouth-college.jpg", "A classroom at Wessmouth College",
                "An ESOL class at Wessmouth College, where courses have been cut from 38 groups to 24. "
                "Picture: Chloé Durand"),
    ),
    Page(
        id="dm-oakhurst-hotel", outlet="meridian",
        url=f"{DM}/news/home-affairs/article-14382240/Oakhurst-hotel-house-120-asylum-seekers.html",
        headline="Oakhurst hotel to house 120 asylum seekers from March, council told",
        standfirst="District council says it was given 48 hours' notice and was not consulted",
        section="Home affairs", authors=[("Gareth Llewellyn", "gareth-llewellyn")],
        published=dt("2025-02-09T12:00"), modified=dt("2025-02-09T12:00"),
        body=s.OAKHURST, demo="fiction", copy_group="oakhurst-hotel", story_group="oakhurst-hotel",
        date_source="meta",
    ),
    Page(
        id="ec-care-visas", outlet="eastfield",
        url=f"{EC}/news/eastfield-news/care-homes-warn-staffing-crisis-overseas-recruits-4915530",
        headline="Care homes warn of staffing crisis as overseas recruits dry up",
        standfirst="Applications for health and care worker visas have fallen by 68 per cent",
        section="Eastfield news", authors=[("Ellie Marsh", "ellie-marsh")],
        published=dt("2025-02-05T13:20"),
        body=s.CARE_VISAS, demo="fiction", copy_group="care-visas", story_group="care-visas",
        date_source="time-tag", comments=COMMENTS_EASTFIELD, inline_related=True,
        figure=("care-home.jpg", "A carer holding a resident's hand",
                "Care providers say local recruitment has not filled the gap. Picture: Eastfield Chronicle"),
    ),
    Page(
        id="ec-lifeboat-rescue", outlet="eastfield",
        url=f"{EC}/news/national/lifeboat-crews-rescue-61-people-overcrowded-dinghy-4918002",
        headline="Lifeboat crews rescue 61 people from overcrowded dinghy in Channel",
        standfirst="Three people were taken to hospital after the boat's engine failed in heavy swell",
        section="National", authors=[("Jordan Pike", "jordan-pike")],
        published=dt("2025-02-09T15:40"),
        body=s.LIFEBOAT, demo="fiction", copy_group="lifeboat-rescue", story_group="lifeboat-rescue",
        date_source="time-tag",
    ),
    Page(
        id="fc-family-visa", outlet="fenwick",
        url=f"{FC}/news/local-news/fenwick-couple-kept-apart-by-family-visa-income-rule-18954",
        headline="'We married in 2023 and still can't live together': Fenwick couple caught by visa income rule",
        standfirst="Bus driver Lewis Harland earns £26,400, below the £29,000 needed to sponsor his wife",
        section="Local news", authors=[("Abigail Turner", "abigail-turner")],
        published=dt("2025-02-08T09:00"), modified=dt("2025-02-08T09:00"),
        body=s.FAMILY_VISA, demo="fiction", copy_group="family-visa", story_group="family-visa",
        figure=("harland-video-call.jpg", "Lewis Harland on a video call",
                "Lewis Harland speaks to his wife every night by video call. Picture: Abigail Turner"),
    ),
    Page(
        id="fc-asylum-backlog", outlet="fenwick",
        url=f"{FC}/news/uk-news/asylum-backlog-87412-waiting-for-first-decision-18921",
        headline="Asylum backlog: 87,412 people waiting for a first decision",
        standfirst="Initial decisions are speeding up but the appeals queue has more than tripled",
        section="UK news", authors=[("Callum Reid", "callum-reid")], role="Political Reporter",
        published=dt("2025-02-07T16:00"), modified=dt("2025-02-07T16:00"),
        body=s.BACKLOG, demo="fiction", copy_group="asylum-backlog", story_group="asylum-backlog",
        jsonld_body=True,
    ),
    Page(
        id="fc-car-wash-teaser", outlet="fenwick",
        url=f"{FC}/news/local-news/inside-the-car-wash-raids-immigration-enforcement-18979",
        headline="Inside the car wash raids: how immigration enforcement targets illegal working",
        standfirst="The Courier spent a week with an enforcement team in Fenwick",
        section="Local news", authors=[("Abigail Turner", "abigail-turner")],
        published=dt("2025-02-10T20:00"), modified=dt("2025-02-10T20:00"),
        body=s.CAR_WASH_TEASER, demo="fiction", copy_group="car-wash-raids", story_group="car-wash-raids",
        status="teaser",
    ),
    # ---- off-topic pages in the general feed ---------------------------------------------------
    Page(
        id="ngp-council-budget", outlet="northgate",
        url=f"{NG}/northgate/2025/feb/11/council-approves-council-tax-rise-bins-libraries",
        headline="Northgate council approves 4.99 per cent tax rise to protect bin collections and libraries",
        standfirst="Typical Band D bill to rise by £87.40 a year from April",
        section="Northgate", authors=[("Rhys Morgan", "rhys-morgan")],
        published=dt("2025-02-11T19:45"), modified=dt("2025-02-11T19:45"),
        body=s.COUNCIL_BUDGET, demo="fiction", copy_group="council-budget", story_group="council-budget",
        relevant=False, comments=COMMENTS_COUNCIL, tags=["Northgate", "Council tax", "Local government"],
    ),
    Page(
        id="ngp-football", outlet="northgate",
        url=f"{NG}/sport/2025/feb/08/northgate-athletic-harbury-town-match-report",
        headline="Northgate Athletic 2-1 Harbury Town: Sesay heads late winner in derby",
        standfirst="Substitute settles a scrappy local derby four minutes from time at Mill Lane",
        section="Football", authors=[("Jamie Kerr", "jamie-kerr")],
        published=dt("2025-02-08T17:10"), modified=dt("2025-02-08T17:10"),
        body=s.FOOTBALL, demo="fiction", copy_group="football", story_group="football",
        relevant=False, tags=["Football", "Northgate Athletic", "Harbury Town"],
        figure=("sesay-header.jpg", "Moussa Sesay celebrates his winner",
                "Moussa Sesay celebrates after heading the winner. Photograph: Northgate Post sport"),
    ),
]

# The corrected version of the Brackford story, served from phase 2 at the same URL.
BRACKFORD_V2 = Page(
    id="ngp-brackford-hotel", outlet="northgate",
    url=f"{NG}/uk-news/2025/feb/11/brackford-asylum-hotel-to-close-by-end-of-april",
    headline="Brackford asylum hotel to close with 210 residents to be rehoused, minister confirms",
    standfirst="About 210 people housed at the Kestrel Park Hotel will be moved, but volunteers warn of "
               "disruption for children at local schools",
    section="UK news", authors=[("Owen Pritchard", "owen-pritchard")],
    published=dt("2025-02-11T17:05"), modified=dt("2025-02-13T10:20"),
    body=s.brackford_v2(), demo="fiction", copy_group="brackford-hotel", story_group="brackford-hotel",
    figure=("kestrel-park-hotel.jpg", "The Kestrel Park Hotel in Brackford",
            "The Kestrel Park Hotel has housed asylum seekers since October 2022. Photograph: Owen Pritchard"),
    tags=["Immigration", "Asylum", "Brackford", "Home Office"], comments=COMMENTS_HOTEL,
    jsonld_body=True, phase=2,
)

BY_ID = {p.id: p for p in PAGES}


def list_related(page: Page, n: int = 4) -> list[Page]:
    """Other pages of the same outlet, most recent first (the "Read more" boxes)."""
    others = [p for p in PAGES if p.outlet == page.outlet and p.id != page.id and p.template == "desktop"
              and p.canonical_url != page.canonical_url]
    others.sort(key=lambda p: p.published, reverse=True)
    return others[:n]


# ------------------------------------------------------------------------------------------------
# Shared head pieces
# ------------------------------------------------------------------------------------------------


def render_jsonld(obj) -> str:
    """A JSON-LD script element."""
    text = json.dumps(obj, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def render_demo_meta(page: Page) -> str:
    return f'<meta name="newsmon:demo" content="{"fiction" if page.demo == "fiction" else "reference"}">'


def render_demo_notice(page: Page, cls: str = "demo-notice") -> str:
    text = {"fiction": s.NOTICE_FICTION, "reference": s.NOTICE_REFERENCE, "retold": s.NOTICE_RETOLD}[page.demo]
    return f'<div class="{cls}" role="note" data-newsmon-demo="{page.demo}">{c.esc(text)}</div>'


def render_og(page: Page, site: str, image: str | None, with_dates: bool = True) -> str:
    parts = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{c.attr(site)}">',
        f'<meta property="og:title" content="{c.attr(page.headline)}">',
        f'<meta property="og:description" content="{c.attr(page.standfirst)}">',
        f'<meta property="og:url" content="{c.attr(page.canonical_url)}">',
        '<meta property="og:locale" content="en_GB">',
    ]
    if image:
        parts += [f'<meta property="og:image" content="{c.attr(image)}">',
                  '<meta property="og:image:width" content="1200">',
                  '<meta property="og:image:height" content="630">']
    if with_dates:
        parts.append(f'<meta property="article:published_time" content="{c.iso_offset(page.published)}">')
        if page.modified:
            parts.append(f'<meta property="article:modified_time" content="{c.iso_offset(page.modified)}">')
    parts.append(f'<meta property="article:section" content="{c.attr(page.section)}">')
    parts += [f'<meta property="article:tag" content="{c.attr(t)}">' for t in page.tags]
    parts += [
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:title" content="{c.attr(page.headline)}">',
        f'<meta name="twitter:description" content="{c.attr(page.standfirst)}">',
    ]
    return "\n".join(parts)


def news_article_ld(page: Page, site: str, host: str, *, dates: bool = True, logo: str = "logo.png") -> dict:
    """A schema.org NewsArticle for the page."""
    authors = [
        {"@type": "Person", "name": name, "url": f"http://{host}/profile/{slug}",
         **({"jobTitle": page.role} if page.role else {})}
        for name, slug in page.authors
    ]
    if page.org_author:
        authors.append({"@type": "Organization", "name": page.org_author, "url": "http://www.presswire.example/"})
    obj = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.headline,
        "description": page.standfirst,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.canonical_url},
        "url": page.canonical_url,
        "inLanguage": "en-GB",
        "articleSection": page.section,
        "keywords": ", ".join(page.tags) if page.tags else page.section,
    }
    if page.figure:
        obj["image"] = [f"http://img.{host.removeprefix('www.')}/2025/02/{page.figure[0]}"]
    if dates:
        obj["datePublished"] = c.iso_offset(page.published)
        if page.modified:
            obj["dateModified"] = c.iso_offset(page.modified)
    obj["author"] = authors if len(authors) != 1 else authors[0]
    obj["publisher"] = {
        "@type": "NewsMediaOrganization",
        "name": site,
        "url": f"http://{host}/",
        "logo": {"@type": "ImageObject", "url": f"http://{host}/static/{logo}", "width": 600, "height": 60},
    }
    obj["isAccessibleForFree"] = page.status != "teaser"
    if page.status == "teaser":
        obj["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False,
                          "cssSelector": ".paywalled-content"}
    if page.jsonld_body:
        obj["articleBody"] = "\n\n".join(page.paragraphs)
    return obj


def breadcrumb_ld(items: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(items, start=1)
        ],
    }


def render_body(page: Page, p_cls: str, *, related_after: int | None = None, related_html: str = "",
                ad_every: int | None = None, ad_html: str = "") -> str:
    """The article paragraphs and intertitles, with optional in-body boilerplate."""
    out = []
    n = 0
    for block in page.body:
        if isinstance(block, tuple):
            out.append(f"<h2>{c.esc(block[1])}</h2>")
            continue
        n += 1
        out.append(f'<p class="{p_cls}">{c.esc(block)}</p>' if p_cls else f"<p>{c.esc(block)}</p>")
        if related_after and n == related_after and related_html:
            out.append(related_html)
        if ad_every and n % ad_every == 0 and n < len(page.paragraphs):
            out.append(ad_html.replace("{n}", str(n)))
    return "\n".join(out)


def format_byline_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ------------------------------------------------------------------------------------------------
# Outlet templates
# ------------------------------------------------------------------------------------------------


def render_northgate(page: Page) -> str:
    """The Northgate Post: broadsheet, JSON-LD with breadcrumbs, comments, big mega-menu."""
    o = OUTLETS["northgate"]
    host = o.host
    img = f"http://img.northgate-post.example/2025/02/{page.figure[0]}" if page.figure else None
    section_slug = c.slugify(page.section)
    crumbs = [("Home", f"http://{host}/"), (page.section, f"http://{host}/{section_slug}"),
              (page.headline, page.canonical_url)]
    related = list_related(page)
    related_html = "".join(
        f'<li class="ng-related__item"><a class="ng-related__link" href="{c.attr(r.url)}" '
        f'data-link-name="related : {i}"><span class="ng-related__kicker">{c.esc(r.section)}</span>'
        f'<span class="ng-related__headline">{c.esc(r.headline)}</span></a>'
        f'<time class="ng-related__time" datetime="{c.iso_z(r.published)}">{r.published:%d %b %Y}</time></li>'
        for i, r in enumerate(related, start=1)
    )
    most_read = "".join(
        f'<li class="ng-most-read__item"><span class="ng-most-read__n">{i}</span>'
        f'<a href="{c.attr(r.url)}">{c.esc(r.headline)}</a></li>'
        for i, r in enumerate(list_related(page, 10), start=1)
    )
    author_links = [
        f'<a rel="author" class="ng-byline__author" href="http://{host}/profile/{slug}" '
        f'data-link-name="auto tag : contributor">{c.esc(name)}</a>'
        for name, slug in page.authors
    ]
    byline = f'By {format_byline_names(author_links)}'
    published_label = f"{page.published:%a %d %b %Y} {page.published:%H.%M} GMT"
    figure = ""
    if page.figure:
        figure = (
            f'<figure class="ng-figure ng-figure--main" itemprop="image" itemscope '
            f'itemtype="https://schema.org/ImageObject"><picture>'
            f'<source media="(min-width: 980px)" srcset="{img}?w=1300 1300w, {img}?w=980 980w">'
            f'<img src="{img}?w=700" alt="{c.attr(page.figure[1])}" width="700" height="420" loading="eager">'
            f'</picture><figcaption class="ng-figure__caption"><span class="ng-figure__icon">&#9650;</span> '
            f'{c.esc(page.figure[2])}</figcaption></figure>'
        )
    comments = ""
    if page.comments:
        items = "".join(
            f'<li class="ng-comments__item" id="comment-{100231 + i}"><div class="ng-comments__meta">'
            f'<a class="ng-comments__user" href="http://profile.northgate-post.example/user/{c.slugify(u)}">'
            f'{c.esc(u)}</a> <span class="ng-comments__time">{c.esc(t)}</span></div>'
            f'<div class="ng-comments__body"><p>{c.esc(txt)}</p></div><div class="ng-comments__actions">'
            f'<button type="button" class="ng-comments__reply">Reply</button> <button type="button" '
            f'class="ng-comments__recommend">Recommend ({(i * 7) % 31})</button> '
            f'<a href="http://{host}/community/report/{100231 + i}">Report</a></div></li>'
            for i, (u, t, txt) in enumerate(page.comments)
        )
        comments = (
            f'<section class="ng-comments" id="comments" aria-labelledby="comments-heading">'
            f'<h2 id="comments-heading" class="ng-comments__title">Comments ({len(page.comments)})</h2>'
            f'<p class="ng-comments__rules">This discussion is open. Comments are moderated according to our '
            f'<a href="http://{host}/community-standards">community standards</a>.</p>'
            f'<form class="ng-comments__form" action="http://{host}/community/post" method="post">'
            f'<label for="comment-box">Join the discussion</label><textarea id="comment-box" name="body" '
            f'rows="4" placeholder="Sign in to comment"></textarea><button type="submit">Post your comment'
            f'</button></form><ol class="ng-comments__list">{items}</ol>'
            f'<button type="button" class="ng-comments__more">Show more comments</button></section>'
        )
    tags = "".join(f'<li><a href="http://{host}/tag/{c.slugify(t)}">{c.esc(t)}</a></li>' for t in page.tags)
    ld = render_jsonld(news_article_ld(page, o.name, host)) + "\n" + render_jsonld(breadcrumb_ld(crumbs))
    body = render_body(page, "ng-article__para", ad_every=4,
                       ad_html='<div class="ng-ad-slot ng-ad-slot--inline" id="ad-inline-{n}" '
                               'data-ad-slot="inline{n}" aria-hidden="true"><span class="ng-ad-slot__label">'
                               'Advertisement</span></div>')
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{c.esc(page.headline)} | {c.esc(page.section)} | The Northgate Post</title>
<meta name="description" content="{c.attr(page.standfirst)}">
<link rel="canonical" href="{c.attr(page.canonical_url)}">
<link rel="alternate" media="only screen and (max-width: 640px)" href="{c.attr(page.canonical_url.replace(NG, NGM))}">
{render_demo_meta(page)}
{render_og(page, o.name, img)}
<meta name="author" content="{c.attr(format_byline_names([n for n, _ in page.authors]))}">
<link rel="preconnect" href="http://img.northgate-post.example">
<link rel="preload" href="http://static.northgate-post.example/fonts/ngp-serif-headline.woff2" as="font" crossorigin>
<link rel="stylesheet" href="http://static.northgate-post.example/css/article.4f2a91.css">
<link rel="icon" href="http://static.northgate-post.example/favicon.ico">
<link rel="alternate" type="application/rss+xml" title="The Northgate Post - Immigration" href="http://{host}/feeds/immigration.xml">
<style>
{c.render_css("ng", "#052962", "#c70000", "Georgia, 'Times New Roman', serif")}
</style>
{ld}
<script>document.documentElement.className=document.documentElement.className.replace('no-js','js');</script>
<script src="http://static.northgate-post.example/js/vendor.7c1d2e.js" defer></script>
<script src="http://static.northgate-post.example/js/article.b81f03.js" defer></script>
</head>
<body class="ng-page ng-page--article section-{section_slug}">
<a class="visually-hidden" href="#maincontent">Skip to main content</a>
{render_demo_notice(page)}
{c.render_cookie_banner(o.name, host, "ng-consent")}
<header class="ng-header" role="banner">
<div class="ng-header__top"><span class="ng-header__date">{c.long_date(page.published)}</span>
<ul class="ng-header__account"><li><a href="http://{host}/subscribe?INTCMP=header">Subscribe</a></li>
<li><a href="http://profile.northgate-post.example/signin">Sign in</a></li>
<li><a href="http://{host}/search" class="ng-header__search">Search</a></li></ul></div>
<div class="ng-header__brand"><a href="http://{host}/" class="ng-header__logo" data-link-name="nav : logo">
<svg width="300" height="56" viewBox="0 0 300 56" role="img" aria-label="The Northgate Post"><title>The Northgate Post</title>
<path d="M4 8h292v40H4z" fill="none" stroke="#052962"/></svg></a>
<p class="ng-header__tagline">Independent journalism for the North since 1868</p></div>
<nav class="ng-nav" aria-label="Sections">{c.render_mega_menu(host, "ng-menu")}</nav>
<nav class="ng-subnav" aria-label="{c.attr(page.section)} sections"><ul>
<li><a href="http://{host}/uk-news">UK</a></li><li><a href="http://{host}/politics">Politics</a></li>
<li><a href="http://{host}/uk/immigration">Immigration</a></li><li><a href="http://{host}/law">Law</a></li>
<li><a href="http://{host}/northgate">Northgate</a></li><li><a href="http://{host}/education">Education</a></li>
<li><a href="http://{host}/society">Society</a></li><li><a href="http://{host}/media">Media</a></li></ul></nav>
</header>
<div class="ng-ad-slot ng-ad-slot--top" id="ad-top" data-ad-slot="top-above-nav" aria-hidden="true"><span class="ng-ad-slot__label">Advertisement</span></div>
<main id="maincontent" class="ng-main">
<nav class="ng-breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="http://{host}/">Home</a></li><li><a href="http://{host}/{section_slug}">{c.esc(page.section)}</a></li>
<li aria-current="page">{c.esc(page.headline[:60])}</li></ol></nav>
<article class="ng-article" id="article" data-page-id="{page.id}">
<header class="ng-article__header">
<a class="ng-article__kicker" href="http://{host}/{section_slug}">{c.esc(page.section)}</a>
<h1 class="ng-article__headline">{c.esc(page.headline)}</h1>
<div class="ng-article__standfirst"><p>{c.esc(page.standfirst)}</p></div>
<div class="ng-byline"><span class="ng-byline__text">{byline}</span>
<time class="ng-byline__date" datetime="{c.iso_z(page.published)}">{published_label}</time>
{f'<span class="ng-byline__updated">Last modified on <time datetime="{c.iso_z(page.modified)}">{page.modified:%a %d %b %Y} {page.modified:%H.%M} GMT</time></span>' if page.modified and page.modified != page.published else ''}
</div>
{c.render_share(page.canonical_url, page.headline, "ng-share")}
</header>
{figure}
<div class="ng-article__body" id="article-body">
{body}
</div>
<footer class="ng-article__footer">
<ul class="ng-tags" aria-label="Topics">{tags}</ul>
<p class="ng-article__support">The Northgate Post is funded by its readers. <a href="http://{host}/support?INTCMP=article-end">Support us from £1</a>.</p>
</footer>
</article>
<aside class="ng-related" aria-labelledby="related-heading">
<h2 id="related-heading" class="ng-related__title">Read more</h2><ul class="ng-related__list">{related_html}</ul></aside>
<section class="ng-newsletter" aria-labelledby="nl-heading">
<h2 id="nl-heading">Sign up to The Northgate Briefing</h2>
<p>The day's most important stories, explained, in your inbox every weekday at 7am.</p>
<form action="http://{host}/newsletters/subscribe" method="post" class="ng-newsletter__form">
<input type="hidden" name="list" value="northgate-briefing"><label for="nl-email">Email address</label>
<input id="nl-email" type="email" name="email" required placeholder="you@example.com">
<button type="submit">Sign up</button></form>
<p class="ng-newsletter__small">We may use your email to tell you about our products. See our <a href="http://{host}/info/privacy-notice">privacy notice</a>.</p>
</section>
{comments}
</main>
<aside class="ng-sidebar" aria-label="Most viewed"><h2 class="ng-most-read__title">Most viewed</h2><ol class="ng-most-read">{most_read}</ol>
<div class="ng-ad-slot ng-ad-slot--right" id="ad-right" data-ad-slot="right" aria-hidden="true"><span class="ng-ad-slot__label">Advertisement</span></div></aside>
<footer class="ng-footer" role="contentinfo">
{c.render_footer_columns(host, "ng-footer")}
<p class="ng-footer__copy">&copy; 2025 Northgate Post Media Ltd. Registered in England and Wales No. 0190823. All rights reserved.</p>
<p class="ng-footer__legal"><a href="http://{host}/info/privacy-settings" data-consent="open">Privacy settings</a> · <a href="http://{host}/info/cookie-policy">Cookie policy</a> · <a href="http://{host}/info/terms-and-conditions">Terms</a></p>
</footer>
{c.render_analytics_script("northgate-post", page.id, page.section, c.iso_z(page.published), [n for n, _ in page.authors], page.tags)}
<script>(function(){{var b=document.querySelectorAll('[data-copy-url]');for(var i=0;i<b.length;i++){{b[i].addEventListener('click',function(e){{navigator.clipboard&&navigator.clipboard.writeText(e.currentTarget.getAttribute('data-copy-url'));}});}}}})();</script>
</body>
</html>
"""


def render_northgate_mobile(page: Page) -> str:
    """m.northgate-post: a light mobile template pointing to the desktop canonical."""
    o = OUTLETS["northgate"]
    host = "m.northgate-post.example"
    author_links = [f'<a href="http://{host}/profile/{slug}" rel="author">{c.esc(name)}</a>' for name, slug in page.authors]
    related = list_related(page, 6)
    related_html = "".join(
        f'<li><a href="{c.attr(r.url.replace(NG, NGM))}">{c.esc(r.headline)}</a></li>' for r in related
    )
    menu = "".join(
        f'<li><a href="http://{host}/{c.slugify(top)}">{c.esc(top)}</a><ul>'
        + "".join(f'<li><a href="http://{host}/{c.slugify(top)}/{c.slugify(x)}">{c.esc(x)}</a></li>' for x in subs)
        + "</ul></li>"
        for top, subs in c.SECTIONS_BROAD.items()
    )
    body = render_body(page, "")
    ld = render_jsonld(news_article_ld(page, o.name, o.host))
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=5">
<title>{c.esc(page.headline)} - The Northgate Post (mobile)</title>
<link rel="canonical" href="{c.attr(page.canonical_url)}">
{render_demo_meta(page)}
{render_og(page, o.name, None)}
<meta name="theme-color" content="#052962">
<link rel="manifest" href="http://{host}/manifest.webmanifest">
<style>
{c.render_css("m", "#052962", "#c70000", "-apple-system, 'Segoe UI', Roboto, sans-serif")}
.m-drawer[hidden]{{display:none}}
</style>
{ld}
<script src="http://static.northgate-post.example/js/mobile.3aa9e1.js" defer></script>
</head>
<body class="m-page">
{render_demo_notice(page)}
{c.render_cookie_banner(o.name, host, "m-consent")}
<header class="m-header"><button type="button" class="m-header__menu" aria-controls="m-drawer" aria-expanded="false">Menu</button>
<a class="m-header__logo" href="http://{host}/">The Northgate Post</a>
<a class="m-header__desktop" href="{c.attr(page.canonical_url)}?view=desktop">Desktop site</a></header>
<nav id="m-drawer" class="m-drawer" hidden><ul class="m-drawer__list">{menu}</ul></nav>
<div class="m-crumbs"><a href="http://{host}/">Home</a> › <a href="http://{host}/{c.slugify(page.section)}">{c.esc(page.section)}</a></div>
<main class="m-main">
<article class="m-article">
<h1 class="m-article__title">{c.esc(page.headline)}</h1>
<p class="m-article__standfirst">{c.esc(page.standfirst)}</p>
<p class="m-article__byline">By {format_byline_names(author_links)} · <time datetime="{c.iso_z(page.published)}">{page.published:%d %b %Y, %H:%M}</time></p>
<section class="m-article__body">
{body}
</section>
{c.render_share(page.canonical_url, page.headline, "m-share")}
</article>
<aside class="m-related"><h2>Read more</h2><ul>{related_html}</ul></aside>
<section class="m-newsletter"><h2>Get The Northgate Briefing</h2><form action="http://{host}/newsletters/subscribe" method="post"><input type="email" name="email" placeholder="Email address" aria-label="Email address"><button>Sign up</button></form></section>
</main>
<footer class="m-footer">{c.render_footer_columns(host, "m-footer")}<p>&copy; 2025 Northgate Post Media Ltd</p></footer>
{c.render_analytics_script("northgate-post", page.id, page.section, c.iso_z(page.published), [n for n, _ in page.authors], page.tags)}
</body>
</html>
"""


def render_harbour(page: Page) -> str:
    """The Harbour Herald: modern site, JSON-LD @graph, in-body 'more on this story' asides."""
    o = OUTLETS["harbour"]
    host = o.host
    img = f"http://img.harbour-herald.example/2025/02/{page.figure[0]}" if page.figure else None
    article = news_article_ld(page, o.name, host)
    del article["@context"]
    article["@id"] = page.canonical_url + "#article"
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": f"http://{host}/#website", "url": f"http://{host}/", "name": o.name,
             "potentialAction": {"@type": "SearchAction", "target": f"http://{host}/search?q={{q}}",
                                 "query-input": "required name=q"}},
            {"@type": "WebPage", "@id": page.canonical_url, "url": page.canonical_url, "name": page.headline,
             "isPartOf": {"@id": f"http://{host}/#website"}, "inLanguage": "en-GB"},
            article,
        ],
    }
    names = [n for n, _ in page.authors]
    links = [f'<a class="hh-byline__link" href="http://{host}/author/{slug}">{c.esc(n)}</a>' for n, slug in page.authors]
    byline = "By " + format_byline_names(links)
    if page.role:
        byline += f", {c.esc(page.role)}"
    if page.org_author:
        byline += f", {c.esc(page.org_author)}" if page.authors else f"By {c.esc(page.org_author)}"
    related = list_related(page, 3)
    inline = ""
    if page.inline_related and related:
        inline = (
            '<aside class="hh-inline-related" aria-label="More on this story"><h3>More on this story</h3><ul>'
            + "".join(f'<li><a href="{c.attr(r.url)}">{c.esc(r.headline)}</a></li>' for r in related)
            + "</ul></aside>"
        )
    body = render_body(page, "hh-article__p", related_after=4, related_html=inline, ad_every=5,
                       ad_html='<div class="hh-ad" data-slot="mpu-{n}"><p class="hh-ad__label">Advertisement</p></div>')
    ticker = "".join(f'<li><a href="{c.attr(r.url)}">{c.esc(r.headline)}</a></li>' for r in list_related(page, 5))
    cards = "".join(
        f'<li class="hh-card"><a class="hh-card__link" href="{c.attr(r.url)}"><span class="hh-card__section">'
        f'{c.esc(r.section)}</span><h3 class="hh-card__title">{c.esc(r.headline)}</h3>'
        f'<p class="hh-card__summary">{c.esc(r.standfirst)}</p></a></li>'
        for r in list_related(page, 4)
    )
    pillars = "".join(
        f'<li class="hh-pillar"><a href="http://{host}/{c.slugify(t)}">{c.esc(t)}</a></li>'
        for t in ["News", "Politics", "Business", "Opinion", "Sport", "Culture", "Lifestyle", "Puzzles"]
    )
    figure = ""
    if page.figure:
        figure = (f'<figure class="hh-figure"><img src="{img}" alt="{c.attr(page.figure[1])}" width="1024" '
                  f'height="576"><figcaption>{c.esc(page.figure[2])}</figcaption></figure>')
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{c.esc(page.headline)} – The Harbour Herald</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="max-image-preview:large">
<link rel="canonical" href="{c.attr(page.canonical_url)}">
{render_demo_meta(page)}
{render_og(page, o.name, img)}
<meta name="parsely-metadata" content='{c.attr(json.dumps({"authors": names}))}'>
<link rel="alternate" type="application/atom+xml" href="http://{host}/topics/immigration/atom.xml" title="Immigration – The Harbour Herald">
<style>
{c.render_css("hh", "#0b3d5c", "#f2a900", "'Source Serif', Georgia, serif")}
</style>
{render_jsonld(graph)}
<script async src="http://cdn.harbour-herald.example/static/js/runtime.91ac.js"></script>
<script async src="http://cdn.harbour-herald.example/static/js/main.5d0e.js"></script>
</head>
<body>
{render_demo_notice(page)}
<div id="__hh">
{c.render_cookie_banner(o.name, host, "hh-consent")}
<header class="hh-header">
<div class="hh-header__strip"><a href="http://{host}/">The Harbour Herald</a>
<form class="hh-search" action="http://{host}/search" role="search"><input name="q" type="search" aria-label="Search the Herald" placeholder="Search"><button>Go</button></form>
<a class="hh-header__subscribe" href="http://{host}/subscribe">Subscribe</a><a href="http://{host}/login">Log in</a></div>
<nav class="hh-pillars" aria-label="Main"><ul>{pillars}</ul></nav>
<nav class="hh-nav">{c.render_mega_menu(host, "hh-menu")}</nav>
<div class="hh-ticker" aria-label="Latest"><strong>Latest</strong><ul>{ticker}</ul></div>
</header>
<main id="maincontent">
<nav class="hh-breadcrumbs" aria-label="Breadcrumb"><a href="http://{host}/">Home</a> / <a href="http://{host}/{c.slugify(page.section)}">{c.esc(page.section)}</a> / <a href="http://{host}/topics/immigration">Immigration</a></nav>
<article class="hh-article">
<h1 class="hh-article__headline">{c.esc(page.headline)}</h1>
<p class="hh-article__standfirst">{c.esc(page.standfirst)}</p>
<div class="hh-byline"><span class="hh-byline__names">{byline}</span>
<time class="hh-byline__time" datetime="{c.iso_offset(page.published)}">{page.published.day} {c.MONTHS[page.published.month - 1]} {page.published.year}, {c.clock_12(page.published)}</time></div>
{c.render_share(page.canonical_url, page.headline, "hh-share")}
{figure}
<div class="hh-article__body">
{body}
</div>
<div class="hh-article__topics">Topics: {" ".join(f'<a href="http://{host}/topics/{c.slugify(t)}">{c.esc(t)}</a>' for t in page.tags)}</div>
</article>
<section class="hh-newsletter"><h2>Morning Tide</h2><p>Start the day with the stories that matter, from the Herald newsroom.</p>
<form action="http://{host}/newsletters" method="post"><input type="email" name="email" aria-label="Email" placeholder="Your email"><input type="hidden" name="nl" value="morning-tide"><button>Sign me up</button></form>
<small>By signing up you agree to our <a href="http://{host}/info/terms-and-conditions">terms</a>.</small></section>
<section class="hh-more"><h2>More from the Herald</h2><ul class="hh-cards">{cards}</ul></section>
</main>
<footer class="hh-footer">{c.render_footer_columns(host, "hh-footer")}
<p>The Harbour Herald is published by Harbour Media Group plc, Quay House, Harbour Street. &copy; 2025.</p></footer>
</div>
{c.render_analytics_script("harbour-herald", page.id, page.section, c.iso_offset(page.published), names, page.tags)}
<script id="__HH_STATE__" type="application/json">{json.dumps({"route": "/article", "id": page.id, "section": page.section, "ads": True})}</script>
</body>
</html>
"""


def render_meridian(page: Page) -> str:
    """The Daily Meridian: an older ISO-8859-1 site, meta tags only (no JSON-LD), reader comments."""
    o = OUTLETS["meridian"]
    host = o.host
    img = f"http://i.dailymeridian.example/1/2025/02/{page.figure[0]}" if page.figure else None
    author = page.authors[0][0]
    related = list_related(page, 5)
    rel = "".join(f'<li><a href="{c.attr(r.url)}" class="rel-link">{c.esc(r.headline)}</a></li>' for r in related)
    body = render_body(page, "mol-para-with-font")
    figure = ""
    if page.figure:
        figure = (f'<div class="artSplitter mol-img-group"><div class="mol-img"><img src="{img}" '
                  f'alt="{c.attr(page.figure[1])}" width="634" height="423"></div>'
                  f'<p class="imageCaption">{c.esc(page.figure[2])}</p></div>')
    comments = ""
    if page.comments:
        comments = (
            '<div id="reader-comments" class="reader-comments"><h3>Share or comment on this article</h3>'
            f'<p class="comment-count">{len(page.comments)} comments</p>'
            '<p class="comment-policy">The views expressed in the contents above are those of our users and do '
            'not necessarily reflect the views of The Daily Meridian.</p><ul class="comments">'
            + "".join(
                f'<li class="comment"><p class="comment-author"><strong>{c.esc(u)}</strong>, '
                f'<span class="comment-date">{c.esc(t)}</span></p><p class="comment-text">{c.esc(x)}</p>'
                f'<p class="comment-rating">Click to rate &#9650; {(i * 13) % 40} &#9660; {(i * 5) % 17}</p></li>'
                for i, (u, t, x) in enumerate(page.comments)
            )
            + "</ul></div>"
        )
    nav = "".join(f'<li class="nav-{c.slugify(t)}"><a href="http://{host}/{c.slugify(t)}/index.html">{c.esc(t)}</a></li>'
                  for t in ["Home", "News", "Home affairs", "Politics", "Money", "Sport", "Showbiz", "Femail",
                            "Health", "Science", "Travel", "Property", "Motoring", "Puzzles", "Video"])
    subnav = "".join(f'<li><a href="http://{host}/news/{c.slugify(t)}/index.html">{c.esc(t)}</a></li>'
                     for t in ["UK", "World", "Home affairs", "Crime", "Courts", "Immigration", "Royals",
                               "Education", "Weather", "Pictures"])
    headlines = "".join(f'<li><a href="{c.attr(r.url)}">{c.esc(r.headline)}</a></li>'
                        for r in related[:3])
    html_doc = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="en-GB">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>{c.esc(page.headline)} | Daily Meridian Online</title>
<meta name="description" content="{c.attr(page.standfirst)}">
<meta name="keywords" content="{c.attr(', '.join(['immigration', 'home affairs', *page.tags]))}">
<meta name="author" content="{c.attr(author)}">
<meta property="article:author" content="http://{host}/profile/{page.authors[0][1]}">
<link rel="canonical" href="{c.attr(page.canonical_url)}">
{render_demo_meta(page)}
{render_og(page, o.name, img)}
<link rel="stylesheet" type="text/css" href="http://{host}/static/css/mol-article-2019.css">
<style type="text/css">
{c.render_css("mol", "#004db3", "#e3001b", "Arial, Helvetica, sans-serif")}
</style>
<script type="text/javascript" src="http://{host}/static/js/jquery-1.12.4.min.js"></script>
<script type="text/javascript">var PageCriteria = {{"articleId": "{page.url.split('article-')[1].split('/')[0]}", "channel": "news", "subchannel": "home-affairs", "pageType": "article"}};</script>
</head>
<body class="article home-affairs">
{render_demo_notice(page)}
{c.render_cookie_banner(o.name, host, "mol-consent")}
<div id="page-container">
<div id="header" class="page-header"><a href="http://{host}/home/index.html" id="logo">The Daily Meridian</a>
<span class="weather-widget">Today: 8&deg;C, light showers</span>
<ul id="nav-primary">{nav}</ul><ul id="nav-secondary">{subnav}</ul></div>
<div id="breadcrumb" class="breadcrumb"><a href="http://{host}/home/index.html">Home</a> &gt; <a href="http://{host}/news/index.html">News</a> &gt; <span>{c.esc(page.section)}</span></div>
<div id="content" class="page-content">
<div class="article-text wide">
<h1>{c.esc(page.headline)}</h1>
<ul class="mol-bullets-with-font"><li>{c.esc(page.standfirst)}</li></ul>
<p class="author-section byline-plain">By <a href="http://{host}/profile/{page.authors[0][1]}" class="author">{c.esc(author)}</a> for The Daily Meridian</p>
<p class="byline-section"><span class="article-timestamp article-timestamp-published">Published: <time datetime="{c.iso_offset(page.published)}">{page.published:%H:%M}, {page.published.day} {c.MONTHS[page.published.month - 1]} {page.published.year}</time></span>
{f'| <span class="article-timestamp article-timestamp-updated">Updated: <time datetime="{c.iso_offset(page.modified)}">{page.modified:%H:%M}, {page.modified.day} {c.MONTHS[page.modified.month - 1]} {page.modified.year}</time></span>' if page.modified and page.modified != page.published else ''}</p>
<div class="social-share">{c.render_share(page.canonical_url, page.headline, "mol-share")}</div>
{figure}
<div id="article-text" itemprop="articleBody">
{body}
</div>
<div class="related-carousel"><h3>RELATED ARTICLES</h3><ul>{rel}</ul></div>
<div class="newsletter-signup"><h3>Get the Meridian Morning Email</h3><form action="http://{host}/registration/newsletter" method="post"><input type="text" name="email" value="" size="30"> <input type="submit" value="Subscribe"></form></div>
{comments}
</div>
<div class="column-right"><div class="puff"><h3>Today's headlines</h3><ul>{headlines}</ul></div>
<div class="mpu"><script type="text/javascript">document.write('<div id="mpu-right"></div>');</script></div></div>
</div>
<div id="footer"><ul class="footer-links">{"".join(f'<li><a href="http://{host}/info/{c.slugify(x)}.html">{c.esc(x)}</a></li>' for col in c.FOOTER_COLUMNS.values() for x in col)}</ul>
<p>Published by Meridian Newspapers Ltd. &copy; 2025. Part of the Meridian group.</p></div>
</div>
{c.render_analytics_script("dailymeridian", page.id, page.section, c.iso_offset(page.published), [author], page.tags)}
</body>
</html>
"""
    return html_doc


def render_eastfield(page: Page) -> str:
    """Eastfield Chronicle: local network template, JSON-LD without dates, date only in <time>."""
    o = OUTLETS["eastfield"]
    host = o.host
    img = f"http://i2.eastfieldchronicle.example/incoming/article{page.url[-7:]}.ece/{page.figure[0]}" if page.figure else None
    ld = news_article_ld(page, o.name, host, dates=False, logo="ec-logo.png")
    links = [f'<a href="http://{host}/authors/{slug}" class="author-link">{c.esc(n)}</a>' for n, slug in page.authors]
    byline = "By " + format_byline_names(links)
    if page.org_author:
        byline += f' <span class="agency">({c.esc(page.org_author)})</span>'
    related = list_related(page, 4)
    read_more = ""
    if page.inline_related and related:
        read_more = (f'<aside class="read-more-links"><strong>Read more:</strong> '
                     f'<a href="{c.attr(related[0].url)}">{c.esc(related[0].headline)}</a></aside>')
    body = render_body(page, "", related_after=2, related_html=read_more, ad_every=3,
                       ad_html='<div class="ad-placeholder" data-ad="inread-{n}"><span>Advertisement</span></div>'
                               '<div class="newsletter-inline"><p>Get the latest Eastfield news sent to your '
                               'inbox</p><a href="http://www.eastfieldchronicle.example/newsletters">Sign up</a></div>')
    teaser = "".join(
        f'<div class="teaser"><a href="{c.attr(r.url)}"><span class="teaser-section">{c.esc(r.section)}</span>'
        f'<p class="teaser-headline">{c.esc(r.headline)}</p></a></div>'
        for r in related
    )
    figure = ""
    if page.figure:
        figure = (f'<figure class="lead-media"><img src="{img}" alt="{c.attr(page.figure[1])}">'
                  f'<figcaption><span class="caption">{c.esc(page.figure[2])}</span></figcaption></figure>')
    comments = ""
    if page.comments:
        comments = (
            '<section id="comments-section" class="comments"><h2>Have your say</h2><p class="comments-count">'
            f'{len(page.comments)} comments</p>'
            + "".join(
                f'<div class="comment"><div class="comment-header"><span class="comment-user">{c.esc(u)}</span>'
                f'<span class="comment-age">{c.esc(t)}</span></div><div class="comment-body">{c.esc(x)}</div>'
                f'<div class="comment-actions"><a href="#">Like</a> <a href="#">Reply</a></div></div>'
                for u, t, x in page.comments
            )
            + "</section>"
        )
    nav = "".join(
        f'<li><a href="http://{host}/{c.slugify(t)}/">{c.esc(t)}</a></li>'
        for t in ["News", "Eastfield news", "National", "Crime", "Sport", "What's On", "Property", "Jobs",
                  "Announcements", "Family notices", "Traffic & travel", "Weather", "Competitions"]
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{c.esc(page.headline)} - Eastfield Chronicle</title>
<meta name="description" content="{c.attr(page.standfirst)}">
<link rel="canonical" href="{c.attr(page.canonical_url)}">
{render_demo_meta(page)}
{render_og(page, o.name, img, with_dates=False)}
<style>
{c.render_css("ec", "#7a0019", "#222222", "'Helvetica Neue', Arial, sans-serif")}
</style>
{render_jsonld(ld)}
<script src="http://cdn.eastfieldchronicle.example/js/polyfills.min.js" nomodule></script>
<script type="module" src="http://cdn.eastfieldchronicle.example/js/article.mjs"></script>
</head>
<body class="article-page">
{render_demo_notice(page)}
{c.render_cookie_banner(o.name, host, "ec-consent")}
<header id="site-header"><div class="header-top"><a class="logo" href="http://{host}/">Eastfield Chronicle</a>
<a class="header-newsletter" href="http://{host}/newsletters">Newsletters</a><a class="header-login" href="http://{host}/account">Sign in</a></div>
<nav class="primary-nav"><ul>{nav}</ul></nav>
<nav class="mega-nav" aria-label="All sections">{c.render_mega_menu(host, "ec-menu")}</nav></header>
<main class="article-main">
<nav class="breadcrumbs" aria-label="breadcrumbs"><ol><li><a href="http://{host}/">Home</a></li><li><a href="http://{host}/news/">News</a></li><li><a href="http://{host}/news/{c.slugify(page.section)}/">{c.esc(page.section)}</a></li></ol></nav>
<article class="article-body-container">
<h1 class="headline">{c.esc(page.headline)}</h1>
<p class="sub-header">{c.esc(page.standfirst)}</p>
<div class="article-information"><div class="author"><span class="author-name">{byline}</span></div>
<div class="time-info"><time datetime="{c.iso_z(page.published)}" class="date-published">{c.clock_12(page.published)}, {page.published.day} {c.MONTHS[page.published.month - 1][:3]} {page.published.year}</time></div></div>
<div class="share-bar">{c.render_share(page.canonical_url, page.headline, "ec-share")}</div>
{figure}
<div class="article-body">
{body}
</div>
<div class="tags"><span>Topics</span> {"".join(f'<a href="http://{host}/all-about/{c.slugify(t)}">{c.esc(t)}</a>' for t in (page.tags or [page.section, "Immigration"]))}</div>
</article>
<section class="more-on-this"><h2>More On</h2>{teaser}</section>
<section class="newsletter-box"><h2>Eastfield Daily newsletter</h2><form action="http://{host}/newsletters/signup" method="post"><input type="email" name="email" placeholder="Enter your email"><button>Subscribe</button></form></section>
{comments}
</main>
<footer id="site-footer">{c.render_footer_columns(host, "ec-footer")}<p>&copy; 2025 Eastfield Chronicle. Part of Eastern Counties Media.</p></footer>
{c.render_analytics_script("eastfieldchronicle", page.id, page.section, "", [n for n, _ in page.authors], page.tags)}
</body>
</html>
"""


def render_fenwick(page: Page) -> str:
    """The Fenwick Courier: regional paper, JSON-LD list, metered paywall on some stories."""
    o = OUTLETS["fenwick"]
    host = o.host
    img = f"http://media.fenwickcourier.example/2025/02/{page.figure[0]}" if page.figure else None
    ld = [news_article_ld(page, o.name, host, logo="fc-logo.png"),
          breadcrumb_ld([("Home", f"http://{host}/"), ("News", f"http://{host}/news"),
                         (page.section, f"http://{host}/news/{c.slugify(page.section)}")])]
    for item in ld[1:]:
        del item["@context"]
    if page.authors:
        byline = "By " + format_byline_names(
            [f'<a href="http://{host}/author/{slug}" class="fc-author">{c.esc(n)}</a>' for n, slug in page.authors])
        if page.role:
            byline += f", {c.esc(page.role)}"
    else:
        byline = f"By {c.esc(page.org_author or '')}"
    body = render_body(page, "fc-p")
    wall = ""
    if page.status == "teaser":
        body = f'<div class="fc-free">{body}</div>'
        wall = (
            '<div class="paywalled-content" aria-hidden="true"></div>'
            '<section class="fc-paywall" id="paywall"><h2>Subscribe to continue reading</h2>'
            '<p>This article is for Fenwick Courier subscribers. Join today to read every story on our website '
            'and app, with fewer adverts.</p><ul class="fc-paywall__offers">'
            '<li><strong>Digital</strong> &pound;1 for the first month, then &pound;7.99 a month</li>'
            '<li><strong>Print + Digital</strong> &pound;16.99 a month, delivered daily</li></ul>'
            f'<a class="fc-paywall__cta" href="http://{host}/subscribe?ref=paywall&amp;article={page.id}">'
            'Subscribe now</a><p class="fc-paywall__login">Already a subscriber? <a href="http://'
            f'{host}/login?return={page.url}">Log in</a></p></section>'
        )
    related = list_related(page, 4)
    rel = "".join(f'<li><a href="{c.attr(r.url)}"><img src="http://media.fenwickcourier.example/thumbs/{r.id}.jpg" '
                  f'alt="" width="120" height="80"> {c.esc(r.headline)}</a></li>' for r in related)
    figure = ""
    if page.figure:
        figure = (f'<figure class="fc-figure"><img src="{img}" alt="{c.attr(page.figure[1])}" width="960" '
                  f'height="540"><figcaption class="fc-figure__caption">{c.esc(page.figure[2])}</figcaption></figure>')
    nav = "".join(f'<li><a href="http://{host}/{c.slugify(t)}">{c.esc(t)}</a></li>'
                  for t in ["News", "Local news", "UK news", "Sport", "Business", "Opinion", "What's on",
                            "Homes", "Motors", "Jobs", "Notices", "E-edition"])
    return f"""<!DOCTYPE html>
<html lang="en-GB" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8">
<title>{c.esc(page.headline)} | The Fenwick Courier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{c.attr(page.canonical_url)}">
<link rel="amphtml" href="{c.attr(page.canonical_url)}/amp">
{render_demo_meta(page)}
{render_og(page, o.name, img)}
<style>
{c.render_css("fc", "#1d4f2a", "#d4a017", "'Merriweather', Georgia, serif")}
</style>
{render_jsonld(ld)}
<script src="http://cdn.fenwickcourier.example/js/meter.js" async></script>
<script src="http://cdn.fenwickcourier.example/js/site.js" defer></script>
</head>
<body class="fc-body">
{render_demo_notice(page)}
{c.render_cookie_banner(o.name, host, "fc-consent")}
<header class="fc-header"><div class="fc-header__top"><a href="http://{host}/" class="fc-logo">The Fenwick Courier</a>
<span class="fc-header__est">Serving Fenwick and the Vale since 1854</span>
<a href="http://{host}/subscribe" class="fc-header__sub">Subscribe</a></div>
<nav class="fc-nav"><ul>{nav}</ul></nav>
<nav class="fc-mega" aria-label="All sections">{c.render_mega_menu(host, "fc-menu")}</nav></header>
<div class="fc-container">
<nav class="fc-breadcrumbs" aria-label="Breadcrumb"><a href="http://{host}/">Home</a> &rsaquo; <a href="http://{host}/news">News</a> &rsaquo; <a href="http://{host}/news/{c.slugify(page.section)}">{c.esc(page.section)}</a></nav>
<article class="fc-article">
<h1 class="fc-article__title">{c.esc(page.headline)}</h1>
<h2 class="fc-article__standfirst">{c.esc(page.standfirst)}</h2>
<div class="fc-article__meta"><span class="fc-byline">{byline}</span> <span class="fc-dot">&middot;</span>
<time datetime="{c.iso_offset(page.published)}">{page.published.day} {c.MONTHS[page.published.month - 1]} {page.published.year} {page.published:%H:%M}</time></div>
{c.render_share(page.canonical_url, page.headline, "fc-share")}
{figure}
<div class="fc-article__body">
{body}
{wall}
</div>
</article>
<aside class="fc-related"><h2>Read more</h2><ul>{rel}</ul></aside>
<section class="fc-newsletter"><h2>The Courier Daily</h2><p>Local news from Fenwick and the Vale, every morning.</p><form method="post" action="http://{host}/newsletter"><input type="email" name="email" aria-label="Email"><button>Sign up</button></form></section>
</div>
<footer class="fc-footer">{c.render_footer_columns(host, "fc-footer")}<p>The Fenwick Courier is a member of the Independent Press Standards Organisation. &copy; 2025 Vale Newspapers Ltd.</p></footer>
{c.render_analytics_script("fenwickcourier", page.id, page.section, c.iso_offset(page.published), [n for n, _ in page.authors], page.tags, "metered" if page.status == "teaser" else "free")}
</body>
</html>
"""


def render_fenwick_amp(page: Page) -> str:
    """The Fenwick Courier's AMP page; its rel=canonical is the normal article URL."""
    o = OUTLETS["fenwick"]
    host = o.host
    ld = news_article_ld(page, o.name, host, logo="fc-logo.png")
    byline = "By " + format_byline_names(
        [f'<a href="http://{host}/author/{slug}">{c.esc(n)}</a>' for n, slug in page.authors])
    if page.role:
        byline += f", {c.esc(page.role)}"
    menu = "".join(f'<li><a href="http://{host}/{c.slugify(top)}">{c.esc(top)}</a><ul>'
                   + "".join(f'<li><a href="http://{host}/{c.slugify(top)}/{c.slugify(x)}">{c.esc(x)}</a></li>' for x in subs)
                   + "</ul></li>" for top, subs in c.SECTIONS_BROAD.items())
    related = "".join(f'<li><a href="{c.attr(r.url)}/amp">{c.esc(r.headline)}</a></li>' for r in list_related(page, 5))
    body = render_body(page, "")
    return f"""<!doctype html>
<html ⚡ lang="en-GB">
<head>
<meta charset="utf-8">
<script async src="http://cdn.ampproject.example/v0.js"></script>
<script async custom-element="amp-sidebar" src="http://cdn.ampproject.example/v0/amp-sidebar-0.1.js"></script>
<script async custom-element="amp-analytics" src="http://cdn.ampproject.example/v0/amp-analytics-0.1.js"></script>
<script async custom-element="amp-consent" src="http://cdn.ampproject.example/v0/amp-consent-0.1.js"></script>
<title>{c.esc(page.headline)} | The Fenwick Courier</title>
<link rel="canonical" href="{c.attr(page.canonical_url)}">
<meta name="viewport" content="width=device-width">
{render_demo_meta(page)}
{render_og(page, o.name, None)}
{render_jsonld(ld)}
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}@keyframes -amp-start{{from{{visibility:hidden}}to{{visibility:visible}}}}</style><noscript><style amp-boilerplate>body{{-webkit-animation:none;animation:none}}</style></noscript>
<style amp-custom>
{c.render_css("amp", "#1d4f2a", "#d4a017", "Georgia, serif")}
</style>
</head>
<body>
{render_demo_notice(page)}
<amp-consent id="consent" layout="nodisplay"><script type="application/json">{{"consentInstanceId":"fc-consent","consentRequired":true,"promptUI":"consent-ui"}}</script>
<div id="consent-ui" class="amp-consent">{c.render_cookie_banner(o.name, host, "amp-consent-ui")}</div></amp-consent>
<amp-sidebar id="sidebar" layout="nodisplay" side="left"><nav><ul class="amp-menu">{menu}</ul></nav></amp-sidebar>
<header class="amp-header"><button on="tap:sidebar.toggle" class="amp-header__menu">Menu</button><a href="http://{host}/" class="amp-header__logo">The Fenwick Courier</a></header>
<nav class="amp-breadcrumbs"><a href="http://{host}/">Home</a> &rsaquo; <a href="http://{host}/news/{c.slugify(page.section)}">{c.esc(page.section)}</a></nav>
<article class="amp-article">
<h1>{c.esc(page.headline)}</h1>
<p class="amp-standfirst">{c.esc(page.standfirst)}</p>
<p class="amp-byline">{byline} &middot; <time datetime="{c.iso_offset(page.published)}">{page.published.day} {c.MONTHS[page.published.month - 1]} {page.published.year}</time></p>
{c.render_share(page.canonical_url, page.headline, "amp-share")}
<div class="amp-article__body">
{body}
</div>
</article>
<aside class="amp-related"><h2>Read more</h2><ul>{related}</ul></aside>
<footer class="amp-footer">{c.render_footer_columns(host, "amp-footer")}<p>&copy; 2025 Vale Newspapers Ltd. <a href="{c.attr(page.canonical_url)}">View full site</a></p></footer>
<amp-analytics type="demo-analytics"><script type="application/json">{{"vars":{{"pageId":"{page.id}","section":"{page.section}"}}}}</script></amp-analytics>
</body>
</html>
"""


def render_page(page: Page) -> str:
    if page.template == "mobile":
        return render_northgate_mobile(page)
    if page.template == "amp":
        return render_fenwick_amp(page)
    return {"northgate": render_northgate, "harbour": render_harbour, "meridian": render_meridian,
            "eastfield": render_eastfield, "fenwick": render_fenwick}[page.outlet](page)


def file_for(url: str, folder: str, phase: int = 1) -> str:
    """The corpus file path (relative to seeds/demo) that serves a URL."""
    path = urlsplit(url).path.strip("/")
    if urlsplit(url).hostname.startswith("m."):
        path = "m/" + path
    if not Path(path).suffix:
        path += ".html"
    return f"{folder}/{'phase2/' if phase == 2 else ''}{path}"


# ------------------------------------------------------------------------------------------------
# Feeds
# ------------------------------------------------------------------------------------------------


@dataclass
class FeedItem:
    page_id: str | None
    link: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    reject: str | None = None  # why the pipeline must reject it: "404", "not-html"


@dataclass
class Feed:
    key: str
    name: str
    url: str
    outlet: str
    fmt: str  # rss2 | atom
    charset: str
    items: list[FeedItem]
    title: str
    description: str
    phase: int = 1


def item(page_id: str, link: str | None = None) -> FeedItem:
    p = BY_ID[page_id]
    return FeedItem(page_id, link or p.url)


TITLE_404 = "Asylum support app: what the changes mean for claimants in Eastfield"
FEEDS = [
    Feed("ngp-immigration", "The Northgate Post — Immigration", f"{NG}/feeds/immigration.xml", "northgate", "rss2",
         "utf-8",
         [item("ngp-reference", BY_ID["ngp-reference"].url + UTM),
          item("ngp-brackford-hotel", BY_ID["ngp-brackford-hotel"].url + UTM),
          item("ngp-tribunal-mobile")],
         "Immigration | The Northgate Post", "Immigration news, analysis and comment from The Northgate Post"),
    Feed("ngp-latest", "The Northgate Post — UK politics & latest", f"{NG}/feeds/latest.xml", "northgate", "rss2",
         "utf-8",
         [item("ngp-reference"), item("ngp-council-budget"), item("ngp-tribunal"), item("ngp-football")],
         "Latest news | The Northgate Post", "UK politics and the latest news from The Northgate Post"),
    Feed("hh-immigration", "The Harbour Herald — Immigration (Atom)", f"{HH}/topics/immigration/atom.xml",
         "harbour", "atom", "utf-8",
         [item("hh-reference", BY_ID["hh-reference"].url + UTM + "&utm_campaign=immigration"),
          item("hh-wire-dispersal"), item("hh-net-migration"),
          item("hh-small-boats-january", BY_ID["hh-small-boats-january"].url + UTM)],
         "Immigration – The Harbour Herald", "The latest immigration stories from The Harbour Herald"),
    Feed("dm-home-affairs", "The Daily Meridian — Home affairs (ISO-8859-1)", f"{DM}/rss/home-affairs.rss",
         "meridian", "rss2", "iso-8859-1",
         [item("dm-reference-retold"), item("dm-esol-wessmouth"), item("dm-oakhurst-hotel"),
          item("dm-thornmoor-irc"),
          FeedItem(None, f"{DM}/documents/home-office-quarterly-factsheet-q4-2024.pdf",
                   title="Factsheet: immigration statistics, October to December 2024 (PDF, 1 page)",
                   published=dt("2025-02-08T10:00"),
                   summary="Résumé of the quarterly figures in a printable PDF: visas, asylum, returns "
                           "and the £ cost of accommodation.",
                   reject="not-html")],
         "Home affairs | Daily Meridian Online",
         "Home affairs news from The Daily Meridian: crime, the courts, immigration and policing."),
    Feed("ec-news", "Eastfield Chronicle — News", f"{EC}/news/rss.xml", "eastfield", "rss2", "utf-8",
         [item("ec-reference-retold"), item("ec-wire-dispersal"), item("ec-lifeboat-rescue"),
          FeedItem(None, f"{EC}/news/eastfield-news/asylum-support-app-what-changes-for-claimants-4917260",
                   title=TITLE_404, published=dt("2025-02-07T12:00"),
                   summary="A guide to the new app for people receiving asylum support (page since removed).",
                   reject="404"),
          item("ec-care-visas")],
         "Eastfield Chronicle - News", "The latest news from Eastfield and beyond"),
    Feed("fc-uk-news", "The Fenwick Courier — UK & local news", f"{FC}/news/rss", "fenwick", "rss2", "utf-8",
         [item("fc-reference-retold-amp"), item("fc-wire-dispersal"),
          item("fc-car-wash-teaser", BY_ID["fc-car-wash-teaser"].url + UTM),
          item("fc-family-visa"), item("fc-asylum-backlog")],
         "The Fenwick Courier: News", "News from Fenwick, the Vale and across the UK"),
]


def fill_item(it: FeedItem, pages: dict[str, Page]) -> FeedItem:
    if it.page_id is None:
        return it
    p = pages[it.page_id]
    return FeedItem(it.page_id, it.link, it.title or p.headline, it.published or p.published,
                     it.summary or p.standfirst, it.reject)


def render_rfc822(when: datetime, outlet: str) -> str:
    """An RSS pubDate; the Fenwick Courier writes +0000 where others write GMT."""
    if outlet == "fenwick":
        return when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return format_datetime(when, usegmt=True)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_rss(feed: Feed, pages: dict[str, Page], build: datetime) -> str:
    o = OUTLETS[feed.outlet]
    items = []
    for raw in feed.items:
        it = fill_item(raw, pages)
        p = pages.get(it.page_id) if it.page_id else None
        guid = (f'<guid isPermaLink="false">{o.folder}:{it.page_id}</guid>'
                if p else f'<guid isPermaLink="true">{c.esc(it.link)}</guid>')
        creators = "".join(f"<dc:creator>{c.esc(n)}</dc:creator>" for n, _ in p.authors) if p else ""
        if p and not p.authors and p.org_author:
            creators = f"<dc:creator>{c.esc(p.org_author)}</dc:creator>"
        cats = "".join(f"<category>{c.esc(t)}</category>" for t in (p.tags if p else ["Documents"]))
        media = ""
        if p and p.figure:
            media = (f'<media:content url="http://img.{o.host.removeprefix("www.")}/2025/02/{p.figure[0]}" '
                     f'medium="image" width="460" height="276"><media:credit>{c.esc(p.figure[2].split(". ")[-1])}'
                     f'</media:credit></media:content>')
        if feed.outlet == "northgate" and p:
            desc = cdata(f"<p>{c.esc(it.summary)}</p><p><a href=\"{c.attr(it.link)}\">Continue reading...</a></p>")
        else:
            desc = c.esc(it.summary or "")
        items.append(
            f"<item>\n<title>{c.esc(it.title)}</title>\n<link>{c.esc(it.link)}</link>\n"
            f"<description>{desc}</description>\n{cats}\n"
            f"<pubDate>{render_rfc822(it.published, feed.outlet)}</pubDate>\n"
            f"{guid}\n{creators}\n{media}\n</item>"
        )
    prolog = f'<?xml version="1.0" encoding="{feed.charset.upper()}"?>'
    return f"""{prolog}
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{c.esc(feed.title)}</title>
<link>http://{o.host}/</link>
<atom:link href="{c.esc(feed.url)}" rel="self" type="application/rss+xml"/>
<description>{c.esc(feed.description)}</description>
<language>en-gb</language>
<copyright>© {c.esc(o.name)} 2025. Demo content: invented outlet.</copyright>
<lastBuildDate>{format_datetime(build, usegmt=True)}</lastBuildDate>
<ttl>15</ttl>
<image><title>{c.esc(feed.title)}</title><url>http://{o.host}/static/feed-logo.png</url><link>http://{o.host}/</link></image>
{chr(10).join(items)}
</channel>
</rss>
"""


def render_atom(feed: Feed, pages: dict[str, Page], build: datetime) -> str:
    o = OUTLETS[feed.outlet]
    entries = []
    for raw in feed.items:
        it = fill_item(raw, pages)
        p = pages[it.page_id]
        authors = "".join(f"<author><name>{c.esc(n)}</name><uri>http://{o.host}/author/{slug}</uri></author>"
                          for n, slug in p.authors)
        if p.org_author:
            authors += f"<contributor><name>{c.esc(p.org_author)}</name></contributor>"
        cats = "".join(f'<category term="{c.attr(c.slugify(t))}" label="{c.attr(t)}"/>' for t in p.tags)
        entries.append(
            f"<entry>\n<id>tag:harbour-herald.example,2025:article/{p.id}</id>\n"
            f'<title type="text">{c.esc(it.title)}</title>\n'
            f'<link rel="alternate" type="text/html" href="{c.attr(it.link)}"/>\n'
            f"<published>{c.iso_offset(it.published)}</published>\n"
            f"<updated>{c.iso_offset(p.modified or it.published)}</updated>\n{authors}\n{cats}\n"
            f'<summary type="html">{c.esc("<p>" + c.esc(it.summary) + "</p>")}</summary>\n</entry>'
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
<id>tag:harbour-herald.example,2025:topics/immigration</id>
<title>{c.esc(feed.title)}</title>
<subtitle>{c.esc(feed.description)}</subtitle>
<link rel="self" type="application/atom+xml" href="{c.attr(feed.url)}"/>
<link rel="alternate" type="text/html" href="http://{o.host}/topics/immigration"/>
<updated>{c.iso_offset(build)}</updated>
<rights>© 2025 Harbour Media Group. Demo content: invented outlet.</rights>
<generator uri="http://{o.host}/" version="4.2">Herald CMS</generator>
<icon>http://{o.host}/favicon.ico</icon>
{chr(10).join(entries)}
</feed>
"""


# ------------------------------------------------------------------------------------------------
# A small PDF, for the not-HTML feed item
# ------------------------------------------------------------------------------------------------


def build_pdf() -> bytes:
    """A one-page PDF (valid xref offsets) with a line of text."""
    text = "Demo content: invented factsheet. Home Office immigration statistics summary, Q4 2024."
    stream = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ------------------------------------------------------------------------------------------------
# TOML writing (tomllib reads; we write the small subset we need)
# ------------------------------------------------------------------------------------------------


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def toml_table(name: str, rows: dict, comment: str | None = None) -> str:
    head = (f"# {comment}\n" if comment else "") + f"[[{name}]]\n"
    return head + "".join(f"{k} = {toml_value(v)}\n" for k, v in rows.items() if v is not None) + "\n"


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def write(rel: str, data: bytes) -> None:
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def encode_for(outlet: Outlet, text: str) -> bytes:
    return text.encode(outlet.charset, "xmlcharrefreplace")


def html_content_type(outlet: Outlet) -> str:
    return f"text/html; charset={outlet.charset}"


def feed_content_type(feed: Feed) -> str:
    kind = "application/atom+xml" if feed.fmt == "atom" else "application/rss+xml"
    return f"{kind}; charset={feed.charset}"


def main() -> None:
    manifest = [
        "# The demo corpus served by newsmon's replay server. Generated by build_corpus.py; see README.md.\n"
        "# Hosts are under the reserved .example TLD and are mapped by the HTTP client to the local server.\n"
        "# Matching is on scheme+host+path; feed links may add ?utm_... query strings, which the server\n"
        "# ignores when it looks a URL up here.\n\n"
    ]
    for o in OUTLETS.values():
        for host in (o.host, *o.extra_hosts):
            manifest.append(toml_table("outlet", {"host": host, "name": o.name}))
    resources = []

    pages_p1 = {p.id: p for p in PAGES}
    pages_p2 = {**pages_p1, BRACKFORD_V2.id: BRACKFORD_V2}

    # feeds, phase 1 and the phase-2 Northgate immigration feed
    for feed in FEEDS:
        build = max(fill_item(i, pages_p1).published for i in feed.items)
        render = render_atom if feed.fmt == "atom" else render_rss
        data = render(feed, pages_p1, build).encode(feed.charset, "xmlcharrefreplace")
        rel = file_for(feed.url, OUTLETS[feed.outlet].folder).removesuffix(".html")
        rel = rel if Path(rel).suffix else rel + (".atom" if feed.fmt == "atom" else ".xml")
        write(rel, data)
        resources.append(("feed", feed.url, rel, feed_content_type(feed), build, 1))
        if feed.key == "ngp-immigration":
            edited = []
            for i in feed.items:
                if i.page_id == BRACKFORD_V2.id:
                    edited.append(FeedItem(i.page_id, i.link, BRACKFORD_V2.headline, BRACKFORD_V2.modified))
                else:
                    edited.append(i)
            f2 = Feed(**{**feed.__dict__, "items": edited, "phase": 2})
            build2 = BRACKFORD_V2.modified
            rel2 = f"{OUTLETS[feed.outlet].folder}/phase2/feeds/immigration.xml"
            write(rel2, render_rss(f2, pages_p2, build2).encode("utf-8"))
            resources.append(("feed", feed.url, rel2, feed_content_type(feed), build2, 2))

    # pages
    for p in [*PAGES, BRACKFORD_V2]:
        o = OUTLETS[p.outlet]
        rel = file_for(p.url, o.folder, p.phase)
        write(rel, encode_for(o, render_page(p)))
        resources.append(("page", p.url, rel, html_content_type(o), p.modified or p.published, p.phase))

    pdf_url = f"{DM}/documents/home-office-quarterly-factsheet-q4-2024.pdf"
    write("daily-meridian/documents/home-office-quarterly-factsheet-q4-2024.pdf", build_pdf())
    resources.append(("other", pdf_url, "daily-meridian/documents/home-office-quarterly-factsheet-q4-2024.pdf",
                      "application/pdf", dt("2025-02-08T10:00"), 1))

    for kind, url, rel, ctype, lm, phase in resources:
        manifest.append(toml_table("resource", {
            "url": url, "file": rel, "content_type": ctype, "last_modified": c.iso_z(lm),
            "phase": phase, "kind": kind}))
    write("manifest.toml", "".join(manifest).encode("utf-8"))

    # expected.toml
    links_by_page: dict[str, list[tuple[str, str]]] = {}
    for feed in FEEDS:
        for i in feed.items:
            if i.page_id:
                links_by_page.setdefault(i.page_id, []).append((feed.url, i.link))
    exp = [
        "# Ground truth for the demo corpus, one [[article]] per page resource (phase 1), generated by\n"
        "# build_corpus.py. Labels: copy_group = same text or a near-copy; story_group = same event, even\n"
        "# in other words; relevant = about UK immigration; status = what the extractor should report.\n"
        "# url = the resource URL (query-free); feed_links = the links feeds give for it (may carry utm_*);\n"
        "# canonical_url = what the page declares; date_source = where the publication date is to be found.\n"
        "# Pages with feed_links = [] are reachable only as another page's rel=canonical.\n\n"
    ]
    for p in PAGES:
        o = OUTLETS[p.outlet]
        row = {
            "id": p.id,
            "url": p.url,
            "canonical_url": p.canonical_url,
            "feed_links": [link for _, link in links_by_page.get(p.id, [])],
            "feeds": sorted({f for f, _ in links_by_page.get(p.id, [])}),
            "title": p.headline,
            "authors": [n for n, _ in p.authors],
            "published": c.iso_z(p.published),
            "outlet": o.name,
            "charset": o.charset,
            "date_source": p.date_source,
            "template": p.template,
            "demo": p.demo,
            "copy_group": p.copy_group,
            "story_group": p.story_group,
            "relevant": p.relevant,
            "status": p.status,
            "paragraphs": len(p.paragraphs),
        }
        if p.org_author:
            row["agency"] = p.org_author
        if p.id == BRACKFORD_V2.id:
            row.update({
                "edited": True,
                "phase2_title": BRACKFORD_V2.headline,
                "phase2_modified": c.iso_z(BRACKFORD_V2.modified),
                "phase2_figure_changed": ["About 180 people", "About 210 people"],
                "phase2_quote_changed": [s.BRACKFORD_V1[3], BRACKFORD_V2.body[3]],
            })
        if p.note:
            row["note"] = p.note
        exp.append(toml_table("article", row))
    for feed in FEEDS:
        for i in feed.items:
            if i.reject:
                exp.append(toml_table("reject", {
                    "feed": feed.url, "url": i.link, "reason": i.reject,
                    "detail": "not in the manifest: the server answers 404" if i.reject == "404"
                    else "served as application/pdf (kind = other)"}))
    for feed in FEEDS:
        exp.append(toml_table("feed", {
            "url": feed.url, "name": feed.name, "outlet": OUTLETS[feed.outlet].name, "format": feed.fmt,
            "charset": feed.charset, "entries": len(feed.items), "bozo": False,
            "phase2": feed.key == "ngp-immigration"}))
    write("expected.toml", "".join(exp).encode("utf-8"))

    # seeds/feeds.toml
    lines = [
        '# kind = "demo": served by `newsmon demo` from seeds/demo; kind = "live": real public feeds for live runs.\n'
        "# The demo feeds are generated by seeds/demo/build_corpus.py (invented outlets).\n\n"
    ]
    for feed in FEEDS:
        lines.append(toml_table("feed", {"name": feed.name, "url": feed.url, "kind": "demo",
                                         "outlet": OUTLETS[feed.outlet].name}))
    lines.append(LIVE_FEEDS)
    (HERE.parent / "feeds.toml").write_text("".join(lines), encoding="utf-8")


LIVE_FEEDS = """# ---- Real public feeds (kind = "live"): real outlets, fetched only by live runs, never by tests. ----
# URLs as published by the outlets; not fetched while this list was written (no network), so a live
# run should treat a 404 here as a stale entry to fix, not as a pipeline failure.

# Real: the Guardian's UK immigration section.
[[feed]]
name = "The Guardian — UK immigration"
url = "https://www.theguardian.com/uk/immigration/rss"
kind = "live"
outlet = "The Guardian"

# Real: BBC News UK politics.
[[feed]]
name = "BBC News — UK politics"
url = "https://feeds.bbci.co.uk/news/politics/rss.xml"
kind = "live"
outlet = "BBC News"

# Real: GOV.UK news and communications from the Home Office (Atom).
[[feed]]
name = "GOV.UK — Home Office news and communications"
url = "https://www.gov.uk/search/news-and-communications.atom?organisations%5B%5D=home-office"
kind = "live"
outlet = "GOV.UK"

# Real: Sky News politics.
[[feed]]
name = "Sky News — Politics"
url = "https://feeds.skynews.com/feeds/rss/politics.xml"
kind = "live"
outlet = "Sky News"

# Real: BBC News UK.
[[feed]]
name = "BBC News — UK"
url = "https://feeds.bbci.co.uk/news/uk/rss.xml"
kind = "live"
outlet = "BBC News"

# Real: The Independent's UK politics section.
[[feed]]
name = "The Independent — UK politics"
url = "https://www.independent.co.uk/news/uk/politics/rss"
kind = "live"
outlet = "The Independent"
"""


if __name__ == "__main__":
    main()
