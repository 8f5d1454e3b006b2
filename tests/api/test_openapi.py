"""/openapi.json declares what each route can answer; /docs works offline.

The cases are generated from the application's routes, so a new route is checked as it lands.
"""

from __future__ import annotations

import functools
import re

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.api.routes import Route, api_routes, protected


@functools.cache
def application():
    return create_app(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


ROUTES = api_routes(application())
PROTECTED = protected(application())


@pytest.fixture(scope="module")
def client():
    with TestClient(application()) as c:
        yield c


@pytest.fixture(scope="module")
def schema(client) -> dict:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def responses(schema: dict, route: Route) -> dict:
    operation = schema["paths"][route.path][route.method.lower()]
    return operation["responses"]


def resolve(schema: dict, node: dict) -> dict:
    """Follow a local $ref."""
    while "$ref" in node:
        *_, name = node["$ref"].split("/")
        node = schema["components"]["schemas"][name]
    return node


def detail_type(schema: dict, response: dict) -> str:
    """The JSON type of ``detail`` in a documented error body."""
    body = resolve(schema, response["content"]["application/json"]["schema"])
    return resolve(schema, body["properties"]["detail"]).get("type")


def test_the_schema_describes_the_service(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Stakemap"
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `stakemap token create`.",
    }


def test_the_foundation_routes_are_all_there():
    found = {str(r) for r in ROUTES}
    expected = {"GET /api/v1/health", "GET /api/v1/partnerships", "POST /api/v1/partnerships"}
    expected |= {f"{m} /api/v1/partnerships/{{pid}}" for m in ("GET", "PATCH", "DELETE")}
    for items, item_id in (("stakeholders", "sid"), ("ties", "tid"), ("engagements", "eid")):
        many = f"/api/v1/partnerships/{{pid}}/{items}"
        expected |= {f"GET {many}", f"POST {many}"}
        expected |= {f"{m} {many}/{{{item_id}}}" for m in ("GET", "PATCH", "DELETE")}
    assert len(expected) == 21
    assert expected <= found


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_route_is_documented(schema, route):
    assert route.method.lower() in schema["paths"][route.path]


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_every_protected_route_declares_401_and_422(schema, route):
    declared = responses(schema, route)
    assert {"401", "422"} <= declared.keys()
    assert detail_type(schema, declared["401"]) == "string"
    assert detail_type(schema, declared["422"]) == "array"
    operation = schema["paths"][route.path][route.method.lower()]
    assert operation["security"] == [{"HTTPBearer": []}]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.params], ids=str)
def test_every_route_with_a_path_id_declares_404(schema, route):
    declared = responses(schema, route)
    assert "404" in declared
    assert detail_type(schema, declared["404"]) == "string"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method in ("POST", "PATCH")], ids=str)
def test_every_post_and_patch_declares_409_413_and_422(schema, route):
    declared = responses(schema, route)
    # A POST that only computes (what-if) cannot clash with stored data.
    expected = {"409", "413", "422"} if route.writes else {"413", "422"}
    assert expected <= declared.keys()
    assert detail_type(schema, declared["413"]) == "string"


@pytest.mark.parametrize("route", [r for r in PROTECTED if r.writes], ids=str)
def test_every_write_declares_403(schema, route):
    assert "403" in responses(schema, route)


def test_health_needs_no_token(schema):
    operation = schema["paths"]["/api/v1/health"]["get"]
    assert "security" not in operation
    assert "401" not in operation["responses"]


def test_the_docs_page_answers_and_needs_nothing_from_elsewhere(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "http://" not in page and "https://" not in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets == [
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/init.js",
    ]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "/openapi.json" in client.get("/docs/init.js").text
