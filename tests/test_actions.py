"""The flat key-action view and its overdue rule."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from erc_parse import parse_file
from erc_parse.actions import ActionRow, due_date, flatten, label, parse_as_of, render_table
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
    assert parse_as_of("2019") == dt.date(2019, 1, 1)  # missing parts: January 1st
    assert parse_as_of("19/12/31") == AS_OF  # year first, as in YYYY-MM-DD
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


# --- the flat rows, field by field (issue 15, point 9) -----------------------------------------


def mixed() -> Evaluation:
    return Evaluation(
        source=Source(path="cpd.txt", sha256="b" * 64),
        metadata=Metadata(title="Mid-term review of the Country Programme"),
        management_responses=[
            ManagementResponse(
                recommendation_number=2,
                key_actions=[
                    KeyAction(
                        number="2.1",
                        text="Hold a  joint review\nwith the ministry of the indicators in the results"
                        " framework, and agree revised targets for 2020 and 2021.",
                        responsible="Programme Unit, M&E Specialist",
                        due="2019-06",
                        status="Overdue-Not Initiated",
                    ),
                    KeyAction(number=None, text="Publish the report.", status="No Longer Applicable"),
                ],
            ),
            ManagementResponse(
                recommendation_number=None,
                key_actions=[KeyAction(number="3.1", text="Train staff.", responsible="HR", due="2020-03")],
            ),
        ],
    )


def test_flat_rows_exactly() -> None:
    common = {"evaluation": "Mid-term review of the Country Programme", "evaluation_id": "b" * 64}
    assert flatten([mixed()], AS_OF) == [
        ActionRow(
            **common,
            source_path="cpd.txt",
            recommendation_number=2,
            action_number="2.1",
            text="Hold a  joint review\nwith the ministry of the indicators in the results framework,"
            " and agree revised targets for 2020 and 2021.",
            responsible="Programme Unit, M&E Specialist",
            due="2019-06",
            status="Overdue-Not Initiated",
            overdue=True,
            days_overdue=184,
        ),
        ActionRow(
            **common,
            source_path="cpd.txt",
            recommendation_number=2,
            action_number=None,
            text="Publish the report.",
            responsible=None,
            due=None,
            status="No Longer Applicable",
            overdue=False,
            days_overdue=None,
        ),
        ActionRow(
            **common,
            source_path="cpd.txt",
            recommendation_number=None,
            action_number="3.1",
            text="Train staff.",
            responsible="HR",
            due="2020-03",
            status=None,
            overdue=False,
            days_overdue=None,
        ),
    ]
    assert ActionRow.columns() == (
        "evaluation",
        "evaluation_id",
        "source_path",
        "recommendation_number",
        "action_number",
        "text",
        "responsible",
        "due",
        "status",
        "overdue",
        "days_overdue",
    )
    assert flatten([mixed()], AS_OF)[2].as_dict() == {
        **common,
        "source_path": "cpd.txt",
        "recommendation_number": None,
        "action_number": "3.1",
        "text": "Train staff.",
        "responsible": "HR",
        "due": "2020-03",
        "status": None,
        "overdue": False,
        "days_overdue": None,
    }


def test_sample_overdue_rows_exactly() -> None:  # parser
    rows = flatten([parse_file(SAMPLE)], AS_OF, overdue_only=True)
    assert {r.evaluation for r in rows} == {
        "Promoting Inclusive Labour Market Solutions in the Western Balkans"
    }
    assert {r.source_path for r in rows} == {str(SAMPLE)}
    assert [(r.recommendation_number, r.action_number, r.due, r.status, r.days_overdue) for r in rows] == [
        (4, "4.1", "2019-09", "Initiated", 92),
        (5, "5.1", "2019-10", "Initiated", 61),
        (5, "5.2", "2019-10", "Initiated", 61),
        (8, "8.1", "2019-09", "Initiated", 92),
        (9, "9.3", "2019-06", "Initiated", 184),
        (10, "10.1", "2019-09", "Initiated", 92),
        (11, "11.1", "2019-09", "Initiated", 92),
    ]


# --- the table, as a person sees it at 80 columns (issue 14 point 13, issue 15 point 9) ---------


def rendered(rows: list[ActionRow], width: int = 80) -> str:
    import io

    from rich.console import Console

    out = io.StringIO()
    render_table(rows, Console(file=out, width=width, color_system=None, highlight=False), AS_OF)
    return out.getvalue()  # as a pipe gets it: no trailing spaces either


def test_table_at_80_columns_wraps_the_action_text_and_shows_every_field() -> None:
    assert rendered(flatten([mixed()], AS_OF)) == (
        "Mid-term review of the Country Programme\n"
        "Action   Due       Status        Overdue   Key action → responsible\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "2.1      2019-06   Overdue-Not     184 d   Hold a joint review with the ministry\n"
        "                   Initiated               of the indicators in the results\n"
        "                                           framework, and agree revised targets\n"
        "                                           for 2020 and 2021.\n"
        "                                           → Programme Unit, M&E Specialist\n"
        "\n"
        "rec 2              No Longer               Publish the report.\n"
        "                   Applicable\n"
        "\n"
        "3.1      2020-03                           Train staff.\n"
        "                                           → HR\n"
        "3 key actions, 1 overdue as of 2019-12-31\n"
    )


def test_sample_table_at_80_columns() -> None:  # parser
    rows = flatten([parse_file(SAMPLE)], AS_OF)
    assert rendered([*rows[:2], *(r for r in rows if r.action_number == "5.1")]) == (
        "Promoting Inclusive Labour Market Solutions in the Western Balkans\n"
        "Action   Due       Status      Overdue   Key action → responsible\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "1.1      2018-12   Completed             Develop strategic framework on the\n"
        "                                         regional and national level priority\n"
        "                                         actions to tackle policy and\n"
        "                                         institutional gaps for pursuing\n"
        "                                         integrated provision of inclusive\n"
        "                                         employment and social services\n"
        "                                         → SDT IRH/ ES, UNDP COs/NPC, ILO DWT/CO\n"
        "                                         ES, ILO CTA and NCs\n"
        "\n"
        "1.2      2018-11   Completed             Develop a project proposal for the\n"
        "                                         Phase II for endorsement by the\n"
        "                                         national partners and potential donors\n"
        "                                         → SDT IRH/ES, UNDP COs /NPC, ILO DWT/CO\n"
        "                                         Budapest\n"
        "\n"
        "5.1      2019-10   Initiated      61 d   UNDP and ILO project team to develop a\n"
        "                                         joint plan for approaching bilateral\n"
        "                                         and multilateral donors to explore\n"
        "                                         funding opportunities.\n"
        "                                         → SDT IRH/TL and ES ILO DWT/CO Budapest\n"
        "3 key actions, 1 overdue as of 2019-12-31\n"
    )


def test_one_table_per_evaluation() -> None:
    other = evaluation(("2019-01", "Initiated"), title="Other")
    text = rendered(flatten([mixed(), other], AS_OF))
    assert text.endswith(
        "3.1      2020-03                           Train staff.\n"
        "                                           → HR\n"
        "\n"
        "Other\n"
        "Action   Due       Status      Overdue   Key action → responsible\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "3.1      2019-01   Initiated     334 d   do 1\n"
        "4 key actions, 2 overdue as of 2019-12-31\n"
    )


def test_table_at_60_columns_folds_a_long_word_and_keeps_the_short_fields_whole() -> None:
    """Nothing is cut: a URL folds over lines; Action, Due and Overdue never wrap."""
    ev = Evaluation(
        source=Source(path="x.txt", sha256="c" * 64),
        metadata=Metadata(title="Narrow"),
        management_responses=[
            ManagementResponse(
                recommendation_number=None,
                key_actions=[
                    KeyAction(
                        number=None,
                        text="Publish at https://erc.undp.org/evaluation/keyactions/12345 and tell the board.",
                        responsible="Country Office",
                        due="2019-01",
                        status="Overdue-Not Initiated",
                    )
                ],
            )
        ],
    )
    assert rendered(flatten([ev], AS_OF), width=60) == (
        "Narrow\n"
        "                                           Key action →\n"
        "Action   Due       Status        Overdue   responsible\n"
        "────────────────────────────────────────────────────────────\n"
        "         2019-01   Overdue-Not     334 d   Publish at\n"
        "                   Initiated               https://erc.undp.\n"
        "                                           org/evaluation/ke\n"
        "                                           yactions/12345\n"
        "                                           and tell the\n"
        "                                           board.\n"
        "                                           → Country Office\n"
        "1 key action, 1 overdue as of 2019-12-31\n"
    )


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def styled_lines(ansi: str) -> list[tuple[str, list[str]]]:
    """Each line's text and the styles (SGR codes) of its visible characters."""
    out = []
    for line in ansi.splitlines():
        text, styles, style, pos = [], set(), "", 0
        for m in [*_SGR.finditer(line), None]:
            chunk = line[pos : m.start() if m else len(line)]
            text.append(chunk)
            if chunk.strip() and style:
                styles.add(style)
            if m:
                style, pos = ("" if m[1] in ("", "0") else m[1]), m.end()
        out.append(("".join(text).rstrip(), sorted(styles)))
    return out


def test_table_colours_overdue_rows_red_and_the_responsible_dim() -> None:
    import io

    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=80, color_system="standard", force_terminal=True, no_color=False)
    render_table(flatten([mixed()], AS_OF), console, AS_OF)
    bold, red, dim, dim_red = ["1"], ["31"], ["2"], ["2;31"]
    assert styled_lines(out.getvalue()) == [
        ("Mid-term review of the Country Programme", bold),
        ("Action   Due       Status        Overdue   Key action → responsible", bold),
        ("─" * 80, []),
        ("2.1      2019-06   Overdue-Not     184 d   Hold a joint review with the ministry", red),
        ("                   Initiated               of the indicators in the results", red),
        ("                                           framework, and agree revised targets", red),
        ("                                           for 2020 and 2021.", red),
        ("                                           → Programme Unit, M&E Specialist", dim_red),
        ("", []),
        ("rec 2              No Longer               Publish the report.", []),
        ("                   Applicable", []),
        ("", []),
        ("3.1      2020-03                           Train staff.", []),
        ("                                           → HR", dim),
        ("3 key actions, 1 overdue as of 2019-12-31", []),
    ]
