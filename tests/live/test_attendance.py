"""Attendance and quorum: two thirds of the members in office must be present."""

import pytest

from ecabinet.live import attendance
from ecabinet.live.attendance import NotAParticipant
from ecabinet.live.models import Presence
from tests.voting.conftest import make_room


@pytest.mark.parametrize("present, reached", [(8, False), (9, True), (13, True)])
def test_quorum_is_two_thirds_of_members_in_office(world, present, reached):
    room = make_room(world, members=13, present=present)
    quorum = attendance.quorum(room.meeting)
    assert (quorum.present, quorum.in_office, quorum.required) == (present, 13, 9)
    assert quorum.reached is reached


def test_guests_do_not_count_and_absence_is_recorded_with_reason(world):
    room = make_room(world, members=13, present=9)
    assert attendance.quorum(room.meeting).present == 9  # the present guest is not a member
    attendance.mark(room.meeting, room.members[0], Presence.ABSENT,
                    by=world.users["secretariat"], reason="Đi công tác")
    assert not attendance.quorum(room.meeting).reached


def test_only_participants_check_in(world):
    room = make_room(world, members=5)
    with pytest.raises(NotAParticipant):
        attendance.mark(room.meeting, world.users["clerk"], Presence.PRESENT,
                        by=world.users["clerk"])
