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

__all__ = ["STATIC_DIR", "TEMPLATE_DIR", "build_id", "render", "static_file", "static_url"]

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"


@cache
def build_id() -> str:
    """A hash of every file under web/static: it changes whenever any of them does."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def static_url(path: str) -> str:
    """The URL of a file under web/static, in a folder named by the build.

    Scripts import each other by relative URLs ("./lib.js"), so they all share the build folder
    and a browser never mixes a cached old module with a new one.
    """
    return f"/static/{build_id()}/{path}"


def static_file(path: str) -> Path | None:
    """The file under web/static for a URL path, or None (missing, or outside the folder)."""
    candidate = (STATIC_DIR / path).resolve()
    if not candidate.is_relative_to(STATIC_DIR.resolve()) or not candidate.is_file():
        return None
    return candidate


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
