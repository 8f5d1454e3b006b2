"""The browser's vis-network, served from the copy bundled with pyvis (never from a CDN).

This is the one module that knows about pyvis, and it uses only pyvis's bundled vis-network
files: pyvis's own HTML template and ``show()``/``write_html()`` are not used (no autoescaping, a
CDN dependency, HTML injection through node titles).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

__all__ = ["VIS_VERSION", "router", "vis_file"]

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


@router.get("/vendor/vis-network/{name}")
def vendor(name: str):
    if name not in _FILES:
        raise HTTPException(404, "Not found")
    return FileResponse(
        vis_file(name),
        media_type=_FILES[name][1],
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
