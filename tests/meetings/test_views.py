"""Preparing, approving and publishing a meeting through the pages, as each role."""

from datetime import timedelta

from ecabinet.core.timeutil import to_local, utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus
from tests.conftest import csrf_token


def _meeting_form(world, client, **overrides):
    start = to_local(utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    form = {"title": "Phiên họp về chuyển đổi số", "kind": "thematic",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Phòng họp 2", "confidentiality": "normal",
            "chair_id": world.users["chair"].id, "secretary_id": world.users["secretariat"].id,
            "delegate_ids": [world.users["member"].id],
            "unit_ids": [world.units["department"].id], "csrf_token": csrf_token(client)}
    return {**form, **overrides}


def test_secretariat_prepares_chair_approves_delegate_reads(client, auth, world):
    auth.login("secretariat")
    response = client.post("/meetings/new", data=_meeting_form(world, client))
    assert response.status_code == 302
    meeting = db.session.query(Meeting).filter_by(title="Phiên họp về chuyển đổi số").one()
    for title in ("Báo cáo chuyển đổi số", "Đề án đô thị thông minh"):
        client.post(f"/meetings/{meeting.id}/agenda",
                    data={"title": title, "duration_minutes": "40", "presenter": "",
                          "csrf_token": csrf_token(client)})
    page = client.get(f"/meetings/{meeting.id}").text
    # two items of 40 minutes in a three-hour slot
    assert "Báo cáo chuyển đổi số" in page and "Dự kiến 80 trên 180 phút" in page
    client.post(f"/meetings/{meeting.id}/submit", data={"csrf_token": csrf_token(client)})
    auth.logout()

    auth.login("chair")
    assert "Duyệt chương trình" in client.get(f"/meetings/{meeting.id}").text
    client.post(f"/meetings/{meeting.id}/approve", data={"csrf_token": csrf_token(client)})
    auth.logout()

    auth.login("member")
    # not yet published: to the member it does not exist, as for an id that does not exist
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get("/meetings/999999").status_code == 404
    auth.logout()

    auth.login("secretariat")
    client.post(f"/meetings/{meeting.id}/publish", data={"csrf_token": csrf_token(client)})
    auth.logout()
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PUBLISHED

    auth.login("member")
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Đề án đô thị thông minh" in page
    assert "Phiên họp về chuyển đổi số" in client.get("/").text


def test_bad_meeting_form_keeps_what_was_typed(client, auth, world):
    auth.login("secretariat")
    form = _meeting_form(world, client)
    form["ends_at"] = form["starts_at"]
    page = client.post("/meetings/new", data=form).text
    assert "kết thúc sau khi bắt đầu" in page
    assert "Phiên họp về chuyển đổi số" in page
    assert db.session.query(Meeting).filter_by(title=form["title"]).count() == 0


def test_chair_returns_with_comment_and_stays_on_the_meeting(client, auth, world):
    auth.login("chair")
    response = client.post(f"/meetings/{world.submitted.id}/return",
                           data={"comment": "Bổ sung báo cáo tài chính",
                                 "csrf_token": csrf_token(client)}, follow_redirects=True)
    db.session.refresh(world.submitted)
    assert world.submitted.status == MeetingStatus.DRAFT
    assert response.status_code == 200
    assert response.request.path == f"/meetings/{world.submitted.id}"
    assert "Bổ sung báo cáo tài chính" in response.text
    auth.logout()
    auth.login("secretariat")
    assert "Bổ sung báo cáo tài chính" in client.get(f"/meetings/{world.submitted.id}").text


def test_reorder_by_json_and_wrong_list(client, auth, world):
    auth.login("secretariat")
    meeting = world.meeting
    client.post(f"/meetings/{meeting.id}/agenda",
                data={"title": "Mục hai", "duration_minutes": "10", "presenter": "",
                      "csrf_token": csrf_token(client)})
    db.session.refresh(meeting)
    ids = [item.id for item in meeting.agenda]
    token = csrf_token(client)
    response = client.post(f"/meetings/{meeting.id}/agenda/order", json={"order": ids[::-1]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json["order"] == ids[::-1]
    response = client.post(f"/meetings/{meeting.id}/agenda/order", json={"order": ids[:1]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 409 and "message" in response.json
    response = client.post(f"/meetings/{meeting.id}/agenda/order", json={"order": ids})
    assert response.status_code == 400  # no CSRF token


def test_wrong_step_for_state_names_the_state_not_access(client, auth, world):
    from sqlalchemy import func, select

    from ecabinet.audit.models import AuditEntry

    auth.login("secretariat")
    response = client.post(f"/meetings/{world.meeting.id}/submit",
                           data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert response.status_code == 200
    assert "cuộc họp đang ở trạng thái Đã phát hành" in response.text
    denied = db.session.execute(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "access.denied")).scalar_one()
    assert denied == 0
    db.session.refresh(world.meeting)
    assert world.meeting.status == MeetingStatus.PUBLISHED


def test_delegate_may_see_but_not_edit_gets_403(client, auth, world):
    auth.login("member")
    assert client.get(f"/meetings/{world.meeting.id}/edit").status_code == 403
    assert client.post(f"/meetings/{world.meeting.id}/cancel",
                       data={"csrf_token": csrf_token(client)}).status_code == 403


def test_invited_units_clerk_sees_the_meeting_from_home_and_link(client, auth, world):
    from ecabinet.meetings.models import MeetingUnit

    world.meeting.invited_units.append(MeetingUnit(unit_id=world.units["department"].id))
    db.session.commit()
    auth.login("clerk")
    assert world.meeting.title in client.get("/").text
    page = client.get(f"/meetings/{world.meeting.id}")
    assert page.status_code == 200 and "Báo cáo kinh tế - xã hội" in page.text


def test_editing_an_agenda_item_and_announcing_only_real_changes(client, auth, world):
    from sqlalchemy import func, select

    from ecabinet.notify.models import Notification

    def changed_notices():
        return db.session.execute(select(func.count()).select_from(Notification)
                                  .where(Notification.kind == "meeting_changed")).scalar_one()

    auth.login("secretariat")
    item = world.item
    prefix = f"item{item.id}-"
    page = client.get(f"/meetings/{world.meeting.id}").text
    assert f'name="{prefix}title"' in page  # every item has its own edit form
    form = {f"{prefix}title": "Báo cáo kinh tế - xã hội năm 2026",
            f"{prefix}duration_minutes": "45", f"{prefix}presenter": "",
            f"{prefix}csrf_token": csrf_token(client)}
    client.post(f"/agenda/{item.id}", data=form)
    db.session.refresh(item)
    assert (item.title, item.duration_minutes) == ("Báo cáo kinh tế - xã hội năm 2026", 45)
    assert changed_notices() == 2  # chair and member, once
    client.post(f"/agenda/{item.id}", data={**form, f"{prefix}csrf_token": csrf_token(client)})
    client.post(f"/agenda/{item.id}/up", data={"csrf_token": csrf_token(client)})  # first item
    response = client.post(f"/meetings/{world.meeting.id}/agenda/order",
                           json={"order": [item.id]}, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200
    assert changed_notices() == 2  # nothing changed: nobody told again


def test_agenda_change_after_publishing_tells_participants(client, auth, world):
    from sqlalchemy import select

    from ecabinet.notify.models import Notification

    auth.login("secretariat")
    client.post(f"/meetings/{world.meeting.id}/agenda",
                data={"title": "Mục bổ sung", "duration_minutes": "10", "presenter": "",
                      "csrf_token": csrf_token(client)})
    told = db.session.execute(select(Notification.user_id)
                              .where(Notification.kind == "meeting_changed")).scalars().all()
    assert world.users["member"].id in told and world.users["chair"].id in told


def test_publishing_after_the_notice_deadline_warns_and_records_it(client, auth, world):
    from sqlalchemy import select

    from ecabinet.meetings.rules_models import MeetingPublication

    meeting = world.approved  # regular, in 16 days: move it to tomorrow, past the deadline
    meeting.starts_at = utcnow() + timedelta(days=1)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    db.session.commit()
    auth.login("secretariat")
    page = client.get(f"/meetings/{meeting.id}").text
    assert page.count("Vẫn phát hành?") == 2  # shown, and asked again on the button
    response = client.post(f"/meetings/{meeting.id}/publish",
                           data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PUBLISHED  # publishing stays possible
    record = db.session.execute(select(MeetingPublication)).scalar_one()
    assert record.late and record.published_at == meeting.published_at
