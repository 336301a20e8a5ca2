"""A real browser for tests: Debian's Chromium driven by selenium, headless, network off.

Use the ``browser`` fixture (import it into a test module, or from conftest)::

    from .browser import browser  # noqa: F401  (a pytest fixture)

    def test_page(browser):
        page = browser.open("file:///.../index.html")      # or an http://127.0.0.1 URL
        assert page.find("css selector", "h1")
        assert not page.foreign_requests()                   # nothing left the machine
        page.screenshot(tmp_path / "page.png")

The browser is the system's ``chromium`` with its ``chromedriver`` (Debian packages
``chromium`` and ``chromium-driver``; ``.ci/run`` installs them): selenium is pointed at
both, so nothing is downloaded. Where either is missing, or selenium is not installed,
the tests that use the fixture skip and say why.

The network is off three ways, so a page that would load something from outside fails
here as it would in a classroom without network: DevTools' offline emulation, a proxy that
goes nowhere, and a host resolver that knows no name. A page served by a loopback server
that a test starts (formgrader) is opened with ``offline=False``: the proxy and the
resolver still leave only 127.0.0.1 reachable.
"""
import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = ("chromedriver",)
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "devtools:",
                 "http://127.0.0.1", "http://localhost")


def _which(names, env):
    path = os.environ.get(env)
    if path:
        return path if os.access(path, os.X_OK) else None
    return next(filter(None, (shutil.which(n) for n in names)), None)


def find_browser():
    """(chromium, chromedriver) paths, or (None, reason) when a browser test cannot run."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None, "selenium is not installed (it is in the `test` extra: pip install -e '.[test]')"
    chromium, driver = _which(CHROMIUM, "CHROMIUM"), _which(DRIVER, "CHROMEDRIVER")
    if not chromium or not driver:
        return None, ("no Chromium and chromedriver on this machine "
                      "(apt-get install chromium chromium-driver, as .ci/run does)")
    return (chromium, driver), None


class Page:
    """The open tab: find elements, list the requests it made, take screenshots."""

    def __init__(self, driver):
        self.driver = driver
        self._requests = []

    def find(self, by, value):
        return self.driver.find_elements(by, value)

    def script(self, js, *args):
        return self.driver.execute_script(js, *args)

    def wait_for(self, js, timeout=30.0, what="condition"):
        """Poll a JavaScript expression until it is truthy; fail with `what` otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.driver.execute_script(f"return ({js});")
            if value:
                return value
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")

    def requests(self):
        """Every URL the page asked for since it was opened (from DevTools' log)."""
        for entry in self.driver.get_log("performance"):  # reading the log empties it
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])
        return list(self._requests)

    def foreign_requests(self):
        """Requests to anything but local files and loopback servers: must be none offline."""
        return [u for u in self.requests() if not u.startswith(LOCAL_SCHEMES)]

    def console_errors(self):
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def screenshot(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return Path(path)


class Browser:
    def __init__(self, driver):
        self.driver = driver

    def open(self, url, width=1280, height=800, offline=True):
        """Load url; offline=False lets the page reach loopback servers (nothing else)."""
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.driver.set_window_size(width, height)
        self.driver.get_log("performance")  # forget the requests of the previous page
        self.driver.get(str(url))
        return Page(self.driver)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium with the network off; skips the test where there is none."""
    found, reason = find_browser()
    if not found:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        yield Browser(driver)
    finally:
        driver.quit()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (yet)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(root, ready="/api/status", timeout=120.0):
    """Serve ``root`` with a plain ``jupyter server`` on a free loopback port; yield its URL.

    Every installed server extension loads (nbgrader's formgrader, RISE); no token (only
    this machine can reach 127.0.0.1). Waits until ``ready`` answers 200; stopped on exit.
    """
    import subprocess
    import sys
    import urllib.request

    port = free_port()
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    cmd = [sys.executable, "-m", "jupyter", "server", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           "--IdentityProvider.token=", "--ServerApp.password=",
           f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI runs as root; jupyter refuses then
        cmd.append("--allow-root")
    log_path = Path(root) / ".jupyter-server-test.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter server exited with {proc.returncode}:\n"
                            + log_path.read_text()[-3000:])
            try:
                with direct.open(url + ready, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{url}{ready} did not answer within {timeout:.0f} s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def formgrader(course):
    """nbgrader's formgrader for ``course`` (a context manager yielding the server's URL)."""
    return jupyter_server(course, ready="/formgrader/api/students")
