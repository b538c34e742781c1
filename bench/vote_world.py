"""A meeting of N present voters in a fresh database, and real `ecabinet run` processes on it.

Shared by bench/vote.py and the fault tests in tests/live/: the rows are written in-process
through the app's models (bulk, so that 1000 voters take a second, not a minute), then the
servers are started as separate processes on the same database, as in production.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Passw0rd-2026"  # noqa: S105 - throw-away accounts of a temporary database
SECRET_KEY = "bench-secret-key-shared-by-every-process"  # noqa: S105


@dataclass(frozen=True)
class VoteWorld:
    meeting_id: int
    chair: str
    """Username of the chair (opens and closes, does not vote)."""
    voters: tuple[str, ...]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


def fresh_postgres(base_url: str, name: str) -> str:
    """Create (or recreate) database `name` on the server of `base_url`; return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from ecabinet.config import normalise_database_url

    url = make_url(normalise_database_url(base_url))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(database_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def make_app(database_url: str, instance: Path):
    """An app on the bench database with cheap argon2 costs (the stored hash carries its
    costs, so the server verifies sign-ins at those costs too: 1000 sign-ins stay quick)."""
    from ecabinet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
                       "SECRET_KEY": SECRET_KEY, "REDIS_URL": None, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_COST": 8 * 1024, "ARGON2_PARALLELISM": 1})


def build_vote_world(voters: int) -> VoteWorld:
    """Migrate, then a body whose N members (plus the chair) take part in a started meeting
    and are all present. Runs inside the app context of `make_app`."""
    from flask_migrate import upgrade

    from ecabinet.accounts.models import RoleAssignment, RoleKind, Unit, UnitKind, User
    from ecabinet.accounts.passwords import hash_password
    from ecabinet.core.timeutil import utcnow
    from ecabinet.extensions import db
    from ecabinet.live import room
    from ecabinet.live.models import Attendance, Presence
    from ecabinet.meetings import service as meetings
    from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole

    upgrade()
    body = Unit(name="UBND tỉnh Đo Lường", code="bench-vote", kind=UnitKind.PROVINCE,
                is_body=True)
    db.session.add(body)
    db.session.flush()
    password_hash = hash_password(PASSWORD)
    people = [User(username="chutich", full_name="Chủ tịch Đo Lường",
                   password_hash=password_hash, unit_id=body.id)]
    people += [User(username=f"tv{n:04d}", full_name=f"Thành viên {n:04d}",
                    password_hash=password_hash, unit_id=body.id) for n in range(voters)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all([RoleAssignment(user_id=u.id, role=RoleKind.MEMBER, unit_id=body.id)
                        for u in people])
    db.session.add(RoleAssignment(user_id=people[0].id, role=RoleKind.CHAIR, unit_id=body.id))
    db.session.commit()
    start = utcnow()
    roles = {u.id: ParticipantRole.DELEGATE for u in people}
    roles[people[0].id] = ParticipantRole.CHAIR
    meeting = meetings.create_meeting(
        meetings.MeetingData(body_id=body.id, title="Phiên họp đo biểu quyết",
                             kind=MeetingKind.REGULAR, starts_at=start,
                             ends_at=start + timedelta(hours=3)),
        roles, actor=None, status=MeetingStatus.PUBLISHED)
    room.start_meeting(meeting, actor=people[0])
    db.session.add_all([Attendance(meeting_id=meeting.id, user_id=u.id,
                                   presence=Presence.PRESENT, at=start, marked_by_id=u.id)
                        for u in people])
    db.session.commit()
    world = VoteWorld(meeting.id, people[0].username, tuple(u.username for u in people[1:]))
    db.session.remove()
    return world


class ServerProcess:
    """One `python -m ecabinet run` on a free port, logging to a file."""

    def __init__(self, database_url: str, instance: Path, redis_url: str | None = None,
                 command: list[str] | None = None, name: str = "server"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = command or [sys.executable, "-m", "ecabinet", "run"]
        self.env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        self.env.update(DATABASE_URL=database_url, ECABINET_INSTANCE=str(instance),
                        SECRET_KEY=SECRET_KEY, PORT=str(self.port))
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.log = instance / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> ServerProcess:
        """Wait for /healthz: on a busy machine importing the app alone can take 30 s."""
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([*self.command, "--port", str(self.port)],
                                            cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.command} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as when the machine loses power."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def cpu_s(self) -> float:
        """User plus system CPU seconds the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self, field: str = "VmHWM") -> float:
        """Peak resident memory (VmHWM) in MB; ``field="VmRSS"``: the current one."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return 0.0


class PrivateRedis:
    """A redis-server of our own on a free port: its pub/sub channel is not shared with
    whatever else runs on the machine's Redis (channels ignore the database number)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> PrivateRedis:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
