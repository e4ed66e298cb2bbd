"""Playwright fixtures for the browser tests: Debian's chromium, headless, against pytest-django's
live server.

Every test under tests/browser/ is marked `browser`. Without /usr/bin/chromium they are skipped
with the reason; under CI (CI=true) a missing chromium is an error instead, so the browser tests
cannot silently stop running there. A browser is never downloaded.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
# Playwright's sync API keeps an asyncio loop running on the main thread for as long as the
# browser lives (the whole session), which would make Django refuse every ORM call made by the
# test code there ("cannot call this from an async context"). Houqin has no async views, so the
# guard protects nothing here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available():
    return os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    if not mine:
        return
    missing = not chromium_available()
    if missing and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(
            f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium)"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    for item in mine:
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server, transactional_db):
    """The live server's address. The browser talks to it from another thread, so the test data
    must be committed: transactional_db, not db."""
    return live_server.url


@contextmanager
def open_page(browser, **options):
    """A page in a fresh context (own cookies). Script errors and Content-Security-Policy
    violations fail the test: a blocked inline script or style is invisible otherwise."""
    options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", **options}
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems))


@pytest.fixture
def page(browser, base_url):
    """A desktop page of a browser set to Chinese, like the schools' computers."""
    with open_page(browser, viewport={"width": 1280, "height": 800}) as page:
        yield page


@pytest.fixture
def phone_page(browser, base_url):
    """A phone-sized touch page (a teacher scanning a room's QR code)."""
    with open_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3
    ) as page:
        yield page


@pytest.fixture
def login(base_url):
    """login(page, username, password): submit the login form and wait for the next page."""

    def do_login(page, username, password):
        page.goto(f"{base_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        return page

    return do_login
