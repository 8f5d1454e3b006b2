"""Write what an import changes: new rows, updated rows, participants, and the audit trail."""

from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlalchemy import update

from app.importers import bulk
from app.importers.bulk import Trail
from app.importers.plan import (
    ENGAGEMENT_VALUES,
    STAKEHOLDER_DEFAULTS,
    STAKEHOLDER_VALUES,
    TIE_VALUES,
)
from app.services import audit
from app.tables import AuditEntry, Engagement, EngagementParticipant, Stakeholder, Tie, utcnow

__all__ = ["write"]

ST = Stakeholder.__table__
TT = Tie.__table__
ET = Engagement.__table__
PT = EngagementParticipant.__table__
AT = AuditEntry.__table__
_CHUNK = 500


def write(job) -> None:
    """Apply a checked and counted import (an ``engine._Job``) to the database."""
    session, now = job.session, utcnow()
    stamps = {"created_at": now, "updated_at": now}
    ids: dict[int, int] = {}
    trail = Trail()

    def real(key: int | None) -> int | None:
        return key if key is None or key > 0 else ids.get(key)

    if job.report.hub_changed:
        hub = job.rows[job.hub_id]
        session.execute(
            update(ST).where(ST.c.id == job.hub_id).values(**job.hub_values, updated_at=now)
        )
        changed = [f for f, v in job.hub_values.items() if getattr(hub, f) != v]
        trail.add("stakeholder", job.hub_id, "update", changed)
    if job.new_stakeholders:
        new_ids = bulk.reserve_ids(session, ST, len(job.new_stakeholders))
        ids.update((key, sid) for (key, _), sid in zip(job.new_stakeholders, new_ids, strict=True))
        cols = ("id", "partnership_id", "kind", "external_id", *STAKEHOLDER_VALUES,
                "organisation_id", "owner_id")  # fmt: skip
        rows = []
        for key, r in job.new_stakeholders:
            v = {**STAKEHOLDER_DEFAULTS, **r.values}
            org, owner = job.org[key], job.owner[key]
            # References to stakeholders made by this import are set once all exist.
            rows.append(
                (ids[key], job.pid, r.kind, r.external_id,
                 *(v[f] for f in STAKEHOLDER_VALUES),
                 org if org is None or org > 0 else None,
                 owner if owner is None or owner > 0 else None)
            )  # fmt: skip
            refs = {"external_id": r.external_id, "organisation_id": org, "owner_id": owner}
            names = (*r.values, "kind", *(n for n, x in refs.items() if x is not None))
            trail.add("stakeholder", ids[key], "create", names)
        bulk.insert_rows(session, ST, cols, rows, stamps)
        later = [
            (real(job.org[key]), real(job.owner[key]), ids[key])
            for key, _ in job.new_stakeholders
            if (job.org[key] or 0) < 0 or (job.owner[key] or 0) < 0
        ]
        bulk.update_rows(session, ST, ("organisation_id", "owner_id"), later, {"updated_at": now})
    if job.changed_stakeholders:
        cols = ("kind", *STAKEHOLDER_VALUES, "organisation_id", "owner_id")
        rows = []
        for key, r in job.changed_stakeholders:
            row = job.rows[key]
            v = {f: getattr(row, f) for f in STAKEHOLDER_VALUES}
            v.update(r.values)
            v.update(kind=r.kind, organisation_id=real(job.org[key]), owner_id=real(job.owner[key]))
            rows.append((*(v[f] for f in cols), key))
            trail.add("stakeholder", key, "update", [f for f in cols if getattr(row, f) != v[f]])
        bulk.update_rows(session, ST, cols, rows, {"updated_at": now})
    job.step("writing", len(job.plan.stakeholders))

    if job.new_ties:
        tie_ids = bulk.reserve_ids(session, TT, len(job.new_ties))
        cols = ("id", "partnership_id", "source_id", "target_id", "external_id", *TIE_VALUES)
        rows = []
        for tid, v in zip(tie_ids, job.new_ties, strict=True):
            v.update(source_id=real(v["source_id"]), target_id=real(v["target_id"]))
            rows.append(
                (tid, job.pid, v["source_id"], v["target_id"], v["external_id"],
                 *(v[f] for f in TIE_VALUES))
            )  # fmt: skip
            names = (*TIE_VALUES, "source_id", "target_id")
            trail.add("tie", tid, "create", (*names, "external_id") if v["external_id"] else names)
        bulk.insert_rows(session, TT, cols, rows, stamps)
    if job.changed_ties:
        cols = ("source_id", "target_id", *TIE_VALUES)
        rows = []
        for v, row in job.changed_ties:
            v.update(source_id=real(v["source_id"]), target_id=real(v["target_id"]))
            rows.append((*(v[f] for f in cols), v["id"]))
            trail.add("tie", v["id"], "update", [f for f in cols if getattr(row, f) != v[f]])
        bulk.update_rows(session, TT, cols, rows, {"updated_at": now})
    job.step("writing", len(job.plan.ties))

    if job.new_engagements:
        new_ids = bulk.reserve_ids(session, ET, len(job.new_engagements))
        cols = ("id", "partnership_id", "external_id", *ENGAGEMENT_VALUES)
        rows = []
        for eid, (v, _) in zip(new_ids, job.new_engagements, strict=True):
            rows.append((eid, job.pid, v["external_id"], *(v[f] for f in ENGAGEMENT_VALUES)))
            names = (*ENGAGEMENT_VALUES, "participant_ids")
            trail.add(
                "engagement",
                eid,
                "create",
                (*names, "external_id") if v["external_id"] else names,
            )
        bulk.insert_rows(session, ET, cols, rows, stamps)
        links = [
            (eid, real(p))
            for eid, (_, pids) in zip(new_ids, job.new_engagements, strict=True)
            for p in pids
        ]
        bulk.insert_rows(session, PT, ("engagement_id", "stakeholder_id"), links)
    if job.changed_engagements:
        rows = []
        for v, pids, row in job.changed_engagements:
            rows.append((*(v[f] for f in ENGAGEMENT_VALUES), v["id"]))
            fields = [f for f in ENGAGEMENT_VALUES if getattr(row, f) != v[f]]
            if pids is not None:
                fields.append("participant_ids")
            trail.add("engagement", v["id"], "update", fields)
        bulk.update_rows(session, ET, ENGAGEMENT_VALUES, rows, {"updated_at": now})
        moved = [(v["id"], pids) for v, pids, _ in job.changed_engagements if pids is not None]
        for chunk in bulk.chunks(moved, _CHUNK):
            session.execute(sql_delete(PT).where(PT.c.engagement_id.in_([eid for eid, _ in chunk])))
        links = [(eid, real(p)) for eid, pids in moved for p in pids]
        bulk.insert_rows(session, PT, ("engagement_id", "stakeholder_id"), links)
    _audit(job, trail, now)
    job.step("writing", len(job.plan.engagements))


def _audit(job, trail: Trail, now) -> None:
    """One audit entry per record written, and one for the import as a whole."""
    consts = {"at": now, "partnership_id": job.pid, **audit.actor_of(job.session),
              "detail": f"import ({job.source})"}  # fmt: skip
    cols = ("entity", "entity_id", "action", "fields")
    bulk.insert_rows(job.session, AT, cols, trail.rows, consts, raw=("fields",))
    counts = "; ".join(
        f"{outcome} " + ", ".join(f"{k}={n}" for k, n in getattr(job.report, outcome).items())
        for outcome in ("created", "updated", "unchanged")
    )
    audit.record(
        job.session,
        partnership_id=job.pid,
        entity="partnership",
        entity_id=job.pid,
        action="import",
        detail=f"{job.source}: {counts}"[:2000],
    )
