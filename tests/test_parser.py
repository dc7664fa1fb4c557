"""The state machine's table, and the guards on its fast paths.

The transition table (``parser.ANCHORS``) and the handlers (``parser.HANDLERS``) are the
design: these tests keep the docstring's diagram equal to the table, the handlers to the
exits they declare, and the look-up the loop makes to the row the table's order gives.
No test here measures time (that is bench/run.py's job, on a noisy machine).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st_
from pydantic import BaseModel

from erc_parse import models, parse_text, parser
from erc_parse.parser import (
    ANCHORS,
    HANDLER_EXITS,
    HANDLERS,
    ROWS,
    diagram,
)
from erc_parse.reader import split_lines
from erc_parse.sections import header, metadata, responses
from erc_parse.sections.common import LABEL, norm_label, split_cells, split_label
from erc_parse.state import Page, State

from .conftest import CORPUS_FILES, PAIRS, SAMPLE

SECTIONS = Path(parser.__file__).parent / "sections"


def _all_lines() -> list[str]:
    files = [SAMPLE, *CORPUS_FILES, *sorted(PAIRS.glob("*.txt"))]
    seen: dict[str, None] = {}
    for path in files:
        for raw in split_lines(path.read_text(encoding="utf-8")):
            seen.setdefault(raw)
    # Lines the corpus may lack, shaped like every anchor of the table.
    extra = [
        "Lessons",
        "Findings",
        "Recommendations",
        "Key Actions:",
        "Key Actions",
        "Key Action Update History",
        "Latest Evaluations",
        "Contact us",
        "Document Type Language Size Status Downloads",
        "Document | Type | Language | Size | Status | Downloads |",
        "Title Something",
        "Title | Something |",
        "• Evaluation Information",
        "  • Corporate Outcome and Output",
        "•Evaluation Information",
        "• • \tCorporate Outcome and Output",
        "•  Evaluation Information  ",
        "Title",
        "Title\tSomething",
        "Document",
        "Document\tType\tLanguage\tSize\tStatus\tDownloads",
        "| Document | Type | Language | Size | Status | Downloads |",
        "Management Response:[Added: 2019/01/02]",
        "12 . Recommendation : text",
        "Management Response : [Added: 2019/01/02]",
    ]
    for raw in extra:
        seen.setdefault(raw)
    return list(seen)


LINES = _all_lines()


def test_the_docstring_diagram_is_the_table() -> None:
    # Read from the source file: a module compiled with mypyc keeps no docstring.
    doc = ast.get_docstring(ast.parse((SECTIONS.parent / "parser.py").read_text(encoding="utf-8"))) or ""
    shown = "\n".join(line[4:] if line.startswith("    ") else line for line in doc.split("\n"))
    assert diagram() in shown, "parser.py's docstring is stale: paste parser.diagram() into it"


def test_every_state_has_a_handler_and_every_anchor_a_known_target() -> None:
    assert set(HANDLERS) == set(State)
    assert {a.goto for a in ANCHORS} <= set(State)
    assert {s for a in ANCHORS for s in a.fires} <= set(State)


def test_only_the_parser_changes_the_state() -> None:
    """Handlers return the next state; no section module assigns it."""
    for path in SECTIONS.glob("*.py"):
        assert not re.search(r"\.state\s*=[^=]", path.read_text(encoding="utf-8")), path.name


def test_handlers_return_only_the_states_they_declare(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over every real page, a handler returns nothing, its own state, or a declared exit."""
    seen: set[tuple[State, State]] = set()
    for state, handler in list(HANDLERS.items()):

        def wrapped(p: Page, s: str, state: State = state, handler: Any = handler) -> State | None:
            following = handler(p, s)
            if following is not None and following is not state:
                seen.add((state, following))
            return following

        monkeypatch.setitem(HANDLERS, state, wrapped)
    for path in [SAMPLE, *CORPUS_FILES, *sorted(PAIRS.glob("*.txt"))]:
        parse_text(path.read_text(encoding="utf-8"))
    declared = {(state, exit) for state, exits in HANDLER_EXITS.items() for exit in exits}
    assert seen <= declared, seen - declared
    # The real pages take most of the declared exits (a declared exit nothing takes is suspect).
    assert len(seen) >= len(declared) - 2, declared - seen


def _cells(raw: str, layout: str) -> tuple[str, list[str] | None] | None:
    s = raw.strip()
    if not s:
        return None
    cells: list[str] | None = None
    if layout == "table" and "|" in s:
        cells = split_cells(s)
        if cells is not None:
            if not cells:
                return None
            s = " ".join(c for c in cells if c)
    return s, cells


def _looked_up(s: str, state: State) -> parser.Anchor | None:
    """The row the loop's look-up finds for a line in ``state`` (the loop's own code)."""
    by_line, start, by_group, first, digit = ROWS[state]
    anchor = by_line[s] if s in by_line else None
    if anchor is None and start is not None and (s[0] in first or (digit and s[0].isdecimal())):
        m = start(s)
        if m is not None:
            anchor = by_group[m.lastgroup]  # type: ignore[index]
    return anchor


def _in_table_order(s: str, cells: list[str] | None, state: State) -> parser.Anchor | None:
    """The row the table itself gives: the first, in order, that may fire here and takes the line."""
    return next((a for a in ANCHORS if state in a.fires and a.takes(s, cells)), None)


def _same_row(s: str, cells: list[str] | None, state: State) -> bool:
    found = _looked_up(s, state)
    # What `_fires` then asks of the row the look-up found (besides indentation and place).
    taken = found if found is not None and (found.test is None or found.test(s, cells)) else None
    return taken is _in_table_order(s, cells, state)


@pytest.mark.parametrize("layout", ["plain", "table"])
def test_the_look_up_finds_the_row_the_table_gives(layout: str) -> None:
    """The loop finds a line's row by the line or its start: the same row, in every state, as the table's order."""
    fired = 0
    for raw in LINES:
        line = _cells(raw, layout)
        if line is None:
            continue
        s, cells = line
        for state in State:
            fired += _in_table_order(s, cells, state) is not None
            assert _same_row(s, cells, state), f"{state}: {raw!r}"
    assert fired > 1000


def test_a_start_begins_with_a_literal_character_or_a_digit() -> None:
    """The look-up tries a state's starts only on lines that begin with their first characters."""
    for a in ANCHORS:
        if a.start:
            assert a.start.startswith("\\d") or (
                a.start[0] not in "\\[](){}.^$*+?|" and a.start[0].isprintable()
            )
    assert ROWS[State.DETAILS].first == {"M"} and ROWS[State.DETAILS].digit
    assert ROWS[State.START].first == {"D", "T", "•"} and not ROWS[State.START].digit
    assert ROWS[State.PLAN].start is None


@pytest.mark.parametrize(
    ("line", "goto"),
    [
        ("• Evaluation Information", State.NEW_DETAILS),
        ("•\t Evaluation Information", State.NEW_DETAILS),
        ("• • Corporate Outcome and Output", State.NEW_OUTCOMES),
        ("• Evaluation Information and its annexes", None),  # a bullet of text that begins alike
        ("• Evaluation • Information", None),
        ("12. Recommendation: Accepted", State.MR_RECOMMENDATION),
        ("12 . Recommendation :", State.MR_RECOMMENDATION),
        ("12. Recommendations of the team", None),  # no colon: text
        ("1234. Recommendation:", None),
        ("Management Response: [Added: 2018/11/23]", State.MR_RESPONSE),
        ("Management Response: Yes", None),
    ],
)
def test_a_row_takes_the_whole_shape_of_its_line(line: str, goto: State | None) -> None:
    row = _in_table_order(line, None, State.LESSONS)
    assert (row.goto if row is not None else None) is goto


@given(st_.text(max_size=30))
def test_the_look_up_finds_the_row_the_table_gives_on_any_text(s: str) -> None:
    for text in (
        s,
        "Document" + s,
        "Title" + s,
        "\u0663. Recommendation:" + s,
        "•" + s,
        "Title " + s,
        "Lessons",
    ):
        stripped = text.strip()
        if stripped:
            for state in State:
                assert _same_row(stripped, None, state), (state, text)


def test_the_suite_reads_the_source_not_a_compiled_copy() -> None:
    """The compiled build (pyproject.toml's mypyc hook) compiles in place when a wheel is
    built from the working tree (`uv build --wheel`); a module left beside its source would
    shadow it, and every later edit of the source would go untested. `uv build` (sdist
    first) compiles in a copy and leaves nothing here.
    """
    compiled = sorted(
        str(p.relative_to(SECTIONS.parent.parent)) for p in SECTIONS.parent.parent.rglob("*.so")
    )
    assert compiled == [], f"remove these compiled modules from src/: {compiled}"
    assert parser.__file__ is not None and parser.__file__.endswith(".py")


def _full(cls: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, f in cls.model_fields.items():
        out[name] = f.default_factory() if f.default_factory is not None else f.default  # type: ignore[call-arg]
    return out


@pytest.mark.parametrize(
    "cls",
    [
        models.Source,
        models.TeamMember,
        models.Gef,
        models.Country,
        models.Metadata,
        models.Document,
        models.Item,
        models.KeyAction,
        models.ManagementResponse,
        models.Diagnostic,
        models.Evaluation,
    ],
)
def test_construct_is_model_construct(cls: type[BaseModel]) -> None:
    values = _full(cls)
    for name, f in cls.model_fields.items():
        if f.annotation is str or name in ("name", "code", "message"):
            values[name] = f"x-{name}"
    if cls is models.Diagnostic:
        values.update(line=3, severity="warning")
    fast = models.construct(cls, dict(values))
    slow = cls.model_construct(**values)
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert fast.model_dump_json() == slow.model_dump_json()
    assert cls.model_validate_json(fast.model_dump_json()) == fast


def test_the_metadata_fields_a_page_fills_are_the_models_fields() -> None:
    """build._metadata copies what the sections kept into Metadata's ``__dict__`` unfiltered.

    A label that named a field Metadata lacks would build a model with an attribute its
    JSON never writes: the value would be lost without a word.
    """
    # The kinds set_value keeps in Metadata's fields: every reader's, and the lists and team rows.
    kept_in_fields = {*metadata.READERS, "list", "bullets", "team"}
    labels = [*metadata.LABELS.values(), *metadata.NEW_LAYOUT_LABELS.values()]
    kinds = {kind for _, kind in labels}
    assert kinds - kept_in_fields <= {"extra", "gef", "gefflag"}, kinds
    assert {name for name, kind in labels if kind in kept_in_fields} <= set(models.Metadata.model_fields)
    assert header._HEADER_LABEL_FIELDS <= set(models.Metadata.model_fields)
    for path in [*CORPUS_FILES, *sorted(PAIRS.glob("*.txt")), SAMPLE]:
        ev = parse_text(path.read_text(encoding="utf-8"))
        assert list(ev.metadata.__dict__) == list(models.Metadata.model_fields), path.name


def test_norm_label_cache_is_transparent() -> None:
    long = "Evaluation Budget(US $) " * 10
    assert norm_label("Evaluation  Budget(US $)") == "evaluation budget (us $)"
    assert norm_label(long) == " ".join(["evaluation budget (us $)"] * 10)


def _label_groups(s: str) -> tuple[str, str] | None:
    m = LABEL.match(s)
    return (m[1], m[2]) if m else None


def test_split_label_is_the_label_regex_on_every_corpus_line() -> None:
    checked = 0
    for raw in LINES:
        for s in (raw, raw.strip(), raw.replace(":", " :", 1), "  " + raw):
            assert split_label(s) == _label_groups(s), repr(s)
            checked += 1
    assert checked == 4 * len(LINES)


@given(
    st_.text(
        alphabet=st_.sampled_from(
            [" ", "\t", ":", "|", "[", "]", "a", "B", "é", "\n", "\u00a0", "\u2028", "\x0c"]
        ),
        max_size=20,
    ),
    st_.integers(min_value=0, max_value=120),
)
def test_split_label_is_the_label_regex_on_any_text(s: str, pad: int) -> None:
    # `pad` moves the first colon across the 90-character bound the fast path stops at.
    for text in (s, "x" * pad + s, "Label" + " " * pad + s):
        assert split_label(text) == _label_groups(text)


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("no pipe here", None),
        ("---|---|", []),  # a separator row
        ("| :--- | ---: |", []),
        ("|  |  |", []),  # an empty filler row
        ("| - - | :-- --: |", []),  # spaced dashes are layout too
        ("1. | - | text", ["1.", "-", "text"]),  # a dash is a cell's value when another cell has text
        ("Title | Foo | |", ["Title", "Foo"]),  # trailing empty cells dropped
        ("| a |", ["", "a"]),
    ],
)
def test_split_cells_tells_layout_rows_from_rows_of_cells(line: str, cells: list[str] | None) -> None:
    assert split_cells(line) == cells


def test_lookup_reads_every_spelling_of_a_label() -> None:
    assert metadata.lookup("Evaluation Budget(US $)") == ("budget_usd", "money")
    assert metadata.lookup("evaluation  budget (us $)") == ("budget_usd", "money")
    assert metadata.lookup("Corporate Outcome and Output") == ("corporate_outcomes", "bullets")
    assert metadata.lookup("Corporate Outcomes (UNDP Strategic Plan 2008-20013)") == (
        "corporate_outcomes",
        "bullets",
    )
    assert metadata.lookup("Nope") is None
    assert metadata.lookup("Status " + "x" * 200) is None
    # Asked twice, the same answer (the second comes from the per-spelling cache).
    assert metadata.lookup("STATUS") == metadata.lookup("STATUS") == ("status", "text")


_PLAIN_DUE = re.compile(r"(?<![\d/])(\d{4}/\d{1,2})(?![\d/])")  # the due month as a plain regex says it


def _plain_split_due(s: str) -> tuple[str, str, str] | None:
    m = _PLAIN_DUE.search(s)
    return (s[: m.start()].strip(), m[1], s[m.end() :].strip()) if m else None


def test_the_due_month_search_is_the_plain_regex_on_every_corpus_line() -> None:
    rows = 0
    for raw in LINES:
        assert responses.split_due(raw) == _plain_split_due(raw), repr(raw)
        rows += _plain_split_due(raw) is not None
    assert rows > 30


@given(st_.text(alphabet=st_.sampled_from(["1", "2", "0", "/", " ", "a", "\u0663", "\n"]), max_size=24))
def test_the_due_month_search_is_the_plain_regex_on_any_text(s: str) -> None:
    assert responses.split_due(s) == _plain_split_due(s)


@pytest.mark.parametrize("margin", ["   ", "\t"])
def test_a_dump_indented_as_a_whole_reads_as_without_its_margin(margin: str) -> None:
    """lynx and other tools indent every line; anchors and bullets are read from the page's margin."""
    for path in [SAMPLE, *CORPUS_FILES]:
        text = path.read_text(encoding="utf-8")
        indented = "\n".join(margin + line if line.strip() else line for line in text.split("\n"))
        plain, got = parse_text(text), parse_text(indented)
        assert got.model_dump(exclude={"source"}) == plain.model_dump(exclude={"source"}), path.name


def test_a_margin_is_what_every_non_blank_line_shares() -> None:
    strip = parser._without_margin
    assert strip(["  a", "", "    b", "  c"]) == ["a", "", "  b", "c"]  # deeper lines keep the rest
    assert strip(["a", "  b"]) == ["a", "  b"]  # one line at the first column: no margin
    assert strip(["\t a", "\t b"]) == ["a", "b"]
    assert strip(["  a", " \tb"]) == [" a", "\tb"]  # the shared part only
    assert strip(["  a", " ", "  b"]) == ["a", " ", "b"]  # blank lines do not count
    assert strip(["", "   "]) == ["", "   "]
