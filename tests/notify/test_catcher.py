"""The local mail catcher: a real SMTP server keeping mail in the instance's maildir, the
`ecabinet mail-catcher` command that `make run` starts, and the admin's page that reads it."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from ecabinet.notify import catcher, service
from tests.notify.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def walk_caught_mail_key() -> str:
    """A caught mail in the current app's maildir, for the authorisation walk."""
    from flask import current_app

    message = EmailMessage()
    message["Subject"], message["To"] = "Thư thử", "member@tinh.gov.vn"
    message.set_content("Nội dung")
    return catcher.open_maildir(catcher.maildir_path(current_app)).add(message)


@pytest.fixture
def running_catcher(app):
    """The catcher on a free port, in this process; the app's MAIL_* settings point at it."""
    port = free_port()
    controller = catcher.start_catcher(catcher.maildir_path(app), "127.0.0.1", port)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_SENDER="ecabinet@tinh.gov.vn")
    yield controller
    controller.stop()


def _wait_for_mails(app, count: int, timeout: float = 15.0) -> list[catcher.CaughtMail]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = catcher.list_mails(catcher.maildir_path(app))
        if len(mails) >= count:
            return mails
        time.sleep(0.05)
    return catcher.list_mails(catcher.maildir_path(app))


def test_catcher_keeps_the_mails_and_the_admin_reads_them(app, client, auth, mailworld,
                                                          running_catcher):
    app.config.update(HUEY_IMMEDIATE=True, PUBLIC_URL="http://127.0.0.1:5201")
    service.meeting_published(mailworld.meeting, actor=None)
    mails = _wait_for_mails(app, 3)
    assert sorted(m.to for m in mails) == ["chair@tinh.gov.vn", "clerk@tinh.gov.vn",
                                           "member@tinh.gov.vn"]
    assert all(m.attachments == ("invite.ics",) for m in mails)
    auth.login("admin")
    page = client.get("/admin/mail").text
    assert page.count("Phiên họp thường kỳ") >= 3 and "member@tinh.gov.vn" in page
    assert "invite.ics" in page and "Hộp thư cục bộ" in page
    member = next(m for m in mails if m.to == "member@tinh.gov.vn")
    page = client.get(f"/admin/mail/{member.key}").text
    assert f"http://127.0.0.1:5201/meetings/{mailworld.meeting.id}" in page
    assert "Phạm Quốc Bảo" in page  # the greeting of the body, shown in full
    assert client.get("/admin/mail/no-such-key").status_code == 404


def test_inbox_says_where_mail_goes_when_nothing_was_caught(app, client, auth, mailworld):
    app.config.update(MAIL_SERVER="smtp.tinh.gov.vn", MAIL_PORT=587)
    auth.login("admin")
    page = client.get("/admin/mail").text
    assert "smtp.tinh.gov.vn:587" in page and "chưa nhận được thư nào" in page


def test_others_may_not_read_caught_mail(app, client, auth, mailworld):
    key = walk_caught_mail_key()
    auth.login("secretariat")
    assert client.get("/admin/mail").status_code == 403
    assert client.get(f"/admin/mail/{key}").status_code == 403


def test_mail_catcher_command_receives_what_smtp_sends(app, tmp_path):
    """`ecabinet mail-catcher`, as `make run` starts it: says where to read, then keeps mail."""
    port = free_port()
    env = {**os.environ, "ECABINET_INSTANCE": app.instance_path, "SECRET_KEY": "catcher-test",
           "MAIL_CATCHER_PORT": str(port), "PORT": "5201",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    process = subprocess.Popen([sys.executable, "-m", "ecabinet", "mail-catcher"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        first_line = process.stdout.readline().decode()
        assert "read it at http://127.0.0.1:5201/admin/mail" in first_line, first_line
        message = EmailMessage()
        message["Subject"], message["From"] = "Giấy mời họp", "ecabinet@tinh.gov.vn"
        message["To"] = "daibieu01@tinh.gov.vn"
        message.set_content("Kính gửi đồng chí")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
        mails = _wait_for_mails(app, 1)
        assert [(m.to, m.subject, m.body.strip()) for m in mails] == [
            ("daibieu01@tinh.gov.vn", "Giấy mời họp", "Kính gửi đồng chí")]
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
    assert process.returncode == 0 and "Traceback" not in output, output
