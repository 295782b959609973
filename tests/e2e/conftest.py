"""Browser tests in headless Chromium (Debian's package), driven by Playwright.

Without Chromium they are skipped with a loud message; with REQUIRE_E2E=1 a missing
browser fails the run instead.
"""

import os
import shutil
import threading
import time
import warnings

import pytest
from django.core.signals import request_finished, request_started
from e2e_sessions import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _InFlight:
    """Requests the live server is still answering: a page's script may have sent
    one (a retried save, a step fetched ahead) just before the test ended, and the
    database must not be emptied under it (on PostgreSQL the flush then waits for
    the request's locks, and the request for the flush's)."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    # The test client answers in the test's own thread; only the live server's
    # threads are counted.
    def started(self, **kwargs) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.count += 1

    def finished(self, **kwargs) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.count = max(0, self.count - 1)
            self.changed.notify_all()

    def wait_quiet(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


IN_FLIGHT = _InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e-in-flight-finished")


@pytest.fixture(autouse=True)
def _server_quiet():
    """After each browser test, before its database is emptied, let the requests
    still in flight finish (pytest-django's own autouse fixtures are set up first,
    so this one is torn down before them)."""
    yield
    if not IN_FLIGHT.wait_quiet(timeout=15):
        warnings.warn("requests still in flight after 15 s", stacklevel=1)


def _chromium_missing() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return ""


def pytest_collection_modifyitems(config, items):
    reason = _chromium_missing()
    if not reason:
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"REQUIRE_E2E=1 but browser tests cannot run: {reason}")
    message = f"SKIPPING BROWSER TESTS: {reason}"
    warnings.warn(message, stacklevel=1)
    print(f"\n{'!' * 78}\n{message}\n{'!' * 78}")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def link(live_server):
    """A line to the live server that the test can cut (network.py): its ``url``
    stands for the live server's."""
    from network import Link

    relay = Link(live_server.url)
    yield relay
    relay.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    IN_FLIGHT.wait_quiet(timeout=15)
