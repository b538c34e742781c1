"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL via DATABASE_URL),
emptied before each test; an app per test; `auth` to sign in; `world` with one user per role."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ecabinet import create_app
from ecabinet.config import TEST_PASSWORD_HASH, normalise_database_url
from tests import route_builders, shared_engines

route_builders.install()  # an app per test, without recompiling its URL builders each time
shared_engines.install()  # nor opening a new engine (connections, compiled statements)

IN_CI = os.environ.get("CI") == "true"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""pytest-xdist's name for this process ("gw0", "gw1", …), empty when the run is not split."""
DEMO_PASSWORD = "Test-Passw0rd-2025"

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    **TEST_PASSWORD_HASH,
    "REDIS_URL": None,
}


def pytest_configure(config):
    """Workers of one split run share the PostgreSQL server and Redis: each keeps its own
    database (see `database_url`) and its own Redis queue and socket channel, inherited by
    the servers and workers its tests start."""
    if WORKER:
        base = os.environ.get("ECABINET_QUEUE_NAME") or "ecabinet-test"
        os.environ["ECABINET_QUEUE_NAME"] = f"{base}-{WORKER}"


def pytest_collection_finish(session):
    """Collect less often, as the server does: a test process holds the app's modules, the
    collected tests and the shared data sets, which Python's collector would walk again
    every few thousand allocations (~7% of a run). Frozen, they are left out of every later
    collection."""
    from ecabinet.server import freeze_startup_heap

    freeze_startup_heap()


def _run_key(pid: int) -> str:
    """A process's id and start time: names what belongs to one run, even after pid reuse."""
    try:
        started = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except OSError:
        started = "0"
    return f"{pid}-{started}"


DEMO_DIR_VARIABLE = "ECABINET_TEST_DEMO_DIR"
"""`make test` names one folder for the e2e demo template of all its passes (and removes it)."""


def shared_demo_folder() -> Path:
    """Where the workers of a split run keep their one e2e demo template (tests/e2e)."""
    if os.environ.get(DEMO_DIR_VARIABLE):
        return Path(os.environ[DEMO_DIR_VARIABLE])
    main = os.getppid() if WORKER else os.getpid()  # pytest-xdist's workers are its children
    return Path(tempfile.gettempdir()) / f"ecabinet-demo-run-{_run_key(main)}"


def pytest_sessionfinish(session):
    """The run's main process removes what its workers shared."""
    shared_engines.dispose_all()
    if not WORKER and not os.environ.get(DEMO_DIR_VARIABLE):
        shutil.rmtree(shared_demo_folder(), ignore_errors=True)


SLOW_FIRST = ("tests/e2e/", "tests/test_authorization_walk.py")
"""Files that take the longest: a split run hands them out first, so that no worker is
left alone with one of them at the end while the other has finished."""


def _slow_first(item) -> int:
    path = item.nodeid.split("::")[0]
    return next((rank for rank, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)),
                len(SLOW_FIRST))


def pytest_collection_modifyitems(config, items):
    """A test marked dbless runs in one pass only, so it must not use the test database."""
    for item in items:
        if item.get_closest_marker("dbless") and "database_url" in getattr(item, "fixturenames",
                                                                            ()):
            raise pytest.UsageError(f"{item.nodeid} is marked dbless but uses the database")
    if WORKER:
        items.sort(key=_slow_first)  # stable: each file keeps its own order


def require_service(name: str, reason: str) -> None:
    """Outside CI a missing service skips the test; in CI it fails, as the README promises."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _prepare_postgres(url: str) -> None:
    """Create the test database when missing, then start it from an empty schema."""
    parsed = make_url(url)
    admin_url = parsed.set(database="postgres")
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": parsed.database}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        require_service("PostgreSQL", str(exc).splitlines()[0])
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        # A test database need not survive a crash of PostgreSQL itself: commits stop waiting
        # for the disk (every process that connects, servers under test included). What the
        # tests check is unchanged: a commit is still visible to every other connection.
        conn.execute(text(f'ALTER DATABASE "{parsed.database}" SET synchronous_commit = off'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate one database for the whole run, through Alembic as production does."""
    url = os.environ.get("DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        if WORKER:
            parsed = make_url(url)
            url = parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(
                hide_password=False)
        _prepare_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        from ecabinet.extensions import db

        db.engine.dispose()
    return url


_SEQUENCES: list[str] = []


def _postgres_sequences() -> list[str]:
    """The schema's sequences, read once: the schema does not change during a run."""
    from ecabinet.extensions import db

    if not _SEQUENCES:
        _SEQUENCES.extend(db.session.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = current_schema()")).scalars())
    return _SEQUENCES


def empty_database() -> None:
    """Delete every row (keeping the schema) and restart the audit chain."""
    from ecabinet.audit.service import GENESIS_HASH
    from ecabinet.extensions import db

    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table costs 0.2-0.4 s (new
    # files for each table), a DELETE of a test's few rows ~8 ms; both restart the ids.
    statements = [f"DELETE FROM {t.name}"  # noqa: S608 - our own table names
                  for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # setval, not ALTER SEQUENCE … RESTART: the latter is transactional and writes a new
        # file per sequence (~19 ms for the schema's 33); setval restarts them in ~1 ms.
        statements.append("SELECT " + ", ".join(f"setval('{name}', 1, false)"
                                               for name in _postgres_sequences()))
        db.session.connection().exec_driver_sql("; ".join(statements))  # one round trip
    else:
        for statement in statements:
            db.session.execute(text(statement))
    db.session.execute(text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :h)"),
                       {"h": GENESIS_HASH})
    db.session.commit()


class FreshContextClient(FlaskClient):
    """Run each request in its own app context, as a server does: the test keeps its own
    context open for service calls, and `g` (which caches the CSRF token) must not leak."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    app.test_client_class = FreshContextClient
    with app.app_context():
        empty_database()
        yield app
    release_app(app)


def release_app(app) -> None:
    """`close_app` at the end of a test, leaving open the engine that the next test's app
    shares (tests/shared_engines.py): its connections go back to the pool."""
    from ecabinet.extensions import db
    from ecabinet.server import close_app

    with app.app_context():
        shared = shared_engines.is_shared(db.engine)
    close_app(app, dispose_engine=not shared)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client) -> str:
    """Read the CSRF token the way a browser gets it: from the page's meta tag."""
    response = client.get("/login", follow_redirects=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.text)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = DEMO_PASSWORD, **extra):
        return self._client.post("/login", data={"username": username, "password": password,
                                                  "csrf_token": csrf_token(self._client)},
                                 **extra)

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": csrf_token(self._client)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@dataclass
class World:
    """A province body with a department and a ward body, one user per role, one meeting."""

    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    meeting: object = None
    """Published, with one agenda item (`item`)."""
    item: object = None
    submitted: object = None
    """Another meeting of the province, waiting for the chair's approval."""
    draft: object = None
    """A draft with one agenda item, ready to be submitted."""
    approved: object = None
    """An approved meeting, ready to be published."""


def build_world() -> World:
    from datetime import timedelta

    from ecabinet.accounts import service as accounts
    from ecabinet.accounts.models import RoleKind, UnitKind
    from ecabinet.accounts.service import RoleGrant, UnitData, UserData
    from ecabinet.core.timeutil import utcnow
    from ecabinet.meetings import service as meetings
    from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole

    world = World()
    province = accounts.create_unit(UnitData("UBND tỉnh Thử Nghiệm", "ubnd-tn", UnitKind.PROVINCE,
                                             is_body=True, place_name="Thử Nghiệm",
                                             abbreviation="UBND"), actor=None)
    department = accounts.create_unit(UnitData("Sở Tài chính", "so-tc", UnitKind.DEPARTMENT,
                                               parent_id=province.id), actor=None)
    ward = accounts.create_unit(UnitData("UBND phường Một", "ubnd-p1", UnitKind.WARD,
                                         parent_id=province.id, is_body=True), actor=None)
    world.units = {"province": province, "department": department, "ward": ward}
    people = {
        "admin": ("Quản Trị Viên", [RoleGrant(RoleKind.ADMIN)]),
        "member": ("Phạm Quốc Bảo", [RoleGrant(RoleKind.MEMBER, province.id)]),
        "secretariat": ("Trần Thị Hà", [RoleGrant(RoleKind.SECRETARIAT, province.id)]),
        "chair": ("Nguyễn Văn Hùng", [RoleGrant(RoleKind.CHAIR, province.id),
                                      RoleGrant(RoleKind.MEMBER, province.id)]),
        "clerk": ("Phan Văn Tài", [RoleGrant(RoleKind.CLERK, department.id)]),
        "outsider": ("Lê Văn Ngoài", [RoleGrant(RoleKind.MEMBER, ward.id)]),
    }
    for username, (full_name, grants) in people.items():
        world.users[username] = accounts.create_user(
            UserData(username=username, full_name=full_name, unit_id=department.id),
            DEMO_PASSWORD, grants, actor=None)
    start = utcnow() + timedelta(days=2)
    world.meeting = meetings.create_meeting(
        meetings.MeetingData(body_id=province.id, title="Phiên họp thường kỳ",
                             kind=MeetingKind.REGULAR, starts_at=start,
                             ends_at=start + timedelta(hours=3), place="Phòng họp 1"),
        {world.users["chair"].id: ParticipantRole.CHAIR,
         world.users["member"].id: ParticipantRole.DELEGATE},
        actor=None, status=MeetingStatus.PUBLISHED)
    from ecabinet.meetings import agenda

    world.item = agenda.add_item(world.meeting, agenda.ItemData("Báo cáo kinh tế - xã hội", 30),
                                 actor=None)
    world.submitted = meetings.create_meeting(
        meetings.MeetingData(body_id=province.id, title="Phiên họp chuyên đề",
                             kind=MeetingKind.THEMATIC, starts_at=start + timedelta(days=7),
                             ends_at=start + timedelta(days=7, hours=2)),
        {world.users["chair"].id: ParticipantRole.CHAIR,
         world.users["member"].id: ParticipantRole.DELEGATE},
        actor=None, status=MeetingStatus.SUBMITTED)
    for name, status in (("draft", MeetingStatus.DRAFT), ("approved", MeetingStatus.APPROVED)):
        meeting = meetings.create_meeting(
            meetings.MeetingData(body_id=province.id, title=f"Phiên họp ({name})",
                                 kind=MeetingKind.REGULAR, starts_at=start + timedelta(days=14),
                                 ends_at=start + timedelta(days=14, hours=2)),
            {world.users["chair"].id: ParticipantRole.CHAIR,
             world.users["member"].id: ParticipantRole.DELEGATE},
            actor=None)
        agenda.add_item(meeting, agenda.ItemData("Mục duy nhất", 20), actor=None)
        meeting.status = status
        setattr(world, name, meeting)
    from ecabinet.extensions import db

    db.session.commit()
    return world


@dataclass(frozen=True)
class _WorldRows:
    """Every row a first build_world() wrote, and which rows the World's fields are."""

    rows: tuple[tuple[object, tuple[dict, ...]], ...]
    """(table, its rows) in dependency order."""
    refs: dict
    """World field -> (model, id), or for `units`/`users` name -> (model, id)."""


_WORLD_ROWS: dict[str, _WorldRows] = {}


def _world_refs(world: World) -> dict:
    refs = {name: {key: (type(obj), obj.id) for key, obj in getattr(world, name).items()}
            for name in ("units", "users")}
    for name in ("meeting", "item", "submitted", "draft", "approved"):
        obj = getattr(world, name)
        refs[name] = (type(obj), obj.id)
    return refs


def _copy_world_rows(world: World) -> _WorldRows:
    from sqlalchemy import select

    from ecabinet.extensions import db

    connection = db.session.connection()
    rows = tuple((table, tuple(dict(r) for r in connection.execute(select(table)).mappings()))
                 for table in db.metadata.sorted_tables)
    return _WorldRows(rows=tuple((t, r) for t, r in rows if r), refs=_world_refs(world))


def _restore_world(saved: _WorldRows) -> World:
    """Write the saved rows into the emptied database and load the World's objects."""
    from ecabinet.extensions import db

    connection = db.session.connection()
    connection.execute(text("DELETE FROM audit_head"))  # empty_database() wrote the genesis
    for table, rows in saved.rows:
        connection.execute(table.insert(), list(rows))
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
        connection.exec_driver_sql("; ".join(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"{max(r['id'] for r in rows)})"
            for table, rows in saved.rows if "id" in table.c and table.c.id.autoincrement))
    db.session.commit()
    world = World()
    for name in ("units", "users"):
        setattr(world, name, {key: db.session.get(model, ident)
                              for key, (model, ident) in saved.refs[name].items()})
    for name in ("meeting", "item", "submitted", "draft", "approved"):
        model, ident = saved.refs[name]
        setattr(world, name, db.session.get(model, ident))
    return world


@pytest.fixture
def world(app, database_url) -> World:
    """build_world()'s rows: built once per run and database, then copied back in (a build
    costs ~0.2 s of services, audit entries and password hashes; the copy ~10 ms)."""
    saved = _WORLD_ROWS.get(database_url)
    if saved is None:
        world = build_world()
        _WORLD_ROWS[database_url] = _copy_world_rows(world)
        return world
    return _restore_world(saved)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The local Redis (database 15), which the Redis tests use in every pass."""
    import redis

    url = os.environ.get("ECABINET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        require_service("Redis", str(exc))
    return url


class LiveClient:
    """A Socket.IO test client whose every call runs in a fresh app context, like a server."""

    def __init__(self, app, client, namespace: str = "/live", headers: dict | None = None):
        from ecabinet.extensions import socketio

        self.app, self.namespace = app, namespace
        with app.app_context():
            self.sio = socketio.test_client(app, namespace=namespace, flask_test_client=client,
                                            headers=headers)

    @property
    def connected(self) -> bool:
        return self.sio.is_connected(self.namespace)

    def call(self, event: str, data=None):
        """Emit an event and return its acknowledgement."""
        with self.app.app_context():
            return self.sio.emit(event, data, namespace=self.namespace, callback=True)

    def received(self) -> list:
        return self.sio.get_received(self.namespace)

    def disconnect(self) -> None:
        with self.app.app_context():
            self.sio.disconnect(namespace=self.namespace)
