"""Browser tests: Playwright driving Debian's Chromium against the live server.

Where Chromium is missing these tests are skipped with the command that installs it;
under CI=true a missing browser is a failure, never a skip.
"""

import os
import shutil
from importlib import import_module

import pytest

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
    yield page
    context.close()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Branches and roles as the migrations load them.

    A transactional test flushes every table when it ends, so the reference data of the
    data migrations must be put back for the next one (post_migrate recreates the
    content types and permissions, not the rest).
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    import_module("employers.migrations.0003_reference_data").load(apps, None)
    role_permissions = import_module("people.migrations.0002_roles").ROLE_PERMISSIONS
    for role, perms in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in (perm.split(".") for perm in perms)
            ]
        )
