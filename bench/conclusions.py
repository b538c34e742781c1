"""Time the conclusion notice's two signing steps and its check, warm (issue 19).

``render_sign_issue_s``: render a two-page notice from the meeting's record, the chair's
signature, the clerk's issue (number from the counter, number and date written, seal), with the
database writes (SQLite file); ``verify_s``: verify the issued file's three signatures in
process. Prints a table; ``--json PATH`` writes the medians. Limits 0.15 s and 0.05 s.

    python bench/conclusions.py [--runs 15] [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMITS = {"render_sign_issue_s": 0.15, "verify_s": 0.05}
LABELS = {"render_sign_issue_s": "render + chair signs + clerk issues",
          "verify_s": "verify the issued notice (3 signatures)"}
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


def measure(runs: int) -> dict[str, float]:
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
    print(f"(the notice has {pages} pages, the issued file {len(issued) // 1024} KiB)")
    return {"render_sign_issue_s": statistics.median(times[1:]),
            "verify_s": statistics.median(verify_times[1:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    figures = measure(args.runs)
    print(f"{'figure':<42} {'median s':>9} {'limit s':>8}  ok")
    for key, value in figures.items():
        ok = "yes" if value <= LIMITS[key] else "NO"
        print(f"{LABELS[key]:<42} {value:>9.4f} {LIMITS[key]:>8.3f}  {ok}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 5) for k, v in figures.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
