"""Bytes in: the encodings analysts' tools produce, and the inputs we refuse."""

from __future__ import annotations

import codecs
import os

import pytest

from erc_parse import InputError, parse_bytes, parse_file
from erc_parse.reader import decode, split_lines

from .conftest import SAMPLE

PAGE = "Título: Évaluation à mi-parcours – “ILMS”\nStatus: Completed\n"


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        codecs.BOM_UTF8 + PAGE.encode("utf-8"),
        PAGE.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"),
        PAGE.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_encodings_decode_to_the_same_text(data: bytes) -> None:
    assert decode(data) == PAGE


def test_latin1_fallback_for_bytes_cp1252_lacks() -> None:
    assert decode(b"caf\xe9 \x81") == "café \x81"


def test_same_page_same_result_in_every_encoding() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    ref = parse_bytes(text.encode("utf-8"))
    for data in (codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        got = parse_bytes(data)
        assert got.model_dump(exclude={"source"}) == ref.model_dump(exclude={"source"})


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\x00\x00\x01binary",
        os.urandom(4096),
        bytes(range(32)) * 20,
        codecs.BOM_UTF16_LE + b"\x00\xd8",
    ],
    ids=["nul", "random", "controls", "bad-utf16"],
)
def test_binary_is_refused_with_one_line(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(data)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_split_lines_counts_like_an_editor() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert split_lines("a\fb\n") == ["a\fb"]
    assert split_lines("") == []


def test_parse_file_records_path_and_hash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "x.txt"
    p.write_bytes(SAMPLE.read_bytes())
    ev = parse_file(p)
    assert ev.source.path == str(p)
    assert ev.source.sha256 is not None and len(ev.source.sha256) == 64


def test_empty_input_parses_to_an_empty_evaluation() -> None:
    ev = parse_bytes(b"")
    assert ev.kind == "unknown"
    assert [d.code for d in ev.diagnostics] == ["empty"]


# --- issue 14, point 11: UTF-16 without a BOM, and files that are not text -------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(encoding: str) -> None:
    assert decode(PAGE.encode(encoding)) == PAGE


def test_utf16_without_a_bom_parses_like_utf8() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    ref = parse_bytes(text.encode("utf-8"))
    for encoding in ("utf-16-le", "utf-16-be"):
        got = parse_bytes(text.encode(encoding))
        assert got.model_dump(exclude={"source"}) == ref.model_dump(exclude={"source"})


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-16-le")[:-1],  # odd length: not UTF-16
        b"a\x00b\x00\x00c\x00d" * 50,  # NULs on both sides
        b"ab\x00cd" * 100,  # too few NULs for UTF-16 text
        "\ud800 lone surrogate".encode("utf-16-le", "surrogatepass"),
    ],
    ids=["odd-length", "both-sides", "sparse", "bad-surrogate"],
)
def test_nul_bytes_that_are_not_utf16_are_binary(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode(data)
    assert str(info.value) == "input is binary (contains NUL bytes), not a text dump"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", "a PDF file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00\x01", "a PDF file"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...word/document.xml", "a Word document (DOCX)"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...xl/workbook.xml", "an Excel workbook (XLSX)"),
        (b"PK\x03\x04\x14\x00\x00\x00notes.txt", "a ZIP archive"),
        (b"PK\x05\x06" + b"\x00" * 18, "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a Word or Excel 97-2003 file"),
    ],
    ids=["pdf-no-nul", "pdf", "docx", "xlsx", "zip", "empty-zip", "ole2"],
)
def test_known_formats_are_named(data: bytes, name: str) -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(data)
    assert str(info.value) == f"input is {name}, not a text dump"


HTML_HINT = "input is an HTML page, not a text dump: save the page as text (Save Page As, Text Files) and give that file"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html>\n<html><head><title>ERC</title></head><body>Title: x</body></html>",
        b"\n  <html lang='en'>\n<body>Evaluation Plan:</body>",
        b"<!-- saved from url=(0045)https://erc.undp.org/ -->\n<!doctype HTML>\n<html>",
        codecs.BOM_UTF8 + b"<html>\n<body></body></html>",
        "<!DOCTYPE html><html></html>".encode("utf-16"),
        "<!DOCTYPE html><html></html>".encode("utf-16-le"),
    ],
    ids=["doctype", "html-tag", "comment-first", "utf8-bom", "utf16-bom", "utf16-no-bom"],
)
def test_html_is_refused_with_a_hint(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(data)
    assert str(info.value) == HTML_HINT


@pytest.mark.parametrize(
    "text",
    [
        "Title: <html> in a sentence\n",
        "Evaluation Plan:\nThe <html> element is mentioned here.\n",
        "%PDF is how a PDF file starts\n",
        "PK is a word too\n",
        "<htmlish>\n",
    ],
)
def test_text_that_mentions_those_formats_is_still_text(text: str) -> None:
    assert decode(text.encode("utf-8")) == text
