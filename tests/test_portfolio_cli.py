"""`summary`, `scorecard` and `report` as a person sees them: rendered text at a fixed
width (NO_COLOR), exact JSON and CSV, exit codes, and the corpus end to end."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse.cli import app

from .conftest import CORPUS, ROOT, SAMPLE

runner = CliRunner()
PLAIN = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: object, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], env={**PLAIN, **(env or {})})


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths as a user types them from a clone (the output shows them)."""
    monkeypatch.chdir(ROOT)


# --- summary of one page ---------------------------------------------------------------------------

SAMPLE_SUMMARY = """\
Promoting Inclusive Labour Market Solutions in the Western Balkans
Kind       evaluation · Final Project · Completed
Plan       2018-2021, RBEC
Dates      planned end 2018-09 · completed 2018-11
Money      budget US$ 13,200 · expenditure US$ 13,200 (100% spent)
Countries  ALBANIA; BOSNIA AND HERCEGOVINA; KOSOVO; MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF;
           MONTENEGRO; SERBIA; TURKEY
Unit       RBEC
Documents  3 (1 tor, 1 report, 1 related-document)
Contents   1 lesson · 5 findings · 11 recommendations · 11 management responses
Source     samples/ilms-western-balkans-2018.txt · sha256 705ebee86993…
Key actions 25, as of 2019-12-31: 7 overdue
  Completed ██████████████████████████████ 15
  Initiated ████████████████████           10 (7 overdue)
  9.3   due 2019-06  184 days late  Initiated  SDT IRH/ES UNDP COs /NPC
  4.1   due 2019-09  92 days late   Initiated  SDT IRH/TL and ES UNDP COs /NPC
  8.1   due 2019-09  92 days late   Initiated  SD and Communications Teams/ IRH, ILO DWT/CO Budapest
  10.1  due 2019-09  92 days late   Initiated  SDT IRH/ES UNDP COs /NPC
  11.1  due 2019-09  92 days late   Initiated  SD and Communications Teams/UNDP IRH ILO DWT/CO Budap
  5.1   due 2019-10  61 days late   Initiated  SDT IRH/TL and ES ILO DWT/CO Budapest
  5.2   due 2019-10  61 days late   Initiated  SDT IRH/ES UNDP COs /NPC, ILO CTA and NCs
"""


def test_summary_of_the_sample_at_100_columns(in_repo: None) -> None:
    result = run("summary", "samples/ilms-western-balkans-2018.txt", "--as-of", "2019-12-31")
    assert result.exit_code == 0, result.output
    assert result.stdout == SAMPLE_SUMMARY


def test_the_overdue_table_shows_how_late_not_the_status() -> None:
    """Column by column: action, due month, days late, status, responsible."""
    import re

    out = run("summary", SAMPLE, "--as-of", "2019-12-31").stdout
    rows = re.findall(r"^  (\S+) +due (\S+) +(.+?) {2,}(\S+) {2,}\S", out, re.M)
    assert rows == [
        ("9.3", "2019-06", "184 days late", "Initiated"),
        ("4.1", "2019-09", "92 days late", "Initiated"),
        ("8.1", "2019-09", "92 days late", "Initiated"),
        ("10.1", "2019-09", "92 days late", "Initiated"),
        ("11.1", "2019-09", "92 days late", "Initiated"),
        ("5.1", "2019-10", "61 days late", "Initiated"),
        ("5.2", "2019-10", "61 days late", "Initiated"),
    ]


def test_one_day_late_is_singular_and_a_response_page_shows_both_units(in_repo: None) -> None:
    path = "tests/fixtures/corpus/managementresponses/10074.txt"
    out = run("summary", path, "--as-of", "2023-01-01").stdout
    assert "Units      commissioned by Chile · response by Chile\n" in out
    assert "  1.1  due 2022-12  1 day late  Initiated  UNDP/ IP and PMU\n" in out
    assert "  Initiated   ██████████████████████████████ 4 (4 overdue)\n" in out


def test_every_country_is_shown_and_wrapped_at_a_narrow_width() -> None:
    out = run("summary", SAMPLE, "--as-of", "2019-12-31", env={"COLUMNS": "50"}).stdout
    block = out[out.index("Countries") : out.index("Unit ")]
    names = " ".join(block.replace("Countries", "").split())
    assert names == (
        "ALBANIA; BOSNIA AND HERCEGOVINA; KOSOVO; MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF;"
        " MONTENEGRO; SERBIA; TURKEY"
    )
    assert "…" not in block and block.count("\n") >= 3


def test_piped_output_has_no_trailing_spaces(in_repo: None) -> None:
    for args in (
        ("summary", SAMPLE, "--as-of", "2019-12-31"),
        ("summary", "tests/fixtures/corpus/managementresponses", "samples"),
        ("summary", "tests/fixtures/corpus/plans", "--detail"),
        ("scorecard", "tests/fixtures/corpus", "--by", "country"),
    ):
        out = run(*args).stdout
        assert out.count("\n") > 10
        assert [line for line in out.splitlines() if line != line.rstrip()] == [], args


def test_the_hint_names_the_actual_path(tmp_path: Path) -> None:
    page = tmp_path / "my dumps" / "page 1.txt"
    page.parent.mkdir()
    shutil.copy(CORPUS / "managementresponses" / "7455.txt", page)
    out = run("summary", page, "--as-of", "2021-01-01", env={"COLUMNS": "200"}).stdout
    assert f"⚠ 0 errors, 1 warning (erc-parse check '{page}' shows them)\n" in out


def test_more_than_ten_overdue_names_the_command_that_lists_them(tmp_path: Path) -> None:
    import random

    from erc_parse import parse_file

    from .render import render as write_page

    ev = parse_file(SAMPLE)
    for mr in ev.management_responses:
        for ka in mr.key_actions:
            ka.status = "Initiated"
    page = tmp_path / "all open.txt"
    page.write_text(write_page(ev, random.Random(0)), encoding="utf-8")
    out = run("summary", page, "--as-of", "2021-06-30", env={"COLUMNS": "200"}).stdout
    assert (
        f"  … and 15 more (erc-parse actions '{page}' --overdue --as-of 2021-06-30 lists them all)\n" in out
    )


# --- summary of several pages --------------------------------------------------------------------------

PAGES = [
    "tests/fixtures/corpus/managementresponses/7455.txt",
    "tests/fixtures/corpus/plans/1433.txt",
    "samples/ilms-western-balkans-2018.txt",
    "tests/fixtures/corpus/managementresponses/9396.txt",
    "tests/fixtures/corpus/evaluations/9396.txt",
]
PAGES_SUMMARY = """\
File                      Kind        Completed  Actions  Overdue  Notes  Unit      Title
────────────────────────────────────────────────────────────────────────────────────────────────────
…ementresponses/7455.txt  response    2014-06          2        0  cut    Mexico    (no title)
…s/corpus/plans/1433.txt  plan                         0                            Evaluation Plan…
…estern-balkans-2018.txt  evaluation  2018-11         25       10         RBEC      Promoting Inclu…
…ementresponses/9396.txt  response    2018-12          1        0  cut    Indepen…  Independent Cou…
…us/evaluations/9396.txt  evaluation  2018-12          0           cut    Indepen…  Independent Cou…

Totals as of 2021-06-30
  Pages         5: 2 management response, 2 evaluation, 1 plan
  Evaluations   3, 1 of them from two pages (an evaluation page and its management-response page,
                merged)
  Key actions   28: 17 Completed, 10 Initiated, 1 (no status)
  Implemented   60.7% (17 completed of 28)
  Overdue       10 as of 2021-06-30, 9 of them long overdue (more than 365 days late)
  Most overdue  RBEC 10
"""


def test_summary_of_several_pages_is_a_line_each_and_totals(in_repo: None) -> None:
    result = run("summary", *PAGES, "--as-of", "2021-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout == PAGES_SUMMARY


def test_summary_of_a_folder_names_the_folder_once(in_repo: None) -> None:
    out = run("summary", "tests/fixtures/corpus/plans", "--as-of", "2021-06-30").stdout
    lines = out.splitlines()
    assert lines[0] == "4 pages under tests/fixtures/corpus/plans/"
    assert [line.split()[0] for line in lines[3:7]] == ["1433.txt", "1572.txt", "1583.txt", "1606.txt"]
    assert out.endswith("  Pages        4: 4 plan\n  Evaluations  0\n  Key actions  none\n")


@pytest.mark.parametrize(
    ("columns", "heads"),
    [
        (60, ["File", "Kind", "Completed", "Actions", "Overdue", "No…"]),  # narrower than the short columns
        (80, ["File", "Kind", "Completed", "Actions", "Overdue", "Notes"]),
        (85, ["File", "Kind", "Completed", "Actions", "Overdue", "Notes", "Title"]),
        (120, ["File", "Kind", "Completed", "Actions", "Overdue", "Notes", "Unit", "Title"]),
    ],
)
def test_summary_page_lines_never_wrap(in_repo: None, columns: int, heads: list[str]) -> None:
    """A page is one line at any width: the unit, then the title, give way where they cannot fit."""
    out = run(
        "summary", "tests/fixtures/corpus", "--as-of", "2021-06-30", env={"COLUMNS": str(columns)}
    ).stdout
    lines = out.split("\n\nTotals")[0].splitlines()
    assert lines[1].split() == heads
    pages = lines[3:]
    assert len(pages) == 107 and all(
        line.startswith(("…", "evaluations/", "managementresponses/", "plans/")) for line in pages
    )
    assert max(len(line) for line in lines) <= columns
    row = next(line for line in pages if "9782.txt" in line)
    assert row.split()[1:6] == ["response", "2019-01", "3", "0", "cut"]
    assert row.startswith("managementresponses/9782.txt ") == (columns >= 120)


def test_summary_counts_key_actions_no_longer_applicable_apart(in_repo: None) -> None:
    out = run("summary", "tests/fixtures/corpus/managementresponses", "--as-of", "2021-06-30").stdout
    assert "  Implemented   59.5% (22 completed of 37; 1 No Longer Applicable left out)\n" in out
    assert out.startswith("24 pages under tests/fixtures/corpus/managementresponses/\n")


def test_summary_detail_keeps_the_full_views_and_adds_totals(in_repo: None) -> None:
    out = run("summary", PAGES[0], PAGES[2], "--detail", "--as-of", "2021-06-30").stdout
    assert out.count("Source ") == 2
    assert "─" * 100 in out  # the rule between pages
    assert "Totals as of 2021-06-30\n  Pages         2: 1 management response, 1 evaluation\n" in out


def test_summary_of_a_corpus_folder_and_the_sample(in_repo: None) -> None:
    result = run("summary", "tests/fixtures/corpus", "samples", "--as-of", "2021-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count(" evaluation  ") == 80 and out.count(" response  ") == 24 and out.count(" plan  ") == 4
    assert "  Pages         108: 80 evaluation, 24 management response, 4 plan\n" in out
    assert "  Overdue       15 as of 2021-06-30, 11 of them long overdue" in out


def test_a_file_named_twice_is_read_once(in_repo: None) -> None:
    out = run("summary", "tests/fixtures/corpus/plans", "tests/fixtures/corpus/plans/1433.txt").stdout
    assert "  Pages        4: 4 plan\n" in out


def test_missing_path_is_exit_2_before_any_output(tmp_path: Path) -> None:
    for command in ("summary", "scorecard"):
        result = run(command, SAMPLE, tmp_path / "nope")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"erc-parse: error: {tmp_path / 'nope'}: no such file or folder\n"


def test_a_folder_without_dumps_is_exit_2(tmp_path: Path) -> None:
    result = run("scorecard", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: {tmp_path}: no *.txt files in this folder\n"


def test_an_unreadable_dump_is_reported_and_the_rest_counted(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02binary\x00" * 20)
    result = run("summary", tmp_path, "--as-of", "2019-12-31")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"erc-parse: error: {tmp_path / 'b.txt'}: ")
    assert result.stderr.count("\n") == 1
    assert "  Pages         1: 1 evaluation\n" in result.stdout
    card = run("scorecard", tmp_path, "-f", "json", "--as-of", "2019-12-31")
    assert card.exit_code == 2
    assert json.loads(card.stdout)["total"]["key_actions"] == 25
    assert "erc-parse: note: 1 input could not be read and is not counted.\n" in card.stderr


# --- scorecard ----------------------------------------------------------------------------------------

SAMPLE_SCORECARD = """\
Evaluation management scorecard, as of 2019-12-31
Commissioning unit  Evaluations   On time    Response   Part 1      Part 2
──────────────────────────────────────────────────────────────────────────
RBEC                          1  0/1 0.0%  1/1 100.0%  0.0 red  93.0 green

Total                         1  0/1 0.0%  1/1 100.0%  0.0 red  93.0 green

Key actions (Part 2B)
                                                                       Not
                        Key                         Long      Not     long  Impl.
Commissioning unit  actions  Completed  Overdue  overdue  overdue  overdue   rate
─────────────────────────────────────────────────────────────────────────────────
RBEC                     25         15        7        0    72.0%   100.0%  60.0%

Total                    25         15        7        0    72.0%   100.0%  60.0%

As of 2019-12-31: 1 evaluation from 1 page; 0 merged from an evaluation page and its
management-response page.
Long overdue: more than 365 days after the last day of the due month.
Part 3 (quality ratings) is not on ERC pages and is not scored.
— means nothing to count (an empty denominator).
"""


def test_scorecard_table_of_the_sample() -> None:
    result = run("scorecard", SAMPLE, "--as-of", "2019-12-31")
    assert result.exit_code == 0, result.output
    assert result.stdout == SAMPLE_SCORECARD


def test_scorecard_json_is_exactly_the_contract() -> None:
    result = run("scorecard", SAMPLE, "--as-of", "2021-06-30", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["as_of", "long_overdue_days", "by", "groups", "total"]
    assert (doc["as_of"], doc["long_overdue_days"], doc["by"]) == ("2021-06-30", 365, "commissioning_unit")
    assert doc["groups"] == [{"group": "RBEC", **doc["total"]}]
    total = doc["total"]
    assert (total["overdue"], total["long_overdue"]) == (10, 9)
    assert (total["not_overdue_pct"], total["not_long_overdue_pct"]) == (60.0, 64.0)
    assert result.stderr.splitlines()[0] == (
        "erc-parse: note: As of 2021-06-30: 1 evaluation from 1 page; 0 merged from an evaluation"
        " page and its management-response page."
    )


def test_scorecard_long_overdue_days_is_an_option_and_stated() -> None:
    doc = json.loads(
        run("scorecard", SAMPLE, "--as-of", "2021-06-30", "-f", "json", "--long-overdue-days", "180").stdout
    )
    assert doc["long_overdue_days"] == 180 and doc["total"]["long_overdue"] == 10
    assert run("scorecard", SAMPLE, "--long-overdue-days", "-1").exit_code == 2


def test_scorecard_null_is_null_in_json_and_empty_in_csv(in_repo: None) -> None:
    path = "tests/fixtures/corpus/plans/1583.txt"
    doc = json.loads(
        run("scorecard", path, SAMPLE, "-f", "json", "--as-of", "2019-12-31", "--by", "none").stdout
    )
    assert doc["groups"] == []
    assert doc["total"]["evaluations"] == 1
    doc = json.loads(run("scorecard", "tests/fixtures/corpus/evaluations/12520.txt", "-f", "json").stdout)
    assert doc["total"]["on_time_pct"] is None and doc["total"]["part1_light"] is None
    rows = list(
        csv.reader(
            io.StringIO(run("scorecard", "tests/fixtures/corpus/evaluations/12520.txt", "-f", "csv").stdout)
        )
    )
    assert rows[-1][rows[0].index("on_time_pct")] == ""


def test_scorecard_csv(tmp_path: Path) -> None:
    out = tmp_path / "card.csv"
    result = run("scorecard", SAMPLE, "--as-of", "2019-12-31", "-f", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines() == [
        "as_of,long_overdue_days,by,group,evaluations,evaluations_completed,completed_on_time,on_time_pct,"
        "responses_due,with_response,with_response_pct,key_actions,completed,overdue,long_overdue,"
        "not_overdue_pct,not_long_overdue_pct,implementation_rate_pct,part1,part1_light,part2,part2_light",
        "2019-12-31,365,commissioning_unit,RBEC,1,1,0,0.0,1,1,100.0,25,15,7,0,72.0,100.0,60.0,0.0,red,93.0,green",
        "2019-12-31,365,commissioning_unit,(total),1,1,0,0.0,1,1,100.0,25,15,7,0,72.0,100.0,60.0,0.0,red,93.0,green",
    ]


def test_scorecard_table_cannot_go_to_a_file(tmp_path: Path) -> None:
    result = run("scorecard", SAMPLE, "-o", tmp_path / "x")
    assert result.exit_code == 2
    assert result.stderr == "erc-parse: error: -o needs --format json or csv\n"


def test_scorecard_by_country_says_how_it_counts() -> None:
    result = run("scorecard", SAMPLE, "--by", "country", "--as-of", "2019-12-31")
    out = result.stdout
    assert (
        "\nKOSOVO                                                1  0/1 0.0%  1/1 100.0%  0.0 red  93.0 green\n"
        in out
    )
    assert (
        "A multi-country evaluation counts in each of its countries (1 here); the total counts it once, so\n"
        "the rows add up to more than the total.\n"
    ) in out
    doc = json.loads(run("scorecard", SAMPLE, "--by", "country", "-f", "json").stdout)
    assert [g["group"] for g in doc["groups"]][:3] == ["ALBANIA", "BOSNIA AND HERCEGOVINA", "KOSOVO"]
    assert len(doc["groups"]) == 7 and doc["total"]["evaluations"] == 1


@pytest.mark.parametrize("by", ["commissioning_unit", "response_unit", "country", "year", "none"])
def test_scorecard_of_the_corpus_folder(in_repo: None, by: str) -> None:
    result = run("scorecard", "tests/fixtures/corpus", "--by", by, "-f", "json", "--as-of", "2021-06-30")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["by"] == by
    assert doc["total"]["evaluations"] == 102  # 103 pages of evaluations, one pair merged
    assert (doc["total"]["key_actions"], doc["total"]["overdue"]) == (37, 5)
    assert "102 evaluations from 107 pages (4 plan or unrecognised left out); 1 merged" in result.stderr
    if by in ("commissioning_unit", "response_unit", "year"):
        assert sum(g["key_actions"] for g in doc["groups"]) == 37
        assert sum(g["evaluations"] for g in doc["groups"]) == 102
    table = run("scorecard", "tests/fixtures/corpus", "--by", by, "--as-of", "2021-06-30")
    assert table.exit_code == 0 and "\nTotal " in table.stdout


def test_scorecard_says_when_on_time_cannot_be_judged(in_repo: None) -> None:
    out = run("scorecard", "tests/fixtures/corpus/managementresponses", "--as-of", "2021-06-30").stdout
    assert (
        "On time: 24 of 24 completed evaluations give no planned end month (a management-response page alone)\n"
        "and are not judged.\n"
    ) in out


# --- help and docs ------------------------------------------------------------------------------------


def test_the_definitions_are_in_the_help() -> None:
    from .cli_help import help_of

    text = " ".join(help_of("scorecard").split())
    for phrase in (
        "more than 42 days before --as-of",
        "an Overdue-... status counts too",
        "overdue by more than N days after that day",
        "green >= 90, yellow >= 75, red below",
        "A percentage over nothing is null (shown as —)",
        "counts a multi-country evaluation in each of its countries and once in the total",
        "Part 3 (quality ratings) is not on ERC pages",
    ):
        assert phrase in text, phrase
    summary = " ".join(help_of("summary").split())
    assert "folders" in summary and "--detail" in summary and "No Longer Applicable left out" in summary
