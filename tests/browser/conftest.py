"""Playwright on Debian's Chromium. Elsewhere these tests skip, saying why; in CI
(PLAN_TRACKER_REQUIRE_BROWSER=1) a missing browser is a failure, never a skip."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = os.environ.get("PLAN_TRACKER_SCREENSHOTS", "test-artifacts/screenshots")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package", autouse=True)
def _sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread while `browser` lives; Django then
    refuses ORM calls from the test body (and from the database flush after each test) unless
    told it is safe. It is: the loop is Playwright's, and nothing of ours runs in it. Allowed
    for these tests only: the variable goes after the package's last test and its flush."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_sync_orm_beside_playwright):
    available = os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)
    if not available:
        if os.environ.get("PLAN_TRACKER_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and CI requires the browser tests")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium to run these")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps a thread's connections apart for each async context while an event loop runs
    # in the thread. Once Playwright's loop runs, the ORM would get fresh connections: without
    # the copy of the database that serialized rollback restores, so the flush after each test
    # would run post_migrate and leave rows (content types) behind for the next test outside
    # this package to collide with. The test's connections are the thread's, loop or not.
    ours = {alias: connections[alias] for alias in connections}
    with sync_playwright() as p:
        for alias, connection in ours.items():
            connections[alias] = connection
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield b
            b.close()
        finally:
            for alias in ours:
                del connections[alias]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


def login(page, username, password):
    """Sign in through the form and wait for the page it lands on: a test's next navigation
    must not race the sign-in's own redirect."""
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("load")


def shot(page, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
