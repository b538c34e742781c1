"""The notifications page, marking read, and the secretariat's retry of failed mails."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from ecabinet.extensions import db
from ecabinet.notify import service
from ecabinet.notify.models import MailStatus, OutgoingMail
from tests.conftest import csrf_token


def test_anonymous_is_sent_to_login(client, mailworld):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_page_lists_only_my_notifications_newest_first(client, auth, mailworld):
    service.meeting_submitted(mailworld.meeting, actor=None)  # the chair only
    service.meeting_published(mailworld.meeting, actor=None)
    auth.login("member")
    page = client.get("/notifications").text
    assert "Đồng chí được mời dự “Phiên họp thường kỳ”" in page
    assert "phê duyệt" not in page  # the chair's notice is not shown to the member
    auth.logout()
    auth.login("chair")
    page = client.get("/notifications").text
    assert page.index("được mời dự") < page.index("để phê duyệt")


def test_mark_all_read(client, auth, mailworld):
    service.meeting_published(mailworld.meeting, actor=None)
    auth.login("member")
    assert service.unread_count(mailworld.users["member"]) == 1
    response = client.post("/notifications/read", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert service.unread_count(mailworld.users["member"]) == 0


def test_mark_read_needs_csrf(client, auth, mailworld):
    service.meeting_published(mailworld.meeting, actor=None)
    auth.login("member")
    assert client.post("/notifications/read").status_code == 400
    assert service.unread_count(mailworld.users["member"]) == 1


def _fail_all():
    db.session.execute(update(OutgoingMail).values(
        status=MailStatus.FAILED, attempts=6, last_error_code="connection_refused",
        last_error="ConnectionRefusedError: [Errno 111] Connection refused"))
    db.session.commit()


def test_secretariat_retries_failed_mails(app, client, auth, mailworld):
    service.meeting_published(mailworld.meeting, actor=None)
    _fail_all()
    auth.login("secretariat")
    url = f"/meetings/{mailworld.meeting.id}/mails/retry"
    assert client.post(url, data={"csrf_token": csrf_token(client)}).status_code == 302
    db.session.rollback()
    statuses = set(db.session.execute(select(OutgoingMail.status)).scalars())
    assert statuses == {MailStatus.QUEUED}


def test_others_may_not_retry(client, auth, mailworld):
    service.meeting_published(mailworld.meeting, actor=None)
    _fail_all()
    auth.login("chair")
    url = f"/meetings/{mailworld.meeting.id}/mails/retry"
    assert client.post(url, data={"csrf_token": csrf_token(client)}).status_code == 403


def test_mail_status_partial_renders_for_the_secretariat(app, mailworld):
    from flask import render_template
    from flask_login import login_user

    from ecabinet.notify.views import mail_status_context

    service.meeting_published(mailworld.meeting, actor=None)
    _fail_all()
    with app.test_request_context():
        login_user(mailworld.users["secretariat"])
        html = render_template("notify/_mail_status.html",
                               **mail_status_context(mailworld.meeting,
                                                     mailworld.users["secretariat"]))
        assert "Máy chủ thư từ chối kết nối" in html and "Không gửi được" in html
        assert 'title="ConnectionRefusedError: [Errno 111] Connection refused"' in html
        assert "mails/retry" in html
        assert mail_status_context(mailworld.meeting, mailworld.users["member"]) is None


def _deliver_once(mailworld) -> list[OutgoingMail]:
    """One real attempt at every queued mail of the meeting (no worker: the test is the worker)."""
    from ecabinet.notify import tasks

    ids = list(db.session.execute(select(OutgoingMail.id)).scalars())
    tasks.deliver(ids)
    db.session.expire_all()
    return list(db.session.execute(select(OutgoingMail)).scalars())


def test_refused_first_attempt_shows_retrying_in_words_with_the_next_try(
        app, client, auth, mailworld, closed_port):
    from datetime import timedelta

    from ecabinet.core.timeutil import to_local, utcnow

    app.config.update(MAIL_RETRY_BASE_S=600, MAIL_MAX_ATTEMPTS=6)
    service.meeting_published(mailworld.meeting, actor=None)
    before = utcnow()
    mails = _deliver_once(mailworld)
    assert {m.status for m in mails} == {MailStatus.RETRYING}
    for mail in mails:
        assert mail.last_error_code == "connection_refused"
        assert mail.last_error.startswith("ConnectionRefusedError")
        assert before + timedelta(seconds=599) <= mail.next_attempt_at <= utcnow() + \
            timedelta(seconds=601)
    auth.login("secretariat")
    page = client.get(f"/meetings/{mailworld.meeting.id}").text
    next_try = to_local(mails[0].next_attempt_at).strftime("%H:%M:%S %d/%m/%Y")
    assert "Đang thử lại" in page and f"thử lại lúc {next_try}" in page
    assert "Máy chủ thư từ chối kết nối (máy chủ có đang chạy không?)" in page
    assert "ConnectionRefusedError" in page  # kept for the operator, as a tooltip and detail
    assert "Đã quá giờ thử lại" not in page
    client.post("/language", data={"language": "en", "next": "/",
                                   "csrf_token": csrf_token(client)})
    page = client.get(f"/meetings/{mailworld.meeting.id}").text
    assert "Retrying" in page and f"next try at {next_try}" in page
    assert "The mail server refused the connection (is it running?)" in page


def test_sent_mail_forgets_the_error_and_the_next_try(app, mailworld, smtp_server):
    service.meeting_published(mailworld.meeting, actor=None)
    db.session.execute(update(OutgoingMail).values(
        status=MailStatus.RETRYING, attempts=1, last_error_code="timeout", last_error="x",
        next_attempt_at=datetime.now(UTC)))
    db.session.commit()
    mails = _deliver_once(mailworld)
    assert {m.status for m in mails} == {MailStatus.SENT}
    assert {(m.last_error_code, m.last_error, m.next_attempt_at) for m in mails} == {("", "", None)}


def test_a_retry_long_overdue_says_the_mail_service_may_be_down(app, client, auth, mailworld):
    from datetime import timedelta

    service.meeting_published(mailworld.meeting, actor=None)
    db.session.execute(update(OutgoingMail).values(
        status=MailStatus.RETRYING, attempts=1, last_error_code="connection_refused",
        last_error="ConnectionRefusedError", next_attempt_at=datetime.now(UTC)
        - timedelta(minutes=10)))
    db.session.commit()
    auth.login("secretariat")
    page = client.get(f"/meetings/{mailworld.meeting.id}").text
    assert "Đang thử lại" in page
    assert "Đã quá giờ thử lại: dịch vụ gửi thư có thể không chạy" in page
