"""A real server (`ecabinet run`, gevent) on a free port, and Debian's Chromium via Playwright.

Every server starts from a copy of one demo data set, made once per run (`db upgrade` and
`demo-data` cost ~15 s on a loaded machine, mostly drawing the demo PDFs). Modules marked
`shared_server` share one server for the whole run; the others get their own.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import (
    DEMO_DIR_VARIABLE,
    DEMO_PASSWORD,
    WORKER,
    require_service,
    shared_demo_folder,
)

CHROMIUM = os.environ.get("ECABINET_CHROMIUM", "/usr/bin/chromium")
E2E_TIMEOUT_MS = int(float(os.environ.get("ECABINET_E2E_TIMEOUT_S", "120")) * 1000)
"""How long a page may take to show what a test waits for (Playwright's default is 30 s,
which a loaded 2-core machine exceeds). Tests wait for the page's own signals (`data-ready`,
a text, a flag), so a fast machine waits no longer; this only bounds a failure."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_database_url(tmp_path: Path, name: str, template: str | None = None) -> str:
    """A database of the server's own: a SQLite file, or a new PostgreSQL database (a copy
    of the `template` database when given)."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


class DemoTemplate:
    """The demo data set (database and instance folder: keys, encrypted files), made once per
    run and copied for each server: a SQLite file copy or `CREATE DATABASE … TEMPLATE`.

    The workers of a split SQLite run share one (`demo-data` costs ~12 s of CPU, mostly
    drawing the demo PDFs): the first makes it under a lock, the others wait and copy it,
    and the run's main process removes it (`tests/conftest.py`); under `make test`, all its
    SQLite runs share the one in $ECABINET_TEST_DEMO_DIR, which the Makefile removes. A
    PostgreSQL run keeps one per process: `CREATE DATABASE … TEMPLATE` refuses a template
    another copy is reading."""

    _made: DemoTemplate | None = None

    def __init__(self, folder: Path):
        self.folder = folder
        self.pg_name = f"ecabinet_e2e_demo_{os.getpid()}"
        self.database_url = _fresh_database_url(self.folder, self.pg_name)
        self.instance = self.folder / "instance"

    def build(self) -> None:
        env = {**os.environ, **_SERVER_ENV, "ECABINET_INSTANCE": str(self.instance),
               "DATABASE_URL": self.database_url}
        env.pop("REDIS_URL", None)
        for args in (("db", "upgrade"), ("demo-data",)):
            subprocess.run([sys.executable, "-m", "ecabinet", *args], env=env,
                           capture_output=True, text=True, timeout=300, check=True)

    @classmethod
    def get(cls) -> DemoTemplate:
        if cls._made is not None:
            return cls._made
        if (WORKER or os.environ.get(DEMO_DIR_VARIABLE)) and not os.environ.get("DATABASE_URL"):
            folder = shared_demo_folder()
            folder.mkdir(parents=True, exist_ok=True)
            made = cls(folder)
            with open(folder / "lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                if not (folder / "ready").exists():
                    made.build()
                    (folder / "ready").touch()
        else:
            made = cls(Path(tempfile.mkdtemp(prefix="ecabinet-demo-")))
            made.build()
            atexit.register(made.remove)
        cls._made = made
        return made

    def copy_to(self, tmp_path: Path, name: str) -> str:
        """Give a server its own copy under `tmp_path`; return its database URL."""
        shutil.copytree(self.instance, tmp_path / "instance", dirs_exist_ok=True)
        url = _fresh_database_url(tmp_path, name, template=self.pg_name)
        if url.startswith("sqlite:///"):
            source = make_url(self.database_url).database
            shutil.copyfile(source, make_url(url).database)
            # demo-data has exited, so its WAL is checkpointed; copy what may remain of it
            if Path(source + "-wal").exists():
                shutil.copyfile(source + "-wal", make_url(url).database + "-wal")
        return url

    def remove(self) -> None:
        if not self.database_url.startswith("sqlite:"):
            _drop_database(self.database_url)
        shutil.rmtree(self.folder, ignore_errors=True)


_SERVER_ENV = {"ECABINET_DEMO_PASSWORD": DEMO_PASSWORD,
               # demo-data and the server hash in milliseconds (see ecabinet/config.py)
               "ECABINET_PASSWORD_HASH": "test"}


class LiveServer:
    def __init__(self, tmp_path: Path, redis_url: str | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp_path = tmp_path
        self.database_url = _fresh_database_url(tmp_path, f"ecabinet_e2e_{self.port}")
        self.env = {**os.environ, "ECABINET_INSTANCE": str(tmp_path / "instance"),
                    "DATABASE_URL": self.database_url, "PORT": str(self.port), **_SERVER_ENV}
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.log = tmp_path / "server.log"
        self.process = None

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "ecabinet", *args], env=self.env,
                              capture_output=True, text=True, timeout=120, check=True)

    def start(self) -> LiveServer:
        """Load the demo data (a copy of the run's template) and serve it."""
        self.tmp_path.mkdir(parents=True, exist_ok=True)
        self.database_url = DemoTemplate.get().copy_to(self.tmp_path,
                                                       f"ecabinet_e2e_{self.port}")
        self.env["DATABASE_URL"] = self.database_url
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "ecabinet", "run"],
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                break
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def stop(self) -> None:
        """Stop the server and drop its PostgreSQL database (`start` makes a fresh copy)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if not self.database_url.startswith("sqlite:"):
            _drop_database(self.database_url)

    def user_id(self, username: str) -> int:
        engine = create_engine(self.database_url)
        with engine.connect() as conn:
            user_id = conn.execute(text("SELECT id FROM users WHERE username = :u"),
                                   {"u": username}).scalar_one()
        engine.dispose()
        return user_id


@pytest.fixture(scope="session")
def shared_live_server(tmp_path_factory):
    """One server for the run, for the modules marked `shared_server`."""
    server = LiveServer(tmp_path_factory.mktemp("live-shared")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory):
    """A server on the demo data: the run's shared one for a module marked `shared_server`
    (its tests may add data but leave what others read as it was), else the module's own."""
    if request.node.get_closest_marker("shared_server"):
        yield request.getfixturevalue("shared_live_server")
        return
    server = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()


class PatientBrowser:
    """The Playwright browser, whose pages and contexts wait up to E2E_TIMEOUT_MS."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        return _patient(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        return _patient(self._browser.new_page(**kwargs))


def _patient(target):
    target.set_default_timeout(E2E_TIMEOUT_MS)
    target.set_default_navigation_timeout(E2E_TIMEOUT_MS)
    return target


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an asyncio loop running while it is open,
    which would break later tests that call asyncio.run() (pyHanko does)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        require_service("Chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=E2E_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield PatientBrowser(browser)
        browser.close()


class PageWatcher:
    """Collect what a person would not see but must not happen: CSP violations, JS errors."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")


def wait_ready(page) -> None:
    """Wait until the page's scripts have set up (static/js/base.js sets html[data-ready])."""
    page.locator("html[data-ready]").wait_for(state="attached")


_SIGNED_IN: dict[tuple[str, str], list] = {}
"""(server, username) -> the cookies of a sign-in through the form, for the next context."""


def sign_in(page, base_url: str, username: str, *, through_form: bool = False) -> None:
    """Sign in and land on the home page. The first sign-in of a user on a server goes
    through the form; later ones carry its session cookie into the new context, as a tablet
    that is still signed in (a sign-in costs ~1 s of a loaded machine's CPU, ~50 a run).
    A session the server has ended falls back to the form; `through_form` asks for it."""
    cookies = _SIGNED_IN.get((base_url, username))
    if cookies and not through_form:
        page.context.add_cookies(cookies)
        page.goto(base_url + "/")
        wait_ready(page)
        if page.url == base_url + "/":
            return
        page.context.clear_cookies()
    _sign_in_through_form(page, base_url, username)
    _SIGNED_IN[(base_url, username)] = page.context.cookies(base_url)


def _sign_in_through_form(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login")
    wait_ready(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base_url + "/")
    wait_ready(page)


def sign_out(page) -> None:
    """Leave the site before dropping the cookies: a request still in flight from the page
    (a socket poll, a fetch) would otherwise set the session cookie again on its way back."""
    page.goto("about:blank")
    page.context.clear_cookies()


DEMO_MEETING = "Phiên họp thường kỳ tháng 12 năm 2026"
"""The demo's published regular meeting, which the room, follow and invitation tests use."""


def open_meeting(browser, base_url: str, username: str, width: int, height: int = 844):
    """A new browser context signed in as `username`, on the demo meeting's page:
    (context, page, watcher)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, base_url, username)
    with page.expect_navigation():
        page.get_by_text(DEMO_MEETING).first.click()
    return context, page, watcher
