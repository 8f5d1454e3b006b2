"""Jinja2 rendering for the pages: autoescaped templates, fingerprinted static URLs, the CSP.

Pages carry no inline script or style: data reaches the scripts through ``data-*`` attributes
and the JSON API, so ``app.security``'s Content-Security-Policy (added to every response) can
forbid every inline form.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

__all__ = ["STATIC_DIR", "TEMPLATE_DIR", "render", "static_url"]

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"


@cache
def _fingerprint(path: str) -> str:
    data = (STATIC_DIR / path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def static_url(path: str) -> str:
    """The URL of a file under web/static, with a content hash so browsers never run stale code."""
    return f"/static/{path}?v={_fingerprint(path)}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    return env


def render(
    request: Request, template: str, context: dict | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page, never cached; ``principal``, ``p``, ``page``, ``json_url`` default to None."""
    ctx = {"request": request, "principal": None, "p": None, "page": None, "json_url": None}
    ctx.update(context or {})
    html = _environment().get_template(template).render(ctx)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
