"""The /api/v1 routes of an application, read from ``app.routes`` so that no new route escapes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI

try:  # FastAPI 0.16x keeps included routers nested; this walks them
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI flattens them into app.routes

    def iter_route_contexts(routes):
        return iter(routes)


PUBLIC = {("GET", "/api/v1/health")}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# POST routes that compute an answer and change nothing: reads, for access purposes.
READS_BY_POST = {("POST", "/api/v1/partnerships/{pid}/analysis/what-if")}


@dataclass(frozen=True)
class Route:
    method: str
    path: str

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def writes(self) -> bool:
        """True when the route may change something."""
        return self.method in WRITES and (self.method, self.path) not in READS_BY_POST

    def url(self, ids: dict) -> str:
        """The path with its parameters filled from ``ids``, without the /api/v1 prefix."""
        missing = [p for p in self.params if p not in ids]
        assert not missing, f"{self}: no test value for path parameter(s) {missing}"
        return self.path.removeprefix("/api/v1").format(**{p: ids[p] for p in self.params})

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def api_routes(app: FastAPI) -> list[Route]:
    """Every (method, path) under /api/v1, HEAD and OPTIONS aside, in a stable order."""
    found = {
        Route(method, r.path)
        for r in iter_route_contexts(app.routes)
        if (r.path or "").startswith("/api/v1")
        for method in (r.methods or set()) - {"HEAD", "OPTIONS"}
    }
    return sorted(found, key=lambda r: (r.path, r.method))


def protected(app: FastAPI) -> list[Route]:
    """The routes that need a token: all but the public ones."""
    return [r for r in api_routes(app) if (r.method, r.path) not in PUBLIC]
