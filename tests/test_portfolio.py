"""The scorecard's figures (erc_parse.portfolio): every definition at its boundary, the
sample's hand-checked figures, merging, grouping, and the corpus end to end.

The sample (samples/ilms-western-balkans-2018.txt), checked by hand: one evaluation,
completed 2018-11 against a planned 2018-09 (not on time), Management Response: Yes,
25 key actions (15 Completed, 10 Initiated). As of 2019-12-31, 7 Initiated actions are
past their due month, none by more than 365 days; as of 2021-06-30, all 10 are, 9 of
them by more than 365 days (the tenth, due 2020-12, by 181).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter
from fractions import Fraction

import pytest

from erc_parse import parse_file
from erc_parse.actions import norm_status
from erc_parse.models import Evaluation
from erc_parse.portfolio import (
    BY,
    BY_STATUS_ONLY,
    FIELDS,
    NONE_GROUP,
    Counts,
    Facts,
    Portfolio,
    Row,
    collect,
    completed_per_year,
    count,
    facts,
    fold_groups,
    fold_keys,
    groups_of,
    implementation_rates,
    is_long_overdue,
    is_overdue,
    lateness,
    lateness_bucket,
    light,
    mean,
    merge,
    most_overdue,
    on_time,
    overdue_by_lateness,
    pct,
    response_due,
    round1,
    scorecard,
    status_by_group,
    status_label,
    top,
)

from .conftest import CORPUS, CORPUS_FILES, SAMPLE

D = dt.date.fromisoformat


def ev(kind: str = "evaluation", key: str | None = None, **kw: object) -> Facts:
    return Facts(kind=kind, key=key, **kw)  # type: ignore[arg-type]


# --- the rules at their boundaries --------------------------------------------------------------


def test_a_response_is_due_42_days_after_the_completion_month_ends() -> None:
    # November 2019 ends on the 30th; 42 days later is 2020-01-11.
    assert response_due("2019-11", D("2020-01-11")) is False
    assert response_due("2019-11", D("2020-01-12")) is True
    # February of a leap year ends on the 29th: 2020-02-29 + 42 days = 2020-04-11.
    assert response_due("2020-02", D("2020-04-11")) is False
    assert response_due("2020-02", D("2020-04-12")) is True
    assert response_due(None, D("2030-01-01")) is False
    assert response_due("not a month", D("2030-01-01")) is False


def test_on_time_is_completion_month_no_later_than_planned_end_month() -> None:
    assert on_time("2018-09", "2018-09") is True
    assert on_time("2018-08", "2018-09") is True
    assert on_time("2018-10", "2018-09") is False
    assert on_time("2018-11", "2018-09") is False  # the sample
    assert on_time(None, "2018-09") is False
    assert on_time("2018-09", None) is False


def test_overdue_from_the_day_after_the_last_day_of_the_due_month() -> None:
    assert is_overdue("2019-06", "Initiated", D("2019-06-30")) is False
    assert is_overdue("2019-06", "Initiated", D("2019-07-01")) is True
    assert is_overdue("2019-02", "Initiated", D("2019-02-28")) is False
    assert is_overdue("2019-02", "Initiated", D("2019-03-01")) is True
    assert is_overdue("2019-06", None, D("2019-07-01")) is True  # no status is open
    assert is_overdue(None, "Initiated", D("2030-01-01")) is False  # no due month
    assert is_overdue("2019-06", "Not Initiated", D("2020-01-01")) is True


def test_completed_and_no_longer_applicable_are_never_overdue() -> None:
    for status in ("Completed", "  completed ", "COMPLETED", "No Longer Applicable", "no  longer applicable"):
        assert is_overdue("2010-01", status, D("2030-01-01")) is False, status


def test_an_overdue_status_is_overdue_whatever_the_dates() -> None:
    """Where issue 12 departs from `actions`: the portal's Overdue-... verdict counts by itself."""
    assert is_overdue("2030-12", "Overdue-Initiated", D("2019-01-01")) is True
    assert is_overdue(None, "Overdue-Not Initiated", D("2019-01-01")) is True
    assert is_overdue("2030-12", "overdue - not initiated", D("2019-01-01")) is True


def test_lateness_counts_days_after_the_last_day_of_the_due_month() -> None:
    assert lateness("2019-06", D("2019-06-30")) is None
    assert lateness("2019-06", D("2019-07-01")) == 1
    assert lateness("2019-06", D("2019-12-31")) == 184  # the sample's action 9.3
    assert lateness(None, D("2019-12-31")) is None


def test_long_overdue_is_more_than_n_days_late() -> None:
    # 2020-06 ends 2020-06-30; 2021-06-30 is 365 days later.
    assert is_long_overdue("2020-06", "Initiated", D("2021-06-30"), 365) is False
    assert is_long_overdue("2020-06", "Initiated", D("2021-07-01"), 365) is True
    assert is_long_overdue("2020-06", "Initiated", D("2020-07-10"), 9) is True
    assert is_long_overdue("2020-06", "Initiated", D("2020-07-10"), 10) is False
    assert is_long_overdue("2020-06", "Initiated", D("2020-07-01"), 0) is True
    assert is_long_overdue("2020-06", "Completed", D("2025-01-01"), 365) is False
    # An Overdue-... status with a due month not yet ended is overdue, but not long overdue.
    assert is_long_overdue("2030-06", "Overdue-Initiated", D("2021-07-01"), 0) is False
    assert is_long_overdue(None, "Overdue-Initiated", D("2021-07-01"), 0) is False


def test_percentages_are_exact_and_null_over_nothing() -> None:
    assert pct(1, 3) == Fraction(100, 3)
    assert pct(18, 25) == 72
    assert pct(0, 5) == 0
    assert pct(5, 5) == 100
    assert pct(0, 0) is None


def test_mean_is_over_the_parts_that_exist() -> None:
    assert mean(Fraction(10), Fraction(20)) == 15
    assert mean(Fraction(10), None) == 10
    assert mean(None, Fraction(7)) == 7
    assert mean(None, None) is None
    assert mean() is None
    assert mean(Fraction(1), Fraction(2), Fraction(4)) == Fraction(7, 3)


def test_rounding_is_half_up_to_one_decimal() -> None:
    assert round1(Fraction(7225, 100)) == 72.3  # round() would give 72.2
    assert round1(Fraction(722499, 10000)) == 72.2
    assert round1(Fraction(5, 100)) == 0.1
    assert round1(Fraction(4, 100)) == 0.0
    assert round1(Fraction(200, 3)) == 66.7
    assert round1(Fraction(100, 3)) == 33.3
    assert round1(Fraction(100)) == 100.0
    assert round1(Fraction(0)) == 0.0
    assert round1(None) is None


def test_lights_green_at_90_yellow_at_75_red_below() -> None:
    assert light(100.0) == "green"
    assert light(90.0) == "green"
    assert light(89.9) == "yellow"
    assert light(75.0) == "yellow"
    assert light(74.9) == "red"
    assert light(0.0) == "red"
    assert light(None) is None


def test_status_is_compared_as_a_reader_compares_it() -> None:
    assert norm_status("  Overdue-Not   Initiated ") == "overdue-not initiated"
    assert norm_status(None) == ""
    assert status_label("  Not   Initiated ") == "Not Initiated"
    assert status_label(None) == "(no status)"
    assert status_label("   ") == "(no status)"


# --- one evaluation's counts, and a row's rates --------------------------------------------------


def test_count_of_one_evaluation() -> None:
    f = ev(
        completion="2019-11",
        planned_end="2019-12",
        management_response=True,
        actions=(
            ("2019-06", "Completed"),
            ("2019-06", "Initiated"),  # overdue 185 days as of 2020-01-01
            ("2018-06", "Initiated"),  # overdue 549 days: long
            ("2030-01", "Overdue-Initiated"),  # overdue by status
            ("2019-06", "No Longer Applicable"),  # not a key action
            (None, None),  # a key action, never overdue
        ),
    )
    assert count(f, D("2020-01-01"), 365) == Counts(
        evaluations=1,
        evaluations_completed=1,
        on_time_judged=1,
        completed_on_time=1,
        responses_due=0,  # 2019-11-30 + 42 days is 2020-01-11
        with_response=0,
        key_actions=5,
        completed=1,
        overdue=3,
        long_overdue=1,
    )
    later = count(f, D("2020-01-12"), 184)
    assert (later.responses_due, later.with_response, later.long_overdue) == (1, 1, 2)


def test_with_response_by_the_flag_or_by_a_response_shown() -> None:
    day = D("2021-01-01")
    base = {"completion": "2019-01"}
    assert count(ev(management_response=True, **base), day).with_response == 1  # type: ignore[arg-type]
    assert count(ev(responses=1, **base), day).with_response == 1  # type: ignore[arg-type]
    assert count(ev(management_response=False, **base), day).with_response == 0  # type: ignore[arg-type]
    assert count(ev(**base), day).responses_due == 1  # type: ignore[arg-type]
    # Not completed: no response is due, whatever the page says.
    assert count(ev(management_response=True), day) == Counts(evaluations=1)


def test_a_page_without_planned_end_is_not_judged_on_time() -> None:
    c = count(ev(kind="management_response", completion="2019-01"), D("2021-01-01"))
    assert (c.evaluations_completed, c.on_time_judged, c.completed_on_time) == (1, 0, 0)
    assert Row.of(c).on_time_pct is None
    late = count(ev(completion="2019-02", planned_end="2019-01"), D("2021-01-01"))
    assert (late.on_time_judged, late.completed_on_time) == (1, 0)


def test_counts_add_up_field_by_field() -> None:
    a = Counts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    b = Counts(10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
    assert a + b == Counts(11, 22, 33, 44, 55, 66, 77, 88, 99, 110)
    assert a + Counts() == a


def test_row_rates_scores_and_lights() -> None:
    row = Row.of(
        Counts(
            evaluations=4,
            evaluations_completed=3,
            on_time_judged=3,
            completed_on_time=2,
            responses_due=3,
            with_response=2,
            key_actions=8,
            completed=3,
            overdue=2,
            long_overdue=1,
        )
    )
    assert row.as_dict() == {
        "evaluations": 4,
        "evaluations_completed": 3,
        "completed_on_time": 2,
        "on_time_pct": 66.7,
        "responses_due": 3,
        "with_response": 2,
        "with_response_pct": 66.7,
        "key_actions": 8,
        "completed": 3,
        "overdue": 2,
        "long_overdue": 1,
        "not_overdue_pct": 75.0,
        "not_long_overdue_pct": 87.5,
        "implementation_rate_pct": 37.5,
        "part1": 66.7,
        "part1_light": "red",
        # mean(200/3, mean(75, 87.5)) = mean(66.67, 81.25) = 73.958...
        "part2": 74.0,
        "part2_light": "red",
    }
    assert row.on_time_judged == 3


def test_empty_denominators_are_null_never_0_or_100() -> None:
    row = Row.of(Counts(evaluations=1))
    assert row.on_time_pct is None and row.with_response_pct is None
    assert row.not_overdue_pct is None and row.not_long_overdue_pct is None
    assert row.implementation_rate_pct is None
    assert (row.part1, row.part1_light, row.part2, row.part2_light) == (None, None, None, None)


def test_part2_uses_the_parts_that_exist() -> None:
    only_2b = Row.of(Counts(evaluations=1, key_actions=4, overdue=1, long_overdue=0))
    assert only_2b.part2 == 87.5  # mean(75, 100)
    assert only_2b.part2_light == "yellow"
    only_2a = Row.of(Counts(evaluations=1, evaluations_completed=1, responses_due=2, with_response=1))
    assert only_2a.part2 == 50.0
    assert only_2a.part2_light == "red"


def test_the_light_is_judged_on_the_rounded_score() -> None:
    # 8995/100 = 89.95, shown as 90.0: green, as the reader sees it.
    row = Row.of(
        Counts(evaluations=1, evaluations_completed=2000, on_time_judged=2000, completed_on_time=1799)
    )
    assert row.part1 == 90.0 and row.part1_light == "green"
    row = Row.of(
        Counts(evaluations=1, evaluations_completed=4000, on_time_judged=4000, completed_on_time=2998)
    )
    assert row.part1 == 75.0 and row.part1_light == "yellow"  # 74.95 shown as 75.0


def test_the_json_field_names_are_the_contracts() -> None:
    assert FIELDS == (
        "evaluations",
        "evaluations_completed",
        "completed_on_time",
        "on_time_pct",
        "responses_due",
        "with_response",
        "with_response_pct",
        "key_actions",
        "completed",
        "overdue",
        "long_overdue",
        "not_overdue_pct",
        "not_long_overdue_pct",
        "implementation_rate_pct",
        "part1",
        "part1_light",
        "part2",
        "part2_light",
    )


# --- the sample, checked by hand -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Evaluation:
    return parse_file(SAMPLE)


def test_sample_as_of_2019_12_31(sample: Evaluation) -> None:
    card = scorecard([sample], as_of=D("2019-12-31"))
    assert card.as_dict() == {
        "as_of": "2019-12-31",
        "long_overdue_days": 365,
        "by": "commissioning_unit",
        "groups": [{"group": "RBEC", **card.total.as_dict()}],
        "total": {
            "evaluations": 1,
            "evaluations_completed": 1,
            "completed_on_time": 0,
            "on_time_pct": 0.0,
            "responses_due": 1,
            "with_response": 1,
            "with_response_pct": 100.0,
            "key_actions": 25,
            "completed": 15,
            "overdue": 7,
            "long_overdue": 0,
            "not_overdue_pct": 72.0,
            "not_long_overdue_pct": 100.0,
            "implementation_rate_pct": 60.0,
            "part1": 0.0,
            "part1_light": "red",
            "part2": 93.0,
            "part2_light": "green",
        },
    }
    assert json.loads(json.dumps(card.as_dict())) == card.as_dict()


def test_sample_as_of_2021_06_30(sample: Evaluation) -> None:
    total = scorecard([sample], as_of=D("2021-06-30")).total
    assert (total.overdue, total.long_overdue) == (10, 9)
    assert (total.not_overdue_pct, total.not_long_overdue_pct) == (60.0, 64.0)
    assert (total.part2, total.part2_light) == (81.0, "yellow")  # mean(100, mean(60, 64))
    # The tenth, due 2020-12, is 181 days late: long overdue when N is 180, not when N is 181.
    assert scorecard([sample], as_of=D("2021-06-30"), long_overdue_days=180).total.long_overdue == 10
    assert scorecard([sample], as_of=D("2021-06-30"), long_overdue_days=181).total.long_overdue == 9


def test_sample_facts(sample: Evaluation) -> None:
    f = facts(sample)
    assert f.kind == "evaluation"
    assert f.key == "promoting inclusive labour market solutions in the western balkans|rbec|2018-2021"
    assert (f.completion, f.planned_end, f.management_response, f.responses) == (
        "2018-11",
        "2018-09",
        True,
        11,
    )
    assert f.commissioning_unit == "RBEC" and f.response_unit is None
    assert f.evaluation_type == "Final Project"
    assert f.countries == (
        "ALBANIA",
        "BOSNIA AND HERCEGOVINA",
        "KOSOVO",
        "MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF",
        "MONTENEGRO",
        "SERBIA",
        "TURKEY",
    )
    assert len(f.actions) == 25
    assert Counter(s for _, s in f.actions) == {"Completed": 15, "Initiated": 10}
    assert f.actions[0] == (sample.management_responses[0].key_actions[0].due, "Completed")
    assert (f.truncated, f.errors, f.warnings, f.pages) == (False, 0, 0, 1)
    assert f.path == str(SAMPLE)


def test_facts_keep_each_country_once() -> None:
    from erc_parse.models import Country, Metadata

    page = Evaluation(
        kind="evaluation",
        metadata=Metadata(
            title="T",
            countries=[
                Country(name="Kosovo"),
                Country(name="BOSNIA AND HERCEGOVINA", iso3="BIH"),
                Country(name="GLOBAL"),
                Country(name="Bosnia and Herzegovina", iso3="BIH"),
                Country(name="KOSOVO"),
                Country(name="Viet  Nam"),
                Country(name="VIET NAM"),
                Country(name="Viet-Nam"),
            ],
        ),
    )
    assert facts(page).countries == ("Kosovo", "BOSNIA AND HERCEGOVINA", "GLOBAL", "Viet  Nam")


def test_facts_of_a_cut_page_with_problems() -> None:
    from erc_parse.models import Diagnostic, Metadata

    def diagnostic(severity: str) -> Diagnostic:
        return Diagnostic(line=1, severity=severity, code="x", message="m")  # type: ignore[arg-type]

    page = Evaluation(
        kind="management_response",
        truncated=True,
        metadata=Metadata(title="A title", response_unit="Chile"),
        diagnostics=[diagnostic(s) for s in ("error", "warning", "warning", "info", "error", "warning")],
    )
    f = facts(page)
    assert (f.title, f.response_unit, f.truncated, f.errors, f.warnings) == ("A title", "Chile", True, 2, 3)
    assert f.key == "a title||"


# --- merging an evaluation page with its management-response page -----------------------------------


def test_merge_takes_the_evaluation_page_first_and_the_longer_action_list() -> None:
    e = ev(
        key="k",
        title="T",
        path="e.txt",
        evaluation_type="Final Project",
        commissioning_unit="RBEC",
        countries=("ALBANIA",),
        completion="2018-11",
        planned_end="2018-09",
        management_response=True,
        responses=2,
        actions=(("2019-01", "Completed"),),
        errors=3,
        warnings=2,
    )
    r = ev(
        kind="management_response",
        key="k",
        title="T (response)",
        path="r.txt",
        evaluation_type="Project",
        commissioning_unit="RBEC",
        response_unit="Albania",
        completion="2018-12",
        responses=3,
        actions=(("2019-01", "Completed"), ("2019-02", "Initiated")),
        truncated=True,
        errors=2,
        warnings=1,
    )
    for m in (merge(e, r), merge(r, e)):
        assert m == Facts(
            kind="evaluation",
            key="k",
            title="T",
            path="e.txt",
            evaluation_type="Final Project",
            commissioning_unit="RBEC",
            response_unit="Albania",
            countries=("ALBANIA",),
            completion="2018-11",
            planned_end="2018-09",
            management_response=True,
            responses=3,
            actions=r.actions,
            truncated=True,
            errors=5,
            warnings=3,
            pages=2,
        )


def test_merge_fills_what_the_evaluation_page_lacks() -> None:
    e = ev(key="k", actions=(("2019-01", "Completed"), ("2019-02", "Initiated")))
    r = ev(
        kind="management_response",
        key="k",
        title="T",
        path="r.txt",
        evaluation_type="Project",
        commissioning_unit="X",
        countries=("A",),
        completion="2018-12",
        planned_end="2018-10",
        management_response=False,
        actions=(("2019-03", "Initiated"),),
    )
    m = merge(e, r)
    assert (m.title, m.path, m.evaluation_type, m.commissioning_unit, m.countries) == (
        "T",
        "r.txt",
        "Project",
        "X",
        ("A",),
    )
    assert (m.completion, m.planned_end, m.management_response) == ("2018-12", "2018-10", False)
    assert m.actions == e.actions  # the evaluation page lists more
    tie = merge(ev(key="k", actions=(("2019-01", "Completed"),)), r)
    assert tie.actions == r.actions  # a tie goes to the response page


def test_portfolio_merges_one_evaluation_page_with_one_response_page() -> None:
    p = Portfolio()
    p.add(ev(key="a", title="first"))
    p.add(ev(key="a", title="second"))  # same key, same kind: a different evaluation
    p.add(ev(kind="plan", key=None))
    p.add(ev(kind="unknown"))
    p.add(ev(kind="management_response", key="b"))
    p.add(ev(kind="management_response", key="a", response_unit="R"))
    p.add(ev(kind="management_response", key="a", title="third"))  # the pair is closed
    p.add(ev(kind="management_response", key=None))
    p.add(ev(key=None))
    assert p.pages == {"evaluation": 3, "management_response": 4, "plan": 1, "unknown": 1}
    assert p.merged == 1
    assert [(f.kind, f.key, f.title, f.pages) for f in p.evaluations] == [
        ("evaluation", "a", "first", 2),
        ("evaluation", "a", "second", 1),
        ("management_response", "b", None, 1),
        ("management_response", "a", "third", 1),
        ("management_response", None, None, 1),
        ("evaluation", None, None, 1),
    ]
    assert p.evaluations[0].response_unit == "R"
    p.add(ev(key="b", title="b's evaluation page"))
    assert p.merged == 2 and len(p.evaluations) == 6
    assert (p.evaluations[2].title, p.evaluations[2].pages) == ("b's evaluation page", 2)


def test_the_response_page_first_merges_as_well() -> None:
    p = collect([ev(kind="management_response", key="a", actions=(("2019-01", None),)), ev(key="a")])
    assert p.merged == 1 and len(p.evaluations) == 1
    assert p.evaluations[0].kind == "evaluation" and p.evaluations[0].actions == (("2019-01", None),)


def test_evaluations_returns_a_copy() -> None:
    p = collect([ev(key="a")])
    p.evaluations.clear()
    assert len(p.evaluations) == 1


def test_the_corpus_pair_is_merged_and_counted_once() -> None:
    pair = [CORPUS / "evaluations" / "9396.txt", CORPUS / "managementresponses" / "9396.txt"]
    pages = [parse_file(p) for p in pair]
    card = scorecard(pages, as_of=D("2023-01-01"))
    assert card.merged == 1 and card.total.evaluations == 1
    assert card.total.key_actions == len(pages[1].key_actions())
    assert card.groups[0][0] == "Independent Evaluation Office"


def test_collect_keeps_no_model() -> None:
    """Streaming: each page becomes small facts at once; no Evaluation survives collect()."""

    def pages() -> object:
        for path in CORPUS_FILES[:20]:
            yield parse_file(path)

    portfolio = collect(pages())  # type: ignore[arg-type]
    gc.collect()
    read = {str(p) for p in CORPUS_FILES[:20]}
    assert not [o for o in gc.get_objects() if isinstance(o, Evaluation) and o.source.path in read]
    assert sum(portfolio.pages.values()) == 20


# --- groups -----------------------------------------------------------------------------------------


def test_groups_of_each_grouping() -> None:
    f = ev(commissioning_unit="RBEC", response_unit="Serbia", countries=("A", "B"), completion="2019-03")
    assert groups_of(f, "commissioning_unit") == ("RBEC",)
    assert groups_of(f, "response_unit") == ("Serbia",)
    assert groups_of(f, "country") == ("A", "B")
    assert groups_of(f, "year") == ("2019",)
    assert groups_of(f, "none") == ()
    empty = ev()
    for by in ("commissioning_unit", "response_unit", "country", "year"):
        assert groups_of(empty, by) == (NONE_GROUP,)  # type: ignore[arg-type]


def test_groups_sorted_by_name_with_none_last() -> None:
    card = scorecard(
        [ev(commissioning_unit="b"), ev(), ev(commissioning_unit="A"), ev(commissioning_unit="C")],
        as_of=D("2020-01-01"),
    )
    assert [name for name, _ in card.groups] == ["A", "b", "C", NONE_GROUP]
    assert scorecard([ev()], by="none", as_of=D("2020-01-01")).groups == []


def test_unknown_grouping_is_an_error() -> None:
    with pytest.raises(ValueError) as info:
        scorecard([], by="unit", as_of=D("2020-01-01"))  # type: ignore[arg-type]
    assert (
        str(info.value)
        == "by must be one of commissioning_unit, response_unit, country, year, none, not 'unit'"
    )


def test_a_multi_country_evaluation_counts_in_each_country_and_once_in_the_total() -> None:
    card = scorecard(
        [ev(countries=("A", "B"), actions=(("2019-01", "Initiated"),)), ev(countries=("B",))],
        by="country",
        as_of=D("2020-01-01"),
    )
    assert [(name, row.evaluations, row.overdue) for name, row in card.groups] == [("A", 1, 1), ("B", 2, 1)]
    assert (card.total.evaluations, card.total.overdue) == (2, 1)
    assert card.multi_group == 1


@pytest.fixture(scope="module")
def corpus_portfolio() -> Portfolio:
    return collect(parse_file(p) for p in [*CORPUS_FILES, SAMPLE])


def _sums(card: object) -> dict[str, int]:
    groups = card.groups  # type: ignore[attr-defined]
    return {
        name: sum(getattr(row, name) for _, row in groups)
        for name in FIELDS
        if isinstance(getattr(groups[0][1], name), int) and not isinstance(getattr(groups[0][1], name), bool)
    }


@pytest.mark.parametrize("by", ["commissioning_unit", "response_unit", "year"])
def test_group_rows_add_up_to_the_total(corpus_portfolio: Portfolio, by: str) -> None:
    card = scorecard(corpus_portfolio, by=by, as_of=D("2021-06-30"))  # type: ignore[arg-type]
    assert len(card.groups) > 3
    total = card.total.as_dict()
    assert _sums(card) == {name: total[name] for name in _sums(card)}
    assert sum(row.on_time_judged for _, row in card.groups) == card.total.on_time_judged


def test_country_rows_add_up_to_the_total_plus_the_extra_countries(corpus_portfolio: Portfolio) -> None:
    day = D("2021-06-30")
    card = scorecard(corpus_portfolio, by="country", as_of=day)
    extra = Counts()
    for f in corpus_portfolio.evaluations:
        for _ in f.countries[1:]:
            extra += count(f, day)
    assert card.multi_group == sum(len(f.countries) > 1 for f in corpus_portfolio.evaluations) >= 2
    total = card.total.as_dict()
    assert _sums(card) == {name: total[name] + getattr(extra, name) for name in _sums(card)}


def test_corpus_end_to_end(corpus_portfolio: Portfolio) -> None:
    """107 real pages and the sample: 80 evaluation, 24 response and 4 plan pages; the one
    evaluation present as both pages with the same key (9396) is merged."""
    card = scorecard(corpus_portfolio, as_of=D("2021-06-30"))
    assert card.pages == {"evaluation": 80, "management_response": 24, "plan": 4}
    assert card.merged == 1
    assert card.total.evaluations == 103
    t = card.total
    assert (t.key_actions, t.completed, t.overdue, t.long_overdue) == (62, 37, 15, 11)
    assert t.evaluations_completed == 97 and t.on_time_judged == 74 and t.completed_on_time == 49
    for by in BY:
        assert scorecard(corpus_portfolio, by=by, as_of=D("2021-06-30")).total == t


# --- what the charts show -----------------------------------------------------------------------------


def test_lateness_buckets_at_their_edges() -> None:
    assert [lateness_bucket(d) for d in (1, 90, 91, 180, 181, 365, 366, 730, 731, 5000, None)] == [
        "1-90 days",
        "1-90 days",
        "91-180 days",
        "91-180 days",
        "181-365 days",
        "181-365 days",
        "1-2 years",
        "1-2 years",
        "over 2 years",
        "over 2 years",
        BY_STATUS_ONLY,
    ]


def test_overdue_by_lateness() -> None:
    f = ev(
        actions=(
            ("2019-12", "Initiated"),  # 1 day
            ("2019-12", "Completed"),
            ("2019-01", "Initiated"),  # 335 days
            ("2030-01", "Overdue-Initiated"),
            (None, "Initiated"),
        )
    )
    assert overdue_by_lateness([f, f], D("2020-01-01")) == {
        "1-90 days": 2,
        "91-180 days": 0,
        "181-365 days": 2,
        "1-2 years": 0,
        "over 2 years": 0,
        BY_STATUS_ONLY: 2,
    }


def test_status_by_group_counts_every_status() -> None:
    a = ev(
        commissioning_unit="B", actions=(("2019-01", "Completed"), ("2019-01", " Completed"), (None, None))
    )
    b = ev(commissioning_unit="A", actions=(("2019-01", "No Longer Applicable"),))
    c = ev(actions=(("2019-01", "Initiated"),))
    d = ev(commissioning_unit="a2", actions=(("2019-01", "Initiated"),))
    got = status_by_group([c, d, a, b], "commissioning_unit")
    assert got == {
        "A": Counter({"No Longer Applicable": 1}),
        "a2": Counter({"Initiated": 1}),
        "B": Counter({"Completed": 2, "(no status)": 1}),
        NONE_GROUP: Counter({"Initiated": 1}),
    }
    assert list(got) == ["A", "a2", "B", NONE_GROUP]
    assert status_by_group([a, b], "none") == {
        "all": Counter({"Completed": 2, "(no status)": 1, "No Longer Applicable": 1})
    }


def test_completed_per_year_by_type() -> None:
    got = completed_per_year(
        [
            ev(completion="2019-03", evaluation_type="UNDAF"),
            ev(completion="2018-12", evaluation_type="UNDAF"),
            ev(completion="2019-01"),
            ev(completion="2019-07", evaluation_type="UNDAF"),
            ev(evaluation_type="UNDAF"),
        ]
    )
    assert got == {"2018": Counter({"UNDAF": 1}), "2019": Counter({"UNDAF": 2, "(no type)": 1})}
    assert list(got) == ["2018", "2019"]


def test_top_keeps_n_with_the_rest_as_other() -> None:
    items = [("b", 2), ("a", 2), ("c", 5), ("d", 1)]
    assert top(items, 4) == [("c", 5), ("a", 2), ("b", 2), ("d", 1)]
    assert top(items, 3) == [("c", 5), ("a", 2), ("Other (2)", 3)]
    assert top(items, 2, other="Rest") == [("c", 5), ("Rest (3)", 5)]


def test_fold_groups() -> None:
    data = {"x": Counter(a=1), "y": Counter(a=3, b=1), "z": Counter(b=2), "empty": Counter()}
    assert fold_groups(data, 3) == {"y": Counter(a=3, b=1), "z": Counter(b=2), "x": Counter(a=1)}
    assert list(fold_groups(data, 3)) == ["y", "z", "x"]
    assert fold_groups(data, 2, "Rest") == {"y": Counter(a=3, b=1), "Rest (2)": Counter(a=1, b=2)}
    more = data | {"w": Counter(c=1)}
    assert fold_groups(more, 3) == {"y": Counter(a=3, b=1), "z": Counter(b=2), "Other (2)": Counter(a=1, c=1)}


def test_fold_keys() -> None:
    data = {"2018": Counter(A=3, B=1), "2019": Counter(C=1, A=1)}
    assert fold_keys(data, 3) == (data, ["A", "B", "C"])
    folded, keys = fold_keys(data, 2, "Other types")
    assert keys == ["A", "Other types (2)"]
    assert folded == {
        "2018": Counter(A=3, **{"Other types (2)": 1}),
        "2019": Counter(A=1, **{"Other types (2)": 1}),
    }
    folded, keys = fold_keys({"2018": Counter(A=3, B=2, C=1), "2019": Counter(A=1, D=1)}, 3)
    assert keys == ["A", "B", "Other (2)"]
    assert folded == {"2018": Counter(A=3, B=2, **{"Other (2)": 1}), "2019": Counter(A=1, **{"Other (2)": 1})}
    folded, keys = fold_keys({"2018": Counter(A=3, B=1), "2019": Counter(A=1)}, 1)
    assert keys == ["Other (2)"]
    assert folded == {"2018": Counter({"Other (2)": 4}), "2019": Counter({"Other (2)": 1})}


def test_implementation_rates_highest_first_without_nulls() -> None:
    rows = [
        ("b", Row.of(Counts(key_actions=4, completed=2))),
        ("a", Row.of(Counts(key_actions=2, completed=1))),
        ("c", Row.of(Counts(key_actions=0))),
        ("d", Row.of(Counts(key_actions=1, completed=1))),
    ]
    assert implementation_rates(rows, 5) == [("d", 100.0), ("a", 50.0), ("b", 50.0)]
    assert implementation_rates(rows, 1) == [("d", 100.0)]


def test_most_overdue() -> None:
    card = scorecard(
        [
            ev(commissioning_unit="b", actions=(("2019-01", None),)),
            ev(commissioning_unit="a", actions=(("2019-01", None),)),
            ev(commissioning_unit="c", actions=(("2019-01", None), ("2019-01", None))),
            ev(commissioning_unit="d", actions=(("2019-01", "Completed"),)),
        ],
        as_of=D("2020-01-01"),
    )
    assert most_overdue(card) == [("c", 2), ("a", 1), ("b", 1)]
    assert most_overdue(card, 1) == [("c", 2)]
    many = scorecard(
        [ev(commissioning_unit=name, actions=(("2019-01", None),)) for name in "fedcba"],
        as_of=D("2020-01-01"),
    )
    assert [name for name, _ in most_overdue(many)] == ["a", "b", "c", "d", "e"]
