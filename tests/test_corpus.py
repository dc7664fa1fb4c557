"""Every real dump in the corpus: the invariants that must hold for any page.

The corpus is copied into tests/fixtures/corpus so the suite never needs ../shared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from erc_parse import parse_file
from erc_parse.models import Evaluation
from erc_parse.reader import split_lines

from .conftest import CORPUS_FILES, clipped_lines

KIND = {"evaluations": "evaluation", "managementresponses": "management_response", "plans": "plan"}
_SEPARATORS = re.compile(r"[\s,;]")


@pytest.fixture(scope="module")
def parsed() -> dict[Path, Evaluation]:
    return {p: parse_file(p) for p in CORPUS_FILES}


def test_corpus_is_complete() -> None:
    assert len(CORPUS_FILES) == 107


def test_kind_and_layout(parsed: dict[Path, Evaluation]) -> None:
    for path, ev in parsed.items():
        assert ev.kind == KIND[path.parent.name], path
        text = path.read_text(encoding="utf-8")
        table = "---|" in text
        assert ev.layout == ("table" if table else "plain"), path


def test_no_internal_errors_and_round_trip(parsed: dict[Path, Evaluation]) -> None:
    for path, ev in parsed.items():
        assert not [d for d in ev.diagnostics if d.code == "internal-error"], path
        assert Evaluation.model_validate_json(ev.model_dump_json()) == ev, path


def test_truncation_matches_the_footer(parsed: dict[Path, Evaluation]) -> None:
    for path, ev in parsed.items():
        complete = "Contact us" in path.read_text(encoding="utf-8")
        assert ev.truncated is (not complete), path
        assert sum(d.code == "truncated" for d in ev.diagnostics) == (0 if complete else 1), path


def test_country_letters_add_up(parsed: dict[Path, Evaluation]) -> None:
    seen = 0
    for path, ev in parsed.items():
        for ln, raw in enumerate(split_lines(path.read_text(encoding="utf-8")), 1):
            m = re.match(r"^Countries:\s*\|?\s*(.*?)\s*\|?\s*$", raw)
            if not m or not m[1] or any(d.line == ln for d in ev.diagnostics):
                continue
            names = "".join(c.name for c in ev.metadata.countries)
            assert _SEPARATORS.sub("", names) == _SEPARATORS.sub("", m[1]), path
            seen += 1
    assert seen >= 30


def test_every_stamp_after_key_actions_became_a_key_action(parsed: dict[Path, Evaluation]) -> None:
    for path, ev in parsed.items():
        lines = split_lines(path.read_text(encoding="utf-8"))
        stamps = 0
        in_actions = False
        for raw in lines:
            s = raw.strip()
            if s.startswith("Key Actions"):
                in_actions = True
            elif re.match(r"^\d+\. Recommendation:", s) or s.startswith("Management Response:"):
                in_actions = False
            elif in_actions and s.startswith("[Added"):
                stamps += 1
        assert len(ev.key_actions()) >= stamps, path
        assert sum(1 for _, ka in ev.key_actions() if ka.added) >= stamps - 1, path


def test_every_download_row_became_a_document(parsed: dict[Path, Evaluation]) -> None:
    for path, ev in parsed.items():
        if ev.kind == "plan":
            continue  # the plan document is not a `Download document` row (see test_sections)
        lines = split_lines(path.read_text(encoding="utf-8"))
        cut = {d.line for d in ev.diagnostics if d.code == "truncated"}
        rows = [
            ln for ln, raw in enumerate(lines, 1) if raw.startswith("Download document") and ln not in cut
        ]
        # Table rows: the `![]() |` marker, then the cells on the next line.
        rows += [ln for ln, raw in enumerate(lines, 1) if raw.startswith("![]()") and ln + 1 not in cut]
        assert len(ev.documents) == len(rows), path


def test_no_line_is_lost(parsed: dict[Path, Evaluation]) -> None:
    """Every word of every line is in a field or a diagnostic (labels and chrome aside)."""
    structure = set(
        "Title Report Cover Image Share Document Type Language Size Status Downloads Download document "
        "Lessons Findings Recommendations Key Actions Action Responsible DueDate Comments Documents "
        "Recommendation Management Response Added Last Updated Success error warn message Update History "
        "Name Email Nationality Evaluation Information Corporate Outcome Outcomes and Output UNDP Strategic Plan "
        "Goal Target Quantum Project Number Period Quality Assessment Type Budget Expenditure Stakeholders "
        "Source Funding Countries Completedon Planned Date Team members Goals Targets Joint Programme Summary Completion Atlas".split()
    )
    for path, ev in parsed.items():
        blob = ev.model_dump_json()
        clipped = clipped_lines(ev)  # reported by number, start and length: too long to quote whole
        for ln, raw in enumerate(split_lines(path.read_text(encoding="utf-8")), 1):
            if raw.startswith("Countries") or ln in clipped:
                continue  # run-together names: checked letter by letter above
            text = raw.split(":", 1)[1] if re.match(r"^[^:|]{2,90}:", raw) else raw
            for word in re.findall(r"[^\W\d_]{4,}", text):
                if word in structure:
                    continue
                assert word in blob, f"{path.name}: {word!r} of {raw!r} is nowhere"
