"""The audit log in words: every action the code records is named, and the page shows the
words with the code kept for operators; a date the filter cannot read is said, not ignored."""

import re
from pathlib import Path

from flask_babel import force_locale

from ecabinet.audit import service as audit
from ecabinet.audit.labels import action_label
from ecabinet.extensions import db

ROOT = Path(__file__).resolve().parents[2] / "ecabinet"
# Codes built at run time, spelled out: f"meeting.{action}" and f"attendance.{presence}".
BUILT = ["meeting.submit", "meeting.approve", "meeting.return", "meeting.publish",
         "meeting.postpone", "meeting.cancel", "attendance.present", "attendance.absent",
         "attendance.represented", "unit.activated", "unit.deactivated", "user.activated",
         "user.deactivated"]


def _recorded_codes() -> set[str]:
    codes = set(BUILT)
    for path in ROOT.rglob("*.py"):
        codes |= set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text()))
    return codes


def test_every_recorded_action_has_words_in_vietnamese(app):
    codes = _recorded_codes()
    assert len(codes) > 30
    with force_locale("vi"):
        unnamed = sorted(code for code in codes if action_label(code) == code)
        english = sorted(code for code in codes if action_label(code) != code
                         and not re.search(r"[à-ỹđ]", action_label(code).lower()))
    assert unnamed == []
    assert english == []


def test_audit_page_shows_words_with_the_code_and_unit_kinds_in_words(client, auth, world):
    audit.record("login.ok", actor=world.users["member"], object_type="user",
                 object_id=world.users["member"].id)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Đăng nhập</span>" in page and "<code class=\"code-hint\">login.ok</code>" in page
    assert "Tài khoản</span>" in page
    units = client.get("/admin/units").get_data(as_text=True)
    assert "Phường" in units or "Tỉnh, thành phố" in units
    assert ">province<" not in units and ">ward<" not in units
    form = client.get("/admin/units/new").get_data(as_text=True)
    assert '<option value="special_zone">Đặc khu</option>' in form


def test_an_unreadable_date_in_the_filter_is_said(client, auth, world):
    auth.login("admin")
    page = client.get("/admin/audit?since=2026-13-45").get_data(as_text=True)
    assert "không phải là ngày hợp lệ: 2026-13-45" in page
    reversed_days = client.get("/admin/audit?since=2026-05-02&until=2026-05-01")
    assert "Ngày bắt đầu sau ngày kết thúc" in reversed_days.get_data(as_text=True)
