"""Bytes to text: the one place that decides what counts as a text dump.

Dumps arrive as whatever the browser or crawler saved: UTF-8 (with or without a
BOM), UTF-16 from Windows tools, or cp1252/latin-1 from older ones. We accept all
of these and refuse anything else with ``InputError``, because parsing a PDF or a
zip as if it were a page would produce a confident-looking empty result.
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


def decode(data: bytes) -> str:
    """Decode a dump, trying the encodings the portal's users actually produce."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_strict(data[3:], "utf-8"), "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_strict(data, "utf-16"), "UTF-16")
    if b"\x00" in data:
        raise InputError("input is binary (contains NUL bytes), not a text dump")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return _checked(text, "text")


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
