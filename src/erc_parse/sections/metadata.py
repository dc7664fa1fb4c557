"""Metadata: the `Title ...` / `Label: value` block, in every layout the portal used.

Known labels map to contract fields through one table, ``LABELS``, shared by the
old layout (`Status:Completed`), the plain layout (`Status: Completed`), the pipe
tables (`Status: | Completed |`) and the newer layout (`Status` then `Completed` on
the next line). A label nobody knows goes to ``metadata.extra`` with a warning, so
a new portal field shows up in CI instead of vanishing.
"""

from __future__ import annotations

from typing import Any

from erc_parse import context as st
from erc_parse.context import Ctx, PendingLabel
from erc_parse.normalize import values as nv
from erc_parse.sections.common import BULLETS, TEAM_HEADER, norm_label, split_label

# label -> (field, kind). Kinds: text, para (multi-line text), month, bool, money, atlas,
# list (comma list, or bullets below), bullets (items below), team, countries,
# gefflag, gef:<field>, extra (known label without a contract field).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("title", "text"),
    "evaluation title": ("title", "text"),
    "atlas project number": ("atlas_project_numbers", "atlas"),
    "quantum project number": ("atlas_project_numbers", "atlas"),
    "evaluation plan": ("evaluation_plan", "text"),
    "evaluation type": ("evaluation_type", "text"),
    "status": ("status", "text"),
    "completion date": ("completion_date", "month"),
    "planned end date": ("planned_end_date", "month"),
    "plan date": ("planned_end_date", "month"),
    "management response": ("management_response", "bool"),
    "evaluation budget(us $)": ("budget_usd", "money"),
    "evaluation budget": ("budget_usd", "money"),
    "budget": ("budget_usd", "money"),
    "evaluation expenditure(us $)": ("expenditure_usd", "money"),
    "evaluation expenditure": ("expenditure_usd", "money"),
    "expenditure": ("expenditure_usd", "money"),
    "source of funding": ("source_of_funding", "text"),
    "joint programme": ("joint_programme", "bool"),
    "joint evaluation": ("joint_evaluation", "bool"),
    "mandatory evaluation": ("mandatory", "bool"),
    "location of evaluation": ("location", "text"),
    "evaluation team members": ("team", "team"),
    "evaluation team": ("team", "team"),
    "gef evaluation": ("gef", "gefflag"),
    "gef project title": ("project_title", "gef"),
    "focal area": ("focal_area", "gef"),
    "project type": ("project_type", "gef"),
    "gef phase": ("phase", "gef"),
    "gef project id": ("project_id", "gef"),
    "pims number": ("pims_number", "gef"),
    "key stakeholders": ("key_stakeholders", "list"),
    "stakeholders": ("key_stakeholders", "list"),
    "countries": ("countries", "countries"),
    "commissioning unit": ("commissioning_unit", "text"),
    "unit responsible for providing management response": ("response_unit", "text"),
    "summary": ("summary", "para"),
    "comments": ("comments", "para"),
    "justification": ("justification", "para"),
    "focus area": ("focus_areas", "bullets"),
    "focus areas": ("focus_areas", "bullets"),
    "undp signature solution": ("signature_solutions", "bullets"),
    "undp signature solutions": ("signature_solutions", "bullets"),
    "sdg goal": ("sdg_goals", "bullets"),
    "sdg goals": ("sdg_goals", "bullets"),
    "sdg target": ("sdg_targets", "bullets"),
    "sdg targets": ("sdg_targets", "bullets"),
    "documents related to overall management response": (
        "Documents Related to overall Management Response",
        "extra",
    ),
    "plan period": ("Plan Period", "extra"),
    "period": ("Period", "extra"),
    "quality assessment": ("Quality Assessment", "extra"),
}
# Labels the newer layout prints alone on a line, without a colon.
NEW_LAYOUT_LABELS: dict[str, tuple[str, str]] = {
    **{k: v for k, v in LABELS.items() if k not in ("title", "status")},
    "status": ("status", "text"),
    "type": ("evaluation_type", "text"),
}
LABELS = {norm_label(k): v for k, v in LABELS.items()}
NEW_LAYOUT_LABELS = {norm_label(k): v for k, v in NEW_LAYOUT_LABELS.items()}
# field -> kind, for values read outside the detail block (the header's).
FIELD_KINDS: dict[str, str] = {}
for _field, _kind in LABELS.values():
    FIELD_KINDS.setdefault(_field, _kind)
LIST_FIELDS = frozenset(
    {"focus_areas", "signature_solutions", "sdg_goals", "sdg_targets", "corporate_outcomes"}
)


_MISS = ("", "")
_lookup_cache: dict[str, tuple[str, str] | None] = {}


def lookup(label: str) -> tuple[str, str] | None:
    """The label's (field, kind), or None; remembered per spelling, as labels repeat on every page."""
    hit = _lookup_cache.get(label, _MISS)
    if hit is not _MISS:
        return hit
    key = norm_label(label)
    hit = LABELS.get(key)
    if hit is None and key.startswith("corporate outcome"):
        hit = ("corporate_outcomes", "bullets")
    if len(label) <= 100:  # prose lines are looked up too: only short ones, and a bounded number
        if len(_lookup_cache) >= 8192:
            _lookup_cache.clear()
        _lookup_cache[label] = hit
    return hit


# Kinds whose value may sit on the lines below an empty `Label:` (every kind but the GEF flag).
_VALUE_BELOW = frozenset(
    {
        "text",
        "para",
        "month",
        "money",
        "bool",
        "atlas",
        "list",
        "countries",
        "gef",
        "extra",
        "bullets",
        "team",
    }
)


def details(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None = None) -> None:
    """State DETAILS: one line of the `Title ...` / `Label: value` block."""
    pending = ctx.pending
    if raw.lstrip().startswith(BULLETS):
        _bullet(ctx, ln, s)
        return
    if s.startswith("Title ") or s == "Title":
        close_pending(ctx)
        _set(ctx, "title", "text", s[6:].strip(), ln, "Title")
        return
    hit = _label_line(s)
    if hit is not None:
        close_pending(ctx)
        label, value, (name, kind) = hit
        if ctx.in_gef and name == "evaluation_type":
            name, kind = "evaluation_type", "gef"
        elif ctx.in_gef and kind not in ("gef",):
            ctx.in_gef = False
        if name == "corporate_outcomes":
            plan = nv.strategic_plan(label)
            if plan:
                _store(ctx, "strategic_plan", plan, ln)
        if not value and kind in _VALUE_BELOW:
            ctx.pending = PendingLabel(name, kind, ln, label, "meta")
            if kind in ("bullets", "list"):
                ctx.meta.setdefault(name, [])
            if kind == "team":
                ctx.team_header = False
            return
        _set(ctx, name, kind, value, ln, label)
        if kind in ("para", "list", "bullets"):
            ctx.pending = PendingLabel(name, kind, ln, label, "meta", [value])
        return
    if pending is not None:
        if pending.kind == "team":
            if TEAM_HEADER.match(s):
                ctx.team_header = True
                return
            _team_row(ctx, ln, s)
            return
        if pending.kind in ("para",):
            pending.lines.append(s)
            return
        if pending.kind == "bullets" and raw[:1].isspace():
            _bullet(ctx, ln, s)
            return
        if not pending.lines and pending.kind not in ("bullets",) and not raw[:1].isspace():
            # The value sits on the line below its label.
            ctx.pending = None
            _set(ctx, pending.name, pending.kind, s, ln, pending.label)
            return
    unknown = split_label(s)
    if unknown and _looks_like_label(unknown[0]):
        close_pending(ctx)
        put(ctx, ctx.extra, unknown[0].strip(), unknown[1].strip(), ln, "extra")
        ctx.diag(
            ln, "warning", "unknown-label", f"unknown label {unknown[0].strip()!r} kept in metadata.extra"
        )
        return
    ctx.unparsed(ln, s, "metadata")


def _label_line(s: str) -> tuple[str, str, tuple[str, str]] | None:
    m = split_label(s)
    if m:
        hit = lookup(m[0])
        if hit:
            return m[0], m[1].strip(), hit
    hit = lookup(s)  # `SDG Goal`, `Corporate Outcome and Output (...)`: labels with no colon
    if hit:
        return s, "", hit
    return None


def _looks_like_label(label: str) -> bool:
    words = label.split()
    return (
        0 < len(words) <= 7
        and label[:1].isupper()
        and not label.rstrip()[-1:].isdigit()  # `Finding 1: ...` is prose, not a field
        and not label.rstrip().endswith((".", ","))
    )


def _bullet(ctx: Ctx, ln: int, s: str) -> None:
    item = nv.clean_item(s)
    pending = ctx.pending
    if pending is not None and pending.kind == "bullets":
        if item:
            ctx.meta.setdefault(pending.name, []).append(item)
            ctx.meta_lines.setdefault(pending.name, ln)
        return
    if ctx.meta.get("joint_evaluation") is not None and item.lower().startswith("joint with"):
        ctx.meta.setdefault("joint_with", []).append(item[len("joint with") :].strip())
        return
    if not item:
        return
    ctx.unparsed(ln, s, "metadata bullet")


def _team_row(ctx: Ctx, ln: int, s: str) -> None:
    if ln == ctx.cut_line:
        ctx.cut(ln, s)
        return
    from erc_parse.normalize.countries import is_country
    from erc_parse.normalize.team import split_team_row

    ctx.meta.setdefault("team", []).append(split_team_row(s, is_country))


def close_pending(ctx: Ctx) -> None:
    pending = ctx.pending
    ctx.pending = None
    if pending is None:
        return
    if pending.kind == "para" and pending.lines:
        text = "\n".join(x for x in pending.lines if x)
        if pending.target == "header":
            ctx.set_header(pending.name, pending.line, text)
        elif ctx.meta_lines.get(pending.name) == pending.line:
            ctx.set_meta(pending.name, text or None, pending.line)  # its own first line, now whole
        else:
            _store(ctx, pending.name, text or None, pending.line)  # a repeated label: report the earlier


def _set(ctx: Ctx, name: str, kind: str, value: str, ln: int, label: str) -> None:
    """Store one labelled value, normalised by kind; a value it cannot read is reported."""
    if ln == ctx.cut_line and kind not in ("para",):
        ctx.cut(ln, f"{label}: {value}")
        return
    value = value.strip()
    if kind == "text" or kind == "para":  # the most common kind first; the kinds are disjoint
        _store(ctx, name, value or None, ln)
        return
    if kind == "gef":
        if ctx.gef is None:
            ctx.gef = {}
        put(ctx, ctx.gef, name, value or None, ln, "gef")
        return
    if kind == "extra":
        put(ctx, ctx.extra, name, value, ln, "extra")
        return
    if kind == "gefflag":
        flag = nv.yes_no(value)
        if flag:
            ctx.gef = ctx.gef or {}
            ctx.in_gef = True
        elif value and flag is None:
            _bad(ctx, ln, label, value)
        return
    if kind == "team":
        if value:
            _team_row(ctx, ln, value)
        return
    if kind == "month":
        v = nv.month(value)
        if value and v is None:
            _bad(ctx, ln, label, value)
        _store(ctx, name, v, ln)
    elif kind == "money":
        m = nv.money(value)
        if value and m is None and value.strip("-– ") != "":
            _bad(ctx, ln, label, value)
        _store(ctx, name, m, ln)
    elif kind == "bool":
        b = nv.yes_no(value)
        if value and b is None:
            _bad(ctx, ln, label, value)
        elif value and value.lower() not in ("yes", "no"):
            put(ctx, ctx.extra, label.strip(), value, ln, "extra")  # `Yes (Partial)`: keep the nuance
        _store(ctx, name, b, ln)
    elif kind == "atlas":
        _store(ctx, name, nv.atlas_numbers(value), ln)
    elif kind == "list":
        ctx.meta.setdefault(name, []).extend(nv.split_list(value))
        ctx.meta_lines.setdefault(name, ln)
    elif kind == "bullets":
        if value:
            ctx.meta.setdefault(name, []).append(nv.clean_item(value))
    elif kind == "countries":
        from erc_parse.models import Country, construct

        _store(ctx, name, [construct(Country, {"name": n, "iso3": c}) for n, c in _countries(value)], ln)


def _split_countries(value: str) -> tuple[tuple[str, str | None], ...]:
    from erc_parse.normalize.countries import split_countries

    return tuple(split_countries(value))


# The segmentation is a search (tens of microseconds a value), and the pages of one
# download share their countries.
_countries = nv.per_spelling(_split_countries, longest=200)


def _store(ctx: Ctx, name: str, value: object, ln: int) -> None:
    """Keep a value without losing one the page gave earlier (the title line, a repeat).

    An empty value (or one that could not be read) never erases an earlier one; a
    different value replaces it, as the detail block wins over the header, and the
    earlier one is reported at its line, so that nothing the page said is dropped.
    """
    old = ctx.meta.get(name)
    if old is None or _replaces(ctx, name, old, value, ctx.meta_lines.get(name, ln), ln):
        ctx.meta[name] = value  # (``old is None``: the first value, stored as `_replaces` would)
        ctx.meta_lines[name] = ln


def _replaces(ctx: Ctx, what: str, old: Any, value: Any, old_line: int, ln: int) -> bool:
    """The one rule for a value met twice: empty never erases, a different value wins and
    the earlier one is reported at its own line. True when ``value`` should be stored."""
    if old is None or old == "" or old == []:
        return True
    if value is None or value == "" or value == []:
        return False
    if value != old:
        ctx.diag(
            old_line,
            "warning",
            "conflicting-values",
            f"{what}: {old!r} here, {value!r} on line {ln}; line {ln} kept",
        )
    return True


def put(ctx: Ctx, table: dict[str, Any], key: str, value: Any, ln: int, name: str) -> None:
    """``_store``'s rule for the GEF block and ``metadata.extra`` (and the plan page's).

    Their values' lines are kept beside the metadata's, as ``NAME:key``, so that a
    replaced value is reported at its own line.
    """
    where = f"{name}:{key}"
    if _replaces(ctx, f"{name} {key}", table.get(key), value, ctx.meta_lines.get(where, ln), ln):
        table[key] = value
    ctx.meta_lines[where] = ln


set_value = _set  # for the other sections that read a labelled value the details' way


def _bad(ctx: Ctx, ln: int, label: str, value: str) -> None:
    ctx.diag(ln, "warning", "bad-value", f"cannot read {label.strip()!r} value {value!r}")


# --- newer layout ---------------------------------------------------------------------


def new_details(ctx: Ctx, ln: int, s: str, raw: str) -> None:
    """State NEW_DETAILS: `Label` on one line, its value on the next (newer site layout)."""
    hit = NEW_LAYOUT_LABELS.get(norm_label(s))
    if hit is not None and not raw[:1].isspace():
        close_pending(ctx)
        name, kind = hit
        ctx.pending = PendingLabel(name, kind, ln, s, "meta")
        return
    pending = ctx.pending
    if pending is not None and (pending.kind == "para" or not pending.lines):
        if pending.kind == "para":
            pending.lines.append(s)
            return
        pending.lines.append(s)
        _set(ctx, pending.name, pending.kind, s, ln, pending.label)
        if pending.kind not in ("list",):
            ctx.pending = None
        return
    ctx.unparsed(ln, s, "evaluation information")


def new_outcomes(ctx: Ctx, ln: int, s: str) -> None:
    """State NEW_OUTCOMES: the newer layout lists outputs, goals and targets unlabelled."""
    plan = nv.strategic_plan(s)
    if plan and s.startswith("UNDP Strategic Plan"):
        _store(ctx, "strategic_plan", plan, ln)
        return
    if s.startswith("Output "):
        field = "corporate_outcomes"
    elif s.startswith("Goal "):
        field = "sdg_goals"
    elif s[:1].isdigit() and "." in s.split(" ", 1)[0]:
        field = "sdg_targets"
    else:
        ctx.unparsed(ln, s, "corporate outcome and output")
        return
    if ln == ctx.cut_line:
        ctx.cut(ln, s)
        return
    ctx.meta.setdefault(field, []).append(s)
    ctx.meta_lines.setdefault(field, ln)


NEW_LAYOUT_BLOCKS = {
    "Evaluation Information": st.NEW_DETAILS,
    "Corporate Outcome and Output": st.NEW_OUTCOMES,
}
