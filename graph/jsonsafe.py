"""Make analysis results safe for JSON: no NaN or infinity, only plain containers."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["jsonsafe"]


def jsonsafe(value: Any) -> Any:
    """Return ``value`` with every NaN or infinite float replaced by None, recursively.

    Dicts stay dicts (keys unchanged, so integer ids stay integers), lists, tuples and sets become
    lists (sets sorted when they can be), numpy scalars become Python numbers.

    Examples
    --------
    >>> jsonsafe({1: [float("nan"), 2.5, float("inf")], "x": (1, {"y": float("-inf")})})
    {1: [None, 2.5, None], 'x': [1, {'y': None}]}
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: jsonsafe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonsafe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        try:
            items = sorted(value)
        except TypeError:
            items = list(value)
        return [jsonsafe(v) for v in items]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return jsonsafe(item())
    return value
