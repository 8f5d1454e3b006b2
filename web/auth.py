"""Browser sign-in: the session cookie, the same-origin (CSRF) check and the sign-in routes.

A browser signs in with the one-time link that ``stakemap serve`` prints, or with email and
password at ``/login``. Either starts a server-side session (``app.services.websessions``) whose
random secret travels in an HttpOnly, SameSite=Lax cookie (Secure behind HTTPS). The JSON API
accepts the same cookie through ``app.state.session_principal``, so the pages' scripts call it
directly. A request that changes something and is authenticated by the cookie must come from this
site: its ``Origin`` (or, failing that, ``Referer``) must be our own origin.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from app.auth import Principal
from app.db import open_session
from app.errors import StakemapError
from app.services import ratelimit, websessions
from app.services import users as user_service
from app.tables import User

__all__ = [
    "COOKIE",
    "TOO_MANY",
    "SAFE_METHODS",
    "CsrfMiddleware",
    "router",
    "session_principal",
    "browser_principal",
    "same_origin",
    "safe_next",
]

COOKIE = websessions.COOKIE
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SIGN_IN_FAILED = "The email or password is not right, or the account cannot sign in."
TOO_MANY = "Too many failed sign-ins from this account or address. Wait 15 minutes, then try again."
LINK_FAILED = (
    "This sign-in link is unknown, already used or expired. Sign in with your email and "
    "password, or ask an administrator for a new link."
)

router = APIRouter(include_in_schema=False)


# -- origins ----------------------------------------------------------------------------------


def is_https(request: Request) -> bool:
    """True when the browser reached us over HTTPS (directly or through a proxy that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def own_origins(request: Request) -> set[str]:
    """The origins this request may legitimately come from: the Host it used, and base_url."""
    origins = set()
    host = request.headers.get("host")
    if host:
        origins.add(f"{'https' if is_https(request) else 'http'}://{host}".lower())
    settings = getattr(request.app.state, "settings", None)
    if settings is not None and settings.base_url:
        parts = urlsplit(settings.base_url)
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> bool:
    """True when the request says it comes from one of our own pages.

    Browsers send ``Origin`` on every cross-site request and on same-site POSTs; ``Referer`` is
    the fallback. A request with neither is refused: no browser that follows the rules sends an
    unsafe request without either, and a script outside a browser should use a bearer token.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.lower() in own_origins(request)
    referer = request.headers.get("referer")
    if referer:
        return _origin_of(referer) in own_origins(request)
    return False


class CsrfMiddleware:
    """Refuse unsafe requests to the pages (sign-in, sign-out) unless they come from this site.

    Cookie-authenticated writes to the JSON API are refused by ``app.security`` for the whole
    application; this adds the page forms, including sign-in, where there is no session yet
    (login CSRF: another site signing a browser in to an account of its choosing).
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith("/api/")
        ):
            return await self.app(scope, receive, send)
        if not same_origin(Request(scope)):
            response = JSONResponse(
                {"detail": "Cross-site request refused: reload the page and try again."},
                status_code=403,
            )
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


# -- sessions ---------------------------------------------------------------------------------


def session_principal(request: Request, session: Session) -> Principal | None:
    """The principal behind the request's session cookie (the JSON API's hook), or None."""
    secret = request.cookies.get(COOKIE)
    if not secret or len(secret) > 200:
        return None
    return websessions.principal_for(session=session, secret=secret)


def get_db(request: Request) -> Iterator[Session]:
    """A database session for a page request: committed when the route returns."""
    session = open_session(request.app.state.engine, write=request.method not in SAFE_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Committed before the response is sent, so a failed commit is never reported as a success.
DbSession = Annotated[Session, Depends(get_db, scope="function")]


def browser_principal(request: Request, session: DbSession) -> Principal | None:
    """The signed-in user of a page request, or None (the page then redirects to /login)."""
    return session_principal(request, session)


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in; anything else (another site, a scheme) becomes /."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 32 for c in value):
        return "/"
    return value


def _set_cookie(request: Request, response: Response, secret: str) -> None:
    hours = request.app.state.settings.session_hours
    response.set_cookie(
        COOKIE,
        secret,
        max_age=hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def _start(request: Request, session: Session, user) -> RedirectResponse:
    old = request.cookies.get(COOKIE)
    if old:
        websessions.end(session=session, secret=old)
    secret = websessions.start(
        session=session, user=user, hours=request.app.state.settings.session_hours
    )
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    _set_cookie(request, response, secret)
    return response


@cache
def _stand_in() -> User:
    """A user with a real password hash, checked when the email is unknown.

    Verifying against it makes a miss cost as long as a wrong password, so response times do
    not tell which emails have accounts.
    """
    from argon2 import PasswordHasher

    return User(email="", password_hash=PasswordHasher().hash(secrets.token_urlsafe(16)))


# -- routes -----------------------------------------------------------------------------------


def _login_page(request: Request, *, error: str | None = None, email: str = "", status=200):
    from web.render import render

    return render(
        request,
        "login.html",
        {"error": error, "email": email, "next": safe_next(request.query_params.get("next"))},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, principal: Annotated[Principal | None, Depends(browser_principal)]
):
    if principal is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
):
    address = request.client.host if request.client else None
    # PostgreSQL text cannot hold NUL; no account's address contains one (nor U+FFFD), so the
    # attempt is counted and answered like any other unknown address
    email = email.replace("\x00", "\ufffd")
    if not ratelimit.allowed(session=session, email=email, address=address):
        return _login_page(request, error=TOO_MANY, email=email, status=429)
    try:
        user = user_service.get_by_email(session=session, email=email)
    except StakemapError:  # unknown or malformed: the same answer, after the same work
        user_service.verify_password(_stand_in(), password)
        user = None
    if user is None or not user_service.verify_password(user, password) or not user.is_active:
        ratelimit.failed(session=session, email=email, address=address)
        return _login_page(request, error=SIGN_IN_FAILED, email=email, status=400)
    ratelimit.succeeded(session=session, email=email)
    return _start(request, session, user)


@router.get("/login/link/{secret}")
def login_link(secret: str, request: Request, session: DbSession):
    user = None
    if len(secret) <= 200:
        user = user_service.use_login_link(session=session, secret=secret)
    if user is None or not user.is_active:
        return _login_page(request, error=LINK_FAILED, status=400)
    return _start(request, session, user)


@router.post("/logout")
def logout(request: Request, session: DbSession):
    secret = request.cookies.get(COOKIE)
    if secret:
        websessions.end(session=session, secret=secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )
    return response
