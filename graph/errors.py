"""Exceptions raised by the analysis on bad input; the API layer maps them to 4xx responses.

All derive from :class:`ValueError`, so a caller that does not know them still sees a value error.
An error about one named parameter carries it as ``param`` (e.g. ``"target"``, ``"k"``), which the
API uses to locate the problem; the attribute is absent when no single parameter is to blame.
"""

from __future__ import annotations

__all__ = ["GraphError", "UnknownStakeholder", "InvalidParameter", "InvalidDateRange"]


class GraphError(ValueError):
    """Base class of the analysis's input errors.

    Parameters
    ----------
    message
        What is wrong, in plain words.
    param
        The name of the parameter at fault, if one is.
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        if param is not None:
            self.param = param


class UnknownStakeholder(GraphError):
    """A stakeholder id that is not in the partnership (HTTP 404 or 422).

    Examples
    --------
    >>> err = UnknownStakeholder(42, param="target")
    >>> err.stakeholder_id, err.param, str(err)
    (42, 'target', 'unknown stakeholder 42')
    """

    def __init__(self, stakeholder_id: object, *, param: str | None = None) -> None:
        self.stakeholder_id = stakeholder_id
        super().__init__(f"unknown stakeholder {stakeholder_id}", param=param)


class InvalidParameter(GraphError):
    """A parameter outside its allowed values (HTTP 422)."""


class InvalidDateRange(InvalidParameter):
    """A date range whose start is after its end (HTTP 422)."""
