"""Hypothesis strategies for the robustness properties (issue 6).

Three families, each for one kind of evidence:

- **Mutants** of the real dumps (corpus and sample): what a crawler, a copy-paste or a
  cut download does to a page — lines cut, dropped, duplicated, swapped and shuffled;
  stray labels, stamps and bullets; control and bidi characters; very long lines; any
  line end. The parser must never fail on them and must lose no word.
- **Arbitrary text**, and a *soup* of the format's own tokens, which reaches the
  states' corners faster than uniform Unicode does.
- **Evaluations** that a real page can show, for the renderer in ``tests/render.py``:
  parsing the rendered page must give the evaluation back. Every constraint below says
  *why* a value is excluded: either a real page cannot show it, or the plain layout
  cannot tell it apart from another value (then no parser could recover it).

Example counts are bounded by :func:`profile` so the properties run in the normal
suite; ``ERC_PARSE_EXAMPLES_SCALE=20 uv run pytest tests/test_properties.py`` runs
them twenty times longer.
"""

from __future__ import annotations

import functools
import os
import random
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from erc_parse.models import (
    Country,
    Document,
    Evaluation,
    Gef,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    TeamMember,
)

from .conftest import CORPUS_FILES, SAMPLE

# --- settings ----------------------------------------------------------------------------


def profile(examples: int) -> settings:
    """Settings for one property: a bounded count, no deadline (CI machines are noisy)."""
    scale = max(1, int(os.environ.get("ERC_PARSE_EXAMPLES_SCALE", "1")))
    return settings(
        max_examples=examples * scale,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- real dumps ----------------------------------------------------------------------------


@functools.cache
def dump_texts() -> tuple[str, ...]:
    """The sample page and every corpus dump, as text (read once)."""
    return tuple(dump_names().values())


@functools.cache
def dump_names() -> dict[str, str]:
    """``{"corpus/evaluations/9396.txt": text, ...}``, the sample first."""
    paths = [SAMPLE, *CORPUS_FILES]
    root = SAMPLE.parent.parent
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in paths}


def dumps() -> st.SearchStrategy[str]:
    return st.sampled_from(dump_texts())


# Words of the page's structure (labels, headings, chrome): a line's other words must
# survive parsing, these may be consumed by it. The corpus test's list, plus the words
# of the stray lines injected below.
STRUCTURE_WORDS = frozenset(
    "Title Report Cover Image Share Document Type Language Size Status Downloads Download document "
    "Lessons Findings Recommendations Key Actions Action Responsible DueDate Comments Documents "
    "Recommendation Management Response Added Last Updated Success error warn message Update History "
    "Name Email Nationality Evaluation Information Corporate Outcome Outcomes and Output UNDP Strategic Plan "
    "Goal Target Quantum Project Number Period Quality Assessment Type Budget Expenditure Stakeholders "
    "Source Funding Countries Completedon Planned Date Team members Goals Targets Joint Programme Summary "
    "Completion Atlas".split()
)

# Lines a page has, out of place: labels with and without values, anchors, stamps, rows,
# bullets, table cells, chrome, footer starts, newer-layout labels and plan-page labels.
STRAY_LINES = (
    "Status:",
    "Status: Completed",
    "Status:Cancelled",
    "Evaluation Type:",
    "Evaluation Plan: 2018-2021, RBEC",
    "Completion Date: 13/2018",
    "Planned End Date:",
    "Management Response: Yes (Partial)",
    "Evaluation Budget(US $): --",
    "Evaluation Budget(US $):",
    "$30,000",
    "11/2018",
    "Countries:",
    "Countries: FIJI SAMOA",
    "Key Stakeholders: MASTA; ICF, DIGEPESCA",
    "Title",
    "Title Ribonaw Tesumi",
    "Lessons",
    "Findings",
    "Recommendations",
    "1. Recommendation:",
    "2. Recommendation: Zufodek ribonaw.",
    "Management Response: [Added: 2018/11/23]",
    "Management Response: [Added: 2018/11/23] [Last Updated: 2019/05/17]",
    "Management Response: [Added: 2018/1",
    "Key Actions:",
    "Key Actions",
    "Key Action Responsible DueDate Status Comments Documents",
    "Key Action Update History",
    "[Added: 2018/11/23]",
    "[Added: 2018/11/23] [Last Updated: 2019/05/17]",
    "[Added: 2018/13/45]",
    "[Added: 2018/11",
    "UNDP 2019/05 Completed History",
    "UNDP 2019/13 Initiated Pending funds",
    "PIU No deadline established",
    "SDT IRH 2018/11 No Longer Applicable [Justification: Fodaw gone.] History",
    "Rabec 2020/01 Paused somehow History",
    "1.",
    "1",
    "2",
    "1.1.",
    "1.1. Vomaric sedulo",
    "2) Zufodek",
    "- Lesavu",
    "Relevance",
    "Effectiveness:",
    "  • ",
    "  • 1. Cucoja",
    "  • Joint with UN Agencies",
    "  • Evaluation Information",
    "  • Corporate Outcome and Output",
    "Document Type Language Size Status Downloads",
    "Download document Ribo naw.pdf report English 12.00 KB Posted 3",
    "Download document",
    "Download document summary Posted 161",
    "Evaluation Team members:",
    "Name Title Email Nationality",
    "Rod Libi Team Leader rod.libi@hujav.ham NICARAGUA",
    "GEF Evaluation: Yes",
    "GEF Evaluation: No",
    "Joint Evaluation: Yes",
    "Focus Area:",
    "SDG Goal",
    "Corporate Outcome and Output (UNDP Strategic Plan 2018-2021)",
    "Share",
    "Report Cover Image",
    "Success message",
    "Latest Evaluations",
    "Contact us",
    "Completedon 31 May, 2009",
    "Cancelled",
    "Justification: Fodaw gone.",
    "Quantum Project Number",
    "00117224, 00120890",
    "Plan Date",
    "31 Dec, 2021",
    "Evaluation Plan of 2017-2021",
    "Period :",
    "Comments :",
    "Plan Document:",
    "SN Title Type",
    "---|---|",
    "![]() |",
    "Status: | Completed |",
    "| |",
    "1. | Zufahal fa",
    "UNDP | 2022/12 | Initiated | Going well History | |",
    "Yes",
    "No",
)

# Invisible trouble: C0/C1 controls, Unicode line-like separators (not line ends for
# the parser, but they are for ``str.splitlines``), bidi controls, BOM, replacement char.
ODD_CHARS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x85\xa0"
    "\u2028\u2029\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffd"
)
LINE_ENDS = ("\n", "\r\n", "\r")


@dataclass(frozen=True)
class Mutant:
    """A mutated dump: its lines, and the line end and final newline to join them with.

    Its repr names the dump and the edits (a failing example stays readable); the
    lines themselves are in ``lines``.
    """

    lines: tuple[str, ...]
    end: str
    final_newline: bool
    source: str = ""
    edits: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Mutant(source={self.source!r}, edits={self.edits!r}, end={self.end!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis' printer
        printer.text(repr(self))

    def text(self, end: str | None = None) -> str:
        sep = self.end if end is None else end
        return sep.join(self.lines) + (sep if self.final_newline and self.lines else "")


_OPS = ("cut_line", "drop", "dup", "swap", "shuffle", "inject", "prefix", "char", "long", "stop")


@st.composite
def mutants(draw: st.DrawFn, texts: st.SearchStrategy[str] | None = None) -> Mutant:
    """A real dump after 1-8 random edits of the kinds the issue lists."""
    text = draw(texts if texts is not None else dumps())
    source = next((k for k, v in dump_names().items() if v == text), "?")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    edits: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(_OPS))
        n = len(lines)
        i = draw(st.integers(0, max(n - 1, 0)))
        before = lines[i] if i < n else ""
        if op == "inject":
            line = draw(st.sampled_from(STRAY_LINES))
            lines.insert(i, draw(st.sampled_from(["", "  "])) + line)
        elif not lines:
            continue
        elif op == "cut_line":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, n - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "shuffle":
            window = lines[i : i + draw(st.integers(2, 12))]
            lines[i : i + len(window)] = draw(st.permutations(window))
        elif op == "prefix":
            lines[i] = draw(st.sampled_from(["  • ", "• ", "- ", "1.1. ", "1. ", "| ", "  "])) + lines[i]
        elif op == "char":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(ODD_CHARS)) + lines[i][at:]
        elif op == "long":
            lines[i] = " ".join([lines[i] or "Ribonaw"] * draw(st.integers(20, 400)))
        elif op == "stop":  # the dump simply stops here, mid-line
            lines = lines[: i + 1]
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        after = lines[i] if i < len(lines) else ""
        edits.append(f"{op} line {i + 1}: {before[:60]!r} -> {after[:60]!r}")
    return Mutant(tuple(lines), draw(st.sampled_from(LINE_ENDS)), draw(st.booleans()), source, tuple(edits))


def cp1252_dumps() -> st.SearchStrategy[str]:
    """Dumps whose text cp1252 can encode: the same page must parse alike in every encoding."""
    texts = [t for t in dump_texts() if _encodes(t, "cp1252")]
    return st.sampled_from(texts)


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- arbitrary text -------------------------------------------------------------------------

_TOKENS = (
    *STRAY_LINES,
    "\n",
    "\n",
    "\r",
    "\r\n",
    " ",
    "  ",
    "|",
    ":",
    "[",
    "]",
    "•",
    "1.",
    "2018/11",
    "2018/11/23",
    "Completed",
    "History",
    "Download document ",
    "Management Response:",
    "[Justification: ",
)


def format_soup() -> st.SearchStrategy[str]:
    """Text made of the format's own pieces and short random strings, in any order."""
    piece = st.one_of(st.sampled_from(_TOKENS), st.text(max_size=6))
    return st.lists(piece, max_size=60).map("".join)


def any_text() -> st.SearchStrategy[str]:
    """Any ``str``, lone surrogates included (a caller's string may hold them)."""
    return st.one_of(st.text(), st.text(st.characters(exclude_categories=())), format_soup())


# --- evaluations a plain page can show ------------------------------------------------------------
#
# Prose is built from pseudo-words like the corpus' (consonant-vowel syllables), which
# no label, heading, status or criterion can equal, plus a few ordinary words and
# punctuation. Constrained shapes are added per context by ``prose_lines``.


def _pseudo_words(n: int) -> tuple[str, ...]:
    """Fixed, seeded pseudo-words; none is a word the parser gives a meaning to."""
    from erc_parse.normalize.team import TITLE_WORDS
    from erc_parse.normalize.values import MONTHS

    reserved = set(TITLE_WORDS) | set(MONTHS) | {"no", "non", "nao", "si", "sim", "yes", "oui", "tor"}
    rng = random.Random(20_240_606)
    words: set[str] = set()
    while len(words) < n:
        word = "".join(
            rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(1, 5))
        )
        if len(word) >= 2 and word not in reserved:
            words.add(word)
    return tuple(sorted(words))


PSEUDO = _pseudo_words(400)
_COMMON = (
    "the",
    "and",
    "of",
    "to",
    "for",
    "with",
    "in",
    "UNDP",
    "ILO",
    "2030",
    "(RCC)",
    "e.g.",
    "–",
    "’s",
    "vis-à-vis",
)
# Strategies are built once (module constants, or cached per argument): hypothesis
# validates every new strategy object. And the words of a line come from one drawn
# seed: a line is ~25 choices otherwise, the structure's shrinking is what matters,
# and a shrunk word soup is no easier to read than a random one.
_PUNCT = [""] * 12 + [",", ",", ".", ";", ":", "’", "…"]
_CAP = st.sampled_from(PSEUDO).map(str.capitalize)
_SEED = st.integers(0, 2**32 - 1)


def _words_from(seed: int) -> str:
    rng = random.Random(seed)
    words = [rng.choice(PSEUDO).capitalize()]
    for _ in range(rng.randint(0, 13)):
        kind = rng.random()
        word = rng.choice(_COMMON) if kind < 0.15 else rng.choice(PSEUDO)
        if 0.15 <= kind < 0.35:
            word = word.capitalize()
        words.append(word + rng.choice(_PUNCT))
    return " ".join(words) + rng.choice(["", ".", ".", ".", ":", ")"])


_SENTENCE = _SEED.map(_words_from)


def sentence() -> st.SearchStrategy[str]:
    """One line of prose: a capitalised pseudo-word, then words with some punctuation."""
    return _SENTENCE


def _names_from(n_min: int, n_max: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(PSEUDO).capitalize() for _ in range(rng.randint(n_min, n_max)))


@functools.cache
def name_words(n_min: int = 1, n_max: int = 6) -> st.SearchStrategy[str]:
    """Capitalised pseudo-words: titles, units, names, stakeholders."""
    return _SEED.map(functools.partial(_names_from, n_min, n_max))


# Per-context shapes. Each is legal exactly where listed; the reasons are the anchors
# of the parser's states, which are the page's own structure:
# - `• x` bullets: not in the detail block, where a bullet is a list item of a label.
# - `- x`: opens an unnumbered key action, so not inside a key action's text or comments.
# - `3.1 x` (a decimal, as in sub-section numbers): a key-action number (`1.1 text`).
# - a line starting with a small number (`2 x`) is an item number in Lessons/Findings/
#   Recommendations when it is the next one expected: never generated (ambiguous).
# - a criterion alone on a line (`Relevance`) is a heading under Lessons and Findings.
_SHAPES = {
    "bullet": lambda s: "• " + s,
    "dash": lambda s: "- " + s,
    "decimal": lambda s: "3.1 " + s,
    "year": lambda s: "2030 " + s,
    "footnote": lambda s: "[1] " + s,
    "colon": lambda s: "Segihup 1: " + s,
    # A numbered line inside a text, shaped like `1. Recommendation:`: the page indents it,
    # and only an anchor at the first column opens a block (issue 14, point 4).
    "numbered": lambda s: "1.  Recommendation: " + s,
}
CONTEXT_SHAPES = {
    "summary": ("bullet", "dash", "decimal", "year", "footnote", "colon"),
    "para": ("dash", "decimal", "year", "footnote", "colon"),
    "item": ("bullet", "dash", "decimal", "year", "footnote", "colon"),
    "mr": ("bullet", "dash", "decimal", "year", "footnote", "colon", "numbered"),
    "ka": ("bullet", "year", "footnote", "colon"),
}


_LONG = st.integers(0, 30)
_REPEAT = st.integers(5, 40)


@st.composite
def _prose_line(draw: st.DrawFn, shapes: st.SearchStrategy[str]) -> str:
    line = draw(_SENTENCE)
    shape = draw(shapes)
    if shape != "plain":
        line = _SHAPES[shape](line)
    if draw(_LONG) == 0:  # now and then a very long line
        line = " ".join([line] * draw(_REPEAT))
    return line


@functools.cache
def prose_line(context: str) -> st.SearchStrategy[str]:
    return _prose_line(st.sampled_from(("plain",) * 4 + CONTEXT_SHAPES[context]))


@functools.cache
def prose_lines(context: str, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(prose_line(context), min_size=min_size, max_size=max_size)


@functools.cache
def prose(context: str, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[str]:
    """Lines joined as the model keeps them: one per line, blank lines dropped."""
    return prose_lines(context, min_size, max_size).map("\n".join)


# --- values -----------------------------------------------------------------------------------------

_T = TypeVar("_T")
_BOOL = st.booleans()


@functools.cache
def _maybe(strategy: st.SearchStrategy[_T]) -> st.SearchStrategy[_T | None]:
    return st.none() | strategy


@functools.cache
def _pick(values: tuple[_T, ...]) -> st.SearchStrategy[_T]:
    return st.sampled_from(values)


@functools.cache
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern)


_MONTHS = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1995, 2030), st.integers(1, 12))
_DAYS = st.dates(date(2005, 1, 1), date(2030, 12, 31)).map(date.isoformat)
# Budgets as the portal prints them: whole dollars mostly, cents sometimes (`1,234.56`
# reads back as ``1234.56``, the same float as cents / 100).
_MONEY = st.one_of(
    st.integers(0, 10**9),
    st.integers(0, 10**9),
    st.integers(1, 10**10).filter(lambda c: c % 100 != 0).map(lambda c: c / 100),
)


def months() -> st.SearchStrategy[str]:
    return _MONTHS


def days() -> st.SearchStrategy[str]:
    return _DAYS


def money() -> st.SearchStrategy[int | float]:
    return _MONEY


EVALUATION_TYPES = (
    "Final Project",
    "ICPE/ADR",
    "Project",
    "Mid Term Project",
    "ADR",
    "UNDAF",
    "Outcome",
    "Country Programme Evaluation",
    "Thematic",
    "Global Programme",
)
# Plain pages show these; `Completed` most often. (The newer layout's status line is
# another rendering, not drawn here.)
EVALUATION_STATUSES = ("Completed", "Completed", "Cancelled", "Planned", "Ongoing")
GEF_REVIEW_TYPES = ("Terminal Evaluation", "Mid-term Review", "Mid-Term Review")
FOCAL_AREAS = ("Climate Change", "Biodiversity", "International Waters", "Land Degradation", "Multifocal")
GEF_PROJECT_TYPES = ("FSP", "MSP", "EA")
FUNDING = ("Project", "GEF", "gef", "TRAC", "Project budget", "UNDP project budget", "PBF")
LOCATIONS = ("Country Level", "Regional Level", "Global Level")
DOC_TYPES = ("tor", "report", "related-document", "summary", "management-response")
LANGUAGES = ("English", "French", "Spanish", "Portuguese", "Arabic", "Russian")
DOC_EXTS = (".pdf", ".docx", ".doc", ".xlsx", ".pptx")
# The key-action status vocabulary of the README (the portal's list).
KA_STATUSES = (
    "Completed",
    "Initiated",
    "Not Initiated",
    "Overdue-Initiated",
    "Overdue-Not Initiated",
    "No deadline established",
    "No Longer Applicable",
    "Overdue",
    "Cancelled",
)
# Who is responsible: units and roles as the pages write them. None holds a status
# word or a `YYYY/MM` date: the row has no separators and is split at those anchors.
RESPONSIBLE = (
    "UNDP",
    "PIU",
    "UNDP CO",
    "SDT IRH/ES",
    "SDT IRH/TL and ES, ILO DWT/CO ES",
    "UNDP, UNECE and CTWC",
    "Project Manager",
    "Country Office",
    "UNDP/ IP and PMU",
    "Governance Unit",
    "ILO DWT/CO Budapest",
    "Programme Analyst, Environment",
)
# The evaluation criteria a finding or lesson is written under, as pages print them.
CRITERIA_HEADINGS = (
    "Relevance",
    "Coherence",
    "Effectiveness",
    "Efficiency",
    "Impact",
    "Sustainability",
    "Gender Equality",
    "Human Rights",
    "Cross-cutting Issues",
    "Partnerships",
    "Pertinencia",
    "Eficacia",
    "Efficience",
    "Durabilité",
)
# Team titles start with a word of ``normalize.team.TITLE_WORDS``: the row has no cell
# borders, and a title is recognised by its first word.
TEAM_TITLES = (
    "Team Leader",
    "Team leader",
    "Independent Evaluator",
    "International Consultant",
    "National Consultant",
    "Evaluation Consultant",
    "Consultant international",
    "Lead Evaluator",
    "Evaluation Specialist",
    "Gender Expert",
)
_EMAIL_DOMAINS = ("hujav.ham", "vihur.ham", "undp.org", "gmail.com", "numulazojebi.wub")


@functools.cache
def country_names() -> tuple[str, ...]:
    """Upper-case country names and units from the gazetteer, as the portal prints them."""
    import pycountry

    from erc_parse.normalize import countries as gz

    names = {str(c.name).upper() for c in pycountry.countries if "," not in str(c.name)}
    names |= set(gz._ALIASES) | set(gz._COUNTRIES_WITHOUT_CODE) | set(gz._UNITS)
    # The letters the portal's names use (a name with `'` or accents is printed folded).
    return tuple(sorted(n for n in names if re.fullmatch(r"[A-Z][A-Z ,.()'-]*[A-Z.)]", n)))


@functools.cache
def nationality_names() -> tuple[str, ...]:
    """Nationalities a team row can end with: a country of at most five words, no comma.

    A row without an e-mail has only the upper-case tail to mark the nationality, and
    the reader tries tails of up to five words (``normalize.team``).
    """
    from erc_parse.normalize.countries import is_country

    return tuple(n for n in country_names() if is_country(n) and "," not in n and len(n.split()) <= 5)


def countries() -> st.SearchStrategy[list[Country]]:
    """Countries of an evaluation, ISO codes from the gazetteer.

    The plain page runs the names together (`ALBANIABOSNIA AND HERCEGOVINA...`), so two
    names whose concatenation reads as other names cannot be told apart; such lists
    are rejected (see ``_unambiguous``) rather than guessed.
    """
    from erc_parse.normalize.countries import iso3

    names = st.lists(st.sampled_from(country_names()) | inverted_names(), min_size=1, max_size=6, unique=True)
    return names.filter(_unambiguous).map(lambda ns: [Country(name=n, iso3=iso3(n)) for n in ns])


_STATE_FORMS = ("REPUBLIC OF", "ARAB REPUBLIC OF", "KINGDOM OF", "FEDERAL DEMOCRATIC REPUBLIC OF", "THE")


def inverted_names() -> st.SearchStrategy[str]:
    """A country in ISO 3166's inverted form, as the portal prints some: `YEMEN, REPUBLIC OF`."""
    from erc_parse.normalize.countries import is_country

    bases = tuple(n for n in country_names() if "," not in n and "(" not in n and is_country(n))
    return st.builds(lambda b, q: f"{b}, {q}", st.sampled_from(bases), st.sampled_from(_STATE_FORMS))


def _unambiguous(names: list[str]) -> bool:
    """No known name spans the seam of two neighbours (`NIGER` + `IA...`, `GUINEA` + `-BISSAU`).

    With every name known, any other reading of the run-together text must hold a
    known name across a seam; if none does, the intended split is the only one with
    the fewest pieces. Checked by walking the gazetteer's trie (its data, not the
    splitter under test) from every position of the left name.
    """
    from erc_parse.normalize import countries as gz

    trie = gz._gazetteer().trie
    for a, b in zip(names, names[1:], strict=False):
        joined = gz._fold(a + b)
        for i in range(len(a)):
            node: gz._Node | None = trie
            for j in range(i, len(joined)):
                node = node.children.get(joined[j]) if node is not None else None
                if node is None:
                    break
                if node.entry is not None and j + 1 > len(a):
                    return False
    return True


@st.composite
def team_members(draw: st.DrawFn) -> TeamMember:
    """A row of the team table, with the cells the row can be split back into.

    Names are capitalised pseudo-words (never a title word, an e-mail or upper case);
    a title starts with a title word. Without an e-mail, a nationality must be a known
    country (the only mark of the last cell) and needs another cell before it.
    """
    name = draw(_maybe(name_words(1, 3)))
    title = draw(_maybe(_pick(TEAM_TITLES)))
    email = None
    if draw(_BOOL):
        # The local part spells the whole name: with no title word, a name the address
        # spells only in part (`ab.cd@` for `Ab Cd Ef`) reads as a name and a title.
        local = ".".join(w.lower() for w in (name or draw(name_words(1, 2))).split())
        email = f"{local}@{draw(_pick(_EMAIL_DOMAINS))}"
    nationality = draw(_maybe(_pick(nationality_names())))
    if name is None and title is None and email is None:
        name = draw(name_words(1, 3))
    if email is None and nationality is not None and name is None and title is None:
        nationality = None
    if name is None and title is None and email is not None:
        nationality = None  # `x@y.z SENEGAL` alone: the portal never prints a row without a name or title
    return TeamMember(name=name, title=title, email=email, nationality=nationality)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A documents-table row. Older pages leave language and size empty, even the file name.

    Type, status and download count are always there: with no cell separators, a row is
    recognised from its right end, and those are the cells every real row has. File
    names are capitalised words: a lower-case word followed by a capitalised one and a
    size would read as the type and language cells.
    """
    stem = draw(_STEM)
    sep = draw(_pick((" ", "_", "-", " - ")))
    filename = sep.join(stem) + draw(_pick(DOC_EXTS))
    full = draw(_ints(0, 5)) > 0
    return Document(
        filename=filename if full or draw(_BOOL) else None,
        type=draw(_pick(DOC_TYPES)),
        language=draw(_pick(LANGUAGES)) if full else None,
        size_kb=draw(_ints(1, 5_000_000)) / 100 if full else None,
        status="Posted",
        downloads=draw(_ints(0, 5000)),
    )


@st.composite
def items(draw: st.DrawFn, criteria: bool) -> list[Item]:
    """Numbered items 1..n, each plain text or, under Lessons and Findings, an optional
    intro then criterion headings with their text (the sample's Findings)."""
    out: list[Item] = []
    for number in range(1, draw(_ints(0, 5)) + 1):
        headed = criteria and draw(_ints(0, 2)) == 0
        if not headed:
            out.append(Item(number=number, text=draw(_ITEM_TEXT)))
            continue
        if draw(_BOOL):
            out.append(Item(number=number, text=draw(prose("item", 1, 2))))
        heads = draw(_HEADS)
        for head in heads:
            out.append(Item(number=number, heading=head, text=draw(prose("item", 0, 3))))
    return out


@st.composite
def key_actions(draw: st.DrawFn, block: int) -> list[KeyAction]:
    """Key actions of one block, numbered `B.K` (as most pages do), `K` or not at all.

    Multi-line comments only on the block's last action or before a numbered one: the
    page prints comment lines and the next action's text alike, and only a number
    tells them apart. Comments never end with the word `History` (the update-history
    link's place) and justifications hold no `]`. Every row has a status (the portal
    always shows one) and a due month unless the status is `No deadline established`:
    the row has no separators and is split at the month and the status. Text and comment
    lines never start like a key-action number (`- `, `3.1 `), for the same reason.
    """
    out: list[KeyAction] = []
    n = draw(_ints(0, 4))
    style = draw(_pick(("dotted", "plain", "none")))
    numbers: list[str | None] = [
        f"{block}.{k}" if style == "dotted" else str(k) if style == "plain" else None for k in range(1, n + 1)
    ]
    for k in range(n):
        if draw(_ints(0, 5)) == 0:
            numbers[k] = None  # the sample's 10th block has one unnumbered action
    for k in range(n):
        status = draw(_pick(KA_STATUSES))
        due = draw(_maybe(months())) if status == "No deadline established" else draw(months())
        next_numbered = k + 1 < n and numbers[k + 1] is not None
        comment_lines = draw(prose_lines("ka", 0, 3 if (k + 1 == n or next_numbered) else 1))
        comments = "\n".join(_no_trailing_history(c) for c in comment_lines) or None
        justification = None
        if status == "No Longer Applicable" and draw(_BOOL):
            justification = draw(sentence()).replace("]", ")")
        out.append(
            KeyAction(
                number=numbers[k],
                text=draw(prose("ka", 1, 3)),
                added=draw(days()),
                last_updated=draw(_maybe(days())),
                responsible=draw(_maybe(_pick(RESPONSIBLE))),
                due=due,
                status=status,
                comments=comments,
                justification=justification,
                has_history=draw(_BOOL),
            )
        )
    return out


def _no_trailing_history(line: str) -> str:
    return line + " ok" if line.endswith("History") else line


@st.composite
def responses(draw: st.DrawFn, count: int) -> list[ManagementResponse]:
    return [
        ManagementResponse(
            recommendation_number=b,
            recommendation=draw(_maybe(prose("mr", 1, 4))),
            response=draw(_maybe(prose("mr", 1, 3))),
            added=draw(days()),
            last_updated=draw(_maybe(days())),
            key_actions=draw(key_actions(b)),
        )
        for b in range(1, count + 1)
    ]


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    """An evaluation as its plain detail page shows it (the sample's layout).

    What is left out, and why:
    - ``extra`` holds at most `Management Response: Yes (Partial)` (the nuance of a
      yes/no the page qualifies). Unknown labels are never drawn: a page's unknown label
      is a warning by design, and the round trip demands none.
    - ``response_unit``: management-response pages only (it makes the page one).
    - ``commissioning_unit`` is the plan's unit (`2018-2021, RBEC`): evaluation pages
      have no such label, and the parser reads it from the plan.
    - ``strategic_plan`` comes with the `Corporate Outcome and Output (UNDP Strategic
      Plan ...)` heading; without it there are no corporate outcomes.
    - ``joint_with`` only under `Joint Evaluation:` (its bullets belong to that label).
    - ``title`` is never empty: plain pages open with it. No summary line equals it:
      the newer layout prints the title twice, and that is how it is recognised.
    """
    plan_years = draw(_ints(2005, 2026))
    unit = draw(_maybe(name_words(1, 3)))
    plan = f"{plan_years}-{plan_years + draw(_ints(3, 5))}" + (f", {unit}" if unit else "")
    status = draw(_pick(EVALUATION_STATUSES))
    strategic_plan = draw(_maybe(_pick(("2014-2017", "2018-2021", "2022-2025", "2008-2011"))))
    joint_evaluation = draw(_maybe(_BOOL))
    gef = None
    if draw(_ints(0, 3)) == 0:
        gef = Gef(
            project_title=draw(_maybe(name_words(2, 8))),
            evaluation_type=draw(_maybe(_pick(GEF_REVIEW_TYPES))),
            focal_area=draw(_maybe(_pick(FOCAL_AREAS))),
            project_type=draw(_maybe(_pick(GEF_PROJECT_TYPES))),
            phase=draw(_maybe(_GEF_PHASE)),
            project_id=draw(_maybe(_regex(r"\A[0-9]{4,8}\Z"))),
            pims_number=draw(_maybe(_regex(r"\A(PIMS )?[0-9]{3,5}\Z"))),
        )
    meta = Metadata(
        title=draw(_titles()),
        atlas_project_numbers=draw(_ATLAS),
        evaluation_plan=plan,
        evaluation_type=draw(_maybe(_pick(EVALUATION_TYPES))),
        status=status,
        completion_date=draw(_maybe(months())),
        planned_end_date=draw(_maybe(months())),
        management_response=draw(_maybe(_BOOL)),
        budget_usd=draw(_maybe(money())),
        expenditure_usd=draw(_maybe(money())),
        source_of_funding=draw(_maybe(_pick(FUNDING))),
        strategic_plan=strategic_plan,
        corporate_outcomes=draw(_OUTPUTS) if strategic_plan else [],
        focus_areas=draw(_FOCUS),
        signature_solutions=draw(_SOLUTIONS),
        sdg_goals=draw(_GOALS),
        sdg_targets=draw(_TARGETS),
        joint_programme=draw(_maybe(_BOOL)),
        joint_evaluation=joint_evaluation,
        joint_with=draw(_JOINT_WITH) if joint_evaluation else [],
        mandatory=draw(_maybe(_BOOL)),
        location=draw(_maybe(_pick(LOCATIONS))),
        team=draw(_TEAM),
        gef=gef,
        key_stakeholders=draw(_stakeholders()),
        countries=draw(_COUNTRIES),
        commissioning_unit=unit,
        summary=draw(_maybe(prose("summary", 1, 3))),
        comments=draw(_maybe(prose("para", 1, 2))),
        justification=draw(prose("para", 1, 2)) if status == "Cancelled" and draw(_BOOL) else None,
    )
    if meta.management_response and draw(_ints(0, 5)) == 0:
        meta.extra = {"Management Response": "Yes (Partial)"}
    if meta.summary and _fold(meta.title) in {_fold(x) for x in meta.summary.split("\n")}:
        meta.summary = None
    return Evaluation(
        kind="evaluation",
        layout="plain",
        metadata=meta,
        documents=draw(_DOCUMENTS),
        lessons=draw(_ITEMS_WITH_CRITERIA),
        findings=draw(_ITEMS_WITH_CRITERIA),
        recommendations=draw(_ITEMS),
        management_responses=draw(_RESPONSES),
    )


def _fold(text: str | None) -> str:
    return " ".join((text or "").lower().split())


@st.composite
def _titles(draw: st.DrawFn) -> str:
    """Titles as pages have them, `Mid-term Evaluation: ...` prefixes included.

    Never a known label (`Status: ...`), `Evaluation Plan of ...` or chrome: a first line
    like that is what it says, not a title.
    """
    prefix = draw(
        _pick(
            (
                "",
                "",
                "Final Evaluation: ",
                "Mid-term Review of ",
                "Independent Country Programme Evaluation: ",
            )
        )
    )
    name: str = draw(name_words(1, 8))
    suffix: str = draw(_pick(("", "", " (2018-2021)", " - Phase II")))
    return f"{prefix}{name}{suffix}"


@st.composite
def _stakeholders(draw: st.DrawFn) -> list[str]:
    """`A, B` or, when an entry holds a comma, `A; B, C` (the page's two list styles).

    An entry holds a comma only beside another entry: `A, B` alone is two stakeholders
    or one, and only the `;` between entries says which style the page uses.
    """
    entries = draw(_STAKEHOLDER_ENTRIES)
    if len(entries) >= 2 and draw(_ints(0, 3)) == 0:
        entries[0] = entries[0] + ", " + draw(name_words(1, 1))
    return entries


# Built once: see the note above ``_PUNCT``.
_GEF_PHASE = st.integers(1, 8).map(lambda p: f"GEF-{p}")
_OUTPUTS = st.lists(
    st.builds(lambda n, s: f"Output {n} {s}", st.from_regex(r"\A[1-7]\.[1-5](\.[1-5])?\Z"), _SENTENCE),
    max_size=3,
)
_GOALS = st.lists(st.builds(lambda n, s: f"Goal {n}. {s}", st.integers(1, 17), _SENTENCE), max_size=3)
_TARGETS = st.lists(
    st.builds(lambda n, s: f"{n} {s}", st.from_regex(r"\A1?[0-9]\.[1-9a]\Z"), _SENTENCE), max_size=3
)
_FOCUS = st.lists(name_words(1, 3), max_size=3)
_SOLUTIONS = st.lists(name_words(1, 2), max_size=2)
_JOINT_WITH = st.lists(name_words(1, 3), max_size=2)
_TEAM = st.lists(team_members(), max_size=3)
_COUNTRIES: st.SearchStrategy[list[Country]] = st.just([]) | countries()
_DOCUMENTS = st.lists(documents(), max_size=4)
_ITEMS_WITH_CRITERIA = items(criteria=True)
_ITEMS = items(criteria=False)
_RESPONSES = st.integers(0, 4).flatmap(responses)
_STAKEHOLDER_ENTRIES = st.lists(name_words(1, 3).map(lambda s: s.upper() if len(s) < 6 else s), max_size=4)
_STEM = st.lists(_CAP, min_size=1, max_size=4)
_ITEM_TEXT = st.just("") | prose("item", 1, 4)
_HEADS = st.lists(st.sampled_from(CRITERIA_HEADINGS), min_size=1, max_size=4)
_ATLAS = st.lists(st.from_regex(r"\A0{0,3}[0-9]{5}\Z"), max_size=3)
