"""The live namespace: who may connect, and what each connection receives."""

from ecabinet.accounts import service as accounts
from ecabinet.extensions import socketio
from ecabinet.live.events import meeting_room
from tests.conftest import DEMO_PASSWORD, LiveClient, csrf_token


def _connect(app, client, **headers):
    return LiveClient(app, client, headers=headers or None)


def test_anonymous_connection_is_refused(app, client, world):
    assert not _connect(app, client).connected


def test_signed_in_connection_is_accepted(app, client, auth, world):
    auth.login("member")
    sio = _connect(app, client)
    assert sio.connected
    assert sio.call("whoami")["username"] == "member"


def test_foreign_origin_is_refused(app, client, auth, world):
    auth.login("member")
    sio = _connect(app, client, Origin="https://evil.example")
    assert not sio.connected


def test_own_origin_is_accepted(app, client, auth, world):
    auth.login("member")
    assert _connect(app, client, Origin="http://localhost").connected


def test_deactivated_user_is_refused_on_the_next_event(app, client, auth, world):
    auth.login("member")
    sio = _connect(app, client)
    accounts.set_user_active(world.users["member"], False, actor=world.users["admin"])
    ack = sio.call("whoami")
    assert ack["error"] == "unauthenticated"
    assert "đăng nhập" in ack["message"]  # in the user's language


def test_a_new_role_counts_from_the_next_event(app, client, auth, world):
    """The connection keeps the user it signed in with, but the roles it holds are checked
    on every event: a role granted meanwhile (here: straight in the database, as another
    process would) is used at once."""
    from ecabinet.accounts.models import RoleAssignment, RoleKind
    from ecabinet.extensions import db

    auth.login("clerk")
    sio = _connect(app, client)
    refused = sio.call("subscribe_meeting", {"meeting_id": world.meeting.id})
    assert refused["error"] in ("forbidden", "not_found")
    db.session.add(RoleAssignment(user_id=world.users["clerk"].id, role=RoleKind.SECRETARIAT,
                                  unit_id=world.meeting.body_id))
    db.session.commit()
    assert sio.call("subscribe_meeting", {"meeting_id": world.meeting.id})["ok"]
    assert sio.call("whoami")["username"] == "clerk"


def test_meeting_room_receives_only_its_subscribers(app, client, auth, world):
    auth.login("member")
    member = _connect(app, client)
    other_client = app.test_client()
    other_client.post("/login", data={"username": "clerk", "password": DEMO_PASSWORD,
                                      "csrf_token": csrf_token(other_client)})
    clerk = _connect(app, other_client)
    assert member.call("subscribe_meeting", {"meeting_id": world.meeting.id})["ok"]
    refused = clerk.call("subscribe_meeting", {"meeting_id": world.meeting.id})
    assert refused["error"] in ("forbidden", "not_found")
    socketio.emit("item_changed", {"item": 2}, namespace="/live",
                  to=meeting_room(world.meeting.id))
    assert [m["name"] for m in member.received()] == ["item_changed"]
    assert clerk.received() == []


def test_bad_payload_gets_a_message_not_a_trace(app, client, auth, world):
    auth.login("member")
    ack = _connect(app, client).call("subscribe_meeting", "nonsense")
    assert ack["error"] == "bad_request" and "cuộc họp" in ack["message"]



def test_a_broadcast_due_after_its_app_closed_opens_no_connection(app, world):
    """A test's app goes while a coalesced broadcast is still due: the broadcast must not
    open a connection in the app's pool, which nobody disposes of any more (it was collected
    later, still open, as an unraisable warning in another test)."""
    import time

    from ecabinet.extensions import db
    from ecabinet.live.coalesce import broadcast_soon
    from ecabinet.server import close_app

    sent = []
    app.config["LIVE_BROADCAST_INTERVAL"] = 0.05
    broadcast_soon(world.meeting.id, sent.append)
    close_app(app)
    time.sleep(0.3)
    assert sent == [] and db.engine.pool.checkedin() == 0
