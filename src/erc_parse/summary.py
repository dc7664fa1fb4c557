"""Human-facing reports on parsed evaluations: the ``summary`` view and ``check`` lines.

The summary of one page is built for a ten-second read: identity first, then money and
scope, then what the page contains, then the one thing that needs action (overdue key
actions). Over many pages it becomes one line per page and a Totals block, whose
figures are the scorecard's (:mod:`erc_parse.portfolio`). It draws with rich, which
already honours ``NO_COLOR`` and drops styling when the output is not a terminal; page
text is always wrapped in ``Text`` so that brackets in it (``[Added: 2018/11/23]``) are
never taken for rich markup. Everything prints through ``terminal.emit``, so piped
output has no trailing spaces.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from erc_parse.terminal import emit

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from erc_parse.models import Evaluation
    from erc_parse.portfolio import Facts, Portfolio, Scorecard

__all__ = ["render", "render_pages", "render_totals"]

_BAR_WIDTH = 30
_MAX_OVERDUE_SHOWN = 10
_MOST_OVERDUE_SHOWN = 5
_KIND_WORD = {"evaluation": "evaluation", "management_response": "response", "plan": "plan"}


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"US$ {value:,.0f}" if float(value).is_integer() else f"US$ {value:,.2f}"


def _month(value: str | None) -> str:
    return value or "—"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _command(*args: str) -> str:
    """A command line a reader can paste: paths with spaces or quotes are quoted."""
    return " ".join(["erc-parse", *(shlex.quote(a) for a in args)])


def _units(ev: Evaluation) -> tuple[str, str] | None:
    md = ev.metadata
    if md.response_unit:
        return (
            "Units",
            f"commissioned by {md.commissioning_unit or '—'} · response by {md.response_unit}",
        )
    if md.commissioning_unit:
        return ("Unit", md.commissioning_unit)
    return None


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
        # Every country, and ';' between them: names such as "KOREA, REPUBLIC OF" hold commas.
        facts.append(("Countries", "; ".join(c.name for c in md.countries)))
    units = _units(ev)
    if units:
        facts.append(units)
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

    path = ev.source.path or "-"
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
            chart.add_row(Text("  " + status), bar, str(n), Text(f"({late} overdue)", "red") if late else "")
        yield chart
        if overdue:
            worst = sorted(overdue, key=lambda r: -(r.days_overdue or 0))[:_MAX_OVERDUE_SHOWN]
            cells = [
                (
                    "  " + (r.action_number or "?"),
                    f"due {r.due}",
                    f"{_plural(r.days_overdue or 0, 'day')} late",
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
                more = _command("actions", path, "--overdue", "--as-of", as_of.isoformat())
                yield Text(
                    f"  … and {len(overdue) - _MAX_OVERDUE_SHOWN} more ({more} lists them all)",
                    style="dim",
                )
    else:
        yield Text.assemble(("Key actions", "bold"), " none on this page")

    if ev.truncated:
        yield Text("⚠ truncated: the dump stops mid-page, so counts may be short", "bold yellow")
    errors, warnings = ev.count("error"), ev.count("warning")
    if errors or warnings:
        found = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        yield Text(
            f"⚠ {found} ({_command('check', path)} shows them)",
            style="bold red" if errors else "yellow",
        )


def render(evaluations: Iterable[Evaluation], console: Console, as_of: dt.date) -> None:
    """Print the full summary of each evaluation to ``console``, separated by rules."""
    from rich.rule import Rule

    for i, ev in enumerate(evaluations):
        if i:
            emit(console, Rule(style="dim"))
        for part in _one(ev, as_of):
            emit(console, part)


# --- many pages -----------------------------------------------------------------------------


def _notes(f: Facts) -> str:
    """Flags of a page line: ``cut`` for a truncated dump, then its other problems."""
    notes = ["cut"] if f.truncated else []
    if f.errors:
        notes.append(_plural(f.errors, "error"))
    # The cut is itself a warning (``truncated``); "cut" says it already.
    warnings = f.warnings - 1 if f.truncated and f.warnings else f.warnings
    if warnings:
        notes.append(_plural(warnings, "warning"))
    return ", ".join(notes)


def page_cells(f: Facts, as_of: dt.date, long_overdue_days: int, prefix: str = "") -> tuple[str, ...]:
    """One page's line: file, kind, completion, key actions, overdue, notes, unit, title.

    Overdue is counted as the scorecard counts it, so the lines add up to the Totals;
    ``prefix`` (the folder all files share) is left out of the file's name.
    """
    from erc_parse.portfolio import count

    c = count(f, as_of, long_overdue_days)
    path = f.path or "<stdin>"
    return (
        path[len(prefix) :] if prefix and path.startswith(prefix) else path,
        _KIND_WORD.get(f.kind, f.kind),
        f.completion or "",
        str(len(f.actions)),
        str(c.overdue) if f.actions else "",
        _notes(f),
        f.commissioning_unit or "",
        f.title or "(no title)",
    )


def common_folder(paths: Iterable[str | None]) -> str:
    """The folder every path is under, with its trailing separator; "" when there is none."""
    import os

    dirs = {os.path.dirname(p) for p in paths if p} if paths else set()
    if not dirs or any(not d for d in dirs):
        return ""
    try:
        common = os.path.commonpath(sorted(dirs))
    except ValueError:
        return ""
    return common + os.sep if common else ""


_PAGE_HEADS = ("File", "Kind", "Completed", "Actions", "Overdue", "Notes", "Unit", "Title")
_FILE, _UNIT, _TITLE = 0, 6, 7
# The columns that share what the others leave, and their least width.
_LEAST = {_FILE: 14, _UNIT: 5, _TITLE: 8}
_GAP = "  "


def _fit(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` in ``width`` characters: cut with an ellipsis (at the start to keep the end)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return "…" + text[len(text) - width + 1 :] if keep_end else text[: width - 1] + "…"


def page_lines(rows: Sequence[tuple[str, ...]], width: int) -> list[str]:
    """The header and one line per page, laid out in ``width`` columns (no trailing spaces).

    The short columns keep their width; file, unit and title share what is left, each
    at no less than its minimum. Where that does not fit, the unit and then the title
    are left out, so that a page never takes two lines (an 80-column terminal shows
    file, kind, completion, actions, overdue and notes). A file name is cut at its
    start, since its end is what tells two pages apart.
    """
    table = [_PAGE_HEADS, *rows]
    natural = [max(len(r[i]) for r in table) for i in range(len(_PAGE_HEADS))]
    shown = list(range(len(_PAGE_HEADS)))
    while True:
        flexible = [i for i in shown if i in _LEAST]
        rest = width - sum(natural[i] for i in shown if i not in _LEAST) - len(_GAP) * (len(shown) - 1)
        if sum(_LEAST[i] for i in flexible) <= rest or flexible == [_FILE]:
            break
        shown.remove(_UNIT if _UNIT in shown else _TITLE)  # the unit gives way first, then the title
    widths = {i: natural[i] for i in shown}
    widths[_FILE] = min(natural[_FILE], max(_LEAST[_FILE], rest // 2 if len(flexible) > 1 else rest))
    if _UNIT in shown:
        widths[_UNIT] = min(natural[_UNIT], max(_LEAST[_UNIT], (rest - widths[_FILE]) // 3))
    if _TITLE in shown:
        left = rest - widths[_FILE] - widths.get(_UNIT, 0)
        widths[_TITLE] = min(natural[_TITLE], max(_LEAST[_TITLE], left))
    right = (3, 4)
    lines = []
    for n, r in enumerate(table):
        cells = [_fit(r[i], widths[i], keep_end=i == _FILE) for i in shown]
        pairs = zip(shown, cells, strict=True)
        line = _GAP.join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in pairs)
        lines.append(_fit(line.rstrip(), width))  # (narrower than the short columns: cut)
        if n == 0:
            lines.append("─" * min(width, sum(widths.values()) + len(_GAP) * (len(shown) - 1)))
    return lines


def render_pages(pages: Sequence[Facts], console: Console, as_of: dt.date, long_overdue_days: int) -> None:
    """One line per page, in the order given, overdue counts in red."""
    from rich.text import Text

    prefix = common_folder(f.path for f in pages)
    rows = [page_cells(f, as_of, long_overdue_days, prefix) for f in pages]
    if prefix:
        emit(console, Text(f"{len(pages)} pages under {prefix}"))
    for n, line in enumerate(page_lines(rows, console.width)):
        text = Text(line, style="bold" if n == 0 else "")
        if n >= 2 and rows[n - 2][4] not in ("", "0"):
            text.highlight_words([f"  {rows[n - 2][4]}  "], "red")
        emit(console, text)


def _counted(counter: Counter[str], words: dict[str, str] | None = None) -> str:
    return ", ".join(f"{n} {(words or {}).get(k, k)}" for k, n in counter.most_common())


def totals_rows(portfolio: Portfolio, card: Scorecard) -> list[tuple[str, str]]:
    """The Totals block as (label, text) rows; ``card`` is the portfolio's scorecard by unit."""
    from erc_parse.portfolio import most_overdue, status_label

    total = card.total
    pages = sum(portfolio.pages.values())
    kinds = {"management_response": "management response"}
    rows = [(("Pages", f"{pages}: {_counted(portfolio.pages, kinds)}"))]
    merged = ""
    if card.merged:
        merged = (
            f", {card.merged} of them from two pages (an evaluation page and its "
            "management-response page, merged)"
        )
    rows.append(("Evaluations", f"{total.evaluations}{merged}"))
    statuses: Counter[str] = Counter(status_label(s) for f in portfolio.evaluations for _, s in f.actions)
    actions = sum(statuses.values())
    if actions:
        rows.append(("Key actions", f"{actions}: {_counted(statuses)}"))
        nla = actions - total.key_actions
        left_out = f"; {nla} No Longer Applicable left out" if nla else ""
        rate = "—" if total.implementation_rate_pct is None else f"{total.implementation_rate_pct:.1f}%"
        rows.append(("Implemented", f"{rate} ({total.completed} completed of {total.key_actions}{left_out})"))
        rows.append(
            (
                "Overdue",
                f"{total.overdue} as of {card.as_of.isoformat()}, {total.long_overdue} of them long "
                f"overdue (more than {_plural(card.long_overdue_days, 'day')} late)",
            )
        )
        worst = most_overdue(card, _MOST_OVERDUE_SHOWN)
        if worst:
            rows.append(("Most overdue", "; ".join(f"{name} {n}" for name, n in worst)))
    else:
        rows.append(("Key actions", "none"))
    return rows


def render_totals(portfolio: Portfolio, card: Scorecard, console: Console) -> None:
    """The Totals block that ends a summary of several pages."""
    from rich.table import Table
    from rich.text import Text

    emit(console, Text(f"Totals as of {card.as_of.isoformat()}", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for key, value in totals_rows(portfolio, card):
        grid.add_row("  " + key, Text(value))
    emit(console, grid)
