"""Tests of the SQLite export: schema, ids, replacement, transactions, search, Datasette.

Most tests build ``Evaluation`` objects here (``make_evaluation``), so they do not
depend on the parser; the sample tests check hand-counted facts of the sample page (25
key actions, 15 Completed and 10 Initiated; 7 overdue as of 2019-12-31; 3 documents,
5 findings, 11 recommendations and 11 management responses).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cogapp import Cog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import erc_parse.export.sqlite as sqlite_export
from erc_parse import export, parse_file
from erc_parse.cli import app
from erc_parse.export.datasette import CANNED_QUERIES, metadata
from erc_parse.export.sqlite import (
    DB_SCHEMA_VERSION,
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    INDEXES,
    SECTIONS,
    DatabaseNotFoundError,
    SqliteExportError,
    search,
    table_counts,
    write_database,
)
from erc_parse.models import (
    Country,
    Diagnostic,
    Document,
    Evaluation,
    Gef,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    Source,
    TeamMember,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
SAMPLE_ID = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
CORPUS = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("**/*.txt"))
DOCS = ROOT / "docs" / "sqlite.md"
TABLES = ("evaluations", "team", "countries", "documents", "lessons", "findings", "recommendations",
          "management_responses", "key_actions", "diagnostics", "passages")  # fmt: skip

KNOWLEDGE_LESSON = (
    "ILMS is a \u201cknowledge monster\u201d: it generates so much great and useful knowledge "
    "from its numerous activities. There is a clear risk of a part of it being lost."
)
runner = CliRunner()


# ----------------------------------------------------------------------- factory


def sha(n: int | str) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def make_evaluation(
    n: int = 1,
    *,
    title: str | None = None,
    lessons: Iterable[str] | None = None,
    findings: Iterable[str] | None = None,
    recommendations: Iterable[str] | None = None,
    responses: Iterable[ManagementResponse] | None = None,
    source: Source | None = None,
    full: bool = True,
) -> Evaluation:
    """An evaluation with rows in every table (unless ``full=False``), keyed by ``n``."""
    if source is None:
        source = Source(path=f"dumps/{n}.txt", sha256=sha(n))
    if title is None:
        title = f"Final evaluation of project {n}"
    if lessons is None:
        lessons = [f"Lesson {n}.1 about partnerships.", f"Lesson {n}.2 about ownership."]
    if findings is None:
        findings = [f"Finding {n}.{k} on relevance and results." for k in range(1, 4)]
    if recommendations is None:
        recommendations = [f"Recommendation {n}.{k} to strengthen systems." for k in (1, 2)]
    if responses is None:
        responses = [
            ManagementResponse(
                recommendation_number=1,
                recommendation=f"Recommendation {n}.1",
                response="Accepted; the office will act on it.",
                added="2019-01-15",
                last_updated="2020-02-01",
                key_actions=[
                    KeyAction(
                        number="1.1",
                        text="Draft a sustainability plan.",
                        responsible="UNDP CO",
                        due="2019-12",
                        status="Completed",
                        comments="Plan adopted by the board.",
                        has_history=True,
                    ),
                    KeyAction(number="1.2", text="Train staff.", due="2020-06", status="Overdue"),
                    KeyAction(
                        text="Close the project.",
                        status="No Longer Applicable",
                        justification="Project ended early.",
                    ),
                ],
            ),
            ManagementResponse(recommendation_number=2, response=None, key_actions=[]),
        ]
    metadata = Metadata(title=title)
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    if full:
        metadata = Metadata(
            title=title,
            atlas_project_numbers=["00095840", f"{n:08d}"],
            evaluation_plan="2018-2021, RBEC",
            evaluation_type="Final Project",
            status="Completed",
            completion_date="2018-11",
            planned_end_date="2018-09",
            management_response=True,
            budget_usd=13200,
            expenditure_usd=13200.5,
            sdg_goals=["Goal 8"],
            joint_programme=False,
            joint_evaluation=None,
            team=[TeamMember(name="Ana Evaluator", title="Team leader"), TeamMember(name="B")],
            gef=Gef(project_id="4321", focal_area="Biodiversity"),
            countries=[Country(name="SERBIA", iso3="SRB"), Country(name="GLOBAL")],
            commissioning_unit="Istanbul Regional Hub",
            extra={"Quality Assessment": "Satisfactory"},
        )
        documents = [
            Document(filename="tor.pdf", type="tor", language="English", size_kb=167.71),
            Document(filename=None, type="report", downloads=75),
        ]
        diagnostics = [Diagnostic(line=3, severity="warning", code="odd", message="odd line")]
    return Evaluation(
        source=source,
        kind="evaluation",
        metadata=metadata,
        documents=documents,
        lessons=[Item(number=k, text=t) for k, t in enumerate(lessons, 1)],
        findings=[Item(number=k, heading="Relevance", text=t) for k, t in enumerate(findings, 1)],
        recommendations=[Item(number=k, text=t) for k, t in enumerate(recommendations, 1)],
        management_responses=list(responses),
        diagnostics=diagnostics,
    )


def _blank(text: str | None) -> bool:
    return not (text and text.strip())


def expected_counts(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """Rows each table should hold, computed from the models alone."""
    unique = {export.evaluation_id(ev): ev for ev in evaluations}.values()
    counts: Counter[str] = Counter()
    for ev in unique:
        counts["evaluations"] += 1
        counts["documents"] += len(ev.documents)
        counts["team"] += len(ev.metadata.team)
        counts["countries"] += len(ev.metadata.countries)
        counts["lessons"] += len(ev.lessons)
        counts["findings"] += len(ev.findings)
        counts["recommendations"] += len(ev.recommendations)
        counts["management_responses"] += len(ev.management_responses)
        counts["key_actions"] += len(ev.key_actions())
        counts["diagnostics"] += len(ev.diagnostics)
        texts = [ev.metadata.title]
        texts += [item.text for item in (*ev.lessons, *ev.findings, *ev.recommendations)]
        texts += [mr.response for mr in ev.management_responses]
        own = {" ".join(item.text.split()) for item in ev.recommendations}
        texts += [
            mr.recommendation
            for mr in ev.management_responses
            if " ".join((mr.recommendation or "").split()) not in own
        ]
        texts += [text for _, ka in ev.key_actions() for text in (ka.text, ka.comments)]
        counts["passages"] += sum(not _blank(text) for text in texts)
    return {table: counts[table] for table in TABLES}


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def snapshot(path: Path) -> tuple[list[str], bytes]:
    """A logical dump (FTS shadow tables included), then the file's bytes.

    Connecting first rolls back any transaction a killed writer left in a hot journal,
    as the next reader of the file would.
    """
    conn = connect(path)
    dump = list(conn.iterdump())
    conn.close()
    return dump, path.read_bytes()


def assert_integrity(path: Path) -> None:
    conn = connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # Raises if the FTS index disagrees with the passages it is built from.
        conn.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)")
        fts_rows = conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
        assert fts_rows == conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    finally:
        conn.close()


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result: Any) -> str:
    assert "Traceback" not in result.output
    lines: list[str] = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erc-parse: error: ")
    assert "internal error" not in lines[0]
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "evaluations.db"


# ------------------------------------------------------------------ constructed


def test_counts_match_models(db: Path) -> None:
    evaluations = [make_evaluation(n) for n in range(1, 4)]
    write_database(evaluations, db)
    counts = table_counts(db)
    assert counts == expected_counts(evaluations)
    assert all(counts[table] > 0 for table in TABLES), counts
    assert_integrity(db)


def test_values_round_trip(db: Path) -> None:
    ev = make_evaluation(7)
    write_database([ev], db)
    conn = connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM evaluations").fetchone()
    assert row["evaluation_id"] == sha(7) == export.evaluation_id(ev)
    assert row["source_path"] == "dumps/7.txt" and row["source_sha256"] == sha(7)
    assert row["title"] == "Final evaluation of project 7"
    assert row["completion_date"] == "2018-11"
    assert row["management_response"] == 1
    assert row["joint_programme"] == 0 and row["joint_evaluation"] is None
    assert row["budget_usd"] == 13200 and row["expenditure_usd"] == 13200.5
    assert row["gef"] == 1 and row["gef_project_id"] == "4321" and row["gef_phase"] is None
    assert row["warnings"] == 1 and row["errors"] == 0
    assert row["truncated"] == 0 and row["kind"] == "evaluation"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["exported_at"])
    assert row["content_sha256"] == hashlib.sha256(ev.model_dump_json().encode()).hexdigest()
    atlas = conn.execute("SELECT j.value FROM evaluations, json_each(evaluations.atlas_project_numbers) j")
    assert [r[0] for r in atlas] == ["00095840", "00000007"]
    assert row["sdg_goals"] == '["Goal 8"]' and row["focus_areas"] == "[]"
    assert row["extra"] == '{"Quality Assessment": "Satisfactory"}'
    kas = conn.execute(
        "SELECT k.*, m.recommendation_number FROM key_actions k "
        "JOIN management_responses m ON m.id = k.response_id ORDER BY k.position"
    ).fetchall()
    assert [k["id"] for k in kas] == [f"{sha(7)}:1:1", f"{sha(7)}:1:2", f"{sha(7)}:1:3"]
    assert {k["response_id"] for k in kas} == {f"{sha(7)}:1"}
    assert [k["position"] for k in kas] == [1, 2, 3]
    assert kas[0]["number"] == "1.1" and kas[0]["has_history"] == 1 and kas[1]["has_history"] == 0
    assert kas[0]["recommendation_number"] == 1 and kas[0]["due"] == "2019-12"
    assert kas[2]["justification"] == "Project ended early." and kas[2]["number"] is None
    countries = conn.execute("SELECT id, name, iso3 FROM countries ORDER BY position").fetchall()
    assert [tuple(c) for c in countries] == [
        (f"{sha(7)}:1", "SERBIA", "SRB"),
        (f"{sha(7)}:2", "GLOBAL", None),
    ]
    docs = conn.execute("SELECT position, filename, size_kb, downloads FROM documents").fetchall()
    assert [tuple(d) for d in docs] == [(1, "tor.pdf", 167.71, None), (2, None, None, 75)]
    team = conn.execute("SELECT position, name, title FROM team").fetchall()
    assert [tuple(t) for t in team] == [(1, "Ana Evaluator", "Team leader"), (2, "B", None)]
    findings = conn.execute("SELECT id, number, heading FROM findings ORDER BY position").fetchall()
    assert [tuple(f) for f in findings][0] == (f"{sha(7)}:1", 1, "Relevance")
    diag = conn.execute("SELECT id, line, severity, code, message FROM diagnostics").fetchone()
    assert tuple(diag) == (f"{sha(7)}:1", 3, "warning", "odd", "odd line")
    sections = Counter(r[0] for r in conn.execute("SELECT section FROM passages"))
    assert sections == {
        "title": 1,
        "lesson": 2,
        "finding": 3,
        "recommendation": 2,
        "management_response": 1,
        "response_recommendation": 1,
        "key_action": 3,
        "key_action_comment": 1,
    }
    conn.close()


def test_passage_row_ids_point_into_their_tables(db: Path) -> None:
    write_database([make_evaluation(n) for n in (1, 2)], db)
    conn = connect(db)
    for section, (table, column) in SECTIONS.items():
        key = "evaluation_id" if table == "evaluations" else "id"
        rows = conn.execute(
            f"SELECT p.text, t.{column}, t.evaluation_id = p.evaluation_id FROM passages p "
            f"LEFT JOIN {table} t ON t.{key} = p.row_id WHERE p.section = ?",
            (section,),
        ).fetchall()
        assert rows, section
        assert all(text == source and same for text, source, same in rows), section
    conn.close()


def test_schema_version_indexes_and_foreign_keys(db: Path) -> None:
    write_database([make_evaluation()], db)
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == DB_SCHEMA_VERSION == 2
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x45524350
    leading = {
        (table, conn.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2])
        for table in TABLES
        for index in conn.execute(f"PRAGMA index_list({table})").fetchall()
    }
    for table, columns in INDEXES.items():
        for column in columns:
            assert (table, column) in leading, (table, column)
    assert ("evaluations", "commissioning_unit") in leading and ("key_actions", "due") in leading
    # Every foreign key leads an index, so cascades and joins never scan a table.
    for table in TABLES:
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            assert (table, fk[3]) in leading, (table, fk[3])
            assert fk[6] == "CASCADE", (table, fk)
    pks = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})") if c[5]] for t in TABLES}
    assert pks == {t: ["evaluation_id"] if t == "evaluations" else ["id"] for t in TABLES}
    # Deleting an evaluation by hand cascades everywhere, search index included.
    conn.execute("DELETE FROM evaluations")
    conn.commit()
    conn.close()
    assert set(table_counts(db).values()) == {0}
    assert_integrity(db)


def test_search_index_follows_hand_edits(db: Path) -> None:
    write_database([make_evaluation(1), make_evaluation(2)], db)
    conn = connect(db)
    conn.execute("UPDATE passages SET text = 'Edited about giraffes.' WHERE section = 'title'")
    conn.execute("DELETE FROM evaluations WHERE evaluation_id = ?", (sha(2),))
    conn.commit()
    conn.close()
    assert [h["evaluation_id"] for h in search(db, "giraffes")] == [sha(1)]
    assert_integrity(db)


def _dump_without_export_time(path: Path) -> list[str]:
    """The logical dump with each ``exported_at`` value replaced by a placeholder.

    The export time is written to the second: two exports straddling a second's end
    differ there and nowhere else (its value sits in the evaluations' rows, where the
    column's name does not appear).
    """
    conn = connect(path)
    times = [t for (t,) in conn.execute("SELECT DISTINCT exported_at FROM evaluations")]
    conn.close()
    rows = snapshot(path)[0]
    for t in times:
        rows = [r.replace(f"'{t}'", "'<exported_at>'") for r in rows]
    return rows


class _Ticking:
    """Stands in for ``datetime`` in the writer: each export is one second after the last."""

    def __init__(self) -> None:
        self.at = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self, tz: Any = None) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_export, "datetime", _Ticking())


@pytest.mark.usefixtures("ticking")
def test_export_twice_duplicates_nothing(db: Path) -> None:
    evaluations = [make_evaluation(n) for n in range(1, 4)]
    write_database(evaluations, db)
    first, rows = table_counts(db), _dump_without_export_time(db)
    assert any("'<exported_at>'" in r for r in rows)  # the placeholder stands where the time was
    write_database(evaluations, db)
    assert table_counts(db) == first == expected_counts(evaluations)
    # Only the export time may move.
    assert _dump_without_export_time(db) == rows
    assert_integrity(db)


def test_unchanged_reexport_keeps_rows_and_moves_the_export_time(db: Path) -> None:
    write_database([make_evaluation(n) for n in (1, 2)], db)
    conn = connect(db)
    conn.execute("UPDATE evaluations SET exported_at = '2000-01-01T00:00:00Z'")
    conn.commit()
    passages_before = conn.execute("SELECT id, text FROM passages ORDER BY id").fetchall()
    write_database([make_evaluation(1)], db)
    # Same passage ids: the evaluation was not deleted and written again.
    assert conn.execute("SELECT id, text FROM passages ORDER BY id").fetchall() == passages_before
    stamps = dict(conn.execute("SELECT evaluation_id, exported_at FROM evaluations").fetchall())
    assert stamps[sha(2)] == "2000-01-01T00:00:00Z" and stamps[sha(1)] > "2000-01-01T00:00:00Z"
    conn.close()


def test_mixed_export_unchanged_replaced_added(db: Path) -> None:
    write_database([make_evaluation(n) for n in (1, 2, 3)], db)
    batch = [make_evaluation(1), make_evaluation(2, title="Revised"), make_evaluation(4)]
    write_database(batch, db)
    final = [make_evaluation(1), make_evaluation(2, title="Revised"), make_evaluation(3), make_evaluation(4)]
    assert table_counts(db) == expected_counts(final)
    titles = dict(connect(db).execute("SELECT evaluation_id, title FROM evaluations").fetchall())
    assert titles == {sha(1): "Final evaluation of project 1", sha(2): "Revised",
                      sha(3): "Final evaluation of project 3", sha(4): "Final evaluation of project 4"}  # fmt: skip
    assert [h["evaluation_id"] for h in search(db, "revised")] == [sha(2)]
    assert_integrity(db)


def test_replacement_takes_the_new_content(db: Path) -> None:
    old = make_evaluation(1, title="Zebra crossings review", lessons=["zebra " * 5, "more"])
    write_database([old, make_evaluation(2)], db)
    assert search(db, "zebra")
    new = make_evaluation(1, title="Road safety review", lessons=["one lesson"], responses=[])
    write_database([new], db)
    assert search(db, "zebra") == []
    assert [h["section"] for h in search(db, "road safety")] == ["title"]
    assert table_counts(db) == expected_counts([new, make_evaluation(2)])
    assert_integrity(db)


def test_more_dumps_add(db: Path) -> None:
    first = [make_evaluation(n) for n in (1, 2)]
    second = [make_evaluation(n) for n in (3, 4, 5)]
    write_database(first, db)
    write_database(second, db)
    assert table_counts(db) == expected_counts(first + second)
    write_database(first[:1] + second[:1], db)  # a re-export of some changes nothing
    assert table_counts(db) == expected_counts(first + second)
    assert_integrity(db)


def test_same_source_twice_in_one_export_is_stored_once(db: Path) -> None:
    a = make_evaluation(1, title="First parse")
    b = make_evaluation(1, title="Second parse")
    write_database([a, b], db)
    assert table_counts(db)["evaluations"] == 1
    assert connect(db).execute("SELECT title FROM evaluations").fetchone()[0] == "Second parse"


def test_evaluation_id_is_the_sha256_or_a_hash_of_the_content() -> None:
    with_sha = make_evaluation(1, source=Source(path="a.txt", sha256="ab" * 32))
    moved = make_evaluation(1, source=Source(path="elsewhere/a.txt", sha256="ab" * 32))
    assert export.evaluation_id(with_sha) == "ab" * 32 == export.evaluation_id(moved)
    anonymous = make_evaluation(1, source=Source())
    assert export.evaluation_id(anonymous) == hashlib.sha256(anonymous.model_dump_json().encode()).hexdigest()
    assert export.evaluation_id(anonymous) != export.evaluation_id(make_evaluation(2, source=Source()))


def test_same_bytes_at_another_path_replace_and_record_the_new_path(db: Path) -> None:
    write_database([make_evaluation(1, source=Source(path="a.txt", sha256=sha(1)))], db)
    write_database([make_evaluation(1, source=Source(path="b/a.txt", sha256=sha(1)))], db)
    rows = connect(db).execute("SELECT evaluation_id, source_path, source_sha256 FROM evaluations").fetchall()
    assert rows == [(sha(1), "b/a.txt", sha(1))]


def test_sourceless_evaluations_are_not_duplicated(db: Path) -> None:
    evs = [make_evaluation(1, source=Source()), make_evaluation(2, source=Source(path="p"))]
    write_database(evs, db)
    write_database(evs, db)
    assert table_counts(db) == expected_counts(evs)
    ids = {r[0] for r in connect(db).execute("SELECT evaluation_id FROM evaluations")}
    assert ids == {export.evaluation_id(ev) for ev in evs}


def test_empty_export_creates_a_searchable_database(db: Path) -> None:
    write_database([], db)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)
    assert search(db, "anything") == []


def test_sparse_evaluation(db: Path) -> None:
    bare = Evaluation()
    untitled = make_evaluation(3, title="", lessons=["", "   "], full=False)
    untitled.metadata.title = None
    write_database([bare, untitled], db)
    assert table_counts(db) == expected_counts([bare, untitled])
    assert connect(db).execute("SELECT gef, extra FROM evaluations").fetchall() == [(0, "{}"), (0, "{}")]
    assert_integrity(db)


# ------------------------------------------------------------------ transactions


def _fail_on(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the export raise once it reaches ``table``, after writing every earlier one."""
    real = sqlite_export._insert

    def failing(db: Any, name: str, rows: list[dict[str, object]]) -> None:
        if name == table:
            real(db, name, rows[: len(rows) // 2])  # half the rows of this table, too
            raise RuntimeError(f"injected failure in {table}")
        real(db, name, rows)

    monkeypatch.setattr(sqlite_export, "_insert", failing)


@pytest.mark.parametrize("table", ["countries", "key_actions", "passages"])
def test_failure_midway_leaves_database_unchanged(
    db: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    write_database([make_evaluation(n) for n in (1, 2)], db)
    before = snapshot(db)
    _fail_on(table, monkeypatch)
    changed = make_evaluation(1, title="Changed", lessons=["changed " * 3])
    with pytest.raises(RuntimeError, match="injected"):
        write_database([changed, make_evaluation(3)], db)
    assert snapshot(db) == before
    monkeypatch.undo()
    assert_integrity(db)
    assert search(db, "changed") == []
    write_database([changed, make_evaluation(3)], db)  # and the database still works
    assert table_counts(db) == expected_counts([changed] + [make_evaluation(n) for n in (2, 3)])


def test_failure_on_a_new_file_leaves_no_file(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_on("findings", monkeypatch)
    with pytest.raises(RuntimeError):
        write_database([make_evaluation(1)], db)
    assert list(db.parent.iterdir()) == []


_KILLED_WRITER = """
import sys, time
import erc_parse.export.sqlite as s
from erc_parse.cli import main

real = s._insert

def insert_then_wait(db, table, rows):
    real(db, table, rows)
    if table == "key_actions":  # evaluations deleted and rows written: mid-transaction
        print("inside the transaction", flush=True)
        time.sleep(120)

s._insert = insert_then_wait
sys.argv = ["erc-parse", "export", *sys.argv[1:]]
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("existing", [True, False])
def test_a_killed_export_leaves_the_database_as_it_was(tmp_path: Path, existing: bool) -> None:
    """A real SIGKILL of an export in the middle of its transaction, after it replaced rows."""
    db = tmp_path / "evaluations.db"
    if existing:
        write_database([parse_file(SAMPLE), parse_file(CORPUS[0])], db)
        before = snapshot(db)
    # The sample under another path name: same id, other content, so it is replaced.
    args = [os.path.relpath(SAMPLE, ROOT), str(CORPUS[1]), "-f", "sqlite", "-o", str(db)]
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "inside the transaction\n"
        assert Path(f"{db}-journal").exists()  # the writer really was half-way
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    if existing:
        assert snapshot(db) == before
        assert table_counts(db)["evaluations"] == 2
        assert_integrity(db)
    else:
        assert snapshot(db)[0] == ["BEGIN TRANSACTION;", "COMMIT;"]  # empty, as before the export
    write_database([parse_file(SAMPLE)], db)  # the next export works
    assert table_counts(db)["key_actions"] == 25 + (
        len(parse_file(CORPUS[0]).key_actions()) if existing else 0
    )


def test_sqlite_error_in_the_middle_of_a_table_rolls_back(db: Path) -> None:
    write_database([make_evaluation(1)], db)
    before = snapshot(db)
    bad = make_evaluation(3)
    # A row the database refuses (NOT NULL) after other countries rows went in.
    bad.metadata.countries.append(Country.model_construct(name=None, iso3=None))  # type: ignore[arg-type]
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation(1, title="New"), make_evaluation(2), bad], db)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == f"{db}: NOT NULL constraint failed: countries.name"
    assert snapshot(db) == before


def test_value_sqlite_cannot_hold_rolls_back(db: Path) -> None:
    write_database([make_evaluation(1)], db)
    before = snapshot(db)
    bad = make_evaluation(2)
    bad.documents.append(Document(downloads=2**70))  # a valid model, beyond SQLite's INTEGER
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation(3), bad], db)
    assert str(info.value).startswith(f"{db}: ") and "\n" not in str(info.value)
    assert snapshot(db) == before


def test_refuses_a_foreign_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE documents (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    message = f"{other}: not an erc-parse database; choose a new file"
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation()], other)
    assert str(info.value) == message
    assert other.read_bytes() == before
    with pytest.raises(SqliteExportError) as info:
        search(other, "x")
    assert str(info.value) == message


def _version_1_database(path: Path) -> None:
    """A file as the previous erc-parse wrote it: integer ids, a ``sources`` table, version 1."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sources (evaluation_id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)")
    conn.execute("CREATE TABLE evaluations (evaluation_id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO sources VALUES (1, ?)", (sha(1),))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA application_id = 1163019088")
    conn.commit()
    conn.close()


def test_an_older_database_is_refused_with_how_to_rebuild_it(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _version_1_database(old)
    before = old.read_bytes()
    rebuild = (
        f"{old}: written by an older erc-parse (database schema 1, this one uses 2); "
        "rebuild it: delete the file and export the dumps again"
    )
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation()], old)
    assert str(info.value) == rebuild
    with pytest.raises(SqliteExportError) as info:
        search(old, "x")
    assert str(info.value) == rebuild
    assert old.read_bytes() == before
    for args in (["export", SAMPLE, "-f", "sqlite", "-o", old], ["search", old, "x"], ["datasette", old]):
        result = run(*args)
        assert result.exit_code == 2
        assert one_error_line(result) == f"erc-parse: error: {rebuild}"
    assert old.read_bytes() == before


def test_a_newer_database_is_refused(db: Path) -> None:
    write_database([make_evaluation()], db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {DB_SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation(2)], db)
    assert str(info.value) == (
        f"{db}: written by a newer erc-parse (database schema 3, this one uses 2); "
        "upgrade erc-parse, or export to a new file"
    )


def test_unusable_paths_are_one_line_value_errors(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "e.db"
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation()], target)
    assert str(info.value) == f"{target}: cannot create the database: no such file or directory"
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation()], tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a database file"
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello, I am not a database\n" * 100)
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation()], not_a_db)
    assert str(info.value) == f"{not_a_db}: file is not a database"
    assert not_a_db.read_text().startswith("hello")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in which the OS refuses to create files, also for root.

    chmod does not stop root (CI runs as root), so root gets sysfs, where no one may
    create a file; everyone else gets a folder of their own without write permission.
    """
    if os.geteuid() == 0:
        yield Path("/sys")
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(sys.platform != "linux", reason="/proc and /sys are Linux's")
def test_export_sqlite_to_paths_it_cannot_write_is_exit_2(tmp_path: Path, read_only_folder: Path) -> None:
    """Issue 14, point 12: a path the user gave that cannot be written is a user error, not a bug."""
    cases = {
        Path("/proc/x.db"): "/proc/x.db: cannot create the database: no such file or directory",
        read_only_folder / "x.db": f"{read_only_folder}/x.db: cannot create the database: permission denied",
        tmp_path: f"{tmp_path}: is a folder, not a database file",
    }
    before = sorted(os.listdir(tmp_path))
    for target, message in cases.items():
        result = run("export", SAMPLE, "-f", "sqlite", "-o", target)
        assert result.exit_code == 2, result.output
        assert one_error_line(result) == f"erc-parse: error: {message}"
        assert result.stdout == ""
        if target != tmp_path:  # convert says the same (a folder is refused before any work)
            result = run("convert", SAMPLE, "-f", "sqlite", "--out", target)
            assert (result.exit_code, one_error_line(result)) == (2, f"erc-parse: error: {message}")
    assert not Path("/proc/x.db").exists() and not (read_only_folder / "x.db").exists()
    assert sorted(os.listdir(tmp_path)) == before


def _vm_work(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of SQLite virtual-machine steps (in thousands) for connections opened from now on.

    Work, not seconds: a scan of a table per replaced row (a cascade without its index)
    shows as steps growing with the square of the rows, on any machine.
    """
    steps = [0]
    connect = sqlite3.connect

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)

        def tick() -> int:
            steps[0] += 1
            return 0

        conn.set_progress_handler(tick, 1000)
        return conn

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    return steps


def _three_exports(n: int, db: Path) -> list[Evaluation]:
    template = make_evaluation(0)
    evaluations = []
    for i in range(n):
        ev = template.model_copy(deep=True)
        ev.source = Source(path=f"{i}.txt", sha256=sha(i))
        ev.metadata.title = f"Evaluation number {i} of the programme"
        evaluations.append(ev)
    write_database(evaluations, db)
    for ev in evaluations:
        ev.metadata.status = "Cancelled"
    write_database(evaluations, db)  # every one replaced
    write_database(evaluations, db)  # every one unchanged
    return evaluations


def test_export_work_grows_linearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten times the evaluations, about ten times the work: no per-row scans, no cascade scans."""
    steps = _vm_work(monkeypatch)
    work = {}
    for n in (100, 1000):
        db = tmp_path / f"{n}.db"
        steps[0] = 0
        evaluations = _three_exports(n, db)
        work[n] = steps[0]
        assert table_counts(db) == expected_counts(evaluations)
    assert work[100] > 10  # the counter is wired to the writer's connection
    assert work[1000] <= 12 * work[100], work


# ----------------------------------------------------------------------- search


def test_search_hit_shape_and_snippet(db: Path) -> None:
    ev = make_evaluation(1, title="Labour markets in the Balkans", lessons=[KNOWLEDGE_LESSON])
    write_database([ev, make_evaluation(2)], db)
    hits = search(db, "knowledge monster")
    assert hits, hits
    first = hits[0]
    assert set(first) == {"title", "section", "text", "rank", "evaluation_id", "row_id", "path"}
    assert first["title"] == "Labour markets in the Balkans"
    assert first["section"] == "lesson"
    assert first["path"] == "dumps/1.txt"
    assert isinstance(first["rank"], float)
    assert first["evaluation_id"] == sha(1) and first["row_id"] == f"{sha(1)}:1"
    text = str(first["text"])
    assert f"{HIGHLIGHT_OPEN}knowledge{HIGHLIGHT_CLOSE}" in text
    assert f"{HIGHLIGHT_OPEN}monster{HIGHLIGHT_CLOSE}" in text


def test_search_knowledge_monster_finds_the_lesson_first(db: Path) -> None:
    ev = make_evaluation(
        1,
        title="Inclusive Labour Market Solutions",
        lessons=["The regional dimension offers added value.", KNOWLEDGE_LESSON],
        findings=["Knowledge products were appreciated.", "A monster of a workload."],
        recommendations=["Manage knowledge properly with web-based technology."],
    )
    write_database([ev] + [make_evaluation(n) for n in range(2, 6)], db)
    hits = search(db, "knowledge monster")
    assert hits[0]["section"] == "lesson"
    assert "monster" in str(hits[0]["text"])


def _rank_fixture(db: Path) -> None:
    filler = " ".join(f"word{k}" for k in range(60))
    write_database(
        [
            make_evaluation(1, title="Drought resilience programme", full=False),
            make_evaluation(
                2,
                title="Water programme",
                findings=[f"{filler} drought {filler}"],
                full=False,
            ),
            make_evaluation(
                3,
                title="Climate programme",
                lessons=[f"Drought after drought: {filler} drought, drought and drought."],
                full=False,
            ),
        ]
        + [make_evaluation(n, full=False) for n in range(4, 9)],
        db,
    )


def test_search_ranks_title_and_repetition_above_a_single_mention(db: Path) -> None:
    _rank_fixture(db)
    hits = search(db, "drought")
    titles = [h["title"] for h in hits]
    assert titles.index("Drought resilience programme") < titles.index("Water programme")
    assert titles.index("Climate programme") < titles.index("Water programme")
    assert titles[-1] == "Water programme"
    ranks = [float(str(h["rank"])) for h in hits]
    assert ranks == sorted(ranks)  # best first: bm25, lower is better


def test_quoted_recommendations_are_searchable_once(db: Path) -> None:
    quoted = "Strengthen the  national\nemployment services."
    evaluation_page = make_evaluation(
        1,
        recommendations=["Strengthen the national employment services."],
        responses=[ManagementResponse(recommendation_number=1, recommendation=quoted)],
    )
    response_page = make_evaluation(
        2,
        recommendations=[],
        responses=[ManagementResponse(recommendation_number=1, recommendation=quoted)],
    )
    write_database([evaluation_page, response_page], db)
    hits = search(db, "employment services")
    assert sorted((h["evaluation_id"], h["section"]) for h in hits) == sorted(
        [
            (sha(1), "recommendation"),
            (sha(2), "response_recommendation"),
        ]
    )
    assert all("\n" not in str(h["text"]) for h in hits)


def test_search_limit(db: Path) -> None:
    write_database([make_evaluation(n) for n in range(1, 8)], db)
    assert len(search(db, "final")) == 7  # one title each
    assert len(search(db, "final", limit=3)) == 3
    assert search(db, "final", limit=3) == search(db, "final")[:3]
    with pytest.raises(ValueError):
        search(db, "final", limit=0)


def test_search_words_phrases_and_prefixes(db: Path) -> None:
    write_database(
        [
            make_evaluation(1, lessons=["The monster ate the knowledge."], full=False),
            make_evaluation(2, lessons=[KNOWLEDGE_LESSON], full=False),
            make_evaluation(3, lessons=["Evaluación de resultados en Bolivia"], full=False),
        ],
        db,
    )
    assert {h["evaluation_id"] for h in search(db, "knowledge monster")} == {sha(1), sha(2)}
    assert {h["evaluation_id"] for h in search(db, '"knowledge monster"')} == {sha(2)}
    assert {h["evaluation_id"] for h in search(db, '"knowledge monster')} == {sha(2)}
    assert {h["evaluation_id"] for h in search(db, "knowl*")} == {sha(1), sha(2)}
    assert {h["evaluation_id"] for h in search(db, "evaluacion")} == {sha(3)}  # accents folded
    assert {h["evaluation_id"] for h in search(db, "MONSTERS")} == {sha(1), sha(2)}  # stemmed


LESSON = ["lesson"]


@pytest.mark.parametrize(
    ("query", "sections"),
    [
        # No word: no hit.
        ("", []),
        ("   ", []),
        ('"', []),
        ('""', []),
        ('"""', []),
        ("*", []),
        # FTS5 syntax is read as words (a trailing `*` stays a prefix search).
        ("knowledge*", LESSON),
        ("AND", ["finding", "finding", "finding", "lesson"]),
        ("knowledge AND", LESSON),
        ("OR monster", []),  # no "or" in the lesson
        ("NOT", []),
        ("NEAR(knowledge monster)", []),  # the phrase "near knowledge"
        ("knowledge NEAR/2 monster", []),
        ("text:knowledge", []),  # the phrase "text knowledge"
        ("section:lesson", []),
        ("-monster", LESSON),
        ("^knowledge", LESSON),
        ("(knowledge", LESSON),
        ("knowledge)", LESSON),
        ("{text section}: knowledge", []),
        ("it's a 'knowledge' monster", []),  # the phrase "it s"
        ("C++ / C#; 50% + $100", []),
        ("knowledge\x00monster", LESSON),
        ("evaluación ÉVALUATION", []),
        ("ملخص التقييم", []),
        ("\u201cknowledge monster\u201d", LESSON),
        ("a" * 2000, []),
    ],
)
def test_search_never_raises_on_ordinary_text(db: Path, query: str, sections: list[str]) -> None:
    """Every word must match; operators and punctuation are text, never a syntax error."""
    write_database([make_evaluation(1, lessons=[KNOWLEDGE_LESSON])], db)
    assert [h["section"] for h in search(db, query)] == sections


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "small.db"
    write_database([make_evaluation(1, lessons=[KNOWLEDGE_LESSON]), make_evaluation(2)], path)
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=40))
def test_search_never_raises_property(small_db: Path, query: str) -> None:
    for hit in search(small_db, query):
        assert hit["section"] in SECTIONS


def test_search_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(DatabaseNotFoundError) as info:
        search(missing, "knowledge")
    assert isinstance(info.value, ValueError)
    assert str(missing) in str(info.value) and "\n" not in str(info.value)
    assert not missing.exists()  # searching never creates a file
    with pytest.raises(DatabaseNotFoundError):
        search(tmp_path, "knowledge")  # a directory is not a database either


def test_search_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"\x00\x01 plainly not sqlite " * 200)
    with pytest.raises(SqliteExportError) as info:
        search(path, "knowledge")
    assert "\n" not in str(info.value)


# -------------------------------------------------------------- sample and corpus


@pytest.fixture(scope="module")
def sample() -> Evaluation:
    return parse_file(SAMPLE)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, sample: Evaluation) -> Path:
    path = tmp_path_factory.mktemp("sample") / "evaluations.db"
    write_database([sample], path)
    return path


def query(db: Path, sql: str, **params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_sample_known_counts(sample_db: Path, sample: Evaluation) -> None:
    assert table_counts(sample_db) == expected_counts([sample]) == {
        "evaluations": 1, "team": 1, "countries": 7, "documents": 3, "lessons": 1, "findings": 5,
        "recommendations": 11, "management_responses": 11, "key_actions": 25, "diagnostics": 1,
        "passages": 75,
    }  # fmt: skip
    statuses = query(sample_db, "SELECT status, COUNT(*) FROM key_actions GROUP BY status ORDER BY status")
    assert statuses == [("Completed", 15), ("Initiated", 10)]
    assert query(sample_db, "SELECT evaluation_id FROM evaluations") == [(SAMPLE_ID,)]
    assert_integrity(sample_db)


@pytest.mark.usefixtures("ticking")
def test_sample_exported_twice_duplicates_nothing(db: Path, sample: Evaluation) -> None:
    write_database([sample], db)
    first = _dump_without_export_time(db)
    write_database([sample], db)
    write_database([parse_file(SAMPLE)], db)
    assert _dump_without_export_time(db) == first
    assert table_counts(db)["key_actions"] == 25


def test_sample_knowledge_monster(db: Path, sample: Evaluation) -> None:
    write_database([sample, make_evaluation(1), make_evaluation(2)], db)
    hits = search(db, "knowledge monster")
    assert (hits[0]["section"], hits[0]["title"], hits[0]["path"]) == (
        "lesson", "Promoting Inclusive Labour Market Solutions in the Western Balkans", str(SAMPLE),
    )  # fmt: skip
    assert (hits[0]["evaluation_id"], hits[0]["row_id"]) == (SAMPLE_ID, f"{SAMPLE_ID}:1")


# ------------------------------------------------------------------ one id joins every output


def test_one_id_joins_every_output(tmp_path: Path, sample_db: Path) -> None:
    """JSON, JSON Lines, CSV, ``actions``, the database and ``search`` all name the sample by its sha256."""
    as_json = json.loads(run("export", SAMPLE).stdout)
    as_jsonl = json.loads(run("export", SAMPLE, "-f", "jsonl").stdout)
    assert as_json["source"]["sha256"] == as_jsonl["source"]["sha256"] == SAMPLE_ID
    assert re.fullmatch(r"[0-9a-f]{64}", SAMPLE_ID)
    assert run("export", SAMPLE, "-f", "csv", "-o", tmp_path / "csv").exit_code == 0
    actions = json.loads(run("actions", SAMPLE, "-f", "json").stdout)
    assert {row["evaluation_id"] for row in actions} == {SAMPLE_ID}
    hits = json.loads(run("search", sample_db, "knowledge", "-f", "json").stdout)
    assert hits and {hit["evaluation_id"] for hit in hits} == {SAMPLE_ID}

    import csv

    def csv_rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    for table in ("evaluations", "documents", "team", "countries", "findings", "recommendations",
                  "management_responses", "key_actions"):  # fmt: skip
        in_csv = csv_rows(table)
        key = "evaluation_id" if table == "evaluations" else "id"
        in_db = query(sample_db, f"SELECT {key}, evaluation_id FROM {table} ORDER BY rowid")
        assert [(r[key], r["evaluation_id"]) for r in in_csv] == in_db, table
        assert {r["evaluation_id"] for r in in_csv} == {SAMPLE_ID}
    # Key actions join their response by the same text id in both outputs.
    in_db = query(sample_db, "SELECT id, response_id FROM key_actions ORDER BY rowid")
    assert [(r["id"], r["response_id"]) for r in csv_rows("key_actions")] == in_db
    assert in_db[2] == (f"{SAMPLE_ID}:2:1", f"{SAMPLE_ID}:2")
    # And ``actions`` rows join the database's key actions on evaluation_id and numbers.
    joined = query(
        sample_db,
        "SELECT COUNT(*) FROM key_actions k JOIN management_responses m ON m.id = k.response_id "
        "JOIN json_each(:actions) a ON json_extract(a.value, '$.evaluation_id') = k.evaluation_id "
        "AND json_extract(a.value, '$.recommendation_number') = m.recommendation_number "
        "AND json_extract(a.value, '$.action_number') IS k.number AND json_extract(a.value, '$.text') = k.text",
        actions=json.dumps(actions),
    )
    assert joined == [(25,)]


# ------------------------------------------------------------------ Datasette


def test_canned_query_overdue_key_actions_by_unit(sample_db: Path) -> None:
    sql = CANNED_QUERIES["overdue_key_actions_by_unit"]["sql"]
    # Hand-checked on the page: 4.1, 5.1, 5.2, 8.1, 9.3 (due 2019-06), 10.1, 11.1 are Initiated
    # and due before December 2019; 8.3 (2020-12) and 9.2, 9.3 (2019-12) are not yet late.
    assert query(sample_db, sql, as_of="2019-12-31") == [("RBEC", 7, 1, "2019-06")]
    assert query(sample_db, sql, as_of="2019-12-01") == [("RBEC", 7, 1, "2019-06")]
    assert query(sample_db, sql, as_of="2019-10-31") == [("RBEC", 5, 1, "2019-06")]  # not 5.1, 5.2 yet
    assert query(sample_db, sql, as_of="2019-10-01") == [("RBEC", 5, 1, "2019-06")]
    assert query(sample_db, sql, as_of="2019-09-30") == [("RBEC", 1, 1, "2019-06")]  # 9.3 alone
    assert query(sample_db, sql, as_of="2019-06-30") == []  # due by the end of June: not late yet
    assert query(sample_db, sql, as_of="2021-01-01") == [("RBEC", 10, 1, "2019-06")]
    assert query(sample_db, sql, as_of="") == [("RBEC", 10, 1, "2019-06")]  # today: all 10 open are late


def test_canned_query_implementation_rate_by_unit(sample_db: Path, db: Path) -> None:
    sql = CANNED_QUERIES["implementation_rate_by_unit"]["sql"]
    assert query(sample_db, sql) == [("RBEC", 25, 15, 60.0)]  # 15 of 25 completed
    # No Longer Applicable is left out of the base; units come from the response unit first.
    ev = make_evaluation(1)
    ev.metadata.response_unit = "UNDP Serbia"
    write_database([ev, make_evaluation(2)], db)
    assert query(db, sql) == [("Istanbul Regional Hub", 2, 1, 50.0), ("UNDP Serbia", 2, 1, 50.0)]


def test_canned_query_recommendations_and_responses_mentioning(sample_db: Path) -> None:
    sql = CANNED_QUERIES["recommendations_and_responses_mentioning"]["sql"]
    found = query(sample_db, sql, word="knowledge")
    # Recommendations 4, 6, 8 and 11 and the responses to 1 and 4 mention it; the
    # responses' quotes of the recommendations repeat the page's own and are not counted.
    assert sorted((section, row_id) for _, section, _, _, row_id in found) == [
        ("management_response", f"{SAMPLE_ID}:1"),
        ("management_response", f"{SAMPLE_ID}:4"),
        ("recommendation", f"{SAMPLE_ID}:11"),
        ("recommendation", f"{SAMPLE_ID}:4"),
        ("recommendation", f"{SAMPLE_ID}:6"),
        ("recommendation", f"{SAMPLE_ID}:8"),
    ]
    assert all("**knowledge**" in passage for _, _, passage, _, _ in found)
    assert query(sample_db, sql, word="monster") == []  # only in a lesson
    assert query(sample_db, sql, word="") == []
    assert query(sample_db, sql, word='knowledge" OR "x') == []  # a quote cannot break out


def test_datasette_metadata(sample_db: Path, tmp_path: Path) -> None:
    doc = metadata(sample_db)
    assert list(doc["databases"]) == ["evaluations"]
    assert doc["databases"]["evaluations"]["queries"] == CANNED_QUERIES
    out = tmp_path / "metadata.json"
    result = run("datasette", sample_db, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == doc
    missing = run("datasette", tmp_path / "nope.db")
    assert missing.exit_code == 2
    assert one_error_line(missing) == f"erc-parse: error: {tmp_path / 'nope.db'}: no such database file"


def test_datasette_serves_the_database_and_its_canned_queries(sample_db: Path) -> None:
    """Datasette in-process (its ASGI client, no server, no port): the queries work there too."""
    from datasette.app import Datasette

    async def fetch() -> list[Any]:
        ds = Datasette([str(sample_db)], metadata=metadata(sample_db))
        paths = [
            "/evaluations/overdue_key_actions_by_unit.json?as_of=2019-12-31&_shape=array",
            "/evaluations/implementation_rate_by_unit.json?_shape=array",
            "/evaluations/recommendations_and_responses_mentioning.json?word=knowledge&_shape=array",
            "/evaluations/passages.json?_search=monster&_shape=array",
        ]
        answers = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text)
            answers.append(response.json())
        return answers

    overdue, rate, mentions, searched = asyncio.run(fetch())
    assert overdue == [{"unit": "RBEC", "overdue_key_actions": 7, "evaluations": 1, "oldest_due": "2019-06"}]
    assert rate == [{"unit": "RBEC", "key_actions": 25, "completed": 15, "implementation_rate": 60.0}]
    assert len(mentions) == 6
    assert [(r["section"], r["row_id"]) for r in searched] == [("lesson", f"{SAMPLE_ID}:1")]


# ------------------------------------------------------------------ docs/sqlite.md


def test_docs_are_what_cog_would_write() -> None:
    """docs/sqlite.md's schema and query results are generated: `uv run cog -r -I tests docs/sqlite.md`."""
    status = Cog().main(["cog", "--check", "-I", str(ROOT / "tests"), str(DOCS)])
    assert status == 0, "docs/sqlite.md is stale: run `uv run cog -r -I tests docs/sqlite.md`"


def test_docs_schema_is_the_database_schema(sample_db: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for (sql,) in query(
        sample_db, "SELECT sql FROM sqlite_schema WHERE name NOT LIKE 'passages_fts_%' AND sql IS NOT NULL"
    ):
        assert sql + ";" in text, sql.splitlines()[0]


def test_documented_queries_give_the_hand_checked_answers(sample_db: Path) -> None:
    """Every ```sql block of docs/sqlite.md runs on the sample; the examples' answers are checked by hand."""
    text = DOCS.read_text(encoding="utf-8")
    statements = [
        block.split(";")[0]
        for block in re.findall(r"```sql\n(.*?)```", text, re.S)
        if not block.startswith("CREATE")
    ]
    params = {"as_of": "2019-12-31", "word": "knowledge"}
    results = {}
    for statement in statements:
        names = set(re.findall(r":(\w+)", statement)) & set(params)
        results[statement.strip()] = query(sample_db, statement, **{k: params[k] for k in names})
    assert len(results) >= 7

    def answer(start: str) -> list[tuple[Any, ...]]:
        (found,) = [rows for sql, rows in results.items() if re.sub(r"^(--.*\n)*", "", sql).startswith(start)]
        return found

    # The key actions of recommendation 9, with their response's id: 9.3 twice, as the page prints.
    assert answer("SELECT m.recommendation_number, k.number") == [
        (9, "9.1", "Completed", f"{SAMPLE_ID}:9:1", f"{SAMPLE_ID}:9"),
        (9, "9.2", "Initiated", f"{SAMPLE_ID}:9:2", f"{SAMPLE_ID}:9"),
        (9, "9.3", "Initiated", f"{SAMPLE_ID}:9:3", f"{SAMPLE_ID}:9"),
        (9, "9.3", "Initiated", f"{SAMPLE_ID}:9:4", f"{SAMPLE_ID}:9"),
    ]
    # Seven countries: the one evaluation counts once per country, its budget seven times.
    per_country = answer("SELECT c.name")
    assert len(per_country) == 7 and {(n, b) for _, n, b in per_country} == {(1, 13200.0)}
    assert answer("SELECT COUNT(*) AS joined_rows") == [(2, 26400.0)]  # Serbia and Montenegro
    assert answer("SELECT COUNT(*) AS evaluations") == [(1, 13200.0)]
    # Recommendation 4 and its response, joined by number.
    (rec4,) = answer("SELECT r.number")
    assert (
        rec4[0] == 4
        and rec4[1].startswith("This involves taking stock")
        and rec4[2].startswith("The management agrees")
    )
    assert answer("SELECT e.title, p.section")[0][1] == "lesson"


# ------------------------------------------------------------------ corpus


@pytest.fixture(scope="module")
def corpus() -> list[Evaluation]:
    assert len(CORPUS) > 100
    return [parse_file(path) for path in CORPUS]


def test_corpus_counts_match_models(db: Path, corpus: list[Evaluation], sample: Evaluation) -> None:
    everything = [*corpus, sample]
    write_database(everything, db)
    assert table_counts(db) == expected_counts(everything)
    assert table_counts(db)["evaluations"] == len({ev.source.sha256 for ev in everything})
    assert_integrity(db)


def test_corpus_in_parts_equals_corpus_at_once(tmp_path: Path, corpus: list[Evaluation]) -> None:
    at_once, in_parts = tmp_path / "once.db", tmp_path / "parts.db"
    write_database(corpus, at_once)
    for start in range(0, len(corpus), 25):
        write_database(corpus[start : start + 25], in_parts)
    write_database(corpus[::3], in_parts)  # re-exporting some changes nothing
    assert table_counts(in_parts) == table_counts(at_once) == expected_counts(corpus)
    key_actions = "SELECT id, response_id, number, status FROM key_actions ORDER BY id"
    assert query(in_parts, key_actions) == query(at_once, key_actions)
    assert_integrity(in_parts)


def _words(evaluations: Iterable[Evaluation]) -> Iterator[str]:
    for ev in evaluations:
        for item in (*ev.lessons, *ev.findings, *ev.recommendations):
            yield from item.text.split()[:3]
        if ev.metadata.title:
            yield from ev.metadata.title.split()[:3]


def test_corpus_search_finds_its_own_words(db: Path, corpus: list[Evaluation]) -> None:
    write_database(corpus, db)
    words = [w for w in _words(corpus) if any(ch.isalnum() for ch in w)][:50]
    for word in words:
        hits: list[dict[str, Any]] = search(db, word, limit=5)
        assert hits, word
        assert all(h["section"] in SECTIONS for h in hits)
