"""How ``erc-parse diff`` shows a ``pagediff.diff`` result: text, Markdown or JSON.

Pure functions of the result (no I/O, no rich): the command prints what they return.
Text and Markdown show, for each page that changed, its highlights first (status
transitions, due months pushed later, actions newly overdue: what a reader of a
quarterly update looks for), then every change, one per line, then the pages found on
one side only, then one line of counts.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from erc_parse.pagediff import Change, Highlight, PagePair, Result

__all__ = ["format_json", "format_markdown", "format_text", "show", "summary_line", "text_lines"]

#: Longest value shown on a line; longer ones are cut with an ellipsis (the JSON has them whole).
WIDTH = 70
#: Characters of common text kept before the first difference of two long texts.
CONTEXT = 20
#: The part of a highlight line that recalls what the action is.
ACTION_WIDTH = 40
_ACTION = re.compile(r"^management_responses\[(.*?)\]\.key_actions\[(.*)\]$")
_CLOSED = ("completed", "no longer applicable")
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def cut(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters (the last an ellipsis when cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def show(value: Any, width: int = WIDTH) -> str:
    """A value as a reader wants it on one line: text as is, an item by its number and text."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return cut(value, width)
    if isinstance(value, dict):
        return cut(_item(value), width)
    return cut(json.dumps(value, ensure_ascii=False), width)


def _item(d: dict[str, Any]) -> str:
    ident = d.get("number", d.get("recommendation_number"))
    body = next(
        (d[k] for k in ("text", "recommendation", "name", "filename", "message", "type") if d.get(k)), None
    )
    head = " ".join(str(x) for x in (ident, body) if x is not None)
    if "due" in d and "status" in d:  # a key action: when, and where it stands
        head += f" (due {d['due'] or 'none'}, {d['status'] or 'no status'})"
    return head


def show_pair(old: Any, new: Any, width: int = WIDTH) -> tuple[str, str]:
    """Two versions of a value, each on one line; long texts start near where they differ.

    Two long texts that differ after their first ``width`` characters would otherwise
    show the same cut prefix twice. Both start at the word that begins ``CONTEXT``
    characters before the first difference, after an ellipsis.
    """
    if not (isinstance(old, str) and isinstance(new, str)):
        return show(old, width), show(new, width)
    a, b = " ".join(old.split()), " ".join(new.split())
    if len(a) <= width and len(b) <= width:
        return a, b
    same = len(os.path.commonprefix([a, b]))
    start = a.rfind(" ", 0, max(0, same - CONTEXT)) + 1
    if start == 0:
        return cut(a, width), cut(b, width)
    return cut("…" + a[start:], width), cut("…" + b[start:], width)


def action_name(path: str) -> str:
    """``rec 9 · 9.2`` for ``management_responses[rec 9].key_actions[9.2]``."""
    m = _ACTION.match(path)
    return f"{m[1]} · {m[2]}" if m else path


def highlight_text(h: Highlight, as_of: str) -> str:
    if h["kind"] == "status":
        what = f"{show(h['old'])} → {show(h['new'])}"
    elif h["kind"] == "due_later":
        what = f"due {h['old']} → {h['new']}, pushed later"
    else:
        what = f"newly overdue as of {as_of}, due {h['new']}, {h['days_overdue']} days"
    return f"{action_name(h['action'])}: {what} · {cut(h['text'], ACTION_WIDTH)}"


def _style(h: Highlight) -> str:
    if h["kind"] == "newly_overdue":
        return "bold red"
    if h["kind"] == "status" and " ".join(str(h["new"]).split()).casefold() in _CLOSED:
        return "green"
    return "yellow"


def change_text(c: Change) -> str:
    if c["kind"] == "added":
        return f"{c['field']}: {show(c['new'])}"
    if c["kind"] == "removed":
        return f"{c['field']}: {show(c['old'])}"
    old, new = show_pair(c["old"], c["new"])
    return f"{c['field']}: {old} → {new}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: Result) -> str:
    """``3 pages compared, 1 changed, 1 only in old``: the counts, last line of the report."""
    pairs = result["pairs"]
    changed = sum(1 for p in pairs if p["changes"])
    line = f"{_plural(len(pairs), 'page')} compared, {changed} changed"
    if result["only_old"]:
        line += f", {len(result['only_old'])} only in old"
    if result["only_new"]:
        line += f", {len(result['only_new'])} only in new"
    return line


def _changed(result: Result) -> list[PagePair]:
    return [p for p in result["pairs"] if p["changes"]]


def text_lines(result: Result) -> list[tuple[str, str | None]]:
    """The text report as ``(line, rich style)``: the command colours them on a terminal."""
    lines: list[tuple[str, str | None]] = []
    for pair in _changed(result):
        head = f"{pair['old']} → {pair['new']}: {_plural(len(pair['changes']), 'change')}"
        lines.append((head, "bold"))
        for h in pair["highlights"]:
            lines.append(("  ! " + highlight_text(h, result["as_of"]), _style(h)))
        for c in pair["changes"]:
            style = {"added": "green", "removed": "red"}.get(c["kind"])
            lines.append((f"  {_SIGN[c['kind']]} {change_text(c)}", style))
    for path in result["only_old"]:
        lines.append((f"only in old: {path}", "red"))
    for path in result["only_new"]:
        lines.append((f"only in new: {path}", "green"))
    lines.append((summary_line(result), None))
    return lines


def format_text(result: Result) -> str:
    return "".join(line + "\n" for line, _ in text_lines(result))


def format_json(result: Result) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text: str) -> str:
    """Text that Markdown shows as written (its punctuation escaped, table pipes too)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(text: str) -> str:
    """A code span that survives a table cell (a pipe would end the cell)."""
    return "`" + text.replace("|", "\\|") + "`"


def format_markdown(result: Result) -> str:
    """For a pull-request comment or an e-mail: a heading per page, highlights in bold, a table."""
    blocks = [[f"**erc-parse diff**: {summary_line(result)}"]]
    for pair in _changed(result):
        count = _plural(len(pair["changes"]), "change")
        blocks.append([f"#### {md_code(pair['old'])} → {md_code(pair['new'])} ({count})"])
        if pair["highlights"]:
            blocks.append([f"- **{md(highlight_text(h, result['as_of']))}**" for h in pair["highlights"]])
        table = ["| | field | old | new |", "|---|---|---|---|"]
        for c in pair["changes"]:
            old, new = (md(v) for v in show_pair(c["old"], c["new"]))
            old = "" if c["kind"] == "added" else old
            new = "" if c["kind"] == "removed" else new
            table.append(f"| {c['kind']} | {md_code(c['field'])} | {old} | {new} |")
        blocks.append(table)
    for title, paths in (("Only in old", result["only_old"]), ("Only in new", result["only_new"])):
        if paths:
            blocks += [[f"**{title}**"], [f"- {md_code(p)}" for p in paths]]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
