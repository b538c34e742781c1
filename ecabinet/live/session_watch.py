"""Close /live sockets whose sign-in session has ended, in every process.

A socket is authorised once per event, but it keeps receiving what is pushed to its rooms
(`user:<id>`, meetings) until it is closed. Sessions end in the database (logout, a password
change elsewhere, deactivation), and any process may hold the user's sockets. So each
process re-checks its own sockets against the database every LIVE_SESSION_CHECK_S seconds
and closes those whose session is gone. This was chosen over asking other processes through
the message queue: python-socketio's queue can disconnect a socket only by its sid, which
would need a shared sid registry; a lost or early message would leave a socket open; and the
sweep also works with one process and no Redis. Its cost is one indexed query per interval
per process, for however many sockets it holds.
"""

from __future__ import annotations

import logging

from ecabinet.accounts import sessions
from ecabinet.core.database import is_closed
from ecabinet.extensions import db, socketio

log = logging.getLogger(__name__)

NAMESPACE = "/live"
SESSION_KEY = "ecabinet.live.session_digest"


def remember_session(environ: dict, token: str | None) -> None:
    """Note, at connect, which sign-in session this socket belongs to."""
    environ[SESSION_KEY] = sessions.token_digest(token) if token else ""


def close_ended_sockets() -> int:
    """Disconnect this process's /live sockets whose session ended; return how many."""
    server = socketio.server
    if server is None:
        return 0
    sockets = {}
    for sid, eio_sid in list(server.manager.get_participants(NAMESPACE, None)):
        environ = server.environ.get(eio_sid) or {}
        if SESSION_KEY not in environ:  # still in on_connect, which notes it before returning
            continue
        sockets[sid] = environ[SESSION_KEY]
    if not sockets:
        return 0
    alive = sessions.live_digests({d for d in sockets.values() if d})
    db.session.commit()  # end the read transaction: the next sweep must see new writes
    ended = [sid for sid, digest in sockets.items() if digest not in alive]
    for sid in ended:
        server.disconnect(sid, namespace=NAMESPACE)
    if ended:
        log.info("closed %d socket(s) whose session ended", len(ended))
    return len(ended)


def start_session_watch(app) -> bool:
    """Start the sweep in this process (once per Socket.IO server); `ecabinet run` calls it,
    and so must any other server that hosts the app. False when LIVE_SESSION_CHECK_S is 0."""
    interval = app.config.get("LIVE_SESSION_CHECK_S", 0)
    server = socketio.server
    if not interval or server is None or getattr(server, "ecabinet_session_watch", False):
        return False
    server.ecabinet_session_watch = True
    socketio.start_background_task(_watch, app, server, interval)
    return True


def _watch(app, server, interval: float) -> None:
    while socketio.server is server and getattr(server, "ecabinet_session_watch", False):
        socketio.sleep(interval)
        if is_closed(app):
            return
        with app.app_context():
            try:
                close_ended_sockets()
            except Exception:  # noqa: BLE001 - the sweep must outlive a database hiccup
                log.exception("session sweep failed")
            finally:
                db.session.remove()


def stop_session_watch() -> None:
    """Let the sweep end after its current interval (tests)."""
    if socketio.server is not None:
        socketio.server.ecabinet_session_watch = False
