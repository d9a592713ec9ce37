"""Session-wide guards (no test reads or writes a real pywikibot or linkbot configuration), and
Debian's Chromium for the tests that look at pages (the web review, the report, the wiki's review pages)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from hypothesis import HealthCheck, settings

from bot.core import ZH_WIKIPEDIA

# The test wiki's fixtures, for tests/wiki and the other folders whose tests use it (tests/web).
pytest_plugins = ["tests.wikisession"]

# HYPOTHESIS_PROFILE=thorough runs many more examples (for bug hunting, not for CI).
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def isolated_configuration(tmp_path_factory):
    """A temporary PYWIKIBOT_DIR, and no LINKBOT_* settings leaking in from the caller's shell."""
    patch = pytest.MonkeyPatch()
    pywikibot_dir = tmp_path_factory.mktemp("pywikibot")
    patch.setenv("PYWIKIBOT_DIR", str(pywikibot_dir))
    patch.setenv("PYWIKIBOT_NO_USER_CONFIG", "2")
    import os as _os

    for name in [name for name in _os.environ if name.startswith("LINKBOT_")]:
        patch.delenv(name, raising=False)
    # Like pre-commit's store fixture: the default queue location cannot be created, so no test
    # can write a queue into a real state folder by accident.
    patch.setenv("XDG_STATE_HOME", "/proc/linkbot-tests-must-not-use-the-default-queue")
    yield pywikibot_dir
    patch.undo()


@pytest.fixture
def zh():
    return ZH_WIKIPEDIA


@pytest.fixture
def browser(tmp_path):
    """Debian's Chromium, headless, driven by Selenium (chromedriver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.fail("chromium or chromium-driver is missing (bash scripts/test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def pytest_collection_finish(session) -> None:
    """pywikibot reads its configuration once, when it is imported: a test module importing it (through
    bot.wiki) while the suite is collected, before the session's PYWIKIBOT_DIR is set, would make every
    test in this process use the user's own configuration, or a real Wikipedia."""
    if "pywikibot" in sys.modules:
        raise pytest.UsageError("a test module imports pywikibot when it is collected (bot.wiki imports it): "
                                "import what needs it inside the test")
