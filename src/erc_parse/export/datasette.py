"""Datasette metadata for a database written by ``export -f sqlite``: canned queries.

Datasette (``datasette evaluations.db -m metadata.json``) shows every table of the
database with facets and the full-text search of ``passages``; the metadata adds the
three questions analysts ask most, as canned queries with a form for their parameters.
The SQL is plain SQLite, so the same queries run in ``sqlite3`` or pandas (the tests run
them that way, with no server).

Definitions, the same as ``erc-parse actions`` and docs/sqlite.md use:

- **unit**: the unit responsible for the management response when the page names one,
  else the commissioning unit (``coalesce(response_unit, commissioning_unit)``);
- **overdue**: a key action is due by the last day of its due month, and overdue when
  that day is strictly before the as-of date (in SQL: its ``YYYY-MM`` due month is before
  the as-of date's month) and its status is neither ``Completed`` nor
  ``No Longer Applicable`` (compared case-insensitively); no due month, never overdue;
- **implementation rate**: completed key actions as a percentage (one decimal) of all key
  actions except those ``No Longer Applicable``.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["CANNED_QUERIES", "metadata"]

_UNIT = "coalesce(e.response_unit, e.commissioning_unit)"
_STATUS = "lower(trim(coalesce(k.status, '')))"

#: Query name -> Datasette's canned-query entry (title, description, sql).
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "overdue_key_actions_by_unit": {
        "title": "Overdue key actions by unit",
        "description": (
            "Open key actions whose due month ended before the as-of date (empty: today), by unit: "
            "the unit responsible for the response, else the commissioning unit."
        ),
        "sql": f"""SELECT {_UNIT} AS unit,
       count(*) AS overdue_key_actions,
       count(DISTINCT k.evaluation_id) AS evaluations,
       min(k.due) AS oldest_due
FROM key_actions AS k
JOIN evaluations AS e USING (evaluation_id)
WHERE k.due < strftime('%Y-%m', coalesce(nullif(:as_of, ''), 'now'))
  AND {_STATUS} NOT IN ('completed', 'no longer applicable')
GROUP BY unit
ORDER BY overdue_key_actions DESC, unit""",
    },
    "implementation_rate_by_unit": {
        "title": "Implementation rate by unit",
        "description": (
            "Completed key actions as a percentage of all key actions except those no longer "
            "applicable, by unit."
        ),
        "sql": f"""SELECT {_UNIT} AS unit,
       count(*) AS key_actions,
       sum({_STATUS} = 'completed') AS completed,
       round(100.0 * sum({_STATUS} = 'completed') / count(*), 1) AS implementation_rate
FROM key_actions AS k
JOIN evaluations AS e USING (evaluation_id)
WHERE {_STATUS} <> 'no longer applicable'
GROUP BY unit
ORDER BY unit""",
    },
    "recommendations_and_responses_mentioning": {
        "title": "Recommendations and management responses mentioning a word",
        "description": (
            "Full-text search (stemmed, accents ignored) of recommendations, the recommendations "
            "management responses quote, and the responses; the word or phrase is searched as typed."
        ),
        "sql": """SELECT e.title,
       p.section,
       snippet(passages_fts, 0, '**', '**', '...', 24) AS passage,
       p.evaluation_id,
       p.row_id
FROM passages_fts
JOIN passages AS p ON p.id = passages_fts.rowid
JOIN evaluations AS e USING (evaluation_id)
WHERE passages_fts MATCH '"' || replace(:word, '"', '""') || '"'
  AND p.section IN ('recommendation', 'response_recommendation', 'management_response')
ORDER BY bm25(passages_fts), p.id""",
    },
}


def metadata(db_path: str | os.PathLike[str]) -> dict[str, Any]:
    """The metadata for the database at ``db_path`` (Datasette names a database by its file stem).

    Raises the errors of :func:`erc_parse.export.sqlite.open_database` when the file is
    not a database of this erc-parse, since the queries would fail on it.
    """
    from erc_parse.export.sqlite import open_database

    open_database(db_path).close()
    name = os.path.splitext(os.path.basename(os.fspath(db_path)))[0]
    return {
        "title": "UNDP evaluations (erc-parse)",
        "description": "ERC pages parsed by erc-parse; schema and example queries: docs/sqlite.md.",
        "databases": {name: {"queries": {key: dict(query) for key, query in CANNED_QUERIES.items()}}},
    }
