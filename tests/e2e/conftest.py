"""Browser tests: Playwright driving Debian's Chromium against the live server.

Where Chromium is missing these tests are skipped with the command that installs it;
under CI=true a missing browser is a failure, never a skip.
"""

import os
import shutil
import uuid

import pytest

SESSION_QUEUE = f"test-{uuid.uuid4().hex}"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "Chromium is missing: install it with `sudo apt-get install chromium`."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: browser tests must run.)")
        pytest.skip(message)
    # Playwright runs an event loop in this thread; the ORM calls of the tests are
    # still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-SV", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Destructive actions ask for confirmation; the tests say yes, as a user would.
    page.on("dialog", lambda dialog: dialog.accept())
    # Every browser test fails on a console error or an uncaught exception: a page that
    # breaks its own Content-Security-Policy (an inline style htmx adds, say) says so
    # only there. A test that provokes an error on purpose lists it in
    # `page.expected_errors` (a substring of the message).
    errors: list[str] = []
    page.expected_errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    yield page
    context.close()
    unexpected = [e for e in errors if not any(x in e for x in page.expected_errors)]
    assert unexpected == [], "the browser console showed errors"


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Browser tests are transactional: they need the reference data put back."""


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker (a thread of this process) taking tasks from Redis, on a
    queue of this test session's own: jobs go through the broker exactly as in
    production. One queue for the whole session: Celery caches its routes to the
    default queue, so a second worker on a new queue would wait for tasks sent to the
    first one's (a leftover task names a job the flushed database no longer has: the
    runner finds nothing to claim)."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        message = f"Redis is not reachable at {url}: start it (see DESIGN.md)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: this test must run.)")
        pytest.skip(message)
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    }
    app.conf.update(
        broker_url=url,
        task_always_eager=False,
        task_default_queue=SESSION_QUEUE,
        result_backend=None,
    )
    app._pool = None  # no connection kept from another broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield app
    app.conf.update(saved)
    app._pool = None
