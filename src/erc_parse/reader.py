"""Bytes to text: the one place that decides what counts as a text dump.

Dumps arrive as whatever the browser or crawler saved: UTF-8 (with or without a
BOM), UTF-16 from Windows tools (with or without a BOM), or cp1252/latin-1 from older
ones. We accept all of these and refuse anything else with ``InputError``, because
parsing a PDF or a zip as if it were a page would produce a confident-looking empty
result. A PDF, Office or ZIP file, and a page saved as HTML, are named in the message
whether or not they contain NUL bytes (a PDF often has none in its first lines, and
HTML never does): the user then knows what to save instead.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["InputError", "decode", "split_lines"]


class InputError(ValueError):
    """The input is not a text dump (binary, or undecodable). The message is one line."""


# C0 controls other than tab, LF, VT, FF, CR, plus DEL. Text dumps have none, or a stray one.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01


#: Formats people save a page as instead of text, known by their first bytes.
_SIGNATURES = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word or Excel 97-2003 file"),
)
#: Inside a ZIP, the folder that makes it an Office document (named in the first entries).
_OFFICE = ((b"word/", "a Word document (DOCX)"), (b"xl/", "an Excel workbook (XLSX)"))
_HTML = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)


def decode(data: bytes) -> str:
    """Decode a dump, trying the encodings the portal's users actually produce."""
    _refuse_known_formats(data)
    if data.startswith(codecs.BOM_UTF8):
        return _text(_strict(data[3:], "utf-8"), "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _text(_strict(data, "utf-16"), "UTF-16")
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        try:
            text = data.decode(encoding) if encoding else ""
        except UnicodeDecodeError:
            text = ""
        # Without a BOM to vouch for it, the text must also look like text: no control
        # characters at all (a BOM-less guess over binary data would decode to them).
        if not text or _CONTROL.search(text):
            raise InputError("input is binary (contains NUL bytes), not a text dump")
        return _text(text, "UTF-16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return _text(text, "text")


def _refuse_known_formats(data: bytes) -> None:
    """Name the file type when a dump is really a PDF, an Office file or a ZIP, NULs or not."""
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            if magic.startswith(b"PK"):
                head = data[:4096]
                name = next((office for folder, office in _OFFICE if folder in head), name)
            raise InputError(f"input is {name}, not a text dump")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when the NULs fall as they do in UTF-16 text without a BOM.

    Text in a Latin script is mostly code points below U+0100, whose high byte is NUL: in
    UTF-16 every second byte is NUL, all on one side (odd offsets in little-endian, even
    in big-endian). Binary data has its NULs on both sides, or too few of them.
    """
    sample = data[:65536]
    if len(data) % 2 or len(sample) < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= max(4, half * 0.5) and even <= odd * 0.02:
        return "utf-16-le"
    if even >= max(4, half * 0.5) and odd <= even * 0.02:
        return "utf-16-be"
    return None


def _text(text: str, what: str) -> str:
    """The decoded text, once it is known to be neither binary nor a web page's source."""
    text = _checked(text, what)
    if _HTML.match(text, 0, 4096):
        raise InputError(
            "input is an HTML page, not a text dump: save the page as text"
            " (Save Page As, Text Files) and give that file"
        )
    return text


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"input has a {encoding} byte-order mark but is not {encoding}: {exc.reason}"
        ) from None


def _checked(text: str, what: str) -> str:
    if "\x00" in text:
        raise InputError(f"input is binary (NUL characters in {what}), not a text dump")
    if text:
        controls = len(_CONTROL.findall(text, 0, 65536))
        if controls > max(2, _MAX_CONTROL_RATIO * min(len(text), 65536)):
            raise InputError(f"input is binary ({controls} control characters), not a text dump")
    return text


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or lone CR alike, so line numbers match what editors show.

    ``str.splitlines`` would also split on form feeds, vertical tabs and U+2028,
    which editors do not count as new lines; dumps do contain stray ones.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
