"""The browser app (SPEC §8): page routes, static files, and the hooks that tie it to the API.

Every page is a server-rendered shell (autoescaped Jinja2) whose script fetches the JSON API with
the session cookie; each page links to that JSON, its twin. ``install`` mounts it all on the app.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from app.auth import Principal, role_allows
from app.enums import Role
from app.errors import Forbidden, NotFound
from app.schemas import MAX_ID
from app.services import partnerships as partnership_service
from web import assets, auth
from web.render import render

__all__ = ["install", "PAGES"]

#: The pages of a partnership: (slug, navigation label, JSON twin under
#: /api/v1/partnerships/{pid}, the role a member needs to open it).
PAGES = (
    ("map", "Map", "/graph", Role.viewer),
    ("gaps", "Gaps", "/analysis/gaps", Role.viewer),
    ("grid", "Grid", "/graph", Role.viewer),
    ("reach", "Reach", "/analysis/reach", Role.viewer),
    ("import", "Import", "/export?format=stakemap", Role.viewer),
    ("report", "Report", "/analysis/summary", Role.viewer),
    ("members", "Members", "/members", Role.owner),
    ("audit", "Audit", "/audit", Role.owner),
)
_TWIN = {slug: twin for slug, _, twin, _ in PAGES}
_NEEDS = {slug: needed for slug, _, _, needed in PAGES}

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal | None, Depends(auth.browser_principal)]
PagePid = Annotated[int, Path(alias="pid", ge=1, le=MAX_ID)]


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def _not_found(request: Request, principal: Principal, message: str, status: int = 404):
    return render(
        request,
        "error.html",
        {"principal": principal, "status": status, "message": message},
        status_code=status,
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Viewer):
    if principal is None:
        return _to_login(request)
    return render(
        request,
        "partnerships.html",
        {"principal": principal, "page": "home", "json_url": "/api/v1/partnerships"},
    )


def _partnership_page(
    request: Request, session: Session, principal: Principal | None, pid: int, slug: str
):
    if principal is None:
        return _to_login(request)
    try:
        p, role = partnership_service.get_for(
            session=session, partnership_id=pid, principal=principal, needed=_NEEDS[slug]
        )
        public = partnership_service.public(session=session, partnership=p, role=role)
    except NotFound:
        return _not_found(
            request, principal, "There is no such partnership, or you are not a member of it."
        )
    except Forbidden:
        return _not_found(
            request,
            principal,
            f"Only an owner of this partnership can open its {slug} page.",
            403,
        )
    can_edit = principal.is_admin or role in (Role.editor.value, Role.owner.value)
    # The tabs a user may open: owners (and site admins) also see Members and Audit.
    nav = [
        (s, label)
        for s, label, _, needed in PAGES
        if principal.is_admin or role_allows(role, needed)
    ]
    return render(
        request,
        f"{slug}.html",
        {
            "principal": principal,
            "p": public,
            "page": slug,
            "pages": nav,
            "can_edit": can_edit,
            "json_url": f"/api/v1/partnerships/{pid}{_TWIN[slug]}",
        },
    )


@router.get("/partnerships/{pid}", response_class=HTMLResponse)
def map_page(request: Request, session: auth.DbSession, principal: Viewer, pid: PagePid):
    return _partnership_page(request, session, principal, pid, "map")


def _add_page(slug: str) -> None:
    def page(request: Request, session: auth.DbSession, principal: Viewer, pid: PagePid):
        return _partnership_page(request, session, principal, pid, slug)

    page.__name__ = f"{slug}_page"
    router.add_api_route(
        f"/partnerships/{{pid}}/{slug}", page, methods=["GET"], response_class=HTMLResponse
    )


for _slug, *_ in PAGES[1:]:
    _add_page(_slug)


def install(app: FastAPI) -> None:
    """Mount the pages, the sign-in routes, the static files and the session hooks on ``app``."""
    app.state.session_principal = auth.session_principal
    app.include_router(auth.router)
    app.include_router(assets.router)
    app.include_router(router)
    app.add_middleware(auth.CsrfMiddleware)
