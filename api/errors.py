"""Domain exceptions → HTTP responses, and the documented error shapes."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from app.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Unauthorized

log = logging.getLogger("stakemap")


class Message(BaseModel):
    detail: str


class ValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationMessage(BaseModel):
    detail: list[ValidationItem]


def _doc(model, text):
    return {"model": model, "description": text}


AUTH = {
    401: _doc(Message, "No valid bearer token or session."),
    403: _doc(Message, "The caller's role or token does not allow this."),
}
UNAVAILABLE = {
    503: _doc(
        Message,
        "The database is unreachable, read-only or full; nothing was changed. "
        "Retry after the seconds in the Retry-After header.",
    ),
}
READ = {
    **AUTH,
    **UNAVAILABLE,
    404: _doc(Message, "Not found, or not visible to the caller."),
    422: _doc(ValidationMessage, "A parameter is invalid."),
}
# A list of the caller's own things: no path id, so no 404.
LIST = {k: v for k, v in READ.items() if k != 404}
WRITE = {
    **READ,
    409: _doc(ValidationMessage, "Clashes with stored data (e.g. a duplicate external_id)."),
    413: _doc(Message, "The body is larger than the configured limit."),
    422: _doc(ValidationMessage, "The body or a parameter is invalid; each problem is located."),
}


def install(app: FastAPI) -> None:
    """Register the handlers that turn domain errors into 4xx.

    Database trouble (unreachable, read-only, full) becomes 503 in ``app.main``, which answers
    the browser's pages too.
    """

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound):
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, exc: Unauthorized):
        return JSONResponse(
            {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden):
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(PreconditionFailed)
    async def _precondition(_: Request, exc: PreconditionFailed):
        return JSONResponse({"detail": str(exc)}, status_code=412)

    @app.exception_handler(Invalid)
    async def _invalid(_: Request, exc: Invalid):
        status = 409 if isinstance(exc, Conflict) else 422
        return JSONResponse({"detail": [p.as_dict() for p in exc.problems]}, status_code=status)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError):
        # The services check first; this is the database catching a race between two writers.
        # Answered in the documented 409 shape (a located list, as Conflict gives), so that a
        # client reads every 409 alike.
        log.warning("integrity error: %s", exc.orig)
        return _at_body(
            409, "The change clashes with a concurrent change; reload and try again.", "conflict"
        )

    @app.exception_handler(RecursionError)
    async def _too_deep(_: Request, exc: RecursionError):
        return _at_body(422, "The JSON body is nested too deeply.", "json_too_deep")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        # FastAPI answers a body it cannot decode (not UTF-8, nested past the recursion limit)
        # with an undocumented 400, but a body that is not JSON with 422 json_invalid; the API
        # answers both alike, as the import already does.
        if (
            exc.status_code == 400
            and request.url.path.startswith("/api/")
            and isinstance(exc.__cause__, (ValueError, RecursionError))
        ):
            if isinstance(exc.__cause__, RecursionError):
                return _at_body(422, "The JSON body is nested too deeply.", "json_too_deep")
            return _at_body(422, "The body is not JSON text in UTF-8.", "json_invalid")
        return await http_exception_handler(request, exc)


def _at_body(status: int, msg: str, type_: str) -> JSONResponse:
    """FastAPI's validation shape, with one problem located at the body."""
    return JSONResponse({"detail": [{"loc": ["body"], "msg": msg, "type": type_}]}, status)


CHANGE = {**WRITE, 412: _doc(Message, "If-Match named an ETag that is no longer current.")}
