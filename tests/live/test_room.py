"""The room through its service: start, current item, follow the chair, speakers, end."""

import pytest

from ecabinet.extensions import db
from ecabinet.live import room as live
from ecabinet.live.models import SpeakerStatus
from ecabinet.live.room import RoomError, RoomNotStarted
from ecabinet.meetings import agenda
from ecabinet.meetings.models import MeetingStatus


def test_start_on_the_first_item_and_take_another(world):
    meeting, chair = world.meeting, world.users["chair"]
    second = agenda.add_item(meeting, agenda.ItemData("Mục hai", 20), actor=None)
    room = live.start_meeting(meeting, actor=chair)
    assert room.current_item_id == world.item.id
    version = room.version
    live.take_item(meeting, second.id, actor=chair)
    assert live.room_of(meeting).current_item_id == second.id
    assert live.room_of(meeting).version > version
    with pytest.raises(RoomError):
        live.take_item(meeting, world.submitted.id * 1000, actor=chair)


def test_only_a_published_meeting_starts(world):
    with pytest.raises(RoomError):
        live.start_meeting(world.submitted, actor=world.users["chair"])
    with pytest.raises(RoomNotStarted):
        live.take_item(world.meeting, world.item.id, actor=world.users["chair"])


def test_speakers_queue_floor_and_history(world):
    meeting, chair = world.meeting, world.users["chair"]
    member, secretariat = world.users["member"], world.users["secretariat"]
    live.start_meeting(meeting, actor=chair)
    first = live.ask_to_speak(meeting, member)
    assert live.ask_to_speak(meeting, member).id == first.id  # asking twice keeps the place
    live.ask_to_speak(meeting, chair)
    assert [s.user_id for s in live.speakers(meeting)] == [member.id, chair.id]
    live.give_floor(meeting, first.id, actor=chair)
    assert live.speakers(meeting)[0].status == SpeakerStatus.SPEAKING
    live.end_floor(meeting, actor=chair)
    assert [s.user_id for s in live.speakers(meeting)] == [chair.id]
    history = live.speaking_history(meeting)
    assert [(user, item) for user, item, _s in history] == [(member.id, world.item.id)]
    live.withdraw(meeting, chair)
    assert live.speakers(meeting) == []
    with pytest.raises(RoomError):
        live.give_floor(meeting, first.id, actor=secretariat)


def test_follow_the_chair_and_end(world):
    meeting, chair = world.meeting, world.users["chair"]
    live.start_meeting(meeting, actor=chair)
    live.present(meeting, None, 12)
    assert live.room_of(meeting).presenting_page == 12
    live.ask_to_speak(meeting, world.users["member"])
    live.end_meeting(meeting, actor=chair)
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.FINISHED
    assert live.speakers(meeting) == []
    with pytest.raises(RoomNotStarted):
        live.ask_to_speak(meeting, world.users["member"])
