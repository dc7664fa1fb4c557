"""The tabular layout follows the models: every field is a column of CSV and SQLite alike.

The walk over the models in ``field_columns`` below is written independently of
``erc_parse.export.tables``, from the rules its docstring states; if a field were added
to a model, these tests would demand its column in both outputs, and the subclass test
shows the writers need no change to give it one.
"""

from __future__ import annotations

import csv
import sqlite3
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from erc_parse.export import csvout
from erc_parse.export.sqlite import write_database
from erc_parse.export.tables import TABLES, Column, derive, rows
from erc_parse.models import Document, Evaluation, KeyAction, ManagementResponse, Metadata, TeamMember

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"


def _inner(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) else annotation


def field_columns(
    model: type[BaseModel], table: str = "evaluations", prefix: str = ""
) -> dict[str, set[str]]:
    """Table -> the columns the models' fields call for (keys aside)."""
    out: dict[str, set[str]] = {table: set()}
    for name, info in model.model_fields.items():
        annotation = _inner(info.annotation)
        if (
            typing.get_origin(annotation) is list
            and isinstance(typing.get_args(annotation)[0], type)
            and issubclass(typing.get_args(annotation)[0], BaseModel)
        ):
            for child, columns in field_columns(typing.get_args(annotation)[0], name).items():
                out.setdefault(child, set()).update(columns)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation is not info.annotation:  # optional: a presence column
                out[table].add(prefix + name)
            inner = field_columns(annotation, table, prefix if name == "metadata" else f"{prefix}{name}_")
            for child, columns in inner.items():
                out.setdefault(child, set()).update(columns)
        else:
            out[table].add(prefix + name)
    return out


EXPECTED = field_columns(Evaluation)


def test_derive_gives_what_the_independent_walk_gives() -> None:
    tables = derive()
    for name, columns in EXPECTED.items():
        assert set(tables[name].names) - {"id", "evaluation_id", "response_id", "position"} == columns, name


def test_the_walk_sees_every_list_and_nested_field() -> None:
    assert set(EXPECTED) == {"evaluations", "team", "countries", "documents", "lessons", "findings",
                             "recommendations", "management_responses", "key_actions", "diagnostics"}  # fmt: skip
    assert {"source_path", "title", "gef", "gef_pims_number", "extra"} <= EXPECTED["evaluations"]
    assert "team" not in EXPECTED["evaluations"] and "key_actions" not in EXPECTED["management_responses"]


def test_every_model_field_is_a_csv_column() -> None:
    for table, columns in EXPECTED.items():
        if table == "diagnostics":
            assert table not in csvout.TABLES  # check's business, not the CSV's
            continue
        assert set(csvout.TABLES[table]) - {"id", "evaluation_id", "response_id", "position"} == columns, (
            table
        )


def test_every_model_field_is_a_database_column(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    write_database([], db)
    conn = sqlite3.connect(db)
    extra = {"errors", "warnings", "content_sha256", "exported_at"}
    for table, columns in EXPECTED.items():
        found = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        keys = {"id", "evaluation_id", "response_id", "position"}
        assert found - keys - (extra if table == "evaluations" else set()) == columns, table
    conn.close()


def test_a_new_field_reaches_both_writers_untouched(tmp_path: Path) -> None:
    """A model with one more field (and one more list) gets its columns from ``derive`` alone."""

    class Action(KeyAction):
        priority: int | None = None

    class Response(ManagementResponse):
        key_actions: list[Action] = Field(default_factory=list)  # type: ignore[assignment]

    class Member(TeamMember):
        orcid: str | None = None

    class Meta(Metadata):
        team: list[Member] = Field(default_factory=list)  # type: ignore[assignment]
        reviewers: list[Member] = Field(default_factory=list)

    class Revision(BaseModel):
        date: str | None = None

    class Doc(Document):
        revisions: list[Revision] = Field(default_factory=list)

    class Page(Evaluation):
        metadata: Meta = Field(default_factory=Meta)  # type: ignore[assignment]
        documents: list[Doc] = Field(default_factory=list)  # type: ignore[assignment]
        management_responses: list[Response] = Field(default_factory=list)  # type: ignore[assignment]

    tables = derive(Page)
    assert list(tables) == ["evaluations", "team", "countries", "reviewers", "documents", "revisions", "lessons",
                            "findings", "recommendations", "management_responses", "key_actions", "diagnostics"]  # fmt: skip
    assert tables["revisions"].names == ("id", "evaluation_id", "documents_id", "position", "date")
    assert (
        tables["reviewers"].path == ("metadata", "reviewers") and tables["reviewers"].parent == "evaluations"
    )
    assert tables["key_actions"].names[-1] == "priority"
    assert tables["team"].names[-1] == "orcid"
    assert tables["reviewers"].names == ("id", "evaluation_id", "position", "name", "title", "email",
                                         "nationality", "orcid")  # fmt: skip
    page = Page(
        metadata=Meta(team=[Member(name="A", orcid="0000-1")], reviewers=[Member(name="R")]),
        documents=[Doc(), Doc(revisions=[Revision(date="2019")])],
        management_responses=[Response(key_actions=[Action(text="t", priority=2)])],
    )
    got = dict((t, r) for t, r in rows(page, "E", tables))
    assert got["key_actions"]["priority"] == 2 and got["key_actions"]["id"] == "E:1:1"
    assert got["team"]["orcid"] == "0000-1"
    assert got["revisions"] == {
        "id": "E:2:1",
        "evaluation_id": "E",
        "documents_id": "E:2",
        "position": 1,
        "date": "2019",
    }
    assert got["reviewers"] == {"id": "E:1", "evaluation_id": "E", "position": 1, "name": "R", "title": None,
                                "email": None, "nationality": None, "orcid": None}  # fmt: skip


def test_column_kinds_and_nullability() -> None:
    tables = derive()  # called here, not at import, so that a change to the walk shows
    assert tables == TABLES
    kinds = {c.name: (c.kind, c.nullable) for c in tables["evaluations"].columns}
    assert kinds["truncated"] == (bool, False)
    assert kinds["budget_usd"] == (float, True)  # int | float | None: a number
    assert kinds["kind"] == (str, False)  # a Literal
    assert kinds["completion_date"] == (str, True)  # Annotated[str, ...] | None
    assert kinds["sdg_goals"] == (list, False) and kinds["extra"] == (dict, False)
    assert kinds["management_response"] == (bool, True) and kinds["gef"] == (bool, False)
    assert kinds["source_path"] == (str, True) and kinds["schema_version"] == (str, False)
    documents = {c.name: (c.kind, c.nullable) for c in tables["documents"].columns}
    assert documents["downloads"] == (int, True) and documents["size_kb"] == (float, True)
    assert {c.name: c.nullable for c in tables["countries"].columns} == {"name": False, "iso3": True}
    actions = {c.name: (c.kind, c.nullable) for c in tables["key_actions"].columns}
    assert actions["number"] == (str, True) and actions["has_history"] == (bool, False)
    assert actions["text"] == (str, False) and actions["due"] == (str, True)
    diagnostics = {c.name: (c.kind, c.nullable) for c in tables["diagnostics"].columns}
    assert diagnostics == {"line": (int, False), "severity": (str, False), "code": (str, False),
                           "message": (str, False)}  # fmt: skip
    assert [(c.name, c.path, c.presence) for c in tables["evaluations"].columns if c.name.startswith("gef")][
        :2
    ] == [
        ("gef", ("metadata", "gef"), True),
        ("gef_project_title", ("metadata", "gef", "project_title"), False),
    ]
    assert tables["evaluations"].columns[1] == Column("source_path", ("source", "path"), str, True)


def test_unions_of_other_kinds_are_text() -> None:
    class Odd(BaseModel):
        either: int | str = 0
        maybe_number: int | float | None = None
        flag: bool = False
        label: typing.Literal["a", "b"] = "a"
        tags: list[str] = Field(default_factory=list)
        bare: typing.Annotated[int, Field(ge=0)] = 0
        count: typing.Annotated[int, Field(ge=0)] | None = None

    kinds = {c.name: (c.kind, c.nullable) for c in derive(Odd)["evaluations"].columns}
    assert kinds == {
        "either": (str, False),
        "maybe_number": (float, True),
        "flag": (bool, False),
        "label": (str, False),
        "tags": (list, False),
        "bare": (int, False),
        "count": (int, True),
    }


def test_keys_and_parents() -> None:
    tables = derive()
    assert list(tables) == ["evaluations", "team", "countries", "documents", "lessons", "findings",
                            "recommendations", "management_responses", "key_actions", "diagnostics"]  # fmt: skip
    root = tables["evaluations"]
    assert (root.keys, root.parent, root.path) == (("evaluation_id",), None, ())
    assert root.children == ("team", "countries", "documents", "lessons", "findings", "recommendations",
                             "management_responses", "diagnostics")  # fmt: skip
    assert tables["documents"].keys == ("id", "evaluation_id", "position")
    assert (tables["documents"].path, tables["documents"].parent) == (("documents",), "evaluations")
    assert tables["key_actions"].keys == ("id", "evaluation_id", "response_id", "position")
    assert (tables["key_actions"].parent, tables["key_actions"].path) == (
        "management_responses",
        ("key_actions",),
    )
    assert tables["team"].path == ("metadata", "team") and tables["team"].parent == "evaluations"
    assert tables["countries"].path == ("metadata", "countries")
    assert (
        tables["management_responses"].children == ("key_actions",) and tables["key_actions"].children == ()
    )


def test_column_values() -> None:
    ev = Evaluation(metadata=Metadata(title="T"))
    gef = {c.name: c for c in TABLES["evaluations"].columns}
    assert gef["gef"].value(ev) is False and gef["gef_phase"].value(ev) is None
    assert gef["title"].value(ev) == "T"
    assert Column("x", ("metadata", "gef"), bool, False, presence=True).value(Evaluation()) is False
    # A missing model half-way down the path: no value, and "not there" for a presence column.
    assert Column("x", ("metadata", "gef", "phase"), bool, False, presence=True).value(Evaluation()) is False
    assert Column("x", ("metadata", "gef", "phase"), str, True).value(Evaluation()) is None
    assert Column("x", (), bool, False, presence=True).value(None) is False


def test_rows_ids_positions_and_left_out_tables() -> None:
    ev = Evaluation(
        metadata=Metadata(team=[TeamMember(name="A")], countries=[]),
        management_responses=[
            ManagementResponse(key_actions=[KeyAction(text="a"), KeyAction(text="b")]),
            ManagementResponse(key_actions=[KeyAction(text="c")]),
        ],
    )
    got = [
        (t, r.get("id", r["evaluation_id"]), r.get("response_id"), r.get("position"))
        for t, r in rows(ev, "E")
    ]
    assert got == [
        ("evaluations", "E", None, None),
        ("team", "E:1", None, 1),
        ("management_responses", "E:1", None, 1),
        ("key_actions", "E:1:1", "E:1", 1),
        ("key_actions", "E:1:2", "E:1", 2),
        ("management_responses", "E:2", None, 2),
        ("key_actions", "E:2:1", "E:2", 1),
    ]
    without_team = {name: t for name, t in TABLES.items() if name != "team"}
    assert [t for t, _ in rows(ev, "E", without_team)] == ["evaluations", "management_responses", "key_actions",
                                                         "key_actions", "management_responses", "key_actions"]  # fmt: skip
    without_responses = {name: t for name, t in TABLES.items() if name != "management_responses"}
    assert [t for t, _ in rows(ev, "E", without_responses)] == ["evaluations", "team"]


def test_two_columns_with_one_name_are_refused() -> None:
    class Clash(BaseModel):
        source_path: str | None = None
        source: Any = None

    class Nested(BaseModel):
        path: str | None = None

    class Root(BaseModel):
        source_path: str | None = None
        source: Nested = Field(default_factory=Nested)

    assert "source_path" in derive(Clash)["evaluations"].names
    with pytest.raises(ValueError, match="two columns share a name"):
        derive(Root)


def test_sample_rows_match_the_csv_files(tmp_path: Path) -> None:
    from erc_parse import parse_file

    ev = parse_file(SAMPLE)
    csvout.write_tables([ev], tmp_path)
    for table in csvout.TABLES:
        with (tmp_path / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            written = [list(r.values()) for r in csv.DictReader(fh)]
        mine = [
            [csvout.cell(v) for v in row.values()]
            for t, row in rows(ev, ev.source.sha256 or "")
            if t == table
        ]
        assert written == mine, table
