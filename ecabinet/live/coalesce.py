"""Coalesce the room's broadcasts while ballots pour in: one per meeting per interval.

A thousand ballots must not mean a thousand snapshots sent to a thousand screens. The set of
meetings with a broadcast already scheduled is a throttle of this process, not meeting state:
losing it loses nothing, since the next change (or a reconnect) sends the whole room again.
"""

from __future__ import annotations

from flask import current_app

from ecabinet.core.database import is_closed
from ecabinet.extensions import db, socketio

_scheduled: set[tuple] = set()


def broadcast_soon(meeting_id: int, send, *, interval: float | None = None) -> None:
    """Call `send(meeting)` within `interval` seconds (by default LIVE_BROADCAST_INTERVAL;
    when that is 0, now, in the caller: tests), once for however many calls arrive
    meanwhile."""
    base = current_app.config.get("LIVE_BROADCAST_INTERVAL", 0.25)
    if base <= 0:
        from ecabinet.meetings import service as meetings

        send(meetings.get_meeting(meeting_id))
        return
    key = (meeting_id, send)
    if key in _scheduled:
        return
    _scheduled.add(key)
    socketio.start_background_task(_later, current_app._get_current_object(), key,
                                   send, base if interval is None else interval)


def _later(app, key: tuple, send, interval: float) -> None:
    meeting_id = key[0]
    socketio.sleep(interval)
    _scheduled.discard(key)
    if is_closed(app):  # the app went away meanwhile (a test ended): nobody to tell
        return
    with app.app_context():
        from ecabinet.meetings import service as meetings

        try:
            send(meetings.get_meeting(meeting_id))
        finally:
            db.session.remove()
