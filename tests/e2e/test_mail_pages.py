"""The mail pages on a phone: the admin's caught mail and the secretariat's delivery panel
with a retrying mail fit 390 px (long addresses and links wrap) and run no inline script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ecabinet.notify.catcher import open_maildir
from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = [pytest.mark.e2e]

LONG_ADDRESS = "van.thu.so.tai.nguyen.va.moi.truong.tinh.ha.tinh@stnmt.hatinh.gov.vn"


def _catch_a_long_mail(server) -> str:
    message = EmailMessage()
    message["Subject"] = "Mời họp: Phiên họp thường kỳ tháng 12 của Ủy ban nhân dân tỉnh " * 2
    message["From"], message["To"] = "ecabinet@hatinh.gov.vn", LONG_ADDRESS
    message["X-RcptTo"] = LONG_ADDRESS
    message.set_content("Kính gửi đồng chí,\n" + server.url + "/meetings/1?" + "x" * 300)
    message.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text",
                           subtype="calendar", filename="invite.ics")
    return open_maildir(Path(server.env["ECABINET_INSTANCE"]) / "mail-catcher").add(message)


def _retrying_mail(server) -> int:
    """A mail of the demo's first published meeting whose first attempt was refused."""
    engine = create_engine(server.database_url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        meeting_id = conn.execute(text(
            "SELECT id FROM meetings WHERE status = 'published' ORDER BY id")).scalars().first()
        conn.execute(text(
            "INSERT INTO outgoing_mails (to_address, meeting_id, subject, body, status, attempts,"
            " last_error_code, last_error, next_attempt_at, created_at) VALUES (:to, :m, 's',"
            " 'b', 'retrying', 1, 'connection_refused', :err, :next, :now)"),
            {"to": LONG_ADDRESS, "m": meeting_id, "now": now, "next": now + timedelta(seconds=10),
             "err": "ConnectionRefusedError: [Errno 111] Connection refused " + "x" * 200})
    engine.dispose()
    return meeting_id


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_mail_pages_fit_a_phone(live_server, browser):
    key = _catch_a_long_mail(live_server)
    meeting_id = _retrying_mail(live_server)
    pages = {"admin": ["/admin/mail", f"/admin/mail/{key}"],
             "thuky": [f"/meetings/{meeting_id}"]}
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        watcher = PageWatcher(page)
        sign_in(page, live_server.url, username)
        for path in paths:
            assert page.goto(live_server.url + path).status == 200, path
            assert _overflow(page) <= 0, f"{path} scrolls sideways"
            assert page.locator("script:not([src])").count() == 0, path
        content = page.content()
        if username == "admin":
            assert "invite.ics" in content and LONG_ADDRESS in content
        else:
            assert "Đang thử lại" in content and "Máy chủ thư từ chối kết nối" in content
        assert watcher.problems == []
        context.close()
