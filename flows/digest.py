"""@flow "digest": find due rules, select what is new per recipient, render an email each, send, record."""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from flows.email_render import (
    Digest,
    FigureLine,
    QuoteLine,
    Section,
    SpikeItem,
    StoryItem,
    Trend,
    compose_message,
    render_preview,
    render_subject,
)
from flows.errors import TransientError
from flows.settings import WEEKDAYS, DigestRule, Settings, SmtpSettings
from parsers.query import Query, QueryDocument, normalize_text, parse_query
from warehouse.db import connect, ensure_schema, read_sql, transaction
from warehouse.state import finish_run, start_run

TREND_DAYS = 14
MAX_ITEMS_PER_RULE = 20
SHOWN_QUOTES = 3
SHOWN_FIGURES = 3
SPIKE_STORIES = 5
_KIND_RANK = {"direct": 0, "partial": 1, "indirect": 2}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


# ------------------------------------------------------------------------------------ schedule


def latest_slot(rule: DigestRule, now: datetime) -> datetime:
    """The most recent moment (UTC) at or before now when the rule was due: each run, hour, day or week."""
    if rule.frequency == "immediate":
        return now
    zone = ZoneInfo(rule.timezone)
    local = now.astimezone(zone)
    if rule.frequency == "hourly":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    hour, minute = (int(part) for part in rule.time.split(":"))
    slot = datetime.combine(local.date(), time(hour, minute), tzinfo=zone)
    if rule.frequency == "daily":
        if slot > local:
            slot = datetime.combine(local.date() - timedelta(days=1), time(hour, minute), tzinfo=zone)
        return slot.astimezone(UTC)
    back = (local.weekday() - WEEKDAYS.index(rule.weekday)) % 7
    slot = datetime.combine(local.date() - timedelta(days=back), time(hour, minute), tzinfo=zone)
    if slot > local:
        slot = datetime.combine(slot.date() - timedelta(days=7), time(hour, minute), tzinfo=zone)
    return slot.astimezone(UTC)


def due_rules(
    rules: Sequence[DigestRule], state: dict[tuple[str, str], datetime], now: datetime
) -> list[tuple[DigestRule, str, datetime]]:
    """(rule, recipient, slot) for every rule and recipient whose latest slot has not been dealt with yet."""
    due = []
    for rule in rules:
        slot = latest_slot(rule, now)
        for recipient in rule.recipients:
            last = state.get((rule.name, recipient))
            if rule.frequency == "immediate" or last is None or last < slot:
                due.append((rule, recipient, slot))
    return due


# ------------------------------------------------------------------------------------ stories


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """A story cluster as loaded for matching."""

    story_id: str
    title: str
    url: str
    outlets: tuple[str, ...]
    first_seen: datetime
    document: QueryDocument


@dataclass(slots=True)
class _QuoteGroup:
    speaker: str
    text: str
    kind_rank: int
    outlets: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _FigureGroup:
    text: str
    source: str | None
    order: int


@dataclass(slots=True)
class StoryParts:
    """A story's quotes and figures across all its copies, grouped by key (copies of one quote are one)."""

    quotes: dict[str, _QuoteGroup] = field(default_factory=dict)
    figures: dict[str, _FigureGroup] = field(default_factory=dict)


def key_quote(speaker: str, text: str) -> str:
    """Ledger key of a quote: who, and the words normalised (the same quote in two outlets has one key)."""
    return hashlib.sha256(f"{normalize_text(speaker)}|{normalize_text(text)}".encode()).hexdigest()[:16]


def key_figure(value: float, unit: str) -> str:
    """Ledger key of a figure: its value and unit (reworded copies of one figure have one key)."""
    return hashlib.sha256(f"{value:g}|{unit.lower()}".encode()).hexdigest()[:16]


def _as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_stories(con: Any, since: datetime, threshold: float) -> list[Story]:
    """Stories active since a time, with the text and fields queries are matched against."""
    stories = []
    for (
        story_id,
        _article_id,
        title,
        url,
        outlets,
        first_seen,
        _published,
        text,
        speakers,
        entities,
        topics,
    ) in con.execute(read_sql("digest_stories"), [since, threshold]).fetchall():
        outlets = tuple(outlets or ())
        stories.append(
            Story(
                story_id=story_id,
                title=title or url,
                url=url,
                outlets=outlets,
                first_seen=_as_utc(first_seen),
                document=QueryDocument(
                    text=text or "",
                    speakers=tuple(speakers or ()),
                    entities=tuple(entities or ()),
                    topics=tuple(topics or ()),
                    outlets=outlets,
                ),
            )
        )
    return stories


def load_parts(con: Any, story_ids: Sequence[str]) -> dict[str, StoryParts]:
    """Quotes and figures of some stories, grouped by ledger key."""
    parts: dict[str, StoryParts] = defaultdict(StoryParts)
    if not story_ids:
        return parts
    for story_id, speaker, text, kind, outlet, _seen in con.execute(
        read_sql("digest_story_quotes"), [list(story_ids)]
    ).fetchall():
        key = key_quote(speaker, text)
        group = parts[story_id].quotes.setdefault(key, _QuoteGroup(speaker, text, _KIND_RANK.get(kind, 3)))
        group.kind_rank = min(group.kind_rank, _KIND_RANK.get(kind, 3))
        if outlet and outlet not in group.outlets:
            group.outlets.append(outlet)
    for story_id, value, unit, text, _subject, source, _outlet, _seen in con.execute(
        read_sql("digest_story_figures"), [list(story_ids)]
    ).fetchall():
        figures = parts[story_id].figures
        key = key_figure(value, unit)
        if key not in figures:
            figures[key] = _FigureGroup(text, source, len(figures))
        elif figures[key].source is None and source:
            figures[key].source = source
    return parts


def rank_quotes(groups: Iterable[tuple[str, _QuoteGroup]]) -> list[tuple[str, _QuoteGroup]]:
    """Strongest first: direct, then partial, then indirect; carried by more outlets; fuller (to 240)."""
    return sorted(
        groups, key=lambda kg: (kg[1].kind_rank, -len(kg[1].outlets), -min(len(kg[1].text), 240), kg[1].text)
    )


def rank_figures(groups: Iterable[tuple[str, _FigureGroup]]) -> list[tuple[str, _FigureGroup]]:
    """Sourced figures first, then in article order."""
    return sorted(groups, key=lambda kg: (kg[1].source is None, kg[1].order))


# ------------------------------------------------------------------------------------ selection


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEntry:
    """What a recipient was sent for one item of one rule."""

    quote_keys: frozenset[str]
    figure_keys: frozenset[str]
    outlets: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedItem:
    """An item and the ledger row to write once the message carrying it is accepted."""

    rule: str
    key: str
    kind: str  # story or spike
    quote_keys: tuple[str, ...] = ()
    figure_keys: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """Hash of the parts, as stored in digests_sent.fingerprint."""
        text = repr((sorted(self.quote_keys), sorted(self.figure_keys), sorted(self.outlets)))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True, kw_only=True)
class Planned:
    """One email ready to render: the digest, the ledger rows, and the schedule slots it settles."""

    digest: Digest
    items: tuple[PlannedItem, ...]
    slots: tuple[tuple[str, datetime], ...]  # (rule, slot) for the recipient


def build_story_item(
    story: Story, parts: StoryParts, rule: DigestRule, hits: tuple[str, ...], previous: LedgerEntry | None
) -> tuple[StoryItem, PlannedItem] | None:
    """The item for a story, or None when the recipient already has everything in it."""
    quote_keys = tuple(parts.quotes)
    figure_keys = tuple(parts.figures)
    planned = PlannedItem(
        rule=rule.name,
        key=story.story_id,
        kind="story",
        quote_keys=quote_keys,
        figure_keys=figure_keys,
        outlets=story.outlets,
    )
    why = ((rule.name, hits),)
    updated = previous is not None
    quote_pool = list(parts.quotes.items())
    figure_pool = list(parts.figures.items())
    new_outlets: tuple[str, ...] = ()
    if previous is not None:  # sent before: only what it gained since is shown, marked new
        quote_pool = [(k, g) for k, g in quote_pool if k not in previous.quote_keys]
        figure_pool = [(k, g) for k, g in figure_pool if k not in previous.figure_keys]
        new_outlets = tuple(o for o in story.outlets if o not in previous.outlets)
        if not quote_pool and not figure_pool and not new_outlets:
            return None
    quotes = [
        QuoteLine(speaker=g.speaker, text=g.text, outlets=tuple(g.outlets), new=updated)
        for _, g in rank_quotes(quote_pool)[:SHOWN_QUOTES]
    ]
    figures = [
        FigureLine(text=g.text, source=g.source, new=updated)
        for _, g in rank_figures(figure_pool)[:SHOWN_FIGURES]
    ]
    return StoryItem(
        key=story.story_id,
        title=story.title,
        url=story.url,
        outlets=story.outlets,
        first_seen=story.first_seen,
        quotes=tuple(quotes),
        figures=tuple(figures),
        why=why,
        updated=updated,
        new_outlets=new_outlets,
        new_quotes=len(quote_pool) if updated else 0,
        new_figures=len(figure_pool) if updated else 0,
    ), planned


def count_days(moments: Iterable[datetime], zone: ZoneInfo, today: date, days: int = TREND_DAYS) -> list[int]:
    """Counts per local day for the `days` days ending today, oldest first."""
    counts = [0] * days
    for moment in moments:
        offset = (today - moment.astimezone(zone).date()).days
        if 0 <= offset < days:
            counts[days - 1 - offset] += 1
    return counts


def make_trend(label: str, counts: Sequence[int], today: date) -> Trend:
    """A Trend for the chart from counts ending today."""
    days = len(counts)
    return Trend(
        label=label, days=tuple((today - timedelta(days=days - 1 - i), c) for i, c in enumerate(counts))
    )


def find_spikes(
    rule: DigestRule,
    rows: Sequence[tuple[str, str, datetime]],
    allowed: set[str] | None,
    now: datetime,
    history_since: datetime | None,
) -> list[tuple[str, int, float, list[int], list[str]]]:
    """(name, today, mean of the previous 7 days, 14-day counts, today's story ids) for each spiking name.

    None while the warehouse holds less than 7 days before today (history_since: its first story): on a fresh
    warehouse every name would look like a spike against a mean of zero.
    """
    zone = ZoneInfo(rule.timezone)
    today = now.astimezone(zone).date()
    if history_since is None or history_since.astimezone(zone).date() > today - timedelta(days=7):
        return []
    per_name: dict[str, dict[str, datetime]] = defaultdict(dict)
    for story_id, name, first_seen in rows:
        if allowed is None or story_id in allowed:
            per_name[name][story_id] = _as_utc(first_seen)
    spikes = []
    for name, seen in per_name.items():
        counts = count_days(seen.values(), zone, today)
        today_count, mean = counts[-1], sum(counts[-8:-1]) / 7
        if today_count >= rule.spike_min and today_count > rule.spike_factor * mean:
            todays = sorted(  # newest first; ties by id, so the order never depends on row order
                (s for s, t in seen.items() if t.astimezone(zone).date() == today),
                key=lambda s: (-seen[s].timestamp(), s),
            )
            spikes.append((name, today_count, mean, counts, todays))
    spikes.sort(key=lambda s: (-(s[1] / s[2] if s[2] else float("inf")), -s[1], s[0]))
    return spikes


def plan_digests(
    settings: Settings, now: datetime, due: Sequence[tuple[DigestRule, str, datetime]]
) -> list[Planned]:
    """One Planned email per recipient with anything new among its due rules (none for those without)."""
    if not due:
        return []
    rules = list(dict.fromkeys(rule for rule, _, _ in due))
    queries: dict[str, Query | None] = {r.name: parse_query(r.query) if r.query else None for r in rules}
    since = now - timedelta(days=TREND_DAYS + 1)
    with connect(settings.db) as con:
        stories = load_stories(con, since, settings.relevance_threshold)
        by_id = {s.story_id: s for s in stories}
        matches: dict[str, dict[str, tuple[str, ...]]] = {}
        for rule in rules:
            query = queries[rule.name]
            matched: dict[str, tuple[str, ...]] = {}
            for story in stories:
                if query is None:
                    matched[story.story_id] = ()
                    continue
                result = query.evaluate(story.document)
                if result.matched:
                    matched[story.story_id] = result.hits
            matches[rule.name] = matched
        first = con.execute(read_sql("digest_history_start")).fetchone()
        history_since = _as_utc(first[0]) if first and first[0] else None
        spike_rows: dict[str, list[tuple[str, str, datetime]]] = {}
        for kind in {r.spike for r in rules if r.spike}:
            assert kind is not None
            spike_rows[kind] = con.execute(
                read_sql("digest_spike_counts"), [kind, since, settings.relevance_threshold]
            ).fetchall()
        wanted = sorted({sid for rule in rules if not rule.spike for sid in matches[rule.name]})
        parts = load_parts(con, wanted)
        ledgers: dict[tuple[str, str], dict[str, LedgerEntry]] = {}
        for rule, recipient, _slot in due:
            ledgers[(rule.name, recipient)] = {
                key: LedgerEntry(quote_keys=frozenset(q), figure_keys=frozenset(f), outlets=frozenset(o))
                for key, _kind, q, f, o, _sends in con.execute(
                    read_sql("digest_ledger_items"), [rule.name, recipient]
                ).fetchall()
            }

    per_recipient: dict[str, list[tuple[DigestRule, datetime]]] = defaultdict(list)
    for rule, recipient, slot in due:
        per_recipient[recipient].append((rule, slot))
    planned = []
    for recipient, rule_slots in sorted(per_recipient.items()):
        sections: list[Section] = []
        items: list[PlannedItem] = []
        placed: dict[str, StoryItem] = {}  # story id -> item already in this email (a story appears once)
        for rule, _slot in rule_slots:
            zone = ZoneInfo(rule.timezone)
            today = now.astimezone(zone).date()
            ledger = ledgers[(rule.name, recipient)]
            if rule.spike:
                section, spike_items = _spike_section(
                    rule, spike_rows[rule.spike], matches[rule.name], by_id, ledger, now, history_since
                )
                if section is not None:
                    sections.append(section)
                    items += spike_items
                continue
            matched = matches[rule.name]
            counts = count_days((by_id[s].first_seen for s in matched), zone, today)
            chosen: list[StoryItem] = []
            waiting = 0
            for story in stories:  # newest first
                if story.story_id not in matched:
                    continue
                built = build_story_item(
                    story, parts[story.story_id], rule, matched[story.story_id], ledger.get(story.story_id)
                )
                if built is None:
                    continue
                item, plan = built
                if story.story_id in placed:  # shown under an earlier rule: add this rule to its "why"
                    earlier = placed[story.story_id]
                    _replace_item(sections, earlier, _with_why(earlier, rule.name, matched[story.story_id]))
                    placed[story.story_id] = _with_why(earlier, rule.name, matched[story.story_id])
                    items.append(plan)
                    continue
                if len(chosen) >= MAX_ITEMS_PER_RULE:
                    waiting += 1
                    continue
                chosen.append(item)
                placed[story.story_id] = item
                items.append(plan)
            if chosen:
                sections.append(
                    Section(
                        rule=rule.name,
                        description=rule.query,
                        items=tuple(chosen),
                        trend=make_trend("Matching stories per day", counts, today),
                        more=waiting,
                        timezone=zone,
                    )
                )
        digest = Digest(recipient=recipient, sections=tuple(sections))
        planned.append(
            Planned(
                digest=digest, items=tuple(items), slots=tuple((rule.name, slot) for rule, slot in rule_slots)
            )
        )
    return planned


def _with_why(item: StoryItem, rule: str, hits: tuple[str, ...]) -> StoryItem:
    from dataclasses import replace

    return replace(item, why=item.why + ((rule, hits),))


def _replace_item(sections: list[Section], old: StoryItem, new: StoryItem) -> None:
    from dataclasses import replace

    for index, section in enumerate(sections):
        if old in section.items:
            sections[index] = replace(section, items=tuple(new if i is old else i for i in section.items))


def _spike_section(
    rule: DigestRule,
    rows: Sequence[tuple[str, str, datetime]],
    matched: dict[str, tuple[str, ...]],
    by_id: dict[str, Story],
    ledger: dict[str, LedgerEntry],
    now: datetime,
    history_since: datetime | None,
) -> tuple[Section | None, list[PlannedItem]]:
    zone = ZoneInfo(rule.timezone)
    today = now.astimezone(zone).date()
    allowed = set(matched) if rule.query else None
    spikes = find_spikes(rule, rows, allowed, now, history_since)
    items: list[SpikeItem] = []
    plans: list[PlannedItem] = []
    chart: Trend | None = None
    for name, count, mean, counts, todays in spikes:
        assert rule.spike is not None
        key = f"spike:{rule.spike}:{name}:{today.isoformat()}"
        if key in ledger:
            continue
        stories = tuple(
            (by_id[s].title, by_id[s].url, by_id[s].outlets) for s in todays[:SPIKE_STORIES] if s in by_id
        )
        items.append(
            SpikeItem(
                key=key,
                kind=rule.spike,
                name=name,
                today=count,
                mean=mean,
                factor=rule.spike_factor,
                stories=stories,
                rule=rule.name,
            )
        )
        plans.append(PlannedItem(rule=rule.name, key=key, kind="spike"))
        if chart is None:
            chart = make_trend(f"Stories per day mentioning {name}", counts, today)
    if not items:
        return None, []
    what = (
        f"spike: any {rule.spike} with more than {rule.spike_factor:g} x its 7-day mean "
        f"(at least {rule.spike_min})"
    )
    description = f"{what}; among stories matching {rule.query}" if rule.query else what
    return Section(
        rule=rule.name, description=description, items=tuple(items), trend=chart, timezone=zone
    ), plans


# ------------------------------------------------------------------------------------ delivery


def derive_message_id(planned: Planned, sender: str) -> str:
    """A Message-ID from the recipient and the items: a re-send of the same content carries the same id."""
    content = repr(
        (planned.digest.recipient, sorted((i.rule, i.key, i.fingerprint()) for i in planned.items))
    )
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "newsmon.local"
    return f"<digest.{hashlib.sha256(content.encode()).hexdigest()[:24]}@{domain}>"


def deliver(message: EmailMessage, smtp: SmtpSettings | None, outbox: Path) -> str:
    """Send by SMTP when configured, else write an .eml file to the outbox; return where it went."""
    if smtp is None:
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{_UNSAFE_NAME.sub('_', str(message['Message-ID']).strip('<>'))}.eml"
        temporary = path.with_suffix(".eml.tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(path)
        return str(path)
    try:
        context = ssl.create_default_context()
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=30, context=context)
            if smtp.ssl
            else smtplib.SMTP(smtp.host, smtp.port, timeout=30)
        )
        with client:
            if smtp.starttls:
                client.starttls(context=context)
            if smtp.user and smtp.password:
                client.login(smtp.user, smtp.password)
            refused = client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientError(
            f"smtp://{smtp.host}:{smtp.port}: send failed: {type(exc).__name__}: {exc}"
        ) from None
    if refused:
        raise TransientError(f"smtp://{smtp.host}:{smtp.port}: recipient refused: {', '.join(refused)}")
    return f"smtp://{smtp.host}:{smtp.port}"


def record_sent(
    con: Any, planned: Planned, message_id: str, subject: str, where: str, now: datetime, run_id: str
) -> None:
    """Write the ledger rows, the message and the schedule slots, in one transaction."""
    recipient = planned.digest.recipient
    new, updated, spikes = planned.digest.counts()
    with transaction(con):
        for item in planned.items:
            con.execute(
                read_sql("digest_record_item"),
                [
                    item.rule,
                    recipient,
                    item.key,
                    item.fingerprint(),
                    message_id,
                    now,
                    item.kind,
                    list(item.quote_keys),
                    list(item.figure_keys),
                    list(item.outlets),
                ],
            )
        con.execute(
            read_sql("digest_record_message"),
            [
                message_id,
                recipient,
                subject,
                [s.rule for s in planned.digest.sections],
                new,
                updated,
                spikes,
                where,
                now,
                run_id,
            ],
        )
        for rule, slot in planned.slots:
            con.execute(read_sql("digest_schedule_set"), [rule, recipient, slot, now, message_id])


def record_nothing(con: Any, planned: Planned, now: datetime) -> None:
    """Mark the slots of a recipient with nothing new as dealt with."""
    with transaction(con):
        for rule, slot in planned.slots:
            con.execute(read_sql("digest_schedule_set"), [rule, planned.digest.recipient, slot, now, None])


def describe_planned(planned: Planned, subject: str) -> list[str]:
    """Dry-run lines: the subject, then one line per item."""
    lines = [f"would send to {planned.digest.recipient}: {subject}"]
    for section in planned.digest.sections:
        for item in section.items:
            if isinstance(item, SpikeItem):
                lines.append(f"  [{section.rule}] spike {item.kind} {item.name}: {item.today} stories today")
            else:
                label = "updated" if item.updated else "new"
                lines.append(f"  [{section.rule}] {label}: {item.title} ({', '.join(item.outlets)})")
    return lines


def run_digest(
    settings: Settings, *, dry_run: bool = False, now: datetime | None = None, preview: Path | None = None
) -> list[str]:
    """Send every due digest; record each only after the server (or outbox) accepted it.

    --preview implies a dry run.

    Returns one line per email sent (or, in a dry run, the lines describing what would be sent). Raises
    TransientError after trying every recipient when any send failed: those stay due; the next run retries.
    """
    now = now or datetime.now(UTC)
    dry_run = dry_run or preview is not None
    ensure_schema(settings.db)
    with connect(settings.db) as con:
        state = {(r, p): _as_utc(s) for r, p, s in con.execute(read_sql("digest_schedule_get")).fetchall()}
    plans = plan_digests(settings, now, due_rules(settings.rules, state, now))
    report: list[str] = []
    if dry_run:
        for planned in plans:
            if planned.digest.sections:
                report += describe_planned(planned, render_subject(planned.digest))
        if preview is not None:
            report.append(_write_previews(plans, settings.digest_sender, now, preview))
        return report
    run_id = str(uuid.uuid4())
    with connect(settings.db) as con:
        start_run(con, run_id, "digest", now)
    sent, failures = 0, []
    for planned in plans:
        if not planned.digest.sections:
            with connect(settings.db) as con:
                record_nothing(con, planned, now)
            continue
        message_id = derive_message_id(planned, settings.digest_sender)
        message = compose_message(
            planned.digest, sender=settings.digest_sender, now=now, message_id=message_id
        )
        try:
            where = deliver(message, settings.smtp, settings.outbox)
        except TransientError as exc:
            failures.append(f"{planned.digest.recipient}: {exc}")
            continue
        with connect(settings.db) as con:
            record_sent(con, planned, message_id, str(message["Subject"]), where, datetime.now(UTC), run_id)
        sent += 1
        report.append(f"sent to {planned.digest.recipient}: {message['Subject']} ({where})")
    summary = f"digest: {sent} sent, {len(failures)} failed"
    with connect(settings.db) as con:
        finish_run(
            con, run_id, datetime.now(UTC), "failed" if failures else "completed", {"new": sent}, summary
        )
    if failures:
        raise TransientError(
            f"digest: {len(failures)} email(s) not sent, kept for the next run: " + "; ".join(failures)
        )
    return report


def _write_previews(plans: Sequence[Planned], sender: str, now: datetime, preview: Path) -> str:
    digests = [p.digest for p in plans if p.digest.sections]
    if not digests:
        return f"preview: nothing new to send, {preview} not written"
    written = []
    for index, digest in enumerate(digests):
        path = preview if index == 0 else preview.with_name(f"{preview.stem}.{index + 1}{preview.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_preview(digest, sender=sender, now=now), encoding="utf-8")
        written.append(f"{path} ({digest.recipient})")
    return "preview written: " + ", ".join(written)


@flow(name="digest", validate_parameters=False)
def digest_flow(
    settings: Settings, dry_run: bool = False, preview: Path | None = None, now: datetime | None = None
) -> list[str]:
    """Prefect flow: send the digests that are due; end with a summary line and a markdown artifact."""
    from prefect.artifacts import create_markdown_artifact

    logger = get_run_logger()
    try:
        report = run_digest(settings, dry_run=dry_run, preview=preview, now=now)
    except TransientError as exc:
        logger.error(str(exc))
        create_markdown_artifact(
            key="digest-summary",
            markdown=f"# Digest\n\n**Failed:** {exc}\n",
            description="digest: failed sends",
        )
        raise
    for line in report or ["digest: nothing new to send"]:
        logger.info(line)
    summary = (
        f"digest (dry run): {sum(1 for r in report if r.startswith('would send'))} would be sent"
        if dry_run or preview
        else f"digest: {len(report)} sent"
    )
    logger.info(summary)
    body = "\n".join(f"- {line.strip()}" for line in report) or "- nothing new to send"
    create_markdown_artifact(
        key="digest-summary", markdown=f"# Digest\n\n{summary}\n\n{body}\n", description=summary
    )
    return report
