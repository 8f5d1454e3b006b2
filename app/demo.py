"""The demo partnership: data/demo.json, its dates moved so that its history ends today."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session

from app.auth import Principal
from app.importers.native import import_native, parse
from app.schemas import PartnershipCreate
from app.services import partnerships as partnership_service
from app.tables import Partnership

CANDIDATES = (
    Path(__file__).resolve().parent.parent / "data" / "demo.json",
    Path.cwd() / "data" / "demo.json",
)


def demo_file() -> Path:
    """Where the demo document is: beside the source tree, else under the working directory."""
    for path in CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError("data/demo.json not found; run from the repository's folder")


def load_demo(*, session: Session, owner: Principal, today: date | None = None) -> Partnership:
    """Create the demo partnership, owned by ``owner``, with its dates ending ``today``."""
    doc = json.loads(demo_file().read_text(encoding="utf-8"))
    parsed = parse(doc)
    today = today or date.today()
    shift = (today - parsed.exported_on).days if parsed.exported_on else 0
    meta = parsed.partnership
    p = partnership_service.create(
        session=session,
        data=PartnershipCreate(
            name=meta.name if meta and meta.name else "Demo partnership",
            description=meta.description if meta and meta.description else "",
        ),
        creator=owner,
    )
    import_native(session=session, partnership_id=p.id, doc=doc, shift_days=shift)
    return p
