"""Push fresh notifications to their readers' live connections, each in the reader's language.

Called by views after a service returns (services never broadcast). In a process without
the socket server (the worker), the same call goes through the Redis message queue that
create_app() gave Flask-SocketIO when REDIS_URL is set; without Redis it reaches nobody,
and the notification still waits on the reader's notifications page.
"""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import inspect, select

from ecabinet.accounts import service as accounts
from ecabinet.extensions import db, socketio
from ecabinet.live.events import LiveNamespace, user_room
from ecabinet.notify.messages import render
from ecabinet.notify.models import Notification

EVENT = "notification"


def push_live(notifications: list[Notification]) -> int:
    """Emit each notification to its user's room on /live; return how many were emitted."""
    if not notifications:
        return 0
    ids = [inspect(n).identity[0] for n in notifications]  # no reload of expired rows
    # One query each instead of one per row: refresh the committed (expired) rows and users.
    rows = db.session.execute(select(Notification).where(Notification.id.in_(ids))).scalars()
    notes = {n.id: n for n in rows}
    users = accounts.get_users(n.user_id for n in notes.values())
    sent = 0
    for note_id in ids:
        note = notes.get(note_id)
        user = users.get(note.user_id) if note else None
        if user is None or not user.is_active:
            continue
        with force_locale(user.locale or "vi"):
            text = render(note.kind, note.params)
        socketio.emit(EVENT, {"text": text, "url": note.url}, namespace=LiveNamespace.PATH,
                      to=user_room(user.id))
        sent += 1
    return sent
