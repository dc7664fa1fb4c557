"""`report`: one self-contained HTML file, checked as a browser shows it.

The browser test renders the report in headless Chromium (Debian's `chromium`) and
looks at the screenshot's pixels: the page is not blank, and the charts' own colours
are there (the bars were drawn). Where Chromium is missing the test skips, saying so,
unless ERC_PARSE_REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium): then it
fails, so CI can never pass without having looked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse.cli import app
from erc_parse.portfolio import Facts, collect, scorecard

from .conftest import CORPUS, SAMPLE

runner = CliRunner()
STATUS_GREEN = (0x2E, 0x7D, 0x32)  # Completed, in the charts and the lights
LATE_RED = (0xC6, 0x28, 0x28)  # the lateness bars
TYPE_BLUE = (0x1F, 0x77, 0xB4)  # the first evaluation type, in the per-year chart only


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def _report(tmp_path: Path, *args: object) -> str:
    out = tmp_path / "report.html"
    result = run("report", *args, "-o", out)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _report(tmp_path_factory.mktemp("report"), CORPUS, SAMPLE, "--as-of", "2021-06-30")


# --- self-contained --------------------------------------------------------------------------------


def test_the_report_names_no_external_url(corpus_html: str) -> None:
    assert not re.findall(r"(?i)\b[a-z][a-z0-9+.-]*://", corpus_html)  # http://, https://, file://, ...
    assert not re.findall(r"(?i)\bwww\.", corpus_html)
    links = re.findall(r'(?i)\b(?:href|src|xlink:href|action|poster)\s*=\s*["\']?([^"\'\s>]*)', corpus_html)
    assert all(link.startswith("#") for link in links), [x for x in links if not x.startswith("#")]
    urls = re.findall(r"(?i)url\(\s*['\"]?([^'\")]*)", corpus_html)
    assert urls and all(u.startswith("#") for u in urls), [u for u in urls if not u.startswith("#")]
    assert "@import" not in corpus_html


def test_the_report_needs_no_script(corpus_html: str) -> None:
    assert "<script" not in corpus_html.lower()
    assert not re.search(r"(?i)\son[a-z]+\s*=", corpus_html)  # no onload=, onclick=, ...


def test_the_report_holds_the_scorecard_and_four_inline_charts(corpus_html: str) -> None:
    assert corpus_html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert corpus_html.count("<svg ") == 4
    for chart in ("status", "lateness", "years", "implementation"):
        assert f'id="chart-{chart}"' in corpus_html
    assert "<th>Commissioning unit</th><th>Evaluations</th><th>On time</th>" in corpus_html
    assert (
        '<tr><td>RBEC</td><td>2</td><td>1/2 50.0%</td><td>2/2 100.0%</td><td class="light red">50.0 red</td>'
        in corpus_html
    )
    assert '<td class="light yellow">81.0 yellow</td>' in corpus_html
    assert '<tr class="total"><td>Total</td><td>103</td>' in corpus_html
    assert "<li>Part 3 (quality ratings) is not on ERC pages and is not scored.</li>" in corpus_html
    assert (
        "<li>As of 2021-06-30: 103 evaluations from 108 pages (4 plan or unrecognised left out); 1 merged"
        in corpus_html
    )
    assert "@media print" in corpus_html


def test_the_charts_show_the_figures(corpus_html: str) -> None:
    svg = corpus_html[corpus_html.index('id="chart-lateness"') :]
    svg = svg[: svg.index("</svg>")]
    # 15 overdue as of 2021-06-30: 1 at 181-365 days, 10 at 1-2 years, 1 over 2 years, 3 by status only.
    numbers = " ".join(re.findall(r">\s*(\d+)\s*</text>", svg))
    assert " 0 0 1 10 1 3" in f" {numbers}", numbers  # the bars' labels, after the axis' ticks
    assert "by status only" in svg and "more than 365 days" in svg


def test_a_thousand_pages_stay_under_5_mb() -> None:
    """The worst case for size: many units, countries, types and years; every chart folds
    its groups to 30 bars and 8 types, so the file grows with the table only."""
    from erc_parse.report import html_report

    statuses = ("Completed", "Initiated", "Not Initiated", "Overdue-Initiated", "No Longer Applicable", None)
    pages = [
        Facts(
            kind="evaluation" if i % 3 else "management_response",
            key=f"k{i}",
            title=f"Evaluation number {i} of a long programme title that takes some room",
            path=f"dumps/{i}.txt",
            evaluation_type=f"Type {i % 25}",
            commissioning_unit=f"Country office {i % 400}",
            response_unit=f"Unit {i % 300}",
            countries=tuple(f"COUNTRY {(i + k) % 190}" for k in range(1 + i % 4)),
            completion=f"{2000 + i % 25}-{1 + i % 12:02d}",
            planned_end=f"{2000 + i % 25}-{1 + (i + 3) % 12:02d}",
            management_response=bool(i % 2),
            responses=i % 5,
            actions=tuple((f"{2010 + k % 14}-{1 + k % 12:02d}", statuses[(i + k) % 6]) for k in range(25)),
        )
        for i in range(1000)
    ]
    portfolio = collect(pages)
    for by in ("commissioning_unit", "country"):
        card = scorecard(portfolio, by=by, as_of=__import__("datetime").date(2024, 6, 30))  # type: ignore[arg-type]
        page = html_report(portfolio, card)
        size = len(page.encode("utf-8"))
        assert 100_000 < size < 5_000_000, size
        assert page.count("<svg ") == 4


def test_the_report_is_written_atomically_and_exit_2_when_it_cannot_be(tmp_path: Path) -> None:
    result = run("report", SAMPLE, "-o", tmp_path / "no such folder" / "r.html")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"erc-parse: error: cannot write {tmp_path / 'no such folder' / 'r.html'}"
    )
    assert run("report", SAMPLE).exit_code == 2  # -o is required


def test_without_matplotlib_the_report_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from erc_parse import charts

    def missing() -> None:
        raise charts.Unavailable("the report's charts need matplotlib: pip install 'erc-parse[report]'")

    monkeypatch.setattr(charts, "_matplotlib", missing)
    out = tmp_path / "r.html"
    result = run("report", SAMPLE, "-o", out)
    assert result.exit_code == 2
    assert (
        result.stderr
        == "erc-parse: error: the report's charts need matplotlib: pip install 'erc-parse[report]'\n"
    )
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_only_the_report_imports_matplotlib() -> None:
    code = (
        "import sys\n"
        "from erc_parse.cli import app\n"
        "from typer.testing import CliRunner\n"
        f"r = CliRunner().invoke(app, ['scorecard', {str(SAMPLE)!r}, '-f', 'json'])\n"
        "r2 = CliRunner().invoke(app, ['summary', {0!r}, {0!r}])\n".format(str(SAMPLE))
        + "assert r.exit_code == 0 and r2.exit_code == 0, (r.output, r2.output)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib' or m == 'erc_parse.charts'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- in a browser ---------------------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_the_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("ERC_PARSE_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "ERC_PARSE_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)"
            )
        pytest.skip(
            "chromium is not installed (apt-get install chromium); CI installs it and requires this test"
        )
    from PIL import Image

    html = _report(tmp_path, SAMPLE, CORPUS / "managementresponses", "--as-of", "2021-06-30")
    page = tmp_path / "report.html"
    shot = tmp_path / "shot.png"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1280,6000",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert shot.exists(), done.stderr[-2000:]
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1280, 6000)
        data = rgb.tobytes()
    colours = Counter(zip(data[0::3], data[1::3], data[2::3], strict=True))
    total = sum(colours.values())
    white = colours[(255, 255, 255)]
    assert total - white > total // 50, "the page is (nearly) blank"
    assert len(colours) > 100, "too few colours for text, tables and charts"
    # Bars are filled with the charts' own colours: their pixels show the SVG was drawn (the
    # lights' dots share green and red, but a whole table of them is under 3,000 pixels).
    assert colours[STATUS_GREEN] > 20_000, colours.most_common(10)
    assert colours[LATE_RED] > 10_000, colours.most_common(10)
    assert colours[TYPE_BLUE] > 10_000, colours.most_common(10)
    assert "<svg " in html
