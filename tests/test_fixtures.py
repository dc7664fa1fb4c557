"""Golden pairs, jc-style: every `tests/fixtures/pairs/<kind>--<case>.txt` beside its `.json`.

The JSON files were generated once and then corrected by hand against the dumps, so
a difference here is a parser regression (or a fix the golden file must learn).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from erc_parse import parse_bytes
from erc_parse.models import Evaluation

from .conftest import PAIRS

PAIR_FILES = sorted(PAIRS.glob("*--*.txt"))


def test_there_are_pairs_for_every_kind() -> None:
    kinds = {p.name.split("--", 1)[0] for p in PAIR_FILES}
    assert {"evaluation", "management_response", "plan"} <= kinds
    assert len(PAIR_FILES) >= 21


@pytest.mark.parametrize("txt", PAIR_FILES, ids=lambda p: p.stem)
def test_pair(txt: Path) -> None:
    expected = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    got = parse_bytes(txt.read_bytes())
    assert got.kind == txt.name.split("--", 1)[0]
    actual = json.loads(got.model_dump_json())
    # Compare section by section first, so a failure names the part that moved.
    for key in expected:
        assert actual[key] == expected[key], f"{txt.name}: {key} differs"
    assert actual == expected
    # The golden file is itself valid against the contract.
    assert Evaluation.model_validate(expected) == Evaluation.model_validate_json(got.model_dump_json())
