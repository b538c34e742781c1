"""Every `can_*` of meetings.permissions across the people who meet a meeting: its chair, a
leader of the body standing in, a delegate, the secretariat, an invited unit's clerk, an
outsider and nobody signed in."""

from __future__ import annotations

import pytest

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.accounts.service import RoleGrant, UserData
from ecabinet.meetings import permissions as can
from ecabinet.meetings.models import Confidentiality, MeetingStatus, MeetingUnit
from tests.conftest import DEMO_PASSWORD

S = MeetingStatus
PEOPLE = ("chair", "standin", "member", "secretariat", "clerk", "outsider", "admin", None)


@pytest.fixture
def people(world):
    """The world's users plus a vice-chair of the body who is not invited; the department of
    the world's clerk is invited to the published meeting."""
    standin = accounts.create_user(
        UserData(username="standin", full_name="Đỗ Thị Phó",
                 unit_id=world.units["province"].id), DEMO_PASSWORD,
        [RoleGrant(RoleKind.CHAIR, world.units["province"].id)], actor=None)
    world.meeting.invited_units.append(MeetingUnit(unit_id=world.units["department"].id))
    from ecabinet.extensions import db

    db.session.commit()
    return {**world.users, "standin": standin, None: None}


def _seen_by(meeting, people) -> set:
    return {name for name in PEOPLE if can.can_view_meeting(meeting, people[name])}


@pytest.mark.parametrize("status, expected", [
    (S.DRAFT, {"chair", "secretariat"}),
    (S.SUBMITTED, {"chair", "standin", "secretariat"}),
    (S.APPROVED, {"chair", "standin", "secretariat"}),
    (S.PUBLISHED, {"chair", "standin", "member", "secretariat", "clerk"}),
    (S.POSTPONED, {"chair", "standin", "member", "secretariat", "clerk"}),
    (S.CANCELLED, {"chair", "standin", "member", "secretariat", "clerk"}),
])
def test_can_view_meeting_by_state(world, people, status, expected):
    world.meeting.status = status
    assert _seen_by(world.meeting, people) == expected


def test_confidential_meeting_stays_with_the_chosen_chair_and_the_invited(world, people):
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    assert _seen_by(world.meeting, people) == {"chair", "member", "secretariat", "clerk"}
    assert not can.can_review(world.meeting, people["standin"])
    assert can.can_review(world.meeting, people["chair"])


def test_invited_clerk_sees_the_meeting_but_not_as_a_participant(world, people):
    assert can.is_invited_clerk(world.meeting, people["clerk"])
    assert can.can_view_meeting(world.meeting, people["clerk"])
    assert not can.can_view_as_participant(world.meeting, people["clerk"])
    world.meeting.status = S.APPROVED
    assert not can.can_view_meeting(world.meeting, people["clerk"])


@pytest.mark.parametrize("check", [can.can_edit_meeting, can.can_submit, can.can_publish,
                                   can.can_postpone, can.can_cancel])
def test_secretariat_steps_are_the_secretariats_in_any_state(world, people, check):
    for status in S:
        world.meeting.status = status
        allowed = {name for name in PEOPLE if check(world.meeting, people[name])}
        assert allowed == {"secretariat"}, status


def test_can_review_is_the_chairs(world, people):
    world.meeting.status = S.SUBMITTED
    assert {n for n in PEOPLE if can.can_review(world.meeting, people[n])} == {"chair", "standin"}


def test_can_create_meeting_for_the_secretariats_own_body(world, people):
    province, ward = world.units["province"].id, world.units["ward"].id
    assert {n for n in PEOPLE if can.can_create_meeting_for(province, people[n])} == {
        "secretariat"}
    assert not any(can.can_create_meeting_for(ward, people[n]) for n in PEOPLE)


def test_nobody_signed_in_may_do_anything(world):
    for check in (can.can_view_meeting, can.can_edit_meeting, can.can_submit, can.can_review,
                  can.can_publish, can.can_postpone, can.can_cancel, can.is_invited_clerk):
        assert check(world.meeting, None) is False
