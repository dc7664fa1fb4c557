"""The flat key-action view and its overdue rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from erc_parse import parse_file
from erc_parse.actions import ActionRow, due_date, flatten, label, parse_as_of
from erc_parse.models import Evaluation, KeyAction, ManagementResponse, Metadata, Source

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "ilms-western-balkans-2018.txt"
AS_OF = dt.date(2019, 12, 31)


def evaluation(*actions: tuple[str | None, str | None], title: str | None = "T") -> Evaluation:
    """One response holding key actions given as (due month, status)."""
    return Evaluation(
        source=Source(path="x.txt", sha256="a" * 64),
        metadata=Metadata(title=title),
        management_responses=[
            ManagementResponse(
                recommendation_number=3,
                key_actions=[
                    KeyAction(number=f"3.{i}", text=f"do {i}", due=due, status=status)
                    for i, (due, status) in enumerate(actions, 1)
                ],
            )
        ],
    )


def one(due: str | None, status: str | None, as_of: dt.date = AS_OF) -> ActionRow:
    (row,) = flatten([evaluation((due, status))], as_of)
    return row


def test_due_date_is_last_day_of_month() -> None:
    assert due_date("2019-12") == dt.date(2019, 12, 31)
    assert due_date("2020-02") == dt.date(2020, 2, 29)
    assert due_date("2019-02") == dt.date(2019, 2, 28)
    assert due_date(None) is None
    assert due_date("2019-13") is None


def test_overdue_only_after_the_due_month_has_ended() -> None:
    assert not one("2019-12", "Initiated").overdue  # due 31 Dec: not late on 31 Dec
    late = one("2019-11", "Initiated")
    assert late.overdue and late.days_overdue == 31
    assert one("2019-12", "Initiated", dt.date(2020, 1, 1)).days_overdue == 1


@pytest.mark.parametrize("status", ["Completed", "completed", "No Longer Applicable"])
def test_closed_actions_are_never_overdue(status: str) -> None:
    row = one("2010-01", status)
    assert not row.overdue and row.days_overdue is None


@pytest.mark.parametrize(
    "status", ["Initiated", "Not Initiated", "Overdue-Initiated", "Overdue-Not Initiated", None]
)
def test_open_statuses_are_judged_by_date(status: str | None) -> None:
    assert one("2019-01", status).overdue
    # The portal's "Overdue-" prefix does not make an action late before its due month ends.
    assert not one("2020-06", status).overdue


def test_no_due_month_is_never_overdue() -> None:
    row = one(None, "No deadline established")
    assert not row.overdue and row.days_overdue is None


def test_filters_and_row_fields() -> None:
    ev = evaluation(
        ("2019-01", "Initiated"),
        ("2019-01", "Completed"),
        ("2019-01", "Overdue-Initiated"),
        ("2021-01", "Initiated"),
    )
    rows = flatten([ev], AS_OF)
    assert [r.action_number for r in rows] == ["3.1", "3.2", "3.3", "3.4"]
    assert rows[0].recommendation_number == 3 and rows[0].evaluation == "T"
    assert rows[0].evaluation_id == "a" * 64 and rows[0].source_path == "x.txt"
    assert [r.action_number for r in flatten([ev], AS_OF, overdue_only=True)] == ["3.1", "3.3"]
    only = flatten([ev], AS_OF, statuses=["  initiated "])
    assert [r.action_number for r in only] == ["3.1", "3.4"]  # exact: not Overdue-Initiated
    both = flatten([ev], AS_OF, statuses=["Initiated", "overdue-initiated"], overdue_only=True)
    assert [r.action_number for r in both] == ["3.1", "3.3"]
    assert set(rows[0].as_dict()) == set(ActionRow.columns())


def test_label_falls_back_to_the_path() -> None:
    assert label(evaluation(title=None)) == "x.txt"
    assert label(Evaluation()) == "<stdin>"


def test_parse_as_of() -> None:
    assert parse_as_of("2019-12-31") == AS_OF
    assert parse_as_of("31 Dec 2019") == AS_OF
    assert parse_as_of("2019-12") == dt.date(2019, 12, 1)
    assert parse_as_of(None) == dt.date.today()
    assert parse_as_of("today") == dt.date.today()
    for bad in ("not a date", "2019-13-45", ""):
        with pytest.raises(ValueError):
            parse_as_of(bad)


def test_sample_key_actions() -> None:  # parser
    rows = flatten([parse_file(SAMPLE)], AS_OF)
    assert len(rows) == 25
    statuses = [r.status for r in rows]
    assert statuses.count("Completed") == 15 and statuses.count("Initiated") == 10
    overdue = [r for r in rows if r.overdue]
    assert len(overdue) == 7
    assert sorted(r.days_overdue or 0 for r in overdue) == [61, 61, 92, 92, 92, 92, 184]
