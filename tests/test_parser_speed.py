"""Guards for the parser's fast paths: each must give exactly what the slow path gives.

No test here measures time (that is bench/run.py's job, on a noisy machine); they check
that the shortcuts taken for speed never change a result.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st_
from pydantic import BaseModel

from erc_parse import context as st
from erc_parse import models
from erc_parse.context import Ctx
from erc_parse.parser import _ANCHOR_FIRST, _ANCHOR_LINES, _ANCHOR_START, _anchor
from erc_parse.reader import split_lines
from erc_parse.sections import metadata
from erc_parse.sections.common import LABEL, norm_label, split_cells, split_label

from .conftest import CORPUS_FILES, PAIRS, SAMPLE

STATES = [
    st.START,
    st.HEADER,
    st.SUMMARY,
    st.NEW_HEADER,
    st.DOCUMENTS,
    st.DETAILS,
    st.NEW_DETAILS,
    st.NEW_OUTCOMES,
    st.LESSONS,
    st.FINDINGS,
    st.RECOMMENDATIONS,
    st.MR_RECOMMENDATION,
    st.MR_RESPONSE,
    st.KEY_ACTIONS,
    st.PLAN,
]


def _all_lines() -> list[str]:
    files = [SAMPLE, *CORPUS_FILES, *sorted(PAIRS.glob("*.txt"))]
    seen: dict[str, None] = {}
    for path in files:
        for raw in split_lines(path.read_text(encoding="utf-8")):
            seen.setdefault(raw)
    # Lines the corpus may lack, shaped like every anchor `_anchor` knows.
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


@pytest.mark.parametrize("layout", ["plain", "table"])
def test_anchor_precheck_covers_every_anchor(layout: str) -> None:
    """`_line` calls `_anchor` only for lines passing the precheck: it must never hide an anchor."""
    for raw in LINES:
        s = raw.strip()
        if not s:
            continue
        cells: list[str] | None = None
        if layout == "table" and "|" in s:
            cells = split_cells(s)
            if cells is not None:
                if not cells:
                    continue
                s = " ".join(c for c in cells if c)
        passes = s in _ANCHOR_LINES or _ANCHOR_START(s) is not None
        if passes:
            continue
        for state in STATES:
            ctx = Ctx(layout=layout, state=state)
            try:
                consumed = _anchor(ctx, 1, s, raw, cells)
            except Exception:  # a fresh context may lack what a real one has: it was taken
                consumed = True
            assert not consumed, f"{state}: anchor {raw!r} fails the precheck"


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


def test_lookup_cache_is_transparent() -> None:
    metadata._lookup_cache.clear()
    for label in ("Evaluation Budget(US $)", "evaluation  budget (us $)", "Corporate Outcome 1", "Nope"):
        first = metadata.lookup(label)
        assert metadata.lookup(label) == first
    assert metadata.lookup("Evaluation Budget(US $)") == ("budget_usd", "money")
    assert metadata.lookup("Corporate Outcome and Output") == ("corporate_outcomes", "bullets")
    assert metadata.lookup("Nope") is None
    long = "Status " + "x" * 200
    assert metadata.lookup(long) is None and long not in metadata._lookup_cache


def _starts_an_anchor(s: str) -> bool:
    return s[:1] in _ANCHOR_FIRST or s[:1].isdecimal()


def test_anchor_first_characters_cover_the_anchor_regex() -> None:
    """`_run` tries `_ANCHOR_START` only on lines whose first character passes `_ANCHOR_FIRST`."""
    hits = [raw.strip() for raw in LINES if raw.strip() and _ANCHOR_START(raw.strip()) is not None]
    assert len(hits) > 10
    assert all(_starts_an_anchor(s) for s in hits)


@given(st_.text(max_size=30))
def test_anchor_first_characters_cover_the_anchor_regex_on_any_text(s: str) -> None:
    for text in (s, "Document" + s, "Title" + s, "\u0663. Recommendation:" + s, "•" + s):
        if _ANCHOR_START(text) is not None:
            assert _starts_an_anchor(text), repr(text)
