"""What changed between two downloads of the same ERC pages: ``erc-parse diff``.

Management-response pages are living pages: each quarter units update key-action
statuses, comments and due months, and the stamps move. This module compares the
parsed pages (their JSON export, so the comparison never depends on how a page was
printed) and names each edit once:

- a **change** is ``{"kind": "added"|"removed"|"changed", "field", "old", "new"}``.
  ``field`` is a path through the export ending in the model's field name,
  ``metadata.budget_usd`` or ``management_responses[rec 9].key_actions[9.2].status``;
  a whole list item added or removed is named by its list and label
  (``management_responses[rec 4].key_actions[4.2]``) and carries the item as its value;
  a value that appears where there was none is ``added``, one that disappears ``removed``.
- **Not changes**: the source path and sha256 (another download is another file), the
  order and line numbers of diagnostics (a line inserted above shifts them all), and
  differences of whitespace alone.

**Matching list items.** Items of a list (key actions, management responses, lessons,
findings, recommendations, documents, team, countries, ...) are matched across the
two versions before they are compared, so that an item inserted in the middle is one
``added`` change rather than a cascade of shifted ones. Each list has a key (a key
action's number, a response's recommendation number, a document's file name, a
person's name) and a text. Repeated keys are real (a page can number two actions
``9.3``), so the matching runs in four passes, each over what the earlier left:

1. same key and the same text (whitespace aside);
2. same key and similar text, most similar first; similar means at least
   ``SIMILAR`` of difflib's ratio over the case-folded words;
3. the same non-empty text under another key (an item renumbered);
4. same key, in page order (an item whose text was rewritten is still that item).

What is left is added or removed. Strings in a list (SDG goals, Atlas numbers, ...)
are their own key: one edited is one removed and one added.

**Highlights** follow each key action through the versions (as of a date):

- ``status``: its status changed (``Initiated`` → ``Completed``);
- ``due_later``: its due month moved later;
- ``newly_overdue``: it is overdue as of the date in the new version and was not in
  the old one, judged at that same date (the overdue rule of ``erc_parse.actions``:
  open, and the last day of its due month before the date). It is then new, was
  reopened, or was due later: an unchanged action is never newly overdue.

Everything here but ``diff`` (which reads the files) is a pure function of the
exports, so it can be tested on hand-made values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from erc_parse.actions import days_overdue, norm_status

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "SIMILAR",
    "Change",
    "DiffError",
    "Highlight",
    "PagePair",
    "Result",
    "compare",
    "compare_evaluations",
    "diff",
    "has_changes",
    "labels",
    "match",
    "page_identity",
    "pair_by_key",
    "pair_by_path",
    "similarity",
]

#: Least word similarity (difflib's ratio, 0 to 1) for two texts under one key to be one item.
SIMILAR = 0.5


class Change(TypedDict):
    kind: Literal["added", "removed", "changed"]
    field: str
    old: Any
    new: Any


class Highlight(TypedDict):
    kind: Literal["status", "due_later", "newly_overdue"]
    action: str
    text: str
    old: Any
    new: Any
    days_overdue: int | None


class PagePair(TypedDict):
    old: str
    new: str
    changes: list[Change]
    highlights: list[Highlight]


class Result(TypedDict):
    pairs: list[PagePair]
    only_old: list[str]
    only_new: list[str]
    as_of: str


class DiffError(ValueError):
    """An input that cannot be compared; the message is one line, naming the path."""


# --- matching ------------------------------------------------------------------------------


def _ws(text: str) -> str:
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """The share of words two texts have in common, in order (case ignored), from 0 to 1."""
    wa, wb = a.casefold().split(), b.casefold().split()
    if not wa and not wb:
        return 1.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def match(
    old: Sequence[tuple[Hashable, str]], new: Sequence[tuple[Hashable, str]]
) -> list[tuple[int | None, int | None]]:
    """Pair the items of two versions of a list, given each item's ``(key, text)``.

    Returns ``(old index, new index)`` pairs (``None`` on the side an item is missing
    from) in reading order: the new list's order, with each removed item after the
    item that preceded it in the old list. The passes are the module's.
    """
    old_text = [_ws(t) for _, t in old]
    new_text = [_ws(t) for _, t in new]
    old_groups: dict[Hashable, list[int]] = {}
    new_groups: dict[Hashable, list[int]] = {}
    for i, (key, _) in enumerate(old):
        old_groups.setdefault(key, []).append(i)
    for j, (key, _) in enumerate(new):
        new_groups.setdefault(key, []).append(j)
    to_new: dict[int, int] = {}
    to_old: dict[int, int] = {}

    def pair(i: int, j: int) -> None:
        to_new[i] = j
        to_old[j] = i

    def free_old(key: Hashable) -> list[int]:
        return [i for i in old_groups[key] if i not in to_new]

    def free_new(key: Hashable) -> list[int]:
        return [j for j in new_groups.get(key, []) if j not in to_old]

    for key in old_groups:  # 1. same key, same text
        for i in free_old(key):
            for j in free_new(key):
                if old_text[i] == new_text[j]:
                    pair(i, j)
                    break
    for key in old_groups:  # 2. same key, similar text, most similar first
        scored = [
            (score, i, j)
            for i in free_old(key)
            for j in free_new(key)
            if (score := similarity(old_text[i], new_text[j])) >= SIMILAR
        ]
        # Most similar first; among equals, page order (the sort is stable).
        for _, i, j in sorted(scored, key=lambda s: -s[0]):
            if i not in to_new and j not in to_old:
                pair(i, j)
    for i in range(len(old)):  # 3. renumbered: the same text under another key
        if i in to_new or not old_text[i]:
            continue
        for j in range(len(new)):
            if j not in to_old and new_text[j] == old_text[i]:
                pair(i, j)
                break
    for key in old_groups:  # 4. same key, in page order
        olds, news = free_old(key), free_new(key)
        for n in range(min(len(olds), len(news))):
            pair(olds[n], news[n])

    # Sorted by (new position, removed?, position): a removed item right after the new
    # position of the item before it in the old list (-1: before everything).
    order: dict[tuple[int, bool, int], tuple[int | None, int | None]] = {}
    for j in range(len(new)):
        order[j, False, j] = (to_old.get(j), j)
    anchor = -1
    for i in range(len(old)):
        if i in to_new:
            anchor = to_new[i]
        else:
            order[anchor, True, i] = (i, None)
    return [order[k] for k in sorted(order)]


# --- what each list is keyed, matched and labelled by ---------------------------------------


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _join(*values: object) -> str:
    return " ".join(str(v) for v in values if v is not None)


@dataclass(frozen=True)
class _ListSpec:
    key: Callable[[Any], Hashable]
    text: Callable[[Any], str]
    label: Callable[[Any], str | None]
    ignore: frozenset[str] = frozenset()


_ITEM = _ListSpec(
    key=lambda d: d.get("number"),
    text=lambda d: _join(d.get("heading"), d.get("text")),
    label=lambda d: _join(d.get("number"), d.get("heading")) or None,
)
_LISTS: dict[str, _ListSpec] = {
    "key_actions": _ListSpec(
        key=lambda d: d.get("number"),
        text=lambda d: _s(d.get("text")),
        label=lambda d: d.get("number"),
    ),
    "management_responses": _ListSpec(
        key=lambda d: d.get("recommendation_number"),
        text=lambda d: _join(d.get("recommendation"), d.get("response")),
        label=lambda d: (
            None if d.get("recommendation_number") is None else f"rec {d['recommendation_number']}"
        ),
    ),
    "lessons": _ITEM,
    "findings": _ITEM,
    "recommendations": _ITEM,
    "documents": _ListSpec(
        key=lambda d: d.get("filename"),
        text=lambda d: _join(d.get("filename"), d.get("type"), d.get("language")),
        label=lambda d: d.get("filename") or _join(d.get("type"), d.get("language")) or None,
    ),
    "team": _ListSpec(
        key=lambda d: _ws(_s(d.get("name"))).casefold(),
        text=lambda d: _join(d.get("name"), d.get("title"), d.get("email"), d.get("nationality")),
        label=lambda d: d.get("name"),
    ),
    "countries": _ListSpec(
        key=lambda d: _ws(_s(d.get("name"))).casefold(),
        text=lambda d: _s(d.get("name")),
        label=lambda d: d.get("name"),
    ),
    "diagnostics": _ListSpec(
        key=lambda d: (d.get("severity"), d.get("code"), _ws(_s(d.get("message")))),
        text=lambda d: _s(d.get("message")),
        label=lambda d: d.get("code"),
        ignore=frozenset({"line"}),
    ),
}
#: Lists of anything else (a field added to the models later): matched by text, then position.
_OTHER = _ListSpec(key=lambda d: None, text=lambda d: json.dumps(d, sort_keys=True), label=lambda d: None)
#: Mappings whose keys are the page's own labels, not field names.
_FREE_MAPS = frozenset({"extra"})
#: Top-level fields that are not the page's content.
_NOT_CONTENT = frozenset({"source"})


def labels(items: Sequence[Any], label: Callable[[Any], str | None]) -> list[str]:
    """How each item is named in a field path: its label; ``9.3 #2`` for the second of two
    ``9.3``; ``#3`` (its position) for an item without one."""
    bases = [label(item) for item in items]
    seen: dict[str, int] = {}
    out = []
    for pos, base in enumerate(bases):
        if base is None:
            out.append(f"#{pos + 1}")
            continue
        seen[base] = seen.get(base, 0) + 1
        out.append(f"{base} #{seen[base]}" if bases.count(base) > 1 else base)
    return out


# --- comparing two exports -----------------------------------------------------------------


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.split() == new.split()
    return bool(old == new)


def _overdue_days(action: Mapping[str, Any], as_of: dt.date) -> int | None:
    """Days overdue as of ``as_of`` by the rule of ``erc_parse.actions``; ``None`` if not overdue."""
    return days_overdue(action.get("due"), action.get("status"), as_of)


class _Walk:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.changes: list[Change] = []
        self.highlights: list[Highlight] = []

    def add(self, kind: Literal["added", "removed", "changed"], field: str, old: Any, new: Any) -> None:
        self.changes.append({"kind": kind, "field": field, "old": old, "new": new})

    def value(self, field: str, name: str, old: Any, new: Any) -> None:
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.mapping(field, old, new, free=name in _FREE_MAPS)
        elif isinstance(old, list) and isinstance(new, list):
            self.sequence(field, name, old, new)
        elif _same(old, new):
            return
        elif old is None:
            self.add("added", field, None, new)
        elif new is None:
            self.add("removed", field, old, None)
        else:
            self.add("changed", field, old, new)

    def mapping(
        self,
        field: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        ignore: Iterable[str] = (),
        *,
        free: bool = False,
    ) -> None:
        """Compare two models (or, ``free``, two mappings keyed by the page's own labels)."""
        skip = set(ignore)
        keys = [*old, *(k for k in new if k not in old)]
        for key in keys:
            if key in skip:
                continue
            if free:
                path = f"{field}[{key}]"
            else:
                path = f"{field}.{key}" if field else key
            self.value(path, key, old.get(key), new.get(key))

    def sequence(self, field: str, name: str, old: list[Any], new: list[Any]) -> None:
        if not all(isinstance(x, Mapping) for x in [*old, *new]):
            # Strings (or numbers) in a list are their own key: matched only when equal.
            old_keys = [_ws(str(x)) for x in old]
            new_keys = [_ws(str(x)) for x in new]
            for i, j in match([(k, k) for k in old_keys], [(k, k) for k in new_keys]):
                if i is not None and j is None:
                    self.add("removed", field, old[i], None)
                elif i is None and j is not None:
                    self.add("added", field, None, new[j])
            return
        spec = _LISTS.get(name, _OTHER)
        old_labels = labels(old, spec.label)
        new_labels = labels(new, spec.label)
        pairs = match([(spec.key(x), spec.text(x)) for x in old], [(spec.key(x), spec.text(x)) for x in new])
        for i, j in pairs:
            if j is None:
                assert i is not None
                self.add("removed", f"{field}[{old_labels[i]}]", old[i], None)
            elif i is None:
                self.add("added", f"{field}[{new_labels[j]}]", None, new[j])
                if name == "management_responses":  # its actions are new too
                    actions = new[j].get("key_actions") or []
                    ka_labels = labels(actions, _LISTS["key_actions"].label)
                    for n, ka in enumerate(actions):
                        self.follow(f"{field}[{new_labels[j]}].key_actions[{ka_labels[n]}]", None, ka)
            else:
                self.mapping(f"{field}[{new_labels[j]}]", old[i], new[j], spec.ignore)
            if name == "key_actions" and j is not None:
                self.follow(f"{field}[{new_labels[j]}]", None if i is None else old[i], new[j])

    def follow(self, action: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> None:
        """The highlights of one key action (``old`` is ``None`` for an added one)."""
        text = _s(new.get("text"))

        def note(kind: Literal["status", "due_later", "newly_overdue"], was: Any, now: Any) -> Highlight:
            return {
                "kind": kind,
                "action": action,
                "text": text,
                "old": was,
                "new": now,
                "days_overdue": None,
            }

        if old is not None:
            if norm_status(old.get("status")) != norm_status(new.get("status")):
                self.highlights.append(note("status", old.get("status"), new.get("status")))
            was_due, now_due = old.get("due"), new.get("due")
            if was_due and now_due and now_due > was_due:
                self.highlights.append(note("due_later", was_due, now_due))
        days = _overdue_days(new, self.as_of)
        if days is not None and (old is None or _overdue_days(old, self.as_of) is None):
            late = note("newly_overdue", None, new.get("due"))
            late["days_overdue"] = days
            self.highlights.append(late)


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any], as_of: dt.date
) -> tuple[list[Change], list[Highlight]]:
    """The changes from one export (``model_dump(mode="json")``) to another, and their highlights."""
    walk = _Walk(as_of)
    walk.mapping("", old, new, _NOT_CONTENT)
    return walk.changes, walk.highlights


def compare_evaluations(old: Evaluation, new: Evaluation, as_of: dt.date | None = None) -> PagePair:
    """One page pair, for library users holding parsed pages (paths from their sources)."""
    changes, highlights = compare(_dump(old), _dump(new), as_of or dt.date.today())
    return {
        "old": old.source.path or "<old>",
        "new": new.source.path or "<new>",
        "changes": changes,
        "highlights": highlights,
    }


def has_changes(result: Result) -> bool:
    """Whether anything differs: a change in a pair, or a page on one side only."""
    return bool(result["only_old"] or result["only_new"] or any(p["changes"] for p in result["pairs"]))


# --- pairing pages of two folders ------------------------------------------------------------


def pair_by_path(
    old: Sequence[str], new: Sequence[str]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pages at the same relative path; returns the pairs and the indexes left on each side."""
    where = {rel: j for j, rel in enumerate(new)}
    pairs = [(i, where[rel]) for i, rel in enumerate(old) if rel in where]
    paired_new = {j for _, j in pairs}
    paired_old = {i for i, _ in pairs}
    return (
        pairs,
        [i for i in range(len(old)) if i not in paired_old],
        [j for j in range(len(new)) if j not in paired_new],
    )


def pair_by_key(old: Sequence[str | None], new: Sequence[str | None]) -> list[tuple[int, int]]:
    """Pages with the same identity, where it names one page on each side.

    A key held by two pages of one side (two evaluations with a generic title, unit and
    plan) pairs nothing: which of them was renamed cannot be told.
    """
    pairs = []
    for i, key in enumerate(old):
        if key is None or old.count(key) != 1 or new.count(key) != 1:
            continue
        pairs.append((i, new.index(key)))
    return pairs


def page_identity(ev: Evaluation) -> str | None:
    """What pairs a renamed page: its kind and ``identity.evaluation_key`` (``None`` without one).

    The kind is part of it: an evaluation page and its management-response page share the
    evaluation's key, but comparing one with the other would list every field as changed.
    """
    from erc_parse.identity import evaluation_key

    key = evaluation_key(ev)
    return None if key is None else f"{ev.kind}|{key}"


# --- reading -----------------------------------------------------------------------------------


def _read(path: str) -> Evaluation:
    from erc_parse import parse_file
    from erc_parse.batch import error_message

    try:
        return parse_file(path)
    except Exception as exc:
        raise DiffError(f"{path}: {error_message(exc)}") from exc


def _dump(ev: Evaluation) -> dict[str, Any]:
    """The export as plain JSON values, the same that ``export --format json`` writes."""
    value: dict[str, Any] = json.loads(ev.model_dump_json())
    return value


def _export(path: str) -> dict[str, Any]:
    return _dump(_read(path))


def _pages(folder: str) -> tuple[list[str], list[str]]:
    from erc_parse.batch import discover

    found = list(discover([folder]))
    return [rel for _, rel in found], [path for path, _ in found]


def diff(old: str | os.PathLike[str], new: str | os.PathLike[str], *, as_of: dt.date | None = None) -> Result:
    """Compare two dump files, or two folders of dumps (``*.txt``, recursive).

    In folders, pages pair by relative path, then (among those left) by identity: the
    same kind of page of the same evaluation (``page_identity``), so a renamed file still
    pairs. Pages left over are ``only_old`` / ``only_new``. ``as_of`` (default today)
    judges ``newly_overdue``. Raises ``DiffError`` for an input that cannot be read:
    a diff missing a page would pass for a complete one.
    """
    old, new = os.fspath(old), os.fspath(new)
    day = as_of or dt.date.today()
    for path in (old, new):
        if not os.path.exists(path):
            raise DiffError(f"{path}: no such file or folder")
    if os.path.isdir(old) != os.path.isdir(new):
        raise DiffError(f"{old} and {new}: compare a file with a file, or a folder with a folder")
    if not os.path.isdir(old):
        changes, highlights = compare(_export(old), _export(new), day)
        pair: PagePair = {"old": old, "new": new, "changes": changes, "highlights": highlights}
        return {"pairs": [pair], "only_old": [], "only_new": [], "as_of": day.isoformat()}

    old_rel, old_paths = _pages(old)
    new_rel, new_paths = _pages(new)
    by_path, old_left, new_left = pair_by_path(old_rel, new_rel)
    # Pages paired by path are read one pair at a time; only the others are kept to pair by identity.
    old_read = {i: _read(old_paths[i]) for i in old_left}
    new_read = {j: _read(new_paths[j]) for j in new_left}
    by_key = pair_by_key(
        [page_identity(old_read[i]) for i in old_left], [page_identity(new_read[j]) for j in new_left]
    )
    old_kept = {i: _dump(ev) for i, ev in old_read.items()}
    new_kept = {j: _dump(ev) for j, ev in new_read.items()}
    del old_read, new_read
    pairs: list[tuple[int, int]] = [*by_path, *((old_left[a], new_left[b]) for a, b in by_key)]
    out: list[PagePair] = []
    for i, j in sorted(pairs):
        a = old_kept[i] if i in old_kept else _export(old_paths[i])
        b = new_kept[j] if j in new_kept else _export(new_paths[j])
        changes, highlights = compare(a, b, day)
        out.append({"old": old_paths[i], "new": new_paths[j], "changes": changes, "highlights": highlights})
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    return {
        "pairs": out,
        "only_old": [p for i, p in enumerate(old_paths) if i not in paired_old],
        "only_new": [p for j, p in enumerate(new_paths) if j not in paired_new],
        "as_of": day.isoformat(),
    }
