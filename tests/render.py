"""Write an ``Evaluation`` as the portal's plain detail page (the sample's layout), footer included.

The renderer is the parser's inverse in the test suite: ``parse_text(render(ev, rnd))``
must give ``ev`` back. Where the portal prints one value in several ways (a header
value shown or left empty, `1.1.` or `1.1`, the recommendation on its label's line or
below it, a table with or without empty cells), ``rnd`` picks one, so the property
covers every rendering the plain layout has, not one canonical print.

Layout, top to bottom, as ``samples/ilms-western-balkans-2018.txt`` shows it: the title;
`Report Cover Image`; the header block (`Label:` with the value on the next line, or
both as `- ` bullets); the summary; `Share`; the documents table (its header row may be
missing); the detail block (`Title ...`, `Label: value`,
bullet lists, the team table, the GEF block); `Lessons`, `Findings`, `Recommendations`
with their numbered items; the management-response blocks with their key actions; the
footer (`Latest Evaluations`, `Contact us`, the address).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from erc_parse.models import Document, Evaluation, Item, KeyAction, ManagementResponse, Metadata, TeamMember

__all__ = ["FOOTER", "render"]

FOOTER = [
    "Latest Evaluations",
    "",
    "Contact us",
    "",
    "220 East 42nd Street",
    "20th Floor",
    "New York, NY 10017",
    "Tel. +1 646 781 4200",
    "Fax. +1 646 781 4213",
    "erc.support@undp.org",
]
KA_TABLE_HEADER = "Key Action Responsible DueDate Status Comments Documents"
DOCS_TABLE_HEADER = "Document Type Language Size Status Downloads"


def render(ev: Evaluation, rnd: random.Random) -> str:
    """The page text of ``ev``; ``rnd`` chooses among the portal's equivalent renderings."""
    m = ev.metadata
    out: list[str] = []
    # Older pages: `Status:Completed` (no space) and `Corporate Outcomes (...)`.
    old = rnd.random() < 0.2
    # A header value may be left empty when the detail block has it (and vice versa);
    # decided once per field, so header and details never both hide a value.
    in_header = {name: rnd.random() < 0.8 for name in _HEADER}
    out += [m.title or "", ""]
    if rnd.random() < 0.9:
        out.append("Report Cover Image")
    header = _header(m, in_header, rnd)
    if rnd.random() < 0.15:
        # Some renderings write the header block as bullets: `- Evaluation Plan:`, `- 2018-2021, RBEC`.
        header = ["- " + line for line in header]
    out += header
    out.append("")
    if m.summary:
        for line in m.summary.split("\n"):
            out += [_indent_bullet(line), ""]
    if rnd.random() < 0.9:
        out += ["Share", ""]
    if ev.documents or rnd.random() < 0.3:
        if not ev.documents or rnd.random() < 0.8:
            out.append(DOCS_TABLE_HEADER)  # (some pages print the rows with no header above them)
        out += [_document(d, rnd) for d in ev.documents]
    out += _details(m, in_header, rnd, old)
    out += _section("Lessons", ev.lessons, rnd)
    out += _section("Findings", ev.findings, rnd)
    out += _section("Recommendations", ev.recommendations, rnd)
    for mr in ev.management_responses:
        out += _response(mr, rnd)
    out += [""] + FOOTER
    if rnd.random() < 0.1:
        # Some tools that save a page as text indent every line (lynx by three spaces).
        margin = rnd.choice(["   ", "  ", "\t"])
        out = [margin + line if line else line for line in out]
    return "\n".join(out) + "\n"


# --- header and details ---------------------------------------------------------------------

# Header fields, with their header label, in the sample's order.
_HEADER = {
    "evaluation_plan": "Evaluation Plan:",
    "evaluation_type": "Evaluation Type:",
    "planned_end_date": "Planned End Date:",
    "completion_date": "Completion Date:",
    "status": "Status:",
    "management_response": "Management Response:",
    "budget_usd": "Evaluation Budget(US $):",
}


def _header(m: Metadata, in_header: dict[str, bool], rnd: random.Random) -> list[str]:
    out: list[str] = []
    for name, label in _HEADER.items():
        out.append(label)
        value = _value(name, getattr(m, name), m.extra)
        if value and in_header[name]:
            out.append(value)
        elif name == "budget_usd" and rnd.random() < 0.3:
            out.append("--")  # how the header shows an unknown budget
        if name == "planned_end_date" and m.justification:
            # Cancelled evaluations: the justification sits in the header block, ended by
            # the next header label (always present: `Completion Date:`).
            out += ["Justification: " + _first(m.justification), *_rest(m.justification)]
    return out


def _details(m: Metadata, in_header: dict[str, bool], rnd: random.Random, old: bool) -> list[str]:
    out = [f"Title {m.title}"]
    space = "" if old else " "

    def label(text: str, name: str | None = None, value: object = None, *, optional: bool = True) -> None:
        """`Label: value`; an empty value prints `Label:` (or nothing, where pages omit it)."""
        shown = _value(name, value, m.extra) if name else None
        if name in _HEADER and shown and not in_header[name]:
            pass  # the header left it empty: the details must show it
        elif name in _HEADER and shown and rnd.random() < 0.15:
            shown = None  # the details leave it empty, the header has it
        if shown:
            out.append(f"{text}{space}{shown}")
        elif not optional or rnd.random() < 0.7:
            out.append(text)

    def bullets(heading: str, values: list[str], numbered: bool = True) -> None:
        if not values and rnd.random() < 0.5:
            return
        out.append(heading)
        out.extend(f"  • {f'{i}. ' if numbered else ''}{v}" for i, v in enumerate(values, 1))

    label("Atlas Project Number:", "atlas_project_numbers", m.atlas_project_numbers)
    label("Evaluation Plan:", "evaluation_plan", m.evaluation_plan, optional=False)
    label("Evaluation Type:", "evaluation_type", m.evaluation_type)
    label("Status:", "status", m.status)
    label("Completion Date:", "completion_date", m.completion_date)
    label("Planned End Date:", "planned_end_date", m.planned_end_date)
    label("Management Response:", "management_response", m.management_response)
    bullets("Focus Area:", m.focus_areas)
    bullets("UNDP Signature Solution:", m.signature_solutions)
    if m.strategic_plan:
        heading = "Corporate Outcomes" if old else "Corporate Outcome and Output"
        out.append(f"{heading} (UNDP Strategic Plan {m.strategic_plan})")
        out.extend(f"  • {i}. {v}" for i, v in enumerate(m.corporate_outcomes, 1))
    bullets("SDG Goal", m.sdg_goals, numbered=False)
    bullets("SDG Target", m.sdg_targets, numbered=False)
    label("Evaluation Budget(US $):", "budget_usd", m.budget_usd)
    label("Source of Funding:", "source_of_funding", m.source_of_funding)
    label("Evaluation Expenditure(US $):", "expenditure_usd", m.expenditure_usd)
    label("Joint Programme:", "joint_programme", m.joint_programme)
    label("Joint Evaluation:", "joint_evaluation", m.joint_evaluation, optional=not m.joint_with)
    out.extend(f"  • Joint with {j}" for j in m.joint_with)
    if m.mandatory is not None:
        out.append(f"Mandatory Evaluation:{space}{_yes_no(m.mandatory)}")
    if m.team or rnd.random() < 0.7:
        out += ["Evaluation Team members:", "Name Title Email Nationality"]
        out += [_team_row(t) for t in m.team]
    if m.gef is not None:
        g = m.gef
        out.append("GEF Evaluation: Yes")
        label("GEF Project Title:", "gef", g.project_title, optional=False)
        label("Evaluation Type:", "gef", g.evaluation_type, optional=False)
        label("Focal Area:", "gef", g.focal_area, optional=False)
        label("Project Type:", "gef", g.project_type, optional=False)
        label("GEF Phase:", "gef", g.phase, optional=False)
        label("GEF Project ID:", "gef", g.project_id, optional=False)
        label("PIMS Number:", "gef", g.pims_number, optional=False)
    elif rnd.random() < 0.7:
        out.append("GEF Evaluation: No")
    label("Key Stakeholders:", "key_stakeholders", m.key_stakeholders)
    if m.location:
        out.append(f"Location of Evaluation:{space}{m.location}")
    label("Countries:", "countries", "".join(c.name for c in m.countries))
    if m.comments:
        out += ["Comments: " + _first(m.comments), *_rest(m.comments)]
    return out


def _value(name: str | None, value: object, extra: dict[str, str] | None = None) -> str | None:
    """A metadata value as the page prints it; ``None`` for an empty one."""
    if value is None or value == [] or value == "":
        return None
    if name in ("completion_date", "planned_end_date"):
        year, month = str(value).split("-")
        return f"{month}/{year}"
    if isinstance(value, bool):
        if name == "management_response" and extra and "Management Response" in extra:
            return extra["Management Response"]  # `Yes (Partial)`
        return _yes_no(value)
    if name in ("budget_usd", "expenditure_usd") and isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if name == "atlas_project_numbers" and isinstance(value, list):
        return ", ".join(value)
    if name == "key_stakeholders" and isinstance(value, list):
        # `A, B`; `A; B, C` when an entry holds a comma (the page's two list styles).
        return ("; " if any("," in v for v in value) else ", ").join(value)
    return str(value)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _team_row(t: TeamMember) -> str:
    return " ".join(x for x in (t.name, t.title, t.email, t.nationality) if x)


def _document(d: Document, rnd: random.Random) -> str:
    """`Download document NAME TYPE LANGUAGE SIZE KB STATUS DOWNLOADS`; old pages skip cells."""
    size = None
    if d.size_kb is not None:
        size = (f"{d.size_kb:,.2f}" if rnd.random() < 0.3 else f"{d.size_kb:.2f}") + " KB"
    cells = [d.filename, d.type, d.language, size, d.status, str(d.downloads)]
    return "Download document " + " ".join(c for c in cells if c)


# --- lessons, findings, recommendations ---------------------------------------------------------


def _section(heading: str, items: list[Item], rnd: random.Random) -> list[str]:
    out = [heading]
    number: int | None = None
    for item in items:
        lines = item.text.split("\n") if item.text else []
        if item.number != number:
            number = item.number
            if item.heading is None and lines and rnd.random() < 0.3:
                # Older pages: `1 Text of the item` on the number's line.
                out += ["", f"{number} {lines[0]}"]
                out += [_indent_bullet(x) for x in lines[1:]]
                continue
            out += [f"{number}{rnd.choice(['.', '.', ''])}", ""]
        if item.heading is not None:
            out += ["", item.heading] if rnd.random() < 0.5 else [item.heading]
        out += [_indent_bullet(x) for x in lines]
        out.append("")
    return out + [""]


def _indent_bullet(line: str) -> str:
    """Bullets and numbered lists are indented on the page (`  • text`, `  1.  Recommendation: ...`);
    the model keeps them stripped. Indented, a line shaped like an anchor is text (issue 14, point 4)."""
    return "  " + line if line.startswith("• ") or _NUMBERED.match(line) else line


_NUMBERED = re.compile(r"\d{1,3}\.\s")


# --- management responses and key actions ----------------------------------------------------


def _response(mr: ManagementResponse, rnd: random.Random) -> list[str]:
    head = f"{mr.recommendation_number}. Recommendation:"
    out: list[str] = []
    rec = mr.recommendation.split("\n") if mr.recommendation else []
    if rec and rnd.random() < 0.3:
        out += [f"{head} {rec[0]}", ""]  # the text on the label's line (management-response pages)
        rec = rec[1:]
    else:
        out += [head, ""]
    out += _paragraphs(rec)
    response = mr.response.split("\n") if mr.response else []
    stamp = f"Management Response: {_stamps(mr.added, mr.last_updated)}"
    if response and rnd.random() < 0.2:
        stamp += " " + response.pop(0)  # the response's first line on the stamp line
    out += [stamp, ""]
    out += _paragraphs(response)
    out += ["Key Actions:", "", KA_TABLE_HEADER]
    for ka in mr.key_actions:
        out += _key_action(ka, rnd.choice)
    return out


def _paragraphs(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += [_indent_bullet(line), ""]
    return out


def _stamps(added: str | None, last_updated: str | None) -> str:
    text = f"[Added: {_slashes(added)}]"
    return text + (f" [Last Updated: {_slashes(last_updated)}]" if last_updated else "")


def _slashes(day: str | None) -> str:
    return (day or "").replace("-", "/")


def _key_action(ka: KeyAction, choose: Callable[[list[str]], str]) -> list[str]:
    """Text (numbered `1.1.`, `1.1`, `1)`, `1.`, `- ` or bare), the stamp line, the row."""
    number = ka.number
    if number is None:
        prefix = choose(["", "- "])
    elif "." in number:
        prefix = number + choose([". ", " "])
    else:
        prefix = number + choose([") ", ". "])
    text = ka.text.split("\n")
    out = [prefix + text[0], *text[1:], _stamps(ka.added, ka.last_updated)]
    comments = ka.comments.split("\n") if ka.comments else []
    due = ka.due.replace("-", "/") if ka.due else None
    justification = f"[Justification: {ka.justification}]" if ka.justification else None
    cells = [ka.responsible, due, ka.status, justification, comments[0] if comments else None]
    row = " ".join(c for c in cells if c)
    out.append(row + (" History" if ka.has_history else ""))
    return out + comments[1:]


def _first(text: str) -> str:
    return text.split("\n", 1)[0]


def _rest(text: str) -> list[str]:
    return text.split("\n")[1:]
