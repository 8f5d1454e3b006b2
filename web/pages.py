"""Page routes. The full browser app arrives with its own issue; until then / points at /docs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse


def install(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def root():
        return RedirectResponse("/docs")
