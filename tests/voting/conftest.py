"""A body of 13 members, all invited and present, for voting tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import DEMO_PASSWORD


@dataclass
class Room:
    meeting: object
    chair: object
    members: list
    guest: object


def make_room(world, members: int = 13, present: int | None = None) -> Room:
    """A published meeting of the world's province with `members` members (the chair among
    them) and a guest; the first `present` of them checked in (all by default)."""
    from ecabinet.accounts import service as accounts
    from ecabinet.accounts.models import RoleKind
    from ecabinet.accounts.service import RoleGrant, UserData
    from ecabinet.core.timeutil import utcnow
    from ecabinet.live import attendance
    from ecabinet.live.models import Presence
    from ecabinet.meetings import service as meetings
    from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole

    province = world.units["province"].id
    chair = world.users["chair"]
    people = [chair] + [
        accounts.create_user(UserData(username=f"tv{i:04d}", full_name=f"Thành Viên {i}",
                                      unit_id=province), DEMO_PASSWORD,
                             [RoleGrant(RoleKind.MEMBER, province)], actor=None)
        for i in range(1, members - 1)]
    people.append(world.users["member"])
    guest = world.users["outsider"]
    start = utcnow()
    roles = {u.id: ParticipantRole.DELEGATE for u in people}
    roles[chair.id] = ParticipantRole.CHAIR
    roles[guest.id] = ParticipantRole.GUEST
    meeting = meetings.create_meeting(
        meetings.MeetingData(body_id=province, title="Phiên họp biểu quyết",
                             kind=MeetingKind.REGULAR, starts_at=start,
                             ends_at=start + timedelta(hours=3)),
        roles, actor=None, status=MeetingStatus.PUBLISHED)
    for user in people[: members if present is None else present] + [guest]:
        attendance.mark(meeting, user, Presence.PRESENT, by=user)
    return Room(meeting, chair, people, guest)


@pytest.fixture
def room(world) -> Room:
    return make_room(world)
