"""Publishing a meeting to 100 recipients: how long the call takes, and how soon mail arrives.

Builds a throw-away instance (SQLite in a temporary folder, migrated with Alembic), a body,
100 users with addresses, a meeting with 30 documents; starts a local SMTP server (aiosmtpd)
and a real worker process (`python -m ecabinet worker`); then times meeting_published() and
waits until every mail has reached the SMTP server.

    .venv/bin/python bench/publish.py [--json PATH] [--recipients N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CEILINGS = {"publish_100_ms": 200.0, "mails_all_s": 10.0}


class Inbox:
    def __init__(self):
        self.count, self.last_at = 0, 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        with self._lock:
            self.count += 1
            self.last_at = time.perf_counter()
        return "250 OK"


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


def _build_world(recipients: int, documents: int):
    """A body, its chair and delegates (all with addresses), one meeting with documents."""
    from ecabinet.accounts.models import RoleAssignment, RoleKind, Unit, UnitKind, User
    from ecabinet.core.timeutil import utcnow
    from ecabinet.documents.models import Document, DocumentVersion
    from ecabinet.extensions import db
    from ecabinet.meetings import service as meetings
    from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole

    body = Unit(name="UBND tỉnh Đo Lường", code="bench", kind=UnitKind.PROVINCE, is_body=True)
    db.session.add(body)
    db.session.flush()
    users = [User(username=f"daibieu{n:03d}", full_name=f"Đại biểu Số {n:03d}",
                  email=f"daibieu{n:03d}@bench.gov.vn", password_hash="!",  # noqa: S106
                  unit_id=body.id)
             for n in range(recipients)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=users[0].id, role=RoleKind.CHAIR, unit_id=body.id))
    db.session.commit()
    start = utcnow() + timedelta(days=3)
    roles = {u.id: ParticipantRole.DELEGATE for u in users}
    roles[users[0].id] = ParticipantRole.CHAIR
    meeting = meetings.create_meeting(
        meetings.MeetingData(body_id=body.id, title="Phiên họp thường kỳ tháng 12",
                             kind=MeetingKind.REGULAR, starts_at=start,
                             ends_at=start + timedelta(hours=4), place="Hội trường A",
                             description="Kinh tế – xã hội năm 2026"),
        roles, actor=None, status=MeetingStatus.APPROVED)
    for n in range(documents):
        doc = Document(meeting_id=meeting.id, title=f"Tờ trình số {n + 1:02d}", position=n)
        doc.versions.append(DocumentVersion(number=1, sha256=f"{n:064x}", size=1000,
                                            page_count=10, filename=f"to-trinh-{n + 1}.pdf",
                                            uploaded_at=utcnow()))
        db.session.add(doc)
    db.session.commit()
    return meeting


def _start_worker(env: dict, workers: int) -> subprocess.Popen:
    worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker", "--workers",
                               str(workers)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for the consumer's start-up line
        line = worker.stdout.readline()
        if not line:
            raise SystemExit("the worker exited before starting")
        if "consumer started" in line:
            threading.Thread(target=worker.stdout.read, daemon=True).start()  # keep draining
            return worker
    raise SystemExit("the worker did not start within 60 s")


def run(recipients: int, documents: int, workers: int) -> dict:
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from ecabinet import create_app
    from ecabinet.extensions import db
    from ecabinet.notify import service
    from ecabinet.notify.queue import get_huey

    with tempfile.TemporaryDirectory(prefix="ecabinet-bench-") as tmp:
        inbox, port = Inbox(), _free_port()
        smtp = Controller(inbox, hostname="127.0.0.1", port=port)
        smtp.start()
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(DATABASE_URL=database_url, ECABINET_INSTANCE=tmp, SECRET_KEY="bench",  # noqa: S106
                   SMTP_HOST="127.0.0.1", SMTP_PORT=str(port))
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": tmp,
                          "SECRET_KEY": "bench", "REDIS_URL": None,  # noqa: S106
                          "MAIL_SERVER": "127.0.0.1",
                          "MAIL_PORT": port})
        worker = None
        try:
            with app.app_context():
                upgrade()
                meeting = _build_world(recipients, documents)
                get_huey(app)  # a running web process has its queue already
                worker = _start_worker(env, workers)
                started = time.perf_counter()
                service.meeting_published(meeting, actor=None)
                publish_ms = (time.perf_counter() - started) * 1000
                deadline = started + 60
                while inbox.count < recipients and time.perf_counter() < deadline:
                    time.sleep(0.01)
                db.session.remove()
                db.engine.dispose()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=20)
            smtp.stop()
        return {"publish_100_ms": round(publish_ms, 1), "mails_delivered": inbox.count,
                "mails_all_s": round(inbox.last_at - started, 2) if inbox.count else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--recipients", type=int, default=100)
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    figures = run(args.recipients, args.documents, args.workers)
    print(f"{'figure':<18} {'value':>10} {'ceiling':>10}")
    for name, value in figures.items():
        ceiling = CEILINGS.get(name, args.recipients if name == "mails_delivered" else "")
        print(f"{name:<18} {value!s:>10} {ceiling!s:>10}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
