"""Read an import body as JSON, refusing what a JSON library would choke on or accept too kindly.

``json.loads`` alone accepts ``NaN`` and ``Infinity`` (not JSON), turns ``1e999`` into infinity,
and recurses once per nesting level. :func:`load_json` measures the nesting depth first, without
recursion, and rejects all three with a located error (HTTP 422), never a 500.
"""

from __future__ import annotations

import json
import math
from itertools import accumulate

from app.errors import FieldProblem, Invalid
from app.importers.plan import gc_paused

#: Deepest nesting accepted. Every importer's documents nest fewer than 10 levels.
MAX_DEPTH = 64

_NOT_MARKS = bytes(b for b in range(256) if b not in b'[]{}"')
_DELTA = [0] * 256
for _b in b"[{":
    _DELTA[_b] = 1
for _b in b"]}":
    _DELTA[_b] = -1


class _Constant(ValueError):
    pass


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in UTF-8 JSON text (0 for a scalar).

    Brackets inside strings do not count. Everything but brackets and quotes is dropped first
    (escaped backslashes and quotes before that); dropping two adjacent quotes keeps every
    bracket's side of the string boundaries, so empty strings go at C speed, and only strings
    that held brackets are left to split out.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(None, _NOT_MARKS).replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    return max(accumulate(map(_DELTA.__getitem__, marks)), default=0)


def _no_constant(name: str):
    raise _Constant(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Constant(f"the number {text[:30]} is too large")
    return value


def _problem(msg: str, kind: str) -> Invalid:
    return Invalid(FieldProblem(("body",), msg, kind))


def load_json(data: bytes, *, max_depth: int = MAX_DEPTH) -> object:
    """Parse one JSON document; raise Invalid (located at ``body``) when it is not clean JSON."""
    if not data.strip():
        raise _problem("The body is empty; send one JSON document.", "json_invalid")
    try:
        encoding = json.detect_encoding(data)
        if encoding not in ("utf-8", "utf-8-sig"):
            data = data.decode(encoding).encode("utf-8")
    except UnicodeError:
        raise _problem("The body is not UTF-8 text.", "json_invalid") from None
    depth = nesting_depth(data)
    if depth > max_depth:
        raise _problem(
            f"The JSON is nested {depth} levels deep; at most {max_depth} are accepted.",
            "json_too_deep",
        )
    try:
        with gc_paused():
            doc = json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except _Constant as exc:
        raise _problem(f"Invalid JSON: {exc}.", "json_invalid") from None
    except UnicodeError:
        raise _problem("The body is not UTF-8 text.", "json_invalid") from None
    except RecursionError:
        raise _problem("The JSON is nested too deeply.", "json_too_deep") from None
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        raise _problem(f"Invalid JSON: {exc}.", "json_invalid") from None
    if b"\\u0000" in data:  # JSON can only hold a NUL escaped; look closer only then
        loc = _nul_at(doc, ("body",))
        if loc is not None:
            raise Invalid(FieldProblem(loc, NUL_MESSAGE, "value_error"))
    return doc


#: PostgreSQL cannot store NUL in text (a 500), so no text holding one is accepted.
NUL_MESSAGE = "The text contains a NUL character (U+0000), which cannot be stored."


def _nul_at(value: object, loc: tuple) -> tuple | None:
    """Where the first string (or object key) holding a NUL is, or None."""
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = (*loc, key) if "\x00" in key else _nul_at(item, (*loc, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_at(item, (*loc, i))
            if found is not None:
                return found
    return None
