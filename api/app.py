"""The /api/v1 router, assembled."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import (
    analysis,
    audit,
    engagements,
    health,
    members,
    partnerships,
    people,
    stakeholders,
    ties,
    tokens,
    transfer,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for module in (
        health,
        tokens,
        partnerships,
        members,
        stakeholders,
        people,
        ties,
        engagements,
        analysis,
        audit,
        transfer,
    ):
        router.include_router(module.router)
    return router
