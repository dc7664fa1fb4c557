"""Figures across many pages: UNDP's evaluation-management scorecard, and what charts need.

An analyst's questions are about a portfolio (which offices have overdue key actions,
what share of actions is implemented), and UNDP scores its offices on exactly these
figures: the Evaluation Management indicator of its performance app. Everything here
is pure (no I/O, no printing) so that the definitions below can be tested to the day;
the ``summary``, ``scorecard`` and ``report`` commands only format the results.

Streaming: each parsed page is reduced at once to a small :class:`Facts` (a few
strings and one ``(due, status)`` pair per key action) and the model is dropped, so a
folder of thousands of pages never holds its models in memory.

Definitions (the contract; ``erc-parse scorecard --help`` and docs/cli.md repeat them):

- **Evaluations** are the distinct evaluations among pages of kind ``evaluation`` and
  ``management_response`` (plan pages and unrecognised pages are not evaluations). An
  evaluation page and a management-response page with the same
  :func:`erc_parse.identity.evaluation_key` (normalised title + commissioning unit +
  plan period) merge into one evaluation, one page of each kind at most; the merged
  evaluation takes its key actions from the page that lists more of them (the
  management-response page on a tie), so they count once. ``merged`` counts such pairs.
- **Part 1.** ``evaluations_completed``: the page gives a completion month.
  ``completed_on_time``: the completion month is no later than the planned end month.
  ``on_time_pct`` = completed_on_time / the completed evaluations that give a planned
  end month: a management-response page alone gives none, and its evaluation is
  neither counted late nor on time (``on_time_judged`` holds that denominator; it is
  not in the JSON, whose fields are the contract's).
- **Part 2A.** ``responses_due``: completed evaluations whose completion month ended
  more than 42 days before the as-of date (as-of minus the month's last day > 42).
  ``with_response``: those whose page says ``Management Response: Yes`` or shows at
  least one response. ``with_response_pct`` = with_response / responses_due.
- **Part 2B.** ``key_actions``: every key action whose status is not ``No Longer
  Applicable``. ``completed``: status ``Completed``. ``overdue``: not completed, and
  the last day of the due month is before the as-of date; a status starting
  ``Overdue`` (``Overdue-Initiated``, ``Overdue-Not Initiated``) also counts as
  overdue, whatever the dates. ``long_overdue``: overdue, and the as-of date is more
  than N days (default 365) after the last day of the due month.
  ``not_overdue_pct`` = (key_actions - overdue) / key_actions;
  ``not_long_overdue_pct`` = (key_actions - long_overdue) / key_actions;
  ``implementation_rate_pct`` = completed / key_actions.
- **Scores.** ``part1`` = on_time_pct; ``part2`` = mean(with_response_pct,
  mean(not_overdue_pct, not_long_overdue_pct)), a mean over the parts that exist.
  Scores are computed from unrounded rates, then rounded. Lights, judged on the
  rounded score: ``green`` at 90 or more, ``yellow`` at 75 or more, ``red`` below.
  Part 3 (quality ratings) is not on ERC pages and is not scored.
- **Empty denominators.** A percentage over nothing is ``None`` (JSON ``null``, shown
  as ``—``), never 0 or 100; so is a score or light with no part to average.
- **Rounding.** Percentages and scores are rounded half up to 0.1.
- **Groups.** ``commissioning_unit``, ``response_unit``: the page's unit;
  ``year``: the year of the completion month; ``country``: each of the evaluation's
  countries, so a multi-country evaluation counts in each of them while the total
  counts it once; ``none``: the total only. A missing value is the group ``(none)``.

The overdue rule is the one of :mod:`erc_parse.actions` (due by the last day of the
due month, strictly before as-of, completed actions never overdue), except that here
an ``Overdue-...`` status counts as overdue by itself, as UNDP's scorecard reads it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from erc_parse.actions import CLOSED_STATUSES, due_date, norm_status

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "BY",
    "FIELDS",
    "NONE_GROUP",
    "RESPONSE_GRACE_DAYS",
    "Counts",
    "Facts",
    "Portfolio",
    "Row",
    "Scorecard",
    "collect",
    "completed_per_year",
    "count",
    "facts",
    "groups_of",
    "is_long_overdue",
    "is_overdue",
    "lateness",
    "light",
    "overdue_by_lateness",
    "pct",
    "response_due",
    "round1",
    "scorecard",
    "status_by_group",
]

By = Literal["commissioning_unit", "response_unit", "country", "year", "none"]
BY: tuple[By, ...] = ("commissioning_unit", "response_unit", "country", "year", "none")
#: The group of an evaluation that has no value for the grouping (no unit, no country...).
NONE_GROUP = "(none)"
#: UNDP expects a management response within six weeks of completion.
RESPONSE_GRACE_DAYS = 42
DEFAULT_LONG_OVERDUE_DAYS = 365
GREEN, YELLOW = 90, 75
NO_STATUS = "(no status)"

Action = tuple[str | None, str | None]  # (due month YYYY-MM, status as the page writes it)


# --- one page, reduced ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What the figures need from one evaluation (one page, or two merged pages)."""

    kind: str
    key: str | None = None
    title: str | None = None
    path: str | None = None
    evaluation_type: str | None = None
    commissioning_unit: str | None = None
    response_unit: str | None = None
    countries: tuple[str, ...] = ()
    completion: str | None = None
    planned_end: str | None = None
    management_response: bool | None = None
    responses: int = 0
    actions: tuple[Action, ...] = ()
    truncated: bool = False
    errors: int = 0
    warnings: int = 0
    pages: int = 1

    @property
    def is_evaluation(self) -> bool:
        return self.kind in ("evaluation", "management_response")


def facts(ev: Evaluation) -> Facts:
    """Reduce a parsed page to its :class:`Facts` (the model can then be dropped)."""
    from erc_parse.identity import evaluation_key, normalise

    md = ev.metadata
    countries: list[str] = []
    seen: set[str] = set()
    for c in md.countries:
        ident = c.iso3 or normalise(c.name)
        if ident not in seen:
            seen.add(ident)
            countries.append(c.name)
    return Facts(
        kind=ev.kind,
        key=evaluation_key(ev),
        title=md.title,
        path=ev.source.path,
        evaluation_type=md.evaluation_type,
        commissioning_unit=md.commissioning_unit,
        response_unit=md.response_unit,
        countries=tuple(countries),
        completion=md.completion_date,
        planned_end=md.planned_end_date,
        management_response=md.management_response,
        responses=len(ev.management_responses),
        actions=tuple((ka.due, ka.status) for mr in ev.management_responses for ka in mr.key_actions),
        truncated=ev.truncated,
        errors=ev.count("error"),
        warnings=ev.count("warning"),
    )


def merge(a: Facts, b: Facts) -> Facts:
    """One evaluation from its evaluation page and its management-response page.

    The evaluation page's values come first (it has the dates and the type), the
    response page fills what it lacks (the responding unit). Key actions are taken
    whole from the page listing more of them, the response page on a tie: never
    added, since both pages show the same actions.
    """
    ev, mr = (a, b) if a.kind == "evaluation" else (b, a)
    actions = ev.actions if len(ev.actions) > len(mr.actions) else mr.actions
    return Facts(
        kind="evaluation",
        key=ev.key,
        title=ev.title or mr.title,
        path=ev.path or mr.path,
        evaluation_type=ev.evaluation_type or mr.evaluation_type,
        commissioning_unit=ev.commissioning_unit or mr.commissioning_unit,
        response_unit=ev.response_unit or mr.response_unit,
        countries=ev.countries or mr.countries,
        completion=ev.completion or mr.completion,
        planned_end=ev.planned_end or mr.planned_end,
        management_response=ev.management_response or mr.management_response,
        responses=max(ev.responses, mr.responses),
        actions=actions,
        truncated=ev.truncated or mr.truncated,
        errors=ev.errors + mr.errors,
        warnings=ev.warnings + mr.warnings,
        pages=ev.pages + mr.pages,
    )


@dataclass
class Portfolio:
    """The evaluations of many pages, merged; built page by page with :meth:`add`."""

    pages: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    _evaluations: list[Facts] = field(default_factory=list)
    # key -> index in _evaluations of a page still waiting for its other half
    _open: dict[str, int] = field(default_factory=dict)

    def add(self, page: Facts) -> None:
        self.pages[page.kind] += 1
        if not page.is_evaluation:
            return
        if page.key is not None:
            i = self._open.get(page.key)
            if i is not None and self._evaluations[i].kind != page.kind:
                self._evaluations[i] = merge(self._evaluations[i], page)
                self.merged += 1
                del self._open[page.key]
                return
            if i is None:
                self._open[page.key] = len(self._evaluations)
        self._evaluations.append(page)

    @property
    def evaluations(self) -> list[Facts]:
        return list(self._evaluations)


def collect(evaluations: Iterable[Evaluation | Facts]) -> Portfolio:
    """A :class:`Portfolio` of parsed pages, each reduced as soon as it arrives."""
    portfolio = Portfolio()
    for ev in evaluations:
        portfolio.add(ev if isinstance(ev, Facts) else facts(ev))
    return portfolio


# --- the rules, one small function each -------------------------------------------------------


def response_due(completion: str | None, as_of: dt.date) -> bool:
    """A management response is expected: the completion month ended more than 42 days ago."""
    end = due_date(completion)
    return end is not None and (as_of - end).days > RESPONSE_GRACE_DAYS


def on_time(completion: str | None, planned_end: str | None) -> bool:
    """Completed no later than the planned end month (both ``YYYY-MM``, so text order is time order)."""
    return completion is not None and planned_end is not None and completion <= planned_end


def is_overdue(due: str | None, status: str | None, as_of: dt.date) -> bool:
    """Not completed, and past the last day of the due month or marked ``Overdue-...``."""
    s = norm_status(status)
    if s in CLOSED_STATUSES:
        return False
    if s.startswith("overdue"):
        return True
    deadline = due_date(due)
    return deadline is not None and deadline < as_of


def lateness(due: str | None, as_of: dt.date) -> int | None:
    """Days from the last day of the due month to as-of, when that day is past; else ``None``."""
    deadline = due_date(due)
    if deadline is None or deadline >= as_of:
        return None
    return (as_of - deadline).days


def is_long_overdue(due: str | None, status: str | None, as_of: dt.date, days: int) -> bool:
    """Overdue, and more than ``days`` days after the last day of the due month."""
    late = lateness(due, as_of)
    return late is not None and late > days and is_overdue(due, status, as_of)


def pct(part: int, whole: int) -> Fraction | None:
    """``part`` as a percentage of ``whole``, exact; ``None`` when there is nothing to divide."""
    return None if whole == 0 else Fraction(100 * part, whole)


def mean(*values: Fraction | None) -> Fraction | None:
    """The mean of the values that exist; ``None`` when none does."""
    present = [v for v in values if v is not None]
    return Fraction(sum(present), len(present)) if present else None


def round1(value: Fraction | None) -> float | None:
    """Rounded half up to one decimal (72.25 -> 72.3), as a person rounds."""
    if value is None:
        return None
    tenths = value * 10
    return float((tenths.numerator * 2 + tenths.denominator) // (tenths.denominator * 2)) / 10


def light(score: float | None) -> str | None:
    """UNDP's traffic light: green at 90 or more, yellow at 75 or more, red below."""
    if score is None:
        return None
    if score >= GREEN:
        return "green"
    if score >= YELLOW:
        return "yellow"
    return "red"


# --- counts and rows --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """The countable figures of one evaluation or one group; they add up."""

    evaluations: int = 0
    evaluations_completed: int = 0
    on_time_judged: int = 0
    completed_on_time: int = 0
    responses_due: int = 0
    with_response: int = 0
    key_actions: int = 0
    completed: int = 0
    overdue: int = 0
    long_overdue: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)))


def count(f: Facts, as_of: dt.date, long_overdue_days: int = DEFAULT_LONG_OVERDUE_DAYS) -> Counts:
    """The figures of one evaluation as of a date."""
    completed = f.completion is not None
    due = completed and response_due(f.completion, as_of)
    key_actions = done = overdue = long = 0
    for ka_due, status in f.actions:
        s = norm_status(status)
        if s == "no longer applicable":
            continue
        key_actions += 1
        done += s == "completed"
        overdue += is_overdue(ka_due, status, as_of)
        long += is_long_overdue(ka_due, status, as_of, long_overdue_days)
    return Counts(
        evaluations=1,
        evaluations_completed=int(completed),
        on_time_judged=int(completed and f.planned_end is not None),
        completed_on_time=int(on_time(f.completion, f.planned_end)),
        responses_due=int(due),
        with_response=int(due and (f.management_response is True or f.responses > 0)),
        key_actions=key_actions,
        completed=done,
        overdue=overdue,
        long_overdue=long,
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the scorecard: the counts, their rates, the scores and lights."""

    evaluations: int
    evaluations_completed: int
    completed_on_time: int
    on_time_pct: float | None
    responses_due: int
    with_response: int
    with_response_pct: float | None
    key_actions: int
    completed: int
    overdue: int
    long_overdue: int
    not_overdue_pct: float | None
    not_long_overdue_pct: float | None
    implementation_rate_pct: float | None
    part1: float | None
    part1_light: str | None
    part2: float | None
    part2_light: str | None
    #: the denominator of on_time_pct (completed, with a planned end month); not in the JSON
    on_time_judged: int = 0

    @classmethod
    def of(cls, c: Counts) -> Row:
        on_time_pct = pct(c.completed_on_time, c.on_time_judged)
        with_response_pct = pct(c.with_response, c.responses_due)
        not_overdue = pct(c.key_actions - c.overdue, c.key_actions)
        not_long = pct(c.key_actions - c.long_overdue, c.key_actions)
        part1 = round1(on_time_pct)
        part2 = round1(mean(with_response_pct, mean(not_overdue, not_long)))
        return cls(
            evaluations=c.evaluations,
            evaluations_completed=c.evaluations_completed,
            completed_on_time=c.completed_on_time,
            on_time_pct=round1(on_time_pct),
            responses_due=c.responses_due,
            with_response=c.with_response,
            with_response_pct=round1(with_response_pct),
            key_actions=c.key_actions,
            completed=c.completed,
            overdue=c.overdue,
            long_overdue=c.long_overdue,
            not_overdue_pct=round1(not_overdue),
            not_long_overdue_pct=round1(not_long),
            implementation_rate_pct=round1(pct(c.completed, c.key_actions)),
            part1=part1,
            part1_light=light(part1),
            part2=part2,
            part2_light=light(part2),
            on_time_judged=c.on_time_judged,
        )

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


#: The scorecard's field names, in the order of the JSON and CSV outputs.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Row) if f.name != "on_time_judged")


def groups_of(f: Facts, by: By) -> tuple[str, ...]:
    """The groups an evaluation counts in: one, or one per country for ``country``."""
    if by == "country":
        return f.countries or (NONE_GROUP,)
    if by == "year":
        value = f.completion[:4] if f.completion else None
    elif by == "none":
        return ()
    else:
        value = getattr(f, by)
    return (value or NONE_GROUP,)


def _group_order(name: str) -> tuple[bool, str]:
    return (name == NONE_GROUP, name.casefold())


@dataclass(frozen=True)
class Scorecard:
    """The scorecard of a portfolio: one row per group, and the total."""

    as_of: dt.date
    long_overdue_days: int
    by: By
    groups: list[tuple[str, Row]]
    total: Row
    pages: Counter[str]
    merged: int
    #: evaluations counted in more than one group (``--by country`` only)
    multi_group: int = 0

    def as_dict(self) -> dict[str, object]:
        """The JSON document, exactly as the contract gives it."""
        return {
            "as_of": self.as_of.isoformat(),
            "long_overdue_days": self.long_overdue_days,
            "by": self.by,
            "groups": [{"group": name, **row.as_dict()} for name, row in self.groups],
            "total": self.total.as_dict(),
        }


def scorecard(
    evaluations: Iterable[Evaluation | Facts] | Portfolio,
    *,
    by: By = "commissioning_unit",
    as_of: dt.date,
    long_overdue_days: int = DEFAULT_LONG_OVERDUE_DAYS,
) -> Scorecard:
    """UNDP's evaluation-management scorecard of parsed pages (see the module's definitions)."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    portfolio = evaluations if isinstance(evaluations, Portfolio) else collect(evaluations)
    total = Counts()
    per_group: dict[str, Counts] = {}
    multi = 0
    for f in portfolio.evaluations:
        c = count(f, as_of, long_overdue_days)
        total += c
        names = groups_of(f, by)
        multi += len(names) > 1
        for name in names:
            per_group[name] = per_group.get(name, Counts()) + c
    return Scorecard(
        as_of=as_of,
        long_overdue_days=long_overdue_days,
        by=by,
        groups=[(name, Row.of(per_group[name])) for name in sorted(per_group, key=_group_order)],
        total=Row.of(total),
        pages=Counter(portfolio.pages),
        merged=portfolio.merged,
        multi_group=multi,
    )


# --- what the charts show ---------------------------------------------------------------------

#: Lateness buckets of overdue actions: (label, most days late it holds), then the unbounded last.
LATENESS_BUCKETS: tuple[tuple[str, int], ...] = (
    ("1-90 days", 90),
    ("91-180 days", 180),
    ("181-365 days", 365),
    ("1-2 years", 730),
)
LATEST_BUCKET = "over 2 years"
#: Overdue by its ``Overdue-...`` status while the due month has not ended by as-of (or has none).
BY_STATUS_ONLY = "by status only"


def lateness_bucket(days: int | None) -> str:
    """The bucket of an overdue action ``days`` late (``None``: overdue by its status only)."""
    if days is None:
        return BY_STATUS_ONLY
    for label, most in LATENESS_BUCKETS:
        if days <= most:
            return label
    return LATEST_BUCKET


def overdue_by_lateness(evaluations: Iterable[Facts], as_of: dt.date) -> dict[str, int]:
    """Overdue key actions per lateness bucket, every bucket present, in order."""
    out = dict.fromkeys([*(label for label, _ in LATENESS_BUCKETS), LATEST_BUCKET, BY_STATUS_ONLY], 0)
    for f in evaluations:
        for due, status in f.actions:
            if is_overdue(due, status, as_of):
                out[lateness_bucket(lateness(due, as_of))] += 1
    return out


def status_label(status: str | None) -> str:
    """A status as a legend shows it: the page's words, one spelling per status."""
    words = " ".join((status or "").split())
    return words or NO_STATUS


def status_by_group(evaluations: Iterable[Facts], by: By) -> dict[str, Counter[str]]:
    """Key actions per status for each group (every status, ``No Longer Applicable`` too)."""
    out: dict[str, Counter[str]] = {}
    for f in evaluations:
        names = groups_of(f, by) if by != "none" else ("all",)
        statuses = Counter(status_label(s) for _, s in f.actions)
        for name in names:
            out.setdefault(name, Counter()).update(statuses)
    return {name: out[name] for name in sorted(out, key=_group_order)}


def completed_per_year(evaluations: Iterable[Facts]) -> dict[str, Counter[str]]:
    """Completed evaluations per completion year, by evaluation type, years in order."""
    out: dict[str, Counter[str]] = {}
    for f in evaluations:
        if f.completion:
            out.setdefault(f.completion[:4], Counter())[f.evaluation_type or "(no type)"] += 1
    return dict(sorted(out.items()))


def top(items: Iterable[tuple[str, int]], n: int, other: str = "Other") -> list[tuple[str, int]]:
    """At most ``n`` items, largest first (ties by name): the ``n - 1`` largest and the rest
    summed as ``other (how many)``, or all of them when they are ``n`` or fewer."""
    ranked = sorted(items, key=lambda kv: (-kv[1], kv[0].casefold()))
    if len(ranked) <= n:
        return ranked
    rest = ranked[n - 1 :]
    return [*ranked[: n - 1], (f"{other} ({len(rest)})", sum(v for _, v in rest))]


def fold_groups(data: dict[str, Counter[str]], n: int, other: str = "Other") -> dict[str, Counter[str]]:
    """At most ``n`` groups, the largest (by their counts' sum) first, the rest in one ``other``.

    Groups with nothing to count are left out.
    """
    data = {name: c for name, c in data.items() if sum(c.values())}
    ranked = top(((name, sum(c.values())) for name, c in data.items()), n, other)
    out = {name: data[name] for name, _ in ranked if name in data}
    if len(out) < len(ranked):
        out[ranked[-1][0]] = sum((c for name, c in data.items() if name not in out), Counter())
    return out


def fold_keys(
    data: dict[str, Counter[str]], n: int, other: str = "Other"
) -> tuple[dict[str, Counter[str]], list[str]]:
    """The same groups with at most ``n`` distinct keys inside, the rarest folded into ``other``.

    Returns the folded data and its keys, most frequent first (``other`` last).
    """
    totals: Counter[str] = sum(data.values(), Counter())
    keys = [name for name, _ in top(totals.items(), n, other)]
    if len(keys) == len(totals):
        return data, keys
    kept = set(keys[:-1])
    folded = {}
    for group, c in data.items():
        inner = Counter({k: v for k, v in c.items() if k in kept})
        rest = sum(v for k, v in c.items() if k not in kept)
        if rest:
            inner[keys[-1]] = rest
        folded[group] = inner
    return folded, keys


def implementation_rates(groups: Iterable[tuple[str, Row]], n: int) -> list[tuple[str, float]]:
    """Groups with a rate, highest first (ties by name), at most ``n``."""
    rated = [(name, row.implementation_rate_pct) for name, row in groups]
    present = [(name, rate) for name, rate in rated if rate is not None]
    return sorted(present, key=lambda kv: (-kv[1], kv[0].casefold()))[:n]


def most_overdue(card: Scorecard, n: int = 5) -> list[tuple[str, int]]:
    """The groups with the most overdue key actions (none with zero), most first."""
    ranked = sorted(
        ((name, row.overdue) for name, row in card.groups if row.overdue),
        key=lambda kv: (-kv[1], kv[0].casefold()),
    )
    return ranked[:n]
