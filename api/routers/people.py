"""Data protection routes: a person's data, and erasing them (owners only)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CanOwn, SessionDep, item_id
from api.errors import READ, WRITE
from app.services import gdpr
from app.services import stakeholders as stakeholder_service

router = APIRouter(prefix="/partnerships/{pid}/stakeholders/{sid}", tags=["data protection"])
StakeholderId = item_id("sid", "stakeholder")


class EraseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: Literal[True] = Field(description="Must be true: erasure cannot be undone.")


class EraseResult(BaseModel):
    erased: int
    ties: int
    engagements_left: int
    engagements_deleted: int
    mentions_scrubbed: int


@router.get("/personal-data", responses=READ)
def personal_data(sid: StakeholderId, loaded: CanOwn, session: SessionDep) -> dict:
    """Everything held about one stakeholder, for a subject access request (owners only)."""
    s = stakeholder_service.get(session=session, partnership_id=loaded.id, stakeholder_id=sid)
    return gdpr.personal_data(session=session, person=s)


@router.post("/erase", response_model=EraseResult, responses=WRITE)
def erase(sid: StakeholderId, body: EraseRequest, loaded: CanOwn, session: SessionDep):
    """Erase a person and every mention of them; leaves a pseudonymous audit entry (owners)."""
    s = stakeholder_service.get(session=session, partnership_id=loaded.id, stakeholder_id=sid)
    counts = gdpr.erase(session=session, person=s)
    return EraseResult(erased=sid, **counts)
