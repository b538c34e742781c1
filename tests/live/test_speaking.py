"""Who speaks and who never does, across a body's meetings, from what the room recorded."""

from ecabinet.live import room as live
from ecabinet.live.speaking import speaking_report
from tests.voting.conftest import make_room


def test_report_puts_the_silent_present_first_and_counts_turns(world):
    room = make_room(world, members=5)
    chair, talker, silent = room.chair, room.members[1], room.members[2]
    live.start_meeting(room.meeting, actor=chair)
    for _turn in range(2):
        request = live.ask_to_speak(room.meeting, talker)
        live.give_floor(room.meeting, request.id, actor=chair, limit_s=180)
        live.end_floor(room.meeting, actor=chair)
    report = speaking_report(room.meeting.body_id)
    assert report.meetings >= 1
    by_user = {r.user.id: r for r in report.records}
    assert by_user[talker.id].turns == 2 and by_user[talker.id].last_spoke is not None
    assert by_user[silent.id].turns == 0 and by_user[silent.id].present >= 1
    assert silent.id in {r.user.id for r in report.silent}
    assert talker.id not in {r.user.id for r in report.silent}
    order = [r.user.id for r in report.records]
    assert order.index(silent.id) < order.index(talker.id)  # the silent come first
    assert room.guest.id not in by_user  # guests are not the body's members


def test_report_page_for_the_secretariat_only(client, auth, world):
    auth.login("member")
    assert client.get("/speaking").status_code == 403
    auth.logout()
    auth.login("secretariat")
    page = client.get(f"/speaking?body={world.units['province'].id}").text
    assert "Phát biểu trong các cuộc họp" in page or "phát biểu" in page.lower()
    bad = client.get(f"/speaking?body={world.units['province'].id}&since=31-02-2026").text
    assert "không phải là ngày" in bad
    assert client.get(f"/speaking?body={world.units['ward'].id}").status_code == 404
