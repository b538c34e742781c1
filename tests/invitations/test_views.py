"""The answer form and the secretariat's panel, through HTTP and the /live socket."""

from sqlalchemy import select

from ecabinet.extensions import db
from ecabinet.invitations import service
from ecabinet.invitations.models import Answer
from ecabinet.notify.models import Notification
from tests.conftest import LiveClient, csrf_token


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def test_invited_member_sees_the_answer_form(client, auth, world):
    auth.login("member")
    page = client.get(f"/meetings/{world.meeting.id}").text
    assert 'id="invitation"' in page and "Trả lời giấy mời" in page
    assert 'id="invitations"' not in page  # the answers are for the secretariat
    assert "Phan Văn Tài" in page  # a person of the unit, offered as deputy


def test_member_sends_a_deputy_who_then_sees_the_meeting(client, auth, world):
    clerk = world.users["clerk"]
    auth.login("member")
    response = _post(client, f"/meetings/{world.meeting.id}/invitation", answer="deputy",
                     deputy_id=str(clerk.id))
    assert response.status_code == 302 and response.headers["Location"].endswith("#invitation")
    row = service.answer_of(world.meeting, world.users["member"])
    assert (row.answer, row.deputy_id) == (Answer.DEPUTY, clerk.id)
    note = db.session.execute(select(Notification).where(
        Notification.kind == "invitation_deputy")).scalar_one()
    assert note.user_id == clerk.id
    auth.logout()
    auth.login("clerk")
    page = client.get(f"/meetings/{world.meeting.id}")
    assert page.status_code == 200
    assert "Phạm Quốc Bảo" in page.text  # "in place of đồng chí Phạm Quốc Bảo"
    assert "Phiên họp thường kỳ" in client.get("/").text  # the home page tells them


def test_decline_without_reason_keeps_the_form(client, auth, world):
    auth.login("member")
    response = _post(client, f"/meetings/{world.meeting.id}/invitation", answer="decline",
                     reason="")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert service.answer_of(world.meeting, world.users["member"]) is None


def test_secretariat_sees_answers_and_reminds(client, auth, world):
    auth.login("member")
    _post(client, f"/meetings/{world.meeting.id}/invitation", answer="decline",
          reason="Đi công tác")
    auth.logout()
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.meeting.id}").text
    assert 'id="invitations"' in page and "Đi công tác" in page
    assert 'data-count="decline">1<' in page
    assert "Nhắc" not in page.split('id="invitations"')[1].split("</section>")[0]


def test_remind_then_not_again_within_the_hour(client, auth, world):
    auth.login("secretariat")
    first = _post(client, f"/meetings/{world.meeting.id}/invitations/remind")
    assert first.status_code == 302
    assert db.session.execute(select(Notification).where(
        Notification.kind == "invitation_reminder")).scalar_one()
    page = _post(client, f"/meetings/{world.meeting.id}/invitations/remind")
    assert page.status_code == 302
    assert "một giờ" in client.get(f"/meetings/{world.meeting.id}").text


def test_answers_are_pushed_to_the_secretariat_live(app, client, auth, world):
    auth.login("secretariat")
    live = LiveClient(app, client)
    state = live.call("invitations_watch", {"meeting_id": world.meeting.id})
    assert state["counts"] == {"attend": 0, "decline": 0, "deputy": 0, "none": 1}
    live.received()
    member_client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(member_client).login("member")
    _post(member_client, f"/meetings/{world.meeting.id}/invitation", answer="deputy",
          deputy_id=str(world.users["clerk"].id))
    pushed = [m for m in live.received() if m["name"] == "invitations"]
    assert pushed and pushed[-1]["args"][0]["counts"]["deputy"] == 1
    assert pushed[-1]["args"][0]["rows"][0]["deputy"] == "Phan Văn Tài"
    live.disconnect()


def test_home_page_badge_counts_unanswered_invitations(client, auth, world):
    auth.login("member")
    assert 'id="unanswered-count"' in client.get("/").text
    _post(client, f"/meetings/{world.meeting.id}/invitation", answer="attend")
    assert 'id="unanswered-count"' not in client.get("/").text


def test_secretariat_marks_represented_once_the_room_is_open(client, auth, world):
    from ecabinet.live import attendance, room

    auth.login("member")
    _post(client, f"/meetings/{world.meeting.id}/invitation", answer="deputy",
          deputy_id=str(world.users["clerk"].id))
    auth.logout()
    room.start_meeting(world.meeting, actor=world.users["chair"])
    auth.login("secretariat")
    url = f"/meetings/{world.meeting.id}/invitations/{world.users['member'].id}/represented"
    assert url in client.get(f"/meetings/{world.meeting.id}").text
    assert _post(client, url).status_code == 302
    assert attendance.represented(world.meeting) == {
        world.users["member"].id: world.users["clerk"].id}
    page = client.get(f"/meetings/{world.meeting.id}").text
    assert "Cử đồng chí Phan Văn Tài dự thay" in page and url not in page
