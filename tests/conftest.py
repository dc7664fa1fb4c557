"""Shared paths: the suite reads only files inside the repository, never ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No test asserts a wall-clock time, and hypothesis's default deadline (200 ms an example)
# would be one: on a shared, noisy machine it fails tests that are merely slow that minute.
settings.register_profile("erc-parse", deadline=None)
settings.load_profile("erc-parse")
# For mutation runs (pyproject.toml, [tool.mutmut]): the same examples every run.
settings.register_profile("mutmut", parent=settings.get_profile("erc-parse"), derandomize=True)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"
PAIRS = FIXTURES / "pairs"
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
CORPUS_FILES = sorted(CORPUS.glob("*/*.txt"))


@pytest.fixture(scope="session")
def sample_eval():  # type: ignore[no-untyped-def]
    from erc_parse import parse_file

    return parse_file(SAMPLE)
