"""Sockets do not outlive their session: logout, password change, deactivation close them."""

import time

from ecabinet.accounts import service as accounts
from ecabinet.extensions import socketio
from ecabinet.live.events import user_room
from ecabinet.live.session_watch import (
    close_ended_sockets,
    start_session_watch,
    stop_session_watch,
)
from tests.conftest import DEMO_PASSWORD, LiveClient, csrf_token


def _device(app, username="member"):
    """A signed-in browser (HTTP client) with its /live socket."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    live = LiveClient(app, client)
    assert live.connected
    return client, live


def _push_to(user):
    socketio.emit("notification", {"title": "Phiên họp mật"}, namespace="/live",
                  to=user_room(user.id))


def test_logout_closes_that_sessions_sockets_only(app, world):
    laptop, laptop_live = _device(app)
    _tablet, tablet_live = _device(app)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop)})
    assert close_ended_sockets() == 1
    assert not laptop_live.connected and tablet_live.connected
    _push_to(world.users["member"])
    assert [m["name"] for m in tablet_live.received()] == ["notification"]
    assert [m["name"] for m in laptop_live.sio.queue] == []  # nothing reached the closed one


def test_password_change_closes_the_other_sessions_sockets(app, world):
    laptop, laptop_live = _device(app)
    _tablet, tablet_live = _device(app)
    response = laptop.post("/account/password", data={
        "current_password": DEMO_PASSWORD, "new_password": "Song-Lam-2026x",
        "confirm": "Song-Lam-2026x", "csrf_token": csrf_token(laptop)})
    assert response.status_code == 302
    assert close_ended_sockets() == 1
    assert laptop_live.connected and not tablet_live.connected


def test_deactivation_closes_every_socket_of_the_user(app, world):
    _laptop, laptop_live = _device(app)
    _tablet, tablet_live = _device(app)
    _other, chair_live = _device(app, "chair")
    accounts.set_user_active(world.users["member"], False, actor=world.users["admin"])
    assert close_ended_sockets() == 2
    assert not laptop_live.connected and not tablet_live.connected
    assert chair_live.connected


def test_sweep_leaves_live_sessions_alone(app, world):
    _device(app)
    _device(app, "chair")
    assert close_ended_sockets() == 0


def test_sweep_leaves_a_socket_still_connecting_alone(app, world):
    """python-socketio lists a socket before its on_connect returns; under gevent on_connect
    yields on database I/O (PostgreSQL), and a sweep in between must not take the socket's
    unknown session for an ended one."""
    from ecabinet.live.session_watch import SESSION_KEY

    laptop, laptop_live = _device(app)
    environ = socketio.server.environ[laptop_live.sio.eio_sid]
    digest = environ.pop(SESSION_KEY)
    assert close_ended_sockets() == 0
    assert laptop_live.connected
    environ[SESSION_KEY] = digest  # on_connect has returned: the sweep judges it again
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop)})
    assert close_ended_sockets() == 1


def test_the_watch_closes_a_logged_out_socket_within_five_seconds(app, world):
    app.config["LIVE_SESSION_CHECK_S"] = 0.2
    laptop, laptop_live = _device(app)
    assert start_session_watch(app)
    assert not start_session_watch(app)  # once per process
    try:
        laptop.post("/logout", data={"csrf_token": csrf_token(laptop)})
        started = time.monotonic()
        while laptop_live.connected and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert not laptop_live.connected
    finally:
        stop_session_watch()
        time.sleep(0.3)  # let the sweep's thread notice and end before the app goes
