"""Digest emails: items, subject, HTML (tables, inline CSS) and plain parts, and the PNG trend chart."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote as url_quote

ACCENT = "#1a4d8f"
MUTED = "#6b7280"
FONT = "Arial,Helvetica,sans-serif"
CHART_SIZE = (560, 150)  # CSS pixels; the PNG is drawn at twice that for sharp displays


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteLine:
    """One quote as shown: speaker, words, the outlets that carried it, whether it is new since last sent."""

    speaker: str
    text: str
    outlets: tuple[str, ...]
    new: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureLine:
    """One figure as shown, with its source."""

    text: str
    source: str | None
    new: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryItem:
    """One story cluster (not one copy) in a digest."""

    key: str  # story id, the ledger key
    title: str
    url: str
    outlets: tuple[str, ...]
    first_seen: datetime
    quotes: tuple[QuoteLine, ...]
    figures: tuple[FigureLine, ...]
    why: tuple[tuple[str, tuple[str, ...]], ...]  # (rule name, the terms/fields that matched)
    updated: bool = False  # sent before; shown again because it gained something
    new_outlets: tuple[str, ...] = ()
    new_quotes: int = 0
    new_figures: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SpikeItem:
    """An entity or topic whose stories today exceed factor x its trailing 7-day mean."""

    key: str
    kind: str  # entity or topic
    name: str
    today: int
    mean: float
    factor: float
    stories: tuple[tuple[str, str, tuple[str, ...]], ...]  # (title, url, outlets) of today's stories
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Trend:
    """Daily counts for the chart, oldest first; the last day is today (in the rule's time zone)."""

    label: str
    days: tuple[tuple[date, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One rule's part of an email."""

    rule: str
    description: str  # the query, or what the spike rule watches
    items: tuple[StoryItem | SpikeItem, ...]
    trend: Trend | None
    more: int = 0  # items left out to keep the email short (sent next time)
    timezone: tzinfo | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """One email to one recipient: the sections of every due rule that had something new."""

    recipient: str
    sections: tuple[Section, ...]

    def counts(self) -> tuple[int, int, int]:
        """(new stories, updated stories, spikes)."""
        items = [item for section in self.sections for item in section.items]
        new = sum(1 for i in items if isinstance(i, StoryItem) and not i.updated)
        updated = sum(1 for i in items if isinstance(i, StoryItem) and i.updated)
        return new, updated, sum(1 for i in items if isinstance(i, SpikeItem))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def render_subject(digest: Digest) -> str:
    """Say what is inside: '3 new stories, 1 update: deportation, small boats'."""
    new, updated, spikes = digest.counts()
    parts = []
    if new:
        parts.append(_plural(new, "new story", "new stories"))
    if updated:
        parts.append(_plural(updated, "update", "updates"))
    if spikes:
        parts.append(_plural(spikes, "spike", "spikes"))
    rules = [s.rule for s in digest.sections]
    shown = ", ".join(rules[:3]) + (f" +{len(rules) - 3} more" if len(rules) > 3 else "")
    return f"{', '.join(parts) or 'Nothing new'}: {shown}"


def format_when(moment: datetime, zone: tzinfo | None) -> str:
    """'3 May 2026, 08:14 BST' in the rule's time zone."""
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or 'UTC'}"


def describe_trend(trend: Trend) -> str:
    """The chart in words, for the plain part and the image's alt text."""
    counts = [c for _, c in trend.days]
    return (
        f"{trend.label}, last {len(counts)} days (oldest first): {' '.join(map(str, counts))}; "
        f"today {counts[-1] if counts else 0}, total {sum(counts)}"
    )


def render_chart(trend: Trend) -> bytes:
    """A bar chart of the daily counts as a PNG (Pillow, drawn at 2x; today's bar in the accent colour)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 2
    width, height = CHART_SIZE[0] * scale, CHART_SIZE[1] * scale
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    small = ImageFont.load_default(size=11 * scale)
    bold = ImageFont.load_default(size=12 * scale)
    left, right, top, bottom = 28 * scale, 8 * scale, 24 * scale, 22 * scale
    draw.text((4 * scale, 4 * scale), trend.label, fill="#111827", font=bold)
    counts = [c for _, c in trend.days] or [0]
    peak = max(max(counts), 1)
    plot_h = height - top - bottom
    base_y = height - bottom
    draw.line([(left, base_y), (width - right, base_y)], fill="#9ca3af", width=scale)
    for tick in sorted({peak, peak // 2} - {0}):  # whole stories only
        y = base_y - round(plot_h * tick / peak)
        draw.line([(left, y), (width - right, y)], fill="#e5e7eb", width=1)
        draw.text((4 * scale, y - 7 * scale), str(tick), fill=MUTED, font=small)
    slot = (width - left - right) / max(len(counts), 1)
    for index, ((day, count), x0) in enumerate(
        zip(trend.days, (left + i * slot for i in range(len(counts))), strict=True)
    ):
        is_today = index == len(counts) - 1
        bar_h = round(plot_h * count / peak)
        x1, x2 = round(x0 + slot * 0.18), round(x0 + slot * 0.82)
        if count:
            draw.rectangle([x1, base_y - bar_h, x2, base_y - 1], fill=ACCENT if is_today else "#93b4dc")
            label = str(count)
            text_w = draw.textlength(label, font=small)
            draw.text(
                (round((x1 + x2 - text_w) / 2), base_y - bar_h - 14 * scale),
                label,
                fill="#111827",
                font=small,
            )
        if index % 2 == (len(counts) - 1) % 2:
            label = "today" if is_today else f"{day.day} {day:%b}"
            text_w = draw.textlength(label, font=small)
            draw.text(
                (round((x1 + x2 - text_w) / 2), base_y + 5 * scale),
                label,
                fill="#111827" if is_today else MUTED,
                font=small,
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _link(url: str, text: str, style: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" style="{style}">{_e(text)}</a>'
    return f'<span style="{style}">{_e(text)}</span>'


def _cut(text: str, limit: int = 320) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _words(quote: QuoteLine) -> str:
    """The quoted words without the comma that led into the speech verb ("...quickly," she said)."""
    return _cut(quote.text).rstrip(" ,;:")


def _why(item: StoryItem) -> str:
    return "; ".join(
        f"rule \u201c{rule}\u201d matched {', '.join(hits) or 'all stories'}" for rule, hits in item.why
    )


def _whats_new(item: StoryItem) -> str:
    parts = []
    if item.new_quotes:
        parts.append(_plural(item.new_quotes, "new quote", "new quotes"))
    if item.new_figures:
        parts.append(_plural(item.new_figures, "new figure", "new figures"))
    if item.new_outlets:
        parts.append(f"now also in {', '.join(item.new_outlets)}")
    return "; ".join(parts)


def _story_html(item: StoryItem, zone: tzinfo | None) -> str:
    badge_color, badge = ("#b45309", "UPDATED") if item.updated else ("#047857", "NEW")
    rows = [
        '<span style="display:inline-block;font-size:11px;font-weight:bold;color:#ffffff;'
        f"background:{badge_color};"
        f'padding:2px 6px;border-radius:3px;letter-spacing:0.5px">{badge}</span>',
        f'<div style="margin:6px 0 4px 0;font-size:17px;line-height:1.3;font-weight:bold">'
        f"{_link(item.url, item.title, f'color:{ACCENT};text-decoration:none')}</div>",
        f'<div style="font-size:12px;color:{MUTED};margin-bottom:8px">'
        f"First seen {_e(format_when(item.first_seen, zone))}"
        f" &middot; {_e(_plural(len(item.outlets), 'outlet', 'outlets'))}: "
        f"{_e(', '.join(item.outlets) or 'unknown')}"
        "</div>",
    ]
    if item.updated:
        rows.append(
            f'<div style="font-size:13px;background:#fef3c7;color:#78350f;padding:6px 8px;margin:0 0 8px 0">'
            f"<b>What is new:</b> {_e(_whats_new(item))}</div>"
        )
    for quote in item.quotes:
        marker = '<b style="color:#b45309">NEW </b>' if quote.new and item.updated else ""
        rows.append(
            f'<div style="border-left:3px solid {ACCENT};padding:2px 0 2px 10px;margin:0 0 8px 0;'
            "font-size:14px;"
            f'line-height:1.45;color:#111827">{marker}&ldquo;{_e(_words(quote))}&rdquo;'
            f'<div style="font-size:12px;color:{MUTED};margin-top:2px">&mdash; <b style="color:#374151">'
            f"{_e(quote.speaker)}</b>"
            + (f" &middot; in {_e(', '.join(quote.outlets))}" if quote.outlets else "")
            + "</div></div>"
        )
    if item.figures:
        figure_rows = "".join(
            f'<tr><td valign="top" style="padding:2px 6px 2px 0;font-size:14px;color:{ACCENT}">&#9656;</td>'
            f'<td style="padding:2px 0;font-size:14px;line-height:1.4;color:#111827">'
            + ('<b style="color:#b45309">NEW </b>' if figure.new and item.updated else "")
            + f"{_e(_cut(figure.text, 200))}"
            + (
                f' <span style="color:{MUTED};font-size:12px">(source: {_e(figure.source)})</span>'
                if figure.source
                else ""
            )
            + "</td></tr>"
            for figure in item.figures
        )
        rows.append(
            f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
            f'style="margin:0 0 8px 0">{figure_rows}</table>'
        )
    rows.append(
        f'<div style="font-size:12px;color:{MUTED};background:#f3f4f6;padding:5px 8px">'
        f"<b>Why it matched:</b> {_e(_why(item))}</div>"
    )
    return (
        '<tr><td style="padding:16px 20px;border-top:1px solid #e5e7eb;font-family:'
        + FONT
        + '">'
        + "".join(rows)
        + "</td></tr>"
    )


def _spike_html(item: SpikeItem) -> str:
    stories = "".join(
        '<tr><td style="padding:2px 0;font-size:14px">'
        f"{_link(url, title, f'color:{ACCENT};text-decoration:none')}"
        f' <span style="font-size:12px;color:{MUTED}">{_e(", ".join(outlets))}</span></td></tr>'
        for title, url, outlets in item.stories
    )
    return (
        '<tr><td style="padding:16px 20px;border-top:1px solid #e5e7eb;font-family:' + FONT + '">'
        '<span style="display:inline-block;font-size:11px;font-weight:bold;color:#ffffff;background:#b91c1c;'
        'padding:2px 6px;border-radius:3px;letter-spacing:0.5px">SPIKE</span>'
        '<div style="margin:6px 0 4px 0;font-size:17px;font-weight:bold;color:#111827">'
        f"{_e(item.kind.title())}: "
        f"{_e(item.name)}</div>"
        f'<div style="font-size:14px;color:#111827;margin-bottom:8px">{_e(_spike_sentence(item))}</div>'
        f'<table role="presentation" cellpadding="0" cellspacing="0" border="0">{stories}</table>'
        f'<div style="font-size:12px;color:{MUTED};background:#f3f4f6;padding:5px 8px;margin-top:8px">'
        f"<b>Why it matched:</b> rule \u201c{_e(item.rule)}\u201d: more than {item.factor:g} &times; the "
        f"trailing 7-day mean</div></td></tr>"
    )


def _spike_sentence(item: SpikeItem) -> str:
    return (
        f"{_plural(item.today, 'story', 'stories')} today against a daily mean of {item.mean:.1f} over the "
        f"previous 7 days ({item.today / item.mean:.1f}\u00d7)"
        if item.mean
        else f"{_plural(item.today, 'story', 'stories')} today; none in the previous 7 days"
    )


def render_html(
    digest: Digest, subject: str, now: datetime, images: Sequence[str | None], unsubscribe: str
) -> str:
    """The HTML part: a 600px table, inline CSS, no scripts; images[i]: section i's chart (cid: or data:)."""
    sections = []
    for section, src in zip(digest.sections, images, strict=True):
        head = (
            f'<tr><td style="padding:18px 20px 6px 20px;font-family:{FONT};border-top:4px solid {ACCENT}">'
            f'<div style="font-size:18px;font-weight:bold;color:#111827">{_e(section.rule)}</div>'
            f'<div style="font-size:12px;color:{MUTED};font-family:Menlo,Consolas,monospace;margin-top:2px">'
            f"{_e(section.description)}</div></td></tr>"
        )
        chart = ""
        if src and section.trend is not None:
            chart = (
                f'<tr><td style="padding:6px 20px 10px 20px"><img src="{_e(src)}" width="{CHART_SIZE[0]}" '
                f'height="{CHART_SIZE[1]}" alt="{_e(describe_trend(section.trend))}" '
                f'style="display:block;width:100%;max-width:{CHART_SIZE[0]}px;height:auto;border:0"></td></tr>'
            )
        items = "".join(
            _story_html(i, section.timezone) if isinstance(i, StoryItem) else _spike_html(i)
            for i in section.items
        )
        more = (
            f'<tr><td style="padding:10px 20px;font-family:{FONT};font-size:13px;color:{MUTED}">'
            f"{_plural(section.more, 'more story', 'more stories')} will follow in the next digest.</td></tr>"
            if section.more
            else ""
        )
        sections.append(head + chart + items + more)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(subject)}</title></head>"
        '<body style="margin:0;padding:0;background:#eef0f3">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#eef0f3"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
        'style="width:100%;max-width:600px;background:#ffffff;border-collapse:collapse">'
        f'<tr><td style="padding:16px 20px;background:{ACCENT};font-family:{FONT};color:#ffffff">'
        '<div style="font-size:12px;letter-spacing:1px;text-transform:uppercase;opacity:0.85">'
        "newsmon digest</div>"
        f'<div style="font-size:20px;font-weight:bold;margin-top:4px">{_e(subject)}</div>'
        '<div style="font-size:12px;margin-top:4px;opacity:0.85">'
        f"{_e(format_when(now, None))}</div></td></tr>"
        + "".join(sections)
        + f'<tr><td style="padding:14px 20px;font-family:{FONT};font-size:11px;color:{MUTED};'
        'border-top:1px solid #e5e7eb">'
        "You receive this because you are a recipient of the digest rules above. "
        f"{_link(unsubscribe, 'Unsubscribe', f'color:{MUTED}')}</td></tr>"
        "</table></td></tr></table></body></html>"
    )


def render_plain(digest: Digest, subject: str, now: datetime, unsubscribe: str) -> str:
    """The plain-text part: readable on its own, the same content as the HTML."""
    lines = [subject, f"newsmon digest, {format_when(now, None)}", ""]
    for section in digest.sections:
        title = f"== {section.rule} =="
        lines += [title, f"Query: {section.description}"]
        if section.trend is not None:
            lines.append(describe_trend(section.trend))
        lines.append("")
        for item in section.items:
            if isinstance(item, SpikeItem):
                lines += [f"[SPIKE] {item.kind.title()}: {item.name}", f"  {_spike_sentence(item)}"]
                lines += [
                    f"  - {title_} ({', '.join(outlets)})\n    {url}" for title_, url, outlets in item.stories
                ]
                lines += [
                    f"  Why it matched: rule \u201c{item.rule}\u201d: more than {item.factor:g} x the "
                    "trailing 7-day mean",
                    "",
                ]
                continue
            lines += [
                f"[{'UPDATED' if item.updated else 'NEW'}] {item.title}",
                f"  {item.url}",
                f"  First seen {format_when(item.first_seen, section.timezone)}; "
                f"{_plural(len(item.outlets), 'outlet', 'outlets')}: {', '.join(item.outlets) or 'unknown'}",
            ]
            if item.updated:
                lines.append(f"  What is new: {_whats_new(item)}")
            for quote in item.quotes:
                mark = "NEW " if quote.new and item.updated else ""
                lines.append(f"  {mark}\u201c{_words(quote)}\u201d \u2014 {quote.speaker}")
            for figure in item.figures:
                mark = "NEW " if figure.new and item.updated else ""
                lines.append(
                    f"  {mark}Figure: {_cut(figure.text, 200)}"
                    + (f" (source: {figure.source})" if figure.source else "")
                )
            lines += [f"  Why it matched: {_why(item)}", ""]
        if section.more:
            lines += [
                f"{_plural(section.more, 'more story', 'more stories')} will follow in the next digest.",
                "",
            ]
    lines += ["--", f"Unsubscribe: {unsubscribe}"]
    return "\n".join(lines) + "\n"


def unsubscribe_address(sender: str, digest: Digest) -> str:
    """A mailto: URI asking the sender to unsubscribe this recipient from these rules."""
    rules = ", ".join(s.rule for s in digest.sections)
    return f"mailto:{sender}?subject={url_quote(f'unsubscribe {digest.recipient} from {rules}')}"


def compose_message(digest: Digest, *, sender: str, now: datetime, message_id: str) -> EmailMessage:
    """The email: multipart/alternative of plain text and multipart/related (HTML + a PNG per section)."""
    subject = render_subject(digest)
    unsubscribe = unsubscribe_address(sender, digest)
    domain = message_id.rsplit("@", 1)[-1].rstrip(">")
    cids = [
        f"trend{index}.{message_id.strip('<>').split('@')[0][:16]}@{domain}"
        if section.trend is not None
        else None
        for index, section in enumerate(digest.sections)
    ]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = digest.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_plain(digest, subject, now, unsubscribe))
    message.add_alternative(
        render_html(digest, subject, now, [f"cid:{c}" if c else None for c in cids], unsubscribe),
        subtype="html",
    )
    html_part = message.get_payload()[1]  # type: ignore[index]
    for section, cid in zip(digest.sections, cids, strict=True):
        if cid is not None and section.trend is not None:
            html_part.add_related(
                render_chart(section.trend),
                maintype="image",
                subtype="png",
                cid=f"<{cid}>",
                filename=f"trend-{index_name(section.rule)}.png",
                disposition="inline",
            )
    return message


def index_name(rule: str) -> str:
    """A rule name made safe for a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in rule.lower()) or "rule"


def render_preview(digest: Digest, *, sender: str, now: datetime) -> str:
    """The HTML a browser can open on its own: the charts inlined as data: URIs instead of cid: references."""
    subject = render_subject(digest)
    images = [
        f"data:image/png;base64,{base64.b64encode(render_chart(s.trend)).decode('ascii')}"
        if s.trend is not None
        else None
        for s in digest.sections
    ]
    return render_html(digest, subject, now, images, unsubscribe_address(sender, digest))
