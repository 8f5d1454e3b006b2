"""GET /api/v1/partnerships/{pid}/export in every format (both databases).

Native JSON round-trips: importing the export into an empty partnership gives the same
stakeholders, fields, organisations, owners, ties, engagements and participants (compared field by
field, ids mapped through external_ids). GraphML, GEXF and node-link read back with networkx give
the export graph's nodes, edges and attributes. No format carries the email of a person whose
contact is not permitted.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import networkx as nx
import pytest

from app.db import session_scope
from app.exporters import network, rows
from app.tables import Partnership
from tests.api.test_import_api import EXPECTED, post, sample
from tests.factories import add_member, table_counts

FIELDS = (
    "kind", "name", "external_id", "sector", "role", "seniority", "influence", "interest",
    "engagement", "desired_engagement", "email", "notes", "tags", "contact_permitted",
)  # fmt: skip
HIDDEN = ("lewis.mercer@wrenmouth-hospitals.nhs.uk", "t.hussain@riversidehomes.org.uk",
          "kim.keyless@example.org")  # fmt: skip
SHOWN = "dana.whitfield@wrenmouth.gov.uk"


def rich_partnership(api) -> int:
    """Three samples, plus records made in the API without external_ids, and awkward text."""
    pid = api.partnership("Zoë's Partnership")["id"]
    for fmt in ("stakemap", "salesforce", "kumu"):
        post(api, pid, sample(fmt), fmt)
    people = api.ok("GET", f"/partnerships/{pid}/stakeholders", params={"limit": 500})["data"]
    by_ext = {s["external_id"]: s["id"] for s in people if s["external_id"]}
    base = f"/partnerships/{pid}"
    org = api.ok("POST", f"{base}/stakeholders", 201,
                 json={"kind": "organisation", "name": "=HYPERLINK(\"http://evil\")",
                       "sector": "private", "tags": ["-risky", "@home"]})  # fmt: skip
    kim = api.ok("POST", f"{base}/stakeholders", 201,
                 json={"kind": "person", "name": "Kim Keyless", "organisation_id": org["id"],
                       "email": "kim.keyless@example.org", "contact_permitted": False,
                       "owner_id": by_ext["crm-p-001"], "influence": 4,
                       "notes": "+44 20 7946 0000"})  # fmt: skip
    twin = {"kind": "person", "name": "Kim Keyless", "organisation_id": org["id"]}
    api.ok("POST", f"{base}/stakeholders", 201, json=twin)
    api.tie(pid, kim["id"], by_ext["crm-p-004"], kind="advises", strength=2,
            valid_from="2024-01-01", valid_to="2024-12-31", notes="=1+1")  # fmt: skip
    api.engagement(pid, [kim["id"], by_ext["crm-p-001"], by_ext["kumu:elem-per01"]],
                   channel="face_to_face", occurred_on="2026-10-30", sentiment=-2,
                   summary="-2 opinions")  # fmt: skip
    api.engagement(pid, [kim["id"], by_ext["crm-p-001"]], occurred_on="2026-11-01")
    api.engagement(pid, [kim["id"], by_ext["crm-p-001"]], occurred_on="2026-11-01")
    return pid


def canonical(engine, pid: int) -> dict:
    """The partnership with every id replaced by a stable name (external_id, else name + n)."""
    with session_scope(engine, write=False) as session:
        snap = rows.load(session=session, partnership=session.get(Partnership, pid))
    key: dict[int, str] = {}
    seen: dict[str, int] = {}
    for s in snap.stakeholders:
        if s.kind == "hub":
            key[s.id] = "hub"
        elif s.external_id:
            key[s.id] = s.external_id
        else:
            n = seen[s.name] = seen.get(s.name, 0) + 1
            key[s.id] = f"name:{s.name}:{n}"
    stakeholders = {
        key[s.id]: {
            **{f: getattr(s, f) for f in FIELDS},
            "organisation": key.get(s.organisation_id),
            "owner": key.get(s.owner_id),
        }
        for s in snap.stakeholders
    }
    ties = sorted(
        (key[t.source_id], key[t.target_id], t.kind, t.directed, t.strength, t.valid_from,
         t.valid_to, t.external_id, t.notes)
        for t in snap.ties
    )  # fmt: skip
    engagements = sorted(
        (e.occurred_on, e.channel, tuple(sorted(key[p] for p in snap.participants[e.id])),
         e.summary, e.sentiment, e.external_id)
        for e in snap.engagements
    )  # fmt: skip
    return {"stakeholders": stakeholders, "ties": ties, "engagements": engagements, "key": key}


def export(api, pid: int, fmt: str, **params) -> bytes:
    r = api.get(f"/partnerships/{pid}/export", params={"format": fmt, **params})
    assert r.status_code == 200, r.text
    return r.content


def test_native_export_imports_into_an_empty_partnership_as_the_same_graph(api):
    pid = rich_partnership(api)
    doc = json.loads(export(api, pid, "stakemap"))
    copy = api.partnership("Copy")["id"]
    report = post(api, copy, doc, "stakemap")
    assert report["created"] == {"organisations": 11, "people": 19, "groups": 2, "ties": 12,
                                 "engagements": 13}  # fmt: skip
    assert report["warnings"] == []

    a, b = canonical(api.engine, pid), canonical(api.engine, copy)
    assert set(a["stakeholders"]) == set(b["stakeholders"])
    for name, fields in a["stakeholders"].items():
        expected = dict(fields)
        if not fields["contact_permitted"]:
            expected["email"] = None  # never exported
        assert b["stakeholders"][name] == expected, name
    assert b["ties"] == a["ties"]
    assert b["engagements"] == a["engagements"]

    # The analytic graph is the same too: tie strengths, edges, node attributes.
    def graph(p: int, key: dict) -> nx.Graph:
        with session_scope(api.engine, write=False) as session:
            snap = rows.load(session=session, partnership=session.get(Partnership, p))
        G = nx.relabel_nodes(network.network(snap, as_of=date(2026, 11, 15)), key)
        for _, data in G.nodes(data=True):
            for ids in ("organisation_id", "owner_id", "email"):
                data.pop(ids, None)
        return G

    ga, gb = graph(pid, a["key"]), graph(copy, b["key"])
    assert dict(ga.nodes(data=True)) == dict(gb.nodes(data=True))
    assert {frozenset(e[:2]): e[2] for e in ga.edges(data=True)} == {
        frozenset(e[:2]): e[2] for e in gb.edges(data=True)
    }

    # Importing the same export again changes nothing.
    revision = api.revision(copy)
    again = post(api, copy, doc, "stakemap")
    assert again["unchanged"] == report["created"]
    assert api.revision(copy) == revision


def test_graphml_and_gexf_read_back_with_networkx(api):
    pid = rich_partnership(api)
    with session_scope(api.engine, write=False) as session:
        snap = rows.load(session=session, partnership=session.get(Partnership, pid))
    G = network.network(snap, as_of=date(2026, 11, 15))
    assert G.number_of_nodes() == 33
    assert all(G.nodes[n]["label"] for n in G)
    weights = [w for _, _, w in G.edges(data="weight")]
    assert all(0 <= w <= 1 for w in weights) and max(weights) > 0.1

    gml = nx.read_graphml(
        io.BytesIO(export(api, pid, "graphml", as_of="2026-11-15")), node_type=int
    )
    gexf = nx.read_gexf(io.BytesIO(export(api, pid, "gexf", as_of="2026-11-15")), node_type=int)
    link = nx.node_link_graph(json.loads(export(api, pid, "node-link", as_of="2026-11-15")))
    for H in (gml, gexf, link):
        assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
        edges = {frozenset((u, v)): {k: x for k, x in d.items() if k != "id"}
                 for u, v, d in H.edges(data=True)}  # fmt: skip
        assert edges == {frozenset((u, v)): d for u, v, d in G.edges(data=True)}
    graph = {k: v for k, v in gml.graph.items() if k not in ("node_default", "edge_default")}
    assert graph == G.graph
    assert link.graph == G.graph


def test_csv_export_is_a_zip_of_three_files_safe_for_spreadsheets(api):
    pid = rich_partnership(api)
    z = zipfile.ZipFile(io.BytesIO(export(api, pid, "csv")))
    assert sorted(z.namelist()) == ["engagements.csv", "nodes.csv", "ties.csv"]
    tables = {
        name: list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"))))
        for name in z.namelist()
    }
    assert [len(tables[n]) for n in ("nodes.csv", "ties.csv", "engagements.csv")] == [33, 12, 13]
    nodes = {row["name"]: row for row in tables["nodes.csv"]}
    assert '\'=HYPERLINK("http://evil")' in nodes
    assert nodes['\'=HYPERLINK("http://evil")']["tags"] == "'-risky;@home"
    kim = next(r for r in tables["nodes.csv"] if r["name"] == "Kim Keyless" and r["influence"])
    assert kim["notes"] == "'+44 20 7946 0000"
    assert kim["organisation"] == '\'=HYPERLINK("http://evil")'
    assert kim["email"] == ""
    assert kim["contact_permitted"] == "false"
    assert any(r["notes"] == "'=1+1" for r in tables["ties.csv"])
    sentiment = {r["summary"]: r["sentiment"] for r in tables["engagements.csv"]}
    assert sentiment["'-2 opinions"] == "-2"  # numbers stay numbers


@pytest.mark.parametrize("fmt", ["stakemap", "graphml", "gexf", "csv", "node-link"])
def test_no_export_carries_the_email_of_someone_who_may_not_be_contacted(api, fmt):
    pid = rich_partnership(api)
    r = api.get(f"/partnerships/{pid}/export", params={"format": fmt})
    assert r.status_code == 200
    if fmt == "csv":
        z = zipfile.ZipFile(io.BytesIO(r.content))
        text = "".join(z.read(n).decode("utf-8-sig") for n in z.namelist())
    else:
        text = r.content.decode("utf-8")
    assert SHOWN in text
    for email in HIDDEN:
        assert email not in text


@pytest.mark.parametrize(
    ("fmt", "media", "ext"),
    [
        ("stakemap", "application/json", ".json"),
        ("graphml", "application/graphml+xml", ".graphml"),
        ("gexf", "application/gexf+xml", ".gexf"),
        ("csv", "application/zip", ".zip"),
        ("node-link", "application/json", "-node-link.json"),
    ],
)
def test_export_headers(api, fmt, media, ext):
    pid = api.partnership("Zoë's Partnership: North & South")["id"]
    r = api.get(f"/partnerships/{pid}/export", params={"format": fmt, "as_of": "2026-11-01"})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    day = date.today().isoformat() if fmt in ("stakemap", "csv") else "2026-11-01"
    assert r.headers["content-disposition"] == (
        f'attachment; filename="zoe-s-partnership-north-south-{day}{ext}"'
    )


def test_an_empty_partnership_exports_in_every_format(api):
    pid = api.partnership()["id"]
    doc = json.loads(export(api, pid, "stakemap"))
    assert doc["stakeholders"] == [
        {"kind": "hub", "name": "Riverside Partnership", "sector": None, "role": None,
         "seniority": None, "influence": None, "interest": None, "engagement": None,
         "desired_engagement": None, "email": None, "notes": "", "tags": [],
         "contact_permitted": True},
    ]  # fmt: skip
    assert doc["ties"] == [] and doc["engagements"] == []
    for fmt in ("graphml", "gexf", "node-link"):
        assert export(api, pid, fmt)
    G = nx.read_graphml(io.BytesIO(export(api, pid, "graphml")))
    assert G.number_of_nodes() == 1 and G.number_of_edges() == 0


def test_export_needs_the_viewer_role_and_a_known_format(api):
    pid = api.partnership()["id"]
    post(api, pid, sample("stakemap"), "stakemap")
    viewer = api.as_user("viewer@example.org")
    add_member(api.engine, pid, viewer.user_id, "viewer")
    assert viewer.get(f"/partnerships/{pid}/export").status_code == 200
    outsider = api.as_user("outsider@example.org")
    assert outsider.get(f"/partnerships/{pid}/export").status_code == 404
    before = table_counts(api.engine)
    r = api.get(f"/partnerships/{pid}/export", params={"format": "xlsx"})
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["query", "format"]]
    assert table_counts(api.engine) == before


def test_every_sample_round_trips_on_its_own(api):
    for fmt in EXPECTED:
        pid = api.partnership(f"From {fmt}")["id"]
        post(api, pid, sample(fmt), fmt)
        copy = api.partnership(f"Copy of {fmt}")["id"]
        report = post(api, copy, json.loads(export(api, pid, "stakemap")), "stakemap")
        assert report["created"] == EXPECTED[fmt][0]
        a, b = canonical(api.engine, pid), canonical(api.engine, copy)
        for k in ("ties", "engagements"):
            assert a[k] == b[k]
        for name, fields in a["stakeholders"].items():
            if not fields["contact_permitted"]:
                fields["email"] = None
            assert b["stakeholders"][name] == fields
