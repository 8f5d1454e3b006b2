"""Check an import plan against the partnership, count what it would change, and write it in bulk.

One pass reads the partnership's rows as plain tuples, resolves every reference of the plan,
checks the state the partnership would be in afterwards (membership kinds and cycles, owners who
must be hub members, self-ties, duplicated external_ids, validity periods), and counts each record
as created, updated or unchanged. Problems are all collected and raised together (nothing is
written); a dry run stops after counting; an import that changes nothing writes nothing, not even
the revision. :mod:`app.importers.writer` writes the rest, with a few driver-level
``executemany`` statements per table, inside the caller's transaction.

Records match by external_id. A record without one matches an existing record without one that
looks the same: a stakeholder with the same kind and fields, a tie with the same ends and kind, an
engagement with the same date, channel, participants and summary; otherwise it is created.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.enums import DIRECTED_BY_DEFAULT
from app.errors import FieldProblem, Invalid
from app.importers import bulk, writer
from app.importers.plan import (
    ENGAGEMENT_DEFAULTS,
    ENGAGEMENT_VALUES,
    HUB,
    STAKEHOLDER_DEFAULTS,
    STAKEHOLDER_VALUES,
    TIE_DEFAULTS,
    TIE_VALUES,
    UNSET,
    EngagementIn,
    Known,
    Plan,
    StakeholderIn,
    TieIn,
    gc_paused,
)
from app.importers.report import ImportReport, category
from app.services import partnerships as partnership_service
from app.tables import (
    AuditEntry,
    Engagement,
    EngagementParticipant,
    Partnership,
    Stakeholder,
    Tie,
)

__all__ = ["run"]

CONTAINERS = frozenset({"hub", "organisation", "group"})
MEMBERS = frozenset({"person", "group"})

ST = Stakeholder.__table__
TT = Tie.__table__
ET = Engagement.__table__
PT = EngagementParticipant.__table__
AT = AuditEntry.__table__

#: (phase, records done, records in all)
Progress = Callable[[str, int, int], None]

_CHUNK = 500


def run(
    *,
    session: Session,
    partnership_id: int,
    doc: object,
    reader: Callable[[object, Known], Plan],
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "stakemap",
) -> ImportReport:
    """Translate ``doc`` with ``reader`` and upsert it into the partnership; all or nothing.

    ``source`` names the format in the audit trail.
    """
    job = _Job(session, partnership_id, progress)
    job.source = source
    job.lock()
    with gc_paused():
        job.load_stakeholders()
        plan = reader(doc, job.known())
        return job.apply(plan, dry_run=dry_run)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


class _Job:
    def __init__(self, session: Session, pid: int, progress: Progress | None):
        self.session = session
        self.pid = pid
        self.progress = progress
        self.problems: list[FieldProblem] = []
        self.report = ImportReport()
        self.done = 0
        self.total = 0
        self.source = "stakemap"

    # -- reading --------------------------------------------------------------------------

    def lock(self) -> None:
        """Serialise imports and edits of this partnership (a row lock on PostgreSQL).

        SQLite's write transactions already hold the database's write lock.
        """
        self.session.execute(
            select(Partnership.id).where(Partnership.id == self.pid).with_for_update()
        )

    def load_stakeholders(self) -> None:
        cols = [ST.c.id, ST.c.kind, ST.c.external_id, ST.c.organisation_id, ST.c.owner_id]
        cols += [ST.c[f] for f in STAKEHOLDER_VALUES]
        rows = self.session.execute(select(*cols).where(ST.c.partnership_id == self.pid)).all()
        self.rows = {r.id: r for r in rows}
        self.by_ext = {r.external_id: r.id for r in rows if r.external_id is not None}
        self.hub_id = next(r.id for r in rows if r.kind == "hub")

    def known(self) -> Known:
        return {ext: self.rows[sid].kind for ext, sid in self.by_ext.items()}

    def step(self, phase: str, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(phase, self.done, self.total)

    def problem(self, loc, msg: str, type: str = "value_error") -> None:
        self.problems.append(FieldProblem(tuple(loc), msg, type))

    # -- checking and counting ------------------------------------------------------------

    def apply(self, plan: Plan, *, dry_run: bool) -> ImportReport:
        self.plan = plan
        self.total = 2 * plan.size
        for loc, msg in plan.warnings:
            self.report.warn(loc, msg)
        self.problems.extend(plan.problems)
        self.names: dict[str, int] = {**self.by_ext, HUB: self.hub_id}
        self.check_stakeholders()
        self.step("checking", len(plan.stakeholders))
        self.check_ties()
        self.step("checking", len(plan.ties))
        self.check_engagements()
        self.step("checking", len(plan.engagements))
        if self.problems:
            seen, unique = set(), []
            for p in self.problems:
                if (p.loc, p.msg) not in seen:
                    seen.add((p.loc, p.msg))
                    unique.append(p)
            raise Invalid(unique)
        if dry_run or not self.report.changed:
            self.step("done", self.total - self.done)
            return self.report
        with bulk.big_cache(self.session):
            writer.write(self)
        partnership_service.bump(session=self.session, partnership_id=self.pid)
        return self.report

    def resolve(self, name: str, loc) -> int | None:
        key = self.names.get(name)
        if key is None and name not in self.plan.broken:
            self.problem(
                loc, f"unknown stakeholder {name!r}: not in the document or the partnership"
            )
        return key

    def check_stakeholders(self) -> None:
        plan, rows, hub_id = self.plan, self.rows, self.hub_id
        hub_ext = rows[hub_id].external_id
        defined: set[str] = set()
        if plan.hub is not None:
            self._check_hub(plan.hub, defined)
        keyless = None
        self.keys: list[int | None] = []
        new_key = 0
        for r in plan.stakeholders:
            ok = True
            for attr in ("external_id", "ref"):
                name = getattr(r, attr)
                if name is None:
                    continue
                if name == HUB:
                    self.problem(
                        r.at(attr), '"hub" names the hub; give the hub a record of kind hub'
                    )
                    ok = False
                elif name in defined:
                    self.problem(r.at(attr), f"duplicated external_id {name!r}")
                    ok = False
                elif attr == "external_id" and hub_ext is not None and name == hub_ext:
                    self.problem(r.at(attr), f"{name!r} is the hub's external_id")
                    ok = False
                defined.add(name)
            if r.external_id is None and r.ref is None:
                self.problem(r.at("external_id"), "a stakeholder needs an external_id to import")
                ok = False
            if not ok:
                self.keys.append(None)
                for name in (r.external_id, r.ref):
                    if name is not None and name != HUB:
                        plan.broken.add(name)
                continue
            if r.external_id is not None:
                key = self.by_ext.get(r.external_id)
            else:
                if keyless is None:
                    keyless = self._keyless_stakeholders()
                queue = keyless.get(self._content(r.kind, r.values))
                key = queue.popleft() if queue else None
            if key is None:
                new_key -= 1
                key = new_key
            self.keys.append(key)
        for r, key in zip(plan.stakeholders, self.keys, strict=True):
            if key is not None:
                for name in (r.external_id, r.ref):
                    if name is not None:
                        self.names[name] = key
                        plan.broken.discard(name)

        # The state afterwards: every stakeholder's kind, organisation and owner.
        kind = {sid: r.kind for sid, r in rows.items()}
        org = {sid: r.organisation_id for sid, r in rows.items()}
        owner = {sid: r.owner_id for sid, r in rows.items()}
        in_doc: dict[int, StakeholderIn] = {}
        for r, key in zip(plan.stakeholders, self.keys, strict=True):
            if key is None:
                continue
            in_doc[key] = r
            kind[key] = r.kind
            for attr, state in (("organisation", org), ("owner", owner)):
                ref = getattr(r, attr)
                if ref is UNSET:
                    if key < 0:
                        state[key] = None
                elif ref is None:
                    state[key] = None
                else:
                    state[key] = self.resolve(ref, r.at(attr))
        self.kind, self.org, self.owner, self.in_doc = kind, org, owner, in_doc

        def label(k: int) -> str:
            if k in in_doc:
                return repr(in_doc[k].name_in_doc)
            return repr(rows[k].name)

        def hub_member(k: int) -> bool:
            return kind.get(k) == "person" and org.get(k) == hub_id

        for key, r in in_doc.items():
            o = org.get(key)
            given = r.organisation is not UNSET
            if o is not None:
                if r.kind not in MEMBERS:
                    self.problem(
                        r.at("organisation" if given else "kind"),
                        f"{_a(r.kind)} does not belong to an organisation",
                    )
                elif kind.get(o) not in CONTAINERS:
                    where = (
                        r.at("organisation") if given or o not in in_doc else in_doc[o].at("kind")
                    )
                    self.problem(
                        where,
                        f"{label(o)} is {_a(kind.get(o, 'stakeholder'))}, "
                        "not an organisation, a group or the hub",
                    )
                else:
                    seen, cur = {key}, o
                    while cur is not None and cur not in seen:
                        seen.add(cur)
                        cur = org.get(cur)
                    if cur == key:
                        self.problem(
                            r.at("organisation" if given else "kind"),
                            "this makes a membership cycle",
                        )
            w = owner.get(key)
            if w is not None and not hub_member(w):
                if r.owner is not UNSET:
                    self.problem(
                        r.at("owner"),
                        f"owner {label(w)} is not a hub member (a person whose organisation is "
                        "the hub)",
                    )
                elif w in in_doc:
                    self._lost_membership(in_doc[w], key)
        for sid, row in rows.items():
            if sid in in_doc:
                continue
            o = row.organisation_id
            if o in in_doc and kind[o] not in CONTAINERS:
                self.problem(
                    in_doc[o].at("kind"),
                    f"{label(o)} has members (e.g. {row.name!r}); {_a(kind[o])} cannot have any",
                )
            w = row.owner_id
            if w in in_doc and not hub_member(w):
                self._lost_membership(in_doc[w], sid)

        # Counting.
        self.new_stakeholders: list[tuple[int, StakeholderIn]] = []
        self.changed_stakeholders: list[tuple[int, StakeholderIn]] = []
        for r, key in zip(plan.stakeholders, self.keys, strict=True):
            if key is None:
                continue
            if key < 0:
                if r.values.get("name") is None:
                    self.problem(r.at("name"), "a new stakeholder needs a name", "missing")
                self.report.count(category(r.kind), "created")
                self.new_stakeholders.append((key, r))
                continue
            row = rows[key]
            changed = (
                row.kind != r.kind
                or org[key] != row.organisation_id
                or owner[key] != row.owner_id
                or any(getattr(row, f) != v for f, v in r.values.items())
            )
            self.report.count(category(r.kind), "updated" if changed else "unchanged")
            if changed:
                self.changed_stakeholders.append((key, r))

    def _lost_membership(self, r: StakeholderIn, owned: int) -> None:
        name = self.rows[owned].name if owned > 0 else self.in_doc[owned].values.get("name")
        self.problem(
            r.at("organisation" if r.organisation is not UNSET else "kind"),
            f"{r.name_in_doc!r} owns relationships (e.g. {name!r}) and must stay a hub member",
        )

    def _check_hub(self, h: StakeholderIn, defined: set[str]) -> None:
        if h.organisation not in (UNSET, None):
            self.problem(h.at("organisation"), "the hub belongs to no organisation")
        if h.owner not in (UNSET, None):
            self.problem(h.at("owner"), "the hub has no owner")
        for attr in ("external_id", "ref"):
            name = getattr(h, attr)
            if name is None:
                continue
            other = self.by_ext.get(name)
            if attr == "external_id" and other is not None and other != self.hub_id:
                self.problem(h.at(attr), f"external_id {name!r} is used by stakeholder {other}")
                continue
            defined.add(name)
            self.names[name] = self.hub_id
        row = self.rows[self.hub_id]
        self.hub_values = dict(h.values)
        if h.external_id is not None:
            self.hub_values["external_id"] = h.external_id
        if any(getattr(row, f) != v for f, v in self.hub_values.items()):
            self.report.hub_changed = True

    def _content(self, kind: str, values: dict) -> tuple:
        return (
            kind,
            *(_frozen(values.get(f, STAKEHOLDER_DEFAULTS[f])) for f in STAKEHOLDER_VALUES),
        )

    def _keyless_stakeholders(self) -> dict[tuple, deque[int]]:
        index: dict[tuple, deque[int]] = defaultdict(deque)
        for sid in sorted(self.rows):
            row = self.rows[sid]
            if row.external_id is None and row.kind != "hub":
                index[(row.kind, *(_frozen(getattr(row, f)) for f in STAKEHOLDER_VALUES))].append(
                    sid
                )
        return index

    def check_ties(self) -> None:
        self.new_ties: list[dict] = []
        self.changed_ties: list[tuple[dict, Any]] = []
        if not self.plan.ties:
            return
        cols = ("id", "source_id", "target_id", "external_id", *TIE_VALUES)
        rows = self.session.execute(
            select(*(TT.c[c] for c in cols)).where(TT.c.partnership_id == self.pid)
        ).all()
        self.tie_fields = _Fields(cols)
        by_ext = {r.external_id: r for r in rows if r.external_id is not None}
        keyless: list[tuple[TieIn, int, int]] = []
        seen_ext: set[str] = set()
        names = self.names
        for t in self.plan.ties:
            if t.external_id is not None:
                if t.external_id in seen_ext:
                    self.problem(t.at("external_id"), f"duplicated external_id {t.external_id!r}")
                    continue
                seen_ext.add(t.external_id)
            s, d = names.get(t.source), names.get(t.target)
            if s is None or d is None:
                s = self.resolve(t.source, t.at("source"))
                d = self.resolve(t.target, t.at("target"))
                if s is None or d is None:
                    continue
            if s == d:
                self.problem(t.at("target"), "a tie joins two different stakeholders")
                continue
            if t.external_id is None:
                keyless.append((t, s, d))
                continue
            row = by_ext.get(t.external_id)
            if row is None:
                self._new_tie(t, s, d)
            else:
                self._match_tie(t, s, d, row)
        if not keyless:
            return
        index: dict[tuple, list] = defaultdict(list)
        for r in rows:
            if r.external_id is None:
                index[(r.source_id, r.target_id, r.kind)].append(r)
        rest = []
        for t, s, d in keyless:
            cands = index.get((s, d, t.values.get("kind", "collaborates")))
            exact = None
            if cands:
                same = self.tie_fields.same
                exact = next((r for r in cands if same(r, t.values)), None)
            if exact is None:
                rest.append((t, s, d))
            else:
                cands.remove(exact)
                self._match_tie(t, s, d, exact)
        for t, s, d in rest:
            cands = index.get((s, d, t.values.get("kind", "collaborates")))
            if cands:
                self._match_tie(t, s, d, cands.pop(0))
            else:
                self._new_tie(t, s, d)

    def _valid_period(self, t: TieIn, v: dict) -> bool:
        start, end = v["valid_from"], v["valid_to"]
        if start is not None and end is not None and start > end:
            self.problem(t.at("valid_to"), "valid_to is before valid_from")
            return False
        return True

    def _new_tie(self, t: TieIn, s: int, d: int) -> None:
        v = {**TIE_DEFAULTS, **t.values}
        if v["directed"] is None:
            v["directed"] = v["kind"] in DIRECTED_BY_DEFAULT
        if self._valid_period(t, v):
            v.update(source_id=s, target_id=d, external_id=t.external_id)
            self.new_ties.append(v)
            self.report.count("ties", "created")

    def _match_tie(self, t: TieIn, s: int, d: int, row) -> None:
        if row.source_id == s and row.target_id == d and self.tie_fields.same(row, t.values):
            self.report.count("ties", "unchanged")
            return
        v = dict(zip(TIE_VALUES, row[4:], strict=True))
        v.update(t.values)
        if self._valid_period(t, v):
            v.update(id=row.id, source_id=s, target_id=d)
            self.changed_ties.append((v, row))
            self.report.count("ties", "updated")

    def check_engagements(self) -> None:
        self.new_engagements: list[tuple[dict, list[int]]] = []
        self.changed_engagements: list[tuple[dict, list[int] | None, Any]] = []
        if not self.plan.engagements:
            return
        cols = ("id", "external_id", *ENGAGEMENT_VALUES)
        rows = self.session.execute(
            select(*(ET.c[c] for c in cols)).where(ET.c.partnership_id == self.pid)
        ).all()
        self.engagement_fields = _Fields(cols)
        parts: dict[int, frozenset[int]] = {}
        if rows:
            links = self.session.execute(
                select(PT.c.engagement_id, PT.c.stakeholder_id)
                .join(ET, ET.c.id == PT.c.engagement_id)
                .where(ET.c.partnership_id == self.pid)
                .order_by(PT.c.engagement_id)
            ).all()
            parts = {
                eid: frozenset(sid for _, sid in group)
                for eid, group in groupby(links, key=itemgetter(0))
            }
        by_ext = {r.external_id: r for r in rows if r.external_id is not None}
        keyless: list[tuple[EngagementIn, list[int]]] = []
        seen_ext: set[str] = set()
        names = self.names
        for e in self.plan.engagements:
            if e.external_id is not None:
                if e.external_id in seen_ext:
                    self.problem(e.at("external_id"), f"duplicated external_id {e.external_id!r}")
                    continue
                seen_ext.add(e.external_id)
            pids = [names.get(p) for p in e.participants]
            if None in pids:
                pids = [self.resolve(p, e.participant_at(j)) for j, p in enumerate(e.participants)]
                if None in pids:
                    continue
            if len(set(pids)) != len(pids):
                self.problem(e.at("participants"), "a participant is listed more than once")
                continue
            if len(pids) < 2:
                self.problem(e.at("participants"), "an engagement has two or more participants")
                continue
            if e.external_id is None:
                keyless.append((e, pids))
                continue
            row = by_ext.get(e.external_id)
            if row is None:
                self._new_engagement(e, pids)
            else:
                self._match_engagement(e, pids, row, parts)
        if not keyless:
            return
        index: dict[tuple, list] = defaultdict(list)
        for r in rows:
            if r.external_id is None:
                key = (r.occurred_on, r.channel, parts.get(r.id, frozenset()), r.summary)
                index[key].append(r)
        rest = []
        same = self.engagement_fields.same
        for e, pids in keyless:
            v = e.values
            key = (v.get("occurred_on"), v.get("channel"), frozenset(pids), v.get("summary", ""))
            cands = index.get(key)
            exact = next((r for r in cands if same(r, v)), None) if cands else None
            if exact is None:
                rest.append((e, pids, key))
            else:
                cands.remove(exact)
                self._match_engagement(e, pids, exact, parts)
        for e, pids, key in rest:
            cands = index.get(key)
            if cands:
                self._match_engagement(e, pids, cands.pop(0), parts)
            else:
                self._new_engagement(e, pids)

    def _new_engagement(self, e: EngagementIn, pids: list[int]) -> None:
        v = {**ENGAGEMENT_DEFAULTS, **e.values}
        missing = [f for f in ("occurred_on", "channel") if v.get(f) is None]
        for f in missing:
            self.problem(e.at(f), f"a new engagement needs {f}")
        if not missing:
            v["external_id"] = e.external_id
            self.new_engagements.append((v, pids))
            self.report.count("engagements", "created")

    def _match_engagement(self, e: EngagementIn, pids: list[int], row, parts) -> None:
        same = self.engagement_fields.same(row, e.values)
        new_parts = None if parts.get(row.id) == frozenset(pids) else pids
        if same and new_parts is None:
            self.report.count("engagements", "unchanged")
            return
        v = dict(zip(ENGAGEMENT_VALUES, row[2:], strict=True))
        v.update(e.values)
        v["id"] = row.id
        self.changed_engagements.append((v, new_parts, row))
        self.report.count("engagements", "updated")


class _Fields:
    """Compare some of a row's fields with a record's values, by position (rows are tuples)."""

    def __init__(self, columns: tuple[str, ...]):
        self.pos = {c: i for i, c in enumerate(columns)}
        self.getters: dict[tuple[str, ...], Callable] = {}

    def same(self, row, values: dict) -> bool:
        """Whether the row holds every one of ``values``."""
        keys = tuple(values)
        get = self.getters.get(keys)
        if get is None:
            idx = [self.pos[k] for k in keys]
            if len(idx) == 1:
                i = idx[0]
                get = self.getters[keys] = lambda r: (r[i],)
            else:
                get = self.getters[keys] = itemgetter(*idx) if idx else (lambda r: ())
        return get(row) == tuple(values.values())
