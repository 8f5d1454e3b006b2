"""Sign-in, the session cookie, the same-origin check and the page shells (no browser needed)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.db import session_scope
from app.main import create_app
from app.services import users
from app.services.ratelimit import PER_ACCOUNT
from web.assets import vis_file
from web.auth import LINK_FAILED, SIGN_IN_FAILED, TOO_MANY, safe_next
from web.render import STATIC_DIR, TEMPLATE_DIR, build_id

ORIGIN = {"Origin": "http://testserver"}
EVIL = {"Origin": "http://evil.example"}
PASSWORD = "correct horse battery"


@pytest.fixture
def site(db_engine, settings):
    with session_scope(db_engine) as s:
        user = users.create_user(session=s, email="cora@example.org", password=PASSWORD)
        _, token = users.create_token(session=s, user=user)
        secret = users.create_login_link(session=s, user=user, minutes=10)
    client = TestClient(create_app(settings, engine=db_engine), follow_redirects=False)
    client.link = f"/login/link/{secret}"
    client.bearer = {"Authorization": f"Bearer {token}"}
    yield client
    client.close()


def _sign_in(site) -> None:
    r = site.post(
        "/login", data={"email": "cora@example.org", "password": PASSWORD}, headers=ORIGIN
    )
    assert r.status_code == 303


def test_login_link_signs_in_once(site):
    r = site.get(site.link)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("stakemap_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    assert site.get("/api/v1/partnerships").status_code == 200

    site.cookies.clear()
    again = site.get(site.link)
    assert again.status_code == 400
    assert LINK_FAILED in again.text
    assert "stakemap_session" not in again.headers.get("set-cookie", "")


def test_cookie_is_secure_behind_https(site):
    r = site.get(site.link, headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 303
    assert "Secure" in r.headers["set-cookie"]


def test_password_sign_in_and_one_message_for_every_failure(site):
    for email, password in [
        ("cora@example.org", "wrong password!!"),
        ("nobody@example.org", PASSWORD),
        ("not an email", PASSWORD),
        ("", ""),
        # a NUL cannot be stored in PostgreSQL text: once a 500 there, now the same refusal
        ("cora\x00@example.org", PASSWORD),
        ("cora@example.org", "correct horse\x00battery"),
    ]:
        r = site.post("/login", data={"email": email, "password": password}, headers=ORIGIN)
        assert r.status_code == 400
        assert SIGN_IN_FAILED in r.text
        assert "set-cookie" not in r.headers
    r = site.post(
        "/login?next=/partnerships/7",
        data={"email": "Cora@Example.org", "password": PASSWORD},
        headers=ORIGIN,
    )
    assert r.status_code == 303 and r.headers["location"] == "/partnerships/7"
    assert site.get("/api/v1/partnerships").json() == {"data": [], "count": 0}


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil", "x", "/a\nb", "", None]
)
def test_next_never_leaves_the_site(target):
    assert safe_next(target) == "/"
    assert safe_next("/partnerships/3?focus=4") == "/partnerships/3?focus=4"


def test_sign_in_ignores_a_foreign_next(site):
    r = site.post(
        "/login",
        params={"next": "//evil.example/x"},
        data={"email": "cora@example.org", "password": PASSWORD},
        headers=ORIGIN,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_sign_in_form_needs_our_origin(site):
    data = {"email": "cora@example.org", "password": PASSWORD}
    assert site.post("/login", data=data).status_code == 403
    assert site.post("/login", data=data, headers=EVIL).status_code == 403
    ok = site.post("/login", data=data, headers={"Referer": "http://testserver/login"})
    assert ok.status_code == 303


def test_cookie_writes_need_our_origin(site):
    _sign_in(site)
    body = {"name": "Northside Partnership"}
    assert site.post("/api/v1/partnerships", json=body, headers=EVIL).status_code == 403
    assert site.post("/api/v1/partnerships", json=body).status_code == 403
    refused = site.post(
        "/api/v1/partnerships", json=body, headers={"Referer": "http://evil.example/page"}
    )
    assert refused.status_code == 403
    assert site.get("/api/v1/partnerships").json()["count"] == 0
    assert site.post("/api/v1/partnerships", json=body, headers=ORIGIN).status_code == 201
    referer = {"Referer": "http://testserver/partnerships/1"}
    assert site.post("/api/v1/partnerships", json=body, headers=referer).status_code == 201
    assert site.get("/api/v1/partnerships").json()["count"] == 2


def test_bearer_tokens_are_not_subject_to_the_origin_check(site):
    r = site.post(
        "/api/v1/partnerships", json={"name": "Token-made"}, headers={**site.bearer, **EVIL}
    )
    assert r.status_code == 201


def test_sign_out_ends_the_session(site):
    _sign_in(site)
    secret = site.cookies.get("stakemap_session")
    assert site.post("/logout", headers=EVIL).status_code == 403
    r = site.post("/logout", headers=ORIGIN)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    site.cookies.set("stakemap_session", secret)
    assert site.get("/api/v1/partnerships").status_code == 401
    assert site.get("/").status_code == 303


def test_pages_send_strangers_to_sign_in(site):
    r = site.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/"
    r = site.get("/partnerships/3/gaps?x=1")
    assert r.headers["location"] == "/login?next=/partnerships/3/gaps%3Fx%3D1"
    assert site.get("/login").status_code == 200


def test_pages_of_a_partnership_and_of_someone_elses(site, db_engine):
    _sign_in(site)
    p = site.post(
        "/api/v1/partnerships", json={"name": "<script>alert(1)</script>"}, headers=ORIGIN
    ).json()
    for slug in ("", "/gaps", "/grid", "/reach", "/import", "/report"):
        r = site.get(f"/partnerships/{p['id']}{slug}")
        assert r.status_code == 200, slug
        assert "<script>alert(1)</script>" not in r.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert f'href="/api/v1/partnerships/{p["id"]}/' in r.text  # the JSON twin
    other = site.post("/api/v1/partnerships", json={"name": "Theirs"}, headers=site.bearer)
    # the bearer's user is Cora too; make a partnership Cora is not a member of
    with session_scope(db_engine) as s:
        stranger = users.create_user(session=s, email="stranger@example.org")
        _, token = users.create_token(session=s, user=stranger)
    theirs = site.post(
        "/api/v1/partnerships",
        json={"name": "Theirs"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert other.status_code == 201
    r = site.get(f"/partnerships/{theirs['id']}/report")
    assert r.status_code == 404
    assert "Theirs" not in r.text
    assert site.get("/partnerships/999999").status_code == 404


def test_vis_network_comes_from_pyvis(site):
    r = site.get("/vendor/vis-network/vis-network.min.js")
    assert r.status_code == 200
    assert r.content == vis_file("vis-network.min.js").read_bytes()
    assert r.headers["content-type"].startswith("text/javascript")
    css = site.get("/vendor/vis-network/vis-network.min.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert site.get("/vendor/vis-network/template.html").status_code == 404


def test_no_inline_script_style_or_handlers_in_templates():
    for path in TEMPLATE_DIR.glob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path.name
        assert not re.search(r"<style\b", text), path.name
        assert not re.search(r"\sstyle\s*=", text), path.name
        assert not re.search(r"\son[a-z]+\s*=", text), path.name
        assert "http://" not in text and "https://" not in text, path.name


def test_scripts_never_write_html_from_strings():
    for path in STATIC_DIR.rglob("*.js"):
        text = path.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, f"{path.name} uses {sink}"
        assert "https://" not in text and "http://" not in text.replace(
            "http://www.w3.org/2000/svg", ""
        ), path.name


def test_sign_in_is_rate_limited_per_account(site):
    wrong = {"email": "cora@example.org", "password": "wrong password!!"}
    for _ in range(PER_ACCOUNT):
        assert site.post("/login", data=wrong, headers=ORIGIN).status_code == 400
    right = {"email": "cora@example.org", "password": PASSWORD}
    r = site.post("/login", data=right, headers=ORIGIN)
    assert r.status_code == 429
    assert TOO_MANY in r.text
    assert "set-cookie" not in r.headers


def test_static_files_live_under_the_build(site):
    build = build_id()
    r = site.get(f"/static/{build}/js/lib.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "immutable" in r.headers["cache-control"]
    old = site.get("/static/0123456789ab/js/lib.js")
    assert old.status_code == 200 and old.headers["cache-control"] == "no-cache"
    for path in ("../pages.py", "..%2Fpages.py", "js/../../auth.py", "js/..%2F..%2Fauth.py"):
        r = site.get(f"/static/{build}/{path}")
        assert r.status_code != 200 and "import" not in r.text, path
    assert site.get(f"/static/{build}/nothing.js").status_code == 404
    _sign_in(site)
    page = site.get("/")
    assert f'src="/static/{build}/js/list.js"' in page.text
