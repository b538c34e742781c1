"""The notifications page, marking read, and the secretariat's retry of failed mails."""

from __future__ import annotations

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
    db.session.execute(update(OutgoingMail).values(status=MailStatus.FAILED, attempts=6,
                                                   last_error="ConnectionRefusedError"))
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
        assert "ConnectionRefusedError" in html and "mails/retry" in html
        assert mail_status_context(mailworld.meeting, mailworld.users["member"]) is None
