"""Coalesce the room's broadcasts while ballots pour in: one per meeting per interval.

A thousand ballots must not mean a thousand snapshots sent to a thousand screens. The set of
meetings with a broadcast already scheduled is a throttle of this process, not meeting state:
losing it loses nothing, since the next change (or a reconnect) sends the whole room again.
"""

from __future__ import annotations

from flask import current_app

from ecabinet.extensions import db, socketio

_scheduled: set[int] = set()


def broadcast_soon(meeting_id: int, send) -> None:
    """Call `send(meeting)` within LIVE_BROADCAST_INTERVAL seconds (0: now), once for however
    many calls arrive meanwhile."""
    interval = current_app.config.get("LIVE_BROADCAST_INTERVAL", 0.25)
    if interval <= 0:
        from ecabinet.meetings import service as meetings

        send(meetings.get_meeting(meeting_id))
        return
    if meeting_id in _scheduled:
        return
    _scheduled.add(meeting_id)
    socketio.start_background_task(_later, current_app._get_current_object(), meeting_id,
                                   send, interval)


def _later(app, meeting_id: int, send, interval: float) -> None:
    socketio.sleep(interval)
    _scheduled.discard(meeting_id)
    with app.app_context():
        from ecabinet.meetings import service as meetings

        try:
            send(meetings.get_meeting(meeting_id))
        finally:
            db.session.remove()
