"""The room and its votes over Socket.IO test clients, with the HTTP sign-in of each person."""

from __future__ import annotations

import time

import pytest

from ecabinet.extensions import db
from tests.conftest import LiveClient, csrf_token


@pytest.fixture(autouse=True)
def broadcast_every_change(app):
    """One broadcast per change, so that each test can read what the room was told."""
    app.config["LIVE_BROADCAST_INTERVAL"] = 0


def _client(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "Test-Passw0rd-2025",
                                "csrf_token": csrf_token(client)})
    return LiveClient(app, client)


def _rooms(received) -> list[dict]:
    return [m["args"][0] for m in received if m["name"] == "room"]


def test_chair_runs_a_vote_that_a_member_casts_once(app, world):
    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    assert chair.call("room_join", {"meeting_id": meeting_id})["me"]["can_run"] is True
    joined = member.call("room_join", {"meeting_id": meeting_id})
    assert joined["me"]["can_run"] is False and joined["started"] is False
    assert chair.call("start_meeting", {"meeting_id": meeting_id}) == {"ok": True}
    for person in (chair, member):
        assert person.call("check_in", {"meeting_id": meeting_id})["me"]["present"]
    opened = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Thông qua?"})
    poll_id = opened["poll_id"]
    member.received()
    ballot = {"meeting_id": meeting_id, "poll_id": poll_id, "choices": [0],
              "token": "member-token-0001"}
    first = member.call("cast_ballot", ballot)
    again = member.call("cast_ballot", {**ballot, "choices": [1]})
    assert first["receipt"] == again["receipt"] and again["repeated"] is True
    progress = [m["args"][0] for m in member.received() if m["name"] == "poll_progress"]
    assert progress[-1]["voted"] == 1 and progress[-1]["poll_id"] == poll_id
    # Only the console hears who is still to vote: names, never choices.
    waiting = [m["args"][0] for m in chair.received() if m["name"] == "poll_waiting"]
    assert waiting[-1]["waiting"] == [world.users["chair"].full_name]
    assert not any(m["name"] == "poll_waiting" for m in member.received())
    assert chair.call("room_join", {"meeting_id": meeting_id})["waiting"] == [
        world.users["chair"].full_name]
    closed = chair.call("close_poll", {"meeting_id": meeting_id, "poll_id": poll_id})
    assert closed["counts"] == [1, 0, 0]
    late = _client(app, "chair").call("cast_ballot", {**ballot, "token": "chair-token-0001"})
    assert late["error"] == "poll_closed" and late["message"]
    state = _rooms(member.received())[-1]
    assert state["poll"]["status"] == "closed" and state["poll"]["result"]["counts"] == [1, 0, 0]


def test_bad_input_gets_a_clear_error_and_changes_nothing(app, world):
    chair = _client(app, "chair")
    for payload in (None, {}, {"meeting_id": "1"}, {"meeting_id": True}, [1, 2],
                    {"meeting_id": world.meeting.id, "item_id": "x"}):
        ack = chair.call("take_item", payload)
        assert ack["error"] in ("bad_request", "not_started") and ack["message"], ack
    huge = {"meeting_id": world.meeting.id, "question": "x" * 100_000}
    assert chair.call("open_poll", huge)["error"] == "bad_request"
    from ecabinet.voting.models import Poll

    assert db.session.query(Poll).count() == 0


def test_a_ballot_for_another_meetings_poll_is_not_found(app, world):
    from ecabinet.voting import service as voting

    poll = voting.open_poll(world.submitted, voting.PollData("Khác?"), actor=None,
                            override_quorum=True)
    member = _client(app, "member")  # not allowed to see the submitted meeting
    ack = member.call("cast_ballot", {"poll_id": poll.id, "choices": [0],
                                      "token": "member-token-0002"})
    assert ack["error"] == "not_found"


def test_reconnecting_client_gets_the_whole_room(app, world):
    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    member.call("check_in", {"meeting_id": meeting_id})
    member.call("ask_to_speak", {"meeting_id": meeting_id})
    member.disconnect()
    again = _client(app, "member").call("room_join", {"meeting_id": meeting_id})
    assert again["started"] and again["me"]["present"]
    assert again["item"]["id"] == world.item.id
    assert [s["user_id"] for s in again["speakers"]] == [world.users["member"].id]


def test_ballots_arriving_together_are_broadcast_once(app, world):
    app.config.update(LIVE_BROADCAST_INTERVAL=0.3, LIVE_ROOM_PROGRESS_INTERVAL=0.3)
    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    for person in (chair, member):
        person.call("room_join", {"meeting_id": meeting_id})
        person.call("check_in", {"meeting_id": meeting_id})
    poll_id = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Q?"})["poll_id"]
    member.received()
    for person, token in ((chair, "chair-token-0001"), (member, "member-token-0001")):
        ack = person.call("cast_ballot", {"poll_id": poll_id, "choices": [0], "token": token})
        assert ack["ok"]  # acknowledged at once, before any broadcast
    assert member.received() == []
    time.sleep(0.8)
    pushed = member.received()
    progress = [m["args"][0] for m in pushed if m["name"] == "poll_progress"]
    assert len(progress) == 1 and progress[0]["voted"] == 2  # one count, not one per ballot
    assert _rooms(pushed) == []  # and no whole room while ballots pour in


def test_custom_choices_several_ticks_and_a_changed_ballot(app, world):
    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    for person in (chair, member):
        person.call("check_in", {"meeting_id": meeting_id})
    opened = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Chọn địa điểm",
                                      "choices": ["Hội trường A", "Hội trường B", "Trực tuyến"],
                                      "max_choices": 2, "allow_change": True})
    poll_id = opened["poll_id"]
    state = member.call("room_join", {"meeting_id": meeting_id})["poll"]
    assert state["choices"] == ["Hội trường A", "Hội trường B", "Trực tuyến"]
    assert state["max_choices"] == 2 and state["allow_change"] is True
    ballot = {"meeting_id": meeting_id, "poll_id": poll_id, "choices": [0, 2],
              "token": "member-token-first"}
    assert member.call("cast_ballot", ballot)["choices"] == [0, 2]
    too_many = member.call("cast_ballot", {**ballot, "choices": [0, 1, 2], "token": "t-3-choices"})
    assert too_many["error"] == "invalid_ballot"
    changed = member.call("cast_ballot", {**ballot, "choices": [1], "token": "member-token-second"})
    assert changed["choices"] == [1] and changed["repeated"] is False
    closed = chair.call("close_poll", {"meeting_id": meeting_id, "poll_id": poll_id})
    assert closed["counts"] == [0, 1, 0]  # only the changed ballot counts


def test_a_timed_vote_closes_itself_and_refuses_late_ballots(app, world):
    from datetime import timedelta

    from ecabinet.core.timeutil import utcnow
    from ecabinet.voting.models import Poll

    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    for person in (chair, member):
        person.call("check_in", {"meeting_id": meeting_id})
    assert chair.call("open_poll", {"meeting_id": meeting_id, "question": "Q",
                                    "minutes": 0})["error"] == "bad_request"
    poll_id = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Thông qua?",
                                       "minutes": 5})["poll_id"]
    state = member.call("room_join", {"meeting_id": meeting_id})
    closes_at = state["poll"]["closes_at"]
    assert closes_at.endswith("+00:00") and state["server_time"] < closes_at
    ballot = {"meeting_id": meeting_id, "poll_id": poll_id, "choices": [0],
              "token": "member-token-timed"}
    assert member.call("cast_ballot", ballot)["receipt"]
    poll = db.session.get(Poll, poll_id)
    poll.closes_at = utcnow() - timedelta(seconds=1)  # the five minutes are over
    db.session.commit()
    late = chair.call("cast_ballot", {**ballot, "token": "chair-token-timed"})
    assert late["error"] == "poll_closed"
    # Nobody's timer ran in this process: the next one to join closes it with the result.
    rejoined = chair.call("room_join", {"meeting_id": meeting_id})
    assert rejoined["poll"]["status"] == "closed"
    assert rejoined["poll"]["result"]["counts"] == [1, 0, 0]


def test_the_floor_with_a_time_limit_shows_on_every_screen(app, world):
    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    member.call("room_join", {"meeting_id": meeting_id})
    member.call("ask_to_speak", {"meeting_id": meeting_id})
    request_id = chair.call("room_join", {"meeting_id": meeting_id})["speakers"][0]["id"]
    refused = chair.call("give_floor", {"meeting_id": meeting_id, "request_id": request_id,
                                        "minutes": 500})
    assert refused["error"] == "bad_request"
    chair.call("give_floor", {"meeting_id": meeting_id, "request_id": request_id, "minutes": 3})
    speaker = _rooms(member.received())[-1]["speakers"][0]
    assert speaker["status"] == "speaking" and speaker["limit_s"] == 180
    assert speaker["since"].endswith("+00:00")


def test_presenting_a_page_reaches_followers_and_only_the_meetings_documents(app, world):
    from tests.documents.test_service import walk_document_id

    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    document_id = walk_document_id(world)
    chair.call("start_meeting", {"meeting_id": meeting_id})
    member.call("room_join", {"meeting_id": meeting_id})
    assert member.call("present", {"meeting_id": meeting_id, "document_id": document_id,
                                   "page": 3})["error"] == "forbidden"
    ack = chair.call("present", {"meeting_id": meeting_id, "document_id": document_id,
                                 "page": 3})
    assert ack == {"ok": True}
    assert _rooms(member.received())[-1]["presenting"] == {"document_id": document_id,
                                                           "page": 3}
    stranger = chair.call("present", {"meeting_id": meeting_id, "document_id": 999999,
                                      "page": 1})
    assert stranger["error"] == "document_not_found"
    assert member.call("room_join", {"meeting_id": meeting_id})["presenting"]["page"] == 3


def test_a_join_sees_a_change_made_behind_its_back(app, world):
    """The shared snapshot is keyed by a stamp read from the database on every join: a mark
    written by another process (here: straight to the database, no broadcast) shows at the
    next join, though a thousand joins before it were answered from one copy."""
    from ecabinet.core.timeutil import utcnow
    from ecabinet.live.models import Attendance, Presence

    chair, member = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    chair.call("start_meeting", {"meeting_id": meeting_id})
    before = member.call("room_join", {"meeting_id": meeting_id})
    assert before["me"]["present"] is False and before["quorum"]["present"] == 0
    db.session.add(Attendance(meeting_id=meeting_id, user_id=world.users["member"].id,
                              presence=Presence.PRESENT, at=utcnow()))
    db.session.commit()
    after = member.call("room_join", {"meeting_id": meeting_id})
    assert after["me"]["present"] is True
    assert world.users["member"].id in after["present_ids"]
    assert after["server_time"] >= before["server_time"]


@pytest.mark.parametrize("kind", ["named", "secret"])
def test_another_device_sees_the_ballot_cast_with_its_receipt_where_named(app, world, kind):
    chair, tablet = _client(app, "chair"), _client(app, "member")
    meeting_id = world.meeting.id
    assert chair.call("start_meeting", {"meeting_id": meeting_id}) == {"ok": True}
    for person in (chair, tablet):
        assert person.call("check_in", {"meeting_id": meeting_id})["me"]["present"]
    poll_id = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Thông qua?",
                                       "kind": kind})["poll_id"]
    before = _client(app, "member").call("room_join", {"meeting_id": meeting_id})["me"]
    assert before["voted"] is False and before["ballot"] is None
    cast = tablet.call("cast_ballot", {"meeting_id": meeting_id, "poll_id": poll_id,
                                       "choices": [1], "token": f"tablet-{kind}-0001"})
    laptop = _client(app, "member").call("room_join", {"meeting_id": meeting_id})["me"]
    assert laptop["voted"] is True
    if kind == "named":
        assert laptop["ballot"] == {"choices": [1], "receipt": cast["receipt"]}
    else:  # a secret ballot names nobody: the server cannot say whose it is
        assert laptop["ballot"] is None
    other = chair.call("room_join", {"meeting_id": meeting_id})["me"]
    assert other["voted"] is False and other["ballot"] is None


@pytest.mark.parametrize("kind", ["named", "secret"])
def test_a_ballot_cast_on_one_device_reaches_the_voters_other_devices_live(app, world, kind):
    chair, tablet, laptop = _client(app, "chair"), _client(app, "member"), _client(app, "member")
    meeting_id = world.meeting.id
    assert chair.call("start_meeting", {"meeting_id": meeting_id}) == {"ok": True}
    for person in (chair, tablet):
        assert person.call("check_in", {"meeting_id": meeting_id})["me"]["present"]
    poll_id = chair.call("open_poll", {"meeting_id": meeting_id, "question": "Thông qua?",
                                       "kind": kind, "allow_change": True})["poll_id"]
    assert laptop.call("room_join", {"meeting_id": meeting_id})["me"]["voted"] is False
    for client in (chair, tablet, laptop):
        client.received()
    ballot = {"meeting_id": meeting_id, "poll_id": poll_id, "choices": [1],
              "token": f"tablet-{kind}-0002"}
    cast = tablet.call("cast_ballot", ballot)
    assert tablet.call("cast_ballot", ballot)["repeated"] is True  # a resend tells nobody

    def told(client):
        return [m["args"][0] for m in client.received() if m["name"] == "ballot_cast"]

    expected = {"choices": [1], "receipt": cast["receipt"]} if kind == "named" else None
    assert told(laptop) == [{"meeting_id": meeting_id, "poll_id": poll_id, "ballot": expected}]
    assert told(tablet) == [] and told(chair) == []  # the sender has its acknowledgement
    if kind == "named":  # a changed ballot reaches the other device too
        changed = tablet.call("cast_ballot", {**ballot, "choices": [2], "token": "tablet-2"})
        assert told(laptop)[0]["ballot"] == {"choices": [2], "receipt": changed["receipt"]}
