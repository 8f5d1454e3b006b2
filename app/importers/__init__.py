"""Importers: turn a JSON document into stakeholders, ties and engagements, all or nothing.

``import_document`` is the one entry point (the API route, the CLI and the demo use it): pick the
format's reader, translate the document into a plan, check it against the partnership, count it,
and write it unless it is a dry run or changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sqlmodel import Session

from app.errors import Invalid
from app.importers import engine, hubspot, kumu, native, salesforce
from app.importers.plan import Known, Plan
from app.importers.report import ImportReport

__all__ = ["FORMATS", "detect_format", "import_document", "ImportReport"]

#: format name → reader(document, known external_ids) → plan
FORMATS: dict[str, Callable[[object, Known], Plan]] = {
    "stakemap": native.read,
    "kumu": kumu.read,
    "salesforce": salesforce.read,
    "hubspot": hubspot.read,
}


def detect_format(doc: object) -> str | None:
    """The format a document looks like, or None when it looks like none of them."""
    if not isinstance(doc, dict):
        return None
    if "format" in doc and str(doc.get("format", "")).startswith("stakemap"):
        return "stakemap"
    if "elements" in doc or "connections" in doc:
        return "kumu"
    if salesforce.looks_like(doc):
        return "salesforce"
    if hubspot.looks_like(doc):
        return "hubspot"
    return None


def import_document(
    *,
    session: Session,
    partnership_id: int,
    fmt: str | None,
    doc: object,
    dry_run: bool = False,
    shift_days: int = 0,
    progress: engine.Progress | None = None,
) -> ImportReport:
    """Import ``doc`` (format ``fmt``, or detected when None) into the partnership.

    Raises Invalid with every problem located (``loc`` into the document, or ``("query",
    "format")`` for an unknown format); nothing is written then.
    """
    if fmt is None:
        fmt = detect_format(doc)
        if fmt is None:
            raise Invalid.field(
                ("query", "format"),
                f"cannot tell the document's format; give one of {', '.join(FORMATS)}",
            )
    reader = FORMATS.get(fmt)
    if reader is None:
        raise Invalid.field(
            ("query", "format"), f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"
        )
    if fmt == "stakemap" and shift_days:
        reader = partial(native.read, shift_days=shift_days)
    return engine.run(
        session=session,
        partnership_id=partnership_id,
        doc=doc,
        reader=reader,
        dry_run=dry_run,
        progress=progress,
        source=fmt,
    )
