"""Decode fetched HTML bytes to text: declared charset (BOM, header, meta, XML prolog), else detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# How far into the document a <meta charset> or XML prolog is looked for. The HTML spec says 1024
# bytes, but real pages often put it after a long head of comments or scripts.
_PRESCAN_BYTES = 16384

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_NON_ASCII = re.compile(rb"[\x80-\xff]")

# Labels that browsers (WHATWG Encoding Standard) decode as windows-1252: servers and pages say
# "latin-1" or "ascii" while the bytes are cp1252 (curly quotes at 0x91-0x94, euro at 0x80, ...).
_AS_WINDOWS_1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252", "iso8859_15"})
# Coherence points (charset-normalizer's language fit, 0-100) by which cp1252 may trail the best guess and
# still win: short texts with few non-ASCII letters score within a point or two in every Latin codepage.
_COHERENCE_SLACK = 2.0
_UNICODE_CODECS = frozenset({"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"})


def normalize_charset(label: str | None) -> str | None:
    """Return Python's codec name for a charset label ("ISO-8859-1" -> "cp1252"), or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in {"x-user-defined", "unicode-1-1-utf-8", "utf8mb4"}:
        label = "utf-8" if label != "x-user-defined" else "cp1252"
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    if name in _AS_WINDOWS_1252:
        return "cp1252"
    if name == "utf_8_sig":
        return "utf_8"
    return name


def sniff_declared_charset(data: bytes) -> str | None:
    """Return the charset a document declares about itself (<meta charset>, http-equiv or XML prolog)."""
    head = data[:_PRESCAN_BYTES]
    match = _XML_PROLOG.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return normalize_charset(match.group(1).decode("ascii", "ignore"))


def _decode_bom(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect_charset(data: bytes) -> str:
    """charset-normalizer's best guess; among about equally good guesses the web's default legacy charset
    wins, as in browsers (French text decodes equally "cleanly" as cp1250 and cp1252, but è is not č; an
    English page's few '£' and curly quotes give cp1250 a coherence a point higher, with 'Ł' for '£')."""
    results = list(from_bytes(data[:200_000]))
    if not results:
        return "cp1252"
    best = results[0]
    for match in results:
        tied = (match.percent_chaos <= best.percent_chaos
                and match.percent_coherence >= best.percent_coherence - _COHERENCE_SLACK)
        if tied and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return normalize_charset(best.encoding) or "cp1252"


def decode_document(data: bytes, content_type: str | None = None) -> str:
    """Decode an HTML/XML document: BOM, Content-Type charset, in-document declaration, else detection.

    A declared single-byte western charset (latin-1, ascii, cp1252) is overruled when the bytes are valid
    UTF-8 containing non-ASCII text: that mislabelling is common and UTF-8 cannot validate by accident.
    Undecodable bytes become U+FFFD; this function never raises on content.
    """
    if not data:
        return ""
    text = _decode_bom(data)
    if text is not None:
        return text
    header = _HEADER_CHARSET.search(content_type) if content_type else None
    declared = normalize_charset(header.group(1)) if header else None
    if declared is None or declared in _UNICODE_CODECS and b"\x00" not in data[:4096]:
        declared = sniff_declared_charset(data)
    if declared in _UNICODE_CODECS and b"\x00" not in data[:4096]:
        declared = None  # an ASCII-compatible page claiming UTF-16: the declaration is wrong
    if declared == "cp1252" and _NON_ASCII.search(data) and _is_utf8(data):
        declared = "utf_8"
    if declared is None:
        declared = "utf_8" if _is_utf8(data) else _detect_charset(data)
    if declared == "utf_8" and b"\xef" not in data:  # memchr: no U+FFFD (EF BF BD) among the bytes
        try:
            return data.decode("utf_8")  # valid: no U+FFFD in the text either, so none to count below
        except UnicodeDecodeError:
            pass
    text = data.decode(declared, errors="replace")
    if declared == "utf_8" and _mostly_invalid(text):
        # labelled UTF-8 but mostly not: a stray bad byte keeps UTF-8, a cp1252 page does not
        text = data.decode(_detect_charset(data), errors="replace")
    return text


def _mostly_invalid(text: str) -> bool:
    bad = text.count("\ufffd")
    if not bad:
        return False
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return bad * 2 > non_ascii
