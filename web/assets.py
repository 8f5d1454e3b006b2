"""Static files: the app's own (web/static) and vis-network from the copy bundled with pyvis.

The app's files are served under ``/static/<build>/``, where the build is a hash of them all, so
they can be cached for a year and a new release is never mixed with an old cached module.

vis-network comes from pyvis's bundled copy, never from a CDN. This is the one module that knows
about pyvis, and it uses only those files: pyvis's own HTML template and ``show()`` or
``write_html()`` are not used (no autoescaping, a CDN dependency, HTML injection through node
titles).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from web.render import build_id, static_file

__all__ = ["VIS_VERSION", "router", "vis_file"]

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}

VIS_VERSION = "9.1.2"
_FILES = {
    "vis-network.min.js": ("vis-network.min.js", "text/javascript; charset=utf-8"),
    "vis-network.min.css": ("vis-network.css", "text/css; charset=utf-8"),
}

router = APIRouter(include_in_schema=False)


@cache
def vis_dir() -> Path:
    """The folder of pyvis's bundled vis-network files."""
    root = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    return Path(str(root))


def vis_file(name: str) -> Path:
    """The path of one bundled vis-network file (``vis-network.min.js`` or ``.min.css``)."""
    return vis_dir() / _FILES[name][0]


@router.get("/static/{build}/{path:path}")
def static(build: str, path: str):
    file = static_file(path)
    if file is None or file.suffix not in _TYPES:
        raise HTTPException(404, "Not found")
    # Only the current build may be cached for long; an old page asking for an old build gets
    # today's file, revalidated every time.
    cache = "public, max-age=31536000, immutable" if build == build_id() else "no-cache"
    return FileResponse(file, media_type=_TYPES[file.suffix], headers={"Cache-Control": cache})


@router.get("/vendor/vis-network/{name}")
def vendor(name: str):
    if name not in _FILES:
        raise HTTPException(404, "Not found")
    return FileResponse(
        vis_file(name),
        media_type=_FILES[name][1],
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
