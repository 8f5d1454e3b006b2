"""/api/v1/partnerships/{pid}/import and /export (SPEC §7)"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import CanEdit, CanRead, SessionDep
from api.errors import READ, WRITE
from app import exporters, importers
from app.importers.document import load_json
from app.importers.report import ImportResult

router = APIRouter(prefix="/partnerships/{pid}", tags=["import and export"])

ImportFormat = Literal["stakemap", "kumu", "salesforce", "hubspot"]
ExportFormat = Literal["stakemap", "graphml", "gexf", "csv", "node-link"]

IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "One JSON document in the chosen format (see the README's "
        "*Import and export*).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
EXPORT_OK = {
    200: {
        "description": "The file, as an attachment.",
        "content": {media: {} for media, _ in exporters.FORMATS.values()},
    }
}


async def raw_body(request: Request) -> bytes:
    """The request body as bytes; the importer parses it (depth, NaN and Infinity checked)."""
    return await request.body()


@router.post("/import", response_model=ImportResult, responses=WRITE, openapi_extra=IMPORT_BODY)
def import_document(
    loaded: CanEdit,
    session: SessionDep,
    body: Annotated[bytes, Depends(raw_body)],
    fmt: Annotated[
        ImportFormat | None,
        Query(alias="format", description="The document's format; detected when omitted."),
    ] = None,
    dry_run: Annotated[bool, Query(description="Report what would change; write nothing.")] = False,
):
    """Create, update or leave each record of a document; all or nothing.

    Records match by external_id (namespaced per source: ``salesforce:…``, ``hubspot:…``,
    ``kumu:…``), so posting the same document again changes nothing, not even the revision.
    A document with any problem gets 422 listing every problem with its place in the document.
    """
    doc = load_json(body)
    report = importers.import_document(
        session=session, partnership_id=loaded.id, fmt=fmt, doc=doc, dry_run=dry_run
    )
    return report.as_dict(dry_run=dry_run)


@router.get("/export", response_class=Response, responses={**READ, **EXPORT_OK})
def export(
    loaded: CanRead,
    session: SessionDep,
    fmt: Annotated[ExportFormat, Query(alias="format", description="The file format.")] = (
        "stakemap"
    ),
    as_of: Annotated[
        date | None, Query(description="Tie strengths as on this date (graph formats; today).")
    ] = None,
):
    """The partnership as a file: native JSON, GraphML, GEXF, a zip of CSV files, or node-link.

    People whose contact is not permitted are exported without their email.
    """
    out = exporters.export(session=session, partnership=loaded.partnership, fmt=fmt, as_of=as_of)
    return Response(
        content=out.content,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"'},
    )
