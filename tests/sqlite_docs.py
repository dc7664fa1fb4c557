"""docs/sqlite.md's generated parts: the schema of a real database and what queries return.

    uv run cog -r -I tests docs/sqlite.md     # after changing the schema or a query

``tests/test_sqlite.py`` fails when docs/sqlite.md is not what this would write. The
database is the sample page's, exported under its path relative to the repository, so
the output is the same on every machine.
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "samples/ilms-western-balkans-2018.txt"


@functools.cache
def sample_db() -> Path:
    """The sample exported to a fresh database (once per process)."""
    from erc_parse import parse_bytes
    from erc_parse.export.sqlite import write_database

    path = Path(tempfile.mkdtemp(prefix="erc-parse-docs-")) / "evaluations.db"
    write_database([parse_bytes((ROOT / SAMPLE).read_bytes(), path=SAMPLE)], path)
    return path


def rows(sql: str, **params: object) -> tuple[list[str], list[tuple[object, ...]]]:
    conn = sqlite3.connect(sample_db())
    try:
        cursor = conn.execute(sql, params)
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        conn.close()


def schema() -> str:
    """Every CREATE statement of the database, as sqlite3's ``.schema`` prints them."""
    conn = sqlite3.connect(sample_db())
    try:
        statements = [
            sql
            for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL"
                " AND name NOT LIKE 'passages_fts_%' ORDER BY rowid"
            )
        ]
    finally:
        conn.close()
    return "```sql\n" + ";\n".join(statements) + ";\n```\n"


def _cell(value: object) -> str:
    text = "NULL" if value is None else str(value)
    text = " ".join(text.split())
    return (text[:77] + "...") if len(text) > 80 else text.replace("|", "\\|")


def result(sql: str, **params: object) -> str:
    """The query as a fenced block, then what it returns on the sample as a Markdown table."""
    names, found = rows(sql, **params)
    shown = "".join(f"-- :{k} = {v!r}\n" for k, v in params.items())
    lines = ["```sql", shown + sql.strip(), "```", ""]
    lines.append("| " + " | ".join(names) + " |")
    lines.append("|" + "---|" * len(names))
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in found]
    return "\n".join(lines) + "\n"


def canned(name: str, **params: object) -> str:
    from erc_parse.export.datasette import CANNED_QUERIES

    query = CANNED_QUERIES[name]
    return f"**{query['title']}.** {query['description']}\n\n" + result(query["sql"], **params)
