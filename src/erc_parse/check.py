"""The ``check`` command's library: parser diagnostics as a report for a person or for CI.

Three formats: ``text`` (``path:line: severity code message``, one per line, like a
compiler), ``github`` (GitHub Actions workflow commands, which annotate the file in a
pull request) and ``json``. Alongside the report, a :class:`Tally` counts what was found,
from which the caller decides the exit code and prints the closing count line.

Diagnostics whose code the user ignores (``check --ignore truncated``) are neither shown
nor counted as errors or warnings; they are counted as ignored, so a CI log still says
that something was set aside.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = ["Tally", "annotation", "check_report", "github_escape"]

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class Tally:
    """What a check found: files given, files that could not be read, diagnostics by kind."""

    files: int = 0
    unreadable: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    ignored: int = 0

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the diagnostics fail the check: errors, or with ``strict`` warnings too."""
        return self.errors > 0 or (strict and self.warnings > 0)

    def line(self) -> str:
        """The closing count line, e.g. ``3 files: 1 error, 2 warnings (4 ignored)``.

        Notices (``info``) are shown but not counted: they never fail a check. Files that
        could not be read are counted only when there are some.
        """
        unreadable = f"{self.unreadable} unreadable, " if self.unreadable else ""
        return (
            f"{_count(self.files, 'file')}: {unreadable}{_count(self.errors, 'error')}, "
            f"{_count(self.warnings, 'warning')} ({self.ignored} ignored)"
        )


def github_escape(text: str, *, prop: bool = False) -> str:
    """Escape for a workflow command, which would otherwise end at a newline or ``::``."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def annotation(level: str, path: str, message: str, *, line: int = 0, title: str | None = None) -> str:
    """One GitHub Actions annotation; line 0 means the whole file, which GitHub wants unsaid."""
    where = f",line={line}" if line > 0 else ""
    titled = f",title={github_escape(title, prop=True)}" if title else ""
    return f"::{level} file={github_escape(path, prop=True)}{where}{titled}::{github_escape(message)}"


def check_report(
    results: Iterable[tuple[str, Evaluation]], fmt: str, *, ignore: Collection[str] = ()
) -> tuple[str, Tally]:
    """Diagnostics of each ``(path, evaluation)`` as ``text``, ``github`` or ``json``.

    Returns the report and the tally (``files`` counts the results given; the caller adds
    the inputs it could not read). Codes in ``ignore`` are left out of the report and
    counted only as ignored.
    """
    tally = Tally()
    lines: list[str] = []
    records: list[dict[str, object]] = []
    for path, ev in results:
        tally.files += 1
        for d in ev.diagnostics:
            if d.code in ignore:
                tally.ignored += 1
                continue
            if d.severity == "error":
                tally.errors += 1
            elif d.severity == "warning":
                tally.warnings += 1
            else:
                tally.infos += 1
            if fmt == "json":
                record = {"path": path, "line": d.line, "severity": d.severity, "code": d.code}
                records.append({**record, "message": d.message})
            elif fmt == "github":
                lines.append(
                    annotation(
                        _GITHUB_LEVEL[d.severity], path, f"{d.code} {d.message}", line=d.line, title=d.code
                    )
                )
            else:
                lines.append(f"{path}:{d.line}: {d.severity} {d.code} {' '.join(d.message.split())}")
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n", tally
    return "".join(line + "\n" for line in lines), tally
