"""Exporters on a hand-made snapshot: the graph's edges and weights, CSV cells, file names."""

from __future__ import annotations

import doctest
import io
import json
import zipfile
from datetime import date
from types import SimpleNamespace

import networkx as nx
import pytest

from app.exporters import filename, native, network, tables
from app.exporters.rows import ENGAGEMENT_COLUMNS, STAKEHOLDER_COLUMNS, TIE_COLUMNS, Snapshot
from graph.build import tie_strengths
from graph.model import Engagement, Node, Tie

AS_OF = date(2026, 6, 1)


def row(columns, **values):
    return SimpleNamespace(**{c: values.get(c) for c in columns})


def person(sid, name, **kw):
    base = {"kind": "person", "notes": "", "tags": [], "contact_permitted": True}
    return row(STAKEHOLDER_COLUMNS, id=sid, name=name, **{**base, **kw})


@pytest.fixture
def snap() -> Snapshot:
    partnership = SimpleNamespace(id=7, name="Test", description="", half_life_days=180.0)
    stakeholders = [
        person(1, "Board", kind="hub", sector="other"),
        person(2, "Sam", organisation_id=1, email="sam@example.org"),
        person(3, "Council", kind="organisation", sector="local_government", tags=["a", "b"]),
        person(4, "Dana", organisation_id=3, email="dana@example.org", contact_permitted=False,
               owner_id=2, influence=5),
        person(5, "Eve", external_id="crm-5"),
        *[person(10 + i, f"Crowd {i}") for i in range(60)],
    ]  # fmt: skip
    ties = [
        row(TIE_COLUMNS, id=1, source_id=2, target_id=4, kind="collaborates", directed=False,
            strength=4, notes=""),
        row(TIE_COLUMNS, id=2, source_id=4, target_id=2, kind="reports_to", directed=True,
            strength=2, notes=""),
        row(TIE_COLUMNS, id=3, source_id=5, target_id=3, kind="funds", directed=True, strength=5,
            valid_to=date(2025, 1, 1), notes="old grant"),
    ]  # fmt: skip
    engagements = [
        row(ENGAGEMENT_COLUMNS, id=1, occurred_on=date(2026, 5, 1), channel="face_to_face",
            summary="", sentiment=1),
        row(ENGAGEMENT_COLUMNS, id=2, occurred_on=date(2026, 5, 2), channel="newsletter",
            summary="Bulletin"),
        row(ENGAGEMENT_COLUMNS, id=3, occurred_on=date(2026, 7, 1), channel="meeting",
            summary="Future", external_id="e3"),
    ]  # fmt: skip
    participants = {1: [2, 4, 5], 2: [2, *range(10, 70)], 3: [2, 5]}
    return Snapshot(partnership, 1, stakeholders, ties, engagements, participants)


def test_edges_carry_the_analytic_strength_and_the_declared_ties(snap):
    G = network.network(snap, as_of=AS_OF)
    expected = tie_strengths(
        [Node(s.id, s.kind, s.name) for s in snap.stakeholders],
        [Tie(t.id, t.source_id, t.target_id, t.kind, t.directed, t.strength, t.valid_from,
             t.valid_to) for t in snap.ties],
        [Engagement(1, date(2026, 5, 1), "face_to_face", (2, 4, 5)),
         Engagement(2, date(2026, 5, 2), "newsletter", (2, *range(10, 70)))],
        as_of=AS_OF,
    )  # fmt: skip
    assert set(expected) == {(2, 4), (2, 5), (4, 5)}  # the bulletin reached 61: no pair evidence
    assert sorted(G.edges()) == [(2, 4), (2, 5), (3, 5), (4, 5)]
    for (u, v), s in expected.items():
        assert G.edges[u, v]["weight"] == pytest.approx(s, abs=1e-15)
    assert G.edges[2, 4] == {
        "weight": expected[(2, 4)], "active": True, "engagements": 1, "ties": 2,
        "tie_kinds": "collaborates;reports_to", "tie_strength": 4,
    }  # fmt: skip
    assert G.edges[3, 5] == {"weight": 0.0, "active": False, "engagements": 0, "ties": 1,
                             "tie_kinds": "funds", "tie_strength": 5}  # fmt: skip
    assert G.graph == {"name": "Test", "partnership_id": 7, "as_of": "2026-06-01",
                       "half_life_days": 180.0, "hub_id": 1}  # fmt: skip


def test_nodes_carry_fields_without_nulls_and_without_forbidden_emails(snap):
    G = network.network(snap, as_of=AS_OF)
    assert G.number_of_nodes() == 65
    assert G.nodes[4] == {
        "label": "Dana", "kind": "person", "name": "Dana", "organisation_id": 3,
        "organisation": "Council", "influence": 5, "owner_id": 2, "owner": "Sam",
        "effective_sector": "local_government", "contact_permitted": False, "core": False,
    }  # fmt: skip
    assert G.nodes[2]["email"] == "sam@example.org" and G.nodes[2]["core"] is True
    assert G.nodes[3]["tags"] == "a;b"
    for data in (network.graphml(G), network.gexf(G), network.node_link(G)):
        assert b"dana@example.org" not in data
        assert b"sam@example.org" in data


def test_the_writers_round_trip(snap):
    G = network.network(snap, as_of=AS_OF)
    for H in (
        nx.read_graphml(io.BytesIO(network.graphml(G)), node_type=int),
        nx.read_gexf(io.BytesIO(network.gexf(G)), node_type=int),
        nx.node_link_graph(json.loads(network.node_link(G))),
    ):
        assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
        edges = {
            (u, v): {k: x for k, x in d.items() if k != "id"} for u, v, d in H.edges(data=True)
        }
        assert edges == {(u, v): d for u, v, d in G.edges(data=True)}


def test_native_document_names_stakeholders_by_external_id_or_a_ref(snap):
    snap.stakeholders[2].external_id = "stakemap:5"  # would clash with Eve's ref
    doc = native.document(snap, exported_on=AS_OF)
    s = doc["stakeholders"]
    assert s[0]["kind"] == "hub" and "ref" not in s[0] and "organisation" not in s[0]
    assert s[1]["ref"] == "stakemap:2" and s[1]["organisation"] == "hub"
    assert s[2]["external_id"] == "stakemap:5"
    assert s[3]["owner"] == "stakemap:2" and s[3]["organisation"] == "stakemap:5"
    assert "email" not in s[3]
    assert s[4]["external_id"] == "crm-5"
    assert doc["engagements"][0]["participants"] == ["stakemap:2", "stakemap:4", "crm-5"]
    assert doc["engagements"][2]["external_id"] == "e3"
    assert "external_id" not in doc["ties"][0]
    assert doc["ties"][2]["valid_to"] == "2025-01-01"


def test_csv_cells_are_safe_and_the_bom_is_there(snap):
    snap.stakeholders[4].name = "=SUM(A1:A9)"
    z = zipfile.ZipFile(io.BytesIO(tables.zip_of_csv(snap)))
    nodes = z.read("nodes.csv")
    assert nodes.startswith("\ufeffid,external_id,kind,name".encode())
    text = nodes.decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in text and "dana@example.org" not in text
    assert (
        z.read("engagements.csv")
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith(
            "1,,2026-05-01,face_to_face,2;4;5,Sam;Dana;=SUM(A1:A9),,1"  # not at the start
        )
    )


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("Riverside Partnership", "stakemap", "riverside-partnership-2026-06-01.json"),
        ("Zoë & Co: Health/Care", "csv", "zoe-co-health-care-2026-06-01.zip"),
        ("日本", "gexf", "partnership-7-2026-06-01.gexf"),
        ("x" * 100, "node-link", "x" * 60 + "-2026-06-01-node-link.json"),
    ],
)
def test_file_names(name, fmt, expected):
    assert filename(SimpleNamespace(id=7, name=name), fmt, AS_OF) == expected


def test_doctests():
    assert doctest.testmod(tables).failed == 0
