"""Fixtures for the web chat tests in a real (headless) Chromium, driven by Selenium.

* ``web_build``: runs web/build.sh once when the vendored socket.io client or axe-core is missing.
* ``fake_rasa``: the stand-in socket.io server of fake_rasa.py (pure UI tests only).
* ``site_factory``: serves web/ on a free port with the Sanic app of scripts/serve_web.py (``site_app``, what
  ``make run`` serves: the same files, headers and Content-Security-Policy), the page's ``data-server`` rewritten
  to the Rasa server under test.
* ``browser_factory``: starts Chromium (Debian's /usr/bin/chromium + /usr/bin/chromedriver).

Environment: OPSW_CHROMIUM (default /usr/bin/chromium), OPSW_CHROMEDRIVER (default
/usr/bin/chromedriver). Without them the browser tests are skipped, except under CI=true,
where they fail.
"""

import importlib.util
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.workbench.conftest import Served

from .fake_rasa import FakeRasa, free_port

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
AXE_JS = WEB / "node_modules" / "axe-core" / "axe.min.js"
SOCKET_IO_JS = WEB / "vendor" / "socket.io.min.js"

CHROMIUM = os.environ.get("OPSW_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("OPSW_CHROMEDRIVER", "/usr/bin/chromedriver")


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def web_build() -> Path:
    if not (SOCKET_IO_JS.is_file() and AXE_JS.is_file()):
        if not shutil.which("npm"):
            _missing("npm is needed to build web/ (web/build.sh)")
        subprocess.run(["bash", str(WEB / "build.sh")], check=True, timeout=600)
    assert SOCKET_IO_JS.is_file(), "web/build.sh did not produce web/vendor/socket.io.min.js"
    return WEB


# --------------------------------------------------------------------------------------------
# The web server of `make run` (web/ as document root)
# --------------------------------------------------------------------------------------------
def _load_serve_web():
    """scripts/serve_web.py: the web server of `make run`, which rewrites data-server."""
    spec = importlib.util.spec_from_file_location("opsw_serve_web", ROOT / "scripts" / "serve_web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_serve_web = _load_serve_web()


class Site:
    """web/ as ``make run`` serves it (``serve_web.site_app``, without the staff pages), in a thread on a free
    loopback port; ``url`` is the page."""

    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url
        self.server = Served(_serve_web.site_app(WEB, rasa_url.rstrip("/")))
        self.url = self.server.url + "/"

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def site_factory(web_build) -> Iterator[Callable[[str], Site]]:
    sites: list[Site] = []

    def make(rasa_url: str) -> Site:
        site = Site(rasa_url)
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()


# --------------------------------------------------------------------------------------------
# Fake Rasa (UI tests only)
# --------------------------------------------------------------------------------------------
@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    server = FakeRasa(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def fake_site(site_factory, fake_rasa) -> Site:
    return site_factory(fake_rasa.url)


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------
@pytest.fixture
def browser_factory() -> Iterator[Callable[..., "object"]]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install selenium)")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not Path(binary).exists():
            _missing(f"{binary} not found (apt-get install chromium chromium-driver)")

    drivers = []
    profiles = []

    def make(width: int = 1280, height: int = 900, text_size: int = 100):
        """text_size: the browser's own text size in % (its font size setting; 200 makes 1rem and
        the em of media queries 32 px), not zoom."""
        profile = tempfile.mkdtemp(prefix="osw-chromium-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=nl-NL",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ):
            options.add_argument(arg)
        if text_size != 100:
            options.add_experimental_option(
                "prefs",
                {
                    "webkit.webprefs.default_font_size": 16 * text_size // 100,
                    "webkit.webprefs.default_fixed_font_size": 13 * text_size // 100,
                },
            )
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        try:
            driver.quit()
        except Exception:
            pass
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(browser_factory):
    return browser_factory()
