"""JSON and JSON Lines output.

Text comes from pydantic's own serializer (``model_dump_json``; ``convert`` writes the
serializer's bytes, ``encode``) and arrays are assembled as text: re-encoding through
``json`` would cost a second full pass over every model and could drift from the
contract's serialisation rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = ["dumps", "encode", "write_json", "write_jsonl"]


def dumps(ev: Evaluation, *, indent: int | None = 2) -> str:
    """One evaluation as JSON text, the exact form ``Evaluation.model_validate_json`` reads."""
    return ev.model_dump_json(indent=indent)


def encode(ev: Evaluation, *, indent: int | None = 2) -> bytes:
    """``dumps(ev)`` as UTF-8, for a writer that writes bytes.

    pydantic's serializer makes these bytes, and ``model_dump_json`` decodes them to
    text, which a file then encodes back: on a whole page with non-ASCII text the two
    passes cost about as much as the serialisation itself.
    """
    return type(ev).__pydantic_serializer__.to_json(ev, indent=indent)


def _indented(text: str, prefix: str) -> str:
    # Splitting on "\n" is safe: JSON escapes newlines inside strings, so every raw
    # newline sits between tokens. (splitlines() would also cut at U+2028 in strings.)
    return "\n".join(prefix + line for line in text.split("\n"))


def write_json(
    evaluations: Iterable[Evaluation], out: IO[str], *, single: bool, indent: int | None = 2
) -> None:
    """One object when ``single`` (one input), else an array, streamed model by model.

    The caller says ``single`` rather than us counting, so that one input given as a
    one-element list still yields an object and ``jq .metadata`` works on it.
    """
    if single:
        for ev in evaluations:
            out.write(dumps(ev, indent=indent))
            out.write("\n")
        return
    sep = "\n" if indent is not None else ""
    prefix = " " * indent if indent else ""
    out.write("[")
    first = True
    for ev in evaluations:
        out.write(sep if first else "," + sep)
        out.write(_indented(dumps(ev, indent=indent), prefix) if prefix else dumps(ev, indent=indent))
        first = False
    out.write(("" if first else sep) + "]\n")


def write_jsonl(evaluations: Iterable[Evaluation], out: IO[str]) -> None:
    """One compact object per line: the form that streams into jq, DuckDB or pandas."""
    for ev in evaluations:
        out.write(ev.model_dump_json())
        out.write("\n")
