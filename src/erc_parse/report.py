"""The scorecard as people read it: a terminal table, CSV, and a self-contained HTML report.

The figures come from :mod:`erc_parse.portfolio`; this module only lays them out. The
HTML report is one file an analyst can e-mail or open offline: styles inline, charts
as inline SVG (:mod:`erc_parse.charts`), no script, no font or image fetched, and a
print stylesheet so that it reads on paper (lights keep their words, not just colours).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from erc_parse.portfolio import By, Portfolio, Row, Scorecard

__all__ = [
    "GROUP_LABEL",
    "MAX_CHART_GROUPS",
    "action_cells",
    "chart_data",
    "html_report",
    "notes",
    "render_table",
    "score_cells",
    "write_csv",
]

GROUP_LABEL = {
    "commissioning_unit": "Commissioning unit",
    "response_unit": "Response unit",
    "country": "Country",
    "year": "Year",
    "none": "All",
}
#: Charts per group show this many groups at most, the rest as one "Other (N)" bar.
MAX_CHART_GROUPS = 30
MAX_TYPES = 8
DASH = "—"
PART3 = "Part 3 (quality ratings) is not on ERC pages and is not scored."


def _num(value: float | None, suffix: str = "") -> str:
    return DASH if value is None else f"{value:.1f}{suffix}"


def _score(value: float | None, light: str | None) -> str:
    return DASH if value is None else f"{value:.1f} {light}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


#: The first table: evaluations, Parts 1 and 2A, and the two scores with their lights.
SCORE_HEADERS = ("Evaluations", "On time", "Response", "Part 1", "Part 2")
#: The second table: Part 2B, the key actions.
ACTION_HEADERS = (
    "Key actions",
    "Completed",
    "Overdue",
    "Long overdue",
    "Not overdue",
    "Not long overdue",
    "Impl. rate",
)


def score_cells(row: Row) -> tuple[str, ...]:
    """A row's cells in the scores table: ``on time/judged %``, ``with response/due %``, scores."""
    return (
        str(row.evaluations),
        f"{row.completed_on_time}/{row.on_time_judged} {_num(row.on_time_pct, '%')}",
        f"{row.with_response}/{row.responses_due} {_num(row.with_response_pct, '%')}",
        _score(row.part1, row.part1_light),
        _score(row.part2, row.part2_light),
    )


def action_cells(row: Row) -> tuple[str, ...]:
    """A row's cells in the key-actions table."""
    return (
        str(row.key_actions),
        str(row.completed),
        str(row.overdue),
        str(row.long_overdue),
        _num(row.not_overdue_pct, "%"),
        _num(row.not_long_overdue_pct, "%"),
        _num(row.implementation_rate_pct, "%"),
    )


def notes(card: Scorecard, *, unreadable: int = 0) -> list[str]:
    """What a reader must know to read the figures: merges, country counting, Part 3, skips."""
    pages = sum(card.pages.values())
    others = pages - card.pages["evaluation"] - card.pages["management_response"]
    total = card.total
    out = [
        f"As of {card.as_of.isoformat()}: {_plural(total.evaluations, 'evaluation')} from"
        f" {_plural(pages, 'page')}"
        + (f" ({others} plan or unrecognised left out)" if others else "")
        + f"; {card.merged} merged from an evaluation page and its management-response page.",
        f"Long overdue: more than {_plural(card.long_overdue_days, 'day')} after the last day"
        " of the due month.",
    ]
    unjudged = total.evaluations_completed - total.on_time_judged
    if unjudged:
        out.append(
            f"On time: {unjudged} of {total.evaluations_completed} completed evaluations give no"
            " planned end month (a management-response page alone) and are not judged."
        )
    if card.by == "country":
        out.append(
            f"A multi-country evaluation counts in each of its countries ({card.multi_group} here);"
            " the total counts it once, so the rows add up to more than the total."
        )
    out.append(PART3)
    out.append(f"{DASH} means nothing to count (an empty denominator).")
    if unreadable:
        verb = "is" if unreadable == 1 else "are"
        out.append(f"{_plural(unreadable, 'input')} could not be read and {verb} not counted.")
    return out


def _light_style(light: str | None) -> str:
    return {"green": "green", "yellow": "yellow", "red": "bold red"}.get(light or "", "")


def render_table(card: Scorecard, console: Console, *, unreadable: int = 0) -> None:
    """The scorecard as two terminal tables (scores, then key actions), the total last, then notes."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from erc_parse.terminal import emit

    rows = [*card.groups, ("Total", card.total)]
    for title, headers, cells_of in (
        (f"Evaluation management scorecard, as of {card.as_of.isoformat()}", SCORE_HEADERS, score_cells),
        ("Key actions (Part 2B)", ACTION_HEADERS, action_cells),
    ):
        table = Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
        )
        widest = max(len(word) for name, _ in rows for word in name.split() or [""])
        table.add_column(GROUP_LABEL[card.by], overflow="fold", min_width=min(widest, 16))
        texts = [cells_of(row) for _, row in rows]
        for j, name in enumerate(headers):
            # As narrow as the longest header word or cell, so that the headers wrap, not the figures.
            width = max(*(len(word) for word in name.split()), *(len(t[j]) for t in texts))
            table.add_column(name, justify="right", min_width=width, max_width=width)
        for i, ((name, row), cell_texts) in enumerate(zip(rows, texts, strict=True)):
            cells = [Text(c) for c in cell_texts]
            if cells_of is score_cells:
                cells[-2].stylize(_light_style(row.part1_light))
                cells[-1].stylize(_light_style(row.part2_light))
            table.add_row(Text(name), *cells, end_section=i == len(rows) - 2)
        emit(console, table)
        emit(console, Text(""))
    for line in notes(card, unreadable=unreadable):
        emit(console, Text(line))


def write_csv(card: Scorecard, out: IO[str]) -> None:
    """One row per group, then the total (group ``(total)``); as-of and N on every row."""
    from erc_parse.export.csvout import write_rows
    from erc_parse.portfolio import FIELDS

    head = ("as_of", "long_overdue_days", "by", "group")
    fixed = (card.as_of.isoformat(), card.long_overdue_days, card.by)
    rows = [(*fixed, name, *row.as_dict().values()) for name, row in card.groups]
    rows.append((*fixed, "(total)", *card.total.as_dict().values()))
    write_rows(out, (*head, *FIELDS), rows)


# --- HTML ---------------------------------------------------------------------------------

_CSS = """
:root { --green: #2e7d32; --yellow: #f2b01e; --red: #c62828; --ink: #1d1d1d; --rule: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; }
p.meta { color: #555; margin: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .2rem .6rem; white-space: nowrap; border-bottom: 1px solid var(--rule);
  text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
th { white-space: normal; }
h3 { font-size: 1rem; margin: 1.5rem 0 .4rem; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
td.light { white-space: nowrap; }
td.light::before { content: ""; display: inline-block; width: .7em; height: .7em; border-radius: 50%;
  margin-right: .35em; vertical-align: baseline; border: 1px solid rgba(0,0,0,.35); }
td.green::before { background: var(--green); } td.yellow::before { background: var(--yellow); }
td.red::before { background: var(--red); }
td.green { color: var(--green); } td.red { color: var(--red); } td.yellow { color: #8a6100; }
ul.notes { color: #444; padding-left: 1.2rem; }
figure { margin: 1rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #444; font-size: .9rem; margin-top: .3rem; }
dt { font-weight: 600; margin-top: .5rem; } dd { margin-left: 1.2rem; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; } h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
"""

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Evaluations",
        "Distinct evaluations among evaluation and management-response pages; plan pages are not"
        " evaluations. An evaluation page and the management-response page with the same"
        " normalised title, commissioning unit and plan period are one evaluation, whose key"
        " actions count once (from the page that lists more of them).",
    ),
    (
        "Part 1: on time",
        "Completed evaluations (the page gives a completion month) completed no later than"
        " their planned end month, as a share of completed evaluations.",
    ),
    (
        "Part 2A: management response",
        "Completed evaluations whose completion month ended more than 42 days before the as-of"
        " date are due a response; the share of them whose page says Management Response: Yes"
        " or shows a response.",
    ),
    (
        "Part 2B: key actions",
        "Key actions are all actions except those No Longer Applicable. Overdue: not Completed,"
        " and the last day of the due month is before the as-of date, or the status is"
        " Overdue-.... Long overdue: overdue by more than N days after the last day of the due"
        " month. Implementation rate: Completed actions as a share of key actions.",
    ),
    (
        "Scores and lights",
        "Part 1 = on-time rate. Part 2 = mean(response rate, mean(not-overdue rate,"
        " not-long-overdue rate)), over the parts that exist. Green at 90 or more, yellow at 75"
        " or more, red below. Percentages are rounded half up to 0.1; — means an empty"
        " denominator.",
    ),
    ("Part 3: quality", PART3),
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_table(card: Scorecard, headers: Sequence[str], cells_of: Callable[[Row], tuple[str, ...]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in (GROUP_LABEL[card.by], *headers))
    body = []
    for name, row in [*card.groups, ("Total", card.total)]:
        tds = [f"<td>{_e(name)}</td>"]
        for i, cell in enumerate(cells_of(row)):
            light = None
            if cells_of is score_cells and i >= len(headers) - 2:
                light = (row.part1_light, row.part2_light)[i - len(headers) + 2]
            cls = f' class="light {light}"' if light else ""
            tds.append(f"<td{cls}>{_e(cell)}</td>")
        css = ' class="total"' if row is card.total else ""
        body.append(f"<tr{css}>" + "".join(tds) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


ChartData = tuple[
    dict[str, Counter[str]], dict[str, int], dict[str, Counter[str]], list[str], list[tuple[str, float]]
]


def chart_data(portfolio: Portfolio, card: Scorecard) -> ChartData:
    """What the four charts show: statuses per group, lateness, completed per year and type, rates.

    Groups are the scorecard's, except that ``--by none`` charts commissioning units.
    """
    from erc_parse.portfolio import (
        completed_per_year,
        fold_groups,
        fold_keys,
        implementation_rates,
        overdue_by_lateness,
        scorecard,
        status_by_group,
    )

    by: By = card.by if card.by != "none" else "commissioning_unit"
    groups = card if card.by == by else scorecard(portfolio, by=by, as_of=card.as_of)
    evaluations = portfolio.evaluations
    statuses = fold_groups(status_by_group(evaluations, by), MAX_CHART_GROUPS)
    late = overdue_by_lateness(evaluations, card.as_of)
    years, types = fold_keys(completed_per_year(evaluations), MAX_TYPES, "Other types")
    rates = implementation_rates(groups.groups, MAX_CHART_GROUPS)
    return statuses, late, years, types, rates


def html_report(
    portfolio: Portfolio,
    card: Scorecard,
    *,
    inputs: Sequence[str] = (),
    unreadable: Iterable[str] = (),
    generated: dt.date | None = None,
) -> str:
    """The whole report as one HTML document (needs matplotlib for the charts)."""
    from erc_parse import __version__, charts

    unreadable = list(unreadable)
    by: By = card.by if card.by != "none" else "commissioning_unit"
    label = GROUP_LABEL[by]
    statuses, late, years, types, rates = chart_data(portfolio, card)
    figures = (
        (
            "Key actions by status",
            charts.status_by_group(statuses, label),
            f"Every key action, No Longer Applicable included, per {label.lower()}"
            f" (the {MAX_CHART_GROUPS} with the most actions; the rest as Other).",
        ),
        (
            "Overdue key actions by how late they are",
            charts.lateness(late, card.long_overdue_days),
            f"Overdue as of {card.as_of.isoformat()}, by days past the last day of the due month;"
            " 'by status only': an Overdue-... status whose due month has not ended.",
        ),
        (
            "Evaluations completed per year",
            charts.completed_per_year(years, types),
            "By year of the completion month, stacked by evaluation type.",
        ),
        (
            "Implementation rate",
            charts.implementation(rates, label),
            f"Completed key actions as a share of key actions, per {label.lower()}; lines at 75 and 90.",
        ),
    )
    pages = sum(portfolio.pages.values())
    meta = (
        f"As of {card.as_of.isoformat()} · {card.total.evaluations} evaluations from {pages} pages"
        f" · grouped by {GROUP_LABEL[card.by].lower()} · made by erc-parse {__version__}"
        + (f" on {generated.isoformat()}" if generated else "")
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Evaluation management scorecard, as of {_e(card.as_of.isoformat())}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header><h1>Evaluation management scorecard</h1>",
        f'<p class="meta">{_e(meta)}</p></header>',
        '<section id="scorecard"><h2>Scorecard</h2>',
        _html_table(card, SCORE_HEADERS, score_cells),
        "<h3>Key actions (Part 2B)</h3>",
        _html_table(card, ACTION_HEADERS, action_cells),
        '<ul class="notes">',
        *(f"<li>{_e(n)}</li>" for n in notes(card, unreadable=len(unreadable))),
        "</ul>",
        "</section>",
    ]
    for i, (title, svg, caption) in enumerate(figures):
        parts.append(
            f'<section id="chart{i + 1}"><h2>{_e(title)}</h2><figure aria-label="{_e(title)}">'
            f"{svg}<figcaption>{_e(caption)}</figcaption></figure></section>"
        )
    parts.append('<section id="definitions"><h2>Definitions</h2><dl>')
    parts.extend(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in DEFINITIONS)
    parts.append("</dl></section>")
    if inputs or unreadable:
        parts.append('<section id="inputs"><h2>Inputs</h2>')
        parts.append(f"<p>{len(inputs)} input files.</p>")
        if unreadable:
            parts.append("<p>Could not be read, not counted:</p><ul>")
            parts.extend(f"<li>{_e(u)}</li>" for u in unreadable)
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
