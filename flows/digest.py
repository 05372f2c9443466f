"""@flow "digest": select what is new for each rule and recipient, render an email, send it (or write .eml), record it."""

from __future__ import annotations

import hashlib
import html
import re
import smtplib
import ssl
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from prefect import flow, get_run_logger

from flows.errors import TransientError
from flows.settings import DigestRule, Settings, SmtpSettings
from warehouse.db import connect, ensure_schema, read_sql, transaction
from warehouse.state import finish_run, start_run

_WORD = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestItem:
    """One story in a digest."""

    article_id: str
    title: str
    url: str
    outlets: tuple[str, ...]
    first_seen: datetime
    quotes: tuple[tuple[str, str], ...]  # (speaker, text)
    figures: tuple[str, ...]
    matched: tuple[str, ...]  # the rule's terms that matched


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """One email to one recipient: items grouped by rule."""

    recipient: str
    items: tuple[tuple[DigestRule, DigestItem], ...]


def match_terms(query: str, text: str) -> tuple[str, ...] | None:
    """The query's words and "phrases" that occur in text when all of them do, else None."""
    lowered = text.lower()
    terms = [phrase or word for phrase, word in _WORD.findall(query)]
    found = tuple(t for t in terms if t.lower() in lowered)
    return found if len(found) == len(terms) and terms else None


def select_digests(settings: Settings, now: datetime, limit: int = 50) -> list[Digest]:
    """Build one Digest per recipient from every rule's unsent matching articles."""
    per_recipient: dict[str, list[tuple[DigestRule, DigestItem]]] = defaultdict(list)
    with connect(settings.db) as con:
        for rule in settings.rules:
            for recipient in rule.recipients:
                rows = con.execute(read_sql("digest_candidates"),
                                   [rule.name, recipient, settings.relevance_threshold, limit * 4]).fetchall()
                matched = []
                for article_id, title, url, outlet, _published, first_seen, body, outlets in rows:
                    terms = match_terms(rule.query, f"{title or ''}\n{body}")
                    if terms:
                        matched.append((article_id, title or url, url, tuple(outlets or ()), first_seen, terms))
                matched = matched[:limit]
                ids = [m[0] for m in matched]
                quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
                for article_id, text, speaker, _kind in con.execute(read_sql("article_quotes"), [ids]).fetchall():
                    quotes[article_id].append((speaker, text))
                figures: dict[str, list[str]] = defaultdict(list)
                for article_id, text, _subject, _source in con.execute(read_sql("article_figures"), [ids]).fetchall():
                    figures[article_id].append(text)
                for article_id, title, url, outlets, first_seen, terms in matched:
                    per_recipient[recipient].append((rule, DigestItem(
                        article_id=article_id, title=title, url=url, outlets=outlets, first_seen=first_seen,
                        quotes=tuple(quotes[article_id][:3]), figures=tuple(figures[article_id][:3]), matched=terms)))
    return [Digest(recipient=r, items=tuple(items)) for r, items in sorted(per_recipient.items()) if items]


def render_digest(digest: Digest, sender: str, now: datetime) -> EmailMessage:
    """An HTML + plain-text email; article text is escaped, never markup."""
    rules = sorted({rule.name for rule, _ in digest.items})
    count = len(digest.items)
    message = EmailMessage()
    message["Subject"] = f"{count} new {'story' if count == 1 else 'stories'}: {', '.join(rules)}"
    message["From"] = sender
    message["To"] = digest.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="newsmon.local")
    message["List-Unsubscribe"] = f"<mailto:{sender}?subject=unsubscribe>"
    text_lines, html_rows = [message["Subject"], ""], []
    for rule, item in digest.items:
        text_lines += [f"* {item.title}", f"  {item.url}", f"  Outlets: {', '.join(item.outlets) or 'unknown'}",
                       f"  Why: rule '{rule.name}' matched {', '.join(item.matched)}"]
        text_lines += [f'  "{text}" - {speaker}' for speaker, text in item.quotes]
        text_lines += [f"  Figure: {figure}" for figure in item.figures]
        text_lines.append("")
        quotes_html = "".join(f'<p style="margin:4px 0;color:#333">&ldquo;{html.escape(t)}&rdquo; &mdash; '
                              f"<b>{html.escape(s)}</b></p>" for s, t in item.quotes)
        figures_html = "".join(f'<p style="margin:4px 0;color:#555">{html.escape(f)}</p>' for f in item.figures)
        html_rows.append(
            f'<tr><td style="padding:12px;border-bottom:1px solid #ddd;font-family:Arial,sans-serif">'
            f'<a href="{html.escape(item.url, quote=True)}" style="font-size:16px;color:#1a4d8f">'
            f"{html.escape(item.title)}</a>"
            f'<p style="margin:4px 0;color:#777;font-size:12px">{html.escape(", ".join(item.outlets))} &middot; '
            f'first seen {item.first_seen:%d %b %Y %H:%M} UTC &middot; why: {html.escape(rule.name)} '
            f'({html.escape(", ".join(item.matched))})</p>{quotes_html}{figures_html}</td></tr>')
    message.set_content("\n".join(text_lines))
    message.add_alternative(
        '<!DOCTYPE html><html><body style="margin:0;padding:0">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px">'
        f'<tr><td style="padding:12px;font-family:Arial,sans-serif;font-size:20px">{html.escape(message["Subject"])}'
        f'</td></tr>{"".join(html_rows)}</table></body></html>', subtype="html")
    return message


def deliver(message: EmailMessage, smtp: SmtpSettings | None, outbox: Path) -> str:
    """Send by SMTP when configured, else write an .eml file to the outbox; return where it went."""
    if smtp is None:
        outbox.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>"))
        path = outbox / f"{name}.eml"
        path.write_bytes(bytes(message))
        return str(path)
    try:
        context = ssl.create_default_context()
        client: smtplib.SMTP = (smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=30, context=context) if smtp.ssl
                                else smtplib.SMTP(smtp.host, smtp.port, timeout=30))
        with client:
            if smtp.starttls:
                client.starttls(context=context)
            if smtp.user and smtp.password:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientError(f"smtp://{smtp.host}:{smtp.port}: send failed: {type(exc).__name__}: {exc}") from None
    return f"smtp://{smtp.host}:{smtp.port}"


def fingerprint_item(item: DigestItem) -> str:
    """What was sent about an item, hashed: quotes, figures and outlets."""
    return hashlib.sha256(repr((item.quotes, item.figures, item.outlets)).encode()).hexdigest()[:16]


def run_digest(settings: Settings, *, dry_run: bool = False, now: datetime | None = None) -> list[str]:
    """Select, render and deliver every digest; record each in the ledger only after delivery succeeded."""
    now = now or datetime.now(UTC)
    ensure_schema(settings.db)
    report = []
    run_id = str(uuid.uuid4())
    if not dry_run:
        with connect(settings.db) as con:
            start_run(con, run_id, "digest", now)
    sent = 0
    for digest in select_digests(settings, now):
        message = render_digest(digest, settings.digest_sender, now)
        if dry_run:
            report.append(f"would send to {digest.recipient}: {message['Subject']}")
            continue
        where = deliver(message, settings.smtp, settings.outbox)
        sent += 1
        with connect(settings.db) as con, transaction(con):
            for rule, item in digest.items:
                con.execute("INSERT INTO digests_sent VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            [rule.name, digest.recipient, item.article_id, fingerprint_item(item),
                             message["Message-ID"], now])
        report.append(f"sent to {digest.recipient}: {message['Subject']} ({where})")
    if not dry_run:
        with connect(settings.db) as con:
            finish_run(con, run_id, datetime.now(UTC), "completed", {"new": sent}, f"digest: {sent} sent")
    return report


@flow(name="digest", validate_parameters=False)
def digest_flow(settings: Settings, dry_run: bool = False) -> list[str]:
    """Prefect flow: send the digests that are due."""
    report = run_digest(settings, dry_run=dry_run)
    logger = get_run_logger()
    for line in report or ["digest: nothing new to send"]:
        logger.info(line)
    return report
