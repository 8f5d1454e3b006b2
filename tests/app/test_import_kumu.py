"""The Kumu reader: blueprints (both shapes) → stakeholders and ties."""

from __future__ import annotations

from app.importers.kumu import read
from app.importers.plan import HUB, UNSET


def test_the_documented_blueprint_shape_with_labels():
    plan = read(
        {"elements": [{"label": "A", "type": "Person", "description": "This is A",
                       "tags": ["one", "two"]},
                      {"label": "B", "type": "Organization", "Favorite Dessert": "shave ice"}],
         "connections": [{"from": "A", "to": "B", "type": "likes"},
                         {"from": "B", "to": "A", "direction": "mutual", "type": "funds"}]},
        {},
    )  # fmt: skip
    a, b = plan.stakeholders
    assert (a.external_id, a.kind, a.values) == (
        "kumu:A", "person", {"name": "A", "notes": "This is A", "tags": ["one", "two"]},
    )  # fmt: skip
    assert (b.external_id, b.kind) == ("kumu:B", "organisation")
    first, second = plan.ties
    assert (first.source, first.target, first.external_id, first.values) == (
        "kumu:A", "kumu:B", None, {"kind": "collaborates"},
    )  # fmt: skip
    assert second.values == {"kind": "funds", "directed": False}
    assert plan.warnings == [
        (("body", "connections", 0, "type"), "unknown connection type 'likes': collaborates")
    ]


def test_ids_tell_apart_elements_with_the_same_label():
    plan = read(
        {"elements": [{"id": "e1", "label": "A"}, {"id": "e2", "label": "A"}],
         "connections": [{"id": "c1", "from": "e1", "to": "e2"}]},
        {},
    )  # fmt: skip
    assert [s.external_id for s in plan.stakeholders] == ["kumu:e1", "kumu:e2"]
    assert [(t.source, t.target, t.external_id) for t in plan.ties] == [
        ("kumu:e1", "kumu:e2", "kumu:c1"),
    ]
    assert [loc for loc, _ in plan.warnings] == [("body", "elements", 0, "type")]  # untyped


def test_the_hub_memberships_and_reversed_kinds():
    el = [
        {"_id": "h", "attributes": {"label": "Board", "tags": ["Hub", "core"]}},
        {"_id": "o", "attributes": {"label": "Council", "element type": "Agency"}},
        {"_id": "p", "attributes": {"label": "Pat", "element type": "Person"}},
        {"_id": "q", "attributes": {"label": "Quin", "element type": "Person",
                                    "organization": "Council"}},
        {"_id": "g", "attributes": {"label": "Panel", "element type": "Committee"}},
    ]  # fmt: skip
    co = [
        {"_id": "c1", "from": "p", "to": "h", "attributes": {"connection type": "Member of"}},
        {"_id": "c2", "from": "p", "to": "q", "attributes": {"connection type": "manages"}},
        {"_id": "c3", "from": "o", "to": "g", "attributes": {"connection type": "Employs"}},
        {"_id": "c4", "from": "q", "to": "o", "attributes": {"connection type": "works for"}},
        {"_id": "c5", "from": "q", "to": "g", "attributes": {"connection type": "member of"}},
        {"_id": "c6", "from": "o", "to": "p", "attributes": {"connection type": "employs"}},
    ]  # fmt: skip
    plan = read({"elements": el, "connections": co}, {})
    assert plan.hub.external_id == "kumu:h" and plan.hub.values["tags"] == ["core"]
    s = {r.external_id: r for r in plan.stakeholders}
    assert s["kumu:p"].organisation == HUB
    assert s["kumu:q"].organisation == "kumu:o"  # its organization field; c4 agrees
    assert s["kumu:g"].organisation == "kumu:o"  # "employs" reversed
    assert s["kumu:o"].organisation is UNSET
    assert [(t.source, t.target, t.values["kind"]) for t in plan.ties] == [
        ("kumu:q", "kumu:p", "reports_to"),
        ("kumu:q", "kumu:g", "collaborates"),
        ("kumu:p", "kumu:o", "collaborates"),
    ]
    assert [msg for _, msg in plan.warnings] == [
        "already a member of another element: imported as a collaborates tie",
        "already a member of another element: imported as a collaborates tie",
    ]


def test_custom_fields_direction_and_strength():
    el = [
        {"_id": "a", "attributes": {"label": "Ann", "element type": "Person", "sector": "NHS",
                                    "seniority": "Senior", "influence": "4", "interest": 9,
                                    "engagement": "keen", "desired engagement": "Leading",
                                    "email": "ann@example.org", "role": "GP"}},
        {"_id": "b", "attributes": {"label": "Bob", "element type": "Person"}},
    ]  # fmt: skip
    co = [
        {"from": "a", "to": "b", "direction": "directed", "attributes": {"strength": 4.4}},
        {"from": "b", "to": "a", "direction": "sideways", "attributes": {"strength": "9"}},
    ]
    plan = read({"elements": el, "connections": co}, {})
    ann = plan.stakeholders[0]
    assert ann.values == {"name": "Ann", "notes": "", "tags": [], "sector": "health",
                          "role": "GP", "email": "ann@example.org", "seniority": "senior",
                          "desired_engagement": "leading", "influence": 4}  # fmt: skip
    one, two = plan.ties
    assert one.values == {"directed": True, "strength": 4, "kind": "collaborates"}
    assert two.values == {"strength": 5, "kind": "collaborates"}
    assert [msg for _, msg in plan.warnings] == [
        "engagement 'keen' is not one of Stakemap's; left out",
        "interest must be a whole number from 1 to 5; left out",
        "unknown direction 'sideways': the kind's default",
        "strength 9.0 is outside 1–5; clamped",
    ]


def test_malformed_blueprints_are_errors_at_their_place():
    plan = read(
        {"elements": [{"_id": "a", "attributes": {"element type": "Person"}}, "x",
                      {"_id": "h1", "attributes": {"label": "H1", "element type": "Hub"}},
                      {"_id": "h2", "attributes": {"label": "H2", "element type": "Hub"}},
                      {"_id": "b", "attributes": {"label": "B", "tags": "t1|t2"}}],
         "connections": [{"from": "b", "to": "nobody"}, {"from": "b", "to": "h1",
                          "attributes": {"strength": True}}, 7]},
        {},
    )  # fmt: skip
    assert [(p.loc, p.type) for p in plan.problems] == [
        (("body", "elements", 0, "attributes", "label"), "missing"),
        (("body", "elements", 1), "dict_type"),
        (("body", "elements", 3, "attributes", "element type"), "value_error"),
        (("body", "connections", 0, "to"), "value_error"),
        (("body", "connections", 1, "attributes", "strength"), "float_type"),
        (("body", "connections", 2), "dict_type"),
    ]
    assert plan.stakeholders[-1].values["tags"] == ["t1", "t2"]
    assert read({"elements": {}}, {}).problems[0].type == "list_type"
    assert read({"nodes": []}, {}).problems[0].type == "missing"
