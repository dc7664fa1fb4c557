"""The full sample page: the acceptance points of the core issue, asserted one by one."""

from __future__ import annotations

from collections import Counter

from erc_parse import Evaluation, parse_text

from .conftest import SAMPLE


def test_no_warnings_and_not_truncated(sample_eval: Evaluation) -> None:
    assert [d for d in sample_eval.diagnostics if d.severity != "info"] == []
    assert sample_eval.truncated is False
    assert (sample_eval.kind, sample_eval.layout) == ("evaluation", "plain")
    # The footer is reported (info), not silently dropped.
    footer = [d for d in sample_eval.diagnostics if d.code == "page-footer"]
    assert footer and footer[0].line == 496 and "220 East 42nd Street" in footer[0].message


def test_metadata(sample_eval: Evaluation) -> None:
    m = sample_eval.metadata
    assert m.title == "Promoting Inclusive Labour Market Solutions in the Western Balkans"
    assert m.atlas_project_numbers == ["00095840"]
    assert m.evaluation_plan == "2018-2021, RBEC"
    assert m.commissioning_unit == "RBEC"
    assert (m.evaluation_type, m.status) == ("Final Project", "Completed")
    assert (m.completion_date, m.planned_end_date) == ("2018-11", "2018-09")
    assert m.management_response is True
    assert (m.budget_usd, m.expenditure_usd) == (13200, 13200)
    assert m.source_of_funding == "Project"
    assert m.strategic_plan == "2018-2021"
    assert len(m.corporate_outcomes) == 1
    assert m.corporate_outcomes[0].startswith("Output 1.1.2 Marginalised groups")
    assert (m.joint_programme, m.joint_evaluation, m.gef) == (False, False, None)
    assert m.key_stakeholders == ["Country Offices", "ILO"]


def test_countries_split_with_iso3(sample_eval: Evaluation) -> None:
    got = [(c.name, c.iso3) for c in sample_eval.metadata.countries]
    assert got == [
        ("ALBANIA", "ALB"),
        ("BOSNIA AND HERCEGOVINA", "BIH"),
        ("KOSOVO", None),
        ("MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF", "MKD"),
        ("MONTENEGRO", "MNE"),
        ("SERBIA", "SRB"),
        ("TURKEY", "TUR"),
    ]


def test_team_member_split(sample_eval: Evaluation) -> None:
    (member,) = sample_eval.metadata.team
    assert member.name == "Thomas Vasseur"
    assert member.title == "Independent Evaluator"
    assert member.email == "thomas.vasseur@gmail.com"
    assert member.nationality is None


def test_documents(sample_eval: Evaluation) -> None:
    got = [(d.filename, d.type, d.language, d.size_kb, d.status, d.downloads) for d in sample_eval.documents]
    assert got == [
        ("ToR_Evaluation_ILMS_Final.pdf", "tor", "English", 167.71, "Posted", 44),
        ("UNDP WB ILM Final Evaluation Report 2018_final.pdf", "report", "English", 1710.55, "Posted", 75),
        ("Annex 4 Logframe matrix.docx", "related-document", "English", 137.59, "Posted", 32),
    ]


def test_lessons_findings_recommendations(sample_eval: Evaluation) -> None:
    (lesson,) = sample_eval.lessons
    assert lesson.number == 1
    assert lesson.text.count("\n") == 10  # eleven wrapped lines, kept as on the page
    assert "ILMS is a “knowledge monster”" in lesson.text
    assert [(f.number, f.heading) for f in sample_eval.findings] == [
        (1, "Relevance"),
        (1, "Effectiveness"),
        (1, "Efficiency"),
        (1, "Impact"),
        (1, "Sustainability"),
    ]
    assert sample_eval.findings[3].text.startswith("Even if it is hard to capture")
    assert [r.number for r in sample_eval.recommendations] == list(range(1, 12))
    first = sample_eval.recommendations[0].text
    assert first.endswith(
        "[1] References to Kosovo shall be understood to be in the context of "
        "Security Council resolution 1244 (1999)."
    )
    assert "- Review the knowledge management mechanisms" in sample_eval.recommendations[3].text.split("\n")


def test_management_responses_and_key_actions(sample_eval: Evaluation) -> None:
    mrs = sample_eval.management_responses
    assert [mr.recommendation_number for mr in mrs] == list(range(1, 12))
    assert mrs[0].added == "2018-11-23" and mrs[8].added == "2018-12-17"
    assert mrs[0].recommendation == sample_eval.recommendations[0].text
    pairs = sample_eval.key_actions()
    assert len(pairs) == 25
    assert Counter(ka.status for _, ka in pairs) == {"Completed": 15, "Initiated": 10}
    ka = mrs[0].key_actions[0]
    assert ka.number == "1.1"
    assert (ka.added, ka.last_updated, ka.due) == ("2018-11-23", "2018-12-17", "2018-12")
    assert ka.responsible == "SDT IRH/ ES, UNDP COs/NPC, ILO DWT/CO ES, ILO CTA and NCs"
    assert ka.comments is not None and ka.comments.endswith("7 SEE countries developed.")
    assert ka.has_history is True
    # `3.3.` has no comments; `7.1` (no trailing dot) has only the History link.
    assert mrs[2].key_actions[2].responsible == "ILO DWT/CO Budapest SDT IRH/ES"
    assert mrs[2].key_actions[2].comments is None
    k71 = mrs[6].key_actions[0]
    assert (k71.number, k71.comments, k71.has_history) == ("7.1", None, True)
    # Repeated numbers stay as the page has them; an unnumbered action has number None.
    assert [k.number for k in mrs[8].key_actions] == ["9.1", "9.2", "9.3", "9.3"]
    assert [k.number for k in mrs[9].key_actions] == ["10.1", None]
    assert mrs[9].key_actions[1].text.startswith("Ensure that Phase II embraces")


def test_round_trip(sample_eval: Evaluation) -> None:
    again = Evaluation.model_validate_json(sample_eval.model_dump_json())
    assert again == sample_eval


def test_crlf_and_cr_parse_like_lf() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lf = parse_text(text)
    assert parse_text(text.replace("\n", "\r\n")) == lf
    assert parse_text(text.replace("\n", "\r")) == lf
