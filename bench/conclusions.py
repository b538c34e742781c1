"""Time the conclusion notice's two signing steps and its check, warm (issue 19).

``render_sign_issue_s``: render a two-page notice from the meeting's record, the chair's
signature, the clerk's issue (number from the counter, number and date written, seal), with the
database writes (SQLite file); ``verify_s``: verify the issued file's three signatures in
process; ``verify_page_s`` (no limit, shown for what the public page costs): the same check as
the verification page makes it, in a fresh limited child (a warm spare started after the
previous check) plus the lookup by hash, with a pause between checks as between uploads;
``dispatch_50_ms``: dispatch an issued notice to 50 units (each with a clerk who has
an address and a webhook), the web request's share: rows written, mails and webhooks queued;
``dispatch_all_s``: from that call until all 50 mails have reached a local SMTP server and all 50
webhooks a local receiver that checks their HMAC, through the real worker process
(``python -m ecabinet worker``). Prints a table; ``--json PATH`` writes the medians. Limits
0.15 s, 0.05 s, 200 ms and 10 s.

    python bench/conclusions.py [--runs 15] [--dispatch-runs 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMITS = {"render_sign_issue_s": 0.15, "verify_s": 0.05, "dispatch_50_ms": 200.0,
          "dispatch_all_s": 10.0}
LABELS = {"render_sign_issue_s": "render + chair signs + clerk issues",
          "verify_s": "verify the issued notice (3 signatures)",
          "verify_page_s": "the same, as the page does it (child)",
          "dispatch_50_ms": "dispatch to 50 units returns (ms)",
          "dispatch_all_s": "all 50 mails and 50 webhooks arrive"}
UNITS = 50
TEXT = ("<p>Thống nhất với <b>báo cáo</b> tình hình kinh tế - xã hội; yêu cầu các sở, ngành "
        "<i>khẩn trương</i> triển khai các nhiệm vụ trọng tâm, bảo đảm tiến độ giải ngân vốn "
        "đầu tư công và an sinh xã hội cho người dân trên địa bàn.</p>"
        "<ol><li>Rà soát số liệu;</li><li>Hoàn thiện báo cáo.</li></ol>")


def _world(folder: Path):
    from ecabinet.accounts import service as accounts
    from ecabinet.accounts.models import RoleKind, UnitKind
    from ecabinet.accounts.service import RoleGrant, UnitData, UserData
    from ecabinet.meetings import agenda
    from ecabinet.meetings import service as meetings
    from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole
    from signing import devca, load_pkcs12

    body = accounts.create_unit(UnitData("Ủy ban nhân dân tỉnh Hà Tĩnh", "ubnd-ht",
                                         UnitKind.PROVINCE, is_body=True, place_name="Hà Tĩnh",
                                         abbreviation="UBND"), actor=None)
    units = [accounts.create_unit(UnitData(f"Sở số {n}", f"so-{n}", UnitKind.DEPARTMENT,
                                           parent_id=body.id), actor=None) for n in range(6)]
    chair = accounts.create_user(UserData("chutich", "Nguyễn Văn Hùng",
                                          position="Phó Chủ tịch UBND tỉnh"), "Bench-Pass-2026",
                                 [RoleGrant(RoleKind.CHAIR, body.id),
                                  RoleGrant(RoleKind.MEMBER, body.id)], actor=None)
    members = [accounts.create_user(UserData(f"tv{n}", f"Thành viên {n}"), "Bench-Pass-2026",
                                    [RoleGrant(RoleKind.MEMBER, body.id)], actor=None)
               for n in range(10)]
    root = devca.create_root()
    chair_key = load_pkcs12(devca.pkcs12_bytes(devca.issue_certificate(
        root, devca.CertificateSpec(chair.full_name)), root.certificate, None), None)
    seal_key = load_pkcs12(devca.pkcs12_bytes(devca.issue_certificate(
        root, devca.CertificateSpec(body.name, kind=devca.CertificateKind.SEAL,
                                    organisation=body.name)), root.certificate, None), None)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)

    def meeting():
        m = meetings.create_meeting(
            meetings.MeetingData(body_id=body.id, title="Phiên họp thường kỳ",
                                 kind=MeetingKind.REGULAR, starts_at=start,
                                 ends_at=start + dt.timedelta(hours=2), place="Phòng họp 1"),
            {chair.id: ParticipantRole.CHAIR, **{u.id: ParticipantRole.DELEGATE
                                                 for u in members}},
            actor=None)
        for title in ("Báo cáo kinh tế - xã hội", "Kế hoạch đầu tư công"):
            agenda.add_item(m, agenda.ItemData(title, 30), actor=None)
        m.status = MeetingStatus.FINISHED
        return m

    return meeting, chair, units, chair_key, seal_key, root


def _submitted(meeting, units):
    from ecabinet.conclusions import service

    conclusion = service.start_draft(meeting, actor=None)
    sections = tuple(service.SectionData(s.title, TEXT, s.agenda_item_id, (service.TaskData(
        units[0].id, (units[1].id,), "Hoàn thiện báo cáo, trình UBND tỉnh.", None),))
        for s in conclusion.sections)
    service.save_draft(conclusion, service.DraftData(
        "đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh", "các thành viên UBND tỉnh.",
        sections, tuple(u.id for u in units)), actor=None)
    return service.submit_draft(conclusion, actor=None)


class _Inbox:
    """aiosmtpd handler counting the mails that carry the notice's PDF."""

    def __init__(self):
        self.count, self.event, self.expected = 0, threading.Event(), 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        if b"application/pdf" in envelope.content:
            self.count += 1
            if self.count >= self.expected:
                self.event.set()
        return "250 OK"


def _receiver(secrets: dict[str, str]):
    """A local webhook endpoint: counts the calls whose HMAC matches the unit's secret."""
    import hashlib
    import hmac
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"valid": 0, "invalid": 0, "expected": 0, "event": threading.Event()}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = secrets.get(self.path.rsplit("/", 1)[-1], "")
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(expected, self.headers.get("X-eCabinet-Signature", ""))
            state["valid" if good else "invalid"] += 1
            self.send_response(200 if good else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if state["valid"] >= state["expected"]:
                state["event"].set()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


def _dispatch_units(body, count: int, base_url: str):
    """`count` units, each with a clerk who has an address and a webhook; their secrets."""
    from ecabinet.accounts import service as accounts
    from ecabinet.accounts.models import RoleKind, UnitKind
    from ecabinet.accounts.passwords import hash_password
    from ecabinet.accounts.service import RoleGrant, UnitData, UserData
    from ecabinet.conclusions import webhooks

    shared = hash_password("Bench-Pass-2026")
    units, secrets = [], {}
    for n in range(count):
        unit = accounts.create_unit(UnitData(f"Đơn vị nhận {n}", f"dv-{n}", UnitKind.OFFICE,
                                             parent_id=body.id), actor=None)
        accounts.create_user(UserData(f"vt{n}", f"Văn thư {n}", email=f"vt{n}@bench.vn"),
                             "Bench-Pass-2026", [RoleGrant(RoleKind.CLERK, unit.id)],
                             actor=None, password_hash=shared)
        secrets[unit.code] = webhooks.set_webhook(unit.id, f"{base_url}/{unit.code}",
                                                  actor=None)
        units.append(unit)
    return units, secrets


def measure_dispatch(app, folder: Path, new_meeting, chair, chair_key, seal_key,
                     runs: int) -> dict[str, float]:
    import os
    import subprocess

    from aiosmtpd.controller import Controller

    from ecabinet.accounts import service as accounts
    from ecabinet.conclusions import dispatch, issuing
    from tests.notify.conftest import free_port

    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    secrets: dict[str, str] = {}
    server, state = _receiver(secrets)
    base = f"http://127.0.0.1:{server.server_address[1]}/hook"
    body = accounts.get_unit(chair.roles[0].unit_id)
    units, made = _dispatch_units(body, UNITS, base)
    secrets.update(made)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               ECABINET_INSTANCE=str(folder), SECRET_KEY=app.config["SECRET_KEY"],
               SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(smtp.port), SMTP_SENDER="ecabinet@bench.vn", SMTP_STARTTLS="",
               SMTP_SSL="", SMTP_USERNAME="", SMTP_PASSWORD="")
    worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker"],
                              cwd=Path(__file__).resolve().parents[1], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    returns, arrivals = [], []
    try:
        time.sleep(2)  # the worker starts
        for _ in range(runs):
            meeting = new_meeting()
            conclusion = _submitted(meeting, units)
            issuing.sign_conclusion(conclusion, meeting, chair_key, actor=chair)
            conclusion = issuing.issue_conclusion(conclusion, meeting, seal_key, actor=None)
            inbox.count, inbox.expected = 0, UNITS
            state.update(valid=0, invalid=0, expected=UNITS)
            inbox.event.clear()
            state["event"].clear()
            begin = time.perf_counter()
            dispatch.dispatch_conclusion(conclusion, meeting, actor=None)
            returns.append((time.perf_counter() - begin) * 1000)
            arrived = inbox.event.wait(60) and state["event"].wait(60)
            arrivals.append(time.perf_counter() - begin if arrived else float("inf"))
            if state["invalid"]:
                raise SystemExit(f"{state['invalid']} webhooks had a wrong HMAC")
    finally:
        worker.terminate()
        worker.wait(20)
        smtp.stop()
        server.shutdown()
    return {"dispatch_50_ms": statistics.median(returns),
            "dispatch_all_s": statistics.median(arrivals)}


def measure(runs: int, dispatch_runs: int = 3) -> dict[str, float]:
    from ecabinet import create_app
    from ecabinet.conclusions import issuing
    from ecabinet.extensions import db
    from signing import verify_pdf

    folder = Path(tempfile.mkdtemp(prefix="bench-conclusions-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        db.create_all()
        from sqlalchemy import text

        from ecabinet.audit.service import GENESIS_HASH

        db.session.execute(text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :h)"),
                           {"h": GENESIS_HASH})
        db.session.commit()
        new_meeting, chair, units, chair_key, seal_key, root = _world(folder)
        times, issued, pages = [], None, 0
        for _ in range(runs + 1):  # the first run warms fonts, imports and caches
            meeting = new_meeting()
            conclusion = _submitted(meeting, units)
            begin = time.perf_counter()
            issuing.sign_conclusion(conclusion, meeting, chair_key, actor=chair)
            conclusion = issuing.issue_conclusion(conclusion, meeting, seal_key, actor=None)
            times.append(time.perf_counter() - begin)
            issued = conclusion.issued_pdf
            pages = conclusion.layout["pages"]
        assert verify_pdf(issued, [root.certificate]).ok
        verify_times = []
        for _ in range(runs + 1):
            begin = time.perf_counter()
            verify_pdf(issued, [root.certificate])
            verify_times.append(time.perf_counter() - begin)
        from ecabinet.conclusions.verification import verify_upload

        page_times = []
        for _ in range(min(runs, 5) + 1):
            time.sleep(3)  # between uploads: the spare child has started
            begin = time.perf_counter()
            checked = verify_upload(issued, [root.certificate])
            page_times.append(time.perf_counter() - begin)
            assert checked.valid and checked.conclusion is not None, checked
        figures = {"render_sign_issue_s": statistics.median(times[1:]),
                   "verify_s": statistics.median(verify_times[1:]),
                   "verify_page_s": statistics.median(page_times[1:])}
        if dispatch_runs:
            figures.update(measure_dispatch(app, folder, new_meeting, chair, chair_key,
                                            seal_key, dispatch_runs))
    print(f"(the notice has {pages} pages, the issued file {len(issued) // 1024} KiB)")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--dispatch-runs", type=int, default=3,
                        help="dispatches to 50 units to time (0: none)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    figures = measure(args.runs, args.dispatch_runs)
    print(f"{'figure':<42} {'median s':>9} {'limit s':>8}  ok")
    for key, value in figures.items():
        if key not in LIMITS:
            print(f"{LABELS[key]:<42} {value:>9.4f} {'-':>8}  -")
            continue
        ok = "yes" if value <= LIMITS[key] else "NO"
        print(f"{LABELS[key]:<42} {value:>9.4f} {LIMITS[key]:>8.3f}  {ok}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 5) for k, v in figures.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
