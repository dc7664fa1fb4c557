"""The command line, driven through Typer's test runner: outputs and exit codes.

Tests marked "parser" need the real parser's numbers for the sample page (3
documents, 11 recommendations, 25 key actions: 15 Completed, 10 Initiated; 7 overdue
as of 2019-12-31).
"""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import erc_parse
from erc_parse import cli, parse_file
from erc_parse.cli import app
from erc_parse.models import Diagnostic, Evaluation, Source

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
EVAL_A = CORPUS / "evaluations" / "6921.txt"
EVAL_B = CORPUS / "managementresponses" / "9846.txt"
DOCS = ROOT / "docs" / "cli.md"
BINARY = b"%PDF-1.7\n\x00\x01\x02\x03binary\x00\xff\xfe" * 20

runner = CliRunner()


def run(*args: object, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], input=input, env=env)


def one_error_line(result: Any, *, closing: str | None = None) -> str:
    """The error contract: exactly one line on stderr, and no traceback anywhere.

    ``check`` closes its report with a count line on stderr, given as ``closing``.
    """
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines: list[str] = result.stderr.strip().splitlines()
    if closing is not None:
        assert lines[-1:] == [closing], result.stderr
        lines.pop()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erc-parse: error: ")
    return lines[0]


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf.txt"
    path.write_bytes(BINARY)
    return path


@pytest.fixture
def empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    return path


@pytest.fixture
def fake_parse(monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    """Make every parse return the diagnostics the test puts in the list."""
    diagnostics: list[Diagnostic] = []

    def parse(text: str, *, path: str | None = None, sha256: str | None = None) -> Evaluation:
        return Evaluation(source=Source(path=path, sha256=sha256), diagnostics=list(diagnostics))

    monkeypatch.setattr("erc_parse.parser.parse_text", parse)
    return diagnostics


# --- basics ------------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"erc-parse {erc_parse.__version__}"


#: Every command, as the top-level help and the reference list them.
COMMANDS = (
    "summary",
    "scorecard",
    "report",
    "export",
    "convert",
    "check",
    "actions",
    "diff",
    "schema",
    "search",
    "datasette",
)


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "Usage" in result.output
    for name in COMMANDS:
        assert name in result.output


def test_every_command_is_documented() -> None:
    """sqlite-utils style: a new command cannot ship without its reference entry."""
    import typer.main

    group = typer.main.get_command(app)
    commands = sorted(group.commands)  # type: ignore[attr-defined]
    assert commands == sorted(COMMANDS)
    text = DOCS.read_text(encoding="utf-8")
    for name in commands:
        assert re.search(rf"^## `?erc-parse {name}\b", text, re.M), f"{name} not in docs/cli.md"
    for option in ("--version", "--as-of", "--overdue", "--strict", "--jobs", "--format"):
        assert option in text


@pytest.mark.parametrize(
    ("command", "usage", "argument"),
    [
        (
            "summary",
            "erc-parse summary [OPTIONS] PATH...",
            "  PATH...  Dump files and folders (every *.txt inside, recursively); '-' reads",
        ),
        (
            "scorecard",
            "erc-parse scorecard [OPTIONS] PATH...",
            "  PATH...  Dump files and folders (every *.txt inside, recursively); '-' reads",
        ),
        (
            "export",
            "erc-parse export [OPTIONS] FILE...",
            "  FILE...  Dump files to read; '-' reads standard input.  [required]",
        ),
        (
            "check",
            "erc-parse check [OPTIONS] FILE...",
            "  FILE...  Dump files to read; '-' reads standard input.  [required]",
        ),
        (
            "actions",
            "erc-parse actions [OPTIONS] FILE...",
            "  FILE...  Dump files to read; '-' reads standard input.  [required]",
        ),
        (
            "convert",
            "erc-parse convert [OPTIONS] SRC...",
            "  SRC...  Dump files and folders (searched for *.txt).  [required]",
        ),
        (
            "search",
            "erc-parse search [OPTIONS] DB QUERY",
            "  DB     Database written by --format sqlite.  [required]",
        ),
    ],
)
def test_help_shows_arguments_as_typed(command: str, usage: str, argument: str) -> None:
    """`FILE...`, as a person types it; not typer's `{FILE}...` and `FILE <list[str]>`."""
    result = runner.invoke(app, [command, "--help"], prog_name="erc-parse", env={"COLUMNS": "100"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Usage: {usage}"
    assert argument in lines
    assert "<list[str]>" not in result.stdout and "<str>" not in result.stdout and "{" not in lines[0]


def test_bad_usage_exits_2() -> None:
    assert run("export", SAMPLE, "--format", "xml").exit_code == 2
    assert run("frobnicate").exit_code == 2
    assert run("export").exit_code == 2


# --- reading inputs: stdin, errors -------------------------------------------------------


def test_export_reads_stdin() -> None:
    data = SAMPLE.read_bytes()
    result = run("export", "-", input=data)
    assert result.exit_code == 0, result.output
    got = Evaluation.model_validate_json(result.stdout)
    expected = parse_file(SAMPLE)
    assert got.source.path is None
    assert got.source.sha256 == expected.source.sha256
    assert got.model_dump(exclude={"source"}) == expected.model_dump(exclude={"source"})


def test_stdin_only_once() -> None:
    result = run("export", "-", "-", input="x")
    assert result.exit_code == 2
    assert "standard input" in one_error_line(result)


CHECK_UNREADABLE = "1 file: 1 unreadable, 0 errors, 0 warnings (0 ignored)"


def closing(command: str) -> str | None:
    return CHECK_UNREADABLE if command == "check" else None


@pytest.mark.parametrize("command", ["summary", "export", "actions", "check"])
def test_binary_file_is_exit_2_one_line(command: str, binary_file: Path) -> None:
    result = run(command, binary_file)
    assert result.exit_code == 2
    line = one_error_line(result, closing=closing(command))
    assert line == f"erc-parse: error: {binary_file}: input is a PDF file, not a text dump"


@pytest.mark.parametrize("command", ["summary", "export", "actions", "check"])
def test_a_pdf_without_nul_bytes_and_html_are_named(command: str, tmp_path: Path) -> None:
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Title (Final Evaluation) >>\nendobj\n%%EOF\n")
    result = run(command, pdf)
    assert result.exit_code == 2
    assert (
        one_error_line(result, closing=closing(command))
        == f"erc-parse: error: {pdf}: input is a PDF file, not a text dump"
    )
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html>\n<html><body>Evaluation Plan: 2018-2021</body></html>\n")
    result = run(command, page)
    assert result.exit_code == 2
    assert one_error_line(result, closing=closing(command)) == (
        f"erc-parse: error: {page}: input is an HTML page, not a text dump: save the page as text"
        " (Save Page As, Text Files) and give that file"
    )


def test_binary_stdin_is_exit_2() -> None:
    result = run("export", "-", input=BINARY)
    assert result.exit_code == 2
    assert "<stdin>" in one_error_line(result)


@pytest.mark.parametrize("command", ["summary", "export", "actions", "check"])
def test_missing_file_is_exit_2_one_line(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / "nope.txt")
    assert result.exit_code == 2
    assert "no such file" in one_error_line(result, closing=closing(command))


def test_directory_is_exit_2_one_line(tmp_path: Path) -> None:
    result = run("export", tmp_path)
    assert result.exit_code == 2
    assert "is a directory" in one_error_line(result)


def test_permission_denied_is_exit_2_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Simulated: the suite may run as root, for whom chmod 000 does not deny anything.
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli, "open", denied, raising=False)
    result = run("export", SAMPLE)
    assert result.exit_code == 2
    assert "permission denied" in one_error_line(result)


def test_parser_crash_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str, **kwargs: object) -> Evaluation:
        raise RuntimeError("state machine fell over\nsecond line")

    monkeypatch.setattr("erc_parse.parser.parse_text", boom)
    result = run("export", EVAL_A)
    assert result.exit_code == 2
    assert "internal error: RuntimeError: state machine fell over" in one_error_line(result)


def test_main_never_shows_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console-script entry point is the last guard against a bug in a view."""

    def broken(*args: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr("erc_parse.summary.render", broken)
    monkeypatch.setattr(sys, "argv", ["erc-parse", "summary", str(EVAL_A)])
    monkeypatch.delenv("ERC_PARSE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: KeyError" in err and "Traceback" not in err


def test_failing_input_stops_before_any_output(tmp_path: Path) -> None:
    """Several inputs, one bad: no half array on stdout (all-or-nothing)."""
    result = run("export", SAMPLE, tmp_path / "missing.txt")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_empty_file_is_not_an_error(empty_file: Path) -> None:
    result = run("export", empty_file)
    assert result.exit_code == 0, result.output
    ev = Evaluation.model_validate_json(result.stdout)
    assert ev.metadata.title is None and ev.management_responses == []
    assert ev.diagnostics, "an empty input should say so in a diagnostic"
    assert run("summary", empty_file).exit_code == 0
    assert run("actions", empty_file).exit_code == 0


# --- export ------------------------------------------------------------------------------


def test_export_one_input_is_an_object_several_an_array() -> None:
    one = json.loads(run("export", EVAL_A).stdout)
    assert isinstance(one, dict) and one["source"]["path"] == str(EVAL_A)
    result = run("export", EVAL_A, EVAL_B, "--format", "json")
    assert result.exit_code == 0
    many = json.loads(result.stdout)
    assert [m["source"]["path"] for m in many] == [str(EVAL_A), str(EVAL_B)]
    assert many[0] == one


def test_export_jsonl_round_trips() -> None:
    result = run("export", EVAL_A, EVAL_B, SAMPLE, "-f", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line, path in zip(lines, (EVAL_A, EVAL_B, SAMPLE), strict=True):
        assert Evaluation.model_validate_json(line) == parse_file(str(path))


def test_export_to_file_is_atomic_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("export", EVAL_A, EVAL_B, "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_export_output_not_writable_is_exit_2(tmp_path: Path) -> None:
    result = run("export", EVAL_A, "-o", tmp_path / "no" / "such" / "dir" / "out.json")
    assert result.exit_code == 2
    assert "cannot write" in one_error_line(result)


def test_export_csv_needs_a_folder() -> None:
    result = run("export", EVAL_A, "-f", "csv")
    assert result.exit_code == 2
    assert "-o" in one_error_line(result)


def test_export_sqlite_without_backend_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "erc_parse.export.sqlite", None)
    result = run("export", EVAL_A, "-f", "sqlite", "-o", tmp_path / "e.db")
    assert result.exit_code == 2
    assert "SQLite" in one_error_line(result)
    assert not (tmp_path / "e.db").exists()


def fake_sqlite(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """Stand-in for erc_parse.export.sqlite: records what the CLI hands it."""
    calls = types.SimpleNamespace(written=[], searched=[])
    module = types.ModuleType("erc_parse.export.sqlite")

    def write_database(evaluations: list[Evaluation], path: object) -> None:
        calls.written.append(([ev.source.path for ev in evaluations], str(path)))

    def search(db: str, query: str, limit: int) -> list[dict[str, object]]:
        calls.searched.append((db, query, limit))
        return [
            {"title": "ILMS", "section": "lessons", "snippet": "a [knowledge monster]", "rank": -2},
            {"title": "Other", "section": "findings", "text": "monster", "rank": -1.0},
        ][:limit]

    module.write_database = write_database  # type: ignore[attr-defined]
    module.search = search  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "erc_parse.export.sqlite", module)
    return calls


def test_export_sqlite_calls_write_database_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = fake_sqlite(monkeypatch)
    db = tmp_path / "e.db"
    result = run("export", EVAL_A, EVAL_B, "-f", "sqlite", "-o", db)
    assert result.exit_code == 0, result.output
    assert calls.written == [([str(EVAL_A), str(EVAL_B)], str(db))]


# --- search ------------------------------------------------------------------------------


def test_search_prints_hits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = fake_sqlite(monkeypatch)
    db = tmp_path / "e.db"
    db.write_bytes(b"")
    result = run("search", db, "knowledge monster", "--limit", "5")
    assert result.exit_code == 0, result.output
    assert calls.searched == [(str(db), "knowledge monster", 5)]
    lines = result.stdout.splitlines()
    assert lines[0] == "1. ILMS [lessons]"
    assert "[knowledge monster]" in lines[1]
    assert lines[2] == "2. Other [findings]"
    as_json = json.loads(run("search", db, "monster", "-f", "json").stdout)
    assert as_json[0]["rank"] == -2


def test_search_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_sqlite(monkeypatch)
    result = run("search", tmp_path / "missing.db", "x")
    assert result.exit_code == 2
    assert "no such database" in one_error_line(result)
    monkeypatch.setitem(sys.modules, "erc_parse.export.sqlite", None)
    db = tmp_path / "e.db"
    db.write_bytes(b"")
    result = run("search", db, "x")
    assert result.exit_code == 2
    assert "SQLite" in one_error_line(result)


# --- check -------------------------------------------------------------------------------


def test_check_clean_is_exit_0(fake_parse: list[Diagnostic]) -> None:
    result = run("check", EVAL_A)
    assert result.exit_code == 0
    assert result.stdout == ""


def test_check_text_lines_and_exit_codes(fake_parse: list[Diagnostic]) -> None:
    fake_parse.append(Diagnostic(line=12, severity="warning", code="odd-line", message="hm"))
    result = run("check", EVAL_A)
    assert result.exit_code == 0
    assert result.stdout == f"{EVAL_A}:12: warning odd-line hm\n"
    assert run("check", EVAL_A, "--strict").exit_code == 1
    fake_parse.append(Diagnostic(line=3, severity="error", code="bad", message="very bad"))
    result = run("check", EVAL_A, EVAL_B)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 4
    assert f"{EVAL_B}:3: error bad very bad" in result.stdout


def test_check_github_annotations(fake_parse: list[Diagnostic]) -> None:
    fake_parse.append(Diagnostic(line=7, severity="error", code="bad", message="50% off\nnext"))
    fake_parse.append(Diagnostic(line=0, severity="info", code="whole", message="file"))
    result = run("check", EVAL_A, "--format", "github")
    assert result.exit_code == 1
    error, notice = result.stdout.splitlines()
    assert error == f"::error file={EVAL_A},line=7,title=bad::bad 50%25 off%0Anext"
    assert notice == f"::notice file={EVAL_A},title=whole::whole file"


def test_check_json(fake_parse: list[Diagnostic]) -> None:
    fake_parse.append(Diagnostic(line=7, severity="warning", code="w", message="m"))
    result = run("check", EVAL_A, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"path": str(EVAL_A), "line": 7, "severity": "warning", "code": "w", "message": "m"}
    ]


def test_check_unreadable_is_exit_2_but_checks_the_rest(
    fake_parse: list[Diagnostic], binary_file: Path
) -> None:
    fake_parse.append(Diagnostic(line=1, severity="error", code="bad", message="m"))
    result = run("check", binary_file, EVAL_A)
    assert result.exit_code == 2
    one_error_line(result, closing="2 files: 1 unreadable, 1 error, 0 warnings (0 ignored)")
    assert result.stdout == f"{EVAL_A}:1: error bad m\n"


def test_check_empty_file_warns(empty_file: Path) -> None:
    result = run("check", empty_file)
    assert result.exit_code == 0
    assert f"{empty_file}:" in result.stdout
    assert run("check", empty_file, "--strict").exit_code == 1


# --- actions -----------------------------------------------------------------------------


def test_actions_bad_date_is_exit_2() -> None:
    result = run("actions", SAMPLE, "--as-of", "not a date")
    assert result.exit_code == 2
    assert "--as-of" in one_error_line(result)


def test_actions_table_needs_no_output_file(tmp_path: Path) -> None:
    result = run("actions", SAMPLE, "-o", tmp_path / "a.txt")
    assert result.exit_code == 2
    one_error_line(result)


def test_actions_sample_overdue_json() -> None:  # parser
    result = run("actions", SAMPLE, "--overdue", "--as-of", "2019-12-31", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 7
    assert all(r["overdue"] and r["days_overdue"] > 0 for r in rows)
    assert all(r["status"] == "Initiated" for r in rows)
    assert {r["due"] for r in rows} == {"2019-06", "2019-09", "2019-10"}


def test_actions_sample_all_and_status_filter() -> None:  # parser
    rows = json.loads(run("actions", SAMPLE, "--as-of", "2019-12-31", "-f", "json").stdout)
    assert len(rows) == 25
    done = run("actions", SAMPLE, "--status", "completed", "--as-of", "2019-12-31", "-f", "json")
    assert len(json.loads(done.stdout)) == 15


def test_actions_csv_matches_json(tmp_path: Path) -> None:
    import csv

    target = tmp_path / "actions.csv"
    result = run("actions", SAMPLE, EVAL_B, "--as-of", "2019-12-31", "-f", "csv", "-o", target)
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = json.loads(run("actions", SAMPLE, EVAL_B, "--as-of", "2019-12-31", "-f", "json").stdout)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert got["due"] == (want["due"] or "")
        assert got["overdue"] == ("true" if want["overdue"] else "false")
        days = want["days_overdue"]
        assert got["days_overdue"] == ("" if days is None else str(days))


def test_actions_table_is_plain_text() -> None:  # parser
    result = run("actions", SAMPLE, "--overdue", "--as-of", "2019-12-31")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "Promoting Inclusive Labour Market Solutions" in result.stdout
    assert "7 key actions, 7 overdue as of 2019-12-31" in result.stdout


# --- summary -----------------------------------------------------------------------------


def test_summary_sample_is_plain_and_complete() -> None:  # parser
    result = run("summary", SAMPLE, "--as-of", "2019-12-31", env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out
    assert "Promoting Inclusive Labour Market Solutions in the Western Balkans" in out
    assert "Final Project" in out and "2018-2021, RBEC" in out
    assert "US$ 13,200" in out
    assert "Documents  3" in out
    assert "11 recommendations" in out
    assert "Key actions 25, as of 2019-12-31: 7 overdue" in out
    assert re.search(r"Completed\s+█+\s+15", out)
    assert re.search(r"Initiated\s+█+\s+10 \(7 overdue\)", out)


def test_summary_several_inputs_and_flags() -> None:
    result = run("summary", EVAL_A, EVAL_B, "--detail")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Source ") == 2
    truncated = [p for p in (EVAL_A, EVAL_B) if parse_file(p).truncated]
    assert result.stdout.count("truncated") == len(truncated)


# --- schema ------------------------------------------------------------------------------


def test_schema_is_json_schema_of_the_contract(tmp_path: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["$schema"].startswith("https://json-schema.org/")
    assert doc["type"] == "object"
    assert set(doc["properties"]) == set(Evaluation.model_fields)
    assert run("schema", "-o", tmp_path / "s.json").exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == doc
