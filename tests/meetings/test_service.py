"""Meeting rules without HTTP: preparing, the agenda, the workflow and who sees what."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import agenda, service, workflow
from ecabinet.meetings.agenda import ItemData
from ecabinet.meetings.errors import InvalidMeeting, StaleEdit, WrongState
from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole
from ecabinet.meetings.permissions import can_view_meeting
from ecabinet.meetings.service import Attendance, MeetingData


def _data(world, **overrides):
    start = utcnow() + timedelta(days=3)
    values = dict(body_id=world.units["province"].id, title="Họp chuyên đề",
                  kind=MeetingKind.THEMATIC, starts_at=start, ends_at=start + timedelta(hours=2))
    return MeetingData(**{**values, **overrides})


def _attendance(world, **overrides):
    values = dict(chair_id=world.users["chair"].id, secretary_id=world.users["secretariat"].id,
                  delegate_ids=(world.users["member"].id,),
                  unit_ids=(world.units["department"].id,))
    return Attendance(**{**values, **overrides})


@pytest.fixture
def draft(world):
    return service.create_meeting(_data(world), _attendance(world),
                                  actor=world.users["secretariat"])


def test_create_meeting_sets_roles_and_units(world, draft):
    roles = {p.user.username: p.role for p in draft.participants}
    assert roles == {"chair": ParticipantRole.CHAIR, "secretariat": ParticipantRole.SECRETARY,
                     "member": ParticipantRole.DELEGATE}
    assert [mu.unit.code for mu in draft.invited_units] == ["so-tc"]
    assert draft.status == MeetingStatus.DRAFT


def test_meeting_must_end_after_it_starts(world):
    start = utcnow()
    with pytest.raises(InvalidMeeting):
        service.create_meeting(_data(world, starts_at=start, ends_at=start), _attendance(world),
                               actor=None)


def test_chair_must_be_a_leader_of_the_body(world):
    with pytest.raises(InvalidMeeting):
        service.create_meeting(_data(world), _attendance(world, chair_id=world.users["member"].id),
                               actor=None)


def test_draft_is_hidden_from_delegates_not_from_its_chair(world, draft):
    assert can_view_meeting(draft, world.users["secretariat"])
    assert not can_view_meeting(draft, world.users["member"])
    assert can_view_meeting(draft, world.users["chair"])


def test_agenda_order_by_service(world, draft):
    actor = world.users["secretariat"]
    first = agenda.add_item(draft, ItemData("Báo cáo kinh tế", 30), actor=actor)
    second = agenda.add_item(draft, ItemData("Dự toán ngân sách", 45, needs_vote=True),
                             actor=actor)
    agenda.reorder(draft, [second.id, first.id], actor=actor)
    assert [i.title for i in draft.agenda] == ["Dự toán ngân sách", "Báo cáo kinh tế"]
    agenda.move(draft.agenda[1], -1, actor=actor)
    assert [i.title for i in draft.agenda] == ["Báo cáo kinh tế", "Dự toán ngân sách"]
    assert agenda.planned_minutes(draft) == 75 and agenda.slot_minutes(draft) == 120


def test_reorder_with_a_stale_list_is_refused(world, draft):
    actor = world.users["secretariat"]
    item = agenda.add_item(draft, ItemData("Một", 10), actor=actor)
    agenda.add_item(draft, ItemData("Hai", 10), actor=actor)
    with pytest.raises(InvalidMeeting):
        agenda.reorder(draft, [item.id], actor=actor)


def test_stale_edit_is_refused_and_changes_nothing(world, draft):
    with pytest.raises(StaleEdit):
        service.update_meeting(draft, _data(world, title="Đổi tên"), _attendance(world),
                               actor=world.users["secretariat"], revision=draft.revision - 1)
    db.session.refresh(draft)
    assert draft.title == "Họp chuyên đề"


def test_submit_needs_an_agenda(world, draft):
    with pytest.raises(InvalidMeeting):
        workflow.submit(draft, actor=world.users["secretariat"])


def test_full_workflow_notifies_and_audits(world, draft):
    secretariat, chair = world.users["secretariat"], world.users["chair"]
    agenda.add_item(draft, ItemData("Báo cáo", 30), actor=secretariat)
    told = workflow.submit(draft, actor=secretariat)
    assert {n.user_id for n in told} == {chair.id}
    assert can_view_meeting(draft, chair) and not can_view_meeting(draft, world.users["member"])
    workflow.return_to_draft(draft, "Bổ sung tờ trình", actor=chair)
    assert draft.status == MeetingStatus.DRAFT and draft.review_comment == "Bổ sung tờ trình"
    workflow.submit(draft, actor=secretariat)
    workflow.approve(draft, actor=chair)
    with pytest.raises(WrongState):
        workflow.approve(draft, actor=chair)
    told = workflow.publish(draft, actor=secretariat)
    assert world.users["member"].id in {n.user_id for n in told}
    assert draft.status == MeetingStatus.PUBLISHED and draft.published_at is not None
    assert can_view_meeting(draft, world.users["member"])
    actions = db.session.execute(select(AuditEntry.action)
                                 .where(AuditEntry.object_type == "meeting")).scalars().all()
    for action in ("meeting.submit", "meeting.return", "meeting.approve", "meeting.publish"):
        assert action in actions


def test_return_needs_a_comment(world, draft):
    agenda.add_item(draft, ItemData("Báo cáo", 30), actor=world.users["secretariat"])
    workflow.submit(draft, actor=world.users["secretariat"])
    with pytest.raises(InvalidMeeting):
        workflow.return_to_draft(draft, "  ", actor=world.users["chair"])
    assert draft.status == MeetingStatus.SUBMITTED


def test_agenda_is_locked_while_the_chair_reviews(world, draft):
    agenda.add_item(draft, ItemData("Báo cáo", 30), actor=world.users["secretariat"])
    workflow.submit(draft, actor=world.users["secretariat"])
    with pytest.raises(WrongState):
        agenda.add_item(draft, ItemData("Thêm", 5), actor=world.users["secretariat"])


def test_upcoming_meetings_for_delegate_and_secretariat(world, draft):
    assert world.meeting in service.upcoming_meetings(world.users["member"])
    assert draft not in service.upcoming_meetings(world.users["member"])
    assert draft in service.upcoming_meetings(world.users["secretariat"])
    assert service.upcoming_meetings(world.users["outsider"]) == []
