"""A zip of three CSV files for a spreadsheet: nodes.csv, ties.csv and engagements.csv.

Files are UTF-8 with a byte-order mark (so that Excel reads accents right), one header row, lists
joined with ``;``. A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written with a leading ``'`` so that a spreadsheet shows it as text instead of running it
as a formula (CSV injection); numbers are written as they are. People whose contact is not
permitted have an empty email.
"""

from __future__ import annotations

import csv
import io
import zipfile

from app.exporters.rows import Snapshot

__all__ = ["zip_of_csv", "safe_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """A cell value that a spreadsheet will not evaluate.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-2"), safe_cell(-2), safe_cell(None)
    ('\\'=HYPERLINK("http://x")', "'-2", -2, '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(header: tuple[str, ...], rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def zip_of_csv(snap: Snapshot) -> bytes:
    """nodes.csv, ties.csv and engagements.csv in one zip."""
    rows = snap.by_id
    sectors = snap.effective_sectors()

    def name(sid):
        return rows[sid].name if sid in rows else None

    nodes = _csv(
        ("id", "external_id", "kind", "name", "organisation_id", "organisation", "sector",
         "effective_sector", "role", "seniority", "influence", "interest", "engagement",
         "desired_engagement", "owner_id", "owner", "email", "contact_permitted", "tags", "notes"),
        (
            (s.id, s.external_id, s.kind, s.name, s.organisation_id, name(s.organisation_id),
             s.sector, sectors[s.id], s.role, s.seniority, s.influence, s.interest, s.engagement,
             s.desired_engagement, s.owner_id, name(s.owner_id), snap.email_of(s),
             bool(s.contact_permitted), ";".join(s.tags or []), s.notes)
            for s in snap.stakeholders
        ),
    )  # fmt: skip
    ties = _csv(
        ("id", "external_id", "source_id", "source", "target_id", "target", "kind", "directed",
         "strength", "valid_from", "valid_to", "notes"),
        (
            (t.id, t.external_id, t.source_id, name(t.source_id), t.target_id,
             name(t.target_id), t.kind, bool(t.directed), t.strength, t.valid_from, t.valid_to,
             t.notes)
            for t in snap.ties
        ),
    )  # fmt: skip
    engagements = _csv(
        ("id", "external_id", "occurred_on", "channel", "participant_ids", "participants",
         "summary", "sentiment"),
        (
            (e.id, e.external_id, e.occurred_on, e.channel,
             ";".join(str(p) for p in snap.participants.get(e.id, [])),
             ";".join(name(p) or "" for p in snap.participants.get(e.id, [])),
             e.summary, e.sentiment)
            for e in snap.engagements
        ),
    )  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.csv", nodes)
        z.writestr("ties.csv", ties)
        z.writestr("engagements.csv", engagements)
    return out.getvalue()
