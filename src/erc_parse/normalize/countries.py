"""Split the ERC ``Countries:`` value into country names, with ISO 3166-1 alpha-3 codes.

Why this module exists
----------------------
The portal renders the list of countries of an evaluation by concatenating the names with no
separator at all::

    ALBANIABOSNIA AND HERCEGOVINAKOSOVOMACEDONIA, THE FORMER YUGOSLAV REPUBLIC OFMONTENEGRO...

Older pages separate them with spaces (``FIJI SAMOA``), the newer site layout writes one name in
title case (``Iraq``), and some names contain a comma themselves (``CAMEROON, REPUBLIC OF``: ISO
3166's inverted form, which :func:`split_countries` reads for any country it knows), so
neither splitting on a character nor splitting on case changes works.  The names follow the old
upper-case ISO 3166 short names, with a few UNDP spellings of their own (``BOSNIA AND
HERCEGOVINA``), and the list may also hold units that are not countries (``GLOBAL``,
``REGIONAL``, a regional bureau) or a name cut short by a truncated dump (``HONDURA``).

Why dynamic programming and not greedy longest-match
----------------------------------------------------
Country names are prefixes and suffixes of one another: ``NIGER``/``NIGERIA``, ``GUINEA``/
``GUINEA-BISSAU``/``EQUATORIAL GUINEA``, ``DOMINICA``/``DOMINICAN REPUBLIC``, ``SUDAN``/``SOUTH
SUDAN``, ``CONGO``/``CONGO, THE DEMOCRATIC REPUBLIC OF THE``.  Taking the longest known name at
each position can swallow the start of the next name and leave an unknown remainder that a
different cut would have avoided.  :func:`split_countries` therefore searches all segmentations
at once (a two-state dynamic programme over the string, right to left) and picks the one that

1. leaves the fewest characters not covered by a known name, then
2. uses the fewest pieces, then
3. (ties) takes the longest piece first, as the portal's ``NAME, QUALIFIER`` style wants.

The work is bounded: at each position a trie of the gazetteer is walked, which stops after at
most the longest gazetteer entry (~50 characters), so the cost is linear in the input length.

Where the codes come from
-------------------------
ISO codes come from ``pycountry`` (names, official names and common names of ISO 3166-1), plus
the small, documented tables below for the portal's own spellings (:data:`_ALIASES`), names that
are countries without an ISO 3166-1 code (:data:`_COUNTRIES_WITHOUT_CODE`, e.g. ``KOSOVO``), and
non-country units (:data:`_UNITS`).  Lookups are case- and accent-insensitive, treat the
typographic apostrophes, ``?`` and ``\\ufffd`` (encoding damage of an apostrophe in the dumps) as
``'``, and any whitespace as a space.  The lookup is built once, lazily; ``pycountry`` is imported
only then, so importing this module is cheap.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["is_country", "iso3", "split_countries"]

#: The portal's spellings (upper case, as printed) that differ from every pycountry name,
#: official name and common name, mapped to the ISO 3166-1 alpha-3 code.  UNDP follows the older
#: ISO 3166 short names ("MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF", "SWAZILAND"), the UN M49
#: style with brackets ("IRAN (ISLAMIC REPUBLIC OF)"), and a few spellings of its own.
_ALIASES: dict[str, str] = {
    # Former ISO 3166 short names still used by the portal.
    "BOSNIA AND HERCEGOVINA": "BIH",
    "MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF": "MKD",
    "THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA": "MKD",
    "FORMER YUGOSLAV REPUBLIC OF MACEDONIA": "MKD",
    "MACEDONIA": "MKD",
    "TURKEY": "TUR",
    "SWAZILAND": "SWZ",
    "CAPE VERDE": "CPV",
    "LIBYAN ARAB JAMAHIRIYA": "LBY",
    "PALESTINIAN TERRITORY, OCCUPIED": "PSE",
    "HOLY SEE": "VAT",
    "CZECH REPUBLIC": "CZE",
    "EAST TIMOR": "TLS",
    "BURMA": "MMR",
    # UNDP / UN M49 spellings.
    "REPUBLIC OF CAMEROON": "CMR",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "COD",
    "CONGO, DEMOCRATIC REPUBLIC OF": "COD",
    "CONGO, THE DEMOCRATIC REPUBLIC OF": "COD",
    "CONGO (DEMOCRATIC REPUBLIC OF THE)": "COD",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "COD",
    "DEMOCRATIC REPUBLIC OF CONGO": "COD",
    "CONGO, REPUBLIC OF": "COG",
    "CONGO, REPUBLIC OF THE": "COG",
    "CONGO (REPUBLIC OF)": "COG",
    "IRAN (ISLAMIC REPUBLIC OF)": "IRN",
    "BOLIVIA (PLURINATIONAL STATE OF)": "BOL",
    "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VEN",
    "MICRONESIA (FEDERATED STATES OF)": "FSM",
    "MICRONESIA": "FSM",
    "KOREA, DEMOCRATIC PEOPLE'S REP. OF": "PRK",
    "REPUBLIC OF KOREA": "KOR",
    "LAO PDR": "LAO",
    "LAO PEOPLE'S DEMOCRATIC REP.": "LAO",
    "VIETNAM": "VNM",
    "TANZANIA (UNITED REPUBLIC OF)": "TZA",
    "MOLDOVA (REPUBLIC OF)": "MDA",
    "REPUBLIC OF MOLDOVA": "MDA",
    "RUSSIA": "RUS",
    "BRUNEI": "BRN",
    "COTE DIVOIRE": "CIV",
    "IVORY COAST": "CIV",
    "THE GAMBIA": "GMB",
    "THE BAHAMAS": "BHS",
    "GUINEA BISSAU": "GNB",
    "TIMOR LESTE": "TLS",
    "ST. KITTS AND NEVIS": "KNA",
    "ST KITTS AND NEVIS": "KNA",
    "ST. LUCIA": "LCA",
    "ST LUCIA": "LCA",
    "ST. VINCENT AND THE GRENADINES": "VCT",
    "ST VINCENT AND THE GRENADINES": "VCT",
    "SAINT VINCENT AND GRENADINES": "VCT",
    "UNITED STATES OF AMERICA": "USA",
    # Palestine: UNDP's Programme of Assistance to the Palestinian People (PAPP) stands for it.
    "PALESTINE": "PSE",
    "STATE OF PALESTINE": "PSE",
    "OCCUPIED PALESTINIAN TERRITORIES": "PSE",
    "OCCUPIED PALESTINIAN TERRITORY": "PSE",
    "PROGRAMME OF ASSISTANCE TO THE PALESTINIAN PEOPLE": "PSE",
    "PROGRAM OF ASSISTANCE TO THE PALESTINIAN PEOPLE": "PSE",
}

#: Countries (or former countries) the portal lists that have no current ISO 3166-1 code.
#: They are known names (so the splitter can cut around them), with ``iso3`` None.
_COUNTRIES_WITHOUT_CODE: tuple[str, ...] = (
    "KOSOVO",
    "KOSOVO (UNDER UNSC RES. 1244)",
    "KOSOVO (UNDER UNSCR 1244)",
    "KOSOVO (AS PER UNSCR 1244)",
    "KOSOVO (UNSCR 1244)",
    # Withdrawn from ISO 3166-1 (now ISO 3166-3); an old evaluation may still list them.
    "SERBIA AND MONTENEGRO",
    "YUGOSLAVIA",
    "NETHERLANDS ANTILLES",
)

#: Units that are not countries but appear in the field: kept as names, ``iso3`` None,
#: and :func:`is_country` is False for them.
_UNITS: tuple[str, ...] = (
    "GLOBAL",
    "REGIONAL",
    "AFRICA",
    "ARAB STATES",
    "ASIA AND THE PACIFIC",
    "EUROPE AND THE CIS",
    "EUROPE AND CIS",
    "EUROPE AND CENTRAL ASIA",
    "LATIN AMERICA AND THE CARIBBEAN",
    "REGIONAL BUREAU FOR AFRICA",
    "REGIONAL BUREAU FOR ARAB STATES",
    "REGIONAL BUREAU FOR ASIA AND THE PACIFIC",
    "REGIONAL BUREAU FOR EUROPE AND THE CIS",
    "REGIONAL BUREAU FOR EUROPE AND CIS",
    "REGIONAL BUREAU FOR EUROPE AND THE COMMONWEALTH OF INDEPENDENT STATES",
    "REGIONAL BUREAU FOR LATIN AMERICA AND THE CARIBBEAN",
    "BUREAU FOR POLICY AND PROGRAMME SUPPORT",
    "BUREAU FOR DEVELOPMENT POLICY",
    "BUREAU FOR CRISIS PREVENTION AND RECOVERY",
    "BUREAU FOR EXTERNAL RELATIONS AND ADVOCACY",
    "BUREAU OF MANAGEMENT",
    "INDEPENDENT EVALUATION OFFICE",
    "EVALUATION OFFICE",
)

#: Characters that may separate two names (besides names simply running together).
_SEPARATOR_PUNCTUATION = ",;"

_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032?\ufffd")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2212")


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _SEPARATOR_PUNCTUATION


@functools.cache
def _fold_char(ch: str) -> str:
    """Fold one character to exactly one character (so positions stay aligned with the input).

    Upper case, accents removed, apostrophe look-alikes to ``'``, dashes to ``-``, whitespace to
    a space.  A character whose folding would not be a single character is kept as it is.
    """
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    base = decomposed[0] if decomposed else ch
    if len(decomposed) > 1 and not all(unicodedata.combining(c) for c in decomposed[1:]):
        base = ch
    upper = base.upper()
    return upper if len(upper) == 1 else base


def _fold(text: str) -> str:
    """Per-character fold; same length as ``text``."""
    return "".join(map(_fold_char, text))


def _key(name: str) -> str:
    """Lookup key of a whole name: folded, whitespace runs collapsed, stripped."""
    return " ".join(_fold(name).split())


@dataclass(frozen=True, slots=True)
class _Entry:
    iso3: str | None
    is_country: bool


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    entry: _Entry | None = None


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    entries: dict[str, _Entry]
    trie: _Node


@functools.cache
def _gazetteer() -> _Gazetteer:
    """Build the folded-name lookup and its trie (once; imports pycountry)."""
    import pycountry

    entries: dict[str, _Entry] = {}
    for country in pycountry.countries:
        code = str(country.alpha_3)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if isinstance(value, str) and value:
                entries.setdefault(_key(value), _Entry(code, True))
                # "the State of Palestine" -> also "STATE OF PALESTINE".
                if value.lower().startswith("the "):
                    entries.setdefault(_key(value[4:]), _Entry(code, True))
    for name, code in _ALIASES.items():
        entries[_key(name)] = _Entry(code, True)
    for name in _COUNTRIES_WITHOUT_CODE:
        entries[_key(name)] = _Entry(None, True)
    for name in _UNITS:
        entries[_key(name)] = _Entry(None, False)

    root = _Node()
    for key, entry in entries.items():
        node = root
        for ch in key:
            node = node.children.setdefault(ch, _Node())
        node.entry = entry
    return _Gazetteer(entries, root)


def _lookup(name: str) -> _Entry | None:
    """The gazetteer's entry for a whole name, also in the inverted form `NAME, QUALIFIER`."""
    key = _key(name)
    entries = _gazetteer().entries
    entry = entries.get(key)
    if entry is None and ", " in key:
        base, qualifier = key.rsplit(", ", 1)
        inverted = entries.get(base)
        if inverted is not None and inverted.is_country and _QUALIFIER.fullmatch(qualifier):
            return inverted
    return entry


def iso3(name: str) -> str | None:
    """ISO 3166-1 alpha-3 for a country name in any of the portal's spellings, else None.

    Case-, accent- and apostrophe-insensitive; whitespace runs count as one space.

    >>> iso3("BOSNIA AND HERCEGOVINA"), iso3("Viet Nam"), iso3("KOSOVO"), iso3("GLOBAL")
    ('BIH', 'VNM', None, None)
    """
    entry = _lookup(name)
    return entry.iso3 if entry is not None else None


def is_country(name: str) -> bool:
    """True if ``name`` is a known country spelling (with or without an ISO code, e.g. KOSOVO).

    False for non-country units (``GLOBAL``, a bureau) and for unknown text.  Meant to recognise
    a trailing nationality such as ``SENEGAL`` in a team row.
    """
    entry = _lookup(name)
    return entry is not None and entry.is_country


# Moves of the dynamic programme (stored per position for the back-trace).
_SEP = 0  # boundary state: skip one separator character
_NAME = 1  # boundary state: take a known name (length stored separately)
_OPEN = 2  # boundary state: start an unknown piece with this character
_CLOSE = 3  # unknown state: end the unknown piece here (no character consumed)
_GROW = 4  # unknown state: add this character to the unknown piece


def split_countries(raw: str) -> list[tuple[str, str | None]]:
    """Split a raw Countries value into (name as the portal spells it, ISO3 or None).

    Known names are matched case-insensitively (accents and apostrophe variants folded) against
    the gazetteer; what no known name covers becomes its own piece with ``iso3`` None (unless the
    whole piece is itself a known spelling once whitespace is collapsed).  Names are returned
    exactly as written in ``raw``, only stripped of surrounding whitespace.

    Separators are whitespace (``str.isspace``), ``,`` and ``;``.  Between two names there may
    be any run of separators, or none at all.  Inside a known name they are part of the name
    (``CAMEROON, REPUBLIC OF``).  Inside an unknown stretch, whitespace is part of the name
    (``Regional Service Centre``), while ``,`` and ``;`` end it.

    In mixed case, a known name is only taken at a word start (its first letter is upper case or
    follows a non-letter) and a word end (not followed by a lower-case letter right after a
    letter), so ``Romania`` is not read as ``R`` + ``Oman`` + ``ia``; all-caps text has no such
    clue and is split anywhere.

    Invariant: with ``names = [n for n, _ in split_countries(raw)]`` there are strings
    ``s_0 .. s_k``, each made only of separator characters, such that::

        raw == s_0 + names[0] + s_1 + names[1] + ... + names[k-1] + s_k

    and every name is non-empty with no leading or trailing whitespace.  In particular
    ``"".join(names)`` equals ``raw`` with the separator runs between names removed (the commas
    and spaces inside a name are kept), and no character of ``raw`` other than a separator is
    ever lost or changed.

    >>> split_countries("NIGERNIGERIAHONDURA")
    [('NIGER', 'NER'), ('NIGERIA', 'NGA'), ('HONDURA', None)]
    """
    n = len(raw)
    if n == 0:
        return []
    gaz = _gazetteer()
    folded = _fold(raw)
    sep = [_is_separator(ch) for ch in raw]

    # Costs are one int: unknown characters weigh more than any number of pieces.
    big = n + 1
    inf = big * (n + 2)
    # cost_a[i]: best cost of raw[i:] starting between names; cost_u[i]: inside an unknown piece
    # (that piece already paid for).
    cost_a = [0] * (n + 1)
    cost_u = [0] * (n + 1)
    move_a = [_SEP] * (n + 1)
    name_len = [0] * (n + 1)
    name_entry: list[_Entry | None] = [None] * (n + 1)
    move_u = [_CLOSE] * (n + 1)

    for i in range(n - 1, -1, -1):
        ch = raw[i]
        # --- boundary state ---
        best = inf
        best_move = _SEP
        best_len = 0
        best_entry: _Entry | None = None
        if sep[i]:
            best = cost_a[i + 1]
        elif _may_start(raw, i):
            # Walk the trie; keep the longest name of minimal cost (strict < from long to short
            # is emulated by <= while walking from short to long).
            node = gaz.trie
            j = i
            while j < n:
                nxt = node.children.get(folded[j])
                if nxt is None:
                    break
                node = nxt
                j += 1
                if node.entry is not None and _may_end(raw, j):
                    c = 1 + cost_a[j]
                    if c <= best:
                        best, best_move, best_len, best_entry = c, _NAME, j - i, node.entry
            c = big + 1 + cost_u[i + 1]
            if c < best:
                best, best_move = c, _OPEN
        else:
            c = big + 1 + cost_u[i + 1]
            if c < best:
                best, best_move = c, _OPEN
        cost_a[i] = best
        move_a[i] = best_move
        name_len[i] = best_len
        name_entry[i] = best_entry
        # --- unknown state ---
        best = cost_a[i]
        best_move = _CLOSE
        if ch.isspace():
            if cost_u[i + 1] < best:
                best, best_move = cost_u[i + 1], _GROW
        elif ch not in _SEPARATOR_PUNCTUATION:
            c = big + cost_u[i + 1]
            if c < best:
                best, best_move = c, _GROW
        cost_u[i] = best
        move_u[i] = best_move

    return [
        (raw[start:end], entry.iso3 if entry is not None else iso3(raw[start:end]))
        for start, end, entry in _with_qualifiers(raw, _trace(raw, move_a, name_len, name_entry, move_u))
    ]


#: The state forms of ISO 3166's inverted names, `NAME, QUALIFIER`: `EGYPT, ARAB REPUBLIC OF`,
#: `TANZANIA, UNITED REPUBLIC OF`, `BOLIVIA, PLURINATIONAL STATE OF`, `GAMBIA, THE`. Matched
#: on folded text (upper case, apostrophes alike).
_QUALIFIER = re.compile(
    r"THE|(?:THE )?(?:(?:ARAB|ISLAMIC|FEDERAL|DEMOCRATIC|PEOPLE'S|UNITED|PLURINATIONAL|BOLIVARIAN"
    r"|SOCIALIST|FEDERATED|COOPERATIVE|ORIENTAL|HASHEMITE|INDEPENDENT|CO-OPERATIVE) )*"
    r"(?:REPUBLIC|KINGDOM|STATES?|EMIRATE|SULTANATE|PRINCIPALITY|GRAND DUCHY|COMMONWEALTH|UNION)"
    r" OF(?: THE)?"
)


def _with_qualifiers(
    raw: str, pieces: list[tuple[int, int, _Entry | None]]
) -> list[tuple[int, int, _Entry | None]]:
    """``NAME, QUALIFIER`` as one piece: a known name, a comma, then a state form no name has.

    ISO 3166 writes many official names inverted, and the portal its own the same way
    (`CAMEROON, REPUBLIC OF`). A name the gazetteer knows whole is one piece already; any
    other known name followed by `, REPUBLIC OF` (or another state form) is that country,
    not two entries with the qualifier as an unknown one.
    """
    out: list[tuple[int, int, _Entry | None]] = []
    for start, end, entry in pieces:
        if out and entry is None and out[-1][2] is not None and out[-1][2].is_country:
            prev_start, prev_end, prev_entry = out[-1]
            gap = raw[prev_end:start]
            if gap.strip() == "," and _QUALIFIER.fullmatch(" ".join(_fold(raw[start:end]).split())):
                out[-1] = (prev_start, end, prev_entry)
                continue
        out.append((start, end, entry))
    return out


def _may_start(raw: str, i: int) -> bool:
    """A known name may start at ``i`` unless it would begin mid-word in lower case."""
    return not (i > 0 and raw[i].islower() and raw[i - 1].isalpha())


def _may_end(raw: str, j: int) -> bool:
    """A known name may end before ``j`` unless a lower-case letter continues the word."""
    return not (j < len(raw) and raw[j].islower() and raw[j - 1].isalpha())


def _trace(
    raw: str,
    move_a: list[int],
    name_len: list[int],
    name_entry: list[_Entry | None],
    move_u: list[int],
) -> list[tuple[int, int, _Entry | None]]:
    """The chosen pieces as ``(start, end, entry)``; ``entry`` None for an unknown piece."""
    out: list[tuple[int, int, _Entry | None]] = []
    n = len(raw)
    i = 0
    while i < n:
        move = move_a[i]
        if move == _SEP:
            i += 1
        elif move == _NAME:
            out.append((i, i + name_len[i], name_entry[i]))
            i += name_len[i]
        else:  # _OPEN: an unknown piece runs until the unknown state closes it.
            start = i
            i += 1
            while i < n and move_u[i] == _GROW:
                i += 1
            piece = raw[start:i].rstrip()
            out.append((start, start + len(piece), None))
    return out
