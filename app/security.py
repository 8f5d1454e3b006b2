"""Security headers on every response, and the CSRF check for cookie-authenticated writes."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = b"stakemap_session"


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def _origin_host(value: str | None) -> str | None:
    if not value or value == "null":
        return None
    parts = urlsplit(value)
    return parts.netloc.lower() if parts.scheme in ("http", "https") else None


def cross_site(scope) -> bool:
    """True for an unsafe request that rides on the session cookie from another origin.

    Requests with a bearer token are not at risk (a browser never adds one by itself); a request
    with the cookie must carry an Origin, or failing that a Referer, naming this host.
    """
    if scope["method"] in SAFE or _header(scope, b"authorization"):
        return False
    cookie = _header(scope, b"cookie") or ""
    if SESSION_COOKIE.decode() + "=" not in cookie:
        return False
    host = (_header(scope, b"x-forwarded-host") or _header(scope, b"host") or "").lower()
    origin = _origin_host(_header(scope, b"origin")) or _origin_host(_header(scope, b"referer"))
    return origin is None or origin != host


class SecurityMiddleware:
    """Adds the security headers to every response and refuses cross-site cookie writes (403)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                message = {**message, "headers": list(message.get("headers", ())) + extra}
            await send(message)

        if cross_site(scope):
            body = json.dumps(
                {"detail": "Cross-site request refused: the Origin does not match this site."}
            ).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send_with_headers)
