"""Value normalizers: page strings to the typed values of the JSON contract.

Each returns ``None`` for an empty or unreadable value instead of raising, because
the parser reports the line and goes on; the caller decides whether a ``None``
deserves a diagnostic (an empty header value does not, ``13/2018`` does).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "MONTHS",
    "atlas_numbers",
    "clean_item",
    "day",
    "money",
    "month",
    "split_list",
    "strategic_plan",
    "yes_no",
]

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january", "ene", "enero", "janv", "janvier", "janeiro"),
            ("feb", "february", "febrero", "fév", "fevr", "février", "fevereiro"),
            ("mar", "march", "marzo", "mars", "março"),
            ("apr", "april", "abr", "abril", "avr", "avril"),
            ("may", "mayo", "mai", "maio"),
            ("jun", "june", "junio", "juin", "junho"),
            ("jul", "july", "julio", "juil", "juillet", "julho"),
            ("aug", "august", "ago", "agosto", "août", "aout"),
            ("sep", "sept", "september", "septiembre", "septembre", "setembro", "set"),
            ("oct", "october", "octubre", "octobre", "out", "outubro"),
            ("nov", "november", "noviembre", "novembre", "novembro"),
            ("dec", "december", "dic", "diciembre", "déc", "décembre", "dez", "dezembro"),
        ],
        start=1,
    )
    for m in names
}

_T = TypeVar("_T")
#: How many spellings a memo holds before it starts again from empty.
MEMO_SIZE = 2048


class _Memo(dict[str, _T]):
    """The values read so far, by spelling; a spelling not yet read is read on look-up."""

    __slots__ = ("longest", "read")

    def __init__(self, read: Callable[[str], _T], longest: int) -> None:
        super().__init__()
        self.read = read
        self.longest = longest

    def __missing__(self, raw: str) -> _T:
        value = self.read(raw)
        if len(raw) <= self.longest:
            if len(self) >= MEMO_SIZE:
                self.clear()
            self[raw] = value
        return value


_MEMOS: list[_Memo[Any]] = []


def per_spelling(read: Callable[[str], _T], *, longest: int) -> Callable[[str], _T]:
    """``read``, remembered per spelling for values of up to ``longest`` characters.

    Value readers are pure functions of a string, and the pages of one download repeat
    their values (labels, months, dates, countries): each spelling is read once. A
    spelling already read costs one dict look-up, with no Python call: the returned
    function is the memo's own ``__getitem__``, and only a new spelling reaches
    ``__missing__``. Longer values, which rarely repeat, are read every time rather
    than crowd the memo, and a full memo starts again from empty (``MEMO_SIZE``), so
    memory stays bounded. ``clear_caches`` empties every memo (the benchmark's worst case).
    """
    memo = _Memo(read, longest)
    _MEMOS.append(memo)
    return memo.__getitem__


def clear_caches() -> None:
    """Forget every value read through ``per_spelling``."""
    for memo in _MEMOS:
        memo.clear()


_MM_YYYY = re.compile(r"^(\d{1,2})/(\d{4})$")
_YYYY_MM = re.compile(r"^(\d{4})[/-](\d{1,2})$")
_WORDY = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-zéèûçô]+)\.?,?\s+(\d{4})$")
_DAY = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")


def _ym(year: int, mon: int) -> str | None:
    if 1 <= mon <= 12 and 1900 <= year <= 2200:
        return f"{year:04d}-{mon:02d}"
    return None


def month(raw: str | None) -> str | None:
    """``11/2018``, ``2018/11``, ``Feb 2022``, ``28 Feb, 2022`` -> ``YYYY-MM``.

    The portal shows months in several renderings depending on the page's age; the
    contract keeps only year and month since most renderings have no day.
    """
    if not raw:
        return None
    return _month_once(raw)


def _month(raw: str) -> str | None:
    s = raw.strip()
    m = _MM_YYYY.match(s)
    if m:
        return _ym(int(m[2]), int(m[1]))
    m = _YYYY_MM.match(s)
    if m:
        return _ym(int(m[1]), int(m[2]))
    m = _WORDY.match(s)
    if m:
        mon = MONTHS.get(m[2].lower())
        return _ym(int(m[3]), mon) if mon else None
    m = _DAY.match(s)
    if m:
        return _ym(int(m[1]), int(m[2]))
    return _fallback_month(s)


# Pages of one download share a few hundred months at most.
_month_once = per_spelling(_month, longest=40)


# dateutil fills what a value lacks from a default date (today's, unless given). Read
# with two defaults that differ in year and month, a value that names both reads the same.
_DEFAULTS = (dt.datetime(1901, 1, 1), dt.datetime(1902, 2, 1))


def _fallback_month(s: str) -> str | None:
    # Rare renderings only: dateutil is slow to import and too lenient for the hot path.
    # The length first: a line of prose (a header label left empty) is read here too, and
    # a generator over its every character cost more than the rest of the line's parse.
    if len(s) > 40 or not any(ch.isdigit() for ch in s):
        return None
    from dateutil import parser as dateparser

    try:
        a, b = (dateparser.parse(s, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    # "June 12" has no year, "2018" no month: not a month, whatever today is.
    return _ym(a.year, a.month) if (a.year, a.month) == (b.year, b.month) else None


def day(raw: str | None) -> str | None:
    """``2018/11/23`` -> ``2018-11-23``; anything else -> ``None``."""
    if not raw:
        return None
    return _day_once(raw)


def _day(raw: str) -> str | None:
    m = _DAY.match(raw.strip())
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


# The stamps of one page share a few dates (every action added the same day).
_day_once = per_spelling(_day, longest=40)

_MAX_MONEY_DIGITS = 18
_MONEY = re.compile(r"^(?:US\s*)?\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(?:USD|US\$)?$")


def money(raw: str | None) -> int | float | None:
    """``13,200`` / ``$30,000`` / ``1,234.50`` -> number; ``--`` or empty -> ``None``."""
    if not raw:
        return None
    m = _MONEY.match(raw.strip())
    if not m:
        return None
    digits = m[1].replace(",", "")
    if len(digits) > _MAX_MONEY_DIGITS:
        # Not an amount a page shows (a value run into the next line): reading it would
        # give a float that JSON cannot hold (inf) or an int past int()'s digit limit.
        return None
    return int(digits) if "." not in digits else float(digits)


def yes_no(raw: str | None) -> bool | None:
    """``Yes``/``No`` (also ``Yes (Partial)``, ``Sí``, ``Oui``) -> bool; else ``None``."""
    if not raw or raw.isspace():
        return None
    # Any whitespace ends the word: a tab or a no-break space before "(Partial)" as well.
    w = raw.split(None, 1)[0].lower()
    if w in ("yes", "sí", "si", "oui", "sim", "true"):
        return True
    if w in ("no", "non", "não", "nao", "false"):
        return False
    return None


_PLAN = re.compile(r"Strategic Plan\s+(\d{4}\s*-\s*\d{4,5})")


def strategic_plan(raw: str) -> str | None:
    """The period of ``(UNDP Strategic Plan 2018-2021)``, kept as printed (even ``2008-20013``)."""
    m = _PLAN.search(raw)
    return m[1].replace(" ", "") if m else None


def atlas_numbers(raw: str | None) -> list[str]:
    """Comma (or space) separated project numbers, leading zeros kept."""
    if not raw:
        return []
    return [p for p in _ATLAS_SEPARATORS.split(raw.strip()) if p]


_ATLAS_SEPARATORS = re.compile(r"[,;\s]+")


_ENUM = re.compile(r"^(?:[•·▪\-*]\s*)?(?:\d{1,3}\.\s+)?")


def clean_item(raw: str) -> str:
    """``  • 1. Output 1.1.2 ...`` -> ``Output 1.1.2 ...``: the bullet and list number are layout."""
    return _ENUM.sub("", raw.strip(), count=1).strip()


def split_list(raw: str | None) -> list[str]:
    """Stakeholder-style lists: split on ``;`` when the page uses it, else on commas."""
    if not raw:
        return []
    sep = ";" if ";" in raw else ","
    return [p.strip() for p in raw.split(sep) if p.strip()]
