"""The tables of the tabular exports (CSV and SQLite), derived from the models' fields.

Both writers take their columns and rows from here, and this module takes them from
``erc_parse.models`` by walking the fields, so a field added to a model appears in the
CSV files and in the database without either writer being touched. The walk:

- the root ``Evaluation`` is the ``evaluations`` table, keyed by ``evaluation_id`` (the
  dump's sha256, :func:`erc_parse.export.evaluation_id`);
- a field holding a list of models is a child table named after the field
  (``documents``, ``team``, ``management_responses``, ``key_actions``, ...), whose rows
  carry ``id``, ``evaluation_id`` and the 1-based ``position`` in the list; a grandchild
  (``key_actions``) also carries its parent's id (``response_id``);
- ``id`` is the parent's id, a colon and the position: ``<sha256>:3`` is the page's third
  management response, ``<sha256>:3:2`` that response's second key action. Ids are
  derived from the dump's bytes and the page's order, so they are the same in every
  output and on every run, and joins never need a row number that a database assigned;
- a field holding one model is flattened into its parent's row: ``metadata`` under its
  own field names, any other with its name as prefix (``source_path``, ``gef_phase``);
  an optional one (``gef``) also gets a column saying whether it is there (``gef``);
- any other field is one column with the field's name and a kind (``str``, ``int``,
  ``float``, ``bool``, ``list`` of strings or ``dict``), nullable when the field can be
  ``None``; each writer decides how a kind is written (a CSV cell, an SQLite type).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from erc_parse.models import Evaluation

__all__ = ["Column", "Row", "TABLES", "Table", "derive", "rows"]

#: Sub-models whose fields are their parent's own columns, without a prefix.
INLINE = ("metadata",)
#: The foreign-key column a grandchild table gets for its parent, by parent table.
PARENT_KEY = {"management_responses": "response_id"}

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, where its value is read from, and what kind of value it is."""

    name: str
    path: tuple[str, ...]
    kind: type
    nullable: bool
    presence: bool = False  # True: the value is whether the sub-model at ``path`` exists

    def value(self, obj: object) -> object:
        for attr in self.path:
            if obj is None:
                break
            obj = getattr(obj, attr)
        return obj is not None if self.presence else obj


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its key columns, its value columns, and where its rows come from."""

    name: str
    keys: tuple[str, ...]
    columns: tuple[Column, ...]
    path: tuple[str, ...]  # from the parent's model to the list (``()`` for evaluations)
    parent: str | None
    children: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, keys first, in the order the model declares its fields."""
        return self.keys + tuple(c.name for c in self.columns)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``Annotated``/``None``, and whether ``None`` was allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            if len(args) > 1:  # ``int | float``: a number, stored as a float
                return (float if set(args) <= {int, float} else str), nullable
            annotation = args[0]
        else:
            return annotation, nullable


def _model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _kind(annotation: Any) -> type:
    base = typing.get_origin(annotation) or annotation
    if base in (list, dict, bool, int, float):
        return base  # type: ignore[no-any-return]
    return str  # str itself, a Literal of words, anything else: text


def derive(root: type[BaseModel] = Evaluation) -> dict[str, Table]:
    """All tables of ``root``, parents before children (what the module docstring describes)."""
    tables: dict[str, Table] = {}

    def walk(name: str, model: type[BaseModel], path: tuple[str, ...], parent: str | None) -> None:
        columns: list[Column] = []
        lists: list[tuple[str, type[BaseModel], tuple[str, ...]]] = []

        def fields(model: type[BaseModel], prefix: str, at: tuple[str, ...]) -> None:
            for field, info in model.model_fields.items():
                annotation, nullable = _unwrap(info.annotation)
                is_list = typing.get_origin(annotation) is list
                item = _model(typing.get_args(annotation)[0]) if is_list else None
                sub = _model(annotation)
                if item is not None:
                    lists.append((field, item, (*at, field)))
                elif sub is not None:
                    if nullable:
                        columns.append(Column(prefix + field, (*at, field), bool, False, presence=True))
                    inner = prefix if field in INLINE else f"{prefix}{field}_"
                    fields(sub, inner, (*at, field))
                else:
                    columns.append(Column(prefix + field, (*at, field), _kind(annotation), nullable))

        fields(model, "", ())
        if parent is None:
            keys: tuple[str, ...] = ("evaluation_id",)
        elif tables[parent].parent is None:
            keys = ("id", "evaluation_id", "position")
        else:
            keys = ("id", "evaluation_id", PARENT_KEY.get(parent, f"{parent}_id"), "position")
        names = [*keys, *(c.name for c in columns)]
        if len(set(names)) != len(names):
            raise ValueError(f"table {name}: two columns share a name in {names}")
        tables[name] = Table(name, keys, tuple(columns), path, parent, tuple(f for f, _, _ in lists))
        for field, item, at in lists:
            walk(field, item, at, name)

    walk("evaluations", root, (), None)
    return tables


#: Every table of an ``Evaluation``, by name, parents first.
TABLES: dict[str, Table] = derive()


def _items(obj: object, path: tuple[str, ...]) -> list[Any]:
    for attr in path:
        obj = getattr(obj, attr)
    return obj  # type: ignore[return-value]


def rows(ev: BaseModel, eid: str, tables: dict[str, Table] = TABLES) -> Iterator[tuple[str, Row]]:
    """Every row one evaluation contributes, as ``(table, {column: value})``, parents first.

    Values are the models' own (``None``, booleans, lists, dicts): each writer decides
    how to store them. A child missing from ``tables`` is left out, with its children.
    """

    def row(table: Table, obj: object, keys: tuple[object, ...]) -> tuple[str, Row]:
        values: Row = dict(zip(table.keys, keys, strict=True))
        for column in table.columns:
            values[column.name] = column.value(obj)
        return table.name, values

    def children(table: Table, obj: object, parent_id: str) -> Iterator[tuple[str, Row]]:
        for name in table.children:
            child = tables.get(name)
            if child is None:  # a table the writer leaves out (and so its children)
                continue
            for position, item in enumerate(_items(obj, child.path), 1):
                item_id = f"{parent_id}:{position}"
                if table.parent is None:
                    keys: tuple[object, ...] = (item_id, eid, position)
                else:
                    keys = (item_id, eid, parent_id, position)
                yield row(child, item, keys)
                yield from children(child, item, item_id)

    root = tables["evaluations"]
    yield row(root, ev, (eid,))
    yield from children(root, ev, eid)
