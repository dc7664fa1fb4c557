"""``check``: the report in three formats, ``--ignore CODE`` and the closing count line
(issue 14, point 9), as the library returns them and as the command prints them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse import parse_file
from erc_parse.check import Tally, annotation, check_report, github_escape
from erc_parse.cli import app
from erc_parse.models import Diagnostic, Evaluation, Source

from .conftest import CORPUS_FILES

runner = CliRunner()


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def ev(*diagnostics: tuple[int, str, str, str]) -> Evaluation:
    return Evaluation(
        source=Source(path="x.txt"),
        diagnostics=[Diagnostic(line=n, severity=s, code=c, message=m) for n, s, c, m in diagnostics],  # type: ignore[arg-type]
    )


MIXED = ev(
    (3, "error", "bad-value", "no month in 'soon'"),
    (9, "warning", "unparsed-line", "in documents:  two  spaces"),
    (0, "info", "page-footer", "footer dropped"),
    (40, "warning", "truncated", "dump ends mid-line: Key Act"),
)


# --- the library -------------------------------------------------------------------------------


def test_text_report_and_tally() -> None:
    text, tally = check_report([("a.txt", MIXED)], "text")
    assert text == (
        "a.txt:3: error bad-value no month in 'soon'\n"
        "a.txt:9: warning unparsed-line in documents: two spaces\n"
        "a.txt:0: info page-footer footer dropped\n"
        "a.txt:40: warning truncated dump ends mid-line: Key Act\n"
    )
    assert tally == Tally(files=1, errors=1, warnings=2, infos=1, ignored=0)


def test_ignored_codes_are_neither_shown_nor_counted_as_found() -> None:
    text, tally = check_report(
        [("a.txt", MIXED), ("b.txt", MIXED)], "text", ignore={"truncated", "bad-value"}
    )
    assert text == (
        "a.txt:9: warning unparsed-line in documents: two spaces\n"
        "a.txt:0: info page-footer footer dropped\n"
        "b.txt:9: warning unparsed-line in documents: two spaces\n"
        "b.txt:0: info page-footer footer dropped\n"
    )
    assert tally == Tally(files=2, errors=0, warnings=2, infos=2, ignored=4)
    assert not tally.failed() and tally.failed(strict=True)


def test_json_and_github_reports_leave_out_ignored_codes_too() -> None:
    text, _ = check_report([("a.txt", MIXED)], "json", ignore={"unparsed-line", "page-footer", "truncated"})
    assert json.loads(text) == [
        {
            "path": "a.txt",
            "line": 3,
            "severity": "error",
            "code": "bad-value",
            "message": "no month in 'soon'",
        }
    ]
    text, tally = check_report([("a,b:c.txt", MIXED)], "github", ignore={"bad-value"})
    assert text.splitlines() == [
        "::warning file=a%2Cb%3Ac.txt,line=9,title=unparsed-line::unparsed-line in documents:  two  spaces",
        "::notice file=a%2Cb%3Ac.txt,title=page-footer::page-footer footer dropped",
        "::warning file=a%2Cb%3Ac.txt,line=40,title=truncated::truncated dump ends mid-line: Key Act",
    ]
    assert tally.ignored == 1


@pytest.mark.parametrize(
    ("tally", "line"),
    [
        (Tally(), "0 files: 0 errors, 0 warnings (0 ignored)"),
        (Tally(files=1, errors=1, warnings=1, ignored=1), "1 file: 1 error, 1 warning (1 ignored)"),
        (
            Tally(files=3, errors=2, warnings=5, infos=7, ignored=4),
            "3 files: 2 errors, 5 warnings (4 ignored)",
        ),
        (Tally(files=2, unreadable=1, warnings=2), "2 files: 1 unreadable, 0 errors, 2 warnings (0 ignored)"),
    ],
)
def test_count_line(tally: Tally, line: str) -> None:
    assert tally.line() == line


def test_what_fails_a_check() -> None:
    assert not Tally(infos=3).failed(strict=True)
    assert Tally(errors=1).failed()
    assert not Tally(warnings=1).failed()
    assert Tally(warnings=1).failed(strict=True)


def test_github_escaping() -> None:
    assert github_escape("50% off\r\nnext: a, b") == "50%25 off%0D%0Anext: a, b"
    assert github_escape("50% off\r\nnext: a, b", prop=True) == "50%25 off%0D%0Anext%3A a%2C b"
    assert annotation("error", "x.txt", "unreadable x") == "::error file=x.txt::unreadable x"
    assert (
        annotation("warning", "x.txt", "m", line=2, title="c:d")
        == "::warning file=x.txt,line=2,title=c%3Ad::m"
    )


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def mixed(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(text: str, *, path: str | None = None, sha256: str | None = None) -> Evaluation:
        return MIXED.model_copy(update={"source": Source(path=path)})

    monkeypatch.setattr("erc_parse.parser.parse_text", parse)


CUT = CORPUS_FILES[0]


@pytest.mark.usefixtures("mixed")
@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_the_count_line_closes_every_format_on_stderr(fmt: str) -> None:
    result = run("check", CUT, CUT, "-f", fmt, "--ignore", "page-footer", "--ignore", "truncated")
    assert result.exit_code == 1
    assert result.stderr == "2 files: 2 errors, 2 warnings (4 ignored)\n"
    assert "page-footer" not in result.stdout and "truncated" not in result.stdout
    assert result.stdout.count("bad-value") == (4 if fmt == "github" else 2)  # github: in title and message


@pytest.mark.usefixtures("mixed")
def test_ignoring_the_only_error_passes_and_strict_still_sees_warnings() -> None:
    assert run("check", CUT, "--ignore", "bad-value").exit_code == 0
    assert run("check", CUT, "--ignore", "bad-value", "--strict").exit_code == 1
    result = run(
        "check",
        CUT,
        "--strict",
        "--ignore",
        "bad-value",
        "--ignore",
        "unparsed-line",
        "--ignore",
        "truncated",
    )
    assert result.exit_code == 0
    assert result.stdout == f"{CUT}:0: info page-footer footer dropped\n"
    assert result.stderr == "1 file: 0 errors, 0 warnings (3 ignored)\n"


def test_help_names_the_option() -> None:
    result = run("check", "--help")
    assert "--ignore CODE" in result.stdout
    words = " ".join(result.stdout.split())
    assert "Leave out diagnostics with this code (e.g. truncated); repeat for several." in words
    assert "a closing count line, 'N files: E errors, W warnings (I ignored)', to standard error." in words


def _only_cut(path: Path) -> bool:
    found = [d for d in parse_file(path).diagnostics if d.severity != "info"]
    return bool(found) and all(d.code == "truncated" for d in found)


def test_cut_corpus_dumps_pass_strict_when_the_cut_is_ignored() -> None:
    """Real dumps cut short, whose only warning is the cut: --strict fails each, and passes
    each with --ignore truncated; the count line says how many diagnostics were set aside."""
    cut = [p for p in CORPUS_FILES if _only_cut(p)]
    assert len(cut) >= 90  # of the corpus' 107 dumps, nearly all are cut at ~2 KB
    ignored = sum(d.code == "truncated" for p in cut for d in parse_file(p).diagnostics)
    assert run("check", "--strict", *cut).exit_code == 1
    result = run("check", "--strict", "--ignore", "truncated", *cut)
    assert result.exit_code == 0, result.stdout
    assert result.stderr == f"{len(cut)} files: 0 errors, 0 warnings ({ignored} ignored)\n"
    for path in cut[:5]:
        assert run("check", "--strict", path).exit_code == 1
        assert run("check", "--strict", "--ignore", "truncated", path).exit_code == 0


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_5_mb_line_is_quoted_in_a_few_hundred_bytes(tmp_path: Path, fmt: str) -> None:
    """Issue 14, point 8: a diagnostic quotes about 200 characters of a line, with its length."""
    big = tmp_path / "big.txt"
    big.write_text("Evaluation Plan: " + "w" * 5_000_000, encoding="utf-8")
    result = run("check", big, "-f", fmt)
    assert result.exit_code == 0
    assert 100 < len(result.stdout.encode("utf-8")) < 600, result.stdout[:1000]
    assert "… (5,000,017 characters)" in result.stdout
    assert "w" * 150 in result.stdout and "w" * 230 not in result.stdout


def test_quoting_keeps_short_lines_whole_and_cuts_long_ones_at_200() -> None:
    from erc_parse.state import quote, quoted

    assert quote("x" * 200) == "x" * 200
    assert quote("x" * 201) == "x" * 200 + "… (201 characters)"
    assert quote("é" * 12_345) == "é" * 200 + "… (12,345 characters)"
    assert quoted("a'b") == '"a\'b"'
