"""Lessons, findings and recommendations: numbered items of free text.

An item starts at a number alone on its line (`1.`, `1`), a number followed by text
(`1 Recommendation 1: ...`, older pages), or a `1. | text` table row. A number only
counts when it is the next one expected, so that `2030 Agenda ...` or a footnote
`[1]` inside the text never splits an item. Under Findings (and Lessons), a line
that is an evaluation criterion (Relevance, Effectiveness, ...) starts an item of
its own carrying the criterion in ``heading``.
"""

from __future__ import annotations

import re

from erc_parse.sections.common import SECTION_HEADINGS
from erc_parse.state import ItemBuf, Page

NUMBER_ALONE = re.compile(r"^(\d{1,3})\s*\.?$")
# Possessive spaces: `\s*(?:\.\s*|\s+)` could split one run of spaces two ways at each point.
NUMBER_TEXT = re.compile(r"^(\d{1,3})(?:\s*+\.\s*+|\s++)(\S.*)$")

CRITERIA = frozenset(
    c.lower()
    for c in (
        # OECD-DAC criteria and the usual UNDP additions, in the portal's languages.
        "Relevance",
        "Coherence",
        "Effectiveness",
        "Efficiency",
        "Impact",
        "Sustainability",
        "Relevance and Coherence",
        "Relevance/Coherence",
        "Coherence and Relevance",
        "Ownership",
        "Partnerships",
        "Partnership",
        "Design",
        "Implementation",
        "Gender Equality",
        "Gender",
        "Human Rights",
        "Human Rights and Gender Equality",
        "Gender equality and women's empowerment",
        "Cross-cutting Issues",
        "Cross-cutting issues",
        "Crosscutting Issues",
        "Cross-Cutting",
        "Management",
        "Monitoring and Evaluation",
        "Results",
        "Conclusions",
        "Leaving No One Behind",
        "Innovation",
        "Connectedness",
        "Coverage",
        "Coordination",
        "Project Design",
        "Project Management",
        "Progress towards results",
        "Pertinencia",
        "Coherencia",
        "Eficacia",
        "Eficiencia",
        "Impacto",
        "Sostenibilidad",
        "Pertinence",
        "Cohérence",
        "Efficacité",
        "Efficience",
        "Durabilité",
        "Viabilité",
        "Relevância",
        "Coerência",
        "Eficácia",
        "Eficiência",
        "Sustentabilidade",
    )
)


# No criterion is longer: a longer line (not ending in `:`) is prose without a lower() call.
_CRITERION_MAX = max(len(c) for c in CRITERIA)


def is_criterion(s: str) -> bool:
    return s.rstrip(" :").lower() in CRITERIA


def opened(p: Page, s: str) -> None:
    """`Lessons`, `Findings` or `Recommendations`: the section exists, even with no item in it."""
    p.narrative.setdefault(SECTION_HEADINGS[s], [])
    if p.kind == "unknown":
        p.kind = "evaluation"


def lessons(p: Page, s: str) -> None:
    """State LESSONS: one line of a lesson."""
    _line(p, "lessons", s)


def findings(p: Page, s: str) -> None:
    """State FINDINGS: one line of a finding."""
    _line(p, "findings", s)


def recommendations(p: Page, s: str) -> None:
    """State RECOMMENDATIONS: one line of a recommendation."""
    _line(p, "recommendations", s)


def _line(p: Page, section: str, s: str) -> None:
    items = p.narrative.setdefault(section, [])
    cells = p.cells
    if items and cells is None and not s[0].isdigit() and len(s) > _CRITERION_MAX and s[-1] != ":":
        # Prose, the common case: no number can start an item here, and no criterion is this long.
        items[-1].lines.append(s)
        return
    expected = _next_number(items)
    row = NUMBER_ALONE.match(cells[0]) if cells and len(cells) >= 2 else None
    if row is not None and cells is not None:
        # `1. | text`: the table rendering's numbered row.
        items.append(ItemBuf(int(row[1]), None, [" ".join(filter(None, cells[1:]))]))
        return
    m = NUMBER_ALONE.match(s)
    if m and int(m[1]) == expected:
        items.append(ItemBuf(int(m[1]), None, []))
        return
    m = NUMBER_TEXT.match(s)
    if m and int(m[1]) == expected and not _is_decimal(s):
        items.append(ItemBuf(int(m[1]), None, [m[2].strip()]))
        return
    if section != "recommendations" and is_criterion(s):
        current = items[-1] if items else None
        if current is not None and current.heading is None and not current.lines:
            current.heading = s.rstrip(" :")
        else:
            number = current.number if current is not None else None
            items.append(ItemBuf(number, s.rstrip(" :"), []))
        return
    if not items:
        items.append(ItemBuf(None, None, []))
    items[-1].lines.append(s)


def _next_number(items: list[ItemBuf]) -> int:
    """The number the next item must carry for a number line to open it."""
    # From the end: the last numbered item is almost always the last item (linear, not quadratic).
    for item in reversed(items):
        if item.number is not None:
            return item.number + 1
    return 1


_DECIMAL = re.compile(r"^\d+\.\d")


def _is_decimal(s: str) -> bool:
    # `3.1 Hawede` is a sub-section number inside the text, not item 3.
    return bool(_DECIMAL.match(s))
