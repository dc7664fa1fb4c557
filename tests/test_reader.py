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
