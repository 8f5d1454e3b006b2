"""Signing in and out in a real browser: the one-time link and the email-and-password form."""

from __future__ import annotations

from tests.web.conftest import (
    ADMIN,
    PASSWORD,
    Watch,
    open_context,
    screenshot,
    watch_page,
)
from web.auth import LINK_FAILED, SIGN_IN_FAILED


def _fresh(browser, server, watch):
    context = open_context(browser, server, watch, email=None)
    page = context.new_page()
    watch_page(page, watch)
    return context, page


def _check(watch: Watch) -> None:
    problems = watch.problems()
    assert not problems, "\n".join(problems)


def test_sign_in_with_the_one_time_link(browser, server):
    watch = Watch()
    context, page = _fresh(browser, server, watch)
    link = server.login_link()
    page.goto(server.url(link))
    assert page.url == server.url("/")
    card = page.locator(f'.pcard[data-pid="{server.demo_id}"]')
    card.locator("[data-metric=stakeholders]").wait_for()
    summary = server.get(f"/partnerships/{server.demo_id}/analysis/summary")
    assert card.locator("[data-metric=stakeholders]").inner_text() == str(summary["reach"]["N"])
    gaps = server.get(f"/partnerships/{server.demo_id}/analysis/gaps")["gaps"]
    high = sum(1 for g in gaps if g["severity"] == "high")
    assert card.locator("[data-metric=high_gaps]").inner_text() == str(high)
    cookie = next(c for c in context.cookies() if c["name"] == "stakemap_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    screenshot(page, "partnerships")

    # The link is spent: a second browser gets the generic refusal.
    other = Watch()
    other.allow("status of 400")
    context2, page2 = _fresh(browser, server, other)
    page2.goto(server.url(link))
    assert page2.locator("#login-error").inner_text() == LINK_FAILED
    context2.close()
    context.close()
    _check(watch)
    _check(other)


def test_sign_in_with_email_and_password_then_out(browser, server):
    watch = Watch()
    watch.allow("status of 400")
    context, page = _fresh(browser, server, watch)
    page.goto(server.url(f"/partnerships/{server.demo_id}/gaps"))
    assert "/login?next=" in page.url
    screenshot(page, "login")
    page.fill("#email", ADMIN)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == SIGN_IN_FAILED
    assert page.locator("#email").input_value() == ADMIN
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url(f"/partnerships/{server.demo_id}/gaps"))
    page.locator(".gap").first.wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(server.url("/login"))
    page.goto(server.url("/"))
    assert page.url.startswith(server.url("/login"))
    context.close()
    _check(watch)


def test_a_new_partnership_from_the_list(page, server):
    page.goto(server.url("/"))
    page.locator(".pcard").first.wait_for()
    page.click("text=Create partnership")
    assert page.locator("#create-name-error").inner_text() == "Give the partnership a name."
    page.fill("#create-name", "Eastbrook Children's Centres")
    page.fill("#create-description", "Four centres and their partners")
    page.click("text=Create partnership")
    page.wait_for_url("**/partnerships/*")
    pid = int(page.url.rsplit("/", 1)[1])
    assert server.get(f"/partnerships/{pid}")["name"] == "Eastbrook Children's Centres"
    page.wait_for_selector("#map[data-state=ready]")
    status = page.locator("#map-status").inner_text()
    assert status.startswith("Only the hub so far. Add stakeholders")
    screenshot(page, "map-empty")
