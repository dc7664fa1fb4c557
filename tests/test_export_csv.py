"""CSV export: tables read back with the csv module agree with the JSON export."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from erc_parse.cli import app
from erc_parse.export import evaluation_id
from erc_parse.export.csvout import TABLES, neutralise, unneutralise, write_tables
from erc_parse.models import (
    Evaluation,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    Source,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
INPUTS = [
    SAMPLE,
    CORPUS / "evaluations" / "6921.txt",
    CORPUS / "evaluations" / "9894.txt",
    CORPUS / "managementresponses" / "9846.txt",
    CORPUS / "plans" / "1606.txt",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"position", "response_id", "number", "recommendation_number", "budget_usd",
           "expenditure_usd", "size_kb", "downloads"}  # fmt: skip

runner = CliRunner()


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == TABLES[name]
        return [{k: unneutralise(v) for k, v in row.items()} for row in reader]


def expected(value: Any) -> str:
    """The documented cell rules, applied to a value from the JSON export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


def pick(obj: dict[str, Any], *names: str) -> dict[str, str]:
    return {name: expected(obj[name]) for name in names}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("csv")
    args = ["export", *map(str, INPUTS)]
    result = runner.invoke(app, [*args, "--format", "csv", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    as_json = json.loads(runner.invoke(app, args).stdout)
    return folder, as_json


def test_all_nine_tables_and_nothing_else(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert len(TABLES) == 9


def test_tables_agree_with_json(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, evaluations = exported
    ids = [ev["source"]["sha256"] for ev in evaluations]

    got = read_table(folder, "evaluations")
    assert [row["evaluation_id"] for row in got] == ids
    for row, ev in zip(got, evaluations, strict=True):
        md = ev["metadata"]
        assert row["source_path"] == ev["source"]["path"]
        assert row["kind"] == ev["kind"] and row["truncated"] == expected(ev["truncated"])
        for name, value in md.items():
            if name in ("team", "countries", "gef"):
                continue
            assert row[name] == expected(value), name
        for name, value in (md["gef"] or {}).items():
            assert row[f"gef_{name}"] == expected(value)

    def rows_of(table: str) -> dict[str, list[dict[str, str]]]:
        by_id: dict[str, list[dict[str, str]]] = {i: [] for i in ids}
        for row in read_table(folder, table):
            by_id[row["evaluation_id"]].append(row)
        return by_id

    documents, team, countries = rows_of("documents"), rows_of("team"), rows_of("countries")
    responses, actions = rows_of("management_responses"), rows_of("key_actions")
    items = {name: rows_of(name) for name in ("lessons", "findings", "recommendations")}

    def strip(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{k: v for k, v in r.items() if k not in ("evaluation_id", "position")} for r in rows]

    for eid, ev in zip(ids, evaluations, strict=True):
        assert strip(documents[eid]) == [
            pick(d, "filename", "type", "language", "size_kb", "status", "downloads") for d in ev["documents"]
        ]
        assert strip(team[eid]) == [
            pick(m, "name", "title", "email", "nationality") for m in ev["metadata"]["team"]
        ]
        assert strip(countries[eid]) == [pick(c, "name", "iso3") for c in ev["metadata"]["countries"]]
        for name, rows in items.items():
            assert strip(rows[eid]) == [pick(i, "number", "heading", "text") for i in ev[name]]
        mrs = ev["management_responses"]
        assert [r["response_id"] for r in responses[eid]] == [str(i) for i in range(1, len(mrs) + 1)]
        assert [
            {k: v for k, v in r.items() if k not in ("evaluation_id", "response_id")} for r in responses[eid]
        ] == [
            pick(m, "recommendation_number", "recommendation", "response", "added", "last_updated")
            for m in mrs
        ]
        want_actions = [
            {"response_id": str(r), **pick(ka, *TABLES["key_actions"][3:])}
            for r, mr in enumerate(mrs, 1)
            for ka in mr["key_actions"]
        ]
        assert [
            {k: v for k, v in a.items() if k not in ("evaluation_id", "position")} for a in actions[eid]
        ] == want_actions


def test_sample_counts(exported: tuple[Path, list[dict[str, Any]]]) -> None:  # parser
    folder, evaluations = exported
    sample_id = evaluations[0]["source"]["sha256"]

    def count(table: str) -> int:
        return sum(r["evaluation_id"] == sample_id for r in read_table(folder, table))

    assert count("documents") == 3
    assert count("recommendations") == 11
    assert count("management_responses") == 11
    assert count("key_actions") == 25
    statuses = [r["status"] for r in read_table(folder, "key_actions")
                if r["evaluation_id"] == sample_id]  # fmt: skip
    assert statuses.count("Completed") == 15 and statuses.count("Initiated") == 10


def test_no_cell_can_run_as_a_formula(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    for table in TABLES:
        with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, value in row.items():
                    if column not in NUMERIC:
                        assert not value.startswith(DANGEROUS), (table, column, value)


def test_rfc4180_utf8_crlf(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    raw = (folder / "key_actions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    text = raw.decode("utf-8")  # strict: valid UTF-8
    assert text.endswith("\r\n")
    assert text.splitlines()[0] == ",".join(TABLES["key_actions"])


def formula_evaluation() -> Evaluation:
    nasty = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    return Evaluation(
        source=Source(path="nasty.txt", sha256="f" * 64),
        metadata=Metadata(title=nasty[0], budget_usd=-5, focus_areas=["-a", "b"]),
        lessons=[Item(number=i, text=t) for i, t in enumerate(nasty, 1)]
        + [Item(number=9, text="a = b; safe"), Item(number=10, text="'quoted already")],
        management_responses=[
            ManagementResponse(key_actions=[KeyAction(number="-", text="line one\nline two")])
        ],
    )


def test_formula_neutralisation(tmp_path: Path) -> None:
    write_tables([formula_evaluation()], tmp_path)
    with (tmp_path / "lessons.csv").open(encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    assert texts == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTAB",
        "'\rCR",
        "a = b; safe",
        "'quoted already",
    ]
    (ev,) = read_table(tmp_path, "evaluations")
    assert ev["title"] == '=HYPERLINK("http://x")'  # unneutralise gives the page text back
    with (tmp_path / "evaluations.csv").open(encoding="utf-8", newline="") as fh:
        raw = next(csv.DictReader(fh))
    assert raw["budget_usd"] == "-5"  # numbers are ours, never touched
    assert raw["focus_areas"] == "'-a\nb"
    (ka,) = read_table(tmp_path, "key_actions")
    assert ka["number"] == "-" and ka["text"] == "line one\nline two"


@given(st.text())
def test_unneutralise_inverts_neutralise(text: str) -> None:
    assert unneutralise(neutralise(text)) == text
    assert not neutralise(text).startswith(DANGEROUS)


def test_same_dump_twice_is_written_once(tmp_path: Path) -> None:
    ev = formula_evaluation()
    counts = write_tables([ev, ev], tmp_path)
    assert counts["evaluations"] == 1 and counts["lessons"] == 8
    assert [r["evaluation_id"] for r in read_table(tmp_path, "evaluations")] == [evaluation_id(ev)]


def test_failure_midway_leaves_old_tables_and_no_temporaries(tmp_path: Path) -> None:
    write_tables([formula_evaluation()], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def exploding() -> Iterator[Evaluation]:
        yield Evaluation(source=Source(sha256="0" * 64))
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_tables(exploding(), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_output_is_a_file_is_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = runner.invoke(app, ["export", str(SAMPLE), "-f", "csv", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a folder" in result.stderr
    assert target.read_text() == "x"
    assert os.listdir(tmp_path) == ["not-a-folder"]
