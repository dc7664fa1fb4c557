"""SQLite export: one file an analyst can query, join and full-text search.

Why SQLite: a download of thousands of evaluations should open in ``sqlite3``, DB
Browser, Datasette or pandas with no server. The file is written with sqlite-utils, the
library behind Datasette: it creates the tables, foreign keys, indexes and the FTS5
index with its triggers; this module decides what goes in and guards the file.

Design decisions, each made for a reason an analyst or the CLI depends on:

- **Tables follow the models** (:mod:`erc_parse.export.tables`, shared with the CSV
  export): ``evaluations`` and one table per list on the page (``documents``, ``team``,
  ``countries``, ``lessons``, ``findings``, ``recommendations``,
  ``management_responses``, ``key_actions``, ``diagnostics``), plus ``passages`` for
  search. Lists of plain strings (SDG goals, Atlas numbers, ...) are JSON arrays,
  queryable with ``json_each``; booleans are 0/1.
- **One id everywhere.** ``evaluation_id`` is the dump's sha256, as in the CSV export,
  ``actions`` and the JSON's ``source.sha256``; other rows have a text ``id`` derived
  from it and their position (``<sha256>:3``, ``<sha256>:3:2``). Every table carries
  ``evaluation_id``, so ``JOIN ... USING (evaluation_id)`` works across the schema.
- **Replace by source.** Exporting a dump whose ``evaluation_id`` is present deletes the
  old evaluation (``ON DELETE CASCADE`` down to key actions and search passages) and
  writes the new one; when the parsed content is unchanged too (``content_sha256``) the
  rows would come out identical, so only ``exported_at`` moves and re-runs stay cheap.
- **One export is one transaction** (``BEGIN IMMEDIATE`` ... ``COMMIT``; sqlite-utils
  nests its own work in savepoints): a crash, a kill, a bad value or a full disk half-way
  leaves the file as it was, and a file this call created is removed again.
- **Full-text search** lives in ``passages`` (one row per searchable text: a title, a
  lesson, a finding, a recommendation, a management response and the recommendation it
  quotes, a key action or its comment, with its ``section`` and the ``row_id`` of the row
  it came from) and the external-content FTS5 table ``passages_fts``, kept in step by
  triggers, so a cascaded delete or an analyst's own edit never leaves stale hits.
- **Schema version** in ``PRAGMA user_version`` (and an ``application_id``): a file of
  another version is refused with a message saying how to rebuild it, never mixed.

sqlite-utils is imported only when writing: ``search`` needs nothing but ``sqlite3``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

    from erc_parse.export.tables import Row
    from erc_parse.models import Evaluation

__all__ = [
    "DB_SCHEMA_VERSION",
    "DatabaseNotFoundError",
    "HIGHLIGHT_CLOSE",
    "HIGHLIGHT_OPEN",
    "INDEXES",
    "SECTIONS",
    "SqliteExportError",
    "open_database",
    "search",
    "table_counts",
    "write_database",
]

#: Bumped whenever a table or column changes; stored in ``PRAGMA user_version``.
#: 1: integer ids and a ``sources`` table; 2: the sha256 ``evaluation_id`` and text ids.
DB_SCHEMA_VERSION = 2
#: ``PRAGMA application_id`` ("ERCP"), so tools and ``search`` can tell our files apart.
APPLICATION_ID = 0x45524350

#: Markers ``search`` puts around matched terms in snippets.  Plain ASCII, and not
#: square brackets, so a terminal (or rich markup) prints them as they are.
HIGHLIGHT_OPEN = "**"
HIGHLIGHT_CLOSE = "**"
_SNIPPET_TOKENS = 24
TOKENIZER = "porter unicode61 remove_diacritics 2"

#: Columns ``evaluations`` has beyond the model's fields: diagnostics counts, and what
#: replacement needs (the parsed content's sha256, the time of the last export).
EXTRA_COLUMNS: dict[str, type] = {"errors": int, "warnings": int, "content_sha256": str, "exported_at": str}

#: ``passages.section`` -> the table and column its text comes from.
SECTIONS = {
    "title": ("evaluations", "title"),
    "lesson": ("lessons", "text"),
    "finding": ("findings", "text"),
    "recommendation": ("recommendations", "text"),
    "management_response": ("management_responses", "response"),
    "response_recommendation": ("management_responses", "recommendation"),
    "key_action": ("key_actions", "text"),
    "key_action_comment": ("key_actions", "comments"),
}

#: Columns analysts filter and group on; every foreign key is indexed as well.
INDEXES = {
    "evaluations": (
        "kind",
        "status",
        "evaluation_type",
        "completion_date",
        "planned_end_date",
        "commissioning_unit",
        "response_unit",
    ),
    "countries": ("name", "iso3"),
    "key_actions": ("status", "due", "responsible"),
    "diagnostics": ("code",),
}


class SqliteExportError(ValueError):
    """The database cannot be written or searched; the message is one line.

    A ``ValueError`` so the CLI can catch it with the other input errors and print it.
    """


class DatabaseNotFoundError(SqliteExportError):
    """``search`` was given a path where there is no database file."""


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _version_problem(path: str, app_id: int, version: int) -> str | None:
    """Why a database cannot be used by this erc-parse, or None if it can."""
    if app_id != APPLICATION_ID:
        return f"{path}: not an erc-parse database; choose a new file"
    if version < DB_SCHEMA_VERSION:
        return (
            f"{path}: written by an older erc-parse (database schema {version}, this one uses "
            f"{DB_SCHEMA_VERSION}); rebuild it: delete the file and export the dumps again"
        )
    if version > DB_SCHEMA_VERSION:
        return (
            f"{path}: written by a newer erc-parse (database schema {version}, this one uses "
            f"{DB_SCHEMA_VERSION}); upgrade erc-parse, or export to a new file"
        )
    return None


# ---------------------------------------------------------------------- writing


def _create_schema(db: Database) -> None:
    """Every table, foreign key, index and the search index, from the model's tables."""
    from sqlite_utils.db import ForeignKey

    from erc_parse.export.tables import PARENT_KEY
    from erc_parse.export.tables import TABLES as MODEL_TABLES

    def cascade(table: str, column: str, other: str, other_column: str = "evaluation_id") -> ForeignKey:
        return ForeignKey(table, column, other, other_column, on_delete="CASCADE")

    for table in MODEL_TABLES.values():
        columns: dict[str, type] = {key: int if key == "position" else str for key in table.keys}
        columns |= {column.name: column.kind for column in table.columns}
        not_null = [*table.keys, *(c.name for c in table.columns if not c.nullable)]
        foreign_keys = []
        if table.parent is None:
            columns |= EXTRA_COLUMNS
            not_null += list(EXTRA_COLUMNS)
        else:
            foreign_keys.append(cascade(table.name, "evaluation_id", "evaluations"))
        if table.parent not in (None, "evaluations"):
            key = PARENT_KEY.get(str(table.parent), f"{table.parent}_id")
            foreign_keys.append(cascade(table.name, key, str(table.parent), "id"))
        db.table(table.name).create(columns, pk=table.keys[0], not_null=not_null, foreign_keys=foreign_keys)
    passages = db.table("passages").create(
        {"id": int, "evaluation_id": str, "section": str, "row_id": str, "text": str},
        pk="id",
        not_null=["evaluation_id", "section", "row_id", "text"],
        foreign_keys=[cascade("passages", "evaluation_id", "evaluations")],
    )
    passages.enable_fts(["text"], tokenize=TOKENIZER, create_triggers=True)
    for name, indexed in INDEXES.items():
        for column in indexed:
            db.table(name).create_index([column], index_name=f"{name}_{column}")
    db.index_foreign_keys()


def _words(text: str | None) -> str:
    """``text`` with whitespace normalised, to compare texts as a reader would."""
    return " ".join((text or "").split())


def _collect(ev: Evaluation, eid: str, extra: Row, out: dict[str, list[Row]]) -> None:
    """One evaluation's rows, by table, and its search passages."""
    from erc_parse.export.tables import rows

    by_table: dict[str, list[Row]] = defaultdict(list)
    for table, row in rows(ev, eid):
        by_table[table].append(row)
    root = by_table["evaluations"][0]
    root.update(extra, errors=ev.count("error"), warnings=ev.count("warning"))
    # On a management-response page the quoted recommendation is the only copy; on an
    # evaluation page it repeats one, and a second hit would push other passages down.
    own = {_words(row["text"]) for row in by_table["recommendations"]}  # type: ignore[arg-type]
    for section, (table, column) in SECTIONS.items():
        for row in by_table[table]:
            text = row[column]
            if not isinstance(text, str) or not text.strip():
                continue  # a passage that can never match only costs space
            if section == "response_recommendation" and _words(text) in own:
                continue
            row_id = row["id"] if "id" in row else eid
            out["passages"].append({"evaluation_id": eid, "section": section, "row_id": row_id, "text": text})
    for table, table_rows in by_table.items():
        out[table].extend(table_rows)


def _insert(db: Database, table: str, rows: list[Row]) -> None:
    """Insert ``rows`` into ``table``: every write of an export goes through here (tests inject failures).

    New passages are indexed by one ``INSERT ... SELECT`` rather than by the insert
    trigger, which indexes row by row at several times the cost: the trigger is dropped
    for the insert and created again, inside the export's transaction, so the schema an
    analyst sees (and writes through) is unchanged.
    """
    if not rows:
        return
    if table != "passages":
        db.table(table).insert_all(rows)
        return
    (trigger,) = db.execute("SELECT sql FROM sqlite_schema WHERE name = 'passages_ai'").fetchone()
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()
    db.execute("DROP TRIGGER passages_ai")
    db.table(table).insert_all(rows)
    db.execute("INSERT INTO passages_fts (rowid, text) SELECT id, text FROM passages WHERE id > ?", [last])
    db.execute(trigger)


def _prepare(path: str) -> bool:
    """Refuse a folder; create the file if missing (True), so the OS names any problem."""
    if os.path.isdir(path):
        raise SqliteExportError(f"{path}: is a folder, not a database file")
    try:
        with open(path, "xb"):
            return True
    except FileExistsError:
        return False
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SqliteExportError(f"{path}: cannot create the database: {reason}") from None


def write_database(evaluations: Iterable[Evaluation], path: str | os.PathLike[str]) -> None:
    """Add ``evaluations`` to the SQLite database at ``path``, creating it if needed.

    An evaluation whose ``evaluation_id`` is already in the database replaces it; others
    are added.  Everything is written in one transaction: on any failure the file is
    left as it was (and removed if this call created it), and the exception propagates;
    SQLite's own errors and unusable paths raise ``SqliteExportError`` (one line).
    """
    fspath = os.fspath(path)
    created = _prepare(fspath)
    try:
        conn = sqlite3.connect(fspath, isolation_level=None)
        try:
            _write(conn, evaluations, fspath)
        finally:
            conn.close()
    except BaseException as exc:
        if created:
            for name in (fspath, f"{fspath}-journal"):
                with contextlib.suppress(OSError):
                    os.remove(name)
        # OverflowError: an int the model allows but SQLite cannot hold.
        if isinstance(exc, sqlite3.Error | OverflowError):
            raise SqliteExportError(f"{fspath}: {_one_line(exc)}") from exc
        raise


def _write(conn: sqlite3.Connection, evaluations: Iterable[Evaluation], path: str) -> None:
    from sqlite_utils import Database

    from erc_parse.export import content_sha256, evaluation_id
    from erc_parse.export.tables import TABLES as MODEL_TABLES

    conn.execute("PRAGMA foreign_keys = ON")  # outside any transaction: ignored inside one
    db = Database(conn, execute_plugins=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version, app_id, objects = conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version),"
            " (SELECT application_id FROM pragma_application_id),"
            " (SELECT COUNT(*) FROM sqlite_schema)"
        ).fetchone()
        if (version, app_id, objects) == (0, 0, 0):
            _create_schema(db)
            conn.execute(f"PRAGMA user_version = {DB_SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        elif problem := _version_problem(path, app_id, version):
            raise SqliteExportError(problem)

        # The last evaluation of a source wins, as it would over two separate exports.
        latest = {evaluation_id(ev): ev for ev in evaluations}
        stored = dict(conn.execute("SELECT evaluation_id, content_sha256 FROM evaluations").fetchall())
        exported_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        unchanged: list[str] = []
        rows: dict[str, list[Row]] = defaultdict(list)
        for eid, ev in latest.items():
            content = content_sha256(ev)
            if stored.get(eid) == content:
                unchanged.append(eid)  # the same rows would come out: only the time moves
                continue
            _collect(ev, eid, {"content_sha256": content, "exported_at": exported_at}, rows)
        replaced = [eid for eid in latest if eid in stored and eid not in unchanged]
        conn.execute(
            "UPDATE evaluations SET exported_at = ? WHERE evaluation_id IN (SELECT value FROM json_each(?))",
            (exported_at, json.dumps(unchanged)),
        )
        # One statement: cascades to every table, and the passages' trigger clears the index.
        conn.execute(
            "DELETE FROM evaluations WHERE evaluation_id IN (SELECT value FROM json_each(?))",
            (json.dumps(replaced),),
        )
        for table in [*MODEL_TABLES, "passages"]:  # parents first
            _insert(db, table, rows[table])
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


def open_database(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open an existing database of this schema read-only, so a typo never creates a file."""
    path = Path(db_path)
    if not path.is_file():
        raise DatabaseNotFoundError(f"{os.fspath(db_path)}: no such database file")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise SqliteExportError(f"{os.fspath(db_path)}: cannot read database: {_one_line(exc)}") from exc
    problem = _version_problem(os.fspath(db_path), app_id, version)
    if problem:
        conn.close()
        raise SqliteExportError(problem)
    return conn


_SEARCH_SQL = f"""
SELECT e.title,
       p.section,
       snippet(passages_fts, 0, ?, ?, '...', {_SNIPPET_TOKENS}),
       bm25(passages_fts) AS score,
       p.evaluation_id,
       p.row_id,
       e.source_path
FROM passages_fts
JOIN passages p ON p.id = passages_fts.rowid
JOIN evaluations e ON e.evaluation_id = p.evaluation_id
WHERE passages_fts MATCH ?
ORDER BY score, p.id
LIMIT ?
"""


def search(db_path: str | os.PathLike[str], query: str, limit: int = 20) -> list[dict[str, object]]:
    """Full-text search of an exported database, best match first.

    Each hit is ``{"title", "section", "text", "rank", "evaluation_id", "row_id",
    "path"}``: the evaluation's title, the section the passage comes from (see
    ``SECTIONS``), a one-line snippet with matches between ``HIGHLIGHT_OPEN`` and
    ``HIGHLIGHT_CLOSE``, the FTS5 bm25 score (as SQLite reports it: lower, i.e. more
    negative, is better), the evaluation's id (the dump's sha256), the id of the row the
    passage comes from (in the section's table), and the dump's path.  All words must
    match (see ``_fts_query`` for how ordinary text is made safe); a query with no words
    gives no hits.  Raises ``DatabaseNotFoundError`` or ``SqliteExportError`` (both
    ``ValueError``) with a one-line message, never a raw ``sqlite3`` error.
    """
    if limit < 1:
        raise SqliteExportError(f"search limit must be at least 1, not {limit}")
    conn = open_database(db_path)
    try:
        fts = _fts_query(query)
        if fts is None:
            return []
        try:
            found = conn.execute(_SEARCH_SQL, (HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, fts, limit)).fetchall()
        except sqlite3.Error as exc:
            raise SqliteExportError(f"{os.fspath(db_path)}: search failed: {_one_line(exc)}") from exc
    finally:
        conn.close()
    keys = ("title", "section", "text", "rank", "evaluation_id", "row_id", "path")
    # The snippet on one line: page text keeps its line breaks, a snippet is read as a phrase.
    return [
        dict(zip(keys, (t, s, _words(x), float(r), e, i, p), strict=True)) for t, s, x, r, e, i, p in found
    ]


def table_counts(db_path: str | os.PathLike[str]) -> dict[str, int]:
    """Rows per table (the search index's own tables aside), in the order they were created."""
    conn = open_database(db_path)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
                " AND name NOT LIKE 'passages_fts%' ORDER BY rowid"
            )
        ]
        return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()
