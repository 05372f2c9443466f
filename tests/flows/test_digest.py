"""Digests on real components: a fixture corpus via the real loader, DuckDB, aiosmtpd, Prefect, Chromium."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from flows.digest import digest_flow, due_rules, latest_slot, run_digest
from flows.email_render import render_preview
from flows.errors import ConfigError, TransientError
from flows.settings import DigestRule, Settings, SmtpSettings, load_settings
from parsers.records import Article, Entity, Figure, Quote, Topic
from parsers.urls import hash_text
from tests.conftest import CollectingHandler, free_port
from warehouse.db import connect, ensure_schema, transaction
from warehouse.load import PageResult, upsert_articles
from warehouse.state import finish_run, start_run

NOW = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)  # a Wednesday; London is on GMT
ANALYST, EDITOR = "analyst@newsroom.example", "editor@newsroom.example"
REGEN = os.environ.get("NEWSMON_REGEN") == "1"
CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "digest"
_SLUG = re.compile(r"[^a-z0-9]+")


def read_stories() -> list[dict[str, Any]]:
    """The [[story]] tables of the fixture."""
    return tomllib.loads((CORPUS / "stories.toml").read_text(encoding="utf-8"))["story"]


def outlet_host(outlet: str) -> str:
    """'Harbour Post' -> harbour-post.example."""
    return _SLUG.sub("-", outlet.lower()).strip("-") + ".example"


def build_article(
    story: dict[str, Any], outlet: str, body: str | None = None, quotes: list[dict[str, Any]] | None = None
) -> Article:
    """One outlet's copy of a story as the parsers would produce it."""
    body = story["body"] if body is None else body
    url = f"https://{outlet_host(outlet)}/news/{story['slug']}"
    made_quotes = []
    for q in story["quotes"] if quotes is None else quotes:
        start = body.index(q["text"])
        made_quotes.append(
            Quote(
                text=q["text"],
                speaker=q["speaker"],
                speaker_role=None,
                kind=q["kind"],
                cue="said",
                start=start,
                end=start + len(q["text"]),
            )
        )
    figures = []
    for f in story["figures"]:
        start = body.index(f["text"])
        figures.append(
            Figure(
                value=float(f["value"]),
                unit=f["unit"],
                text=f["text"],
                subject=f["subject"],
                change=None,
                baseline=None,
                approximate=False,
                source=f["source"],
                start=start,
                end=start + len(f["text"]),
            )
        )
    return Article(
        url=url,
        canonical_url=url,
        title=story["title"],
        authors=(),
        published_at=None,
        published_at_source="none",
        language="en",
        outlet=outlet,
        status="full",
        status_reason=None,
        body=body,
        body_hash=hash_text(body),
        relevance=story["relevance"],
        relevance_evidence=("deportation",),
        quotes=tuple(made_quotes),
        figures=tuple(figures),
        entities=tuple(Entity(name=n, type="person", role=None, mentions=1) for n in story["entities"]),
        topics=tuple(Topic(topic=t, score=0.9, evidence=(t,)) for t in story["topics"]),
    )


def load_pages(db: Path, pages: list[PageResult], now: datetime) -> None:
    """Load pages in one run, as an ingest would."""
    ensure_schema(db)
    run_id = str(uuid.uuid4())
    with connect(db) as con:
        start_run(con, run_id, "ingest", now)
        with transaction(con):
            upsert_articles(con, pages, run_id)
        finish_run(con, run_id, now, "completed", {"new": len(pages)}, "test load")


def load_corpus(db: Path, now: datetime, max_days_ago: int = 10_000) -> None:
    """Every story of the fixture (up to max_days_ago), each outlet's copy first seen `days_ago` days ago."""
    pages = [
        PageResult(
            article=(article := build_article(story, outlet)),
            fetched_url=article.url,
            feed_id=None,
            entry_sig=None,
            fetched_at=now - timedelta(days=story["days_ago"], minutes=index),
        )
        for story in read_stories()
        if story["days_ago"] <= max_days_ago
        for index, outlet in enumerate(story["outlets"])
    ]
    load_pages(db, pages, now)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The fixture rules over the fixture corpus, writing .eml files to a temp outbox."""
    db = tmp_path / "digest.duckdb"
    load_corpus(db, NOW)
    return load_settings(CORPUS / "newsmon.toml").with_overrides(db=db, outbox=tmp_path / "outbox")


def with_smtp(settings: Settings, server: tuple[str, int, CollectingHandler]) -> Settings:
    host, port, _ = server
    return settings.with_overrides(
        smtp=SmtpSettings(host=host, port=port), digest_sender="newsmon@test.example"
    )


def by_recipient(handler: CollectingHandler) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in handler.messages}


def plain_of(message: EmailMessage) -> str:
    """The plain part with newlines as written (SMTP carries CRLF)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def ledger(db: Path) -> list[tuple]:
    with connect(db) as con:
        return con.execute(
            "SELECT rule, recipient, article_id, sends FROM digests_sent ORDER BY ALL"
        ).fetchall()


# ------------------------------------------------------------------------------------ SMTP, end to end


@pytest.mark.usefixtures("prefect_harness")
def test_digest_by_smtp_then_nothing_twice(settings: Settings, smtp_server) -> None:
    _, _, handler = smtp_server
    mail = with_smtp(settings, smtp_server)
    report = digest_flow(mail, now=NOW)
    assert sorted(line.split(":")[0] for line in report) == [f"sent to {ANALYST}", f"sent to {EDITOR}"]
    messages = by_recipient(handler)
    assert set(messages) == {ANALYST, EDITOR}
    message = messages[ANALYST]

    # headers
    assert message["Subject"] == "8 new stories, 2 spikes: deportation, small boats, detention spikes"
    assert messages[EDITOR]["Subject"] == "7 new stories: deportation"
    assert message["From"] == "newsmon@test.example"
    assert parsedate_to_datetime(str(message["Date"])) == NOW
    assert str(message["Message-ID"]).startswith("<digest.") and str(message["Message-ID"]).endswith(
        "@test.example>"
    )
    assert message["Message-ID"] != messages[EDITOR]["Message-ID"]
    assert str(message["List-Unsubscribe"]).startswith("<mailto:newsmon@test.example?subject=unsubscribe")

    # structure: alternative(plain, related(html, png...))
    assert message.get_content_type() == "multipart/alternative"
    plain_part, related = message.get_payload()  # type: ignore[misc]
    assert plain_part.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert len(images) == 3  # one trend chart per rule section
    html = html_part.get_content()
    for image in images:
        assert image.get_content_type() == "image/png"
        cid = str(image["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in html
        data = image.get_content()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        from PIL import Image

        with Image.open(io.BytesIO(data)) as png:
            assert png.size == (1120, 300) and len(png.getcolors(100_000) or []) > 5

    # content: one item per story cluster, the strongest quotes with speakers, figures with sources, why
    plain = plain_part.get_content().replace("\r\n", "\n")
    assert plain.count("[NEW] Ministry to speed up removals of foreign offenders") == 1
    assert "2 outlets: Harbour Post, Northern Ledger" in plain
    assert (
        "\u201cAnyone who commits a serious crime here should expect to be removed quickly\u201d \u2014 "
        "Dana Whitfield" in plain
    )
    assert (
        "Figure: 4,120 foreign offenders were removed last year (source: Ministry of Borders figures)"
        in plain
    )
    assert (
        'Why it matched: rule \u201cdeportation\u201d matched topic:deportation, speaker:"Dana Whitfield", '
        "removal*" in plain
    )
    assert "[NEW] Deportation flight leaves" not in plain  # NOT outlet:example (it is in the spike list)
    assert "rare plant" not in plain  # below the relevance threshold
    assert "last month" not in plain  # older than the window
    assert "[SPIKE] Topic: detention" in plain
    assert "Matching stories per day, last 14 days (oldest first): 1 0 0 1 0 0 0 1 0 0 1 0 1 2" in plain

    # HTML: tables, inline CSS, no scripts, article text escaped
    assert (
        "<table" in html
        and "<style" not in html
        and "<script" not in html.lower().replace("&lt;script&gt;", "")
    )
    assert "Council&#x27;s &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;nobody&lt;/b&gt;" in html

    # a second run sends nothing: every rule's items are in the ledger
    assert digest_flow(mail, now=NOW) == []
    assert digest_flow(mail, now=NOW + timedelta(hours=3)) == []
    assert len(handler.messages) == 2
    rows = ledger(settings.db)
    assert len(rows) == 8 + 2 + 7 and all(sends == 1 for *_, sends in rows)


def test_plain_part_golden(settings: Settings, smtp_server) -> None:
    """The plain-text part is reviewed as a golden file (NEWSMON_REGEN=1 rewrites it)."""
    run_digest(with_smtp(settings, smtp_server), now=NOW)
    plain = plain_of(by_recipient(smtp_server[2])[ANALYST])
    expected = CORPUS / "analyst.expected.txt"
    if REGEN:
        expected.write_text(plain, encoding="utf-8")
    assert plain == expected.read_text(encoding="utf-8")


def test_story_is_sent_again_only_with_something_new(settings: Settings, smtp_server) -> None:
    _, _, handler = smtp_server
    mail = with_smtp(settings, smtp_server)
    run_digest(mail, now=NOW)
    handler.messages.clear()
    story = next(s for s in read_stories() if s["slug"] == "removals")
    extra = ' "Families will be treated with care," Ms Whitfield told reporters.'
    body = story["body"] + extra
    quotes = [
        *story["quotes"],
        {"speaker": "Dana Whitfield", "kind": "direct", "text": "Families will be treated with care,"},
    ]
    later = NOW + timedelta(hours=2)
    revised = build_article(story, "Harbour Post", body=body, quotes=quotes)
    load_pages(
        settings.db,
        [
            PageResult(
                article=revised, fetched_url=revised.url, feed_id=None, entry_sig=None, fetched_at=later
            )
        ],
        later,
    )

    report = run_digest(mail, now=later)
    assert len(report) == 2 and len(handler.messages) == 2
    message = by_recipient(handler)[ANALYST]
    assert message["Subject"] == "1 update: deportation"
    plain = plain_of(message)
    assert "[UPDATED] Ministry to speed up removals of foreign offenders" in plain
    assert "What is new: 1 new quote" in plain
    assert "NEW \u201cFamilies will be treated with care\u201d \u2014 Dana Whitfield" in plain
    assert "Anyone who commits" not in plain  # already sent: only the new quote is shown
    assert "UPDATED" in message.get_body(("html",)).get_content()

    # a new outlet running the same text is new as well; a repeat of nothing new is not
    handler.messages.clear()
    assert run_digest(mail, now=later) == []
    copy = build_article(story, "Coastal Courier")
    load_pages(
        settings.db,
        [PageResult(article=copy, fetched_url=copy.url, feed_id=None, entry_sig=None, fetched_at=later)],
        later,
    )
    run_digest(mail, now=later + timedelta(minutes=5))
    plain = plain_of(by_recipient(handler)[EDITOR])
    assert "What is new: now also in Coastal Courier" in plain
    with connect(settings.db) as con:
        sends = con.execute(
            "SELECT sends FROM digests_sent d JOIN digest_stories s ON s.story_id = d.article_id "
            "WHERE recipient = ? AND s.title LIKE 'Ministry to speed%'",
            [EDITOR],
        ).fetchone()
    assert sends == (3,)


class DroppingHandler(CollectingHandler):
    """Drops the connection in the middle of the first DATA (the message arrived, the 250 reply never)."""

    def __init__(self) -> None:
        super().__init__()
        self.drops = 1

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001 - aiosmtpd API
        if self.drops:
            self.drops -= 1
            server.transport.abort()
            return "421 closing"
        return await super().handle_DATA(server, session, envelope)


def test_dropped_connection_is_retried_next_run_once(settings: Settings) -> None:
    from aiosmtpd.controller import Controller

    handler = DroppingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        mail = settings.with_overrides(
            smtp=SmtpSettings(host="127.0.0.1", port=controller.port),
            rules=tuple(r for r in settings.rules if r.name == "small boats"),
        )
        with pytest.raises(TransientError, match=r"1 email\(s\) not sent.*smtp://127.0.0.1"):
            run_digest(mail, now=NOW)
        assert handler.messages == [] and ledger(settings.db) == []
        with connect(settings.db) as con:
            assert con.execute("SELECT count(*) FROM digest_schedule").fetchone() == (0,)
            assert con.execute("SELECT status FROM runs WHERE flow = 'digest'").fetchall() == [("failed",)]

        report = run_digest(mail, now=NOW + timedelta(minutes=10))
        assert len(report) == 1 and len(handler.messages) == 1
        assert handler.messages[0]["Subject"] == "1 new story: small boats"
        assert run_digest(mail, now=NOW + timedelta(minutes=20)) == []
        assert len(handler.messages) == 1
        assert [row[:3] for row in ledger(settings.db)][0][:2] == ("small boats", ANALYST)
    finally:
        controller.stop()


@pytest.mark.usefixtures("prefect_harness")
def test_smtp_auth_with_the_password_from_a_prefect_secret_block(settings: Settings) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from prefect.blocks.system import Secret

    logins: list[tuple[str, bool]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202 - aiosmtpd API
        ok = (auth_data.login, auth_data.password) == (b"newsmon", b"s3cret")
        logins.append((mechanism, ok))
        return AuthResult(success=ok)

    handler = CollectingHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        Secret(value="s3cret").save("newsmon-digest-smtp-test", overwrite=True)
        loaded = load_settings(
            CORPUS / "newsmon.toml",
            env={
                "NEWSMON_SMTP_HOST": "127.0.0.1",
                "NEWSMON_SMTP_PORT": str(controller.port),
                "NEWSMON_SMTP_USER": "newsmon",
                "NEWSMON_SMTP_PASSWORD_BLOCK": "newsmon-digest-smtp-test",
                "NEWSMON_SMTP_FROM": "digest@test.example",
            },
        )
        assert loaded.smtp is not None and (loaded.smtp.port, loaded.smtp.user) == (
            controller.port,
            "newsmon",
        )
        assert "s3cret" not in repr(loaded) and loaded.digest_sender == "digest@test.example"
        boats = tuple(r for r in settings.rules if r.name == "small boats")
        mail = settings.with_overrides(smtp=loaded.smtp, digest_sender=loaded.digest_sender, rules=boats)
        assert len(run_digest(mail, now=NOW)) == 1
        assert logins == [("PLAIN", True)] and len(handler.messages) == 1
        assert handler.messages[0]["From"] == "digest@test.example"
    finally:
        controller.stop()


# ------------------------------------------------------------------------------------ outbox, dry run


def test_outbox_when_no_smtp(settings: Settings) -> None:
    report = run_digest(settings, now=NOW)
    files = sorted((settings.outbox).glob("*.eml"))
    assert len(report) == 2 and len(files) == 2 and not list(settings.outbox.glob("*.tmp"))
    messages = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {str(m["To"]) for m in messages} == {ANALYST, EDITOR}
    assert all(str(f) in " ".join(report) for f in files)
    assert run_digest(settings, now=NOW) == []


@pytest.mark.usefixtures("prefect_harness")
def test_dry_run_and_preview_send_and_record_nothing(settings: Settings, tmp_path: Path, capsys) -> None:
    from flows.cli import main

    preview = tmp_path / "preview.html"
    live = tmp_path / "live.duckdb"  # the CLI runs on the wall clock: a corpus first seen relative to it
    load_corpus(live, datetime.now(UTC))
    assert (
        main(
            [
                "digest",
                "--config",
                str(CORPUS / "newsmon.toml"),
                "--db",
                str(live),
                "--outbox",
                str(settings.outbox),
                "--dry-run",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"would send to {ANALYST}:" in out and "[deportation] new: Ministry to speed up removals" in out
    assert ledger(live) == []
    report = run_digest(settings, now=NOW, preview=preview)
    assert report[-1].startswith(f"preview written: {preview} ({ANALYST})")
    html = preview.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html and "cid:" not in html
    assert not settings.outbox.exists() and ledger(settings.db) == []
    with connect(settings.db) as con:
        assert con.execute("SELECT count(*) FROM digest_schedule").fetchone() == (0,)
    assert len(run_digest(settings, now=NOW)) == 2  # the dry runs left everything due


# ------------------------------------------------------------------------------------ schedules


def rule(**changes: object) -> DigestRule:
    values: dict = {"name": "r", "query": "x", "recipients": (ANALYST,)}
    values.update(changes)
    return DigestRule(**values)


def test_latest_slot_per_frequency() -> None:
    assert latest_slot(rule(), NOW) == NOW
    assert latest_slot(rule(frequency="hourly", timezone="Asia/Kolkata"), NOW) == datetime(
        2026, 3, 18, 9, 30, tzinfo=UTC
    )
    daily = rule(frequency="daily", time="08:00", timezone="Europe/London")
    assert latest_slot(daily, NOW) == datetime(2026, 3, 18, 8, 0, tzinfo=UTC)
    assert latest_slot(daily, datetime(2026, 3, 18, 7, 59, tzinfo=UTC)) == datetime(
        2026, 3, 17, 8, 0, tzinfo=UTC
    )
    summer = datetime(2026, 6, 18, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert latest_slot(daily, summer) == datetime(2026, 6, 18, 7, 0, tzinfo=UTC)
    weekly = rule(frequency="weekly", weekday="monday", time="09:00", timezone="Europe/London")
    assert latest_slot(weekly, NOW) == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert latest_slot(weekly, datetime(2026, 3, 16, 8, 0, tzinfo=UTC)) == datetime(
        2026, 3, 9, 9, 0, tzinfo=UTC
    )


def test_due_rules_follow_the_schedule_state() -> None:
    daily = rule(name="d", frequency="daily", time="08:00")
    assert due_rules([daily], {}, NOW) == [(daily, ANALYST, datetime(2026, 3, 18, 8, 0, tzinfo=UTC))]
    done = {("d", ANALYST): datetime(2026, 3, 18, 8, 0, tzinfo=UTC)}
    assert due_rules([daily], done, NOW) == []
    assert due_rules([daily], done, NOW + timedelta(days=1)) != []


def test_daily_rule_waits_for_its_next_slot(settings: Settings, smtp_server) -> None:
    _, _, handler = smtp_server
    boats = tuple(r for r in settings.rules if r.name == "small boats")
    mail = with_smtp(settings, smtp_server).with_overrides(rules=boats)
    assert len(run_digest(mail, now=NOW)) == 1
    story = next(s for s in read_stories() if s["slug"] == "boats")
    later = NOW + timedelta(hours=2)
    fresh = build_article(
        {
            **story,
            "slug": "boats-2",
            "title": "Second small boats story",
            "body": "A lifeboat crew was called out twice overnight after two small boats got into "
            "difficulty off the coast, the coastguard said on Thursday.",
            "quotes": [],
            "figures": [],
        },
        "Harbour Post",
    )
    load_pages(
        settings.db,
        [PageResult(article=fresh, fetched_url=fresh.url, feed_id=None, entry_sig=None, fetched_at=later)],
        later,
    )
    assert run_digest(mail, now=later) == []  # today's 08:00 slot is done; the new story waits
    report = run_digest(mail, now=datetime(2026, 3, 19, 8, 1, tzinfo=UTC))
    assert len(report) == 1 and "1 new story: small boats" in report[0]
    assert "Second small boats story" in plain_of(handler.messages[-1])


def test_spike_is_sent_once_per_day(settings: Settings, smtp_server) -> None:
    _, _, handler = smtp_server
    spikes = tuple(r for r in settings.rules if r.spike)
    mail = with_smtp(settings, smtp_server).with_overrides(rules=spikes)
    report = run_digest(mail, now=NOW)
    assert report and "2 spikes: detention spikes" in report[0]
    plain = plain_of(handler.messages[0])
    # detention: 3 relevant stories today, 1 in the previous 7 days; small-boats has 1 today (< min_mentions)
    assert (
        "[SPIKE] Topic: detention\n  3 stories today against a daily mean of 0.1 over the previous 7 days"
        in plain
    )
    assert "[SPIKE] Topic: deportation" in plain and "small-boats" not in plain
    assert plain.index("Topic: detention") < plain.index("Topic: deportation")  # the larger ratio first
    assert run_digest(mail, now=NOW + timedelta(hours=1)) == []
    strict = mail.with_overrides(
        rules=(rule(name="strict", query="", spike="topic", spike_factor=15.0, spike_min=3),)
    )
    report = run_digest(strict, now=NOW)
    assert len(report) == 1 and "1 spike: strict" in report[0]
    # 7 days of history are needed: nothing spikes on a warehouse younger than that
    young = mail.with_overrides(db=settings.db.with_name("young.duckdb"))
    load_corpus(young.db, NOW, max_days_ago=6)
    assert run_digest(young, now=NOW) == []  # detention: 3 > 15 x 1/7; deportation: 3 < 15 x 3/7


# ------------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("rule_toml", "message"),
    [
        ('query = "deport AND"', "query 'deport AND': AND at column 8 has nothing after it"),
        ('query = "(deport"', "unbalanced '(' at column 1"),
        ('query = "place:Dover"', "unknown field 'place:'"),
        ('query = "x"\ntimezone = "Mars/Olympus"', "unknown timezone 'Mars/Olympus'"),
        ('query = "x"\nfrequency = "daily"\ntime = "8am"', "time must be HH:MM"),
        (
            'query = "x"\nfrequency = "fortnightly"',
            "frequency must be one of immediate, hourly, daily, weekly",
        ),
        ('query = "x"\nweekday = "funday"', "weekday must be one of"),
        ('query = "x"\nfrequncy = "daily"', "unknown key 'frequncy'"),
        ('spike = "person"', 'spike must be "entity" or "topic"'),
        ('spike = "topic"\nfactor = 0', "factor must be a number above 0"),
        ("", "needs a query"),
    ],
)
def test_bad_rules_are_one_clear_line_naming_the_file(tmp_path: Path, rule_toml: str, message: str) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[[digest.rule]]\nname = "bad"\nrecipients = ["a@b.example"]\n{rule_toml}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    text = str(caught.value)
    assert text.startswith(f"{config}: digest rule #1 (bad)") and message in text and "\n" not in text


def test_rules_in_the_fixture_config_load() -> None:
    rules = {r.name: r for r in load_settings(CORPUS / "newsmon.toml").rules}
    assert rules["small boats"].timezone == "Europe/London" and rules["small boats"].frequency == "daily"
    assert rules["detention spikes"].spike == "topic" and rules["detention spikes"].spike_min == 3


# ------------------------------------------------------------------------------------ rendering


def find_chromium() -> str | None:
    """The headless browser CI installs (Debian package chromium)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def test_html_renders_in_headless_chromium(settings: Settings, tmp_path: Path) -> None:
    browser = find_chromium()
    if browser is None:
        pytest.skip("no chromium binary on PATH (CI installs the Debian package chromium via .ci/run)")
    from PIL import Image

    from flows.digest import due_rules as find_due
    from flows.digest import plan_digests

    digest = next(
        p.digest
        for p in plan_digests(settings, NOW, find_due(settings.rules, {}, NOW))
        if p.digest.recipient == ANALYST
    )
    page = tmp_path / "digest.html"
    page.write_text(render_preview(digest, sender="newsmon@test.example", now=NOW), encoding="utf-8")
    shot = tmp_path / "digest.png"
    with tempfile.TemporaryDirectory() as profile:
        completed = subprocess.run(  # noqa: S603 - fixed arguments, local file
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=800,1200",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert shot.exists(), completed.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (800, 1200)
        colors = rgb.getcolors(1_000_000) or []
        assert len(colors) > 50  # text, chart and badges, not a blank page
        assert max(count for count, _ in colors) < 0.9 * 800 * 1200
        header = rgb.getpixel((400, 30))  # the blue header band (#1a4d8f) rendered from inline CSS
        assert header == (0x1A, 0x4D, 0x8F), header
    if REGEN:
        target = Path(__file__).resolve().parents[2] / "docs" / "digest-screenshot.png"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)
