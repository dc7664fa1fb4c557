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
        # Years from 1900 to 2200: anything else is a typo, not a date.
        ("01/1900", "1900-01"),
        ("12/2200", "2200-12"),
        ("12/1899", None),
        ("01/2201", None),
        ("1899-12", None),
        ("2201/01", None),
        ("Spring 2018", None),
        # Renderings only dateutil reads.
        ("November 23, 2018", "2018-11"),
        ("Wednesday, November 23, 2018 10:00:00 AM", "2018-11"),
        # Over 40 characters: text, not a date.
        ("Wednesday, November 23, 2018, 10:00:00 AM", None),
        # A value that lacks the year or the month is not a month, whatever today is
        # (dateutil alone would take them from today's date).
        ("June", None),
        ("June 12", None),
        ("12 June", None),
        ("2018", None),
        ("12", None),
    ],
)
def test_month(raw: str | None, expected: str | None) -> None:
    nv.clear_caches()
    assert nv.month(raw) == expected
    assert nv.month(raw) == expected  # the second time from the cache


def test_the_renderings_pages_use_are_read_without_dateutil(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateutil is slow to import and lenient: the portal's own renderings never reach it."""
    from dateutil import parser as dateparser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"dateutil called for {args[0]!r}")

    monkeypatch.setattr(dateparser, "parse", refuse)
    nv.clear_caches()
    got = [nv.month(raw) for raw in ("11/2018", "2018/12", "2019-04", "28 Feb, 2022", "2019-03-04")]
    assert got == ["2018-11", "2018-12", "2019-04", "2022-02", "2019-03"]
    # A value with no digit cannot be a month: dateutil is not asked either.
    assert nv.month("UNDP Country Office") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018/11/23", "2018-11-23"),
        ("2019/1/5", "2019-01-05"),
        ("2018/13/01", None),
        ("2018/11", None),
        ("1900/01/01", "1900-01-01"),
        ("2200/12/31", "2200-12-31"),
        ("1899/12/31", None),
        ("2201/01/01", None),
        ("2018/01/00", None),
        ("2018/01/32", None),
        ("2018/00/10", None),
        ("", None),
        (None, None),
    ],
)
def test_day(raw: str | None, expected: str | None) -> None:
    nv.clear_caches()
    assert nv.day(raw) == expected
    assert nv.day(raw) == expected  # the second time from the cache


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
        # 18 digits are read, 19 are a value run into the next line.
        ("123,456,789,012,345,678", 123456789012345678),
        ("1,234,567,890,123,456,789", None),
    ],
)
def test_money(raw: str, expected: float | None) -> None:
    got = nv.money(raw)
    assert got == expected
    if isinstance(expected, int):
        assert isinstance(got, int)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Yes", True),
        ("No", False),
        ("Yes (Partial)", True),
        ("no", False),
        ("Maybe", None),
        ("", None),
        (None, None),
        ("No (see the comments)", False),
        ("Yes\t(Partial)", True),
        ("Yes\u00a0(Partial)", True),
        ("  \t ", None),
        ("Yesterday", None),
        *((word, True) for word in ("Sí", "si", "Oui", "Sim", "TRUE")),
        *((word, False) for word in ("Non", "Não", "nao", "False")),
    ],
)
def test_yes_no(raw: str, expected: bool | None) -> None:
    assert nv.yes_no(raw) is expected


def test_strategic_plan_and_lists() -> None:
    assert nv.strategic_plan("Corporate Outcome and Output (UNDP Strategic Plan 2018-2021)") == "2018-2021"
    assert nv.strategic_plan("Corporate Outcomes (UNDP Strategic Plan 2008-20013)") == "2008-20013"
    assert nv.strategic_plan("Corporate Outcome and Output") is None
    assert nv.strategic_plan("(UNDP Strategic Plan 2014 - 2017)") == "2014-2017"
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
        # The longest country name, whole (not "IRELAND" with the rest in the title).
        (
            "Jasaro Mifu Team Leader UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND",
            ("Jasaro Mifu", "Team Leader", None, "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND"),
        ),
        # After the e-mail, the whole rest is the nationality.
        ("Abc Def Expert abc@vihur.ham BURKINA FASO", ("Abc Def", "Expert", "abc@vihur.ham", "BURKINA FASO")),
        # The nationality column is upper case: a country in title case belongs to the title.
        ("Jasaro Mifu Programme Officer Chad", ("Jasaro Mifu", "Programme Officer Chad", None, None)),
        # At least one word stays the name.
        ("Traore MALI", ("Traore", None, None, "MALI")),
        ("MALI", ("MALI", None, None, None)),
        # Title words are found inside punctuation.
        ("Jasaro Mifu (Team Leader)", ("Jasaro Mifu", "(Team Leader)", None, None)),
        # No title word: the words the e-mail spells are the name, the rest the title.
        (
            "Gikomu Bagadi Responsable suivi gikomu.bagadi@vihur.ham",
            ("Gikomu Bagadi", "Responsable suivi", "gikomu.bagadi@vihur.ham", None),
        ),
        (
            "Bagadi Responsable suivi bagadi@vihur.ham",
            ("Bagadi", "Responsable suivi", "bagadi@vihur.ham", None),
        ),
        ("Sekeke Fabalo xyz@vihur.ham", ("Sekeke Fabalo", None, "xyz@vihur.ham", None)),
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
    assert [once("abcde"), once("abcde")] == ["ABCDE", "ABCDE"]  # `longest` characters: cached
    assert calls[3:] == ["abcde"]
    nv.clear_caches()
    assert once("abc") == "ABC"
    assert calls[-1] == "abc" and len(calls) == 5


def test_per_spelling_starts_again_from_empty_when_full() -> None:
    calls: list[str] = []

    def read(raw: str) -> str:
        calls.append(raw)
        return raw

    once = nv.per_spelling(read, longest=10)
    for i in range(nv.MEMO_SIZE):
        once(str(i))
    assert once("0") == "0" and calls.count("0") == 1  # still held: the memo is just full
    once("one more")  # the memo starts again from empty, then holds this spelling
    assert once("0") == "0" and calls.count("0") == 2
    assert once("one more") == "one more" and calls.count("one more") == 1
