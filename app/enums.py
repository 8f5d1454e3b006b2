"""The fixed vocabularies of SPEC §2."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    hub = "hub"
    organisation = "organisation"
    person = "person"
    group = "group"


class Sector(StrEnum):
    local_government = "local_government"
    health = "health"
    voluntary_community = "voluntary_community"
    private = "private"
    education = "education"
    police_justice = "police_justice"
    housing = "housing"
    central_government = "central_government"
    public_service_users = "public_service_users"
    other = "other"


class Seniority(StrEnum):
    executive = "executive"
    senior = "senior"
    manager = "manager"
    frontline = "frontline"
    volunteer = "volunteer"
    service_user = "service_user"
    unknown = "unknown"


class Level(StrEnum):
    """The PMBOK engagement scale, in order."""

    unaware = "unaware"
    resistant = "resistant"
    neutral = "neutral"
    supportive = "supportive"
    leading = "leading"


class TieKind(StrEnum):
    collaborates = "collaborates"
    reports_to = "reports_to"
    funds = "funds"
    commissions = "commissions"
    advises = "advises"
    informal = "informal"


#: Tie kinds that are directed unless the request says otherwise (SPEC §2).
DIRECTED_BY_DEFAULT = frozenset({TieKind.reports_to, TieKind.funds, TieKind.commissions})


class Channel(StrEnum):
    face_to_face = "face_to_face"
    meeting = "meeting"
    event = "event"
    video = "video"
    call = "call"
    email = "email"
    letter = "letter"
    social_media = "social_media"
    newsletter = "newsletter"


class Role(StrEnum):
    """A user's role in one partnership, weakest first."""

    viewer = "viewer"
    editor = "editor"
    owner = "owner"


ROLE_RANK = {Role.viewer: 1, Role.editor: 2, Role.owner: 3}


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL CHECK text restricting ``column`` to the values of ``enum``."""
    values = ", ".join(f"'{m.value}'" for m in enum)
    return f"{column} IN ({values})"
