"""The report's charts, drawn with matplotlib's SVG backend and inlined into the HTML.

matplotlib is imported here only, and only the ``report`` command imports this module:
it costs about a second to import, which no other command should pay. No pyplot: each
chart is a ``Figure`` of its own, so nothing is global and nothing opens a window.

Inline SVG keeps the report one self-contained file that needs no JavaScript and
prints sharply. Text stays text (``svg.fonttype: none``), so the SVG is small and the
browser draws it in its own sans-serif font; each chart gets its own id salt, since
several SVGs share one HTML document and their ids must not collide. The XML prolog,
the metadata block and the namespace declarations are dropped: an HTML parser puts
inline ``<svg>`` in the SVG namespace by itself, and the report then names no URL.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Unavailable", "completed_per_year", "implementation", "lateness", "require", "status_by_group"]

WIDTH = 7.5  # inches: an A4 page's text width, so a printed chart is not scaled down
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.titlesize": 10,
}
#: Status colours: green done, warm colours for open work, red for the portal's overdue verdicts.
STATUS_COLOURS = {
    "completed": "#2e7d32",
    "initiated": "#f2b01e",
    "not initiated": "#ef6c00",
    "overdue-initiated": "#c62828",
    "overdue-not initiated": "#7f0000",
    "no longer applicable": "#9e9e9e",
    "(no status)": "#cfd8dc",
}
_OTHER_COLOURS = ("#5c6bc0", "#26a69a", "#8d6e63", "#ab47bc", "#78909c", "#d4e157")
_TYPE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
_STATUS_ORDER = tuple(STATUS_COLOURS)


class Unavailable(RuntimeError):
    """matplotlib is not installed; the message says how to get it."""


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise Unavailable(
            "the report's charts need matplotlib: pip install 'erc-parse[report]'"
            " (or uv tool install '.[report]' from a clone)"
        ) from None
    return matplotlib


def require() -> None:
    """Raise :class:`Unavailable` now if the charts cannot be drawn."""
    _matplotlib()


def _figure(height: float) -> Figure:
    _matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), layout="constrained")


def _svg(fig: Figure, salt: str) -> str:
    """The figure as an ``<svg>`` element ready to sit inside HTML."""
    matplotlib = _matplotlib()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"erc-parse-{salt}"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", text)
    text = re.sub(r'\s+version="1\.1"', "", text, count=1)
    return text.replace("<svg ", f'<svg role="img" class="chart" id="chart-{salt}" ', 1).strip()


def _style() -> AbstractContextManager[None]:
    """The charts' look, for the time one is drawn (matplotlib's global settings stay as they were)."""
    rc_context: Callable[[dict[str, object]], AbstractContextManager[None]] = _matplotlib().rc_context
    return rc_context(dict(_STYLE))


def _status_colour(status: str, extra: dict[str, str]) -> str:
    key = status.casefold()
    if key in STATUS_COLOURS:
        return STATUS_COLOURS[key]
    if key not in extra:
        extra[key] = _OTHER_COLOURS[len(extra) % len(_OTHER_COLOURS)]
    return extra[key]


def _status_order(statuses: Sequence[str]) -> list[str]:
    def rank(s: str) -> tuple[int, str]:
        key = s.casefold()
        return (_STATUS_ORDER.index(key) if key in _STATUS_ORDER else len(_STATUS_ORDER), key)

    return sorted(statuses, key=rank)


def _hbar_height(n: int) -> float:
    return 1.0 + 0.26 * max(n, 1)


def _integer_ticks(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_axis_off()


def _status_by_group(data: Mapping[str, Counter[str]], group_label: str) -> str:
    """Key actions by status, one stacked horizontal bar per group, largest group first."""
    groups = list(data)
    fig = _figure(_hbar_height(len(groups)) + 0.4)
    ax = fig.add_subplot()
    statuses = _status_order(sorted({s for c in data.values() for s in c}))
    if not groups or not statuses:
        _empty(ax, "No key actions on these pages")
        return _svg(fig, "status")
    extra: dict[str, str] = {}
    y = list(range(len(groups)))[::-1]
    left = [0] * len(groups)
    for status in statuses:
        values = [data[g].get(status, 0) for g in groups]
        ax.barh(y, values, left=left, color=_status_colour(status, extra), label=status, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y, labels=groups)
    ax.set_xlabel("key actions")
    _integer_ticks(ax.xaxis)
    ax.set_ylabel(group_label)
    fig.legend(loc="outside upper center", ncols=min(len(statuses), 4), frameon=False)
    return _svg(fig, "status")


def _lateness(data: Mapping[str, int], long_overdue_days: int) -> str:
    """Overdue key actions by how late they are, one bar per lateness bucket."""
    fig = _figure(2.6)
    ax = fig.add_subplot()
    if not sum(data.values()):
        _empty(ax, "No overdue key actions")
        return _svg(fig, "lateness")
    labels = list(data)
    values = [data[k] for k in labels]
    bars = ax.bar(range(len(labels)), values, color="#c62828", width=0.65)
    ax.bar_label(bars, padding=2)
    ax.set_xticks(range(len(labels)), labels=labels)
    ax.set_ylabel("overdue key actions")
    _integer_ticks(ax.yaxis)
    ax.set_xlabel(f"days past the due month (long overdue: more than {long_overdue_days} days)")
    ax.margins(y=0.15)
    return _svg(fig, "lateness")


def _completed_per_year(data: Mapping[str, Counter[str]], types: Sequence[str]) -> str:
    """Evaluations completed per year, stacked by evaluation type (``types`` in legend order)."""
    fig = _figure(3.0)
    ax = fig.add_subplot()
    if not data:
        _empty(ax, "No completed evaluations")
        return _svg(fig, "years")
    years = list(data)
    bottom = [0] * len(years)
    for i, kind in enumerate(types):
        values = [data[y].get(kind, 0) for y in years]
        ax.bar(years, values, bottom=bottom, label=kind, color=_TYPE_COLOURS[i % len(_TYPE_COLOURS)])
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    ax.set_ylabel("evaluations completed")
    _integer_ticks(ax.yaxis)
    ax.tick_params(axis="x", labelrotation=90 if len(years) > 12 else 0)
    fig.legend(loc="outside right upper", frameon=False)
    return _svg(fig, "years")


def _implementation(rows: Sequence[tuple[str, float]], group_label: str) -> str:
    """Implementation rate per group, with UNDP's 75 and 90 thresholds drawn as lines."""
    fig = _figure(_hbar_height(len(rows)))
    ax = fig.add_subplot()
    if not rows:
        _empty(ax, "No key actions to rate")
        return _svg(fig, "implementation")
    y = list(range(len(rows)))[::-1]
    values = [v for _, v in rows]
    colours = ["#2e7d32" if v >= 90 else "#f2b01e" if v >= 75 else "#c62828" for v in values]
    bars = ax.barh(y, values, color=colours, height=0.7)
    ax.bar_label(bars, labels=[f"{v:.1f}%" for v in values], padding=2)
    for x in (75, 90):
        ax.axvline(x, color="#555555", linewidth=0.6, linestyle=(0, (3, 3)), zorder=0)
    ax.set_xlim(0, 110)
    ax.set_xticks([0, 25, 50, 75, 90, 100])
    ax.set_yticks(y, labels=[name for name, _ in rows])
    ax.set_xlabel("key actions completed, % of key actions")
    ax.set_ylabel(group_label)
    return _svg(fig, "implementation")


def status_by_group(data: Mapping[str, Counter[str]], group_label: str) -> str:
    """Key actions by status, one stacked horizontal bar per group, largest group first."""
    with _style():
        return _status_by_group(data, group_label)


def lateness(data: Mapping[str, int], long_overdue_days: int) -> str:
    """Overdue key actions by how late they are, one bar per lateness bucket."""
    with _style():
        return _lateness(data, long_overdue_days)


def completed_per_year(data: Mapping[str, Counter[str]], types: Sequence[str]) -> str:
    """Evaluations completed per year, stacked by evaluation type (``types`` in legend order)."""
    with _style():
        return _completed_per_year(data, types)


def implementation(rows: Sequence[tuple[str, float]], group_label: str) -> str:
    """Implementation rate per group, with UNDP's 75 and 90 thresholds drawn as lines."""
    with _style():
        return _implementation(rows, group_label)
