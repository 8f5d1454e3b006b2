"""What-if analysis (SPEC §6): someone leaves, a tie is made."""

import json

import pytest
from gapfixtures import AS_OF, Partnership

from graph.errors import InvalidParameter, UnknownStakeholder
from graph.whatif import HEADLINE, what_if


def spanner() -> Partnership:
    """Ann Lee is the partnership's only link into Riverside NHS Trust (Bob, and Carol its chief
    executive, know only her); Dev at the council is tied to Sam directly."""
    p = Partnership()
    p.sam = p.member("Sam Patel")
    p.trust = p.org("Riverside NHS Trust", sector="health")
    p.ann = p.person("Ann Lee", p.trust, sector="health", seniority="manager")
    p.bob = p.person("Bob Gray", p.trust, sector="health")
    p.carol = p.person("Carol Reid", p.trust, sector="health", seniority="executive")
    p.council = p.org("Northshire Council", sector="local_government")
    p.dev = p.person("Dev Shah", p.council, sector="local_government")
    p.tie(p.sam, p.ann, 5)
    p.tie(p.ann, p.bob)
    p.tie(p.ann, p.carol)
    p.tie(p.sam, p.dev)
    p.tie(p.hub, p.dev)
    return p


def run(p: Partnership, **kwargs) -> dict:
    r = p.records()
    return what_if(r["nodes"], r["ties"], r["engagements"], as_of=AS_OF, **kwargs)


def keys(gaps: list[dict]) -> list[tuple]:
    return sorted((g["rule"], tuple(g["subject_ids"])) for g in gaps)


def test_removing_a_boundary_spanner_cuts_people_off_and_opens_gaps():
    p = spanner()
    report = run(p, remove=[p.ann])

    assert report["removed"] == [{"id": p.ann, "name": "Ann Lee"}]
    # An organisation's tier is its best member's: the trust was at tier 1 through Ann.
    assert report["newly_unreachable"] == [
        {"id": p.trust, "name": "Riverside NHS Trust", "tier": 1},
        {"id": p.bob, "name": "Bob Gray", "tier": 2},
        {"id": p.carol, "name": "Carol Reid", "tier": 2},
    ]
    # Before: the trust, Ann, the council and Dev at tier 1, Bob and Carol at tier 2.
    # After: the council and Dev alone, out of 5.
    before, after = report["reach"]["before"], report["reach"]["after"]
    assert (before["N"], before["reach_1"], before["reach_2"]) == (6, 4, 6)
    assert (after["N"], after["reach_1"], after["reach_2"], after["unreached"]) == (5, 2, 2, 3)
    assert report["reach"]["delta"]["reach_2"] == -4
    assert after["coverage_2"] == pytest.approx(2 / 5)

    # Health: 3 of the 5 remaining stakeholders and none of the core's ties.
    assert keys(report["gaps"]["appeared"]) == [
        ("isolated_sector", (p.trust,)),
        ("unreached", (p.trust,)),
        ("unreached", (p.bob,)),
        ("unreached", (p.carol,)),
    ]
    # Ann's own gaps left with her (not "closed"); the leadership gap ends because no-one at the
    # trust is reached any more, and Sam no longer stands alone between the core and anyone.
    assert keys(report["gaps"]["closed"]) == [
        ("leadership_not_engaged", (p.trust,)),
        ("single_point_of_failure", (p.sam,)),
    ]
    json.dumps(report, allow_nan=False)


def test_adding_a_tie_to_the_leader_closes_gaps():
    p = spanner()
    report = run(p, add_ties=[{"source": p.sam, "target": p.carol, "strength": 4}])
    assert report["added_ties"] == [
        {
            "source": p.sam,
            "target": p.carol,
            "source_name": "Sam Patel",
            "target_name": "Carol Reid",
            "kind": "collaborates",
            "strength": 4,
            "directed": False,
        }
    ]
    assert report["tier_changes"] == [
        {"id": p.carol, "name": "Carol Reid", "before": 2, "after": 1}
    ]
    assert keys(report["gaps"]["closed"]) == [
        ("leadership_not_engaged", (p.trust,)),
        ("single_threaded_organisation", (p.trust, p.ann)),
    ]
    assert report["gaps"]["appeared"] == []
    assert report["reach"]["delta"]["reach_1"] == 1


def test_a_hub_member_leaving_leaves_their_stakeholders_without_an_owner():
    p = spanner()
    vip = p.person("Dr Ayesha Khan", influence=5, interest=5, owner_id=p.sam)
    p.tie(p.hub, vip)
    report = run(p, remove=[p.sam])
    assert ("no_owner", (vip,)) in keys(report["gaps"]["appeared"])


def test_nothing_changed_reports_no_change():
    report = run(spanner())
    assert report["reach"]["delta"] == {k: 0 for k in HEADLINE} | {"key_player_coverage": None}
    assert report["tier_changes"] == []
    assert report["gaps"]["appeared"] == report["gaps"]["closed"] == []
    assert report["gaps"]["before"] == report["gaps"]["after"]


def test_a_new_tie_can_reach_someone_unreachable():
    p = spanner()
    loner = p.person("Lou Lone")
    report = run(p, add_ties=[{"source": p.dev, "target": loner, "kind": "informal"}])
    assert report["newly_reached"] == [{"id": loner, "name": "Lou Lone", "tier": 2}]
    assert report["newly_unreachable"] == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"remove": [404]}, UnknownStakeholder),
        ({"remove": [1]}, InvalidParameter),
        ({"add_ties": [{"source": 2, "target": 404}]}, UnknownStakeholder),
        ({"add_ties": [{"source": 2, "target": 2}]}, InvalidParameter),
        ({"add_ties": [{"source": 2, "target": 4, "strength": 6}]}, InvalidParameter),
        ({"add_ties": [{"source": 2, "target": 4, "kind": "friends"}]}, InvalidParameter),
        ({"add_ties": [{"target": 4}]}, InvalidParameter),
        ({"remove": [4], "add_ties": [{"source": 2, "target": 4}]}, UnknownStakeholder),
    ],
)
def test_bad_requests_raise(kwargs, error):
    with pytest.raises(error):
        run(spanner(), **kwargs)


def test_hub_only_partnership():
    report = run(Partnership())
    assert report["reach"]["before"] == {
        "N": 0,
        "reach_1": 0,
        "reach_2": 0,
        "reach_3": 0,
        "coverage_1": None,
        "coverage_2": None,
        "coverage_3": None,
        "unreached": 0,
        "warm_reach": 0.0,
        "key_players": 0,
        "key_player_coverage": None,
    }
    assert report["reach"]["delta"]["coverage_1"] is None
    json.dumps(report, allow_nan=False)
