"""The same-evaluation key that merges an evaluation page with its management-response page."""

from __future__ import annotations

from pathlib import Path

from erc_parse import parse_file, parse_text
from erc_parse.identity import evaluation_key, normalise, plan_period

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def test_an_evaluation_page_and_its_response_page_share_a_key() -> None:
    ev = parse_file(CORPUS / "evaluations" / "9396.txt")
    mr = parse_file(CORPUS / "managementresponses" / "9396.txt")
    assert (ev.kind, mr.kind) == ("evaluation", "management_response")
    assert evaluation_key(ev) == evaluation_key(mr)
    assert evaluation_key(ev) == (
        "independent country programme evaluation colombia|independent evaluation office|2018-2021"
    )


def test_other_evaluations_of_the_same_unit_and_plan_do_not() -> None:
    # 9389 and 9407 are other ICPEs of the same office and plan period: only the title differs.
    keys = {evaluation_key(parse_file(CORPUS / "evaluations" / f"{n}.txt")) for n in (9389, 9396, 9407)}
    assert len(keys) == 3


def test_no_key_without_a_title_or_for_a_plan() -> None:
    untitled = parse_file(CORPUS / "managementresponses" / "10074.txt")
    assert untitled.metadata.title is None and evaluation_key(untitled) is None
    plan = next(ev for ev in map(parse_file, sorted((CORPUS / "plans").glob("*.txt"))) if ev.kind == "plan")
    assert evaluation_key(plan) is None


def test_normalise_ignores_case_accents_spacing_and_punctuation() -> None:
    assert normalise("Évaluation:  Colombia ") == normalise("EVALUATION - colombia") == "evaluation colombia"
    assert normalise(None) == "" and normalise("") == ""


def test_plan_period() -> None:
    assert plan_period("2018-2021, RBEC") == "2018-2021"
    assert plan_period("2018 – 2021") == "2018-2021"
    assert plan_period("RBEC") is None and plan_period(None) is None


def test_the_key_follows_the_fields_not_the_text_around_them() -> None:
    # Each page ends with the portal's footer, so that its last value is not taken for a cut line.
    a = parse_text(
        "Title Mid-term Review\nCommissioning Unit: Chile\nEvaluation Plan: 2019-2022, Chile\nContact us\n"
    )
    b = parse_text(
        "Title MID-TERM REVIEW\nCommissioning Unit: chile\nEvaluation Plan: 2019-2022\nContact us\n"
    )
    c = parse_text(
        "Title Mid-term Review\nCommissioning Unit: Chile\nEvaluation Plan: 2015-2018, Chile\nContact us\n"
    )
    assert evaluation_key(a) == evaluation_key(b) == "mid term review|chile|2019-2022"
    assert evaluation_key(c) != evaluation_key(a)
