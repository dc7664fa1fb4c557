"""The examples in docs/cli.md and README.md run as written from the repository root: every
path they read exists in the repository, or is written by an example before them (issue 14,
point 13)."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"

#: erc-parse options and whether they take a value; an option missing here fails the test,
#: so a new one is classified (its value a path read, written, or no path) before it is shown.
WRITES = {"-o", "--output", "--out"}
VALUES = {
    "-f",
    "--format",
    "--as-of",
    "-j",
    "--jobs",
    "-s",
    "--status",
    "-n",
    "--limit",
    "--ignore",
    "--by",
    "--long-overdue-days",
}
FLAGS = {"--strict", "--overdue", "--help", "-h", "--version", "--detail", "--exit-code"}
#: Positional arguments that are not paths, by command and position.
NOT_PATHS = {("search", 1)}


def commands(text: str) -> list[str]:
    """Every `$ ` line of the console blocks, in order."""
    found = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.M | re.S):
        found += [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return found


def paths(line: str) -> tuple[list[str], list[str]]:
    """The paths a command line reads and those it writes."""
    reads: list[str] = []
    writes: list[str] = []
    words = shlex.split(line, comments=True)
    segments: list[list[str]] = [[]]
    for word in words:
        if word == "|":
            segments.append([])
        else:
            segments[-1].append(word)
    for segment in segments:
        args = []
        rest = iter(segment)
        for word in rest:
            if word in (">", ">>"):
                writes.append(next(rest))
            else:
                args.append(word)
        if args[0] == "cat":
            reads += args[1:]
        elif args[0] == "erc-parse":
            reads_, writes_ = _erc_parse(args[1:])
            reads += reads_
            writes += writes_
    return reads, writes


def _erc_parse(args: list[str]) -> tuple[list[str], list[str]]:
    reads: list[str] = []
    writes: list[str] = []
    command = None
    position = 0
    rest = iter(args)
    for word in rest:
        if word in WRITES:
            writes.append(next(rest))
        elif word in VALUES:
            next(rest)
        elif word in FLAGS:
            continue
        elif word.startswith("-") and word != "-":
            raise AssertionError(f"option {word} unknown to this test: classify it")
        elif command is None:
            command = word
        else:
            if (command, position) not in NOT_PATHS and word != "-":
                reads.append(word)
            position += 1
    return reads, writes


def test_the_parser_of_examples() -> None:
    assert paths("cat a.txt | erc-parse export - -f jsonl >> all.jsonl") == (["a.txt"], ["all.jsonl"])
    assert paths("erc-parse search db.sqlite 'a b' --limit 5") == (["db.sqlite"], [])
    assert paths("erc-parse convert x y --out o/ -j 2") == (["x", "y"], ["o/"])
    assert paths("erc-parse actions s.txt --overdue --as-of 2019-12-31 -f csv -o a.csv") == (
        ["s.txt"],
        ["a.csv"],
    )


@pytest.mark.parametrize("doc", [DOC, ROOT / "README.md"], ids=lambda p: p.name)
def test_every_path_an_example_reads_exists(doc: Path) -> None:
    lines = commands(doc.read_text(encoding="utf-8"))
    assert len(lines) >= 10
    written: set[str] = set()
    missing = []
    for line in lines:
        reads, writes = paths(line)
        for path in reads:
            if path.rstrip("/") not in written and not glob.glob(str(ROOT / path)):
                missing.append(f"{path} (in: $ {line})")
        written |= {w.rstrip("/") for w in writes}
    assert missing == []
