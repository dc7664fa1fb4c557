"""Tests of the SQLite export (issue 7): schema, replacement, transactions, search.

Most tests build ``Evaluation`` objects here (``make_evaluation``), so they do not
depend on the parser; the sample and corpus tests compare the database with whatever
the parser produced, so they hold for any parser and get stricter as it improves.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import erc_parse.export.sqlite as sqlite_export
from erc_parse import export, parse_file
from erc_parse.export.sqlite import (
    DB_SCHEMA_VERSION,
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SECTIONS,
    TABLES,
    DatabaseNotFoundError,
    SqliteExportError,
    evaluation_key,
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
CORPUS = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("**/*.txt"))

KNOWLEDGE_LESSON = (
    "ILMS is a \u201cknowledge monster\u201d: it generates so much great and useful knowledge "
    "from its numerous activities. There is a clear risk of a part of it being lost."
)


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
    unique = {evaluation_key(ev): ev for ev in evaluations}.values()
    counts: Counter[str] = Counter()
    for ev in unique:
        counts["sources"] += 1
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


def snapshot(path: Path) -> tuple[bytes, list[str]]:
    """The file's bytes and a logical dump (FTS shadow tables included)."""
    with connect(path) as conn:
        dump = list(conn.iterdump())
    conn.close()
    return path.read_bytes(), dump


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
    row = conn.execute("SELECT * FROM evaluations JOIN sources USING (evaluation_id)").fetchone()
    assert row["key"] == sha(7) == export.evaluation_id(ev)
    assert row["path"] == "dumps/7.txt" and row["sha256"] == sha(7)
    assert row["title"] == "Final evaluation of project 7"
    assert row["completion_date"] == "2018-11"
    assert row["management_response"] == 1
    assert row["joint_programme"] == 0 and row["joint_evaluation"] is None
    assert row["budget_usd"] == 13200 and row["expenditure_usd"] == 13200.5
    assert row["gef"] == 1 and row["gef_project_id"] == "4321" and row["gef_phase"] is None
    assert row["warnings"] == 1 and row["errors"] == 0
    sdg = conn.execute(
        "SELECT j.value FROM evaluations, json_each(evaluations.atlas_project_numbers) j"
    ).fetchall()
    assert [r[0] for r in sdg] == ["00095840", "00000007"]
    assert conn.execute("SELECT extra FROM evaluations").fetchone()[0] == (
        '{"Quality Assessment": "Satisfactory"}'
    )
    kas = conn.execute(
        "SELECT k.*, m.recommendation_number FROM key_actions k "
        "JOIN management_responses m ON m.id = k.management_response_id ORDER BY k.id"
    ).fetchall()
    assert [k["position"] for k in kas] == [1, 2, 3]
    assert kas[0]["number"] == "1.1" and kas[0]["has_history"] == 1
    assert kas[0]["recommendation_number"] == 1 and kas[0]["due"] == "2019-12"
    assert kas[2]["justification"] == "Project ended early."
    countries = conn.execute("SELECT name, iso3 FROM countries ORDER BY position").fetchall()
    assert [tuple(c) for c in countries] == [("SERBIA", "SRB"), ("GLOBAL", None)]
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
    assert set(sections) <= set(SECTIONS)
    conn.close()


def test_passage_row_ids_point_into_their_tables(db: Path) -> None:
    write_database([make_evaluation(n) for n in (1, 2)], db)
    conn = connect(db)
    for section, table in SECTIONS.items():
        key = "evaluation_id" if table == "evaluations" else "id"
        column = "comments" if section == "key_action_comment" else "text"
        column = {
            "title": "title",
            "management_response": "response",
            "response_recommendation": "recommendation",
        }.get(section, column)
        mismatched = conn.execute(
            f"SELECT COUNT(*) FROM passages p LEFT JOIN {table} t ON t.{key} = p.row_id "
            f"WHERE p.section = ? AND (t.{column} IS NULL OR t.{column} != p.text)",
            (section,),
        ).fetchone()[0]
        assert mismatched == 0, section
    conn.close()


def test_schema_version_indexes_and_foreign_keys(db: Path) -> None:
    write_database([make_evaluation()], db)
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == DB_SCHEMA_VERSION
    indexed = {
        (table, column)
        for table in TABLES
        for index in conn.execute(f"PRAGMA index_list({table})").fetchall()
        for (_, _, column) in conn.execute(f"PRAGMA index_info({index[1]})").fetchall()[:1]
    }
    for wanted in [
        ("evaluations", "status"),
        ("evaluations", "evaluation_type"),
        ("evaluations", "completion_date"),
        ("evaluations", "planned_end_date"),
        ("key_actions", "status"),
        ("key_actions", "due"),
        ("countries", "name"),
        ("countries", "iso3"),
    ]:
        assert wanted in indexed, wanted
    # Every child table's foreign key leads an index (or is the rowid), so cascades do not scan.
    indexed |= {
        (table, column[1])
        for table in TABLES
        for column in conn.execute(f"PRAGMA table_info({table})").fetchall()
        if column[5] == 1 and column[2] == "INTEGER"
    }
    for table in TABLES:
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            assert (table, fk[3]) in indexed, (table, fk[3])
    # Deleting a source by hand cascades everywhere, search index included.
    conn.execute("DELETE FROM sources")
    conn.commit()
    conn.close()
    assert set(table_counts(db).values()) == {0}
    assert_integrity(db)


def test_search_index_follows_hand_edits(db: Path) -> None:
    write_database([make_evaluation(1), make_evaluation(2)], db)
    conn = connect(db)
    conn.execute("UPDATE passages SET text = 'Edited about giraffes.' WHERE section = 'title'")
    conn.execute("DELETE FROM sources WHERE evaluation_id = 2")
    conn.commit()
    conn.close()
    assert [h["evaluation_id"] for h in search(db, "giraffes")] == [1]
    assert_integrity(db)


def test_export_twice_replaces(db: Path) -> None:
    evaluations = [make_evaluation(n) for n in range(1, 4)]
    write_database(evaluations, db)
    first = table_counts(db)
    ids = dict(connect(db).execute("SELECT key, evaluation_id FROM sources").fetchall())
    write_database(evaluations, db)
    assert table_counts(db) == first == expected_counts(evaluations)
    assert dict(connect(db).execute("SELECT key, evaluation_id FROM sources").fetchall()) == ids
    assert_integrity(db)


def test_unchanged_reexport_keeps_rows_and_moves_the_export_time(db: Path) -> None:
    evaluations = [make_evaluation(n) for n in (1, 2)]
    write_database(evaluations, db)
    conn = connect(db)
    conn.execute("UPDATE sources SET exported_at = '2000-01-01T00:00:00Z'")
    conn.commit()
    rows_before = conn.execute("SELECT id, text FROM findings ORDER BY id").fetchall()
    write_database([make_evaluation(1)], db)
    assert conn.execute("SELECT id, text FROM findings ORDER BY id").fetchall() == rows_before
    stamps = dict(conn.execute("SELECT evaluation_id, exported_at FROM sources").fetchall())
    assert stamps[2] == "2000-01-01T00:00:00Z" and stamps[1] > "2000"
    conn.close()


def test_mixed_export_unchanged_replaced_added(db: Path) -> None:
    write_database([make_evaluation(n) for n in (1, 2, 3)], db)
    batch = [make_evaluation(1), make_evaluation(2, title="Revised"), make_evaluation(4)]
    write_database(batch, db)
    final = [make_evaluation(1), make_evaluation(2, title="Revised"), make_evaluation(3), make_evaluation(4)]
    assert table_counts(db) == expected_counts(final)
    titles = connect(db).execute("SELECT evaluation_id, title FROM evaluations ORDER BY 1").fetchall()
    assert [t for _, t in titles][1] == "Revised" and [i for i, _ in titles] == [1, 2, 3, 4]
    assert [h["evaluation_id"] for h in search(db, "revised")] == [2]
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


def test_replace_and_add_in_one_export(db: Path) -> None:
    write_database([make_evaluation(1)], db)
    write_database([make_evaluation(1, title="Again"), make_evaluation(2)], db)
    rows = connect(db).execute("SELECT evaluation_id, title FROM evaluations ORDER BY 1")
    assert rows.fetchall() == [(1, "Again"), (2, "Final evaluation of project 2")]
    assert table_counts(db) == expected_counts([make_evaluation(1), make_evaluation(2)])
    assert_integrity(db)


def test_same_source_twice_in_one_export_is_stored_once(db: Path) -> None:
    a = make_evaluation(1, title="First parse")
    b = make_evaluation(1, title="Second parse")
    write_database([a, b], db)
    assert table_counts(db)["evaluations"] == 1
    assert connect(db).execute("SELECT title FROM evaluations").fetchone()[0] == "Second parse"


def test_key_derivation() -> None:
    with_sha = make_evaluation(1, source=Source(path="a.txt", sha256="ab" * 32))
    moved = make_evaluation(1, source=Source(path="elsewhere/a.txt", sha256="ab" * 32))
    path_only = make_evaluation(1, source=Source(path="a.txt"))
    anonymous = make_evaluation(1, source=Source())
    assert evaluation_key(with_sha) == "ab" * 32 == evaluation_key(moved)
    assert evaluation_key(path_only) == "path:a.txt"
    # Where both have one, the key is the CSV export's evaluation_id.
    assert evaluation_key(with_sha) == export.evaluation_id(with_sha)
    assert evaluation_key(anonymous) == export.evaluation_id(anonymous)
    assert evaluation_key(anonymous) == evaluation_key(make_evaluation(1, source=Source()))
    assert evaluation_key(anonymous) != evaluation_key(make_evaluation(2, source=Source()))


def test_same_bytes_at_another_path_replace_and_record_the_new_path(db: Path) -> None:
    write_database([make_evaluation(1, source=Source(path="a.txt", sha256=sha(1)))], db)
    write_database([make_evaluation(1, source=Source(path="b/a.txt", sha256=sha(1)))], db)
    rows = connect(db).execute("SELECT path, sha256 FROM sources").fetchall()
    assert rows == [("b/a.txt", sha(1))]


def test_sourceless_evaluations_are_not_duplicated(db: Path) -> None:
    evs = [make_evaluation(1, source=Source()), make_evaluation(2, source=Source(path="p"))]
    write_database(evs, db)
    write_database(evs, db)
    assert table_counts(db) == expected_counts(evs)


def test_empty_export_creates_a_searchable_database(db: Path) -> None:
    write_database([], db)
    assert set(table_counts(db).values()) == {0}
    assert search(db, "anything") == []


def test_sparse_evaluation(db: Path) -> None:
    bare = Evaluation()
    untitled = make_evaluation(3, title="", lessons=["", "   "], full=False)
    untitled.metadata.title = None
    write_database([bare, untitled], db)
    assert table_counts(db) == expected_counts([bare, untitled])
    assert_integrity(db)


# ------------------------------------------------------------------ transactions


def _fail_on(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the export raise once it reaches ``table``, after writing every earlier one."""
    real = sqlite_export._insert
    reached: list[str] = []

    def failing(conn: sqlite3.Connection, name: str, rows: list[dict[str, object]]) -> None:
        reached.append(name)
        if name == table:
            real(conn, name, rows[: len(rows) // 2])  # half the rows of this table, too
            raise RuntimeError(f"injected failure in {table}")
        real(conn, name, rows)

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
    assert not db.exists()
    assert list(db.parent.iterdir()) == []


def test_sqlite_error_in_the_middle_of_a_table_rolls_back(db: Path) -> None:
    write_database([make_evaluation(1)], db)
    before = snapshot(db)
    bad = make_evaluation(3)
    # A row the database refuses (NOT NULL) after other countries rows went in.
    bad.metadata.countries.append(Country.model_construct(name=None, iso3=None))  # type: ignore[arg-type]
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation(1, title="New"), make_evaluation(2), bad], db)
    assert isinstance(info.value, ValueError)
    assert "NOT NULL" in str(info.value) and "\n" not in str(info.value)
    assert snapshot(db) == before


def test_value_sqlite_cannot_hold_rolls_back(db: Path) -> None:
    write_database([make_evaluation(1)], db)
    before = snapshot(db)
    bad = make_evaluation(2)
    bad.documents.append(Document(downloads=2**70))  # a valid model, beyond SQLite's INTEGER
    with pytest.raises(SqliteExportError) as info:
        write_database([make_evaluation(3), bad], db)
    assert "\n" not in str(info.value)
    assert snapshot(db) == before


def test_refuses_a_foreign_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE documents (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(SqliteExportError, match="not an erc-parse database"):
        write_database([make_evaluation()], other)
    assert other.read_bytes() == before
    with pytest.raises(SqliteExportError, match="not an erc-parse database"):
        search(other, "x")


def test_refuses_another_schema_version(db: Path) -> None:
    write_database([make_evaluation()], db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {DB_SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SqliteExportError, match="schema version"):
        write_database([make_evaluation(2)], db)


def test_unwritable_path_is_a_one_line_value_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "e.db"
    with pytest.raises(ValueError) as info:
        write_database([make_evaluation()], target)
    assert "\n" not in str(info.value)
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello, I am not a database\n" * 100)
    with pytest.raises(SqliteExportError):
        write_database([make_evaluation()], not_a_db)
    assert not_a_db.read_text().startswith("hello")


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
    for n in (200, 2000):
        db = tmp_path / f"{n}.db"
        steps[0] = 0
        evaluations = _three_exports(n, db)
        work[n] = steps[0]
        assert table_counts(db) == expected_counts(evaluations)
    assert work[200] > 10  # the counter is wired to the writer's connection
    assert work[2000] <= 12 * work[200], work


# ----------------------------------------------------------------------- search


def test_search_hit_shape_and_snippet(db: Path) -> None:
    ev = make_evaluation(1, title="Labour markets in the Balkans", lessons=[KNOWLEDGE_LESSON])
    write_database([ev, make_evaluation(2)], db)
    hits = search(db, "knowledge monster")
    assert hits, hits
    first = hits[0]
    assert set(first) == {"title", "section", "text", "rank", "evaluation_id", "path"}
    assert first["title"] == "Labour markets in the Balkans"
    assert first["section"] == "lesson"
    assert first["path"] == "dumps/1.txt"
    assert isinstance(first["rank"], float)
    assert isinstance(first["evaluation_id"], int)
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
    assert sorted((h["evaluation_id"], h["section"]) for h in hits) == [
        (1, "recommendation"),
        (2, "response_recommendation"),
    ]
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
    assert {h["evaluation_id"] for h in search(db, "knowledge monster")} == {1, 2}
    assert {h["evaluation_id"] for h in search(db, '"knowledge monster"')} == {2}
    assert {h["evaluation_id"] for h in search(db, '"knowledge monster')} == {2}
    assert {h["evaluation_id"] for h in search(db, "knowl*")} == {1, 2}
    assert {h["evaluation_id"] for h in search(db, "evaluacion")} == {3}  # accents folded
    assert {h["evaluation_id"] for h in search(db, "MONSTERS")} == {1, 2}  # stemmed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '""',
        '"""',
        "*",
        "knowledge*",
        "AND",
        "knowledge AND",
        "OR monster",
        "NOT",
        "NEAR(knowledge monster)",
        "knowledge NEAR/2 monster",
        "text:knowledge",
        "section:lesson",
        "-monster",
        "^knowledge",
        "(knowledge",
        "knowledge)",
        "{text section}: knowledge",
        "it's a 'knowledge' monster",
        "C++ / C#; 50% + $100",
        "knowledge\x00monster",
        "evaluación ÉVALUATION",
        "ملخص التقييم",
        "\u201cknowledge monster\u201d",
        "a" * 2000,
    ],
)
def test_search_never_raises_on_ordinary_text(db: Path, query: str) -> None:
    write_database([make_evaluation(1, lessons=[KNOWLEDGE_LESSON])], db)
    hits = search(db, query)
    assert isinstance(hits, list)


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


def _require_parser(ev: Evaluation) -> None:
    # The parser is still a placeholder returning an empty Evaluation for any page.
    if ev.metadata.title is None and not ev.documents:
        pytest.skip("parser not landed yet: the sample parses to an empty evaluation")


def test_sample_counts_match_model(db: Path, sample: Evaluation) -> None:
    write_database([sample], db)
    assert table_counts(db) == expected_counts([sample])
    write_database([sample], db)
    assert table_counts(db) == expected_counts([sample])
    assert_integrity(db)


def test_sample_known_counts(db: Path, sample: Evaluation) -> None:
    _require_parser(sample)
    write_database([sample], db)
    counts = table_counts(db)
    assert counts["documents"] == 3
    assert counts["findings"] == 5
    assert counts["recommendations"] == 11
    assert counts["management_responses"] == 11
    assert counts["key_actions"] == 25


def test_sample_knowledge_monster(db: Path, sample: Evaluation) -> None:
    _require_parser(sample)
    write_database([sample, make_evaluation(1), make_evaluation(2)], db)
    hits = search(db, "knowledge monster")
    assert hits[0]["section"] == "lesson"
    assert hits[0]["title"] == sample.metadata.title
    assert hits[0]["path"] == str(SAMPLE)


def test_documented_queries_run_on_the_sample(db: Path, sample: Evaluation) -> None:
    """docs/sqlite.md's example SQL stays in step with the schema."""
    _require_parser(sample)
    write_database([sample], db)
    doc = (ROOT / "docs" / "sqlite.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", doc, re.S)
    assert len(blocks) >= 3
    conn = connect(db)
    results = [
        conn.execute(statement, {"as_of": "2019-12-31"} if ":as_of" in statement else {}).fetchall()
        for block in blocks
        for statement in block.split(";")
        if statement.strip()
    ]
    overdue = results[0]
    # The same 7 as `erc-parse actions --overdue --as-of 2019-12-31` (docs/cli.md).
    assert sum(row[1] for row in overdue) == 7
    assert overdue[0][:3] == ("SDT IRH/ES UNDP COs /NPC", 2, "2019-06")
    assert results[1] == [("Final Project", "2018", 25, 15, 60.0)]
    assert results[-1][0][1] == "lesson"
    conn.close()


@pytest.fixture(scope="module")
def corpus() -> list[Evaluation]:
    assert len(CORPUS) > 100
    return [parse_file(path) for path in CORPUS]


def test_corpus_counts_match_models(db: Path, corpus: list[Evaluation], sample: Evaluation) -> None:
    everything = [*corpus, sample]
    write_database(everything, db)
    assert table_counts(db) == expected_counts(everything)
    assert table_counts(db)["sources"] == len({ev.source.sha256 for ev in everything})
    assert_integrity(db)


def test_corpus_in_parts_equals_corpus_at_once(tmp_path: Path, corpus: list[Evaluation]) -> None:
    at_once, in_parts = tmp_path / "once.db", tmp_path / "parts.db"
    write_database(corpus, at_once)
    for start in range(0, len(corpus), 25):
        write_database(corpus[start : start + 25], in_parts)
    write_database(corpus[::3], in_parts)  # re-exporting some changes nothing
    assert table_counts(in_parts) == table_counts(at_once) == expected_counts(corpus)
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
