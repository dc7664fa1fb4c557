"""Metadata: the `Title ...` / `Label: value` block, in every layout the portal used.

Known labels map to contract fields through one table, ``LABELS``, shared by the
old layout (`Status:Completed`), the plain layout (`Status: Completed`), the pipe
tables (`Status: | Completed |`) and the newer layout (`Status` then `Completed` on
the next line). Each label has a *kind*; ``READERS`` maps a value kind to the function
that reads it, for the header block and the details alike. A label nobody knows goes
to ``metadata.extra`` with a warning, so a new portal field shows up in CI instead of
vanishing.

Every value is kept by one function, ``store``, with one rule: an empty value never
erases an earlier one, and a different value replaces it while the earlier one is
reported at its own line, so nothing the page said is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from erc_parse.models import Country, construct
from erc_parse.normalize import values as nv
from erc_parse.sections.common import BULLETS, TEAM_HEADER, norm_label, split_label
from erc_parse.state import Page, Pending, Values, quoted

# label -> (field, kind). Kinds: text, para (multi-line text), month, bool, money, atlas,
# list (comma list, or bullets below), bullets (items below), team, countries,
# gefflag, gef (a field of the GEF block), extra (known label without a contract field).
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
    **{k: v for k, v in LABELS.items() if k != "title"},
    "type": ("evaluation_type", "text"),
}
LABELS = {norm_label(k): v for k, v in LABELS.items()}
NEW_LAYOUT_LABELS = {norm_label(k): v for k, v in NEW_LAYOUT_LABELS.items()}
# A line twice as long as the longest label (give or take spaces) is prose: most lines
# of a summary or a narrative are far longer, and not worth normalising.
_BARE_LONGEST = 2 * max(len(k) for k in NEW_LAYOUT_LABELS)


def bare_label(s: str) -> tuple[str, str] | None:
    """(field, kind) of a newer-layout label alone on its line (`Evaluation Plan`), or None."""
    if len(s) > _BARE_LONGEST:
        return None
    return NEW_LAYOUT_LABELS.get(norm_label(s))


def _lookup(label: str) -> tuple[str, str] | None:
    key = norm_label(label)
    hit = LABELS.get(key)
    if hit is None and key.startswith("corporate outcome"):
        hit = ("corporate_outcomes", "bullets")
    return hit


#: The label's (field, kind), or None. Labels repeat on every page; prose lines are
#: looked up too, so only short spellings are remembered.
lookup = nv.per_spelling(_lookup, longest=100)


def _text(raw: str) -> str | None:
    return raw.strip() or None


def _countries(raw: str) -> list[Country]:
    return [construct(Country, {"name": n, "iso3": c}) for n, c in _country_names(raw.strip())]


def _split_countries(value: str) -> tuple[tuple[str, str | None], ...]:
    from erc_parse.normalize.countries import split_countries

    return tuple(split_countries(value))


# The segmentation is a search, and the pages of one download share their countries.
_country_names = nv.per_spelling(_split_countries, longest=200)

#: Value kind -> the function that reads a page string into the contract's value.
READERS: dict[str, Callable[[str], Any]] = {
    "text": _text,
    "para": _text,
    "month": nv.month,
    "money": nv.money,
    "bool": nv.yes_no,
    "atlas": nv.atlas_numbers,
    "countries": _countries,
}


def read(kind: str, raw: str) -> Any:
    """``raw`` read as a value of ``kind``: ``None`` (or empty) when it cannot be read."""
    return READERS[kind](raw)


def is_nuanced(raw: str) -> bool:
    """A yes/no value with more to say than yes or no, such as `Yes (Partial)`."""
    return raw.strip().lower() not in ("yes", "no")


# --- the one way a value is kept --------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def store(p: Page, table: Values, key: str, value: Any, line: int) -> None:
    """Keep a value without losing one the page gave earlier (the title line, a repeat).

    An empty value (or one that could not be read) never erases an earlier one; a
    different value replaces it, as the detail block wins over the header, and the
    earlier one is reported at its line, so that nothing the page said is dropped.
    """
    old = table.values.get(key)
    if not (old is None or old == "" or old == []):
        if value is None or value == "" or value == []:
            return
        if value != old:
            p.diag("warning", "conflicting-values", table.conflict(key, old, value, line), table.lines[key])
    table.values[key] = value
    table.lines[key] = line


def _bad(p: Page, label: str, value: str) -> None:
    p.diag("warning", "bad-value", f"cannot read {quoted(label.strip())} value {quoted(value)}")


def set_value(p: Page, name: str, kind: str, value: str, label: str) -> None:
    """Read one labelled value of the line being read by its kind, and keep it where it belongs."""
    if p.at_cut and kind != "para":
        p.cut(f"{label}: {value}")
        return
    value = value.strip()
    meta = p.meta
    if kind == "text" or kind == "para":  # most values: nothing to read, nothing to report
        store(p, meta.fields, name, value or None, p.ln)
    elif kind in READERS:
        v = READERS[kind](value)
        if value and v is None and not (kind == "money" and value.strip("-– ") == ""):
            _bad(p, label, value)
        elif kind == "bool" and value and is_nuanced(value):
            store(p, meta.extra, label.strip(), value, p.ln)  # `Yes (Partial)`: keep the nuance
        store(p, meta.fields, name, v, p.ln)
    elif kind == "list":
        _extend(p, name, nv.split_list(value))
    elif kind == "bullets":
        if value:
            _extend(p, name, [nv.clean_item(value)], line=False)
    elif kind == "team":
        if value:
            _team_row(p, value)
    elif kind == "gef":
        if meta.gef is None:
            meta.gef = Values("gef")
        store(p, meta.gef, name, value or None, p.ln)
    elif kind == "gefflag":
        flag = nv.yes_no(value)
        if flag:
            meta.gef = meta.gef or Values("gef")
            meta.in_gef = True
        elif value and flag is None:
            _bad(p, label, value)
    else:  # extra
        store(p, meta.extra, name, value, p.ln)


def _extend(p: Page, name: str, items: list[str], *, line: bool = True) -> None:
    """Add to a list field (bullets, comma lists): lists grow, they are never replaced."""
    fields = p.meta.fields
    fields.values.setdefault(name, []).extend(items)
    if line:
        fields.lines.setdefault(name, p.ln)


# --- the detail block -------------------------------------------------------------------------


def details(p: Page, s: str) -> None:
    """State DETAILS: one line of the `Title ...` / `Label: value` block."""
    meta = p.meta
    raw = p.raw
    if raw.lstrip().startswith(BULLETS):
        _bullet(p, s)
        return
    if s.startswith("Title ") or s == "Title":
        close_pending(p)
        set_value(p, "title", "text", s[6:].strip(), "Title")
        return
    hit = _label_line(s)
    if hit is not None:
        close_pending(p)
        label, value, (name, kind) = hit
        if meta.in_gef and name == "evaluation_type":
            kind = "gef"  # inside the GEF block, the type of the GEF review
        elif meta.in_gef and kind != "gef":
            meta.in_gef = False
        if name == "corporate_outcomes":
            plan = nv.strategic_plan(label)
            if plan:
                store(p, meta.fields, "strategic_plan", plan, p.ln)
        if not value and kind != "gefflag":
            meta.pending = Pending(name, kind, p.ln, label)
            if kind in ("bullets", "list"):
                meta.fields.values.setdefault(name, [])
            return
        set_value(p, name, kind, value, label)
        if kind in ("para", "list", "bullets"):
            meta.pending = Pending(name, kind, p.ln, label, [value])
        return
    pending = meta.pending
    if pending is not None:
        if pending.kind == "team":
            if not TEAM_HEADER.match(s):
                _team_row(p, s)
            return
        if pending.kind == "para":
            pending.lines.append(s)
            return
        if pending.kind == "bullets" and raw[:1].isspace():
            _bullet(p, s)
            return
        if not pending.lines and pending.kind != "bullets" and not raw[:1].isspace():
            # The value sits on the line below its label.
            meta.pending = None
            set_value(p, pending.name, pending.kind, s, pending.label)
            return
    unknown = split_label(s)
    if unknown and _looks_like_label(unknown[0]):
        close_pending(p)
        label = unknown[0].strip()
        store(p, meta.extra, label, unknown[1].strip(), p.ln)
        p.diag("warning", "unknown-label", f"unknown label {quoted(label)} kept in metadata.extra")
        return
    p.unparsed(s, "metadata")


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


def _bullet(p: Page, s: str) -> None:
    item = nv.clean_item(s)
    meta = p.meta
    pending = meta.pending
    if pending is not None and pending.kind == "bullets":
        if item:
            _extend(p, pending.name, [item])
        return
    if meta.fields.values.get("joint_evaluation") is not None and item.lower().startswith("joint with"):
        meta.fields.values.setdefault("joint_with", []).append(item[len("joint with") :].strip())
        return
    if item:
        p.unparsed(s, "metadata bullet")


def _team_row(p: Page, s: str) -> None:
    if p.at_cut:
        p.cut(s)
        return
    from erc_parse.normalize.countries import is_country
    from erc_parse.normalize.team import split_team_row

    p.meta.fields.values.setdefault("team", []).append(split_team_row(s, is_country))


def close_pending(p: Page) -> None:
    """A label's value ends here: a paragraph is kept whole, now that its last line is known."""
    meta = p.meta
    pending = meta.pending
    meta.pending = None
    if pending is None or pending.kind != "para" or not pending.lines:
        return
    text = "\n".join(filter(None, pending.lines))
    if pending.header:
        store(p, meta.header, pending.name, (text, read("para", text)), pending.line)
    elif meta.fields.lines.get(pending.name) == pending.line:
        meta.fields.values[pending.name] = text or None  # its own first line, now whole
    else:
        store(p, meta.fields, pending.name, text or None, pending.line)


def merge_header(p: Page) -> None:
    """The detail block wins; a header value it contradicts becomes a warning.

    Header values fill only what the details left empty: the header is a summary the
    portal prints above the details, and the details are the fuller record.
    """
    meta = p.meta
    fields = meta.fields
    for field, held in meta.header.values.items():
        ln = meta.header.lines[field]
        raw, value = held
        if value is None:
            if raw.strip("-–— ") and field != "justification":
                p.diag("warning", "bad-value", f"cannot read header {field} value {quoted(raw)}", ln)
            continue
        current = fields.values.get(field)
        if _empty(current):
            store(p, fields, field, value, ln)
        elif current != value:
            p.diag(
                "warning",
                "conflicting-values",
                f"{field}: header says {quoted(raw)} (line {ln}), details say {quoted(current)};"
                " details kept",
                fields.lines.get(field, ln),
            )
            continue
        if isinstance(value, bool) and is_nuanced(raw):
            # `Yes (Partial)`: the nuance of the value kept; a different one is reported.
            kept = meta.extra.values.setdefault("Management Response", raw.strip())
            if kept != raw.strip():
                p.diag(
                    "warning",
                    "conflicting-values",
                    f"{field}: header says {quoted(raw)}, details say {quoted(kept)}",
                    ln,
                )


def unit_from_plan(p: Page) -> None:
    """An evaluation page names its commissioning unit only in its plan: `2018-2021, RBEC`."""
    values = p.meta.fields.values
    if p.kind == "evaluation" and not values.get("commissioning_unit"):
        plan_value = values.get("evaluation_plan") or ""
        if "," in plan_value:
            values["commissioning_unit"] = plan_value.split(",", 1)[1].strip() or None


# --- newer layout ---------------------------------------------------------------------


def new_details(p: Page, s: str) -> None:
    """State NEW_DETAILS: `Label` on one line, its value on the next (newer site layout)."""
    meta = p.meta
    hit = bare_label(s)
    if hit is not None and not p.raw[:1].isspace():
        close_pending(p)
        meta.pending = Pending(hit[0], hit[1], p.ln, s)
        return
    pending = meta.pending
    if pending is not None and (pending.kind == "para" or not pending.lines):
        pending.lines.append(s)
        if pending.kind != "para":
            set_value(p, pending.name, pending.kind, s, pending.label)
            if pending.kind != "list":
                meta.pending = None
        return
    p.unparsed(s, "evaluation information")


def new_outcomes(p: Page, s: str) -> None:
    """State NEW_OUTCOMES: the newer layout lists outputs, goals and targets unlabelled."""
    plan = nv.strategic_plan(s)
    if plan and s.startswith("UNDP Strategic Plan"):
        store(p, p.meta.fields, "strategic_plan", plan, p.ln)
        return
    if s.startswith("Output "):
        field = "corporate_outcomes"
    elif s.startswith("Goal "):
        field = "sdg_goals"
    elif s[:1].isdigit() and "." in s.split(" ", 1)[0]:
        field = "sdg_targets"
    else:
        p.unparsed(s, "corporate outcome and output")
        return
    if p.at_cut:
        p.cut(s)
        return
    _extend(p, field, [s])
