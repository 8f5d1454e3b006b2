"""Salesforce REST query results: ``{"totalSize", "done", "records": [...]}``, one or several.

The body is one query result, or an object whose values are query results (or lists of them,
one per page), e.g. ``{"accounts": {...}, "contacts": {...}, "events": {...}}``. Every record is
typed by ``attributes.type``; relationship subqueries nested in a record (an Account's
``Contacts``, an Event's ``EventRelations``) are read too, their parent filling a missing
``AccountId`` or ``EventId``.

=============  ==================================================================================
Account        organisation: ``Name``; ``Industry`` (else a non-standard ``Type``) → sector;
               ``Description`` → notes; ``OwnerId`` → owner
Contact        person: ``FirstName`` ``LastName`` (or ``Name``); ``Title`` → role; ``Email``;
               ``Description`` → notes; ``HasOptedOutOfEmail`` → contact_permitted (negated);
               ``AccountId`` → organisation; ``OwnerId`` → owner; ``ReportsToId`` → a
               ``reports_to`` tie (external_id ``salesforce:<ContactId>:reports_to``)
User           hub member: ``Name``, ``Email``, ``Title`` → role
Event          engagement: ``StartDateTime`` (else ``ActivityDateTime``, ``ActivityDate``) →
               occurred_on; ``Type`` → channel (none: meeting); ``Subject`` → summary;
               participants: the owner, ``WhoId``, the attendees (``EventRelation``
               ``RelationId``, declined and uninvited left out), and ``WhatId`` when it names an
               Account and nobody else outside the hub took part. Child events (``IsChild``, the
               invitees' copies) are skipped.
Task           engagement as an Event, channel from ``Type`` else ``TaskSubtype``; date from
               ``ActivityDate`` (else ``CompletedDateTime``, ``CreatedDate``); open tasks
               (``IsClosed`` false, or a not-started status) are not engagements yet: skipped
=============  ==================================================================================

External ids are ``salesforce:`` + the 18-character record id (15-character ids are converted).
``AccountId`` and ``ReportsToId`` must name a record in the document or the partnership (an
error otherwise); an owner or a participant that is neither (a Lead, say) is left out with a
warning, and an activity left with fewer than two participants is skipped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.importers.plan import HUB, UNSET, EngagementIn, Known, Loc, Plan, StakeholderIn, TieIn
from app.importers.vendor import NOTES_MAX, SHORT_MAX, Source

__all__ = ["read", "looks_like", "id18"]

PREFIX = "salesforce:"
#: Types that Stakemap reads.
TYPES = ("Account", "Contact", "User", "Event", "Task", "EventRelation")
#: Account ``Type`` values that describe the relationship, not the sector.
RELATIONSHIP_TYPES = frozenset(
    {"analyst", "competitor", "customer", "integrator", "investor", "partner", "press",
     "prospect", "reseller", "other", "customer direct", "customer channel",
     "channel partner reseller", "installation partner", "technology partner"}
)  # fmt: skip
#: Task statuses that say the task has not been done.
OPEN_STATUSES = frozenset({"not started", "in progress", "waiting on someone else", "deferred"})
#: EventRelation statuses of people who did not take part.
ABSENT = frozenset({"declined", "uninvited"})
_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
MAX_NESTING = 3


def id18(sfid: str) -> str:
    """The 18-character, case-insensitive form of a Salesforce record id.

    >>> id18("0015g00000XyZab")
    '0015g00000XyZabAAF'
    """
    if len(sfid) == 18:
        return sfid
    suffix = ""
    for block in range(3):
        bits = 0
        for pos, char in enumerate(sfid[block * 5 : block * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << pos
        suffix += _SUFFIX[bits]
    return sfid + suffix


def _is_result(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("records"), list)


def looks_like(doc: object) -> bool:
    """Whether a document looks like Salesforce query results."""
    if not isinstance(doc, dict):
        return False
    if _is_result(doc):
        return True
    return any(
        _is_result(v) or (isinstance(v, list) and v and all(_is_result(x) for x in v))
        for v in doc.values()
    )


@dataclass
class _Rec:
    type: str
    id: str
    data: dict
    loc: Loc
    parent: tuple[str, str] | None = None  # (type, id) of the record it was nested in


@dataclass
class _Found:
    by_type: dict[str, list[_Rec]] = field(default_factory=dict)
    other: dict[str, tuple[Loc, int]] = field(default_factory=dict)


class _Salesforce(Source):
    def __init__(self, known: Known):
        super().__init__(known)
        self.found = _Found()

    # -- reading the results --------------------------------------------------------------

    def results(self, doc: object) -> None:
        if not isinstance(doc, dict):
            self.problem(
                ("body",),
                "expected a Salesforce query result {totalSize, done, records} "
                "or an object of several",
                "dict_type",
            )
            return
        if "records" in doc:
            self.result(doc, ("body",), None, 0)
            return
        if not doc:
            self.problem(("body",), "no query results", "missing")
        for key, value in doc.items():
            if isinstance(value, list):
                for i, page in enumerate(value):
                    self.result(page, ("body", key, i), None, 0)
            else:
                self.result(value, ("body", key), None, 0)

    def result(self, res: Any, loc: Loc, parent: tuple[str, str] | None, depth: int) -> None:
        if not isinstance(res, dict) or "records" not in res:
            self.problem(loc, "expected a query result {totalSize, done, records}", "dict_type")
            return
        records = res["records"]
        if not isinstance(records, list):
            self.problem((*loc, "records"), "expected a list of records", "list_type")
            return
        if res.get("done") is False:
            more = res.get("nextRecordsUrl")
            self.warn(
                (*loc, "done"),
                "this result is incomplete (done is false"
                + (f", next page {more}" if isinstance(more, str) else "")
                + "): fetch every page before importing",
            )
        for i, rec in enumerate(records):
            self.record(rec, (*loc, "records", i), parent, depth)

    def record(self, rec: Any, loc: Loc, parent: tuple[str, str] | None, depth: int) -> None:
        if not isinstance(rec, dict):
            self.problem(loc, "expected a record (an object)", "dict_type")
            return
        attrs = rec.get("attributes")
        kind = attrs.get("type") if isinstance(attrs, dict) else None
        if not isinstance(kind, str):
            self.problem((*loc, "attributes", "type"), "a record needs attributes.type", "missing")
            return
        raw = rec.get("Id")
        sfid = self.string(raw, (*loc, "Id"), required=True)
        if sfid is None:
            return
        if not _ID.match(sfid):
            self.problem((*loc, "Id"), f"{sfid[:40]!r} is not a Salesforce record id")
            return
        sfid = id18(sfid)
        if kind not in TYPES:
            first, n = self.found.other.get(kind, (loc, 0))
            self.found.other[kind] = (first, n + 1)
        else:
            self.found.by_type.setdefault(kind, []).append(_Rec(kind, sfid, rec, loc, parent))
        if depth < MAX_NESTING:
            for key, value in rec.items():
                if _is_result(value):
                    self.result(value, (*loc, key), (kind, sfid), depth + 1)

    # -- translating ----------------------------------------------------------------------

    def ref(self, rec: _Rec, key: str, parent_type: str | None = None) -> Any:
        """``salesforce:<id>`` for a reference field; None when null; UNSET when absent."""
        data = rec.data
        if key not in data:
            if parent_type and rec.parent and rec.parent[0] == parent_type:
                return PREFIX + rec.parent[1]
            return UNSET
        value = self.string(data[key], (*rec.loc, key))
        if value is None:
            return None
        if not _ID.match(value):
            self.problem((*rec.loc, key), f"{value[:40]!r} is not a Salesforce record id")
            return None
        return PREFIX + id18(value)

    def soft(self, ext: Any, loc: Loc, what: str) -> Any:
        """A reference that is left out (UNSET) with a warning when it names nothing known."""
        if ext is UNSET or ext is None or self.exists(ext):
            return ext
        self.warn(loc, f"{what} {ext[len(PREFIX) :]} is not in the document or the partnership")
        return UNSET

    def put(self, rec: _Rec, attr: str, key: str, values: dict, value: Any) -> None:
        if key in rec.data:
            values[attr] = value

    def text_field(self, rec: _Rec, key: str, limit: int, what: str) -> str | None:
        loc = (*rec.loc, key)
        return self.text(self.string(rec.data.get(key), loc), loc, limit, what)

    def stakeholder(self, rec: _Rec, kind: str, values: dict, since: int, **refs: Any) -> None:
        """Add a stakeholder; ``since`` is the problem count before its record was read."""
        locs = {"external_id": (*rec.loc, "Id"), "kind": (*rec.loc, "attributes", "type")}
        for attr, key in (("name", "Name"), ("organisation", "AccountId"), ("owner", "OwnerId")):
            locs[attr] = (*rec.loc, key)
        self.plan.stakeholders.append(
            StakeholderIn(
                loc=rec.loc,
                locs=locs,
                kind=kind,
                external_id=PREFIX + rec.id,
                ref=None,
                values=values,
                organisation=refs.get("organisation", UNSET),
                owner=refs.get("owner", UNSET),
            )
        )
        if len(self.plan.problems) > since:
            self.plan.broken.add(PREFIX + rec.id)

    def person_name(self, rec: _Rec) -> str | None:
        d = rec.data
        if not any(k in d for k in ("Name", "FirstName", "LastName")):
            return None  # not selected: left as stored
        first = self.string(d.get("FirstName"), (*rec.loc, "FirstName"))
        last = self.string(d.get("LastName"), (*rec.loc, "LastName"))
        name = self.string(d.get("Name"), (*rec.loc, "Name")) or " ".join(
            p for p in (first, last) if p
        )
        if not name:
            name = f"{rec.type} {rec.id}"
            self.warn((*rec.loc, "LastName"), f"no name: called {name!r}")
        return self.name(name, (*rec.loc, "Name"))

    def users(self) -> None:
        for rec in self.found.by_type.get("User", []):
            since, values = len(self.plan.problems), {}
            name = self.person_name(rec)
            if name is not None:
                values["name"] = name
            title = self.text_field(rec, "Title", SHORT_MAX, "title")
            self.put(rec, "role", "Title", values, title)
            if "Email" in rec.data:
                loc = (*rec.loc, "Email")
                values["email"] = self.email(self.string(rec.data["Email"], loc), loc)
            self.stakeholder(rec, "person", values, since, organisation=HUB)

    def accounts(self) -> None:
        for rec in self.found.by_type.get("Account", []):
            d, values, since = rec.data, {}, len(self.plan.problems)
            if "Name" in d:
                name = self.string(d["Name"], (*rec.loc, "Name"), required=True)
                if name is not None:
                    values["name"] = self.name(name, (*rec.loc, "Name"))
            industry = self.string(d.get("Industry"), (*rec.loc, "Industry"))
            kind = self.string(d.get("Type"), (*rec.loc, "Type"))
            if industry:
                values["sector"] = self.sector(industry, (*rec.loc, "Industry"))
            elif kind and kind.lower() not in RELATIONSHIP_TYPES:
                values["sector"] = self.sector(kind, (*rec.loc, "Type"))
            elif "Industry" in d:
                values["sector"] = None
            notes = self.text_field(rec, "Description", NOTES_MAX, "description")
            self.put(rec, "notes", "Description", values, notes or "")
            owner = self.soft(self.ref(rec, "OwnerId"), (*rec.loc, "OwnerId"), "owner")
            self.stakeholder(rec, "organisation", values, since, owner=owner)

    def contacts(self) -> None:
        for rec in self.found.by_type.get("Contact", []):
            d, values, since = rec.data, {}, len(self.plan.problems)
            name = self.person_name(rec)
            if name is not None:
                values["name"] = name
            title = self.text_field(rec, "Title", SHORT_MAX, "title")
            self.put(rec, "role", "Title", values, title)
            if "Email" in d:
                loc = (*rec.loc, "Email")
                values["email"] = self.email(self.string(d["Email"], loc), loc)
            notes = self.text_field(rec, "Description", NOTES_MAX, "description")
            self.put(rec, "notes", "Description", values, notes or "")
            if "HasOptedOutOfEmail" in d:
                opted_out = self.flag(d["HasOptedOutOfEmail"], (*rec.loc, "HasOptedOutOfEmail"))
                values["contact_permitted"] = not opted_out
            account = self.ref(rec, "AccountId", parent_type="Account")
            owner = self.soft(self.ref(rec, "OwnerId"), (*rec.loc, "OwnerId"), "owner")
            self.stakeholder(rec, "person", values, since, organisation=account, owner=owner)
            boss = self.ref(rec, "ReportsToId")
            if isinstance(boss, str):
                self.plan.ties.append(
                    TieIn(
                        loc=rec.loc,
                        locs={"source": (*rec.loc, "Id"), "target": (*rec.loc, "ReportsToId"),
                              "external_id": (*rec.loc, "ReportsToId")},
                        source=PREFIX + rec.id,
                        target=boss,
                        external_id=f"{PREFIX}{rec.id}:reports_to",
                        values={"kind": "reports_to"},
                    )
                )  # fmt: skip

    def activities(self) -> None:
        attendees: dict[str, list[_Rec]] = {}
        events = {r.id for r in self.found.by_type.get("Event", [])}
        for rel in self.found.by_type.get("EventRelation", []):
            event = self.ref(rel, "EventId", parent_type="Event")
            if not isinstance(event, str):
                if event is UNSET:
                    self.problem((*rel.loc, "EventId"), "an EventRelation needs EventId", "missing")
                continue
            if event[len(PREFIX) :] not in events:
                self.warn((*rel.loc, "EventId"), "its Event is not in the document; ignored")
                continue
            attendees.setdefault(event[len(PREFIX) :], []).append(rel)
        for kind in ("Event", "Task"):
            for rec in self.found.by_type.get(kind, []):
                self.activity(rec, attendees.get(rec.id, []))

    def activity(self, rec: _Rec, relations: list[_Rec]) -> None:
        d, loc = rec.data, rec.loc
        if self.flag(d.get("IsDeleted"), (*loc, "IsDeleted")):
            self.warn(loc, f"deleted {rec.type} skipped")
            return
        if rec.type == "Event" and self.flag(d.get("IsChild"), (*loc, "IsChild")):
            return  # an invitee's copy of an event whose parent is the engagement
        if rec.type == "Task":
            closed = self.flag(d.get("IsClosed"), (*loc, "IsClosed"))
            status = self.string(d.get("Status"), (*loc, "Status"))
            if closed is False or (closed is None and status and status.lower() in OPEN_STATUSES):
                self.warn(loc, "open task skipped: it is not an engagement until it is done")
                return
        dates = (
            ("StartDateTime", "ActivityDateTime", "ActivityDate")
            if rec.type == "Event"
            else ("ActivityDate", "CompletedDateTime", "CreatedDate")
        )
        occurred = None
        for key in dates:
            if d.get(key) is not None:
                occurred = self.day(d[key], (*loc, key))
                break
        else:
            self.problem((*loc, dates[0]), f"an {rec.type} needs {' or '.join(dates)}", "missing")
        channel = "meeting"
        keys = ("Type",) if rec.type == "Event" else ("Type", "TaskSubtype")
        for key in keys:
            value = self.string(d.get(key), (*loc, key))
            if value:
                channel = self.channel(value, (*loc, key))
                break
        else:
            if rec.type == "Task":
                self.warn((*loc, "Type"), "no activity type: channel set to meeting")
        summary = self.string(d.get("Subject"), (*loc, "Subject")) or self.string(
            d.get("Description"), (*loc, "Description")
        )
        summary = self.text(summary, (*loc, "Subject"), NOTES_MAX, "subject")

        people: list[tuple[str, Loc]] = []
        owner = self.ref(rec, "OwnerId")
        if isinstance(owner, str):
            people.append((owner, (*loc, "OwnerId")))
        who = self.ref(rec, "WhoId")
        if isinstance(who, str):
            people.append((who, (*loc, "WhoId")))
        what = self.ref(rec, "WhatId")
        for rel in relations:
            rel_loc = (*rel.loc, "RelationId")
            status = self.string(rel.data.get("Status"), (*rel.loc, "Status"))
            if status and status.lower() in ABSENT:
                continue
            target = self.ref(rel, "RelationId")
            if not isinstance(target, str):
                continue
            if self.flag(rel.data.get("IsWhat"), (*rel.loc, "IsWhat")):
                what = what if isinstance(what, str) else target
                continue
            people.append((target, rel_loc))
        seen: set[str] = set()
        participants: list[str] = []
        where: list[Loc] = []
        for ext, at in people:
            if ext in seen:
                continue
            seen.add(ext)
            if not self.exists(ext):
                self.warn(at, f"{ext[len(PREFIX) :]} is not in the document or the partnership")
                continue
            participants.append(ext)
            where.append(at)
        outside = [p for p in participants if not self._staff(p)]
        if isinstance(what, str) and not outside and self.kind_of(what) == "organisation":
            participants.append(what)
            where.append((*loc, "WhatId"))
        if occurred is None:
            return
        if len(participants) < 2:
            self.warn(loc, f"{rec.type} skipped: fewer than two known participants")
            return
        values: dict[str, Any] = {"occurred_on": occurred, "channel": channel}
        if summary is not None or "Subject" in d:
            values["summary"] = summary or ""
        self.plan.engagements.append(
            EngagementIn(
                loc=loc,
                locs={"external_id": (*loc, "Id"), "participants": loc,
                      "occurred_on": (*loc, dates[0]), "channel": (*loc, keys[0])},
                participants=participants,
                external_id=PREFIX + rec.id,
                values=values,
                participant_locs=where,
            )
        )  # fmt: skip

    def _staff(self, ext: str) -> bool:
        """Whether a person is a User (a hub member) by its id prefix."""
        return ext[len(PREFIX) : len(PREFIX) + 3] == "005"

    def translate(self) -> Plan:
        for kind, (loc, n) in sorted(self.found.other.items()):
            self.warn(loc, f"{n} {kind} record(s) not imported: Stakemap reads {', '.join(TYPES)}")
        for kind, stake in (("User", "person"), ("Account", "organisation"), ("Contact", "person")):
            for rec in self.found.by_type.get(kind, []):
                self.defined.setdefault(PREFIX + rec.id, stake)
        self.users()
        self.accounts()
        self.contacts()
        self.activities()
        return self.plan


def read(doc: object, known: Known) -> Plan:
    """Translate Salesforce query results into a plan."""
    source = _Salesforce(known)
    source.results(doc)
    return source.translate()
