"""The native ``stakemap/v1`` document: every stored field, references by external_id.

Importing it into an empty partnership reproduces the same stakeholders (with their fields,
organisations and owners), ties, and engagements with their participants. A stakeholder without
an external_id gets a ``ref`` (``stakemap:<id>``) that holds only inside the document, so it is
recreated without one. People whose contact is not permitted are written without their email.
"""

from __future__ import annotations

from datetime import date

from app.exporters.rows import Snapshot

__all__ = ["document"]

REF_PREFIX = "stakemap:"
FIELDS = (
    "sector", "role", "seniority", "influence", "interest", "engagement", "desired_engagement",
)  # fmt: skip


def _refs(snap: Snapshot) -> dict[int, str]:
    """How the document names each stakeholder: "hub", its external_id, or a document ref."""
    taken = {s.external_id for s in snap.stakeholders if s.external_id is not None}
    refs: dict[int, str] = {}
    for s in snap.stakeholders:
        if s.id == snap.hub_id:
            refs[s.id] = "hub"
        elif s.external_id is not None:
            refs[s.id] = s.external_id
        else:
            ref, n = f"{REF_PREFIX}{s.id}", 0
            while ref in taken:
                n += 1
                ref = f"{REF_PREFIX}{s.id}.{n}"
            taken.add(ref)
            refs[s.id] = ref
    return refs


def document(snap: Snapshot, *, exported_on: date) -> dict:
    """The partnership as a native import document."""
    p = snap.partnership
    refs = _refs(snap)
    hub = next(s for s in snap.stakeholders if s.id == snap.hub_id)
    stakeholders = [_stakeholder(snap, hub, refs)]
    stakeholders += [_stakeholder(snap, s, refs) for s in snap.stakeholders if s is not hub]
    ties = []
    for t in snap.ties:
        tie = {} if t.external_id is None else {"external_id": t.external_id}
        tie.update(
            source=refs[t.source_id],
            target=refs[t.target_id],
            kind=t.kind,
            directed=bool(t.directed),
            strength=t.strength,
            valid_from=t.valid_from.isoformat() if t.valid_from else None,
            valid_to=t.valid_to.isoformat() if t.valid_to else None,
            notes=t.notes,
        )
        ties.append(tie)
    engagements = []
    for e in snap.engagements:
        eng = {} if e.external_id is None else {"external_id": e.external_id}
        eng.update(
            occurred_on=e.occurred_on.isoformat(),
            channel=e.channel,
            participants=[refs[sid] for sid in snap.participants.get(e.id, [])],
            summary=e.summary,
            sentiment=e.sentiment,
        )
        engagements.append(eng)
    return {
        "format": "stakemap/v1",
        "exported_on": exported_on.isoformat(),
        "partnership": {
            "name": p.name,
            "description": p.description,
            "half_life_days": p.half_life_days,
        },
        "stakeholders": stakeholders,
        "ties": ties,
        "engagements": engagements,
    }


def _stakeholder(snap: Snapshot, s, refs: dict[int, str]) -> dict:
    out: dict = {"kind": s.kind, "name": s.name}
    if s.external_id is not None:
        out["external_id"] = s.external_id
    elif s.kind != "hub":
        out["ref"] = refs[s.id]
    if s.kind != "hub":
        out["organisation"] = refs.get(s.organisation_id) if s.organisation_id else None
        out["owner"] = refs.get(s.owner_id) if s.owner_id else None
    for f in FIELDS:
        out[f] = getattr(s, f)
    if s.contact_permitted:
        out["email"] = s.email
    out["notes"] = s.notes
    out["tags"] = list(s.tags or [])
    out["contact_permitted"] = bool(s.contact_permitted)
    return out
