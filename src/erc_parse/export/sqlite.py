"""SQLite export: one file an analyst can query, join and full-text search.

Why SQLite: a download of thousands of evaluations should open in ``sqlite3``, DB
Browser, Datasette or pandas with no server, and the standard library already ships
it (with FTS5), so there is no dependency to earn its place.

Design decisions, each made for a reason an analyst or the CLI depends on:

- **Normalised tables** (``evaluations``, ``documents``, ``team``, ``countries``,
  ``lessons``, ``findings``, ``recommendations``, ``management_responses``,
  ``key_actions``, plus ``diagnostics``) so that counting and grouping is a plain
  ``GROUP BY``; lists of plain strings (SDG goals, Atlas numbers, ...) are JSON
  arrays, queryable with ``json_each``, rather than a dozen one-column tables.
- **Every table is keyed by ``evaluation_id``**, and the column has that name
  everywhere, so ``JOIN ... USING (evaluation_id)`` works across the schema.
- **One evaluation per source.**  The ``sources`` table records each dump's path and
  sha256 and a ``key`` derived from them (the sha256, else ``path:...``, else a hash
  of the parsed content).  Exporting a dump whose key is already present deletes
  the old evaluation (``ON DELETE CASCADE`` down to key actions and the search index)
  and writes the new one under the *same* ``evaluation_id``, so re-running an export
  replaces rather than duplicates, and ids an analyst noted stay valid.  When the
  parsed content is unchanged too (``sources.content_sha256``) the rows would come
  out identical, so they are left alone and only ``exported_at`` moves: re-running
  a large export costs little more than parsing.
- **One export is one transaction** (``BEGIN IMMEDIATE`` ... ``COMMIT``): a crash,
  a bad value or a full disk half-way leaves the file exactly as it was, and a file
  that did not exist before is removed again.
- **Full-text search** lives in ``passages`` (one row per searchable text: a title, a
  lesson, a finding, a recommendation, a management response and the recommendation
  it quotes, a key action or its comment, with the ``section`` it came from) and the
  external-content FTS5 table ``passages_fts``.  The writer indexes new passages in
  one statement; triggers remove (and re-index) passages that are deleted (or
  updated), because cascaded deletes fire them too, so replacement, or an analyst's
  own ``DELETE``, can never leave stale hits.
- **Schema version** in ``PRAGMA user_version`` (and an ``application_id``), so a
  later erc-parse can refuse, or migrate, a file written by an older one instead of
  mixing two layouts.

Writing is done table by table with ``executemany`` and ids assigned in Python (no
round trip per row to learn a parent's id), and FTS5 is fed by one statement per
export (see ``_insert``): thousands of evaluations take seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from erc_parse.models import Evaluation, Item

__all__ = [
    "DB_SCHEMA_VERSION",
    "DatabaseNotFoundError",
    "HIGHLIGHT_CLOSE",
    "HIGHLIGHT_OPEN",
    "SECTIONS",
    "TABLES",
    "SqliteExportError",
    "evaluation_key",
    "search",
    "table_counts",
    "write_database",
]

#: Bumped whenever a table or column changes; stored in ``PRAGMA user_version``.
DB_SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` ("ERCP"), so tools and ``search`` can tell our files apart.
APPLICATION_ID = 0x45524350

#: Markers ``search`` puts around matched terms in snippets.  Plain ASCII, and not
#: square brackets, so a terminal (or rich markup) prints them as they are.
HIGHLIGHT_OPEN = "**"
HIGHLIGHT_CLOSE = "**"
_ELLIPSIS = "..."
_SNIPPET_TOKENS = 24


class SqliteExportError(ValueError):
    """The database cannot be written or searched; the message is one line.

    A ``ValueError`` so the CLI can catch it with the other input errors and print it.
    """


class DatabaseNotFoundError(SqliteExportError):
    """``search`` was given a path where there is no database file."""


# --------------------------------------------------------------------------- schema

# Ordered so that every table comes after the tables it references.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    evaluation_id INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    path          TEXT,
    sha256        TEXT,
    content_sha256 TEXT NOT NULL,
    exported_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);

CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_id          INTEGER PRIMARY KEY
                           REFERENCES sources(evaluation_id) ON DELETE CASCADE,
    schema_version         TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    layout                 TEXT NOT NULL,
    truncated              INTEGER NOT NULL CHECK (truncated IN (0, 1)),
    title                  TEXT,
    atlas_project_numbers  TEXT NOT NULL DEFAULT '[]',
    evaluation_plan        TEXT,
    evaluation_type        TEXT,
    status                 TEXT,
    completion_date        TEXT,
    planned_end_date       TEXT,
    management_response    INTEGER CHECK (management_response IN (0, 1)),
    budget_usd             REAL,
    expenditure_usd        REAL,
    source_of_funding      TEXT,
    strategic_plan         TEXT,
    corporate_outcomes     TEXT NOT NULL DEFAULT '[]',
    focus_areas            TEXT NOT NULL DEFAULT '[]',
    signature_solutions    TEXT NOT NULL DEFAULT '[]',
    sdg_goals              TEXT NOT NULL DEFAULT '[]',
    sdg_targets            TEXT NOT NULL DEFAULT '[]',
    joint_programme        INTEGER CHECK (joint_programme IN (0, 1)),
    joint_evaluation       INTEGER CHECK (joint_evaluation IN (0, 1)),
    joint_with             TEXT NOT NULL DEFAULT '[]',
    mandatory              INTEGER CHECK (mandatory IN (0, 1)),
    location               TEXT,
    gef                    INTEGER NOT NULL CHECK (gef IN (0, 1)),
    gef_project_title      TEXT,
    gef_evaluation_type    TEXT,
    gef_focal_area         TEXT,
    gef_project_type       TEXT,
    gef_phase              TEXT,
    gef_project_id         TEXT,
    gef_pims_number        TEXT,
    key_stakeholders       TEXT NOT NULL DEFAULT '[]',
    commissioning_unit     TEXT,
    response_unit          TEXT,
    summary                TEXT,
    comments               TEXT,
    justification          TEXT,
    extra                  TEXT NOT NULL DEFAULT '{}',
    errors                 INTEGER NOT NULL DEFAULT 0,
    warnings               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS evaluations_status ON evaluations(status);
CREATE INDEX IF NOT EXISTS evaluations_evaluation_type ON evaluations(evaluation_type);
CREATE INDEX IF NOT EXISTS evaluations_completion_date ON evaluations(completion_date);
CREATE INDEX IF NOT EXISTS evaluations_planned_end_date ON evaluations(planned_end_date);
CREATE INDEX IF NOT EXISTS evaluations_commissioning_unit ON evaluations(commissioning_unit);

CREATE TABLE IF NOT EXISTS documents (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    filename      TEXT,
    type          TEXT,
    language      TEXT,
    size_kb       REAL,
    status        TEXT,
    downloads     INTEGER,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS team (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT,
    title         TEXT,
    email         TEXT,
    nationality   TEXT,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS countries (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    iso3          TEXT,
    UNIQUE (evaluation_id, position)
);
CREATE INDEX IF NOT EXISTS countries_name ON countries(name);
CREATE INDEX IF NOT EXISTS countries_iso3 ON countries(iso3);

CREATE TABLE IF NOT EXISTS lessons (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    number        INTEGER,
    heading       TEXT,
    text          TEXT NOT NULL,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS findings (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    number        INTEGER,
    heading       TEXT,
    text          TEXT NOT NULL,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS recommendations (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    number        INTEGER,
    heading       TEXT,
    text          TEXT NOT NULL,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS management_responses (
    id                    INTEGER PRIMARY KEY,
    evaluation_id         INTEGER NOT NULL
                          REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    recommendation_number INTEGER,
    recommendation        TEXT,
    response              TEXT,
    added                 TEXT,
    last_updated          TEXT,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS key_actions (
    id                     INTEGER PRIMARY KEY,
    evaluation_id          INTEGER NOT NULL
                           REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    management_response_id INTEGER NOT NULL
                           REFERENCES management_responses(id) ON DELETE CASCADE,
    position               INTEGER NOT NULL,
    number                 TEXT,
    text                   TEXT NOT NULL,
    added                  TEXT,
    last_updated           TEXT,
    responsible            TEXT,
    due                    TEXT,
    status                 TEXT,
    comments               TEXT,
    justification          TEXT,
    has_history            INTEGER NOT NULL CHECK (has_history IN (0, 1)),
    UNIQUE (management_response_id, position)
);
CREATE INDEX IF NOT EXISTS key_actions_evaluation_id ON key_actions(evaluation_id);
CREATE INDEX IF NOT EXISTS key_actions_status ON key_actions(status);
CREATE INDEX IF NOT EXISTS key_actions_due ON key_actions(due);
CREATE INDEX IF NOT EXISTS key_actions_responsible ON key_actions(responsible);

CREATE TABLE IF NOT EXISTS diagnostics (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    severity      TEXT NOT NULL,
    code          TEXT NOT NULL,
    message       TEXT NOT NULL,
    UNIQUE (evaluation_id, position)
);

CREATE TABLE IF NOT EXISTS passages (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id) ON DELETE CASCADE,
    section       TEXT NOT NULL,
    row_id        INTEGER,
    text          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_evaluation_id ON passages(evaluation_id);

CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    section UNINDEXED,
    text,
    content='passages',
    content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS passages_ad AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, section, text)
    VALUES ('delete', old.id, old.section, old.text);
END;
CREATE TRIGGER IF NOT EXISTS passages_au AFTER UPDATE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, section, text)
    VALUES ('delete', old.id, old.section, old.text);
    INSERT INTO passages_fts(rowid, section, text) VALUES (new.id, new.section, new.text);
END;
"""

#: The tables whose rows come from the models, in insertion (parent-first) order.
TABLES = (
    "sources",
    "evaluations",
    "documents",
    "team",
    "countries",
    "lessons",
    "findings",
    "recommendations",
    "management_responses",
    "key_actions",
    "diagnostics",
    "passages",
)

#: ``passages.section`` values, and the table ``passages.row_id`` then points into.
SECTIONS = {
    "title": "evaluations",
    "lesson": "lessons",
    "finding": "findings",
    "recommendation": "recommendations",
    "management_response": "management_responses",
    "response_recommendation": "management_responses",
    "key_action": "key_actions",
    "key_action_comment": "key_actions",
}


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies contain ``;`` too)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise AssertionError(f"incomplete statement in schema: {pending!r}")
    return statements


# ------------------------------------------------------------------------- keys


def evaluation_key(evaluation: Evaluation) -> str:
    """The identity under which an evaluation is stored, derived from its source.

    The sha256 of the dump when known (the same bytes are the same page wherever they
    were saved), else ``path:`` and its path, else the sha256 of the parsed content, so
    that even an evaluation built in memory is not duplicated by a second export.  The
    sha256 forms equal ``erc_parse.export.evaluation_id``, the ``evaluation_id`` column
    of the CSV export, so ``sources.key`` joins a database to CSV tables.
    """
    if evaluation.source.sha256:
        return evaluation.source.sha256
    if evaluation.source.path:
        return f"path:{evaluation.source.path}"
    return hashlib.sha256(evaluation.model_dump_json().encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------- writing

Row = dict[str, object]


def _insert(conn: sqlite3.Connection, table: str, rows: list[Row]) -> None:
    """Insert ``rows`` into ``table``; every write of an export goes through here.

    Rows are dicts bound by name, so a column can never shift into its neighbour's
    place; one choke point keeps the write path uniform (and lets tests inject a failure).

    New ``passages`` are indexed by one ``INSERT ... SELECT`` into ``passages_fts``
    rather than by an insert trigger: FTS5 flushes its in-memory index at every
    statement, so indexing row by row is two to three times slower.
    """
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(columns)
    marks = ", ".join(f":{column}" for column in columns)
    conn.executemany(f"INSERT INTO main.{table} ({names}) VALUES ({marks})", rows)
    if table == "passages":
        conn.execute(
            "INSERT INTO passages_fts(rowid, section, text) "
            "SELECT id, section, text FROM passages WHERE id BETWEEN ? AND ? ORDER BY id",
            (rows[0]["id"], rows[-1]["id"]),
        )


def _delete_evaluations(conn: sqlite3.Connection, evaluation_ids: list[int]) -> None:
    """Delete evaluations (cascading to all their rows and search passages).

    One ``DELETE`` statement for all of them, for the same FTS5 reason as in
    ``_insert``: run per evaluation, the passages' delete trigger would flush the
    index once per evaluation instead of once.
    """
    if not evaluation_ids:
        return
    conn.execute("CREATE TEMP TABLE replaced (evaluation_id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.replaced VALUES (?)", [(i,) for i in evaluation_ids])
    conn.execute("DELETE FROM main.sources WHERE evaluation_id IN (SELECT evaluation_id FROM temp.replaced)")
    conn.execute("DROP TABLE temp.replaced")


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _words(text: str | None) -> str:
    """``text`` with whitespace normalised, to compare texts as a reader would."""
    return " ".join((text or "").split())


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


class _Rows:
    """All rows one export writes, per table, with the next free id of each table.

    Assigning ids in Python (from ``MAX(id) + 1``, read inside the write transaction)
    is what lets children reference parents without a round trip per row, and so lets
    every table be written with a single ``executemany``.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.by_table: dict[str, list[Row]] = {table: [] for table in TABLES}
        self._next = {
            table: conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in TABLES
            if table not in ("sources", "evaluations")
        }

    def add(self, table: str, row: Row) -> int:
        """Queue ``row`` (given an ``id`` first if the table has one); return that id."""
        if table in self._next:
            row_id: int = self._next[table]
            self._next[table] = row_id + 1
            row = {"id": row_id, **row}
        else:
            row_id = cast(int, row["evaluation_id"])
        self.by_table[table].append(row)
        return row_id


def _collect(evaluation: Evaluation, evaluation_id: int, source_row: Row, out: _Rows) -> None:
    """Turn one evaluation into rows of every table, and its search passages.

    ``source_row`` holds the ``sources`` columns that are not in the evaluation itself
    (its key, content hash and export time).
    """
    md = evaluation.metadata
    gef = md.gef
    eid = evaluation_id

    def passage(section: str, row_id: int, text: str | None) -> None:
        # Blank texts are skipped: a passage that can never match only costs space.
        if text and text.strip():
            out.add(
                "passages",
                {"evaluation_id": eid, "section": section, "row_id": row_id, "text": text},
            )

    source = evaluation.source
    out.add(
        "sources",
        {"evaluation_id": eid, "path": source.path, "sha256": source.sha256, **source_row},
    )
    out.add(
        "evaluations",
        {
            "evaluation_id": eid,
            "schema_version": evaluation.schema_version,
            "kind": evaluation.kind,
            "layout": evaluation.layout,
            "truncated": int(evaluation.truncated),
            "title": md.title,
            "atlas_project_numbers": _json_list(md.atlas_project_numbers),
            "evaluation_plan": md.evaluation_plan,
            "evaluation_type": md.evaluation_type,
            "status": md.status,
            "completion_date": md.completion_date,
            "planned_end_date": md.planned_end_date,
            "management_response": _bool(md.management_response),
            "budget_usd": md.budget_usd,
            "expenditure_usd": md.expenditure_usd,
            "source_of_funding": md.source_of_funding,
            "strategic_plan": md.strategic_plan,
            "corporate_outcomes": _json_list(md.corporate_outcomes),
            "focus_areas": _json_list(md.focus_areas),
            "signature_solutions": _json_list(md.signature_solutions),
            "sdg_goals": _json_list(md.sdg_goals),
            "sdg_targets": _json_list(md.sdg_targets),
            "joint_programme": _bool(md.joint_programme),
            "joint_evaluation": _bool(md.joint_evaluation),
            "joint_with": _json_list(md.joint_with),
            "mandatory": _bool(md.mandatory),
            "location": md.location,
            "gef": int(gef is not None),
            "gef_project_title": gef.project_title if gef else None,
            "gef_evaluation_type": gef.evaluation_type if gef else None,
            "gef_focal_area": gef.focal_area if gef else None,
            "gef_project_type": gef.project_type if gef else None,
            "gef_phase": gef.phase if gef else None,
            "gef_project_id": gef.project_id if gef else None,
            "gef_pims_number": gef.pims_number if gef else None,
            "key_stakeholders": _json_list(md.key_stakeholders),
            "commissioning_unit": md.commissioning_unit,
            "response_unit": md.response_unit,
            "summary": md.summary,
            "comments": md.comments,
            "justification": md.justification,
            "extra": json.dumps(md.extra, ensure_ascii=False),
            "errors": evaluation.count("error"),
            "warnings": evaluation.count("warning"),
        },
    )
    passage("title", eid, md.title)

    for pos, doc in enumerate(evaluation.documents, 1):
        out.add(
            "documents",
            {
                "evaluation_id": eid,
                "position": pos,
                "filename": doc.filename,
                "type": doc.type,
                "language": doc.language,
                "size_kb": doc.size_kb,
                "status": doc.status,
                "downloads": doc.downloads,
            },
        )
    for pos, member in enumerate(md.team, 1):
        out.add(
            "team",
            {
                "evaluation_id": eid,
                "position": pos,
                "name": member.name,
                "title": member.title,
                "email": member.email,
                "nationality": member.nationality,
            },
        )
    for pos, country in enumerate(md.countries, 1):
        out.add(
            "countries",
            {"evaluation_id": eid, "position": pos, "name": country.name, "iso3": country.iso3},
        )

    items: tuple[tuple[str, str, list[Item]], ...] = (
        ("lessons", "lesson", evaluation.lessons),
        ("findings", "finding", evaluation.findings),
        ("recommendations", "recommendation", evaluation.recommendations),
    )
    for table, section, values in items:
        for pos, item in enumerate(values, 1):
            row_id = out.add(
                table,
                {
                    "evaluation_id": eid,
                    "position": pos,
                    "number": item.number,
                    "heading": item.heading,
                    "text": item.text,
                },
            )
            passage(section, row_id, item.text)

    own_recommendations = {_words(item.text) for item in evaluation.recommendations}
    for pos, mr in enumerate(evaluation.management_responses, 1):
        mr_id = out.add(
            "management_responses",
            {
                "evaluation_id": eid,
                "position": pos,
                "recommendation_number": mr.recommendation_number,
                "recommendation": mr.recommendation,
                "response": mr.response,
                "added": mr.added,
                "last_updated": mr.last_updated,
            },
        )
        passage("management_response", mr_id, mr.response)
        # On a management-response page this quote is the only copy of the
        # recommendation; on an evaluation page it repeats one, and a second hit for
        # the same words would only push other passages down the list.
        if _words(mr.recommendation) not in own_recommendations:
            passage("response_recommendation", mr_id, mr.recommendation)
        for ka_pos, ka in enumerate(mr.key_actions, 1):
            ka_id = out.add(
                "key_actions",
                {
                    "evaluation_id": eid,
                    "management_response_id": mr_id,
                    "position": ka_pos,
                    "number": ka.number,
                    "text": ka.text,
                    "added": ka.added,
                    "last_updated": ka.last_updated,
                    "responsible": ka.responsible,
                    "due": ka.due,
                    "status": ka.status,
                    "comments": ka.comments,
                    "justification": ka.justification,
                    "has_history": int(ka.has_history),
                },
            )
            passage("key_action", ka_id, ka.text)
            passage("key_action_comment", ka_id, ka.comments)

    for pos, diag in enumerate(evaluation.diagnostics, 1):
        out.add(
            "diagnostics",
            {
                "evaluation_id": eid,
                "position": pos,
                "line": diag.line,
                "severity": diag.severity,
                "code": diag.code,
                "message": diag.message,
            },
        )


def _check_database(conn: sqlite3.Connection, path: str) -> bool:
    """Refuse a file that is not ours or of another schema version; True if it is empty.

    Writing our tables into someone else's database, or rows of layout 2 into a file
    of layout 1, would corrupt both silently; an error the CLI prints is better.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    objects = conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]
    if version == 0 and app_id == 0 and objects == 0:
        return True
    if app_id != APPLICATION_ID:
        raise SqliteExportError(f"{path}: not an erc-parse database; choose a new file")
    if version != DB_SCHEMA_VERSION:
        raise SqliteExportError(
            f"{path}: database schema version {version}, this erc-parse writes "
            f"{DB_SCHEMA_VERSION}; export to a new file"
        )
    return False


def write_database(evaluations: list[Evaluation], path: str | os.PathLike[str]) -> None:
    """Add ``evaluations`` to the SQLite database at ``path``, creating it if needed.

    An evaluation whose source (see ``evaluation_key``) is already in the database
    replaces it, keeping its ``evaluation_id``; others are added.  Everything is
    written in one transaction: on any failure the file is left as it was (and removed
    if this call created it), and the exception propagates; SQLite's own errors are
    re-raised as ``SqliteExportError`` with a one-line message.
    """
    fspath = os.fspath(path)
    existed = os.path.exists(fspath)
    try:
        conn = sqlite3.connect(fspath, isolation_level=None)
    except sqlite3.Error as exc:
        raise SqliteExportError(f"{fspath}: cannot open database: {exc}") from exc
    try:
        try:
            _write(conn, evaluations, fspath)
        finally:
            conn.close()
    except BaseException as exc:
        if not existed:
            _remove_created(fspath)
        if isinstance(exc, sqlite3.Error):
            raise SqliteExportError(f"{fspath}: {exc}") from exc
        if isinstance(exc, OverflowError):  # an int the model allows but SQLite cannot hold
            raise SqliteExportError(f"{fspath}: {exc}") from exc
        raise


def _remove_created(path: str) -> None:
    """Delete a database file (and journal) this call created before it failed."""
    for name in (path, f"{path}-journal"):
        try:
            os.remove(name)
        except OSError:
            pass


def _write(conn: sqlite3.Connection, evaluations: list[Evaluation], path: str) -> None:
    # Outside any transaction: SQLite ignores this pragma inside one.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _check_database(conn, path):
            # Statement by statement: ``executescript`` would COMMIT the transaction first.
            for statement in _statements(_SCHEMA):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {DB_SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

        # The last evaluation of a source wins, as it would over two separate exports.
        by_key: dict[str, Evaluation] = {}
        for evaluation in evaluations:
            by_key[evaluation_key(evaluation)] = evaluation

        existing: dict[str, tuple[int, str]] = {
            key: (evaluation_id, content)
            for key, evaluation_id, content in conn.execute(
                "SELECT key, evaluation_id, content_sha256 FROM sources"
            )
        }
        exported_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        unchanged: list[tuple[str, int]] = []
        replaced: dict[str, int] = {}
        added: dict[str, tuple[str, Evaluation]] = {}
        for key, evaluation in by_key.items():
            content = hashlib.sha256(evaluation.model_dump_json().encode("utf-8")).hexdigest()
            if key not in existing:
                added[key] = (content, evaluation)
            elif existing[key][1] == content:
                # Same dump parsed to the same result: rewriting it would give the same
                # rows, so only the export time changes (and re-runs stay cheap).
                unchanged.append((exported_at, existing[key][0]))
            else:
                replaced[key] = existing[key][0]
                added[key] = (content, evaluation)

        conn.executemany("UPDATE sources SET exported_at = ? WHERE evaluation_id = ?", unchanged)
        # Cascades to every table, and the passages' trigger clears the search index.
        _delete_evaluations(conn, list(replaced.values()))

        # A replaced evaluation keeps its id; new ones number on from every id in use
        # before the deletion.
        next_eval = max((eid for eid, _ in existing.values()), default=0) + 1
        rows = _Rows(conn)
        for key, (content, evaluation) in added.items():
            evaluation_id = replaced.get(key)
            if evaluation_id is None:
                evaluation_id = next_eval
                next_eval += 1
            source_row: Row = {"key": key, "content_sha256": content, "exported_at": exported_at}
            _collect(evaluation, evaluation_id, source_row, rows)

        for table in TABLES:
            _insert(conn, table, rows.by_table[table])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            # If even the rollback fails, closing the connection rolls back (the journal
            # is hot); the error worth reporting is the one that got us here.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


# ----------------------------------------------------------------------- search

# A double-quoted phrase (possibly unterminated), or a run of non-space characters.
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def _fts_query(query: str) -> str | None:
    """Turn what a user typed into an FTS5 query that cannot be a syntax error.

    Every word becomes a quoted string, so ``AND``, ``NEAR(``, ``col:``, ``-``, ``^``
    and stray quotes are searched for as text instead of parsed as operators; text in
    double quotes stays a phrase and a trailing ``*`` stays a prefix search.  Words
    with no letter or digit are dropped: FTS5 would AND them in as an empty phrase
    that matches nothing.  Returns None when nothing searchable is left.
    """
    parts: list[str] = []
    for match in _QUERY_TOKEN.finditer(query.replace("\x00", " ")):
        phrase, word = match.group(1), match.group(2)
        prefix = False
        if word is not None:
            prefix = word.endswith("*")
            phrase = word.rstrip("*")
        if not phrase or not any(ch.isalnum() for ch in phrase):
            continue
        quoted = '"' + phrase.replace('"', '""') + '"'
        parts.append(quoted + "*" if prefix else quoted)
    return " ".join(parts) if parts else None


def _open_readonly(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open an existing database read-only, so a typo never creates an empty file."""
    path = Path(db_path)
    if not path.is_file():
        raise DatabaseNotFoundError(f"{os.fspath(db_path)}: no such database file")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise SqliteExportError(f"{os.fspath(db_path)}: cannot read database: {exc}") from exc
    if app_id != APPLICATION_ID or version != DB_SCHEMA_VERSION:
        conn.close()
        raise SqliteExportError(
            f"{os.fspath(db_path)}: not an erc-parse database of schema version {DB_SCHEMA_VERSION}"
        )
    return conn


_SEARCH_SQL = f"""
SELECT e.title,
       p.section,
       snippet(passages_fts, 1, ?, ?, '{_ELLIPSIS}', {_SNIPPET_TOKENS}),
       bm25(passages_fts) AS score,
       p.evaluation_id,
       s.path
FROM passages_fts
JOIN passages p ON p.id = passages_fts.rowid
JOIN evaluations e ON e.evaluation_id = p.evaluation_id
JOIN sources s ON s.evaluation_id = p.evaluation_id
WHERE passages_fts MATCH ?
ORDER BY score, p.id
LIMIT ?
"""


def search(db_path: str | os.PathLike[str], query: str, limit: int = 20) -> list[dict[str, object]]:
    """Full-text search of an exported database, best match first.

    Each hit is ``{"title", "section", "text", "rank", "evaluation_id", "path"}``:
    the evaluation's title, the section the passage comes from (see ``SECTIONS``), a
    snippet with matches between ``HIGHLIGHT_OPEN``/``HIGHLIGHT_CLOSE``, the FTS5
    bm25 score (as SQLite reports it: lower, i.e. more negative, is better), the
    evaluation's id and its source path.  All words must match (see ``_fts_query``
    for how ordinary text is made safe); a query with no words gives no hits.
    Raises ``DatabaseNotFoundError`` or ``SqliteExportError`` (both ``ValueError``)
    with a one-line message, never a raw ``sqlite3`` error.
    """
    if limit < 1:
        raise SqliteExportError(f"search limit must be at least 1, not {limit}")
    conn = _open_readonly(db_path)
    try:
        fts = _fts_query(query)
        if fts is None:
            return []
        try:
            rows: list[tuple[Any, ...]] = conn.execute(
                _SEARCH_SQL, (HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, fts, limit)
            ).fetchall()
        except sqlite3.Error as exc:
            raise SqliteExportError(f"{os.fspath(db_path)}: search failed: {exc}") from exc
    finally:
        conn.close()
    return [
        {
            "title": title,
            "section": section,
            # One line: page text keeps its line breaks, a snippet is read as a phrase.
            "text": _words(text),
            "rank": float(score),
            "evaluation_id": evaluation_id,
            "path": path,
        }
        for title, section, text, score, evaluation_id, path in rows
    ]


def table_counts(db_path: str | os.PathLike[str]) -> dict[str, int]:
    """Rows per table, for ``summary``-style output and for tests."""
    conn = _open_readonly(db_path)
    try:
        return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        conn.close()
