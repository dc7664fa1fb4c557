"""Human-facing reports on parsed evaluations: the ``summary`` view and ``check`` lines.

The summary is built for a ten-second read: identity first, then money and scope,
then what the page contains, then the one thing that needs action (overdue key
actions). It draws with rich, which already honours ``NO_COLOR`` and drops styling
when the output is not a terminal; page text is always wrapped in ``Text`` so that
brackets in it (``[Added: 2018/11/23]``) are never taken for rich markup.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from erc_parse.models import Evaluation

__all__ = ["render"]

_BAR_WIDTH = 30
_MAX_OVERDUE_SHOWN = 10


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"US$ {value:,.0f}" if float(value).is_integer() else f"US$ {value:,.2f}"


def _month(value: str | None) -> str:
    return value or "—"


def _join(values: Iterable[str], limit: int = 6) -> str:
    items = list(values)
    shown = ", ".join(items[:limit])
    return f"{shown}, … ({len(items)} in all)" if len(items) > limit else shown


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _facts(ev: Evaluation) -> list[tuple[str, str]]:
    md = ev.metadata
    kind = ev.kind.replace("_", " ")
    facts = [("Kind", " · ".join(x for x in (kind, md.evaluation_type, md.status) if x))]
    if md.evaluation_plan:
        facts.append(("Plan", md.evaluation_plan))
    if md.planned_end_date or md.completion_date:
        facts.append(
            (
                "Dates",
                f"planned end {_month(md.planned_end_date)} · completed {_month(md.completion_date)}",
            )
        )
    if md.budget_usd is not None or md.expenditure_usd is not None:
        money = f"budget {_money(md.budget_usd)} · expenditure {_money(md.expenditure_usd)}"
        if md.budget_usd and md.expenditure_usd is not None:
            money += f" ({md.expenditure_usd / md.budget_usd:.0%} spent)"
        facts.append(("Money", money))
    if md.countries:
        facts.append(("Countries", _join(c.name for c in md.countries)))
    if md.commissioning_unit:
        facts.append(("Unit", md.commissioning_unit))
    if ev.documents:
        types = Counter(d.type or "?" for d in ev.documents)
        facts.append(
            (
                "Documents",
                f"{len(ev.documents)} (" + ", ".join(f"{n} {t}" for t, n in types.items()) + ")",
            )
        )
    else:
        facts.append(("Documents", "none"))
    facts.append(
        (
            "Contents",
            " · ".join(
                (
                    _plural(len(ev.lessons), "lesson"),
                    _plural(len(ev.findings), "finding"),
                    _plural(len(ev.recommendations), "recommendation"),
                    _plural(len(ev.management_responses), "management response"),
                )
            ),
        )
    )
    src = ev.source.path or "<stdin>"
    if ev.source.sha256:
        src += f" · sha256 {ev.source.sha256[:12]}…"
    facts.append(("Source", src))
    return facts


def _one(ev: Evaluation, as_of: dt.date) -> Iterator[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    from erc_parse.actions import flatten

    title = ev.metadata.title
    yield Text(title, style="bold") if title else Text("(no title)", style="bold italic")

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for key, value in _facts(ev):
        grid.add_row(key, Text(value))
    yield grid

    rows = flatten([ev], as_of)
    if rows:
        overdue = [r for r in rows if r.overdue]
        yield Text.assemble(
            ("Key actions", "bold"),
            f" {len(rows)}, as of {as_of.isoformat()}: ",
            (f"{len(overdue)} overdue", "bold red") if overdue else ("none overdue", "green"),
        )
        by_status = Counter(r.status or "(no status)" for r in rows)
        late_by_status = Counter(r.status or "(no status)" for r in overdue)
        top = max(by_status.values())
        chart = Table.grid(padding=(0, 1))
        chart.add_column(no_wrap=True)
        chart.add_column(no_wrap=True)
        chart.add_column(justify="right", no_wrap=True)
        chart.add_column(no_wrap=True)
        for status, n in by_status.most_common():
            width = max(1, round(_BAR_WIDTH * n / top))
            late = late_by_status.get(status, 0)
            colour = "green" if status.casefold() == "completed" else "yellow"
            bar = Text("█" * (width - round(width * late / n)), style=colour)
            bar.append("█" * round(width * late / n), style="red")
            chart.add_row(Text("  " + status), bar, str(n), Text(f"{late} overdue", "red") if late else "")
        yield chart
        if overdue:
            worst = sorted(overdue, key=lambda r: -(r.days_overdue or 0))[:_MAX_OVERDUE_SHOWN]
            cells = [
                (
                    "  " + (r.action_number or "?"),
                    f"due {r.due}",
                    f"{r.days_overdue} days late",
                    r.status or "",
                )
                for r in worst
            ]
            late_table = Table.grid(padding=(0, 2))
            for i in range(4):
                late_table.add_column(no_wrap=True, min_width=max(len(c[i]) for c in cells))
            late_table.add_column(overflow="ellipsis", no_wrap=True)
            for r, c in zip(worst, cells, strict=True):
                late_table.add_row(
                    Text(c[0], "red"),
                    c[1],
                    Text(c[2], "bold red"),
                    Text(c[3]),
                    Text(r.responsible or ""),
                )
            yield late_table
            if len(overdue) > _MAX_OVERDUE_SHOWN:
                yield Text(
                    f"  … and {len(overdue) - _MAX_OVERDUE_SHOWN} more "
                    "(erc-parse actions --overdue lists them all)",
                    style="dim",
                )
    else:
        yield Text.assemble(("Key actions", "bold"), " none on this page")

    if ev.truncated:
        yield Text("⚠ truncated: the dump stops mid-page, so counts may be short", "bold yellow")
    errors, warnings = ev.count("error"), ev.count("warning")
    if errors or warnings:
        yield Text(
            f"⚠ {_plural(errors, 'error')}, {_plural(warnings, 'warning')} (erc-parse check FILE shows them)",
            style="bold red" if errors else "yellow",
        )


def render(evaluations: Iterable[Evaluation], console: Console, as_of: dt.date) -> None:
    """Print the summary of each evaluation to ``console``, separated by rules."""
    from rich.rule import Rule

    for i, ev in enumerate(evaluations):
        if i:
            console.print(Rule(style="dim"))
        for part in _one(ev, as_of):
            console.print(part)
