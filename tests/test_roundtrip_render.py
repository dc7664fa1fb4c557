"""Render random evaluations as plain pages, parse them, and get the same evaluation back.

This is the strongest evidence that the parser understands the format rather than the
samples: ``tests/strategies.py`` draws evaluations a real page can show,
``tests/render.py`` writes them in the sample's layout (choosing among the portal's
equivalent renderings), and the parse must return every field, with no warning.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, TypeVar

from hypothesis import given
from hypothesis import strategies as st

from erc_parse import parse_text
from erc_parse.models import Evaluation
from erc_parse.sections.narrative import CRITERIA

from . import strategies as hs
from .conftest import SAMPLE
from .render import render

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem


_T = TypeVar("_T")


def content(ev: Evaluation) -> dict[str, Any]:
    """Everything but the diagnostics (the page's footer is one, as `info`)."""
    return ev.model_dump(exclude={"diagnostics"})


def problems(ev: Evaluation) -> list[str]:
    return [f"{d.line}: {d.code}: {d.message}" for d in ev.diagnostics if d.severity != "info"]


@hs.profile(120)
@given(hs.evaluations(), st.randoms(use_true_random=False))
def test_rendered_page_parses_back(ev: Evaluation, rnd: random.Random) -> None:
    text = render(ev, rnd)
    got = parse_text(text)
    assert problems(got) == [], text
    assert content(got) == content(ev), text


def test_the_renderer_writes_the_sample_layout() -> None:
    """The sample page, parsed, rendered and parsed again, is the same evaluation.

    This checks the renderer against the real layout (not only against the parser):
    a field the renderer placed where the portal does not would move or vanish.
    """
    ev = parse_text(SAMPLE.read_text(encoding="utf-8"))
    for seed in range(20):
        again = parse_text(render(ev, random.Random(seed)))
        assert problems(again) == []
        assert content(again) == content(ev)


class _Usual(random.Random):
    """The portal's usual rendering: every "sometimes" off, every first choice taken."""

    def random(self) -> float:
        return 0.5

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[0]


def test_rendered_sample_keeps_the_page_order() -> None:
    """The rendered sample has the sample's lines in the sample's order.

    What may differ is the sample's own mix of styles (`1` and `1.` for item numbers,
    `7.1` and `7.1.` for key actions, an unnumbered key action, no `Focus Area:` when
    the list is empty), a few lines in all.
    """
    original = [x.strip() for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    ev = parse_text(SAMPLE.read_text(encoding="utf-8"))
    rendered = [x.strip() for x in render(ev, _Usual()).splitlines() if x.strip()]
    assert _lcs(original, rendered) >= len(original) - 20


def _lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def test_strategy_vocabularies_are_the_parsers() -> None:
    """The headings the strategy draws are criteria the parser knows (else they are text)."""
    assert all(h.lower() in CRITERIA for h in hs.CRITERIA_HEADINGS)
    assert hs.country_names() and hs.nationality_names()
