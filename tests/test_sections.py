"""Each section's states on small, hand-written snippets of the page format."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erc_parse import parse_text
from erc_parse.models import Evaluation

FOOTER = "\nLatest Evaluations\n\nContact us\n"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def codes(ev: Evaluation) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in ev.diagnostics if d.severity != "info"]


# --- header ---------------------------------------------------------------------------


def test_header_values_on_the_next_line_fill_empty_details() -> None:
    ev = parse_text(
        "My Title\n\nReport Cover Image\nEvaluation Plan:\n2018-2021, RBEC\nEvaluation Type:\nFinal Project\n"
        "Planned End Date:\nCompletion Date:\n11/2018\nStatus:\nCompleted\nEvaluation Budget(US $):\n--\n\n"
        "A summary line.\n\nShare\n" + FOOTER
    )
    m = ev.metadata
    assert m.title == "My Title"
    assert (m.evaluation_plan, m.evaluation_type, m.status) == (
        "2018-2021, RBEC",
        "Final Project",
        "Completed",
    )
    assert (m.planned_end_date, m.completion_date, m.budget_usd) == (None, "2018-11", None)
    assert m.summary == "A summary line."
    assert m.commissioning_unit == "RBEC"
    assert codes(ev) == []
    assert ev.truncated is False


@pytest.mark.parametrize(
    ("line", "summary", "completion_date", "found"),
    [
        # Five words its kind cannot read, where a date was due: the label was left empty.
        ("The project closed in Tirana", "The project closed in Tirana", None, []),
        # Four: too short to be the page's text, so a date nobody can read.
        ("closed in late spring", None, None, [(5, "bad-value")]),
        ("Nov 2018", None, "2018-11", []),
    ],
)
def test_a_line_after_an_empty_header_label_is_its_value_or_the_summary(
    line: str, summary: str | None, completion_date: str | None, found: list[tuple[int, str]]
) -> None:
    ev = parse_text(f"My Title\n\nReport Cover Image\nCompletion Date:\n{line}\n\nShare\n{FOOTER}")
    assert (ev.metadata.summary, ev.metadata.completion_date) == (summary, completion_date)
    assert codes(ev) == found


def test_a_long_header_value_its_kind_reads_is_the_value() -> None:
    """Length alone does not make a line prose: `Yes (Partial) ...` is a yes with its nuance."""
    nuance = "Yes (Partial) with reservations on two"
    ev = parse_text(f"My Title\n\nReport Cover Image\nManagement Response:\n{nuance}\n\nShare\n{FOOTER}")
    assert (ev.metadata.management_response, ev.metadata.summary) == (True, None)
    assert ev.metadata.extra == {"Management Response": nuance}


def test_a_header_value_the_dump_cuts_is_reported_not_kept() -> None:
    ev = parse_text("My Title\n\nReport Cover Image\nEvaluation Plan:\n2018-2021, RBEC\nStatus:\nCompl")
    assert (ev.metadata.evaluation_plan, ev.metadata.status) == ("2018-2021, RBEC", None)
    assert [(d.line, d.code, d.message) for d in ev.diagnostics] == [
        (7, "truncated", "dump ends mid-line: Compl")
    ]
    assert ev.truncated is True


def test_detail_block_wins_and_the_conflict_is_reported() -> None:
    ev = parse_text(
        "T\n\nManagement Response:\nNo\n\nShare\n\nTitle T\nManagement Response: Yes\nLessons\n" + FOOTER
    )
    assert ev.metadata.management_response is True
    (d,) = [d for d in ev.diagnostics if d.code == "conflicting-values"]
    assert d.line == 9 and d.severity == "warning" and "'No'" in d.message


def test_newer_layout_labels_without_colons() -> None:
    ev = parse_text(
        "Kyrgyz Project\n\nKyrgyz Project\n\nCompletedon 31 Jul, 2022\nEvaluation Plan\nPlanned End Date\n"
        "Dec 2022\nEvaluation Type\nProject\nManagement Response\nYes (Partial)\nEvaluation Budget\n$30,000\n"
        "Summary\n\nLine one.\n\nLine two.\n\n  • Evaluation Information\nEvaluation Title\nKyrgyz Project\n"
        "Quantum Project Number\n00117224, 00120890\nStatus\nCompleted\nType\nProject\nPlan Date\n31 Dec, 2022\n"
        "Quality Assessment\nYes\nExpenditure\n$20,000\nCountries\nKyrgyzstan\n  • Corporate Outcome and Output\n\n"
        "    UNDP Strategic Plan 2018-2021\n\nOutput 2.2.2 Something\n\nGoal 16. Peace\n\n16.1 Reduce violence\n"
        + FOOTER
    )
    m = ev.metadata
    assert (m.status, m.completion_date, m.planned_end_date) == ("Completed", "2022-07", "2022-12")
    assert m.atlas_project_numbers == ["00117224", "00120890"]
    assert (m.budget_usd, m.expenditure_usd, m.management_response) == (30000, 20000, True)
    assert m.summary == "Line one.\nLine two."
    assert [(c.name, c.iso3) for c in m.countries] == [("Kyrgyzstan", "KGZ")]
    assert m.strategic_plan == "2018-2021"
    assert (m.corporate_outcomes, m.sdg_goals, m.sdg_targets) == (
        ["Output 2.2.2 Something"],
        ["Goal 16. Peace"],
        ["16.1 Reduce violence"],
    )
    assert m.extra == {"Management Response": "Yes (Partial)", "Quality Assessment": "Yes"}
    assert codes(ev) == []


# --- documents ------------------------------------------------------------------------


def test_document_rows_plain_lenient_and_table() -> None:
    plain = parse_text(
        "T\n\nShare\n\nDocument Type Language Size Status Downloads\n"
        "Download document Final Report - 31 May 2022.pdf report English 1,206.89 KB Posted 6\n"
        "Download document ADR_Ecuador.pdf report Posted 1742\n" + FOOTER
    )
    assert [(d.filename, d.type, d.language, d.size_kb, d.downloads) for d in plain.documents] == [
        ("Final Report - 31 May 2022.pdf", "report", "English", 1206.89, 6),
        ("ADR_Ecuador.pdf", "report", None, None, 1742),
    ]
    table = parse_text(
        "- Status:\n- Completed\nT\nShare\nDocument | Type | Language | Size | Status | Downloads |\n"
        "---|---|---|---|---|---|\n![]() |\ntor | English | 462.41 KB | Posted | 29 |\n" + FOOTER
    )
    assert table.layout == "table"
    assert [(d.filename, d.type, d.size_kb, d.downloads) for d in table.documents] == [
        (None, "tor", 462.41, 29)
    ]


def test_a_cut_document_row_is_reported_not_invented() -> None:
    ev = parse_text(
        "T\n\nShare\n\nDocument Type Language Size Status Downloads\nDownload document Nurut_5.pdf related-puva\n"
    )
    assert ev.documents == [] and ev.truncated is True
    assert codes(ev) == [(6, "truncated")]


# --- metadata -------------------------------------------------------------------------


DETAILS = """Title Old Page
Atlas Project Number:
Evaluation Plan: 2009-2013, Independent Evaluation Office
Status:Completed
Completion Date:01/2012
Corporate Outcomes (UNDP Strategic Plan 2008-20013)
Joint Programme:No
Mandatory Evaluation:Yes
Joint Evaluation: Yes
  • Joint with UN Agencies
  • Joint with Todaza
Focus Area:
  • 1. Cucoja
  • 2. Powiwupoda
Evaluation Team members:
Name Title Email Nationality
Rod Libi Team Leader buzusiz2000@hujav.ham NICARAGUA
GEF Evaluation: Yes
GEF Project Title: Nahoduwibora
Evaluation Type: Terminal Evaluation
Focal Area: Biodiversity
GEF Project ID: 3592
PIMS Number: 3989
Key Stakeholders: MASTA; ICF, DIGEPESCA; GOAL
Location of Evaluation:Country Level
Brand New Label: surprise
Countries: FIJI SAMOA
Lessons
"""


def test_detail_block_old_layout_gef_joint_team_and_unknown_label() -> None:
    ev = parse_text(DETAILS + FOOTER)
    m = ev.metadata
    assert m.title == "Old Page" and m.atlas_project_numbers == []
    assert (m.status, m.completion_date, m.strategic_plan) == ("Completed", "2012-01", "2008-20013")
    assert (m.joint_programme, m.mandatory, m.joint_evaluation) == (False, True, True)
    assert m.joint_with == ["UN Agencies", "Todaza"]
    assert m.focus_areas == ["Cucoja", "Powiwupoda"]
    assert [(t.name, t.title, t.email, t.nationality) for t in m.team] == [
        ("Rod Libi", "Team Leader", "buzusiz2000@hujav.ham", "NICARAGUA")
    ]
    assert m.evaluation_type is None  # the second `Evaluation Type:` is the GEF review type
    assert m.gef is not None
    assert (m.gef.project_title, m.gef.evaluation_type, m.gef.focal_area) == (
        "Nahoduwibora",
        "Terminal Evaluation",
        "Biodiversity",
    )
    assert (m.gef.project_id, m.gef.pims_number, m.gef.phase) == ("3592", "3989", None)
    assert m.key_stakeholders == ["MASTA", "ICF, DIGEPESCA", "GOAL"]
    assert m.location == "Country Level"
    assert [(c.name, c.iso3) for c in m.countries] == [("FIJI", "FJI"), ("SAMOA", "WSM")]
    assert m.extra == {"Brand New Label": "surprise"}
    assert codes(ev) == [(26, "unknown-label")]


# --- lessons, findings, recommendations -----------------------------------------------


def test_narrative_numbers_criteria_and_text_that_looks_numbered() -> None:
    ev = parse_text(
        "Title T\nLessons\n1.\n\nFirst lesson\n2030 Agenda matters.\n2.\nSecond\nFindings\n1.\nRelevance\nR text\n"
        "Impact\nI text\nRecommendations\n1 Recommendation 1: do it\n3.1 not a number\n2 Recommendation 2: more\n"
        + FOOTER
    )
    assert [(i.number, i.text) for i in ev.lessons] == [
        (1, "First lesson\n2030 Agenda matters."),
        (2, "Second"),
    ]
    assert [(i.number, i.heading, i.text) for i in ev.findings] == [
        (1, "Relevance", "R text"),
        (1, "Impact", "I text"),
    ]
    assert [(i.number, i.text) for i in ev.recommendations] == [
        (1, "Recommendation 1: do it\n3.1 not a number"),
        (2, "Recommendation 2: more"),
    ]


def test_table_rendering_items() -> None:
    ev = parse_text("- Status:\n- Completed\nT\nLessons | |\n---|---|\n1. | Zufahal fa\nmore text\n" + FOOTER)
    assert [(i.number, i.text) for i in ev.lessons] == [(1, "Zufahal fa\nmore text")]


# --- management responses and key actions ---------------------------------------------

MR_PAGE = """Mid-Term Evaluation: Something
Commissioning Unit: Kyrgyzstan
Evaluation Plan: 2018-2022
Evaluation Type: Project
Completion Date: 04/2018
Unit Responsible for providing Management Response: Kyrgyzstan
Documents Related to overall Management Response:
1. Recommendation: Text on the same line.

Management Response: [Added: 2018/11/20] [Last Updated: 2018/11/21]

Accepted.

Key Actions:

Key Action Responsible DueDate Status Comments Documents
1.1. First action
[Added: 2018/11/20] [Last Updated: 2019/05/16]
UNDP, UNECE and CTWC 2019/05 No Longer Applicable [Justification: Plan was dropped.] History
1) Second action
[Added: 2018/11/20]
UNDP 2019/12 Overdue-Not Initiated Waiting for funds
- Third action
[Added: 2018/11/20]
UNDP No deadline established
Fourth action without number
[Added: 2018/11/20]
PIU 2020/01 Paused somehow History
2. Recommendation:

Below the label.
Management Response: [Added: 2018/11/20]
Key Actions:
"""


@pytest.mark.parametrize(
    ("line", "number", "text"),
    [
        ("12. Recommendation: See 2.3: the annex.", 12, "See 2.3: the annex."),
        ("12 . Recommendation :", 12, None),
        ("\u0663. Recommendation: Arabic-Indic digits", 3, "Arabic-Indic digits"),
    ],
)
def test_a_recommendation_line_gives_its_number_and_text(line: str, number: int, text: str | None) -> None:
    page = f"Commissioning Unit: Kyrgyzstan\n{line}\nManagement Response: [Added: 2018/11/20]\n"
    (block,) = parse_text(page).management_responses
    assert (block.recommendation_number, block.recommendation) == (number, text)


def test_management_response_page() -> None:
    ev = parse_text(MR_PAGE + FOOTER)
    assert ev.kind == "management_response"
    m = ev.metadata
    assert m.title == "Mid-Term Evaluation: Something"
    assert (m.commissioning_unit, m.response_unit, m.completion_date) == (
        "Kyrgyzstan",
        "Kyrgyzstan",
        "2018-04",
    )
    first, second = ev.management_responses
    assert (first.recommendation_number, first.recommendation, first.response) == (
        1,
        "Text on the same line.",
        "Accepted.",
    )
    assert (first.added, first.last_updated) == ("2018-11-20", "2018-11-21")
    got = [
        (k.number, k.text, k.responsible, k.due, k.status, k.comments, k.justification, k.has_history)
        for k in first.key_actions
    ]
    assert got == [
        (
            "1.1",
            "First action",
            "UNDP, UNECE and CTWC",
            "2019-05",
            "No Longer Applicable",
            None,
            "Plan was dropped.",
            True,
        ),
        ("1", "Second action", "UNDP", "2019-12", "Overdue-Not Initiated", "Waiting for funds", None, False),
        (None, "Third action", "UNDP", None, "No deadline established", None, None, False),
        (None, "Fourth action without number", "PIU", "2020-01", "Paused", "somehow", None, True),
    ]
    assert (second.recommendation_number, second.recommendation, second.key_actions) == (
        2,
        "Below the label.",
        [],
    )
    assert codes(ev) == [(28, "unknown-status")]


def test_table_page_text_is_decided_by_the_next_anchor() -> None:
    ev = parse_text(
        "Commissioning Unit: | Chile |\n---|---|\nEvaluation Plan: | 2019-2022 |\n"
        "Unit Responsible for providing Management Response: | Chile\n|\nKey Action Update History\n"
        "First recommendation text.\nManagement Response: [Added: 2021/06/24]\nResponse one.\nKey Actions:\n"
        "Key Action | Responsible | DueDate | Status | Comments | Documents |\n---|---|---|---|---|---|\n"
        "1.1. Action one\nsecond line of action one\n[Added: 2021/06/24] [Last Updated: 2021/07/04] |\n"
        "UNDP/ IP and PMU | 2022/12 | Initiated | Going well History | |\n"
        "Second recommendation text.\nManagement Response: [Added: 2021/06/25]\nResponse two.\n" + FOOTER
    )
    assert ev.layout == "table" and ev.kind == "management_response"
    one, two = ev.management_responses
    assert (one.recommendation_number, one.recommendation, one.response) == (
        1,
        "First recommendation text.",
        "Response one.",
    )
    (ka,) = one.key_actions
    assert (ka.number, ka.text) == ("1.1", "Action one\nsecond line of action one")
    assert (ka.responsible, ka.due, ka.status, ka.comments, ka.has_history) == (
        "UNDP/ IP and PMU",
        "2022-12",
        "Initiated",
        "Going well",
        True,
    )
    assert (two.recommendation_number, two.recommendation, two.added) == (
        2,
        "Second recommendation text.",
        "2021-06-25",
    )
    assert codes(ev) == []


def test_cut_key_action_row_keeps_only_complete_cells() -> None:
    page = MR_PAGE.split("1) Second action")[0]
    cut = page.replace("[Justification: Plan was dropped.] History\n", "[Justification: Plan was dro\n")
    ka = parse_text(cut).management_responses[0].key_actions[0]
    assert (ka.due, ka.status, ka.justification) == ("2019-05", "No Longer Applicable", "Plan was dro")
    short = page.replace(" No Longer Applicable [Justification: Plan was dropped.] History\n", " No\n")
    ev = parse_text(short)
    ka = ev.management_responses[0].key_actions[0]
    assert (ka.responsible, ka.due, ka.status) == (None, None, None)  # `No` may be a cut `Not Initiated`
    assert ev.truncated and [c for _, c in codes(ev)] == ["truncated"]


# --- plans, truncation, unplaced lines --------------------------------------------------


def test_plan_page() -> None:
    ev = parse_text(
        "Evaluation Plan of 2022-2026\nPlan Belize (2022-2026)\nCommissioning Unit:\nViet Nam\nPeriod :\n"
        "Comments :\nThe plan text.\nPlan Document:\n(signed) DPDCPMDV4_Evaluation Plan.pdf\n\n"
        "Evaluations Conducted in Viet Nam\n\nSN Title Type\n1. Ga\n" + FOOTER
    )
    assert ev.kind == "plan"
    m = ev.metadata
    assert (m.title, m.evaluation_plan, m.commissioning_unit, m.comments) == (
        "Evaluation Plan of 2022-2026",
        "2022-2026",
        "Viet Nam",
        "The plan text.",
    )
    assert [d.filename for d in ev.documents] == ["DPDCPMDV4_Evaluation Plan.pdf"]
    rows = [d.line for d in ev.diagnostics if d.code == "plan-table-row"]
    assert rows == [11, 13, 14]


@pytest.mark.parametrize(
    ("value", "filename", "note"),
    [
        # No note: the value is the file name, whole, and nothing goes to extra.
        ("DPDCPMDV4_Evaluation Plan.pdf", "DPDCPMDV4_Evaluation Plan.pdf", None),
        ("Plan (2022-2026).pdf", "Plan (2022-2026).pdf", None),
        # A note before the file: the file is the document, the whole value kept in extra.
        (
            "(signed) DPDCPMDV4_Evaluation Plan.pdf",
            "DPDCPMDV4_Evaluation Plan.pdf",
            "(signed) DPDCPMDV4_Evaluation Plan.pdf",
        ),
    ],
)
def test_plan_document_name_with_and_without_a_note(value: str, filename: str, note: str | None) -> None:
    ev = parse_text(
        "Evaluation Plan of 2022-2026\nPlan Belize (2022-2026)\nCommissioning Unit:\nViet Nam\n"
        f"Plan Document:\n{value}\n" + FOOTER
    )
    assert ev.kind == "plan"
    assert [(d.filename, d.type) for d in ev.documents] == [(filename, "plan")]
    assert ev.metadata.extra.get("Plan Document") == note
    assert [d.code for d in ev.diagnostics if d.severity != "info"] == []


def test_cut_label_value_is_not_invented() -> None:
    ev = parse_text("Title T\nStatus: Completed\nCountries: HONDURA\n")
    assert ev.truncated is True
    assert ev.metadata.countries == []
    assert [(d.line, d.code) for d in ev.diagnostics] == [(3, "truncated")]
    assert "HONDURA" in ev.diagnostics[0].message


def test_lines_no_state_takes_are_reported_with_their_number() -> None:
    ev = parse_text("Title T\nStatus: Completed\nsome stray prose in the details\nLessons\n" + FOOTER)
    assert codes(ev) == [(3, "unparsed-line")]
    assert "some stray prose" in ev.diagnostics[0].message


@pytest.mark.parametrize(
    ("junk", "fields"),
    [
        ("", set()),
        ("\n\n\n", set()),
        ("|||", set()),
        ("1. Recommendation:", set()),
        ("[Added: 2018/13/45]", set()),
        ("\x00\x01", set()),
        ("Key Actions:\n[Added: x]\n", {"kind", "metadata"}),
    ],
)
def test_junk_lands_in_a_field_or_a_diagnostic_and_nothing_is_invented(junk: str, fields: set[str]) -> None:
    """Every non-blank line is kept (in a field, or quoted by a diagnostic on its line);
    junk fills no field; a text with nothing in it says so."""
    ev = parse_text(junk)
    assert [d.message for d in ev.diagnostics if d.code == "internal-error"] == []
    kept = ev.model_dump(exclude={"source", "diagnostics", "truncated"}, exclude_defaults=True)
    assert set(kept) == fields
    assert ev.truncated is any(d.code == "truncated" for d in ev.diagnostics)
    values = list(_strings(kept))
    for n, line in enumerate(junk.split("\n"), 1):
        if line.strip():
            quoted = [d for d in ev.diagnostics if d.line == n and line.strip() in d.message]
            assert quoted or line.strip() in values, (n, line)
    if not junk.strip():
        assert [(d.line, d.severity, d.code) for d in ev.diagnostics] == [(0, "warning", "empty")]
    else:
        assert ev.diagnostics and all(d.severity == "warning" for d in ev.diagnostics)


def test_a_one_line_dump_without_page_content_is_flagged_truncated_as_its_diagnostic_says() -> None:
    """Issue 14, point 6: a 5 MB line with no footer is cut; the flag agrees with the diagnostic."""
    ev = parse_text("z" * 5_000_000)
    assert [d.code for d in ev.diagnostics] == ["truncated"]
    assert ev.truncated is True
    whole = parse_text("z" * 5_000 + "\nContact us\n")
    assert whole.truncated is False and not [d for d in whole.diagnostics if d.code == "truncated"]
