"""Engagement gaps (SPEC §5): the ranked act-next list of a partnership coordinator.

Each rule looks at the analytic graph from the partnership's side and reports, in plain words,
where engagement is weak and what to do about it. A gap is a dict::

    {"rule", "severity", "subject_ids", "message", "suggestion", "evidence"}

with ``severity`` one of ``high``, ``medium``, ``low``; ``message`` and ``suggestion`` name
stakeholders (never ids); ``evidence`` holds the numbers and names behind the finding.

Rules apply to stakeholders outside the core (the hub and its members are the partnership itself),
except ``single_point_of_failure``, which also warns about hub members whose departure would cut
people off. See :func:`gaps` for the thresholds and severities of every rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph import reach
from graph.build import MAX_PARTICIPANTS, groups
from graph.classify import CADENCE_DAYS, engagement_gap, is_high, level_index, quadrant
from graph.communities import ei_index
from graph.fragility import bus_factor, dependants
from graph.model import IN_PERSON_CHANNELS, TOP_LEVEL, AnalyticGraph
from graph.paths import warmest_paths

__all__ = ["RULES", "SEVERITIES", "RECENT_DAYS", "gaps", "gap_key", "rank_key"]

#: Every rule, in the order of SPEC §5.
RULES = (
    "engagement_gap",
    "key_player_unengaged",
    "unreached",
    "stale_contact",
    "no_face_to_face",
    "single_point_of_failure",
    "single_threaded_organisation",
    "leadership_not_engaged",
    "no_owner",
    "isolated_sector",
)
SEVERITIES = ("high", "medium", "low")
#: The window of :func:`gaps`' ``no_face_to_face`` rule ("engaged in the last 180 days").
RECENT_DAYS = 180
#: The deepest tier that counts as reached (``unreached`` is tier null or beyond).
REACHED_TIER = 3
#: How many names a message lists before "and N others".
_LIST_NAMES = 4
#: How many names evidence lists.
_EVIDENCE_NAMES = 50

_NEUTRAL = level_index("neutral")
_SUPPORTIVE = level_index("supportive")
_ROLE_WORDS = {
    "key_player": "a key player",
    "keep_satisfied": "a highly influential stakeholder",
    "keep_informed": "a highly interested stakeholder",
    "monitor": "a stakeholder to monitor",
}
_SECTOR_WORDS = {
    "local_government": "local government",
    "voluntary_community": "voluntary and community",
    "police_justice": "police and justice",
    "central_government": "central government",
    "public_service_users": "service users",
}
_NEXT_STEP = {
    "unaware": "Introduce the partnership to them: a short face-to-face briefing on what it does "
    "and why it matters to them.",
    "resistant": "Meet face to face to hear their concerns, and agree one thing the partnership "
    "can change to address them.",
    "neutral": "Show them what the partnership offers them: invite them to a meeting on an issue "
    "they care about.",
    "supportive": "Invite them to take a lead: chair a working group or champion a project.",
}


# --------------------------------------------------------------------------------------------
# public helpers


def gap_key(gap: Mapping) -> tuple:
    """Return the identity of a gap, used to tell which gaps appear or close between two analyses.

    ``(rule, subject_ids)``; for ``isolated_sector`` ``(rule, sector)``, since a sector's subject
    list changes whenever one of its stakeholders comes or goes.

    Examples
    --------
    >>> gap_key({"rule": "no_owner", "subject_ids": [7], "evidence": {}})
    ('no_owner', (7,))
    """
    if gap["rule"] == "isolated_sector":
        return (gap["rule"], gap["evidence"].get("sector"))
    return (gap["rule"], tuple(gap["subject_ids"]))


def rank_key(severity: str, influence: int | None, size: float, rule: str, ids: Iterable[int]):
    """Return the sort key of a gap: severity, then influence and size (largest first), then ids.

    Examples
    --------
    >>> rank_key("high", 5, 2, "engagement_gap", [3]) < rank_key("high", None, 9, "unreached", [1])
    True
    """
    return (SEVERITIES.index(severity), -(influence or 0), -size, rule, tuple(ids))


@dataclass
class _Gap:
    rule: str
    severity: str
    subject_ids: list[int]
    message: str
    suggestion: str
    evidence: dict
    influence: int | None = None
    size: float = 0.0

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject_ids": self.subject_ids,
            "message": self.message,
            "suggestion": self.suggestion,
            "evidence": self.evidence,
        }

    def key(self) -> tuple:
        return rank_key(self.severity, self.influence, self.size, self.rule, self.subject_ids)


# --------------------------------------------------------------------------------------------
# wording


def _join(names: list[str], limit: int = _LIST_NAMES) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C, D and 3 others'."""
    if len(names) > limit:
        rest = len(names) - limit
        names = names[:limit] + [f"{rest} other" + ("s" if rest > 1 else "")]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _sector_words(sector: str) -> str:
    return _SECTOR_WORDS.get(sector, sector.replace("_", " "))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Context:
    """Everything the rules share, computed once per analysis."""

    def __init__(self, ag: AnalyticGraph, metrics: Mapping | None) -> None:
        self.ag = ag
        self.metrics = _flatten(metrics or {})
        self.core = ag.core
        self.outside = [v for v, n in ag.nodes.items() if v not in self.core and n.kind != "hub"]
        self.quadrant = {v: quadrant(ag.nodes[v]) for v in self.outside}

    def metric(self, key: str):
        if key not in self.metrics:
            self.metrics[key] = _COMPUTE[key](self.ag)
        return self.metrics[key]

    def name(self, v: int) -> str:
        return self.ag.nodes[v].name

    def label(self, v: int) -> str:
        """'Name (Organisation)' for a member, 'Name' otherwise."""
        node = self.ag.nodes[v]
        org = self.ag.nodes.get(node.organisation_id) if node.organisation_id is not None else None
        return f"{node.name} ({org.name})" if org is not None and org.id != v else node.name

    def influence(self, v: int) -> int | None:
        return self.ag.nodes[v].influence

    def strongest_core_neighbour(self, v: int) -> int | None:
        """The hub member with the strongest tie to ``v`` (a person, never the hub itself)."""
        G = self.ag.G
        hub = self.ag.hub_id
        best = [(G.edges[v, u]["strength"], -u) for u in G[v] if u in self.core and u != hub]
        return -max(best)[1] if best else None


#: Where :func:`graph.analysis.full_analysis` keeps the metrics the rules use.
_FULL_ANALYSIS_PATHS = {
    "tiers": ("reach", "tiers"),
    "organisation_tiers": ("reach", "organisation_tiers"),
    "dependants": ("fragility", "dependants"),
    "bus_factor": ("fragility", "bus_factor"),
    "ei_sector": ("communities", "ei_index", "sector"),
}

_COMPUTE = {
    "tiers": reach.tiers,
    "organisation_tiers": reach.organisation_tiers,
    "dependants": dependants,
    "bus_factor": bus_factor,
    "ei_sector": lambda ag: ei_index(ag, by="sector"),
    "warmest_paths": warmest_paths,
    "organisation_groups": lambda ag: groups(ag, by="organisation"),
    "sector_groups": lambda ag: groups(ag, by="sector"),
}


def _flatten(metrics: Mapping) -> dict:
    """Flat metrics: given as such, or found where a full analysis result keeps them."""
    flat = dict(metrics)
    for key, path in _FULL_ANALYSIS_PATHS.items():
        if key in flat:
            continue
        node = metrics
        for step in path:
            node = node.get(step) if isinstance(node, Mapping) else None
        if node is not None:
            flat[key] = node
    return flat


# --------------------------------------------------------------------------------------------
# rules on each stakeholder's own record


def _engagement_gap(cx: _Context) -> list[_Gap]:
    found = []
    for v in cx.outside:
        node = cx.ag.nodes[v]
        steps = engagement_gap(node)
        if steps is None or steps < 1:
            continue
        power = is_high(node.influence)
        severity = "high" if steps >= 2 and power else "medium" if steps >= 2 or power else "low"
        found.append(
            _Gap(
                "engagement_gap",
                severity,
                [v],
                f"{cx.label(v)} is {node.engagement} but should be {node.desired_engagement} "
                f"({_plural(steps, 'step')} short).",
                _NEXT_STEP[node.engagement],
                {
                    "current": node.engagement,
                    "desired": node.desired_engagement,
                    "gap": steps,
                    "influence": node.influence,
                    "interest": node.interest,
                },
                node.influence,
                steps,
            )
        )
    return found


def _key_player_unengaged(cx: _Context) -> list[_Gap]:
    found = []
    for v in cx.outside:
        node = cx.ag.nodes[v]
        if cx.quadrant[v] != "key_player":
            continue
        current = level_index(node.engagement)
        if current is not None and current > _NEUTRAL:
            continue
        level = node.engagement or "unaware"
        if node.engagement is None:
            message = f"{cx.label(v)} is a key player but their engagement has not been assessed."
            suggestion = "Assess their engagement, then " + _NEXT_STEP["unaware"][0].lower()
            suggestion += _NEXT_STEP["unaware"][1:]
        else:
            message = f"{cx.label(v)} is a key player but only {node.engagement}."
            suggestion = _NEXT_STEP[level]
        found.append(
            _Gap(
                "key_player_unengaged",
                "medium" if current == _NEUTRAL else "high",
                [v],
                message,
                suggestion,
                {
                    "engagement": node.engagement,
                    "desired": node.desired_engagement,
                    "influence": node.influence,
                    "interest": node.interest,
                },
                node.influence,
                _SUPPORTIVE - (current or 0),
            )
        )
    return found


def _no_owner(cx: _Context) -> list[_Gap]:
    found = []
    for v in cx.outside:
        q = cx.quadrant[v]
        node = cx.ag.nodes[v]
        if q not in ("key_player", "keep_satisfied") or node.owner_id in cx.core:
            continue
        ally = cx.strongest_core_neighbour(v)
        suggestion = "Assign a partnership team member to own the relationship"
        suggestion += f"; {cx.name(ally)} knows them best." if ally is not None else "."
        found.append(
            _Gap(
                "no_owner",
                "medium" if q == "key_player" else "low",
                [v],
                f"{cx.label(v)} is {_ROLE_WORDS[q]} but nobody in the partnership owns the "
                "relationship.",
                suggestion,
                {
                    "quadrant": q,
                    "influence": node.influence,
                    "interest": node.interest,
                    "closest_team_member": cx.name(ally) if ally is not None else None,
                },
                node.influence,
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# rules on contact with the core


@dataclass
class _Contact:
    last: date | None = None
    last_in_person: date | None = None
    recent: int = 0
    recent_channels: set[str] = field(default_factory=set)


def _contacts(cx: _Context) -> tuple[dict[int, _Contact], set[int]]:
    """Per stakeholder outside the core, its contact with core participants; and who took part.

    An organisation (or group) is in contact whenever one of its members is. Engagements with more
    than 50 participants (mass mailings, conferences) are not contact, as in SPEC §3.
    """
    ag, core = cx.ag, cx.core
    since = ag.as_of - timedelta(days=RECENT_DAYS)
    contact: dict[int, _Contact] = defaultdict(_Contact)
    direct: set[int] = set()
    for e in ag.engagements:
        people = {p for p in e.participant_ids if p in ag.nodes}
        if len(people) < 2 or len(people) > MAX_PARTICIPANTS or not people & core:
            continue
        reached = set()
        for p in people - core:
            direct.add(p)
            reached.add(p)
            seen = {p}
            parent = ag.nodes[p].organisation_id
            while parent is not None and parent in ag.nodes and parent not in seen | core:
                reached.add(parent)
                seen.add(parent)
                parent = ag.nodes[parent].organisation_id
        for v in reached:
            c = contact[v]
            if c.last is None or e.occurred_on > c.last:
                c.last = e.occurred_on
            if e.channel in IN_PERSON_CHANNELS and (
                c.last_in_person is None or e.occurred_on > c.last_in_person
            ):
                c.last_in_person = e.occurred_on
            if e.occurred_on >= since:
                c.recent += 1
                c.recent_channels.add(e.channel)
    return contact, direct


def _contact_rules(cx: _Context) -> list[_Gap]:
    contact, direct = _contacts(cx)
    as_of = cx.ag.as_of
    found = []
    for v in cx.outside:
        q = cx.quadrant[v]
        if q == "monitor" and v not in direct:
            continue
        c = contact.get(v, _Contact())
        node = cx.ag.nodes[v]
        severity = {"key_player": "high", "monitor": "low"}.get(q, "medium")
        cadence = CADENCE_DAYS[q]
        age = (as_of - c.last).days if c.last is not None else None
        if age is None or age > cadence:
            ally = cx.strongest_core_neighbour(v)
            if age is None:
                message = (
                    f"{cx.label(v)} is {_ROLE_WORDS[q]} but has never been engaged by the "
                    "partnership."
                )
            else:
                message = (
                    f"{cx.label(v)} was last engaged {age} days ago; {_ROLE_WORDS[q]} should hear "
                    f"from the partnership every {cadence} days."
                )
            found.append(
                _Gap(
                    "stale_contact",
                    severity,
                    [v],
                    message,
                    "Schedule contact within two weeks"
                    + (
                        f"; {cx.name(ally)} is best placed to get in touch."
                        if ally is not None
                        else "; ask a partnership team member to get in touch."
                    ),
                    {
                        "quadrant": q,
                        "cadence_days": cadence,
                        "last_contact": c.last.isoformat() if c.last else None,
                        "days_since_contact": age,
                        "influence": node.influence,
                    },
                    node.influence,
                    (age - cadence) if age is not None else 10 * cadence,
                )
            )
        if c.recent and c.last_in_person is None:
            channels = sorted(c.recent_channels)
            found.append(
                _Gap(
                    "no_face_to_face",
                    severity,
                    [v],
                    f"{cx.label(v)} has been engaged {_plural(c.recent, 'time')} in the last "
                    f"{RECENT_DAYS} days ({_join([ch.replace('_', ' ') for ch in channels])}) "
                    "but never in person.",
                    "Arrange a face-to-face meeting; ties kept alive only by email and calls fade.",
                    {
                        "engagements_last_180_days": c.recent,
                        "channels": channels,
                        "last_contact": c.last.isoformat() if c.last else None,
                        "influence": node.influence,
                    },
                    node.influence,
                    c.recent,
                )
            )
    return found


# --------------------------------------------------------------------------------------------
# rules on reach and fragility


def _importance(influence: int | None, interest: int | None) -> str:
    return "high" if is_high(influence) else "medium" if is_high(interest) else "low"


def _tier(cx: _Context, v: int) -> int | None:
    org_tiers = cx.metric("organisation_tiers")
    return org_tiers[v] if v in org_tiers else cx.metric("tiers").get(v)


def _unreached(cx: _Context) -> list[_Gap]:
    found = []
    for v in cx.outside:
        tier = _tier(cx, v)
        if tier is not None and tier <= REACHED_TIER:
            continue
        node = cx.ag.nodes[v]
        path = cx.metric("warmest_paths").get(v) if tier is not None else None
        if path is None:
            message = f"{cx.label(v)} has no known route to the partnership."
            org = node.organisation_id
            via = f"a colleague at {cx.name(org)} or " if org in cx.ag.nodes else ""
            suggestion = f"Find out who knows them — {via}a partner in their sector — and map it."
            names = None
        else:
            names = [cx.name(u) for u in path]
            message = (
                f"{cx.label(v)} is {tier} steps from the partnership, beyond its reach of "
                f"{REACHED_TIER}."
            )
            suggestion = (
                f"Ask {names[-2]} for an introduction (warmest route: {' → '.join(names)})."
            )
        found.append(
            _Gap(
                "unreached",
                _importance(node.influence, node.interest),
                [v],
                message,
                suggestion,
                {
                    "tier": tier,
                    "influence": node.influence,
                    "interest": node.interest,
                    "warmest_route": names,
                },
                node.influence,
                99 if tier is None else tier,
            )
        )
    return found


def _single_point_of_failure(cx: _Context) -> list[_Gap]:
    found = []
    for v, cut_off in cx.metric("dependants").items():
        if not cut_off or v == cx.ag.hub_id or v not in cx.ag.nodes:
            continue
        ordered = sorted(cut_off, key=lambda u: (-(cx.influence(u) or 0), cx.name(u), u))
        names = [cx.label(u) for u in ordered]
        n = len(ordered)
        influences = [i for i in (cx.influence(u) for u in [v, *ordered]) if i is not None]
        found.append(
            _Gap(
                "single_point_of_failure",
                "high" if n >= 5 else "medium" if n >= 2 else "low",
                [v],
                f"{cx.label(v)} is the only route to {_plural(n, 'stakeholder')}: "
                f"{_join(names)}. If they leave, the partnership loses touch.",
                f"Build a second route: meet {cx.label(ordered[0])} directly, or ask "
                f"{cx.name(v)} to introduce a partnership team member.",
                {
                    "dependants": n,
                    "dependant_ids": ordered,
                    "dependant_names": names[:_EVIDENCE_NAMES],
                },
                max(influences, default=None),
                n,
            )
        )
    return found


def _members(cx: _Context) -> dict[int, list[int]]:
    """Organisation id -> the stakeholders under it (through groups too), ordered by id."""
    out: dict[int, list[int]] = defaultdict(list)
    for v, label in cx.metric("organisation_groups").items():
        if label.startswith("org:") and label != f"org:{v}":
            out[int(label[4:])].append(v)
    return out


def _organisations(cx: _Context) -> list[int]:
    return [v for v in cx.outside if cx.ag.nodes[v].kind == "organisation"]


def _single_threaded(cx: _Context) -> list[_Gap]:
    found = []
    bus = cx.metric("bus_factor")
    members = _members(cx)
    G = cx.ag.G
    for org in _organisations(cx):
        if bus.get(org) != 1:
            continue
        staff = members.get(org, [])
        threads = [m for m in staff if any(u in cx.core for u in G[m])]
        person = threads[0] if len(threads) == 1 else None
        who = cx.name(person) if person is not None else "one person"
        others = len(staff) - 1
        influence = cx.influence(org)
        found.append(
            _Gap(
                "single_threaded_organisation",
                "high" if is_high(influence) else "medium" if others > 0 else "low",
                [org] + ([person] if person is not None else []),
                f"{cx.name(org)} is connected to the partnership only through {who}.",
                f"Ask {who} to introduce a colleague, ideally a senior one, and meet them "
                "directly.",
                {
                    "bus_factor": 1,
                    "contact": cx.name(person) if person is not None else None,
                    "members_on_map": len(staff),
                    "influence": influence,
                },
                influence,
                others,
            )
        )
    return found


def _leadership_not_engaged(cx: _Context) -> list[_Gap]:
    found = []
    tiers = cx.metric("tiers")
    members = _members(cx)
    for org in _organisations(cx):
        people = [m for m in members.get(org, []) if cx.ag.nodes[m].kind == "person"]
        first = [m for m in people if tiers.get(m) == 1]
        if not first:
            continue
        leaders = [m for m in people if cx.ag.nodes[m].seniority in TOP_LEVEL]
        if any(tiers.get(m) == 1 for m in leaders):
            continue
        staff = [cx.name(m) for m in first]
        if leaders:
            suggestion = (
                f"Ask {staff[0]} to introduce you to {_join([cx.name(m) for m in leaders])}, "
                "and invite them to a board meeting."
            )
        else:
            suggestion = (
                f"Find out who leads {cx.name(org)} (chief executive, directors) and ask "
                f"{staff[0]} for an introduction."
            )
        influence = cx.influence(org)
        found.append(
            _Gap(
                "leadership_not_engaged",
                "high" if is_high(influence) else "medium",
                [org],
                f"{cx.name(org)}: the partnership works directly with {_join(staff)} but with "
                "none of its leaders.",
                suggestion,
                {
                    "tier_1_members": staff[:_EVIDENCE_NAMES],
                    "leaders": [{"name": cx.name(m), "tier": tiers.get(m)} for m in leaders],
                    "influence": influence,
                },
                influence,
                len(first),
            )
        )
    return found


def _isolated_sector(cx: _Context) -> list[_Gap]:
    labels = cx.metric("sector_groups")
    ei = (cx.metric("ei_sector") or {}).get("groups", {})
    members: dict[str, list[int]] = defaultdict(list)
    for v in cx.outside:
        if labels[v] not in ("hub", "none"):
            members[labels[v]].append(v)
    to_sector: dict[str, int] = defaultdict(int)
    boundary = 0
    for u, v in cx.ag.G.edges():
        if (u in cx.core) == (v in cx.core):
            continue
        boundary += 1
        to_sector[labels[v if u in cx.core else u]] += 1
    found = []
    total = len(cx.outside)
    for sector, ids in sorted(members.items()):
        share = len(ids) / total
        tie_share = to_sector[sector] / boundary if boundary else 0.0
        index = ei.get(sector)
        inward = index is not None and index < -0.5
        neglected = tie_share < share / 2
        if not inward and not neglected:
            continue
        words = _sector_words(sector)
        reasons = []
        if neglected:
            reasons.append(
                f"it holds {share:.0%} of stakeholders but only {tie_share:.0%} of the "
                "partnership's direct ties"
            )
        if inward:
            reasons.append(f"its ties stay mostly within the sector (E-I index {index:.2f})")
        top = sorted(ids, key=lambda u: (-(cx.influence(u) or 0), cx.name(u), u))[:3]
        orgs = [v for v in ids if cx.ag.nodes[v].kind == "organisation"]
        found.append(
            _Gap(
                "isolated_sector",
                "high" if inward and neglected else "medium",
                orgs or ids,
                f"The {words} sector is isolated: " + " and ".join(reasons) + ".",
                f"Meet {_join([cx.label(u) for u in top])}, and bring the {words} sector into a "
                "joint working group with other sectors.",
                {
                    "sector": sector,
                    "stakeholders": len(ids),
                    "share_of_stakeholders": share,
                    "core_ties": to_sector[sector],
                    "share_of_core_ties": tie_share,
                    "ei_index": index,
                },
                max((i for i in map(cx.influence, ids) if i is not None), default=None),
                share - tie_share,
            )
        )
    return found


_RULES = (
    _engagement_gap,
    _key_player_unengaged,
    _unreached,
    _contact_rules,
    _single_point_of_failure,
    _single_threaded,
    _leadership_not_engaged,
    _no_owner,
    _isolated_sector,
)


def gaps(ag: AnalyticGraph, *, metrics: Mapping | None = None) -> list[dict]:
    """Return every engagement gap of the partnership, most urgent first.

    Parameters
    ----------
    ag
        The analytic graph.
    metrics
        Optional precomputed results, so a full analysis computes each only once: ``tiers`` and
        ``organisation_tiers`` (:mod:`graph.reach`), ``dependants`` and ``bus_factor``
        (:mod:`graph.fragility`), ``ei_sector`` (:func:`graph.communities.ei_index` by sector),
        ``warmest_paths`` (:func:`graph.paths.warmest_paths`), ``organisation_groups`` and
        ``sector_groups`` (:func:`graph.build.groups`); or the result of
        :func:`graph.analysis.full_analysis`, whose sections hold the first five. Missing ones are
        computed.

    Returns
    -------
    list of dict
        ``{"rule", "severity", "subject_ids", "message", "suggestion", "evidence"}``, ranked by
        severity (high first), then influence (highest first; unrated last), then gap size
        (largest first), then rule and subject ids.

    Notes
    -----
    Stakeholders are those outside the core; "contact" is an engagement on or before ``as_of``
    with at least one core participant and at most 50 participants; an organisation (or group) is
    in contact when any of its members is. A missing influence or interest is low.

    =============================== ========================================================
    rule                            fires when · severity
    =============================== ========================================================
    engagement_gap                  desired − current ≥ 1 · high when ≥ 2 and influence ≥ 4;
                                    medium when ≥ 2 or influence ≥ 4; low otherwise
    key_player_unengaged            key player whose engagement is ≤ neutral *or unrecorded*
                                    (counted as unaware) · medium when neutral, else high
    unreached                       tier (an organisation's: min over its members) null or
                                    > 3 · high if influence ≥ 4, medium if interest ≥ 4,
                                    else low
    stale_contact                   last contact older than the quadrant's cadence, or never;
                                    only for stakeholders not in ``monitor`` or who have
                                    themselves been engaged by the core · high for key
                                    players, low for monitor, medium otherwise
    no_face_to_face                 contact in the last 180 days but no in-person contact
                                    (face to face, meeting, event) ever; same stakeholders
                                    and severities as stale_contact
    single_point_of_failure         dependants(v) ≥ 1, v not the hub · high ≥ 5 dependants,
                                    medium 2–4, low 1
    single_threaded_organisation    organisation with bus factor 1 · high if influence ≥ 4,
                                    medium if it has other members on the map, else low
    leadership_not_engaged          organisation with tier-1 members but no executive or senior
                                    member at tier 1 · high if influence ≥ 4, else medium
    no_owner                        key player (medium) or keep-satisfied (low) stakeholder
                                    whose owner is not a hub member
    isolated_sector                 E-I < −0.5, or share of core ties < half the share of
                                    stakeholders · high when both, else medium
    =============================== ========================================================

    Share of core ties: active ties with one end in the core and the other in the sector, over all
    active ties with exactly one end in the core (0 when there are none). Share of stakeholders:
    the sector's stakeholders over all stakeholders outside the core (sector ``none`` is not a
    sector). The influence that ranks a gap is its subject's; for ``single_point_of_failure`` the
    highest among the stakeholder and its dependants, for ``isolated_sector`` the highest in the
    sector. The size that ranks gaps of equal severity and influence is the engagement steps
    missing (below supportive for ``key_player_unengaged``), the tier for ``unreached`` (no path
    counts as furthest), the days overdue for ``stale_contact`` (never counts as most), the recent
    engagements for ``no_face_to_face``, the dependants, the organisation's other members, its
    tier-1 members, or the shortfall of core-tie share for ``isolated_sector``.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node, Tie
    >>> nodes = [Node(1, "hub", "Board"), Node(2, "person", "Sam", organisation_id=1),
    ...          Node(3, "organisation", "Trust"),
    ...          Node(4, "person", "Dr Khan", organisation_id=3, influence=5, interest=5,
    ...               engagement="neutral", desired_engagement="leading", owner_id=2)]
    >>> ag = build(nodes, [Tie(1, 2, 4, strength=4)], [], as_of=date(2024, 1, 1))
    >>> found = gaps(ag)
    >>> [(g["rule"], g["severity"]) for g in found][:3]
    [('stale_contact', 'high'), ('engagement_gap', 'high'), ('key_player_unengaged', 'medium')]
    >>> found[1]["message"]
    'Dr Khan (Trust) is neutral but should be leading (2 steps short).'
    """
    cx = _Context(ag, metrics)
    found = [g for rule in _RULES for g in rule(cx)]
    found.sort(key=_Gap.key)
    return [g.as_dict() for g in found]
