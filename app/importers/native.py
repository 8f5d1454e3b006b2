"""The native ``stakemap/v1`` document: SPEC §2's fields, references by external_id.

References (``organisation``, ``owner``, ``source``, ``target``, ``participants``) name
external_ids in the document or already in the partnership; ``"hub"`` names the hub. A
stakeholder without an external_id may carry a ``ref``, a name that holds only inside the
document (exports use it for stakeholders made without an external_id). A record sets the fields
it gives: an absent field is left as stored (or defaulted when the record is new), ``null``
clears it. Every problem is reported at once with its ``loc`` and nothing is written.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any, Literal, NotRequired

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    with_config,
)
from sqlmodel import Session
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from app.enums import Channel, Level, Sector, Seniority, TieKind
from app.errors import FieldProblem, Invalid
from app.importers import engine
from app.importers.plan import UNSET, EngagementIn, Known, Plan, StakeholderIn, TieIn
from app.importers.report import ImportReport
from app.schemas import Email, ExternalId, Flag, Name, Notes, Score, Sentiment, ShortText, Tags

__all__ = ["FORMAT", "NativeDocument", "parse", "read", "import_native"]

FORMAT = "stakemap/v1"


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("a date is a string YYYY-MM-DD")
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(f"{value[:40]!r} is not a date YYYY-MM-DD")
    return value


#: A calendar date written YYYY-MM-DD (numbers and other shapes are refused).
Day = Annotated[date, BeforeValidator(_iso_date)]


def _choice(enum) -> Any:
    """The enum's values as a Literal, so that validated records hold plain strings."""
    return Literal[tuple(m.value for m in enum)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Records are TypedDicts: validation returns plain dicts holding only the keys that were given,
# which is what an import sets (an absent field is left as stored).
_STRICT = ConfigDict(extra="forbid")


@with_config(_STRICT)
class NativeStakeholder(TypedDict):
    kind: Literal["hub", "organisation", "person", "group"]
    name: Name
    external_id: NotRequired[ExternalId | None]
    ref: NotRequired[ExternalId | None]
    organisation: NotRequired[ExternalId | None]
    sector: NotRequired[_choice(Sector) | None]
    role: NotRequired[ShortText | None]
    seniority: NotRequired[_choice(Seniority) | None]
    influence: NotRequired[Score | None]
    interest: NotRequired[Score | None]
    engagement: NotRequired[_choice(Level) | None]
    desired_engagement: NotRequired[_choice(Level) | None]
    owner: NotRequired[ExternalId | None]
    email: NotRequired[Email | None]
    notes: NotRequired[Notes]
    tags: NotRequired[Tags]
    contact_permitted: NotRequired[Flag]


@with_config(_STRICT)
class NativeTie(TypedDict):
    source: ExternalId
    target: ExternalId
    kind: NotRequired[_choice(TieKind)]
    directed: NotRequired[Flag | None]
    strength: NotRequired[Score]
    valid_from: NotRequired[Day | None]
    valid_to: NotRequired[Day | None]
    external_id: NotRequired[ExternalId | None]
    notes: NotRequired[Notes]


@with_config(_STRICT)
class NativeEngagement(TypedDict):
    occurred_on: Day
    channel: _choice(Channel)
    participants: Annotated[list[ExternalId], Field(min_length=2, max_length=10_000)]
    summary: NotRequired[Notes]
    sentiment: NotRequired[Sentiment | None]
    external_id: NotRequired[ExternalId | None]


class NativePartnership(_Record):
    name: Name | None = None
    description: Notes | None = None
    half_life_days: Annotated[float, Field(gt=0, le=3650)] | None = None


class NativeDocument(_Record):
    format: Literal["stakemap/v1"]
    exported_on: Day | None = None
    partnership: NativePartnership | None = None
    stakeholders: list[NativeStakeholder] = Field(default_factory=list)
    ties: list[NativeTie] = Field(default_factory=list)
    engagements: list[NativeEngagement] = Field(default_factory=list)


class _Envelope(_Record):
    format: Literal["stakemap/v1"]
    exported_on: Day | None = None
    partnership: NativePartnership | None = None
    stakeholders: list[Any] = Field(default_factory=list)
    ties: list[Any] = Field(default_factory=list)
    engagements: list[Any] = Field(default_factory=list)


_SECTIONS = {
    "stakeholders": TypeAdapter(list[NativeStakeholder]),
    "ties": TypeAdapter(list[NativeTie]),
    "engagements": TypeAdapter(list[NativeEngagement]),
}
_ONE = {
    "stakeholders": TypeAdapter(NativeStakeholder),
    "ties": TypeAdapter(NativeTie),
    "engagements": TypeAdapter(NativeEngagement),
}


def _problems(exc: ValidationError, prefix: tuple) -> list[FieldProblem]:
    return [FieldProblem((*prefix, *e["loc"]), e["msg"], e["type"]) for e in exc.errors()]


def parse(doc: object) -> NativeDocument:
    """Validate the document's shape; raise Invalid locating every problem."""
    try:
        return NativeDocument.model_validate(doc)
    except ValidationError as exc:
        raise Invalid(_problems(exc, ("body",))) from None


def _validated(plan: Plan, name: str, items: list) -> list[tuple[int, Any]]:
    """The section's valid records with their indexes; problems of the others go to the plan."""
    try:
        return list(enumerate(_SECTIONS[name].validate_python(items)))
    except ValidationError as exc:
        plan.problems.extend(_problems(exc, ("body", name)))
    good = []
    for i, item in enumerate(items):
        try:
            good.append((i, _ONE[name].validate_python(item)))
        except ValidationError:
            if isinstance(item, dict):
                for key in ("external_id", "ref"):
                    if isinstance(item.get(key), str):
                        plan.broken.add(item[key].strip())
    return good


def read(doc: object, known: Known, *, shift_days: int = 0) -> Plan:
    """Translate a native document into a plan (records, problems)."""
    plan = Plan()
    if not isinstance(doc, dict):
        plan.problem(("body",), "expected a stakemap/v1 document (a JSON object)", "dict_type")
        return plan
    try:
        env = _Envelope.model_validate(doc)
    except ValidationError as exc:
        plan.problems.extend(_problems(exc, ("body",)))
        return plan
    shift = timedelta(days=shift_days)

    for i, s in _validated(plan, "stakeholders", env.stakeholders):
        kind = s.pop("kind")
        rec = StakeholderIn(
            loc=("body", "stakeholders", i),
            locs=None,
            kind=kind,
            external_id=s.pop("external_id", None),
            ref=s.pop("ref", None),
            organisation=s.pop("organisation", UNSET),
            owner=s.pop("owner", UNSET),
            values=s,
        )
        if kind != "hub":
            plan.stakeholders.append(rec)
        elif plan.hub is None:
            plan.hub = rec
        else:
            plan.problem(rec.at("kind"), "only one hub record is allowed")

    for i, t in _validated(plan, "ties", env.ties):
        source, target, ext = t.pop("source"), t.pop("target"), t.pop("external_id", None)
        if t.get("directed", 0) is None:
            del t["directed"]
        if shift:
            for f in ("valid_from", "valid_to"):
                if t.get(f) is not None:
                    t[f] += shift
        plan.ties.append(
            TieIn(
                loc=("body", "ties", i),
                locs=None,
                source=source,
                target=target,
                external_id=ext,
                values=t,
            )
        )

    for i, e in _validated(plan, "engagements", env.engagements):
        participants, ext = e.pop("participants"), e.pop("external_id", None)
        if shift:
            e["occurred_on"] += shift
        plan.engagements.append(
            EngagementIn(
                loc=("body", "engagements", i),
                locs=None,
                participants=participants,
                external_id=ext,
                values=e,
            )
        )
    return plan


def import_native(
    *,
    session: Session,
    partnership_id: int,
    doc: object,
    dry_run: bool = False,
    shift_days: int = 0,
    progress: engine.Progress | None = None,
) -> ImportReport:
    """Upsert a native document into the partnership; all or nothing.

    ``shift_days`` moves every date (the demo uses it so its history ends today).
    """
    return engine.run(
        session=session,
        partnership_id=partnership_id,
        doc=doc,
        reader=partial(read, shift_days=shift_days),
        dry_run=dry_run,
        progress=progress,
    )
