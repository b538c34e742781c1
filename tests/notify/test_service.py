"""Notification rules: who is told, what their mail says, and that nothing talks SMTP inline."""

from __future__ import annotations

import time

from sqlalchemy import select

from ecabinet.extensions import db
from ecabinet.meetings.models import AgendaItem, Confidentiality
from ecabinet.notify import service
from ecabinet.notify.models import MailStatus, Notification, OutgoingMail


def _mails() -> list[OutgoingMail]:
    return list(db.session.execute(select(OutgoingMail).order_by(OutgoingMail.id)).scalars())


def _notes() -> list[Notification]:
    return list(db.session.execute(select(Notification).order_by(Notification.id)).scalars())


def test_publish_notifies_participants_and_invited_clerks(app, mailworld):
    users = mailworld.users
    notes = service.meeting_published(mailworld.meeting, actor=users["secretariat"])
    expected = {users["chair"].id, users["member"].id, users["clerk"].id}
    assert {n.user_id for n in notes} == expected
    mails = _mails()
    assert {m.user_id for m in mails} == expected
    assert all(m.status == MailStatus.QUEUED and m.attempts == 0 for m in mails)
    assert all("METHOD:REQUEST" in m.ics for m in mails)
    clerk_mail = next(m for m in mails if m.user_id == users["clerk"].id)
    assert clerk_mail.unit_id == mailworld.units["department"].id
    assert "Phiên họp thường kỳ" in clerk_mail.subject
    assert f"/meetings/{mailworld.meeting.id}" in clerk_mail.body


def test_publish_skips_the_inactive_and_the_addressless_and_dedupes(app, mailworld):
    from ecabinet.meetings.models import MeetingParticipant, ParticipantRole

    users = mailworld.users
    users["member"].is_active = False
    users["chair"].email = ""
    # The clerk is also a guest: one notice, not two.
    mailworld.meeting.participants.append(
        MeetingParticipant(user_id=users["clerk"].id, role=ParticipantRole.GUEST))
    db.session.commit()
    notes = service.meeting_published(mailworld.meeting, actor=None)
    assert sorted(n.user_id for n in notes) == sorted([users["chair"].id, users["clerk"].id])
    assert [m.user_id for m in _mails()] == [users["clerk"].id]


def test_publish_returns_at_once_even_when_smtp_is_down(app, mailworld, closed_port):
    start = time.perf_counter()
    service.meeting_published(mailworld.meeting, actor=None)
    assert time.perf_counter() - start < 1.0
    assert {m.status for m in _mails()} == {MailStatus.QUEUED}


def test_confidential_meeting_mail_names_no_content(app, mailworld):
    meeting = mailworld.meeting
    meeting.confidentiality = Confidentiality.CONFIDENTIAL
    meeting.description = "Phương án giải phóng mặt bằng khu B"
    meeting.agenda.append(AgendaItem(title="Dự toán ngân sách mật", position=1))
    db.session.commit()
    service.meeting_published(meeting, actor=None)
    mails = _mails()
    assert len(mails) == 3
    for mail in mails:
        text = mail.subject + mail.body + mail.ics
        for secret in ("Phiên họp thường kỳ", "giải phóng mặt bằng", "Dự toán", "Phòng họp 1"):
            assert secret not in text
        assert "mật" in mail.subject  # "a confidential meeting", in Vietnamese
        assert f"/meetings/{meeting.id}" in mail.body
        assert mail.ics.count("ATTENDEE") == 1 and mail.to_address in mail.ics


def test_normal_meeting_mail_carries_the_summary(app, mailworld):
    meeting = mailworld.meeting
    meeting.description = "Kiểm điểm quý I"
    meeting.agenda.append(AgendaItem(title="Báo cáo kinh tế – xã hội", position=1))
    db.session.commit()
    service.meeting_published(meeting, actor=None)
    body = _mails()[0].body
    assert "Kiểm điểm quý I" in body and "Báo cáo kinh tế – xã hội" in body
    assert "Phòng họp 1" in body and "Nguyễn Văn Hùng" in body


def test_mail_and_notification_speak_the_readers_language(app, mailworld):
    from flask_babel import force_locale

    from ecabinet.notify.messages import render

    mailworld.users["member"].locale = "en"
    db.session.commit()
    service.meeting_published(mailworld.meeting, actor=None)
    by_user = {m.user_id: m for m in _mails()}
    assert by_user[mailworld.users["member"].id].subject.startswith("Invitation:")
    assert by_user[mailworld.users["chair"].id].subject.startswith("Mời họp:")
    note = _notes()[0]
    with force_locale("en"):
        assert render(note.kind, note.params).startswith("You are invited to")
    with force_locale("vi"):
        assert "Phiên họp thường kỳ" in render(note.kind, note.params)


def test_cancel_sends_a_calendar_cancel(app, mailworld):
    service.meeting_cancelled(mailworld.meeting, actor=None)
    mails = _mails()
    assert mails and all("METHOD:CANCEL" in m.ics and "STATUS:CANCELLED" in m.ics for m in mails)


def test_submitted_tells_the_chair_and_returned_tells_the_secretariat(app, mailworld):
    users = mailworld.users
    notes = service.meeting_submitted(mailworld.meeting, actor=users["secretariat"])
    assert [n.user_id for n in notes] == [users["chair"].id]
    notes = service.meeting_returned(mailworld.meeting, "Bổ sung tờ trình", actor=users["chair"])
    assert [n.user_id for n in notes] == [users["secretariat"].id]
    mail = _mails()[-1]
    assert "Bổ sung tờ trình" in mail.body and mail.ics is None


def test_changed_tells_participants_what_changed(app, mailworld):
    notes = service.meeting_changed(mailworld.meeting, "Tờ trình số 12 (bản 2)", actor=None)
    assert {n.user_id for n in notes} == {mailworld.users["chair"].id,
                                          mailworld.users["member"].id}
    assert all("Tờ trình số 12" in m.body for m in _mails())


def test_generic_notify_without_mail(app, mailworld):
    notes = service.notify([mailworld.users["member"]], "meeting_approved",
                           params={"title": "X", "starts_at": "2030-01-01T01:00:00+00:00"},
                           mail=False)
    assert len(notes) == 1 and _mails() == []


def test_mail_status_counts_every_state(app, mailworld):
    service.meeting_published(mailworld.meeting, actor=None)
    first = _mails()[0]
    first.status = MailStatus.FAILED
    db.session.commit()
    status = service.mail_status_for(mailworld.meeting)
    assert status == {"queued": 2, "sent": 0, "retrying": 0, "failed": 1, "total": 3}
    assert [m.id for m in service.failed_mails(mailworld.meeting)] == [first.id]
    assert service.retry_failed_mails(mailworld.meeting, actor=mailworld.users["secretariat"]) == 1
    assert service.mail_status_for(mailworld.meeting)["failed"] == 0


def test_unread_count_and_mark_all_read(app, mailworld):
    member = mailworld.users["member"]
    service.meeting_published(mailworld.meeting, actor=None)
    assert service.unread_count(member) == 1
    assert service.mark_all_read(member) == 1
    assert service.unread_count(member) == 0
