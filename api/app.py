"""The /api/v1 router, assembled."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import analysis, engagements, health, partnerships, stakeholders, ties


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for module in (health, partnerships, stakeholders, ties, engagements, analysis):
        router.include_router(module.router)
    return router
