"""The flat key-action view: one row per key action, with overdue computed for a date.

Overdue rule (the one ``erc-parse actions`` documents):

- the portal gives due dates as months, so an action is due by the *last day* of its
  due month; it is overdue when that day is strictly before the as-of date;
- only open actions can be overdue: ``Completed`` and ``No Longer Applicable`` never are;
- the portal's ``Overdue-Initiated`` / ``Overdue-Not Initiated`` statuses are the portal's
  verdict on the day the page was saved. They are treated as open statuses like
  ``Initiated`` and the date decides, so the answer for a given as-of date does not
  depend on when the dump was taken;
- an action without a due month (``No deadline established``) is never overdue.

``days_overdue`` is as-of minus the last day of the due month, set only when overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from erc_parse.models import Evaluation

__all__ = [
    "CLOSED_STATUSES",
    "ActionRow",
    "days_overdue",
    "due_date",
    "flatten",
    "label",
    "norm_status",
    "parse_as_of",
    "render_table",
]

#: Statuses (compared case-insensitively) under which an action can no longer be overdue.
CLOSED_STATUSES = frozenset({"completed", "no longer applicable"})


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One key action, flattened; plain data so the view never needs pydantic to print."""

    evaluation: str
    evaluation_id: str
    source_path: str | None
    recommendation_number: int | None
    action_number: str | None
    text: str
    responsible: str | None
    due: str | None
    status: str | None
    overdue: bool
    days_overdue: int | None

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def norm_status(status: str | None) -> str:
    """A status compared as a reader compares it: case and spacing ignored."""
    return " ".join((status or "").split()).casefold()


def due_date(month: str | None) -> dt.date | None:
    """Last day of a ``YYYY-MM`` month: the day by which the action had to be done."""
    if not month:
        return None
    try:
        year, mon = int(month[:4]), int(month[5:7])
        return dt.date(year, mon, calendar.monthrange(year, mon)[1])
    except (ValueError, IndexError):
        return None


def days_overdue(due: str | None, status: str | None, as_of: dt.date) -> int | None:
    """Days from the last day of the due month to ``as_of``, for an action that is not closed
    and whose due month has ended; ``None`` otherwise (the rule of this module's docstring)."""
    deadline = due_date(due)
    if deadline is None or deadline >= as_of or norm_status(status) in CLOSED_STATUSES:
        return None
    return (as_of - deadline).days


def label(ev: Evaluation) -> str:
    """How a person recognises an evaluation in a listing: its title, else where it came from."""
    return ev.metadata.title or ev.source.path or "<stdin>"


def parse_as_of(text: str | None) -> dt.date:
    """The as-of date from a command-line string; today when not given.

    ``ValueError`` (with a one-line message) for anything dateutil cannot read, so the
    CLI can turn it into exit code 2.
    """
    if text is None or text.strip().lower() == "today":
        return dt.date.today()
    from dateutil import parser as dateparser

    try:
        # Missing parts default to January 1st, not to today's month and day.
        default = dt.datetime(dt.date.today().year, 1, 1)
        return dateparser.parse(text, yearfirst=True, default=default).date()
    except (ValueError, OverflowError):
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def flatten(
    evaluations: Iterable[Evaluation],
    as_of: dt.date,
    *,
    overdue_only: bool = False,
    statuses: Sequence[str] | None = None,
) -> list[ActionRow]:
    """All key actions of ``evaluations`` in page order, filtered as asked.

    ``statuses`` match the page's status case-insensitively and exactly, so
    ``Initiated`` does not also select ``Overdue-Initiated``; give both to get both.
    """
    from erc_parse.export import evaluation_id

    wanted = {norm_status(s) for s in statuses} if statuses else None
    out: list[ActionRow] = []
    for ev in evaluations:
        name = label(ev)
        eid = evaluation_id(ev)
        for mr, ka in ev.key_actions():
            if wanted is not None and norm_status(ka.status) not in wanted:
                continue
            late = days_overdue(ka.due, ka.status, as_of)
            if overdue_only and late is None:
                continue
            out.append(
                ActionRow(
                    evaluation=name,
                    evaluation_id=eid,
                    source_path=ev.source.path,
                    recommendation_number=mr.recommendation_number,
                    action_number=ka.number,
                    text=ka.text,
                    responsible=ka.responsible,
                    due=ka.due,
                    status=ka.status,
                    overdue=late is not None,
                    days_overdue=late,
                )
            )
    return out


def render_table(rows: Sequence[ActionRow], console: Console, as_of: dt.date) -> None:
    """One table per evaluation (titles are too long for a column), overdue rows in red.

    Built to be read at 80 columns: the short fields keep their width, and the action's
    text, with its responsible unit on the line after the arrow, takes all that is left
    and wraps, never cut. Rows are set apart by a blank line, since most span several.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from erc_parse.terminal import emit

    groups: dict[str, list[ActionRow]] = {}
    for row in rows:
        groups.setdefault(row.evaluation_id, []).append(row)
    for i, group in enumerate(groups.values()):
        if i:
            emit(console, Text(""))
        table = Table(
            title=Text(group[0].evaluation, style="bold"),
            title_justify="left",
            expand=True,
            box=box.SIMPLE_HEAD,
            show_lines=True,
            show_edge=False,
            pad_edge=False,
        )
        table.add_column("Action", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        # Long statuses wrap at their space ("Overdue-Not" / "Initiated"), leaving the width
        # to the action's text.
        table.add_column("Status", max_width=11)
        table.add_column("Overdue", justify="right", no_wrap=True)
        table.add_column("Key action → responsible", ratio=1, overflow="fold")
        for r in group:
            number = r.action_number or (
                "" if r.recommendation_number is None else f"rec {r.recommendation_number}"
            )
            text = Text(" ".join(r.text.split()))
            if r.responsible:
                text.append("\n→ " + " ".join(r.responsible.split()), style="dim")
            table.add_row(
                Text(number),
                Text(r.due or ""),
                Text(r.status or ""),
                Text(f"{r.days_overdue} d" if r.overdue else ""),
                text,
                style="red" if r.overdue else None,
            )
        emit(console, table)
    late = sum(r.overdue for r in rows)
    console.print(
        f"{len(rows)} key action{'s' if len(rows) != 1 else ''}, {late} overdue as of {as_of.isoformat()}",
        highlight=False,
    )
