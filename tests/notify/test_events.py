"""Live push: a fresh notification reaches its reader's room, in the reader's language."""

from __future__ import annotations

from ecabinet.extensions import db
from ecabinet.notify import service
from ecabinet.notify.events import push_live
from tests.conftest import DEMO_PASSWORD, LiveClient, csrf_token


def _live_as(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    return LiveClient(app, client)


def test_push_live_reaches_only_the_readers_room(app, mailworld):
    mailworld.users["member"].locale = "en"
    db.session.commit()
    member, chair, clerk, outsider = (_live_as(app, name)
                                      for name in ("member", "chair", "clerk", "outsider"))
    notes = service.meeting_published(mailworld.meeting, actor=None)
    assert push_live(notes) == 3  # the two participants and the invited unit's clerk
    got = [m for m in member.received() if m["name"] == "notification"]
    assert len(got) == 1
    payload = got[0]["args"][0]
    assert payload["text"].startswith("You are invited to “Phiên họp thường kỳ”")
    assert payload["url"] == f"/meetings/{mailworld.meeting.id}"
    chair_got = [m for m in chair.received() if m["name"] == "notification"]
    assert chair_got[0]["args"][0]["text"].startswith("Đồng chí được mời dự")
    clerk_got = [m for m in clerk.received() if m["name"] == "notification"]
    assert len(clerk_got) == 1 and clerk_got[0]["args"][0]["text"].startswith("Đồng chí")
    assert clerk_got[0]["args"][0]["url"] == f"/meetings/{mailworld.meeting.id}"
    assert [m for m in outsider.received() if m["name"] == "notification"] == []


def test_push_live_skips_nothing_to_push(app):
    assert push_live([]) == 0
