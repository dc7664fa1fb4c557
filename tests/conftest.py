"""Shared paths: the suite reads only files inside the repository, never ../shared."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

# No test asserts a wall-clock time, and hypothesis's default deadline (200 ms an example)
# would be one: on a shared, noisy machine it fails tests that are merely slow that minute.
settings.register_profile("erc-parse", deadline=None)
settings.load_profile("erc-parse")
# For mutation runs (pyproject.toml, [tool.mutmut]): the same examples every run.
settings.register_profile("mutmut", parent=settings.get_profile("erc-parse"), derandomize=True)

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

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


def clipped_lines(ev: Evaluation) -> set[int]:
    """Lines a diagnostic reports by their start and length: too long to quote whole.

    Such a line is not lost: it is reported with its number, and quoting all of a 5 MB
    line would be worse than useless (issue 14, point 8).
    """
    lines = set()
    for d in ev.diagnostics:
        if re.search(r"… \([\d,]+ characters\)", d.message):
            # A message about two lines (`header says ... (line 12), details say ...`) names the other.
            lines.update([d.line, *(int(n) for n in re.findall(r"\(line (\d+)\)", d.message))])
    return lines
