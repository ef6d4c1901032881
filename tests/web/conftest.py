"""Browser tests of the web map: the real app, served on 127.0.0.1, driven by headless Chromium.

``app_url`` starts ``maillage serve`` (``python -m cli serve``) in a subprocess on a free port,
with a fresh ``MAILLAGE_DATA_DIR`` in the session's temp directory: the embedded ArcadeDB server
starts there and the app's first-run bootstrap loads the schema, the territories and the movement
reference dataset. Its output is kept in ``serve.log`` and printed when it fails to start.

``driver`` is Selenium over Debian's ``chromium`` and ``chromium-driver`` (installed by
``scripts/install-test-deps.sh``). When they are missing the tests *fail*, they do not skip: a
web map that was never opened in a browser is not tested. Chromium runs with the flags this
closed network needs (no background connections, no first-run, a fresh profile).

Every test leaves a screenshot in ``test-artifacts/screenshots/`` (git-ignored), passed or
failed: ``<test name>.png``, plus the named ones a test takes with ``shot``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("MAILLAGE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MAILLAGE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
START_TIMEOUT = 240.0  # first start: JVM, schema, 35k communes, the reference dataset
INSTALL_HINT = "run `scripts/install-test-deps.sh` (apt: chromium chromium-driver; pip: selenium)"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 3.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def graphql(
    base_url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> Any:
    """Ask the app's GraphQL API directly (to know what the page should show; with an editor
    ``token``, to change the graph)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{base_url}/graphql", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


@pytest.fixture(scope="session")
def app_url(_app: tuple[str, str]) -> str:
    """The base URL of a running app with the movement reference dataset loaded."""
    return _app[0]


@pytest.fixture(scope="session")
def app_data_dir(_app: tuple[str, str]) -> str:
    """The data directory of that app (for a CLI command on the same graph)."""
    return _app[1]


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app's base URL and data directory.

    ``MAILLAGE_TEST_URL`` points the tests at an app already running instead (for working on
    the page: ``maillage serve`` in one terminal, ``pytest -m browser`` in another), whose data
    directory is ``MAILLAGE_DATA_DIR`` (or the default one).
    """
    if os.environ.get("MAILLAGE_TEST_URL"):
        from queries.store import StoreSettings

        yield os.environ["MAILLAGE_TEST_URL"].rstrip("/"), str(StoreSettings().data_dir)
        return
    data_dir = tmp_path_factory.mktemp("maillage-web")
    port = _free_port()
    env = {
        **os.environ,
        "MAILLAGE_BACKEND": "embedded",
        "MAILLAGE_DATA_DIR": str(data_dir),
        "MAILLAGE_HOST": "127.0.0.1",
        "MAILLAGE_PORT": str(port),
        "MAILLAGE_EMBEDDED_HEAP": "768m",
        "MAILLAGE_BOOTSTRAP": "true",
        "MAILLAGE_PUBLIC_READ": "true",
    }
    log_path = data_dir / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"`maillage serve` exited with {process.returncode}:\n"
                    + log_path.read_text(errors="replace")[-4000:]
                )
            with contextlib.suppress(OSError):
                status, _ = _get(f"{base}/ready")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`maillage serve` not ready after {START_TIMEOUT:.0f} s:\n"
                    + log_path.read_text(errors="replace")[-4000:]
                )
            time.sleep(0.5)
        yield base, str(data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        from queries.store.embedded import EmbeddedServer

        EmbeddedServer(data_dir).stop()


def _check_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    if missing:
        pytest.fail(f"browser tests need {', '.join(missing)}: {INSTALL_HINT}")
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.fail(f"browser tests need the selenium package: {INSTALL_HINT}")


def make_driver(
    profile: Path,
    downloads: Path,
    *,
    language: str = "fr-FR",
    size: tuple[int, int] = (1366, 860),
    flags: tuple[str, ...] = (),
    performance_log: bool = False,
) -> Any:
    """A headless Chromium with a fresh profile, a download folder and a browser language
    (``flags``: more command-line switches; ``performance_log``: record the network events,
    for ``driver.get_log("performance")``)."""
    _check_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--lang={language}")
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    for flag in flags:
        options.add_argument(flag)
    logging_prefs = {"browser": "ALL"}
    if performance_log:
        logging_prefs["performance"] = "ALL"
    options.set_capability("goog:loggingPrefs", logging_prefs)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": language,
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    # an explicit driver path: Selenium Manager would otherwise try to download one
    log = str(profile.parent / "chromedriver.log")
    service = Service(executable_path=CHROMEDRIVER, log_output=log)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


@pytest.fixture(scope="session")
def _session_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    base = tmp_path_factory.mktemp("chromium")
    downloads = base / "downloads"
    downloads.mkdir()
    driver = make_driver(base / "profile", downloads)
    driver.downloads = downloads
    yield driver
    driver.quit()


def _test_name(request: pytest.FixtureRequest) -> str:
    name: str = request.node.name
    return name.replace("/", "_").replace("[", "-").replace("]", "")


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """``shot(driver, "name")`` saves test-artifacts/screenshots/<test>--<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(driver: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{_test_name(request)}--{name}.png"
        driver.save_screenshot(str(path))
        return path

    return take


@pytest.fixture
def driver(_session_driver: Any, app_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The session's browser on a fresh page of the map (French, no stored choice)."""
    drv = _session_driver
    drv.set_window_size(1366, 860)
    drv.get(f"{app_url}/")
    drv.execute_script("window.localStorage.clear()")
    for leftover in drv.downloads.iterdir():
        leftover.unlink()
    drv.refresh()
    wait_ready(drv)
    # what loading the page logged: the security policy the server sends (api/middleware.py)
    # must refuse nothing the map needs, or the map would silently lose a part
    loaded = drv.get_log("browser")
    refused = [e for e in loaded if "Content Security Policy" in str(e.get("message"))]
    assert not refused, f"the security policy refused part of the map: {refused}"
    yield drv
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(SCREENSHOTS / f"{_test_name(request)}.png"))
    logs = drv.get_log("browser")
    errors = [e for e in logs if e.get("level") == "SEVERE"]
    assert not errors, f"the page logged errors: {errors}"


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            last = predicate()
            if last:
                return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s: {message or predicate}")


def wait_ready(driver: Any, timeout: float = 60.0) -> None:
    """Wait until the page has loaded its actors (or failed to)."""
    wait_for(
        lambda: driver.execute_script(
            "return document.body.dataset.ready === 'true' "
            "&& document.getElementById('map').dataset.loaded !== 'false'"
        ),
        timeout,
        "the page did not finish loading",
    )
    state = driver.execute_script("return document.getElementById('map').dataset.loaded")
    status = driver.execute_script("return document.getElementById('status').textContent")
    assert state == "true", f"the page could not load the actors: {status}"
