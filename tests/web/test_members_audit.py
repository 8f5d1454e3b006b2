"""The owners' Members and Audit pages in a real browser (issue 6)."""

from __future__ import annotations

import httpx
import pytest

from app.db import session_scope
from app.services import users
from tests.web.conftest import (
    ADMIN,
    VIEWER,
    Watch,
    expect,
    open_context,
    screenshot,
    watch_page,
)

#: A valid address (no spaces, one @) that is also markup: it must show as text everywhere.
XSS_EMAIL = "<img/src=x/onerror=alert(1)>@x.example"


@pytest.fixture
def pid(server) -> int:
    """A fresh copy of the demo, owned by the coordinator alone."""
    return server.new_demo()


def _members(server, pid: int) -> dict[str, str]:
    return {m["email"]: m["role"] for m in server.get(f"/partnerships/{pid}/members")["data"]}


def _row(page, email: str):
    return page.locator(f'#member-rows tr[data-email="{email}"]')


def test_owner_adds_changes_and_cannot_lose_the_last_owner(page, server, pid, watch):
    watch.allow("409")  # the refusals this test provokes on purpose
    page.goto(server.url(f"/partnerships/{pid}/members"))
    tabs = page.get_by_role("navigation", name="Partnership pages")
    expect(tabs.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Audit")).to_be_visible()
    expect(page.locator("#members-status")).to_have_text("1 member, 1 of them owner.")
    me = _row(page, ADMIN)
    expect(me).to_have_attribute("data-role", "owner")
    expect(me.locator("th")).to_have_text(f"{ADMIN} (you)")

    # add by email, with the keyboard: type, choose a role, press Enter
    page.get_by_label("Email").fill("new.partner@example.org")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_label("Email").press("Enter")
    expect(page.locator("#add-done")).to_contain_text("new.partner@example.org was added as editor")
    expect(page.locator("#add-done")).to_contain_text("no account")
    expect(_row(page, "new.partner@example.org")).to_have_attribute("data-role", "editor")
    expect(page.get_by_label("Email")).to_be_focused()
    assert _members(server, pid) == {ADMIN: "owner", "new.partner@example.org": "editor"}

    # adding the same person twice: the API's 409, beside the email field
    page.get_by_label("Email").fill("NEW.partner@example.org")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#add-email-error")).to_have_text(
        "New.partner@example.org is already a member."
    )
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    # a malformed address is refused beside the field, in words, before asking the API
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#add-email-error")).to_have_text(
        "That is not an email address: write it like name@example.org."
    )
    assert len(_members(server, pid)) == 2

    # change a role by keyboard alone: choose with the arrows, Tab to Save, Enter
    uid = _row(page, "new.partner@example.org").get_attribute("data-uid")
    select = page.get_by_label("Role of new.partner@example.org")
    expect(page.locator(f"#save-{uid}")).to_be_disabled()
    select.focus()
    page.keyboard.press("ArrowUp")  # editor → viewer
    expect(select).to_have_value("viewer")
    page.keyboard.press("Tab")
    expect(page.locator(f"#save-{uid}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_row(page, "new.partner@example.org")).to_have_attribute("data-role", "viewer")
    expect(page.locator("#members-status")).to_have_text("new.partner@example.org is now viewer.")
    assert _members(server, pid)["new.partner@example.org"] == "viewer"

    # the last owner cannot step down: the API's refusal appears beside the role
    my_uid = me.get_attribute("data-uid")
    page.get_by_label(f"Role of {ADMIN}").select_option("editor")
    page.locator(f"#save-{my_uid}").click()
    error = page.locator(f"#role-{my_uid}-error")
    expect(error).to_have_text("The last owner cannot step down. Make someone else an owner first.")
    expect(page.get_by_label(f"Role of {ADMIN}")).to_have_value("owner")
    expect(page.get_by_label(f"Role of {ADMIN}")).to_be_focused()
    # ...nor leave: confirm in the page's own dialog, then the refusal beside the button
    me.get_by_role("button", name="Leave").click()
    dialog = page.locator("#remove-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Leave this partnership?")
    dialog.get_by_role("button", name="Leave").click()
    expect(page.locator(f"#remove-{my_uid}-error")).to_have_text(
        "The last owner cannot leave. Make someone else an owner first."
    )
    assert _members(server, pid)[ADMIN] == "owner"

    # removing someone else asks first; Keep keeps them
    other = _row(page, "new.partner@example.org")
    other.get_by_role("button", name="Remove").click()
    expect(dialog.locator("h2")).to_have_text("Remove new.partner@example.org?")
    dialog.get_by_role("button", name="Keep").click()
    expect(dialog).to_be_hidden()
    assert "new.partner@example.org" in _members(server, pid)
    other.get_by_role("button", name="Remove").click()
    dialog.get_by_role("button", name="Remove").click()
    expect(_row(page, "new.partner@example.org")).to_have_count(0)
    expect(page.locator("#members-status")).to_contain_text("new.partner@example.org was removed.")
    assert _members(server, pid) == {ADMIN: "owner"}
    screenshot(page, "members")

    # the audit page finds those changes: names of fields, never values
    page.get_by_role("navigation", name="Partnership pages").get_by_role(
        "link", name="Audit"
    ).click()
    expect(page.locator("#audit-status")).to_contain_text("newest first")
    total = server.get(f"/partnerships/{pid}/audit?limit=1")["count"]
    assert total > 50  # the demo's import: enough for more than one page
    expect(page.locator("#audit-rows tr")).to_have_count(50)
    expect(page.locator("#audit-range")).to_have_text(f"Entries 1–50 of {total:,}")
    page.get_by_role("button", name="Older entries").click()
    expect(page.locator("#audit-range")).to_have_text(f"Entries 51–{min(100, total)} of {total:,}")
    assert "offset=50" in page.url
    page.get_by_role("button", name="Newer entries").click()
    expect(page.locator("#audit-range")).to_have_text(f"Entries 1–50 of {total:,}")

    page.get_by_label("Record").select_option("membership")
    rows = page.locator("#audit-rows tr")
    # newest first: removed, changed (the role), added; then the creator's own membership
    expect(rows).to_have_count(4)
    whats = rows.locator(".audit-what").all_inner_texts()
    assert whats[0] == f"Deleted membership of user {uid}"  # no longer a member: by number
    assert whats[1] == f"Changed membership of user {uid}"
    assert whats[2] == f"Added membership of user {uid}"
    assert whats[3] == f"Added membership of {ADMIN}"
    assert rows.nth(1).locator(".audit-fields").inner_text() == "role"
    assert "viewer" not in rows.nth(1).inner_text()  # the value is not recorded
    # the first three by the owner in the browser; the demo was loaded outside any request
    assert rows.locator(".audit-who").all_inner_texts() == [ADMIN, ADMIN, ADMIN, "system"]
    expect(page.locator("#audit-status")).to_have_text("4 entries match the filters, newest first.")
    assert "entity=membership" in page.url
    twin = page.locator(".json-twin")
    expect(twin).to_have_attribute(
        "href", f"/api/v1/partnerships/{pid}/audit?entity=membership&limit=50&offset=0"
    )

    page.get_by_label("Action").select_option("update")
    expect(rows).to_have_count(1)
    # a date range in the future: nothing, and it says so
    page.get_by_label("From").fill("2999-01-01")
    expect(page.locator("#audit-status")).to_have_text(
        "No entries match these filters. Clear them to see the whole log."
    )
    expect(page.locator("#audit-table")).to_be_hidden()
    page.get_by_label("From").fill("2999-02-01")
    page.get_by_label("To").fill("2999-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#audit-filter-error")).to_have_text(
        "“From” is after “To”: swap the dates."
    )
    # the filters are in the address: reloading keeps them; Clear shows everything again
    page.get_by_label("From").fill("2000-01-01")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    page.reload()
    expect(page.get_by_label("Action")).to_have_value("update")
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="Clear").click()
    expect(page.locator("#audit-range")).to_have_text(f"Entries 1–50 of {total:,}")
    page.get_by_label("By").fill("nobody@example.org")
    page.get_by_label("By").press("Enter")
    expect(page.locator("#audit-status")).to_contain_text("No entries match")
    page.get_by_role("button", name="Clear").click()
    expect(page.locator("#audit-rows tr")).to_have_count(50)
    screenshot(page, "audit")


def test_a_viewer_and_an_editor_cannot_open_the_owners_pages(browser, server):
    watch = Watch()
    watch.allow("403")
    context = open_context(browser, server, watch, email=VIEWER)
    page = context.new_page()
    watch_page(page, watch)
    pid = server.demo_id
    for slug in ("members", "audit"):
        response = page.goto(server.url(f"/partnerships/{pid}/{slug}"))
        assert response.status == 403
        expect(page.locator("h1")).to_have_text("Not allowed")
        expect(page.locator("main")).to_contain_text(
            f"Only an owner of this partnership can open its {slug} page."
        )
        assert page.locator("#member-rows, #audit-rows").count() == 0
    response = page.goto(server.url(f"/partnerships/{pid}/gaps"))
    assert response.status == 200
    tabs = page.get_by_role("navigation", name="Partnership pages")
    expect(tabs.get_by_role("link", name="Gaps")).to_be_visible()
    assert tabs.get_by_role("link", name="Members").count() == 0
    assert tabs.get_by_role("link", name="Audit").count() == 0
    context.close()
    assert not watch.problems(), watch.problems()


def test_markup_in_an_email_is_only_ever_text(page, server, pid, watch):
    page.goto(server.url(f"/partnerships/{pid}/members"))
    expect(page.locator("#members-status")).to_contain_text("1 member")
    page.get_by_label("Email").fill(XSS_EMAIL)
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#add-done")).to_contain_text(f"{XSS_EMAIL} was added as editor")
    row = _row(page, XSS_EMAIL)
    expect(row.locator("th")).to_have_text(XSS_EMAIL)
    expect(page.get_by_label(f"Role of {XSS_EMAIL}")).to_have_value("editor")
    assert page.locator("#member-rows img, #add-done img").count() == 0
    # the hostile member makes a change with a token of their own: the audit names them
    with session_scope(server.engine) as s:
        user = users.get_by_email(session=s, email=XSS_EMAIL)
        _, token = users.create_token(session=s, user=user)
    r = httpx.patch(
        server.url(f"/api/v1/partnerships/{pid}"),
        json={"description": "<b>changed</b>"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    page.goto(server.url(f"/partnerships/{pid}/audit?actor={XSS_EMAIL.replace('&', '%26')}"))
    rows = page.locator("#audit-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(".audit-who")).to_have_text(f"{XSS_EMAIL} (API token)")
    expect(rows.locator(".audit-what")).to_have_text("Changed the partnership")
    expect(rows.locator(".audit-fields")).to_have_text("description")
    expect(page.get_by_label("By")).to_have_value(XSS_EMAIL)
    page.get_by_label("Record").select_option("membership")
    expect(rows).to_have_count(0)
    page.get_by_label("By").fill("")
    page.get_by_label("By").press("Enter")
    expect(page.locator("#audit-rows .audit-what").first).to_have_text(
        f"Added membership of {XSS_EMAIL}"
    )
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)  # give a stray onerror the chance to fire
    assert watch.dialogs == []
