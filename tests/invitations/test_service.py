"""Answering invitations, deputies taking part, reminders: the rules, without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from ecabinet.invitations import service
from ecabinet.invitations.errors import (
    AnswersClosed,
    InvalidDeputy,
    NothingToRemind,
    NotInvited,
    ReasonRequired,
)
from ecabinet.invitations.models import Answer
from ecabinet.invitations.permissions import can_answer_invitation, can_follow_answers
from ecabinet.live import attendance
from ecabinet.live.models import Attendance, Presence
from ecabinet.live.permissions import can_enter_room
from ecabinet.meetings.models import MeetingStatus, ParticipantRole
from ecabinet.meetings.permissions import can_view_meeting, participant_role
from ecabinet.notify.models import Notification, OutgoingMail


def _answer(world, answer, **kwargs):
    member = world.users["member"]
    return service.answer_invitation(world.meeting, member, service.AnswerData(answer, **kwargs),
                                     actor=member)


def _audit(action):
    return list(db.session.execute(select(AuditEntry).where(AuditEntry.action == action))
                .scalars())


def test_answer_attend_is_stored_and_audited(world):
    row = _answer(world, Answer.ATTEND, reason="ignored")
    assert (row.answer, row.reason, row.deputy_id) == (Answer.ATTEND, "", None)
    entry = _audit("invitation.answered")[-1]
    assert entry.actor_id == world.users["member"].id and '"attend"' in entry.details


def test_answer_decline_without_reason_is_refused(world):
    with pytest.raises(ReasonRequired):
        _answer(world, Answer.DECLINE, reason="   ")
    assert service.answer_of(world.meeting, world.users["member"]) is None


def test_answer_decline_keeps_the_reason(world):
    row = _answer(world, Answer.DECLINE, reason="Đi  công tác tại Hà Nội")
    assert row.reason == "Đi công tác tại Hà Nội"


def test_answer_can_change_until_the_meeting_starts(world):
    _answer(world, Answer.DECLINE, reason="Bận")
    row = _answer(world, Answer.ATTEND)
    assert row.answer == Answer.ATTEND and row.reason == ""
    assert len(_audit("invitation.answered")) == 2
    with pytest.raises(AnswersClosed):
        service.answer_invitation(world.meeting, world.users["member"],
                                  service.AnswerData(Answer.DECLINE, "Ốm"),
                                  actor=None, now=world.meeting.starts_at + timedelta(minutes=1))


def test_answer_closed_once_the_room_started(world):
    from ecabinet.live import room

    room.start_meeting(world.meeting, actor=world.users["chair"])
    with pytest.raises(AnswersClosed):
        _answer(world, Answer.ATTEND)


def test_answer_refused_on_a_meeting_not_published(world):
    world.meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(AnswersClosed):
        _answer(world, Answer.ATTEND)


def test_chair_and_outsider_are_not_asked_to_answer(world):
    for name in ("chair", "outsider"):
        with pytest.raises(NotInvited):
            service.answer_invitation(world.meeting, world.users[name],
                                      service.AnswerData(Answer.ATTEND), actor=None)


def test_deputy_must_be_an_active_person_of_the_unit(world):
    candidates = {u.username for u in service.deputy_candidates(world.meeting,
                                                                 world.users["member"])}
    assert candidates == {"admin", "secretariat", "clerk", "outsider"}  # not the chair
    with pytest.raises(InvalidDeputy):
        _answer(world, Answer.DEPUTY, deputy_id=world.users["chair"].id)
    with pytest.raises(InvalidDeputy):
        _answer(world, Answer.DEPUTY, deputy_id=None)
    world.users["clerk"].is_active = False
    with pytest.raises(InvalidDeputy):
        _answer(world, Answer.DEPUTY, deputy_id=world.users["clerk"].id)


def test_deputy_takes_part_with_the_role_of_the_person(world):
    clerk, meeting = world.users["clerk"], world.meeting
    assert not can_view_meeting(meeting, clerk)
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    assert participant_role(meeting, clerk) == ParticipantRole.DELEGATE
    assert can_view_meeting(meeting, clerk) and can_enter_room(meeting, clerk)
    assert not can_answer_invitation(meeting, clerk)  # a deputy sends no deputy of their own
    assert service.deputies_of(meeting) == {world.users["member"].id: clerk}
    attendance.mark(meeting, clerk, Presence.PRESENT, by=clerk)  # and may check in
    _answer(world, Answer.ATTEND)  # the person comes after all: the deputy is out again
    assert participant_role(meeting, clerk) is None and not can_view_meeting(meeting, clerk)


def test_deputy_of_a_draft_sees_nothing(world):
    _answer(world, Answer.DEPUTY, deputy_id=world.users["clerk"].id)
    world.meeting.status = MeetingStatus.DRAFT
    assert not can_view_meeting(world.meeting, world.users["clerk"])


def test_mark_represented_names_the_deputy(world):
    clerk, member = world.users["clerk"], world.users["member"]
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    row = attendance.mark_represented(world.meeting, member, clerk,
                                      by=world.users["secretariat"])
    assert (row.presence, row.deputy_id) == (Presence.REPRESENTED, clerk.id)
    assert "Phan Văn Tài" in row.reason
    assert db.session.get(Attendance, row.id).deputy_id == clerk.id
    with pytest.raises(attendance.NotAParticipant):  # the admin is nobody's deputy
        attendance.mark_represented(world.meeting, member, world.users["admin"], by=None)


def test_summary_counts_every_answer(world):
    _answer(world, Answer.DEPUTY, deputy_id=world.users["clerk"].id)
    summary = service.summary(world.meeting)
    assert [r.user.username for r in summary.rows] == ["member"]
    assert summary.rows[0].deputy.username == "clerk"
    assert (summary.count(Answer.DEPUTY), summary.count(None)) == (1, 0)


def test_remind_unanswered_notifies_and_mails_once_an_hour(world):
    member = world.users["member"]
    member.email = "bao@example.vn"
    notes = service.remind_unanswered(world.meeting, actor=world.users["secretariat"])
    assert [n.user_id for n in notes] == [member.id]
    assert db.session.execute(select(Notification).where(
        Notification.kind == "invitation_reminder")).scalar_one().user_id == member.id
    assert db.session.execute(select(OutgoingMail)).scalar_one().to_address == "bao@example.vn"
    assert service.summary(world.meeting).rows[0].reminded_at is not None
    assert _audit("invitation.reminded")
    with pytest.raises(NothingToRemind):
        service.remind_unanswered(world.meeting, actor=None)
    later = service.remind_unanswered(world.meeting, actor=None,
                                      now=service.utcnow() + timedelta(hours=1, minutes=1))
    assert len(later) == 1


def test_remind_skips_those_who_answered(world):
    _answer(world, Answer.ATTEND)
    with pytest.raises(NothingToRemind):
        service.remind_unanswered(world.meeting, actor=None)


def test_pending_and_standing_in_for_the_home_page(world):
    member, clerk = world.users["member"], world.users["clerk"]
    meetings = [world.meeting, world.submitted]
    assert service.pending_for(member, meetings) == [world.meeting]
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    assert service.pending_for(member, meetings) == []
    assert service.standing_in_for(clerk) == [(world.meeting, member)]


@pytest.mark.parametrize("name, answers, follows", [
    ("member", True, False), ("chair", False, False), ("secretariat", False, True),
    ("outsider", False, False), ("clerk", False, False)])
def test_permissions(world, name, answers, follows):
    user = world.users[name]
    assert can_answer_invitation(world.meeting, user) is answers
    assert can_follow_answers(world.meeting, user) is follows


def test_permissions_of_nobody(world):
    assert not can_answer_invitation(world.meeting, None)
    assert not can_follow_answers(world.meeting, None)


def test_mark_represented_needs_the_open_room_and_a_deputy(world):
    from ecabinet.invitations.errors import RoomNotOpen
    from ecabinet.live import room
    from ecabinet.live.state import room_snapshot

    member, clerk = world.users["member"], world.users["clerk"]
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    with pytest.raises(RoomNotOpen):
        service.mark_represented(world.meeting, member, actor=None)
    room.start_meeting(world.meeting, actor=world.users["chair"])
    service.mark_represented(world.meeting, member, actor=world.users["secretariat"])
    assert attendance.represented(world.meeting) == {member.id: clerk.id}
    assert room_snapshot(world.meeting)["represented"] == {str(member.id): "Phan Văn Tài"}
    with pytest.raises(NotInvited):
        service.invited_person(world.meeting, world.users["chair"].id)


def test_mark_represented_refused_without_a_deputy(world):
    from ecabinet.live import room

    room.start_meeting(world.meeting, actor=world.users["chair"])
    with pytest.raises(InvalidDeputy):
        service.mark_represented(world.meeting, world.users["member"], actor=None)


def test_deputy_reads_the_meeting_documents(world):
    from ecabinet.documents.models import Document
    from ecabinet.documents.permissions import can_view_document
    from tests.documents.test_service import walk_document_id

    document = db.session.get(Document, walk_document_id(world))
    clerk = world.users["clerk"]
    assert not can_view_document(document, clerk)
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    assert can_view_document(document, clerk)


def test_deputy_hears_of_changes_to_the_meeting(world):
    from ecabinet.notify import service as notify

    clerk = world.users["clerk"]
    _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
    notes = notify.meeting_changed(world.meeting, "Tài liệu mới", actor=None)
    assert clerk.id in {n.user_id for n in notes}
    _answer(world, Answer.ATTEND)
    notes = notify.meeting_cancelled(world.meeting, actor=None)
    assert clerk.id not in {n.user_id for n in notes}


def test_deputy_role_is_not_remembered_across_an_answer(app, world):
    clerk = world.users["clerk"]
    with app.test_request_context():
        assert participant_role(world.meeting, clerk) is None
        _answer(world, Answer.DEPUTY, deputy_id=clerk.id)
        assert participant_role(world.meeting, clerk) == ParticipantRole.DELEGATE
