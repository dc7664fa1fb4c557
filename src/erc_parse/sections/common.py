"""Line shapes shared by several sections: labels, headings, page chrome, table cells."""

from __future__ import annotations

import re

from erc_parse.normalize.values import per_spelling

# `Label: value`, `Label:value` and `Label :` (plan pages). The label may not hold a
# colon or a pipe; values may. The gap before the colon is bounded (and possessive):
# an unbounded `\s*` was rescanned for each of the 90 label lengths, ~90 passes over a
# long run of spaces.
LABEL = re.compile(r"^([^:|\[\]]{2,90}?)\s{0,90}+:\s*(.*)$")


def split_label(s: str) -> tuple[str, str] | None:
    """``LABEL.match(s)``'s two groups (label, value), or None where it does not match.

    Most lines of a dump go through this, and the regex's lazy label is slow: where
    the answer is provably the regex's (the first colon within 90
    characters, at least two label characters before it, none of them ``|[]``, no line
    break), it is found with ``str.find``; every other line goes to the regex itself.
    tests/test_parser.py checks the two agree on every corpus line and on any text.
    """
    i = s.find(":")
    if i < 0:
        return None
    if i <= 90 and "\n" not in s:
        label = s[:i].rstrip()
        if len(label) >= 2 and "|" not in label and "[" not in label and "]" not in label:
            return label, s[i + 1 :].lstrip()
    m = LABEL.match(s)
    return (m[1], m[2]) if m else None


# `[Added: 2018/11/23] [Last Updated: 2019/05/17] text`: a response's or a key action's stamp.
STAMP = re.compile(
    r"^\[Added:\s*(\d{4}/\d{1,2}/\d{1,2})\]"
    r"(?:\s*\[Last Updated:\s*(\d{4}/\d{1,2}/\d{1,2})\])?\s*(.*)$"
)

# Lines of page furniture: they carry no data, only structure, and are consumed.
CHROME = frozenset(
    {
        "Success message",
        "error message",
        "warn message",
        "Report Cover Image",
        "Share",
        "Key Action Update History",
    }
)
# The lines that open the portal's footer (the transition table's footer row, and the
# parser's look for a whole page's end).
FOOTER_START = ("Latest Evaluations", "Contact us")

SECTION_HEADINGS = {"Lessons": "lessons", "Findings": "findings", "Recommendations": "recommendations"}

DOCS_HEADER = re.compile(r"^Document\s+Type\s+Language\s+Size\s+Status\s+Downloads$")
KA_HEADER = re.compile(r"^Key Action\s+Responsible\s+Due\s?Date\s+Status\s+Comments(?:\s+Documents)?$")
TEAM_HEADER = re.compile(r"^Name\s+Title(?:\s+Email)?(?:\s+Nationality)?$")


def _norm_label(label: str) -> str:
    return " ".join(label.lower().replace("(", " (").split()).replace("( ", "(")


#: Labels compare case- and space-insensitively: `Budget(US $)` == `budget (us $)`.
#: Labels repeat on every page, so short ones are normalised once per spelling.
norm_label = per_spelling(_norm_label, longest=100)


def split_cells(line: str) -> list[str] | None:
    """Cells of a pipe-table line, trailing empty cells dropped; None if no pipe.

    `---|---|` separators and all-empty filler rows give ``[]``: they are layout.
    """
    if "|" not in line:
        return None
    parts = list(map(str.strip, line.split("|")))
    while parts and not parts[-1]:
        parts.pop()
    if parts and not "".join(parts).strip("-: "):  # every cell is dashes, colons or spaces
        return []
    return parts


# What a metadata bullet line starts with, after its indentation.
BULLETS = ("•", "·", "▪")
