"""Kumu blueprints: ``{"elements": [...], "connections": [...]}``.

Both of Kumu's shapes are read: the blueprint an author writes (``{"label", "type",
"description", "tags", "id"}`` and ``{"from", "to", "type", "direction"}``) and the project backup
Kumu exports (``{"_id", "attributes": {"label", "element type", "description", "tags", ...}}``
and ``{"_id", "from", "to", "direction", "attributes": {"connection type", ...}}``). Connections
name elements by ``_id``, ``id`` or label.

==========================  ===================================================================
element type                kind, by the table in :data:`app.importers.mapping.ELEMENT_KINDS`:
                            Organization → organisation, Person → person, Group → group;
                            unknown or missing → organisation, with a warning
the hub                     the element typed ``Hub`` (or tagged ``hub``) is the partnership's
                            hub (its label becomes the hub's name); at most one; with none,
                            every element is outside the core
label, description, tags    name, notes, tags
sector, role, seniority,    the same fields when the element has them (custom fields); sector
influence, interest,        through the sector table, the others must hold Stakemap's values
engagement, email           (else left out with a warning)
organisation                a custom field naming another element: its organisation
connection type             tie kind, by :data:`~app.importers.mapping.CONNECTION_KINDS`
                            (``manages`` reversed is ``reports_to``…); unknown → collaborates
                            with a warning. ``member of`` (``works for``…) makes the ``from``
                            element a member of the ``to`` element instead of a tie
direction                   ``directed`` → directed; ``undirected``, ``mutual`` → not; none →
                            the kind's default
strength                    a number 1–5 (rounded; outside the range it is clamped, with a
                            warning); anything else is an error
==========================  ===================================================================

External ids are ``kumu:`` + the element's ``_id`` (else ``id``, else its label) and
``kumu:`` + the connection's ``_id`` or ``id`` (a connection without one matches by its ends and
kind).
"""

from __future__ import annotations

from typing import Any

from app.enums import Level, Seniority
from app.importers.mapping import CONNECTION_KINDS, ELEMENT_KINDS, normalise
from app.importers.plan import HUB, UNSET, Known, Loc, Plan, StakeholderIn, TieIn
from app.importers.vendor import NOTES_MAX, SHORT_MAX, Source

__all__ = ["read"]

PREFIX = "kumu:"
DIRECTIONS = {"directed": True, "undirected": False, "mutual": False}
SENIORITIES = {normalise(s.value): s.value for s in Seniority}
LEVELS = {normalise(v.value): v.value for v in Level}


def _field(item: dict, *names: str) -> tuple[Any, str | None]:
    """The first of ``names`` present in the item's ``attributes`` or the item itself."""
    attrs = item.get("attributes")
    for name in names:
        if isinstance(attrs, dict) and name in attrs:
            return attrs[name], "attributes"
        if name in item:
            return item[name], None
    return None, None


class _Kumu(Source):
    def field(self, item: dict, loc: Loc, *names: str) -> tuple[Any, Loc]:
        """A field's value and place; an absent field is placed where its shape would put it."""
        value, where = _field(item, *names)
        attrs = item.get("attributes")
        name = next((n for n in names if n in (attrs or {}) or n in item), None)
        if name is None:
            if isinstance(attrs, dict):
                return None, (*loc, "attributes", names[0])
            return None, (*loc, names[-1])
        return value, ((*loc, "attributes", name) if where else (*loc, name))

    def read(self, doc: object) -> Plan:
        if not isinstance(doc, dict):
            self.problem(("body",), "expected a blueprint {elements, connections}", "dict_type")
            return self.plan
        if "elements" not in doc and "connections" not in doc:
            self.problem(("body",), "not a Kumu blueprint: no elements or connections", "missing")
            return self.plan
        elements = doc.get("elements", [])
        connections = doc.get("connections", [])
        for key, items in (("elements", elements), ("connections", connections)):
            if not isinstance(items, list):
                self.problem(("body", key), "expected a list", "list_type")
                return self.plan
        self.elements(elements)
        self.connections(connections)
        return self.plan

    # -- elements -------------------------------------------------------------------------

    def elements(self, elements: list) -> None:
        self.by_key: dict[str, str] = {}  # _id, id or label → external_id
        self.records: dict[str, StakeholderIn] = {}
        untyped: list[Loc] = []
        for i, item in enumerate(elements):
            loc = ("body", "elements", i)
            if not isinstance(item, dict):
                self.problem(loc, "expected an element (an object)", "dict_type")
                continue
            since = len(self.plan.problems)
            label, label_at = self.field(item, loc, "label")
            label = self.string(label, label_at, required=True)
            ident = None
            for key in ("_id", "id"):
                value, at = self.field(item, loc, key)
                if value is not None:
                    ident = self.ident(value, at)
                    break
            if label is None:
                continue
            ext = PREFIX + (ident or label)
            kind_value, kind_at = self.field(item, loc, "element type", "type")
            kind_text = self.string(kind_value, kind_at)
            tags, tags_at = self.field(item, loc, "tags")
            tags = self.tags(tags, tags_at)
            if kind_text is None:
                kind = "organisation"
                if not (tags and "hub" in {t.lower() for t in tags}):
                    untyped.append(kind_at)
            else:
                kind = ELEMENT_KINDS.get(normalise(kind_text))
                if kind is None:
                    kind = "organisation"
                    self.warn(kind_at, f"unknown element type {kind_text[:60]!r}: an organisation")
            if tags and "hub" in {t.lower() for t in tags}:
                kind = "hub"
            values: dict[str, Any] = {"name": self.name(label, label_at)}
            description, at = self.field(item, loc, "description")
            values["notes"] = self.text(self.string(description, at) or "", at, NOTES_MAX, "notes")
            values["tags"] = [t for t in tags or [] if t.lower() != "hub"]
            self.custom(item, loc, values)
            rec = StakeholderIn(
                loc=loc,
                locs={"external_id": (*loc, "_id" if "_id" in item else "id"),
                      "name": label_at, "kind": kind_at},
                kind=kind,
                external_id=ext,
                ref=None,
                values=values,
            )  # fmt: skip
            if kind == "hub":
                rec.organisation = None
                if self.plan.hub is not None:
                    self.problem(kind_at, "only one element can be the hub")
                    continue
                self.plan.hub = rec
            else:
                self.defined.setdefault(ext, kind)
                self.plan.stakeholders.append(rec)
            if len(self.plan.problems) > since:
                self.plan.broken.add(ext)
            for key in (ident, label):
                if key is not None:
                    self.by_key.setdefault(key, HUB if kind == "hub" else ext)
            self.records[ext] = rec
            org, org_at = self.field(item, loc, "organisation", "organization")
            org = self.string(org, org_at)
            if org is not None:
                rec.locs["organisation"] = org_at
                rec.organisation = org  # resolved once every element is known
        if untyped:
            self.warn(
                untyped[0],
                f"{len(untyped)} element(s) have no element type: imported as organisations",
            )
        for rec in self.records.values():
            org = rec.organisation
            if isinstance(org, str):
                rec.organisation = self.by_key.get(org, PREFIX + org)

    def custom(self, item: dict, loc: Loc, values: dict) -> None:
        """Stakemap's own fields, when the element has them as custom fields."""
        sector, at = self.field(item, loc, "sector")
        if (sector := self.string(sector, at)) is not None:
            values["sector"] = self.sector(sector, at)
        role, at = self.field(item, loc, "role", "title", "job title")
        if (role := self.string(role, at)) is not None:
            values["role"] = self.text(role, at, SHORT_MAX, "role")
        email, at = self.field(item, loc, "email")
        if (email := self.string(email, at)) is not None:
            values["email"] = self.email(email, at)
        for name, table in (("seniority", SENIORITIES), ("engagement", LEVELS),
                            ("desired engagement", LEVELS)):  # fmt: skip
            value, at = self.field(item, loc, name)
            if (value := self.string(value, at)) is None:
                continue
            if normalise(value) in table:
                values[name.replace(" ", "_")] = table[normalise(value)]
            else:
                self.warn(at, f"{name} {value[:40]!r} is not one of Stakemap's; left out")
        for name in ("influence", "interest"):
            value, at = self.field(item, loc, name)
            if value is None:
                continue
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
                values[name] = value
            else:
                self.warn(at, f"{name} must be a whole number from 1 to 5; left out")

    # -- connections ----------------------------------------------------------------------

    def end(self, value: Any, at: Loc) -> str | None:
        key = self.ident(value, at)
        if key is None:
            return None
        ref = self.by_key.get(key)
        if ref is None:
            self.problem(at, f"no element has the id or label {key[:60]!r}")
        return ref

    def connections(self, connections: list) -> None:
        for i, item in enumerate(connections):
            loc = ("body", "connections", i)
            if not isinstance(item, dict):
                self.problem(loc, "expected a connection (an object)", "dict_type")
                continue
            source = self.end(item.get("from"), (*loc, "from"))
            target = self.end(item.get("to"), (*loc, "to"))
            kind_value, kind_at = self.field(item, loc, "connection type", "type")
            kind_text = self.string(kind_value, kind_at)
            kind, backwards = "collaborates", False
            if kind_text is not None:
                found = CONNECTION_KINDS.get(normalise(kind_text))
                if found is None:
                    self.warn(kind_at, f"unknown connection type {kind_text[:60]!r}: collaborates")
                else:
                    kind, backwards = found
            values: dict[str, Any] = {}
            direction, dir_at = self.field(item, loc, "direction")
            direction = self.string(direction, dir_at)
            if direction is not None:
                if direction.lower() in DIRECTIONS:
                    values["directed"] = DIRECTIONS[direction.lower()]
                else:
                    self.warn(dir_at, f"unknown direction {direction[:40]!r}: the kind's default")
            strength, str_at = self.field(item, loc, "strength")
            if strength is not None:
                values["strength"] = self.strength(strength, str_at)
            ident = None
            for key in ("_id", "id"):
                value, at = self.field(item, loc, key)
                if value is not None:
                    ident = self.ident(value, at)
                    break
            if source is None or target is None:
                continue
            if backwards:
                source, target = target, source
            if kind == "member":
                if self.member(source, target, loc):
                    continue
                kind = "collaborates"
            values["kind"] = kind
            if values.get("strength", 0) is None:
                del values["strength"]
            self.plan.ties.append(
                TieIn(
                    loc=loc,
                    locs={"source": (*loc, "from" if not backwards else "to"),
                          "target": (*loc, "to" if not backwards else "from"),
                          "external_id": (*loc, "_id" if "_id" in item else "id"),
                          "kind": kind_at, "directed": dir_at, "strength": str_at},
                    source=source,
                    target=target,
                    external_id=PREFIX + ident if ident else None,
                    values=values,
                )
            )  # fmt: skip

    def member(self, member: str, container: str, loc: Loc) -> bool:
        """Make ``member`` belong to ``container``; False (a tie instead) when it cannot."""
        rec = self.records.get(member)
        kind = "hub" if container == HUB else self.defined.get(container)
        if (
            rec is None
            or rec.kind not in ("person", "group")
            or kind not in ("hub", "organisation", "group")
        ):
            self.warn(loc, "a membership joins a person or group to an organisation, group or "
                      "the hub: imported as a collaborates tie")  # fmt: skip
            return False
        if rec.organisation not in (UNSET, None) and rec.organisation != container:
            self.warn(loc, "already a member of another element: imported as a collaborates tie")
            return False
        rec.organisation = container
        rec.locs["organisation"] = (*loc, "to")
        return True

    def strength(self, value: Any, at: Loc) -> int | None:
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                self.problem(at, "strength must be a number from 1 to 5", "float_parsing")
                return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(at, "strength must be a number from 1 to 5", "float_type")
            return None
        if not 1 <= value <= 5:
            self.warn(at, f"strength {value} is outside 1–5; clamped")
        return int(min(max(round(value), 1), 5))


def read(doc: object, known: Known) -> Plan:
    """Translate a Kumu blueprint into a plan."""
    return _Kumu(known).read(doc)
