"""Value normalizers: each rendering the portal uses, and what is refused."""

from __future__ import annotations

import pytest

from erc_parse.normalize import values as nv
from erc_parse.normalize.countries import is_country
from erc_parse.normalize.team import split_team_row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11/2018", "2018-11"),
        ("1/2019", "2019-01"),
        ("2018/12", "2018-12"),
        ("Feb 2022", "2022-02"),
        ("28 Feb, 2022", "2022-02"),
        ("31 Dec, 2021", "2021-12"),
        ("31 May, 2009", "2009-05"),
        ("2019-03-04", "2019-03"),
        ("13/2018", None),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_month(raw: str | None, expected: str | None) -> None:
    assert nv.month(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2018/11/23", "2018-11-23"), ("2019/1/5", "2019-01-05"), ("2018/13/01", None), ("2018/11", None)],
)
def test_day(raw: str, expected: str | None) -> None:
    assert nv.day(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13,200", 13200),
        ("$30,000", 30000),
        ("$0", 0),
        ("1,234.50", 1234.5),
        ("--", None),
        ("", None),
        ("n/a", None),
    ],
)
def test_money(raw: str, expected: float | None) -> None:
    got = nv.money(raw)
    assert got == expected
    if isinstance(expected, int):
        assert isinstance(got, int)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("No", False), ("Yes (Partial)", True), ("no", False), ("Maybe", None), ("", None)],
)
def test_yes_no(raw: str, expected: bool | None) -> None:
    assert nv.yes_no(raw) is expected


def test_strategic_plan_and_lists() -> None:
    assert nv.strategic_plan("Corporate Outcome and Output (UNDP Strategic Plan 2018-2021)") == "2018-2021"
    assert nv.strategic_plan("Corporate Outcomes (UNDP Strategic Plan 2008-20013)") == "2008-20013"
    assert nv.strategic_plan("Corporate Outcome and Output") is None
    assert nv.atlas_numbers("00117224, 00120890") == ["00117224", "00120890"]
    assert nv.atlas_numbers("106014,100299,84493") == ["106014", "100299", "84493"]
    assert nv.clean_item("  • 1. Output 1.1.2 Marginalised") == "Output 1.1.2 Marginalised"
    assert nv.clean_item("  • Goal 13. Take action") == "Goal 13. Take action"
    assert nv.split_list("A, B; C") == ["A, B", "C"]
    assert nv.split_list("Country Offices, ILO") == ["Country Offices", "ILO"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "Thomas Vasseur Independent Evaluator thomas.vasseur@gmail.com",
            ("Thomas Vasseur", "Independent Evaluator", "thomas.vasseur@gmail.com", None),
        ),
        (
            "Tubotu Jecutiman Consultant national jecutiman.tubotu@vihur.ham BURUNDI",
            ("Tubotu Jecutiman", "Consultant national", "jecutiman.tubotu@vihur.ham", "BURUNDI"),
        ),
        (
            "Nedanov memama Consultant babecagik SENEGAL",
            ("Nedanov memama", "Consultant babecagik", None, "SENEGAL"),
        ),
        ("Kowow G. LuWuzij Team leader", ("Kowow G. LuWuzij", "Team leader", None, None)),
        ("Team Leader", (None, "Team Leader", None, None)),
        ("Sekeke Fabalo", ("Sekeke Fabalo", None, None, None)),
        (
            "Foruced Kufazejope foruced.kufazejope@vihur.ham",
            ("Foruced Kufazejope", None, "foruced.kufazejope@vihur.ham", None),
        ),
        (
            "Necamer Libufil Necamer Libufil fomajesa@vihur.ham SERBIA",
            ("Necamer Libufil", "Necamer Libufil", "fomajesa@vihur.ham", "SERBIA"),
        ),
        (
            "Gejene Guwarin Evaluation Team Leader MEXICO",
            ("Gejene Guwarin", "Evaluation Team Leader", None, "MEXICO"),
        ),
        ("Abc Def Expert SAO TOME AND PRINCIPE", ("Abc Def", "Expert", None, "SAO TOME AND PRINCIPE")),
    ],
)
def test_team_rows(row: str, expected: tuple[str | None, ...]) -> None:
    m = split_team_row(row, is_country)
    assert (m.name, m.title, m.email, m.nationality) == expected


def test_per_spelling_reads_each_short_spelling_once_and_long_ones_every_time() -> None:
    calls: list[str] = []

    def read(raw: str) -> str:
        calls.append(raw)
        return raw.upper()

    once = nv.per_spelling(read, longest=5)
    assert [once("abc"), once("abc"), once("abcdefg"), once("abcdefg")] == [
        "ABC",
        "ABC",
        "ABCDEFG",
        "ABCDEFG",
    ]
    assert calls == ["abc", "abcdefg", "abcdefg"]
    nv.clear_caches()
    assert once("abc") == "ABC"
    assert calls[-1] == "abc" and len(calls) == 4


def test_month_and_day_give_the_same_answer_cached_or_not() -> None:
    for raw in ("11/2018", "Feb 2022", "13/2018", "2018/11/23", "2018/02/30", " 2019-04 "):
        nv.clear_caches()
        first = (nv.month(raw), nv.day(raw))
        assert (nv.month(raw), nv.day(raw)) == first == (nv._month(raw), nv._day(raw))
