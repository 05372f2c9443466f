"""Unit tests for parsers.encoding: header vs meta vs BOM vs detection, and mislabelled latin-1."""

from __future__ import annotations

import codecs

import pytest

from parsers.encoding import decode_document, normalize_charset, sniff_declared_charset

TEXT = "Café owners fear the £1,000 “visa charge” – naïve rules"


def _page(charset_meta: str = "") -> str:
    return f"<html><head>{charset_meta}<title>t</title></head><body><p>{TEXT}</p></body></html>"


def test_header_charset_wins_over_meta() -> None:
    data = _page('<meta charset="utf-8">').encode("cp1252")
    assert TEXT in decode_document(data, "text/html; charset=windows-1252")


def test_meta_charset_used_without_header() -> None:
    data = _page('<meta charset="windows-1252">').encode("cp1252")
    assert TEXT in decode_document(data)
    data = _page('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">').encode("cp1252")
    assert TEXT in decode_document(data, "text/html")  # header without charset: look in the page


def test_latin1_label_decodes_as_windows_1252() -> None:
    data = _page().encode("cp1252")
    decoded = decode_document(data, "text/html; charset=ISO-8859-1")
    assert "“visa charge”" in decoded  # 0x93/0x94 are curly quotes in cp1252, controls in latin-1


def test_utf8_bytes_mislabelled_as_latin1() -> None:
    data = _page('<meta charset="iso-8859-1">').encode("utf-8")
    assert TEXT in decode_document(data, "text/html; charset=iso-8859-1")


def test_bom_wins() -> None:
    assert TEXT in decode_document(codecs.BOM_UTF8 + _page().encode("utf-8"), "text/html; charset=iso-8859-1")
    assert TEXT in decode_document(codecs.BOM_UTF16_LE + _page().encode("utf-16-le"))


def test_xml_prolog() -> None:
    data = ('<?xml version="1.0" encoding="windows-1252"?>' + _page()).encode("cp1252")
    assert TEXT in decode_document(data)


def test_undeclared_utf8() -> None:
    assert TEXT in decode_document(_page().encode("utf-8"))


def test_undeclared_legacy_bytes_are_detected() -> None:
    long_text = "Les élèves ont été très déçus par la décision du ministère, à côté de l'école. " * 20
    data = f"<html><body><p>{long_text}</p></body></html>".encode("cp1252")
    assert "élèves ont été très déçus" in decode_document(data)


def test_utf8_label_on_legacy_bytes_falls_back() -> None:
    long_text = "Les élèves ont été très déçus par la décision du ministère. " * 20
    data = f'<html><head><meta charset="utf-8"></head><body><p>{long_text}</p></body></html>'.encode("cp1252")
    assert "élèves ont été" in decode_document(data, "text/html; charset=utf-8")


def test_a_stray_bad_byte_keeps_utf8() -> None:
    data = _page('<meta charset="utf-8">').encode("utf-8") + b"\xff"
    assert TEXT in decode_document(data)


def test_utf8_text_made_of_replacement_characters_is_redetected() -> None:
    # valid UTF-8 whose non-ASCII text is mostly U+FFFD (a page once decoded badly): counted, not trusted
    page = '<html><head><meta charset="utf-8"></head><body><p>Caf\ufffd \ufffd na\ufffdve</p></body></html>'
    data = page.encode()
    assert decode_document(data, "text/html; charset=utf-8") != page
    accented = page.replace("\ufffd", "\u00e9")
    assert decode_document(accented.encode(), "text/html; charset=utf-8") == accented


def test_unknown_label_and_empty_input() -> None:
    assert TEXT in decode_document(_page().encode("utf-8"), "text/html; charset=no-such-charset")
    assert decode_document(b"") == ""


@pytest.mark.parametrize(
    ("label", "codec"),
    [("UTF-8", "utf_8"), ("latin1", "cp1252"), ("us-ascii", "cp1252"), ("Shift_JIS", "shift_jis"),
     ("utf8mb4", "utf_8"), ("bogus", None), (None, None)],
)  # fmt: skip
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


def test_sniff_declared_charset() -> None:
    assert sniff_declared_charset(b'<html><head><meta charset="koi8-r">') == "koi8_r"
    assert sniff_declared_charset(b"<html><head><title>x</title>") is None


def test_central_european_text_stays_cp1250() -> None:
    """The slack that lets cp1252 win near-ties must not turn Czech č, ř, ž into western letters."""
    czech = ("<html><body><p>Příliš žluťoučký kůň úpěl ďábelské ódy. Ministerstvo vnitra zveřejnilo čísla o "
             "žádostech o azyl; počet žádostí vzrostl o čtvrtinu.</p></body></html>")
    text = decode_document(czech.encode("cp1250"), "text/html")
    assert "žluťoučký" in text and "čtvrtinu" in text
