"""The models, built once from what the sections have read.

Sections fill plain lists and dicts while the lines go by (``state.Page``); this
module turns them into the pydantic models of the JSON contract at the end, with
``models.construct``: every value was already checked by the section that read it,
so validation would only repeat that work.
"""

from __future__ import annotations

from typing import Any

from erc_parse.models import (
    Evaluation,
    Gef,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    Source,
    construct,
)
from erc_parse.state import ActionBuf, ItemBuf, Page, ResponseBuf

# Metadata's fields in order with their defaults; the list and dict fields get fresh ones.
_META_TEMPLATE: dict[str, Any] = {
    name: None if f.default_factory is not None else f.default for name, f in Metadata.model_fields.items()
}
_META_FACTORIES = tuple(
    (name, f.default_factory) for name, f in Metadata.model_fields.items() if f.default_factory is not None
)


def evaluation(p: Page, path: str | None, sha256: str | None, *, truncated: bool) -> Evaluation:
    # `construct` takes every field, in field order (see models.construct).
    return construct(
        Evaluation,
        {
            "schema_version": "1.0",
            "source": construct(Source, {"path": path, "sha256": sha256}),
            "kind": p.kind,
            "layout": p.layout,
            "truncated": truncated,
            "metadata": _metadata(p),
            "documents": p.docs.rows,
            "lessons": _items(p.narrative.get("lessons", ())),
            "findings": _items(p.narrative.get("findings", ())),
            "recommendations": _items(p.narrative.get("recommendations", ())),
            "management_responses": list(map(_response, p.responses.blocks)),
            "diagnostics": p.diagnostics,
        },
    )


def _metadata(p: Page) -> Metadata:
    meta = p.meta
    values = dict(_META_TEMPLATE)
    for name, factory in _META_FACTORIES:
        values[name] = factory()  # type: ignore[call-arg]
    values.update(meta.fields.values)  # keyed by Metadata's fields only (tests/test_parser.py checks)
    if meta.gef is not None:
        values["gef"] = construct(Gef, {name: meta.gef.values.get(name) for name in Gef.model_fields})
    values["extra"] = meta.extra.values
    return construct(Metadata, values)


def _items(items: Any) -> list[Item]:
    return list(map(_item, items))


def _item(b: ItemBuf) -> Item:
    return construct(Item, {"number": b.number, "heading": b.heading, "text": "\n".join(b.lines)})


def _response(r: ResponseBuf) -> ManagementResponse:
    return construct(
        ManagementResponse,
        {
            "recommendation_number": r.number,
            "recommendation": "\n".join(r.recommendation) or None,
            "response": "\n".join(r.response) or None,
            "added": r.added,
            "last_updated": r.last_updated,
            "key_actions": list(map(_action, r.actions)),
        },
    )


def _action(a: ActionBuf) -> KeyAction:
    return construct(
        KeyAction,
        {
            "number": a.number,
            "text": "\n".join(a.text),
            "added": a.added,
            "last_updated": a.last_updated,
            "responsible": a.responsible,
            "due": a.due,
            "status": a.status,
            "comments": a.comments,
            "justification": a.justification,
            "has_history": a.has_history,
        },
    )
