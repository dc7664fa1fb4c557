"""`erc-parse diff`: pages edited the way a portal update edits them, and nothing else reported."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse import parse_text
from erc_parse.cli import app
from erc_parse.diffreport import (
    action_name,
    cut,
    format_json,
    format_markdown,
    format_text,
    md,
    md_code,
    show,
    show_pair,
    summary_line,
    text_lines,
)
from erc_parse.pagediff import (
    SIMILAR,
    DiffError,
    Result,
    compare,
    diff,
    has_changes,
    labels,
    match,
    pair_by_key,
    pair_by_path,
    similarity,
)

from .conftest import CORPUS, CORPUS_FILES, FIXTURES, SAMPLE

DIFF = FIXTURES / "diff"
AS_OF = dt.date(2019, 12, 31)


def replace_once(text: str, old: str, new: str) -> str:
    """An edit that must find its place exactly once, so a test cannot edit nothing."""
    assert text.count(old) == 1, (text.count(old), old)
    return text.replace(old, new)


def dump(text: str) -> dict[str, Any]:
    return parse_text(text).model_dump(mode="json")


def changes_between(old: str, new: str, as_of: dt.date = AS_OF) -> tuple[list[Any], list[Any]]:
    return compare(dump(old), dump(new), as_of)


def action(**values: Any) -> dict[str, Any]:
    base = {
        "number": None,
        "text": "",
        "added": None,
        "last_updated": None,
        "responsible": None,
        "due": None,
        "status": None,
        "comments": None,
        "justification": None,
        "has_history": False,
    }
    return {**base, **values}


def page(*actions: dict[str, Any], rec: int = 1) -> dict[str, Any]:
    return {"management_responses": [{"recommendation_number": rec, "key_actions": list(actions)}]}


# --- matching --------------------------------------------------------------------------------


def test_similarity_is_the_share_of_words_in_order() -> None:
    assert similarity("x y", "x z") == 0.5
    assert similarity("a b c d e", "a b f g h") == 0.4
    assert similarity("Use  the GUIDELINES", "use the guidelines") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("a", "") == similarity("", "a") == 0.0
    assert SIMILAR == 0.5


def test_similarity_of_long_texts_counts_every_word() -> None:
    """difflib's autojunk ignores the words of a 200-word text that fill over 1% of it."""
    cycle = [f"w{n % 3}" for n in range(300)]  # each word a third of the text
    edited = [*cycle[:150], "zz", *cycle[151:]]
    assert similarity(" ".join(cycle), " ".join(edited)) == 598 / 600


def test_an_item_inserted_in_the_middle_is_one_addition() -> None:
    old = [("1", "a"), ("2", "b"), ("3", "c")]
    new = [("1", "a"), ("9", "x"), ("2", "b"), ("3", "c")]
    assert match(old, new) == [(0, 0), (None, 1), (1, 2), (2, 3)]


def test_a_removed_item_is_placed_after_its_predecessor() -> None:
    assert match([("1", "a"), ("2", "b"), ("3", "c")], [("1", "a"), ("3", "c")]) == [
        (0, 0),
        (1, None),
        (2, 1),
    ]
    assert match([("1", "a"), ("2", "b")], [("2", "b")]) == [(0, None), (1, 0)]
    assert match([("1", "a"), ("2", "b"), ("3", "c")], [("4", "d")]) == [
        (0, None),
        (1, None),
        (2, None),
        (None, 0),
    ]


def test_items_after_a_removal_and_insertions_keep_their_order() -> None:
    # b follows a, which moved to the end: b is listed after a, not before it.
    assert match([("1", "a"), ("2", "b")], [("3", "x"), ("4", "y"), ("1", "a")]) == [
        (None, 0),
        (None, 1),
        (0, 2),
        (1, None),
    ]


def test_a_number_matches_its_own_number_before_unnumbered_items() -> None:
    assert match([("1", "a")], [(None, "a"), ("1", "a")]) == [(None, 0), (0, 1)]


def test_repeated_numbers_match_by_text_whatever_their_order() -> None:
    old = [("9.3", "Use the ILO guidelines"), ("9.3", "Agree on the added value")]
    new = [("9.3", "Agree on the added value"), ("9.3", "Use  the ILO guidelines")]
    assert match(old, new) == [(1, 0), (0, 1)]


def test_edited_texts_under_one_number_match_the_most_similar() -> None:
    old = [("9.3", "use the available ILO guidelines and training"), ("9.3", "agree on the added value")]
    new = [
        ("9.3", "agree on the added value and resources"),
        ("9.3", "use the available ILO guidelines and training materials"),
    ]
    assert match(old, new) == [(1, 0), (0, 1)]


def test_similar_means_at_least_half_the_words() -> None:
    # "x y" / "x z" is exactly SIMILAR: matched across positions before position decides.
    assert match([("k", "x y"), ("k", "p q")], [("k", "r s"), ("k", "x z")]) == [(1, 0), (0, 1)]
    # 0.4 is not similar: the two items then pair in page order.
    old = [("k", "a b c d e"), ("k", "p")]
    new = [("k", "q"), ("k", "a b f g h")]
    assert match(old, new) == [(0, 0), (1, 1)]


def test_the_most_similar_pair_is_taken_first() -> None:
    # old 0 is closer to new 1 (0.86) than old 1 is (0.67); old 1 then takes new 0 by position.
    old = [("k", "a b c d e f g"), ("k", "a b c d")]
    new = [("k", "z"), ("k", "a b c d e f")]
    assert similarity("a b c d e f g", "a b c d e f") > similarity("a b c d", "a b c d e f") >= SIMILAR
    assert match(old, new) == [(1, 0), (0, 1)]


def test_a_renumbered_item_keeps_its_identity() -> None:
    old = [("5.1", "A"), ("5.2", "B")]
    new = [("5.1", "A"), ("5.2", "X"), ("5.3", "B")]
    assert match(old, new) == [(0, 0), (None, 1), (1, 2)]


def test_renumbering_needs_a_text() -> None:
    assert match([("1", "")], [("2", "")]) == [(0, None), (None, 0)]


def test_a_rewritten_text_is_still_the_same_numbered_item() -> None:
    assert match([("1", "abc def")], [("1", "xyz")]) == [(0, 0)]
    assert match([("1", "a"), ("1", "b")], [("1", "c"), ("1", "d"), ("1", "e")]) == [
        (0, 0),
        (1, 1),
        (None, 2),
    ]


def test_labels_number_repeats_and_place_the_unlabelled() -> None:
    items = ["9.2", "9.3", "9.3", None, "9.3"]
    assert labels(items, lambda x: x) == ["9.2", "9.3 #1", "9.3 #2", "#4", "9.3 #3"]
    assert labels([], lambda x: x) == []


# --- comparing exports -----------------------------------------------------------------------


def test_a_value_appears_changes_and_disappears() -> None:
    old = {"metadata": {"title": "T", "budget_usd": 100, "status": None, "location": "Tirana"}}
    new = {"metadata": {"title": "T", "budget_usd": 150, "status": "Completed", "location": None}}
    assert compare(old, new, AS_OF) == (
        [
            {"kind": "changed", "field": "metadata.budget_usd", "old": 100, "new": 150},
            {"kind": "added", "field": "metadata.status", "old": None, "new": "Completed"},
            {"kind": "removed", "field": "metadata.location", "old": "Tirana", "new": None},
        ],
        [],
    )


def test_source_and_whitespace_are_not_changes() -> None:
    old = {
        "source": {"path": "a.txt", "sha256": "1"},
        "metadata": {"title": "A  title\n"},
        "truncated": False,
    }
    new = {"source": {"path": "b.txt", "sha256": "2"}, "metadata": {"title": " A title"}, "truncated": False}
    assert compare(old, new, AS_OF) == ([], [])


def test_numbers_and_flags_compare_by_value() -> None:
    assert compare({"metadata": {"budget_usd": 13200}}, {"metadata": {"budget_usd": 13200.0}}, AS_OF) == (
        [],
        [],
    )
    changes, _ = compare({"truncated": False}, {"truncated": True}, AS_OF)
    assert changes == [{"kind": "changed", "field": "truncated", "old": False, "new": True}]


def test_page_labels_are_keys_in_brackets() -> None:
    old = {"metadata": {"extra": {"Management Response": "Yes (Partial)"}}}
    new = {"metadata": {"extra": {"Management Response": "Yes", "GEF Phase": "GEF-6"}}}
    assert compare(old, new, AS_OF)[0] == [
        {
            "kind": "changed",
            "field": "metadata.extra[Management Response]",
            "old": "Yes (Partial)",
            "new": "Yes",
        },
        {"kind": "added", "field": "metadata.extra[GEF Phase]", "old": None, "new": "GEF-6"},
    ]


def test_a_block_that_appears_is_one_addition() -> None:
    gef = {"project_id": "5100", "phase": "GEF-6"}
    assert compare({"metadata": {"gef": None}}, {"metadata": {"gef": gef}}, AS_OF)[0] == [
        {"kind": "added", "field": "metadata.gef", "old": None, "new": gef}
    ]
    assert compare({"metadata": {"gef": gef}}, {"metadata": {"gef": None}}, AS_OF)[0] == [
        {"kind": "removed", "field": "metadata.gef", "old": gef, "new": None}
    ]


def test_strings_in_a_list_are_their_own_identity() -> None:
    old = {"metadata": {"sdg_goals": ["Goal 1", "Goal 5", "Goal 8"]}}
    new = {"metadata": {"sdg_goals": ["Goal 1", "Goal 4", "Goal  5", "Goal 9"]}}
    assert compare(old, new, AS_OF)[0] == [
        {"kind": "added", "field": "metadata.sdg_goals", "old": None, "new": "Goal 4"},
        {"kind": "removed", "field": "metadata.sdg_goals", "old": "Goal 8", "new": None},
        {"kind": "added", "field": "metadata.sdg_goals", "old": None, "new": "Goal 9"},
    ]


def test_diagnostics_moved_or_reordered_are_not_changes() -> None:
    cut_line = {"line": 40, "severity": "warning", "code": "truncated", "message": "dump ends inside x"}
    footer = {"line": 50, "severity": "info", "code": "page-footer", "message": "Contact us"}
    moved = [{**footer, "line": 53}, {**cut_line, "line": 44}]
    assert compare({"diagnostics": [cut_line, footer]}, {"diagnostics": moved}, AS_OF) == ([], [])
    odd = {"line": 7, "severity": "warning", "code": "bad-value", "message": "budget: 'n/a'"}
    assert compare({"diagnostics": [footer]}, {"diagnostics": [odd, footer]}, AS_OF)[0] == [
        {"kind": "added", "field": "diagnostics[bad-value]", "old": None, "new": odd}
    ]


def test_people_countries_and_documents_are_followed_by_name() -> None:
    old = {
        "metadata": {
            "team": [{"name": "Ana Pop", "email": None}, {"name": "Ben Ola", "email": "b@x.org"}],
            "countries": [{"name": "ALBANIA", "iso3": "ALB"}, {"name": "KOSOVO", "iso3": None}],
        },
        "documents": [{"filename": "report.pdf", "type": "report", "downloads": 75}],
    }
    new = {
        "metadata": {
            "team": [{"name": "Ben Ola", "email": "b@x.org"}, {"name": "Ana  Pop", "email": "ana@x.org"}],
            "countries": [{"name": "KOSOVO", "iso3": "XKX"}],
        },
        "documents": [
            {"filename": "tor.pdf", "type": "tor", "downloads": 1},
            {"filename": "report.pdf", "type": "report", "downloads": 80},
        ],
    }
    assert compare(old, new, AS_OF)[0] == [
        {"kind": "added", "field": "metadata.team[Ana  Pop].email", "old": None, "new": "ana@x.org"},
        {
            "kind": "removed",
            "field": "metadata.countries[ALBANIA]",
            "old": {"name": "ALBANIA", "iso3": "ALB"},
            "new": None,
        },
        {"kind": "added", "field": "metadata.countries[KOSOVO].iso3", "old": None, "new": "XKX"},
        {
            "kind": "added",
            "field": "documents[tor.pdf]",
            "old": None,
            "new": {"filename": "tor.pdf", "type": "tor", "downloads": 1},
        },
        {"kind": "changed", "field": "documents[report.pdf].downloads", "old": 75, "new": 80},
    ]


def test_findings_are_named_by_number_and_heading() -> None:
    old = {
        "findings": [
            {"number": 1, "heading": "Relevance", "text": "Fits."},
            {"number": 1, "heading": "Impact", "text": "Some."},
        ]
    }
    new = {
        "findings": [
            {"number": 1, "heading": "Relevance", "text": "Fits."},
            {"number": 1, "heading": "Impact", "text": "Much."},
        ]
    }
    assert compare(old, new, AS_OF)[0] == [
        {"kind": "changed", "field": "findings[1 Impact].text", "old": "Some.", "new": "Much."}
    ]


def test_a_list_that_disappears_is_removed_whole() -> None:
    assert compare({"annexes": ["a"]}, {"annexes": None}, AS_OF)[0] == [
        {"kind": "removed", "field": "annexes", "old": ["a"], "new": None}
    ]


def test_items_without_text_are_not_taken_for_renumbered() -> None:
    old = page(action(number="1", text=None))
    new = page(action(number="2", text=None))
    assert [(c["kind"], c["field"]) for c in compare(old, new, AS_OF)[0]] == [
        ("removed", "management_responses[rec 1].key_actions[1]"),
        ("added", "management_responses[rec 1].key_actions[2]"),
    ]


def test_a_removed_action_and_a_document_status_have_no_highlight() -> None:
    old = {
        **page(action(number="1.1", text="Gone", status="Initiated", due="2019-01")),
        "documents": [{"filename": "r.pdf", "status": "Pending"}],
    }
    new = {**page(), "documents": [{"filename": "r.pdf", "status": "Posted"}]}
    changes, highlights = compare(old, new, AS_OF)
    assert [(c["kind"], c["field"]) for c in changes] == [
        ("removed", "management_responses[rec 1].key_actions[1.1]"),
        ("changed", "documents[r.pdf].status"),
    ]
    assert highlights == []


def test_lists_the_models_do_not_know_are_matched_by_content() -> None:
    old = {"annexes": [{"title": "A"}, {"title": "B"}]}
    new = {"annexes": [{"title": "B"}]}
    assert compare(old, new, AS_OF)[0] == [
        {"kind": "removed", "field": "annexes[#1]", "old": {"title": "A"}, "new": None}
    ]


# --- highlights --------------------------------------------------------------------------------


def test_a_status_change_is_highlighted() -> None:
    old = page(action(number="1.1", text="Do it", status="Initiated", due="2020-06"))
    new = page(action(number="1.1", text="Do it", status="Completed", due="2020-06"))
    assert compare(old, new, AS_OF) == (
        [
            {
                "kind": "changed",
                "field": "management_responses[rec 1].key_actions[1.1].status",
                "old": "Initiated",
                "new": "Completed",
            }
        ],
        [
            {
                "kind": "status",
                "action": "management_responses[rec 1].key_actions[1.1]",
                "text": "Do it",
                "old": "Initiated",
                "new": "Completed",
                "days_overdue": None,
            }
        ],
    )


def test_a_due_month_pushed_later_is_highlighted_and_one_pulled_earlier_is_not() -> None:
    def due(month: str | None) -> dict[str, Any]:
        return page(action(number="1.1", text="Do it", status="Initiated", due=month))

    _, later = compare(due("2020-06"), due("2020-09"), AS_OF)
    assert [(h["kind"], h["old"], h["new"]) for h in later] == [("due_later", "2020-06", "2020-09")]
    assert compare(due("2020-09"), due("2020-06"), AS_OF)[1] == []
    assert compare(due(None), due("2020-09"), AS_OF)[1] == []
    assert compare(due("2020-09"), due(None), AS_OF)[1] == []


def test_newly_overdue_follows_the_overdue_rule_of_actions() -> None:
    """Due by the last day of the month; overdue strictly after it; never when closed."""
    ka = {"number": "1.1", "text": "Do it", "status": "Initiated"}
    before = page(action(**ka, due="2020-06"))
    after = page(action(**ka, due="2019-11"))  # pulled earlier: overdue since 2019-12-01

    def late(as_of: dt.date, new: dict[str, Any] = after) -> list[tuple[str, Any, Any, Any]]:
        return [(h["kind"], h["old"], h["new"], h["days_overdue"]) for h in compare(before, new, as_of)[1]]

    assert late(dt.date(2019, 11, 30)) == []
    assert late(dt.date(2019, 12, 1)) == [("newly_overdue", None, "2019-11", 1)]
    assert late(AS_OF) == [("newly_overdue", None, "2019-11", 31)]
    closed = page(action(**{**ka, "status": "No  longer applicable"}, due="2019-11"))
    assert late(AS_OF, closed) == [("status", "Initiated", "No  longer applicable", None)]


def test_an_action_overdue_in_both_versions_is_not_newly_overdue() -> None:
    old = page(action(number="1.1", text="Do it", status="Initiated", due="2019-06"))
    new = page(action(number="1.1", text="Do it", status="Overdue-Initiated", due="2019-09"))
    assert [h["kind"] for h in compare(old, new, AS_OF)[1]] == ["status", "due_later"]


def test_a_reopened_action_is_newly_overdue() -> None:
    old = page(action(number="1.1", text="Do it", status="Completed", due="2019-06"))
    new = page(action(number="1.1", text="Do it", status="Initiated", due="2019-06"))
    assert [(h["kind"], h["days_overdue"]) for h in compare(old, new, AS_OF)[1]] == [
        ("status", None),
        ("newly_overdue", 184),
    ]


def test_actions_of_an_added_response_are_followed() -> None:
    old = page()
    new = {
        "management_responses": [
            {"recommendation_number": 1, "key_actions": []},
            {
                "recommendation_number": 2,
                "key_actions": [
                    action(number="2.1", text="Late", due="2019-01", status="Initiated"),
                    action(number="2.2", text="On time", due="2020-01", status="Initiated"),
                ],
            },
        ]
    }
    changes, highlights = compare(old, new, AS_OF)
    assert [c["field"] for c in changes] == ["management_responses[rec 2]"]
    assert highlights == [
        {
            "kind": "newly_overdue",
            "action": "management_responses[rec 2].key_actions[2.1]",
            "text": "Late",
            "old": None,
            "new": "2019-01",
            "days_overdue": 334,
        }
    ]


def test_whitespace_and_case_of_a_status_are_no_transition() -> None:
    old = page(action(number="1.1", text="Do it", status="Not Initiated"))
    new = page(action(number="1.1", text="Do it", status="not  initiated"))
    changes, highlights = compare(old, new, AS_OF)
    assert [c["field"] for c in changes] == ["management_responses[rec 1].key_actions[1.1].status"]
    assert highlights == []


# --- real pages, edited as a portal update edits them ------------------------------------------------


def test_a_quarterly_update_of_the_sample_is_exactly_its_edits() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    new = text
    # 9.2 completed, and its stamp moves.
    new = replace_once(
        new,
        "[Added: 2018/12/17] [Last Updated: 2019/05/17]\nSDT IRH/ES 2019/12 Initiated",
        "[Added: 2018/12/17] [Last Updated: 2019/11/28]\nSDT IRH/ES 2019/12 Completed",
    )
    # 4.1 pushed from September to December.
    new = replace_once(
        new,
        "[Added: 2018/11/23] [Last Updated: 2019/05/17]\nSDT IRH/TL and ES UNDP COs /NPC 2019/09 Initiated",
        "[Added: 2018/11/23] [Last Updated: 2019/11/28]\nSDT IRH/TL and ES UNDP COs /NPC 2019/12 Initiated",
    )
    # The budget, in the header and in the details.
    new = replace_once(new, "Evaluation Budget(US $):\n13,200", "Evaluation Budget(US $):\n15,000")
    new = replace_once(new, "Evaluation Budget(US $): 13,200", "Evaluation Budget(US $): 15,000")
    # A third 9.3, inserted in the middle of recommendation 9, before the two the page has.
    new = replace_once(
        new,
        "9.3 Use the available ILO",
        "9.3 Map the TEP partners of each country office\n[Added: 2019/11/28]\nSDT IRH/ES 2019/06 Initiated\n9.3 Use the available ILO",
    )
    # An edited comment: one change, not a removed and an added action.
    new = replace_once(
        new,
        "TEP 1.0 - Lessons learned document is being drafted",
        "TEP 1.0 - Lessons learned document is drafted",
    )
    # Recommendation 12: in the recommendations, and its management response with one action.
    new = replace_once(
        new,
        "make it available online.\n\n1. Recommendation:",
        "make it available online.\n\n12\n\nShare the ILMS tools with the ESAP platform.\n\n1. Recommendation:",
    )
    new = replace_once(
        new,
        "History\n\nLatest Evaluations",
        "History\n12. Recommendation:\n\nShare the ILMS tools with the ESAP platform.\n\n"
        "Management Response: [Added: 2019/11/28]\n\nThe management agrees.\n\nKey Actions:\n\n"
        "Key Action Responsible DueDate Status Comments Documents\n"
        "12.1. Publish the tools on the ESAP platform\n[Added: 2019/11/28]\nSDT IRH/ES 2020/03 Not Initiated\n\n"
        "Latest Evaluations",
    )
    changes, highlights = changes_between(text, new)
    rec = "management_responses[rec {}]".format
    added_93 = action(
        number="9.3",
        text="Map the TEP partners of each country office",
        added="2019-11-28",
        responsible="SDT IRH/ES",
        due="2019-06",
        status="Initiated",
    )
    assert changes == [
        {"kind": "changed", "field": "metadata.budget_usd", "old": 13200, "new": 15000},
        {
            "kind": "added",
            "field": "recommendations[12]",
            "old": None,
            "new": {"number": 12, "heading": None, "text": "Share the ILMS tools with the ESAP platform."},
        },
        {
            "kind": "changed",
            "field": rec(4) + ".key_actions[4.1].last_updated",
            "old": "2019-05-17",
            "new": "2019-11-28",
        },
        {"kind": "changed", "field": rec(4) + ".key_actions[4.1].due", "old": "2019-09", "new": "2019-12"},
        {
            "kind": "changed",
            "field": rec(9) + ".key_actions[9.1].comments",
            "old": "TEP 1.0 - Lessons learned document is being drafted",
            "new": "TEP 1.0 - Lessons learned document is drafted",
        },
        {
            "kind": "changed",
            "field": rec(9) + ".key_actions[9.2].last_updated",
            "old": "2019-05-17",
            "new": "2019-11-28",
        },
        {
            "kind": "changed",
            "field": rec(9) + ".key_actions[9.2].status",
            "old": "Initiated",
            "new": "Completed",
        },
        {"kind": "added", "field": rec(9) + ".key_actions[9.3 #1]", "old": None, "new": added_93},
        {
            "kind": "added",
            "field": rec(12),
            "old": None,
            "new": {
                "recommendation_number": 12,
                "recommendation": "Share the ILMS tools with the ESAP platform.",
                "response": "The management agrees.",
                "added": "2019-11-28",
                "last_updated": None,
                "key_actions": [
                    action(
                        number="12.1",
                        text="Publish the tools on the ESAP platform",
                        added="2019-11-28",
                        responsible="SDT IRH/ES",
                        due="2020-03",
                        status="Not Initiated",
                    )
                ],
            },
        },
    ]
    assert [(h["kind"], h["action"], h["old"], h["new"], h["days_overdue"]) for h in highlights] == [
        ("due_later", rec(4) + ".key_actions[4.1]", "2019-09", "2019-12", None),
        ("status", rec(9) + ".key_actions[9.2]", "Initiated", "Completed", None),
        ("newly_overdue", rec(9) + ".key_actions[9.3 #1]", None, "2019-06", 184),
    ]


def test_an_edited_action_text_is_one_changed_text() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    new = replace_once(
        text,
        "9.3. Agree on the particular added value and resources",
        "9.3. Agree on the particular added value and the staff",
    )
    changes, highlights = changes_between(text, new)
    assert changes == [
        {
            "kind": "changed",
            "field": "management_responses[rec 9].key_actions[9.3 #2].text",
            "old": "Agree on the particular added value and resources to be made available by the regional project in designing and implementation of TEPs",
            "new": "Agree on the particular added value and the staff to be made available by the regional project in designing and implementation of TEPs",
        }
    ]
    assert highlights == []


def test_two_actions_numbered_alike_swapped_on_the_page_are_no_change() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    first = "9.3 Use the available ILO Guidelines and training materials on TEPs/LEPs\n[Added: 2018/12/17]\nSDT IRH/ES UNDP COs /NPC 2019/06 Initiated ILMS II foresees LEP workshops/trainings organized by ILO\n"
    start = text.index(first) + len(first)
    end = text.index("10. Recommendation:")
    second = text[start:end]
    swapped = replace_once(text, first + second, second + first)
    assert changes_between(text, swapped) == ([], [])


def test_an_action_added_in_the_middle_of_a_table_page(tmp_path: Path) -> None:
    """The pipe-table rendering: statuses move, stamps appear, an action is inserted."""
    text = (CORPUS / "managementresponses" / "13359.txt").read_text(encoding="utf-8")
    new = replace_once(
        text,
        "Zokofav bobovav gubefoj of the project\n[Added: 2022/03/23] |\nUNDP MMA | 2022/06 | Overdue-Initiated | ||\n",
        "Zokofav bobovav gubefoj of the project\n[Added: 2022/03/23] [Last Updated: 2022/09/30] |\nUNDP MMA | 2022/06 | Completed | ||\n"
        "Hold a partners' review of the new plan\n[Added: 2022/09/30] |\nUNDP MMA | 2022/12 | Initiated | ||\n",
    )
    changes, highlights = changes_between(text, new, dt.date(2023, 1, 15))
    rec2 = "management_responses[rec 2].key_actions"
    assert changes == [
        {"kind": "added", "field": f"{rec2}[#1].last_updated", "old": None, "new": "2022-09-30"},
        {"kind": "changed", "field": f"{rec2}[#1].status", "old": "Overdue-Initiated", "new": "Completed"},
        {
            "kind": "added",
            "field": f"{rec2}[#2]",
            "old": None,
            "new": action(
                text="Hold a partners' review of the new plan",
                added="2022-09-30",
                responsible="UNDP MMA",
                due="2022-12",
                status="Initiated",
            ),
        },
    ]
    assert [(h["kind"], h["action"], h["days_overdue"]) for h in highlights] == [
        ("status", f"{rec2}[#1]", None),
        ("newly_overdue", f"{rec2}[#2]", 15),
    ]


def test_a_budget_change_on_an_evaluation_page() -> None:
    text = (CORPUS / "evaluations" / "9396.txt").read_text(encoding="utf-8")
    new = replace_once(text, "Evaluation Budget(US $):\n76,000", "Evaluation Budget(US $):\n80,500")
    new = replace_once(new, "Evaluation Budget(US $): 76,000", "Evaluation Budget(US $): 80,500")
    assert changes_between(text, new) == (
        [{"kind": "changed", "field": "metadata.budget_usd", "old": 76000, "new": 80500}],
        [],
    )


def test_a_new_line_above_everything_moves_no_change() -> None:
    """Diagnostics' line numbers all shift, and line numbers are not changes."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert changes_between(text, "\n\n" + text.replace("\n", "  \n")) == ([], [])


@pytest.mark.parametrize("path", [SAMPLE, *CORPUS_FILES], ids=lambda p: p.name)
def test_a_page_against_itself_is_an_empty_diff(path: Path) -> None:
    assert diff(path, path, as_of=AS_OF) == {
        "pairs": [{"old": str(path), "new": str(path), "changes": [], "highlights": []}],
        "only_old": [],
        "only_new": [],
        "as_of": "2019-12-31",
    }


def test_the_corpus_against_a_copy_of_itself_is_an_empty_diff(tmp_path: Path) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    result = diff(CORPUS, copy, as_of=AS_OF)
    assert len(result["pairs"]) == len(CORPUS_FILES) == 107
    assert [p["new"] for p in result["pairs"]] == [str(copy / p.relative_to(CORPUS)) for p in CORPUS_FILES]
    assert not has_changes(result)
    assert result["only_old"] == result["only_new"] == []


# --- pairing pages ----------------------------------------------------------------------------


def test_pair_by_path() -> None:
    assert pair_by_path(["a.txt", "b/c.txt", "d.txt"], ["d.txt", "b/c.txt", "e.txt"]) == (
        [(1, 1), (2, 0)],
        [0],
        [2],
    )
    assert pair_by_path([], ["x"]) == ([], [], [0])


def test_pair_by_key_only_where_a_key_names_one_page_on_each_side() -> None:
    assert pair_by_key(["k1", None, "k2", "k3"], ["k3", "k1", None]) == [(0, 1), (3, 0)]
    assert pair_by_key(["k", "k"], ["k"]) == []
    assert pair_by_key(["k"], ["k", "k"]) == []
    assert pair_by_key([None], [None]) == []


def test_the_fixture_folders_pair_by_path_and_by_identity() -> None:
    result = diff(DIFF / "old", DIFF / "new", as_of=AS_OF)
    assert result == EXPECTED_FIXTURE_DIFF


def test_pages_without_a_title_never_pair_by_identity(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    shutil.copy(CORPUS / "managementresponses" / "10074.txt", tmp_path / "old" / "a.txt")
    shutil.copy(CORPUS / "managementresponses" / "10074.txt", tmp_path / "new" / "b.txt")
    result = diff(tmp_path / "old", tmp_path / "new", as_of=AS_OF)
    assert (result["pairs"], len(result["only_old"]), len(result["only_new"])) == ([], 1, 1)


def test_compare_evaluations_for_parsed_pages() -> None:
    from erc_parse import parse_file
    from erc_parse.pagediff import compare_evaluations

    old = parse_file(SAMPLE)
    new = parse_text(
        replace_once(SAMPLE.read_text(encoding="utf-8"), "2019/06 Initiated", "2019/06 Completed")
    )
    assert compare_evaluations(old, new, AS_OF) == {
        "old": str(SAMPLE),
        "new": "<new>",
        "changes": [
            {
                "kind": "changed",
                "field": "management_responses[rec 9].key_actions[9.3 #1].status",
                "old": "Initiated",
                "new": "Completed",
            }
        ],
        "highlights": [
            {
                "kind": "status",
                "action": "management_responses[rec 9].key_actions[9.3 #1]",
                "text": "Use the available ILO Guidelines and training materials on TEPs/LEPs",
                "old": "Initiated",
                "new": "Completed",
                "days_overdue": None,
            }
        ],
    }
    assert compare_evaluations(new, old)["old"] == "<old>"
    assert compare_evaluations(old, old)["changes"] == []


def test_an_evaluation_page_never_pairs_with_its_response_page(tmp_path: Path) -> None:
    """They share the evaluation's identity; the kind of page is part of what pairs."""
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    shutil.copy(CORPUS / "evaluations" / "9396.txt", tmp_path / "old" / "colombia.txt")
    shutil.copy(CORPUS / "managementresponses" / "9396.txt", tmp_path / "new" / "colombia-response.txt")
    result = diff(tmp_path / "old", tmp_path / "new", as_of=AS_OF)
    assert result["pairs"] == []
    assert result["only_old"] == [str(tmp_path / "old" / "colombia.txt")]
    assert result["only_new"] == [str(tmp_path / "new" / "colombia-response.txt")]
    assert has_changes(result)


def test_same_relative_paths_pair_in_subfolders(tmp_path: Path) -> None:
    for side in ("old", "new"):
        for kind in ("evaluations", "managementresponses"):
            (tmp_path / side / kind).mkdir(parents=True)
            shutil.copy(CORPUS / kind / "9396.txt", tmp_path / side / kind / "9396.txt")
    result = diff(tmp_path / "old", tmp_path / "new", as_of=AS_OF)
    assert [
        (Path(p["old"]).relative_to(tmp_path), Path(p["new"]).relative_to(tmp_path)) for p in result["pairs"]
    ] == [
        (Path("old/evaluations/9396.txt"), Path("new/evaluations/9396.txt")),
        (Path("old/managementresponses/9396.txt"), Path("new/managementresponses/9396.txt")),
    ]
    assert not has_changes(result)


def test_unreadable_inputs_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DiffError, match=r"^nowhere: no such file or folder$"):
        diff("nowhere", SAMPLE)
    with pytest.raises(DiffError, match=r"compare a file with a file, or a folder with a folder$"):
        diff(SAMPLE, tmp_path)
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(DiffError) as caught:
        diff(binary, SAMPLE)
    assert str(caught.value) == f"{binary}: input is binary (contains NUL bytes), not a text dump"
    (tmp_path / "old").mkdir()
    shutil.copy(binary, tmp_path / "old" / "b.txt")
    with pytest.raises(DiffError, match=r"b\.txt: "):
        diff(tmp_path / "old", DIFF / "new")


def test_has_changes() -> None:
    empty: Result = {"pairs": [], "only_old": [], "only_new": [], "as_of": "2019-12-31"}
    assert not has_changes(empty)
    assert has_changes({**empty, "only_old": ["a"]})
    assert has_changes({**empty, "only_new": ["a"]})
    same = {"old": "a", "new": "b", "changes": [], "highlights": []}
    assert not has_changes({**empty, "pairs": [same]})
    one = {**same, "changes": [{"kind": "added", "field": "x", "old": None, "new": 1}]}
    assert has_changes({**empty, "pairs": [same, one]})


def test_the_library_function_is_erc_parse_diff() -> None:
    import erc_parse
    import erc_parse.pagediff

    assert erc_parse.diff is erc_parse.pagediff.diff


# --- output ----------------------------------------------------------------------------------

OLD9095 = str(DIFF / "old" / "9095.txt")
NEW9095 = str(DIFF / "new" / "9095.txt")
OLD7586 = str(DIFF / "old" / "7586.txt")
NEW7586 = str(DIFF / "new" / "timor-leste-outcome-evaluation.txt")
KA = "management_responses[rec 1].key_actions"
EXPECTED_FIXTURE_DIFF: Result = {
    "pairs": [
        {
            "old": OLD7586,
            "new": NEW7586,
            "changes": [
                {
                    "kind": "changed",
                    "field": "management_responses[rec 1].key_actions[1.2].comments",
                    "old": "The JPO for the DA cac completed roji we Lubah we jucetowekeci with gah L&M fotes motu the curavore. Sijeleni the modakeco and the conclusions.",
                    "new": "The JPO for the DA cac completed roji we Lubah we jucetowekeci with gah L&M fotes motu the curavore. Sijeleni the modakeco and the conclusions, shared with the Powiwupoda Unit in June 2019.",
                }
            ],
            "highlights": [],
        },
        {
            "old": OLD9095,
            "new": NEW9095,
            "changes": [
                {
                    "kind": "changed",
                    "field": f"{KA}[#1].last_updated",
                    "old": "2017-12-28",
                    "new": "2019-06-30",
                },
                {"kind": "changed", "field": f"{KA}[#1].status", "old": "Not Initiated", "new": "Initiated"},
                {
                    "kind": "added",
                    "field": f"{KA}[#2]",
                    "old": None,
                    "new": action(
                        text="Agree with NILG on a training calendar for URT members",
                        added="2019-06-30",
                        responsible="EALG Project",
                        due="2019-03",
                        status="Not Initiated",
                    ),
                },
                {
                    "kind": "changed",
                    "field": f"{KA}[#3].last_updated",
                    "old": "2017-12-28",
                    "new": "2019-06-30",
                },
                {"kind": "changed", "field": f"{KA}[#3].due", "old": "2019-12", "new": "2020-06"},
            ],
            "highlights": [
                {
                    "kind": "status",
                    "action": f"{KA}[#1]",
                    "text": "Ziriruko with LGD to hital NILG for dozakowe development of URT members",
                    "old": "Not Initiated",
                    "new": "Initiated",
                    "days_overdue": None,
                },
                {
                    "kind": "newly_overdue",
                    "action": f"{KA}[#2]",
                    "text": "Agree with NILG on a training calendar for URT members",
                    "old": None,
                    "new": "2019-03",
                    "days_overdue": 275,
                },
                {
                    "kind": "due_later",
                    "action": f"{KA}[#3]",
                    "text": "Zufodek NILG to plan for dozakowe development of URT members vufanedofo motu the EALG project verap",
                    "old": "2019-12",
                    "new": "2020-06",
                    "days_overdue": None,
                },
            ],
        },
    ],
    "only_old": [str(DIFF / "old" / "9846.txt")],
    "only_new": [str(DIFF / "new" / "9851.txt")],
    "as_of": "2019-12-31",
}

EXPECTED_TEXT = f"""\
{OLD7586} → {NEW7586}: 1 change
  ~ management_responses[rec 1].key_actions[1.2].comments: …modakeco and the conclusions. → …modakeco and the conclusions, shared with the Powiwupoda Unit in Jun…
{OLD9095} → {NEW9095}: 5 changes
  ! rec 1 · #1: Not Initiated → Initiated · Ziriruko with LGD to hital NILG for doz…
  ! rec 1 · #2: newly overdue as of 2019-12-31, due 2019-03, 275 days · Agree with NILG on a training calendar…
  ! rec 1 · #3: due 2019-12 → 2020-06, pushed later · Zufodek NILG to plan for dozakowe devel…
  ~ {KA}[#1].last_updated: 2017-12-28 → 2019-06-30
  ~ {KA}[#1].status: Not Initiated → Initiated
  + {KA}[#2]: Agree with NILG on a training calendar for URT members (due 2019-03,…
  ~ {KA}[#3].last_updated: 2017-12-28 → 2019-06-30
  ~ {KA}[#3].due: 2019-12 → 2020-06
only in old: {DIFF / "old" / "9846.txt"}
only in new: {DIFF / "new" / "9851.txt"}
2 pages compared, 2 changed, 1 only in old, 1 only in new
"""


def test_text_output() -> None:
    assert format_text(EXPECTED_FIXTURE_DIFF) == EXPECTED_TEXT


def test_text_styles_colour_what_a_reader_looks_for() -> None:
    styles = [style for _, style in text_lines(EXPECTED_FIXTURE_DIFF)]
    assert styles == [
        "bold", None,
        "bold", "yellow", "bold red", "yellow", None, None, "green", None, None,
        "red", "green", None,
    ]  # fmt: skip
    done = {**EXPECTED_FIXTURE_DIFF["pairs"][1]["highlights"][0], "new": "No Longer  Applicable"}
    pair = {**EXPECTED_FIXTURE_DIFF["pairs"][1], "highlights": [done]}
    result: Result = {**EXPECTED_FIXTURE_DIFF, "pairs": [pair]}
    assert text_lines(result)[1] == (
        "  ! rec 1 · #1: Not Initiated → No Longer Applicable · Ziriruko with LGD to hital NILG for doz…",
        "green",
    )


def test_text_output_on_a_terminal_is_the_same_text() -> None:
    """What a person sees: rich at a fixed width with NO_COLOR, long lines not wrapped."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=80, no_color=True, force_terminal=False)
    for line, style in text_lines(EXPECTED_FIXTURE_DIFF):
        console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
    assert buffer.getvalue() == EXPECTED_TEXT


def test_no_changes_is_one_line() -> None:
    result = diff(SAMPLE, SAMPLE, as_of=AS_OF)
    assert format_text(result) == "1 page compared, 0 changed\n"
    assert format_markdown(result) == "**erc-parse diff**: 1 page compared, 0 changed\n"


EXPECTED_MARKDOWN = f"""\
**erc-parse diff**: 2 pages compared, 2 changed, 1 only in old, 1 only in new

#### `{OLD7586}` → `{NEW7586}` (1 change)

| | field | old | new |
|---|---|---|---|
| changed | `management_responses[rec 1].key_actions[1.2].comments` | …modakeco and the conclusions. | …modakeco and the conclusions, shared with the Powiwupoda Unit in Jun… |

#### `{OLD9095}` → `{NEW9095}` (5 changes)

- **rec 1 · #1: Not Initiated → Initiated · Ziriruko with LGD to hital NILG for doz…**
- **rec 1 · #2: newly overdue as of 2019-12-31, due 2019-03, 275 days · Agree with NILG on a training calendar…**
- **rec 1 · #3: due 2019-12 → 2020-06, pushed later · Zufodek NILG to plan for dozakowe devel…**

| | field | old | new |
|---|---|---|---|
| changed | `{KA}[#1].last_updated` | 2017-12-28 | 2019-06-30 |
| changed | `{KA}[#1].status` | Not Initiated | Initiated |
| added | `{KA}[#2]` |  | Agree with NILG on a training calendar for URT members (due 2019-03,… |
| changed | `{KA}[#3].last_updated` | 2017-12-28 | 2019-06-30 |
| changed | `{KA}[#3].due` | 2019-12 | 2020-06 |

**Only in old**

- `{DIFF / "old" / "9846.txt"}`

**Only in new**

- `{DIFF / "new" / "9851.txt"}`
"""


def test_markdown_output() -> None:
    assert format_markdown(EXPECTED_FIXTURE_DIFF) == EXPECTED_MARKDOWN


def test_markdown_of_a_removed_value_leaves_the_new_cell_empty() -> None:
    pair = {
        "old": "a|b.txt",
        "new": "b.txt",
        "changes": [{"kind": "removed", "field": "metadata.location", "old": "Tirana *old*", "new": None}],
        "highlights": [],
    }
    result: Result = {"pairs": [pair], "only_old": [], "only_new": [], "as_of": "2019-12-31"}
    assert format_markdown(result).splitlines()[2:] == [
        "#### `a\\|b.txt` → `b.txt` (1 change)",
        "",
        "| | field | old | new |",
        "|---|---|---|---|",
        "| removed | `metadata.location` | Tirana \\*old\\* |  |",
    ]
    assert format_text(result).splitlines()[1] == "  - metadata.location: Tirana *old*"
    assert text_lines(result)[1] == ("  - metadata.location: Tirana *old*", "red")


def test_json_output_text() -> None:
    result: Result = {"pairs": [], "only_old": ["é.txt"], "only_new": [], "as_of": "2019-12-31"}
    assert format_json(result) == (
        '{\n  "pairs": [],\n  "only_old": [\n    "é.txt"\n  ],\n  "only_new": [],\n  "as_of": "2019-12-31"\n}\n'
    )


def test_json_output_is_the_result() -> None:
    text = format_json(EXPECTED_FIXTURE_DIFF)
    assert text.endswith("}\n") and '"as_of": "2019-12-31"' in text and "→" not in text
    assert json.loads(text) == EXPECTED_FIXTURE_DIFF
    assert "…" not in text  # values whole, never cut


def test_values_on_one_line() -> None:
    assert show(None) == "(none)"
    assert show(True) == "true" and show(13200) == "13200" and show(2.5) == "2.5"
    assert show("a\n  b") == "a b"
    assert show("x" * 70) == "x" * 70
    assert show("x" * 71) == "x" * 69 + "…"
    assert show(["Goal 1", "Goal é"]) == '["Goal 1", "Goal é"]'
    assert show(list(range(40)), 10) == "[0, 1, 2,…"
    assert show({"number": 12, "heading": None, "text": "Share the tools."}) == "12 Share the tools."
    assert show({"recommendation_number": 3, "recommendation": "Do more."}) == "3 Do more."
    assert show(action(number="1.1", text="Go", due=None, status=None)) == "1.1 Go (due none, no status)"
    assert show({"name": "KOSOVO", "iso3": None}) == "KOSOVO"
    assert show({"filename": None, "type": "report", "language": "English", "status": "Posted"}) == "report"
    assert show({"filename": "r.pdf", "type": "report"}) == "r.pdf"
    assert show({"number": 3}) == "3"
    assert show({"line": 3, "code": "bad-value", "message": "budget"}) == "budget"
    assert cut("abc def", 5) == "abc…"
    assert cut("abcdef", 6) == "abcdef"


def test_two_long_texts_show_where_they_differ() -> None:
    common = "The project team met the partners in Tirana and agreed on a plan " * 2
    old, new = common + "for 2020.", common + "for 2021 and 2022."
    shown_old, shown_new = show_pair(old, new)
    # The first difference is at "202|0"; 20 characters before it fall inside "agreed".
    assert shown_old == "…agreed on a plan for 2020."
    assert shown_new == "…agreed on a plan for 2021 and 2022."
    assert show_pair("short", "also short") == ("short", "also short")
    assert show_pair("y" * 80, "z" * 80) == ("y" * 69 + "…", "z" * 69 + "…")  # differ at once: no context cut
    assert show_pair(1, None) == ("1", "(none)")
    item = {"number": "1.1", "text": "word " * 20}
    assert show_pair(item, None, 8) == ("1.1 wor…", "(none)")
    assert show_pair(None, item, 8) == ("(none)", "1.1 wor…")


def test_long_texts_boundaries() -> None:
    common = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu "  # 70 characters
    assert len(common) == 70
    # Both within the width: whole, however much they share.
    a, b = common[:-1] + "x", common[:-1] + "y"
    assert show_pair(a, b) == (a, b)
    # One short, one long: each cut on its own (they differ from the first character).
    assert show_pair("short", "x" * 80) == ("short", "x" * 69 + "…")
    # They differ at the first character, then agree: no common start to skip.
    a, b = "A " + common + "end", "B " + common + "end"
    assert show_pair(a, b) == (cut(a, 70), cut(b, 70))
    # One is the start of the other.
    assert show_pair(common + "rho", common + "rho sigma") == (
        "…kappa lambda mu nu rho",
        "…kappa lambda mu nu rho sigma",
    )


@pytest.mark.parametrize("at", [31, 32])
def test_one_character_changed_in_a_long_text(at: int) -> None:
    text = "abc defgh " * 10  # 100 characters, words at every tenth
    old, new = text.strip(), (text[:at] + "Z" + text[at + 1 :]).strip()
    # The window starts at the word that holds the character 20 before the change.
    assert show_pair(old, new) == (cut("…" + old[10:], 70), cut("…" + new[10:], 70))


def test_action_names() -> None:
    assert action_name("management_responses[rec 9].key_actions[9.3 #2]") == "rec 9 · 9.3 #2"
    assert action_name("management_responses[#2].key_actions[#1]") == "#2 · #1"
    assert action_name("key_actions[1]") == "key_actions[1]"


def test_summary_line() -> None:
    base: Result = {"pairs": [], "only_old": [], "only_new": [], "as_of": "2019-12-31"}
    assert summary_line(base) == "0 pages compared, 0 changed"
    one = {"old": "a", "new": "a", "changes": [], "highlights": []}
    assert summary_line({**base, "pairs": [one]}) == "1 page compared, 0 changed"
    assert summary_line({**base, "only_new": ["x", "y"]}) == "0 pages compared, 0 changed, 2 only in new"


def test_markdown_escapes() -> None:
    # `#` is left alone: these texts never start a line, the only place it makes a heading.
    assert (
        md("a|b *c* _d_ [e](f) <g> `h` ~i~ #j \\k")
        == "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\`h\\` \\~i\\~ #j \\\\k"
    )
    assert md_code("a|b") == "`a\\|b`"


# --- the command --------------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="erc-parse", env={"COLUMNS": "80", "NO_COLOR": "1"})


def test_cli_text_and_exit_codes() -> None:
    old, new = str(DIFF / "old"), str(DIFF / "new")
    plain = run("diff", old, new, "--as-of", "2019-12-31")
    assert (plain.exit_code, plain.stdout) == (0, EXPECTED_TEXT)
    strict = run("diff", old, new, "--as-of", "2019-12-31", "--exit-code")
    assert (strict.exit_code, strict.stdout) == (1, EXPECTED_TEXT)
    same = run("diff", str(SAMPLE), str(SAMPLE), "--exit-code")
    assert (same.exit_code, same.stdout) == (0, "1 page compared, 0 changed\n")


def test_cli_formats() -> None:
    old, new = str(DIFF / "old"), str(DIFF / "new")
    as_json = run("diff", old, new, "--as-of", "2019-12-31", "-f", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == EXPECTED_FIXTURE_DIFF
    as_md = run("diff", old, new, "--as-of", "2019-12-31", "--format", "markdown", "--exit-code")
    assert (as_md.exit_code, as_md.stdout) == (1, EXPECTED_MARKDOWN)


@pytest.mark.parametrize("exit_code", [[], ["--exit-code"]])
def test_cli_errors_are_one_line_and_exit_2(tmp_path: Path, exit_code: list[str]) -> None:
    missing = run("diff", "nowhere.txt", str(SAMPLE), *exit_code)
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert missing.stderr == "erc-parse: error: nowhere.txt: no such file or folder\n"
    mixed = run("diff", str(SAMPLE), str(tmp_path), *exit_code)
    assert mixed.exit_code == 2
    assert (
        mixed.stderr
        == f"erc-parse: error: {SAMPLE} and {tmp_path}: compare a file with a file, or a folder with a folder\n"
    )
    date = run("diff", str(SAMPLE), str(SAMPLE), "--as-of", "someday", *exit_code)
    assert date.exit_code == 2 and date.stderr.startswith("erc-parse: error: --as-of: not a date")
