"""The JSON contract of erc-parse: one pydantic model per part of an ERC page.

Field names are public interface: the JSON export, the CSV columns and the SQLite
schema are all derived from them, so renaming one is a breaking change that needs a
new ``SCHEMA_VERSION``.

Conventions, chosen so that a value is either what the page says or ``None``:

- month values (``completion_date``, ``planned_end_date``, key-action ``due``) are
  ``YYYY-MM`` strings, since the portal gives no day;
- stamps (``added``, ``last_updated``) are ``YYYY-MM-DD`` strings;
- identifiers that may carry leading zeros (Atlas numbers, key-action numbers,
  GEF ids) stay strings;
- an empty page value is ``None`` (or an empty list), never ``""``.

The parser builds these with ``model_construct`` where its own checks already hold,
so keep validators free of side effects: ``model_validate_json`` must give back an
equal object.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

_M = TypeVar("_M", bound=BaseModel)
# The slots every model instance has, set through their descriptors: `object.__setattr__`
# would look each one up on the class again for every model built.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def construct(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` for trusted values that name *every* field.

    What ``model_construct`` does for these models (no aliases, no private attributes,
    no ``model_post_init``, extra keys forbidden), without its per-field walk over
    aliases and defaults in Python: the parser builds thousands of models per megabyte
    and this is several times cheaper. ``values`` becomes the instance's ``__dict__``,
    so give it in field order and leave out nothing (the suite checks the result
    equals ``model_construct``'s and round-trips through JSON).
    """
    m = _new(cls)
    _set_dict(m, values)
    _set_fields_set(m, set(values))
    _set_extra(m, None)
    _set_private(m, None)
    return m


Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2018-11"])]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2018-11-23"])]
Kind = Literal["evaluation", "management_response", "plan", "unknown"]
Layout = Literal["plain", "table"]
Severity = Literal["info", "warning", "error"]


class _Model(BaseModel):
    # Unknown keys in JSON are an error: a typo in a consumer's fixture should fail loudly.
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    """Where the evaluation came from, so exports can be traced back to a dump."""

    path: str | None = None
    sha256: str | None = None


class TeamMember(_Model):
    name: str | None = None
    title: str | None = None
    email: str | None = None
    nationality: str | None = None


class Gef(_Model):
    """The GEF block; present only when the page says ``GEF Evaluation: Yes``."""

    project_title: str | None = None
    evaluation_type: str | None = None
    focal_area: str | None = None
    project_type: str | None = None
    phase: str | None = None
    project_id: str | None = None
    pims_number: str | None = None


class Country(_Model):
    """A country or a non-country unit (``GLOBAL``, a bureau) as the portal spells it."""

    name: str
    iso3: str | None = None


class Metadata(_Model):
    title: str | None = None
    atlas_project_numbers: list[str] = Field(default_factory=list)
    evaluation_plan: str | None = None
    evaluation_type: str | None = None
    status: str | None = None
    completion_date: Month | None = None
    planned_end_date: Month | None = None
    management_response: bool | None = None
    budget_usd: int | float | None = None
    expenditure_usd: int | float | None = None
    source_of_funding: str | None = None
    strategic_plan: str | None = None
    corporate_outcomes: list[str] = Field(default_factory=list)
    focus_areas: list[str] = Field(default_factory=list)
    signature_solutions: list[str] = Field(default_factory=list)
    sdg_goals: list[str] = Field(default_factory=list)
    sdg_targets: list[str] = Field(default_factory=list)
    joint_programme: bool | None = None
    joint_evaluation: bool | None = None
    joint_with: list[str] = Field(default_factory=list)
    mandatory: bool | None = None
    location: str | None = None
    team: list[TeamMember] = Field(default_factory=list)
    gef: Gef | None = None
    key_stakeholders: list[str] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    commissioning_unit: str | None = None
    response_unit: str | None = None
    summary: str | None = None
    comments: str | None = None
    justification: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Document(_Model):
    """One row of the documents table; the table rendering omits the filename."""

    filename: str | None = None
    type: str | None = None
    language: str | None = None
    size_kb: float | None = None
    status: str | None = None
    downloads: int | None = None


class Item(_Model):
    """A lesson, finding or recommendation.

    ``heading`` carries the evaluation criterion (Relevance, Effectiveness, ...) a
    finding was written under; ``text`` keeps paragraphs and bullets, one per line.
    """

    number: int | None = None
    heading: str | None = None
    text: str = ""


class KeyAction(_Model):
    number: str | None = None
    text: str = ""
    added: Day | None = None
    last_updated: Day | None = None
    responsible: str | None = None
    due: Month | None = None
    status: str | None = None
    comments: str | None = None
    justification: str | None = None
    has_history: bool = False


class ManagementResponse(_Model):
    recommendation_number: int | None = None
    recommendation: str | None = None
    response: str | None = None
    added: Day | None = None
    last_updated: Day | None = None
    key_actions: list[KeyAction] = Field(default_factory=list)


class Diagnostic(_Model):
    """Something the parser could not place, or an oddity of the page, by input line."""

    line: int
    severity: Severity
    code: str
    message: str


class Evaluation(_Model):
    """One parsed ERC page: the root of the JSON export."""

    schema_version: str = SCHEMA_VERSION
    source: Source = Field(default_factory=Source)
    kind: Kind = "unknown"
    layout: Layout = "plain"
    truncated: bool = False
    metadata: Metadata = Field(default_factory=Metadata)
    documents: list[Document] = Field(default_factory=list)
    lessons: list[Item] = Field(default_factory=list)
    findings: list[Item] = Field(default_factory=list)
    recommendations: list[Item] = Field(default_factory=list)
    management_responses: list[ManagementResponse] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def count(self, severity: Severity) -> int:
        """Number of diagnostics of one severity; what ``check`` and ``summary`` show."""
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def key_actions(self) -> list[tuple[ManagementResponse, KeyAction]]:
        """Every key action with the response it belongs to, in page order."""
        return [(mr, ka) for mr in self.management_responses for ka in mr.key_actions]
