"""What the Salesforce, HubSpot and Kumu readers share: typed reading of a vendor's values.

The rule for every vendor format: a document that is malformed (a wrong JSON type, a missing id,
a malformed date, a reference to a record that is nowhere, a duplicated id) is an error, located
at its place in the document; well-formed data that Stakemap cannot represent exactly (an unknown
industry or activity type, text longer than Stakemap keeps, an invalid email address, a record
type Stakemap does not import) is imported as well as it can be, with a warning.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from typing import Any

from app.importers.mapping import channel_for, sector_for
from app.importers.plan import Known, Loc, Plan

# The same pattern as app.schemas.Email.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

NAME_MAX = 200
SHORT_MAX = 200
NOTES_MAX = 10_000
TAG_MAX = 50
TAGS_MAX = 50


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)  # fmt: skip


def plain_text(value: str) -> str:
    """Text without HTML tags and entities (HubSpot bodies are HTML), blank lines collapsed."""
    if "<" in value or "&" in value:
        value = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", value)
        value = html.unescape(_TAG.sub("", value))
    value = _SPACE.sub(" ", value)
    return _BLANK_LINES.sub("\n\n", value).strip()


class Source:
    """A reader under way: the plan it builds and the external_ids it has defined."""

    def __init__(self, known: Known):
        self.plan = Plan()
        self.known = known
        #: external_id → kind of the stakeholders this document defines
        self.defined: dict[str, str] = {}

    def problem(self, loc: Loc, msg: str, type: str = "value_error") -> None:
        self.plan.problem(loc, msg, type)

    def warn(self, loc: Loc, msg: str) -> None:
        self.plan.warn(loc, msg)

    def exists(self, ext: str) -> bool:
        """Whether a stakeholder with this external_id is in the document or the partnership."""
        return ext in self.defined or ext in self.known

    def kind_of(self, ext: str) -> str | None:
        return self.defined.get(ext) or self.known.get(ext)

    # -- typed values ---------------------------------------------------------------------

    def string(self, value: Any, loc: Loc, *, required: bool = False) -> str | None:
        """A string (stripped; empty → None); a number or object is an error."""
        if value is None:
            if required:
                self.problem(loc, "this field is required", "missing")
            return None
        if not isinstance(value, str):
            self.problem(loc, f"expected a string, not {_kind(value)}", "string_type")
            return None
        value = value.strip()
        if not value and required:
            self.problem(loc, "this field is required", "missing")
        return value or None

    def ident(self, value: Any, loc: Loc) -> str | None:
        """A record id: a string, or a whole number (HubSpot writes both)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.string(value, loc, required=True)

    def flag(self, value: Any, loc: Loc) -> bool | None:
        """A boolean; HubSpot's "true"/"false" strings too."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", ""):
            return {"true": True, "false": False}.get(value.strip().lower())
        self.problem(loc, f"expected true or false, not {_kind(value)}", "bool_type")
        return None

    def day(self, value: Any, loc: Loc, *, required: bool = False) -> date | None:
        """A date from ``YYYY-MM-DD``, an ISO 8601 date-time (its own date), or epoch ms."""
        if value is None or value == "":
            if required:
                self.problem(loc, "this date is required", "missing")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return self._epoch_ms(value, loc)
        if not isinstance(value, str):
            self.problem(loc, f"expected a date, not {_kind(value)}", "date_type")
            return None
        text = value.strip()
        if text.isdigit():
            return self._epoch_ms(int(text), loc)
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text).date()
        except ValueError:
            self.problem(loc, f"{text[:40]!r} is not a date or date-time", "date_parsing")
            return None

    def _epoch_ms(self, ms: int, loc: Loc) -> date | None:
        try:
            return datetime.fromtimestamp(ms / 1000, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            self.problem(loc, f"{ms} is not a time in milliseconds since 1970", "date_parsing")
            return None

    def text(self, value: str | None, loc: Loc, limit: int, what: str) -> str | None:
        """Text cut to ``limit`` characters, with a warning when cut."""
        if value is not None and len(value) > limit:
            self.warn(loc, f"the {what} is longer than {limit} characters; it is cut short")
            return value[: limit - 1].rstrip() + "…"
        return value

    def name(self, value: str | None, loc: Loc) -> str | None:
        return self.text(value, loc, NAME_MAX, "name")

    def email(self, value: str | None, loc: Loc) -> str | None:
        if value is None:
            return None
        if len(value) > 320 or not _EMAIL.match(value):
            self.warn(loc, f"{value[:60]!r} is not an email address; it is left out")
            return None
        return value

    def tags(self, value: Any, loc: Loc) -> list[str] | None:
        """Tags from a list of strings or a ``|``-separated string."""
        if value is None:
            return None
        if isinstance(value, str):
            value = value.split("|")
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            self.problem(loc, "expected a list of strings", "list_type")
            return None
        out: list[str] = []
        for t in value:
            t = t.strip()
            if t and t not in out:
                out.append(self.text(t, loc, TAG_MAX, "tag"))
        if len(out) > TAGS_MAX:
            self.warn(loc, f"only the first {TAGS_MAX} tags are kept")
            out = out[:TAGS_MAX]
        return out

    def sector(self, value: str, loc: Loc) -> str:
        """The sector for an industry or type label; unknown → ``other`` with a warning."""
        sector = sector_for(value)
        if sector is None:
            self.warn(loc, f"unknown industry or type {value[:60]!r}: sector set to other")
            return "other"
        return sector

    def channel(self, value: str, loc: Loc) -> str:
        """The channel for an activity type; unknown → ``meeting`` with a warning."""
        channel = channel_for(value)
        if channel is None:
            self.warn(loc, f"unknown activity type {value[:60]!r}: channel set to meeting")
            return "meeting"
        return channel
