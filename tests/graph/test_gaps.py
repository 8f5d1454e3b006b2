"""Engagement gaps (SPEC §5): each rule fires on a small partnership and not on its near twin."""

import dataclasses
import json

import pytest
from gapfixtures import Partnership

from graph.gaps import RULES, gap_key, gaps, rank_key


def of(p: Partnership, rule: str) -> list[dict]:
    return [g for g in gaps(p.build()) if g["rule"] == rule]


def trust_with_khan(**khan) -> Partnership:
    """Board + Sam; Dr Ayesha Khan of Riverside NHS Trust, tied to Sam and the board."""
    p = Partnership()
    p.sam = p.member("Sam Patel")
    p.trust = p.org("Riverside NHS Trust", sector="health")
    p.khan = p.person("Dr Ayesha Khan", p.trust, sector="health", **khan)
    p.tie(p.sam, p.khan, 4)
    p.tie(p.hub, p.khan, 4)
    return p


# ---------------------------------------------------------------------------------- engagement_gap


def test_engagement_gap_fires_and_reads_plainly():
    p = trust_with_khan(
        influence=5, interest=5, engagement="neutral", desired_engagement="leading", owner_id=2
    )
    [gap] = of(p, "engagement_gap")
    assert gap["severity"] == "high"
    assert gap["subject_ids"] == [p.khan]
    assert gap["message"] == (
        "Dr Ayesha Khan (Riverside NHS Trust) is neutral but should be leading (2 steps short)."
    )
    assert gap["suggestion"].startswith("Show them what the partnership offers them")
    assert gap["evidence"] == {
        "current": "neutral",
        "desired": "leading",
        "gap": 2,
        "influence": 5,
        "interest": 5,
    }


def test_engagement_gap_does_not_fire_when_desired_is_reached():
    p = trust_with_khan(influence=5, engagement="leading", desired_engagement="leading")
    assert of(p, "engagement_gap") == []
    p = trust_with_khan(influence=5, engagement="leading", desired_engagement="supportive")
    assert of(p, "engagement_gap") == []


@pytest.mark.parametrize(
    ("influence", "current", "desired", "severity"),
    [
        (4, "neutral", "leading", "high"),
        (3, "unaware", "leading", "medium"),
        (5, "supportive", "leading", "medium"),
        (None, "supportive", "leading", "low"),
        (2, "neutral", "supportive", "low"),
    ],
)
def test_engagement_gap_severity(influence, current, desired, severity):
    p = trust_with_khan(influence=influence, engagement=current, desired_engagement=desired)
    assert [g["severity"] for g in of(p, "engagement_gap")] == [severity]


# ---------------------------------------------------------------------------- key_player_unengaged


def test_key_player_only_neutral():
    p = trust_with_khan(influence=5, interest=4, engagement="neutral")
    [gap] = of(p, "key_player_unengaged")
    assert (
        gap["message"] == "Dr Ayesha Khan (Riverside NHS Trust) is a key player but only neutral."
    )
    assert gap["severity"] == "medium"


def test_key_player_resistant_or_unassessed_is_high():
    p = trust_with_khan(influence=5, interest=4, engagement="resistant")
    assert [g["severity"] for g in of(p, "key_player_unengaged")] == ["high"]
    # Missing engagement counts as unaware: nobody can evidence that they are engaged.
    p = trust_with_khan(influence=5, interest=4)
    [gap] = of(p, "key_player_unengaged")
    assert gap["severity"] == "high"
    assert "has not been assessed" in gap["message"]


def test_key_player_supportive_or_not_a_key_player_is_fine():
    assert (
        of(
            trust_with_khan(influence=5, interest=4, engagement="supportive"),
            "key_player_unengaged",
        )
        == []
    )
    assert (
        of(trust_with_khan(influence=5, interest=3, engagement="neutral"), "key_player_unengaged")
        == []
    )


# --------------------------------------------------------------------------------------- unreached


def chain(extra_tie: bool = False) -> Partnership:
    """Sam – Ann – Bob – Cy – Dee: Dee is 4 steps out, unless Sam also knows Bob."""
    p = Partnership()
    p.sam = p.member("Sam Patel")
    p.ann, p.bob, p.cy, p.dee = (p.person(n) for n in ("Ann", "Bob", "Cy", "Dee"))
    p.tie(p.sam, p.ann)
    p.tie(p.ann, p.bob)
    p.tie(p.bob, p.cy)
    p.tie(p.cy, p.dee)
    if extra_tie:
        p.tie(p.sam, p.bob)
    return p


def test_unreached_beyond_tier_three():
    p = chain()
    [gap] = of(p, "unreached")
    assert gap["subject_ids"] == [p.dee]
    assert gap["severity"] == "low"
    assert gap["message"] == "Dee is 4 steps from the partnership, beyond its reach of 3."
    assert gap["suggestion"] == (
        "Ask Cy for an introduction (warmest route: Sam Patel → Ann → Bob → Cy → Dee)."
    )
    assert gap["evidence"]["tier"] == 4


def test_within_tier_three_is_reached():
    assert of(chain(extra_tie=True), "unreached") == []


def test_unreached_with_no_route_and_high_influence_is_high():
    p = chain(extra_tie=True)
    council = p.org("Northshire Council", influence=5)
    p.person("Cllr Rose Hill", council, influence=5)
    found = {g["subject_ids"][0]: g for g in of(p, "unreached")}
    assert set(found) == {council, council + 1}
    assert found[council + 1]["severity"] == "high"
    assert found[council + 1]["message"] == (
        "Cllr Rose Hill (Northshire Council) has no known route to the partnership."
    )
    assert "a colleague at Northshire Council" in found[council + 1]["suggestion"]
    assert found[council + 1]["evidence"]["tier"] is None


def test_an_organisation_is_reached_through_its_members():
    p = trust_with_khan()
    assert of(p, "unreached") == []


# ----------------------------------------------------------------------------------- stale_contact


def test_stale_contact_for_a_key_player_beyond_thirty_days():
    p = trust_with_khan(influence=5, interest=5, owner_id=2)
    p.engage(45, "meeting", p.sam, p.khan)
    [gap] = of(p, "stale_contact")
    assert gap["severity"] == "high"
    assert gap["evidence"] == {
        "quadrant": "key_player",
        "cadence_days": 30,
        "last_contact": "2024-05-16",
        "days_since_contact": 45,
        "influence": 5,
    }
    assert gap["message"] == (
        "Dr Ayesha Khan (Riverside NHS Trust) was last engaged 45 days ago; a key player should "
        "hear from the partnership every 30 days."
    )


def test_recent_contact_is_not_stale():
    p = trust_with_khan(influence=5, interest=5)
    p.engage(45, "meeting", p.sam, p.khan)
    p.engage(20, "call", p.sam, p.khan)
    assert of(p, "stale_contact") == []


def test_contact_without_a_core_participant_does_not_count():
    p = trust_with_khan(influence=5, interest=5)
    other = p.person("Ben Ode")
    p.engage(5, "meeting", p.khan, other)
    [gap] = of(p, "stale_contact")
    assert gap["evidence"]["last_contact"] is None
    assert "has never been engaged" in gap["message"]


def test_unrated_stakeholders_are_checked_only_once_engaged():
    p = trust_with_khan()
    assert of(p, "stale_contact") == []
    p.engage(200, "meeting", p.sam, p.khan)
    [gap] = of(p, "stale_contact")
    assert gap["severity"] == "low"
    assert gap["evidence"]["cadence_days"] == 180
    p.engage(100, "meeting", p.hub, p.khan)
    assert of(p, "stale_contact") == []


def test_an_organisation_is_in_contact_through_its_members():
    p = trust_with_khan()
    p.nodes[p.trust] = dataclasses.replace(p.nodes[p.trust], influence=5)
    assert [g["subject_ids"] for g in of(p, "stale_contact")] == [[p.trust]]
    p.engage(10, "meeting", p.sam, p.khan)
    assert of(p, "stale_contact") == []


# --------------------------------------------------------------------------------- no_face_to_face


def test_no_face_to_face_when_only_email_and_calls():
    p = trust_with_khan(influence=4, interest=4)
    p.engage(10, "email", p.sam, p.khan)
    p.engage(40, "call", p.sam, p.khan)
    [gap] = of(p, "no_face_to_face")
    assert gap["severity"] == "high"
    assert gap["message"] == (
        "Dr Ayesha Khan (Riverside NHS Trust) has been engaged 2 times in the last 180 days "
        "(call and email) but never in person."
    )
    assert gap["suggestion"].startswith("Arrange a face-to-face meeting")
    assert gap["evidence"]["channels"] == ["call", "email"]


def test_one_meeting_in_person_is_enough():
    p = trust_with_khan(influence=4, interest=4)
    p.engage(10, "email", p.sam, p.khan)
    p.engage(300, "face_to_face", p.sam, p.khan)
    assert of(p, "no_face_to_face") == []


def test_no_face_to_face_needs_recent_engagement():
    p = trust_with_khan(influence=4, interest=4)
    p.engage(200, "email", p.sam, p.khan)
    assert of(p, "no_face_to_face") == []


# ------------------------------------------------------------------------- single_point_of_failure


def broker(n_behind: int = 1, second_route: bool = False) -> Partnership:
    """Ann (tied to the board and Sam) is the only route to the people behind her."""
    p = Partnership()
    p.sam = p.member("Sam Patel")
    p.ann = p.person("Ann Lee")
    p.tie(p.hub, p.ann)
    p.tie(p.sam, p.ann)
    p.behind = [p.person(f"Person {i}") for i in range(n_behind)]
    for v in p.behind:
        p.tie(p.ann, v)
    if second_route:
        p.tie(p.sam, p.behind[0])
    return p


def test_single_point_of_failure_names_the_dependants():
    p = broker()
    [gap] = of(p, "single_point_of_failure")
    assert gap["subject_ids"] == [p.ann]
    assert gap["severity"] == "low"
    assert gap["message"] == (
        "Ann Lee is the only route to 1 stakeholder: Person 0. If they leave, the partnership "
        "loses touch."
    )
    assert gap["evidence"] == {
        "dependants": 1,
        "dependant_ids": [p.behind[0]],
        "dependant_names": ["Person 0"],
    }


def test_a_second_route_removes_the_single_point_of_failure():
    assert of(broker(second_route=True), "single_point_of_failure") == []


@pytest.mark.parametrize(("n", "severity"), [(1, "low"), (2, "medium"), (4, "medium"), (5, "high")])
def test_single_point_of_failure_severity_by_count(n, severity):
    assert [g["severity"] for g in of(broker(n), "single_point_of_failure")] == [severity]


def test_a_hub_member_can_be_a_single_point_of_failure_but_not_the_hub():
    p = Partnership()
    sam = p.member("Sam Patel")
    ann, bob = p.person("Ann"), p.person("Bob")
    p.tie(sam, ann)
    p.tie(p.hub, bob)
    assert [g["subject_ids"] for g in of(p, "single_point_of_failure")] == [[sam]]


# -------------------------------------------------------------------- single_threaded_organisation


def trust_team(second_thread: bool = False) -> Partnership:
    p = Partnership()
    p.sam = p.member("Sam Patel")
    p.trust = p.org("Riverside NHS Trust", sector="health")
    p.ann = p.person("Ann Lee", p.trust, seniority="manager")
    p.bob = p.person("Bob Gray", p.trust, seniority="frontline")
    p.tie(p.sam, p.ann)
    p.tie(p.ann, p.bob)
    if second_thread:
        p.tie(p.hub, p.bob)
    return p


def test_single_threaded_organisation_names_the_person():
    p = trust_team()
    [gap] = of(p, "single_threaded_organisation")
    assert gap["subject_ids"] == [p.trust, p.ann]
    assert gap["severity"] == "medium"
    assert gap["message"] == (
        "Riverside NHS Trust is connected to the partnership only through Ann Lee."
    )
    assert gap["evidence"]["contact"] == "Ann Lee"


def test_two_threads_are_not_single_threaded():
    assert of(trust_team(second_thread=True), "single_threaded_organisation") == []


# -------------------------------------------------------------------------- leadership_not_engaged


def test_leadership_not_engaged_suggests_an_introduction_to_the_leader():
    p = trust_team()
    ceo = p.person("Carol Reid", p.trust, seniority="executive")
    p.tie(p.ann, ceo)
    [gap] = of(p, "leadership_not_engaged")
    assert gap["subject_ids"] == [p.trust]
    assert gap["message"] == (
        "Riverside NHS Trust: the partnership works directly with Ann Lee but with none of its "
        "leaders."
    )
    assert gap["suggestion"] == (
        "Ask Ann Lee to introduce you to Carol Reid, and invite them to a board meeting."
    )
    assert gap["evidence"]["leaders"] == [{"name": "Carol Reid", "tier": 2}]


def test_a_senior_member_at_tier_one_engages_the_leadership():
    p = trust_team()
    director = p.person("Dan Fox", p.trust, seniority="senior")
    p.tie(p.sam, director)
    assert of(p, "leadership_not_engaged") == []


def test_leadership_rule_needs_tier_one_members():
    p = Partnership()
    p.member("Sam Patel")
    trust = p.org("Riverside NHS Trust")
    p.person("Ann Lee", trust, seniority="manager")
    assert of(p, "leadership_not_engaged") == []


# -------------------------------------------------------------------------------------- no_owner


def test_key_player_without_owner():
    p = trust_with_khan(influence=5, interest=5)
    [gap] = of(p, "no_owner")
    assert gap["severity"] == "medium"
    assert gap["message"] == (
        "Dr Ayesha Khan (Riverside NHS Trust) is a key player but nobody in the partnership owns "
        "the relationship."
    )
    assert gap["suggestion"] == (
        "Assign a partnership team member to own the relationship; Sam Patel knows them best."
    )


def test_keep_satisfied_without_owner_is_low_and_an_owner_closes_it():
    assert [g["severity"] for g in of(trust_with_khan(influence=4), "no_owner")] == ["low"]
    assert of(trust_with_khan(influence=5, interest=5, owner_id=2), "no_owner") == []
    assert of(trust_with_khan(interest=5), "no_owner") == []


def test_an_owner_outside_the_team_is_no_owner():
    p = trust_with_khan(influence=5, interest=5, owner_id=3)
    assert len(of(p, "no_owner")) == 1


# ------------------------------------------------------------------------------- isolated_sector


def two_sectors(sam_knows_health: bool) -> Partnership:
    """Council: 3 stakeholders tied to Sam. Health: 3 stakeholders tied among themselves.

    Shares of stakeholders: 1/2 each. Ties with one end in the core: 3 to council (+1 to health).
    """
    p = Partnership()
    p.sam = p.member("Sam Patel")
    council = [p.person(f"Council {i}", sector="local_government") for i in range(3)]
    p.health = [p.person(f"Health {i}", sector="health", influence=i + 1) for i in range(3)]
    for v in council:
        p.tie(p.sam, v)
    p.tie(p.health[0], p.health[1])
    p.tie(p.health[1], p.health[2])
    p.tie(p.health[2], council[0])
    if sam_knows_health:
        p.tie(p.sam, p.health[0])
    return p


def test_sector_with_too_few_core_ties_is_isolated():
    # Health: 1/2 of stakeholders, 0/3 of core ties; E-I = (1 − 2)/3 > −0.5.
    p = two_sectors(sam_knows_health=False)
    [gap] = of(p, "isolated_sector")
    assert gap["severity"] == "medium"
    assert gap["subject_ids"] == p.health
    assert gap["message"] == (
        "The health sector is isolated: it holds 50% of stakeholders but only 0% of the "
        "partnership's direct ties."
    )
    assert gap["suggestion"] == (
        "Meet Health 2, Health 1 and Health 0, and bring the health sector into a joint working "
        "group with other sectors."
    )
    evidence = gap["evidence"]
    assert evidence["sector"] == "health"
    assert evidence["share_of_stakeholders"] == pytest.approx(0.5)
    assert evidence["share_of_core_ties"] == 0.0
    assert evidence["core_ties"] == 0


def test_a_quarter_of_core_ties_is_half_a_half_share_and_not_isolated():
    # Health: 1/2 of stakeholders, 1/4 of core ties (exactly half: not under half).
    assert of(two_sectors(sam_knows_health=True), "isolated_sector") == []


def inward_health(dense: bool) -> Partnership:
    """Five health stakeholders, two tied to Sam; either all tied to each other or in a path."""
    p = Partnership()
    sam = p.member("Sam Patel")
    health = [p.person(f"Health {i}", sector="health") for i in range(5)]
    council = [p.person(f"Council {i}", sector="local_government") for i in range(2)]
    for v in (health[0], health[1], council[0]):
        p.tie(sam, v)
    pairs = (
        [(a, b) for i, a in enumerate(health) for b in health[i + 1 :]]
        if dense
        else list(zip(health, health[1:], strict=False))
    )
    for a, b in pairs:
        p.tie(a, b)
    return p


def test_sector_talking_only_to_itself_is_isolated():
    # 10 ties inside health, 2 out (to Sam): E-I = (2 − 10)/12 = −2/3.
    [gap] = of(inward_health(dense=True), "isolated_sector")
    assert gap["evidence"]["ei_index"] == pytest.approx(-2 / 3)
    assert gap["severity"] == "medium"
    assert "its ties stay mostly within the sector (E-I index -0.67)" in gap["message"]


def test_sector_with_enough_outside_ties_is_not_isolated():
    # 4 ties inside health, 2 out: E-I = (2 − 4)/6 = −1/3.
    assert of(inward_health(dense=False), "isolated_sector") == []


def test_isolated_on_both_counts_is_high():
    p = two_sectors(sam_knows_health=False)
    p.tie(p.health[0], p.health[2])
    p.ties = [t for t in p.ties if {t.source_id, t.target_id} != {p.health[2], 3}]
    [gap] = of(p, "isolated_sector")
    assert gap["severity"] == "high"


# ------------------------------------------------------------------------------ ranking and shape


def test_gaps_are_ranked_by_severity_then_influence_then_size():
    p = Partnership()
    sam = p.member("Sam Patel")
    people = {
        "A": dict(influence=5, engagement="neutral", desired_engagement="leading"),  # high, 5, 2
        "B": dict(influence=5, engagement="unaware", desired_engagement="leading"),  # high, 5, 4
        "C": dict(influence=4, engagement="unaware", desired_engagement="leading"),  # high, 4, 4
        "D": dict(influence=2, engagement="unaware", desired_engagement="leading"),  # medium
        "E": dict(engagement="neutral", desired_engagement="supportive"),  # low
    }
    for name, fields in people.items():
        v = p.person(name, owner_id=sam, **fields)
        p.tie(sam, v)
        p.tie(p.hub, v)
    found = gaps(p.build())
    order = [g["message"].split()[0] for g in found if g["rule"] == "engagement_gap"]
    assert order == ["B", "A", "C", "D", "E"]
    severities = [g["severity"] for g in found]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)


def test_rank_key_puts_missing_influence_last():
    assert rank_key("low", 1, 0, "no_owner", [2]) < rank_key("low", None, 5, "no_owner", [1])


def test_every_gap_has_the_contract_shape_and_is_json():
    p = trust_team()
    p.person("Nobody Known", influence=5, interest=5)
    found = gaps(p.build())
    assert found
    for g in found:
        assert set(g) == {"rule", "severity", "subject_ids", "message", "suggestion", "evidence"}
        assert g["rule"] in RULES
        assert g["severity"] in ("high", "medium", "low")
    json.dumps(found, allow_nan=False)


def test_precomputed_metrics_give_the_same_gaps():
    from graph.communities import ei_index
    from graph.fragility import bus_factor, dependants
    from graph.reach import organisation_tiers, tiers

    p = trust_team()
    ag = p.build()
    metrics = {
        "tiers": tiers(ag),
        "organisation_tiers": organisation_tiers(ag),
        "dependants": dependants(ag),
        "bus_factor": bus_factor(ag),
        "ei_sector": ei_index(ag, by="sector"),
    }
    assert gaps(ag, metrics=metrics) == gaps(ag)


def test_gap_key_identifies_sectors_by_name():
    [gap] = of(two_sectors(sam_knows_health=False), "isolated_sector")
    assert gap_key(gap) == ("isolated_sector", "health")


# ----------------------------------------------------------------------------------- degenerate


def test_hub_only_partnership_has_no_gaps():
    assert gaps(Partnership().build()) == []


def test_no_ties_and_several_components_are_well_defined():
    p = Partnership()
    p.member("Sam Patel")
    a, b = p.person("Ann", sector="health"), p.person("Bob", sector="housing")
    c, d = p.person("Cy"), p.person("Di")
    found = gaps(p.build())
    assert sorted(g["subject_ids"][0] for g in found if g["rule"] == "unreached") == [a, b, c, d]
    assert sorted(g["evidence"]["sector"] for g in found if g["rule"] == "isolated_sector") == [
        "health",
        "housing",
    ]
    p.tie(a, b)
    p.tie(c, d)
    json.dumps(gaps(p.build()), allow_nan=False)


def test_a_full_analysis_result_serves_as_metrics():
    from graph.analysis import full_analysis

    p = trust_team()
    p.person("Nobody Known", influence=5, interest=5)
    ag = p.build()
    assert gaps(ag, metrics=full_analysis(ag)) == gaps(ag)
