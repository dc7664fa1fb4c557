"""Which pages are the same evaluation, when the dumps share no id.

An evaluation has two ERC pages: its detail page (``kind: evaluation``) and its
management-response page (``kind: management_response``). Their portal ids differ and
are not in the text, so a portfolio that holds both would count the evaluation twice,
and a diff between two downloads could not pair pages renamed on disk. What both pages
print is the title, the commissioning unit (the evaluation page inside its plan,
``2018-2021, RBEC``, which the parser takes as ``commissioning_unit``; the response page
as ``Commissioning Unit:``) and the plan period. Those three, normalised, are the key.

Normalised means: Unicode compatibility form, accents dropped, case folded, and every
run of punctuation or spaces made one space, so ``Evaluation:  Colombia`` and
``EVALUATION - colombia`` agree. A page without a title has no key (``None``): it is
never merged or paired by identity, since a unit and a period alone name many
evaluations.

Two different evaluations with the same title, unit and plan period would share a key;
generic titles (``Mid-term Review``) can do that within one unit's plan. Callers that
merge on this key therefore merge one evaluation page with one response page at most,
and report how many they merged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = ["evaluation_key", "normalise", "plan_period"]

_PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str | None) -> str:
    """Text compared the way a reader compares it: case, accents, spacing and punctuation ignored."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


def plan_period(plan: str | None) -> str | None:
    """``2018-2021`` from ``2018-2021, RBEC`` (or ``2018 – 2021``); ``None`` without one."""
    m = _PERIOD.search(plan or "")
    return f"{m[1]}-{m[2]}" if m else None


def evaluation_key(ev: Evaluation) -> str | None:
    """``title|unit|period``, normalised; ``None`` for plan pages and pages without a title."""
    if ev.kind not in ("evaluation", "management_response"):
        return None
    title = normalise(ev.metadata.title)
    if not title:
        return None
    unit = normalise(ev.metadata.commissioning_unit)
    period = plan_period(ev.metadata.evaluation_plan) or ""
    return f"{title}|{unit}|{period}"
