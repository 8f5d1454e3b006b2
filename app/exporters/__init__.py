"""Exports of a partnership: native JSON, GraphML, GEXF, a zip of CSV files, node-link JSON.

``export`` is the one entry point (the API route and the CLI use it). Every format leaves out the
email of people whose contact is not permitted.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.errors import Invalid
from app.exporters import native, network, rows, tables
from app.tables import Partnership

__all__ = ["FORMATS", "Exported", "export", "filename"]

#: format → (media type, file extension)
FORMATS = {
    "stakemap": ("application/json", "json"),
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "csv": ("application/zip", "zip"),
    "node-link": ("application/json", "json"),
}


@dataclass
class Exported:
    content: bytes
    media_type: str
    filename: str


def filename(partnership: Partnership, fmt: str, day: date) -> str:
    """``<partnership-name>-<date>[-node-link].<ext>``, ASCII only."""
    ascii_name = unicodedata.normalize("NFKD", partnership.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    slug = slug or f"partnership-{partnership.id}"
    suffix = "-node-link" if fmt == "node-link" else ""
    return f"{slug}-{day.isoformat()}{suffix}.{FORMATS[fmt][1]}"


def export(
    *, session: Session, partnership: Partnership, fmt: str, as_of: date | None = None
) -> Exported:
    """The partnership in format ``fmt``; graph formats weigh ties as of ``as_of`` (today)."""
    if fmt not in FORMATS:
        raise Invalid.field(
            ("query", "format"), f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"
        )
    day = as_of or rows.today()
    snap = rows.load(session=session, partnership=partnership)
    if fmt == "stakemap":
        doc = native.document(snap, exported_on=rows.today())
        content = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    elif fmt == "csv":
        content = tables.zip_of_csv(snap)
    else:
        G = network.network(snap, as_of=day)
        write = {"graphml": network.graphml, "gexf": network.gexf, "node-link": network.node_link}
        content = write[fmt](G)
    media, _ = FORMATS[fmt]
    # Native JSON and CSV hold every record whatever the date: they are named for today.
    named = day if fmt in ("graphml", "gexf", "node-link") else rows.today()
    return Exported(content, media, filename(partnership, fmt, named))
