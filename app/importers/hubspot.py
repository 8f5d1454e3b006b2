"""HubSpot CRM v3 object pages keyed by object type.

The body is ``{"companies": page, "contacts": page, "meetings": page, "calls": page,
"emails": page, "notes": page, "owners": page}`` (any of them), where a page is what
``GET /crm/v3/objects/{type}?associations=…`` (``GET /crm/v3/owners`` for owners) returns:
``{"results": [{"id", "properties": {...}, "associations": {"contacts": {"results": [{"id",
"type"}]}}}], "paging": ...}``, or a list of such pages.

=========  =====================================================================================
owners     hub members (``firstName`` ``lastName``, ``email``); ``hubspot_owner_id`` → owner
companies  organisations: ``name`` (else ``domain``); ``industry`` → sector; ``description`` →
           notes
contacts   people: ``firstname`` ``lastname`` (else ``email``); ``jobtitle`` → role; ``email``;
           ``hs_email_optout`` → contact_permitted (negated); the primary company
           (association type ``contact_to_company``, else ``associatedcompanyid``, else the one
           associated company) → organisation
meetings   engagements on ``hs_timestamp``, channel ``meeting``; ``hs_meeting_title`` → summary
calls      engagements, channel ``call``; ``hs_call_title`` → summary
emails     engagements, channel ``email``; ``hs_email_subject`` → summary
notes      not interactions: each note's text (dated) goes into the notes of the contacts (else
           companies) it is associated with, oldest first
=========  =====================================================================================

An engagement's participants are its owner (and a meeting's ``hs_attendee_owner_ids``) and its
associated contacts, or its associated companies when it has no contacts. ``hs_activity_type``
(the "call and meeting type") refines the channel when the channel table knows it.

External ids are ``hubspot:<type>:<id>`` (HubSpot ids are unique only within an object type).
A company that a contact names must be in the document or the partnership (an error otherwise);
an owner or a participant that is neither is left out with a warning, and an engagement left with
fewer than two participants is skipped with a warning.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from app.importers.mapping import channel_for
from app.importers.plan import HUB, UNSET, EngagementIn, Known, Loc, Plan, StakeholderIn
from app.importers.vendor import NOTES_MAX, SHORT_MAX, Source, plain_text

__all__ = ["read", "looks_like"]

PREFIX = "hubspot:"
ENGAGEMENTS = {
    "meetings": ("meeting", "meeting", "hs_meeting_title", "hs_meeting_body"),
    "calls": ("call", "call", "hs_call_title", "hs_call_body"),
    "emails": ("email", "email", "hs_email_subject", "hs_email_text"),
}
OBJECTS = ("owners", "companies", "contacts", *ENGAGEMENTS, "notes")
#: object type → singular, for external ids
SINGULAR = {"owners": "owner", "companies": "company", "contacts": "contact",
            "meetings": "meeting", "calls": "call", "emails": "email", "notes": "note"}  # fmt: skip


def looks_like(doc: object) -> bool:
    """Whether a document looks like HubSpot object pages."""
    return isinstance(doc, dict) and any(key in doc for key in OBJECTS)


def ext(kind: str, hid: str) -> str:
    return f"{PREFIX}{SINGULAR[kind]}:{hid}"


class _Object:
    __slots__ = ("kind", "id", "props", "assoc", "loc", "data")

    def __init__(self, kind: str, hid: str, props: dict, assoc: dict, loc: Loc, data: dict):
        self.kind, self.id, self.props, self.assoc, self.loc, self.data = (
            kind, hid, props, assoc, loc, data,
        )  # fmt: skip

    def at(self, prop: str) -> Loc:
        return (*self.loc, "properties", prop)


class _HubSpot(Source):
    def __init__(self, known: Known):
        super().__init__(known)
        self.objects: dict[str, list[_Object]] = defaultdict(list)
        #: the object types the document has pages of (an empty page still says "none")
        self.present: set[str] = set()

    # -- reading the pages ----------------------------------------------------------------

    def pages(self, doc: object) -> None:
        if not isinstance(doc, dict):
            self.problem(
                ("body",),
                "expected an object of HubSpot pages keyed by object type",
                "dict_type",
            )
            return
        if not any(key in OBJECTS for key in doc):
            self.problem(
                ("body",), f"not HubSpot object pages: none of {', '.join(OBJECTS)}", "missing"
            )
            return
        for key, value in doc.items():
            if key not in OBJECTS:
                self.warn(("body", key), f"{key!r} is not imported: Stakemap reads {OBJECTS}")
                continue
            self.present.add(key)
            if isinstance(value, list):
                for i, page in enumerate(value):
                    self.page(key, page, ("body", key, i), last=i == len(value) - 1)
            else:
                self.page(key, value, ("body", key), last=True)

    def page(self, kind: str, page: Any, loc: Loc, *, last: bool) -> None:
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            self.problem(loc, "expected a page {results: [...], paging}", "dict_type")
            return
        paging = page.get("paging")
        if last and isinstance(paging, dict) and paging.get("next"):
            self.warn((*loc, "paging", "next"), "more pages follow: import every page")
        for i, obj in enumerate(page["results"]):
            self.object(kind, obj, (*loc, "results", i))

    def object(self, kind: str, obj: Any, loc: Loc) -> None:
        if not isinstance(obj, dict):
            self.problem(loc, "expected an object", "dict_type")
            return
        hid = self.ident(obj.get("id"), (*loc, "id"))
        if hid is None:
            return
        if obj.get("archived") is True:
            self.warn(loc, f"archived {SINGULAR[kind]} skipped")
            return
        if kind == "owners":
            props = obj
        else:
            props = obj.get("properties", {})
            if not isinstance(props, dict):
                self.problem((*loc, "properties"), "expected an object", "dict_type")
                return
        assoc = obj.get("associations", {})
        if not isinstance(assoc, dict):
            self.problem((*loc, "associations"), "expected an object", "dict_type")
            assoc = {}
        self.objects[kind].append(_Object(kind, hid, props, assoc, loc, obj))

    def prop(self, o: _Object, name: str) -> str | None:
        """A property's text; HubSpot writes every value as a string (numbers are accepted)."""
        value = o.props.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        loc = (*o.loc, name) if o.kind == "owners" else o.at(name)
        return self.string(value, loc)

    def associated(self, o: _Object, kind: str) -> list[tuple[str, str | None, Loc]]:
        """(id, association type, loc) of the objects of ``kind`` associated with ``o``."""
        block = o.assoc.get(kind)
        if block is None:
            return []
        loc = (*o.loc, "associations", kind)
        if not isinstance(block, dict) or not isinstance(block.get("results"), list):
            self.problem(loc, "expected {results: [{id, type}]}", "dict_type")
            return []
        out = []
        for j, item in enumerate(block["results"]):
            at = (*loc, "results", j)
            if not isinstance(item, dict):
                self.problem(at, "expected {id, type}", "dict_type")
                continue
            hid = self.ident(item.get("id"), (*at, "id"))
            kind_of = item.get("type")
            if hid is not None:
                out.append((hid, kind_of if isinstance(kind_of, str) else None, (*at, "id")))
        return out

    # -- translating ----------------------------------------------------------------------

    def stakeholder(self, o: _Object, kind: str, values: dict, since: int, **refs: Any) -> None:
        self.plan.stakeholders.append(
            StakeholderIn(
                loc=o.loc,
                locs={"external_id": (*o.loc, "id"), "kind": o.loc},
                kind=kind,
                external_id=ext(o.kind, o.id),
                ref=None,
                values=values,
                organisation=refs.get("organisation", UNSET),
                owner=refs.get("owner", UNSET),
            )
        )
        if len(self.plan.problems) > since:
            self.plan.broken.add(ext(o.kind, o.id))

    def owner_ref(self, o: _Object) -> Any:
        if "hubspot_owner_id" not in o.props:
            return UNSET
        hid = self.prop(o, "hubspot_owner_id")
        if hid is None:
            return None
        ref = ext("owners", hid)
        if not self.exists(ref):
            self.warn(o.at("hubspot_owner_id"), f"owner {hid} is not in the document or here")
            return UNSET
        return ref

    def owners(self) -> None:
        for o in self.objects["owners"]:
            since = len(self.plan.problems)
            first, last = self.prop(o, "firstName"), self.prop(o, "lastName")
            email = self.prop(o, "email")
            name = " ".join(p for p in (first, last) if p) or email
            if not name:
                name = f"Owner {o.id}"
                self.warn(o.loc, f"no name: called {name!r}")
            values = {"name": self.name(name, (*o.loc, "firstName"))}
            if "email" in o.props:
                values["email"] = self.email(email, (*o.loc, "email"))
            self.stakeholder(o, "person", values, since, organisation=HUB)

    def companies(self, notes: dict[str, str]) -> None:
        for o in self.objects["companies"]:
            since, values = len(self.plan.problems), {}
            name = self.prop(o, "name") or self.prop(o, "domain")
            if name is None and ("name" in o.props or "domain" in o.props):
                name = f"Company {o.id}"
                self.warn(o.at("name"), f"no name: called {name!r}")
            if name is not None:
                values["name"] = self.name(name, o.at("name"))
            if "industry" in o.props:
                industry = self.prop(o, "industry")
                values["sector"] = self.sector(industry, o.at("industry")) if industry else None
            parts = []
            if "description" in o.props:
                parts.append(self.prop(o, "description") or "")
            if "notes" in self.present or "description" in o.props:
                parts.append(notes.get(ext("companies", o.id), ""))
                values["notes"] = self.text(
                    "\n\n".join(p for p in parts if p), o.at("description"), NOTES_MAX, "notes"
                )
            self.stakeholder(o, "organisation", values, since, owner=self.owner_ref(o))

    def contacts(self, notes: dict[str, str]) -> None:
        members: dict[str, tuple[str, Loc]] = {}
        for c in self.objects["companies"]:
            for hid, _, loc in self.associated(c, "contacts"):
                members.setdefault(hid, (c.id, loc))
        for o in self.objects["contacts"]:
            since, values = len(self.plan.problems), {}
            first, last = self.prop(o, "firstname"), self.prop(o, "lastname")
            email = self.prop(o, "email")
            if any(k in o.props for k in ("firstname", "lastname", "email")):
                name = " ".join(p for p in (first, last) if p) or email
                if not name:
                    name = f"Contact {o.id}"
                    self.warn(o.at("firstname"), f"no name: called {name!r}")
                values["name"] = self.name(name, o.at("firstname"))
            if "jobtitle" in o.props:
                values["role"] = self.text(
                    self.prop(o, "jobtitle"), o.at("jobtitle"), SHORT_MAX, "job title"
                )
            if "email" in o.props:
                values["email"] = self.email(email, o.at("email"))
            if "hs_email_optout" in o.props:
                opted_out = self.flag(o.props["hs_email_optout"], o.at("hs_email_optout"))
                values["contact_permitted"] = not opted_out
            if "notes" in self.present:
                values["notes"] = self.text(
                    notes.get(ext("contacts", o.id), ""), o.loc, NOTES_MAX, "notes"
                )
            company, where = self.company_of(o, members)
            locs = {"external_id": (*o.loc, "id"), "kind": o.loc}
            if where is not None:
                locs["organisation"] = where
            self.plan.stakeholders.append(
                StakeholderIn(
                    loc=o.loc,
                    locs=locs,
                    kind="person",
                    external_id=ext("contacts", o.id),
                    ref=None,
                    values=values,
                    organisation=company,
                    owner=self.owner_ref(o),
                )
            )
            if len(self.plan.problems) > since:
                self.plan.broken.add(ext("contacts", o.id))

    def company_of(self, o: _Object, members: dict) -> tuple[Any, Loc | None]:
        """The contact's primary company as a reference, and where the document names it."""
        linked = self.associated(o, "companies")
        primary = [(hid, loc) for hid, kind, loc in linked if kind == "contact_to_company"]
        if primary:
            return ext("companies", primary[0][0]), primary[0][1]
        prop = self.prop(o, "associatedcompanyid")
        if prop:
            return ext("companies", prop), o.at("associatedcompanyid")
        distinct = list(dict.fromkeys(hid for hid, _, _ in linked))
        if distinct:
            if len(distinct) > 1:
                self.warn(
                    (*o.loc, "associations", "companies"),
                    "several companies and no primary one: the first is the organisation",
                )
            return ext("companies", linked[0][0]), linked[0][2]
        if o.id in members:
            company, loc = members[o.id]
            return ext("companies", company), loc
        if "companies" in o.assoc or "associatedcompanyid" in o.props:
            return None, None
        return UNSET, None

    def notes(self) -> dict[str, str]:
        """external_id of a contact (else company) → its notes' text, dated, oldest first."""
        found: dict[str, list[tuple[date, str, str]]] = defaultdict(list)
        for o in self.objects["notes"]:
            when = self.day(o.props.get("hs_timestamp"), o.at("hs_timestamp"), required=True)
            body = self.prop(o, "hs_note_body")
            if when is None or not body:
                continue
            text = f"{when.isoformat()}: {plain_text(body)}"
            targets = [ext("contacts", h) for h, _, _ in self.associated(o, "contacts")]
            if not targets:
                targets = [ext("companies", h) for h, _, _ in self.associated(o, "companies")]
            kept = [t for t in targets if t in self.defined]
            if not kept:
                self.warn(o.loc, "note for no contact or company in this document: not imported")
            for t in kept:
                found[t].append((when, o.id, text))
        return {t: "\n\n".join(x[2] for x in sorted(items)) for t, items in found.items()}

    def engagements(self) -> None:
        for kind, (singular, default, title, body) in ENGAGEMENTS.items():
            for o in self.objects[kind]:
                self.engagement(o, singular, default, title, body)

    def engagement(self, o: _Object, singular: str, channel: str, title: str, body: str) -> None:
        when_key = next(
            (k for k in ("hs_timestamp", "hs_meeting_start_time", "hs_createdate")
             if o.props.get(k) not in (None, "")),
            None,
        )  # fmt: skip
        if when_key is None:
            self.problem(o.at("hs_timestamp"), f"a {singular} needs hs_timestamp", "missing")
            return
        when = self.day(o.props[when_key], o.at(when_key))
        activity = self.prop(o, "hs_activity_type")
        if activity and channel_for(activity):
            channel = channel_for(activity)
        summary = self.prop(o, title) or self.prop(o, body)
        summary = self.text(plain_text(summary) if summary else "", o.at(title), NOTES_MAX, title)

        people: list[tuple[str, Loc]] = []
        owner = self.prop(o, "hubspot_owner_id")
        if owner:
            people.append((ext("owners", owner), o.at("hubspot_owner_id")))
        for hid in (self.prop(o, "hs_attendee_owner_ids") or "").split(";"):
            if hid.strip():
                people.append((ext("owners", hid.strip()), o.at("hs_attendee_owner_ids")))
        contacts = [(ext("contacts", h), loc) for h, _, loc in self.associated(o, "contacts")]
        companies = [(ext("companies", h), loc) for h, _, loc in self.associated(o, "companies")]
        people += contacts or companies
        participants, where, seen = [], [], set()
        for ref, loc in people:
            if ref in seen:
                continue
            seen.add(ref)
            if not self.exists(ref):
                self.warn(loc, f"{ref[len(PREFIX) :]} is not in the document or the partnership")
                continue
            participants.append(ref)
            where.append(loc)
        if when is None:
            return
        if len(participants) < 2:
            self.warn(o.loc, f"{singular} skipped: fewer than two known participants")
            return
        self.plan.engagements.append(
            EngagementIn(
                loc=o.loc,
                locs={"external_id": (*o.loc, "id"), "participants": (*o.loc, "associations"),
                      "occurred_on": o.at(when_key), "channel": o.loc},
                participants=participants,
                external_id=ext(o.kind, o.id),
                values={"occurred_on": when, "channel": channel, "summary": summary},
                participant_locs=where,
            )
        )  # fmt: skip

    def translate(self) -> Plan:
        for kind, stake in (("owners", "person"), ("companies", "organisation"),
                            ("contacts", "person")):  # fmt: skip
            for o in self.objects[kind]:
                self.defined.setdefault(ext(kind, o.id), stake)
        notes = self.notes() if "notes" in self.present else {}
        self.owners()
        self.companies(notes)
        self.contacts(notes)
        self.engagements()
        return self.plan


def read(doc: object, known: Known) -> Plan:
    """Translate HubSpot object pages into a plan."""
    source = _HubSpot(known)
    source.pages(doc)
    return source.translate()
