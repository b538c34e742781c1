"""Load and authorise a socket event's meeting or poll once, as the pages' loaders do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ecabinet.core.errors import EcabinetError, Forbidden, NotFound
from ecabinet.meetings import service as meetings
from ecabinet.meetings.permissions import can_view_meeting


class BadRequest(EcabinetError):
    code = "bad_request"


def require_int(data, key: str) -> int:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(_l("The request lacks a valid “%(key)s”.", key=key))
    return value


def acting_user():
    """The event's user itself, not Flask-Login's proxy: permission checks read it dozens of
    times per event, and each read through the proxy looks the user up again."""
    return current_user._get_current_object()


def load_meeting(data, check):
    """The event's meeting: not_found where the user may not see it, forbidden where they
    may see it but not do this."""
    meeting_id = require_int(data, "meeting_id")
    meeting = meetings.get_meeting(meeting_id)
    user = acting_user()
    if not can_view_meeting(meeting, user):
        raise NotFound(_l("Meeting %(id)s does not exist.", id=meeting_id))
    if not check(meeting, user):
        raise Forbidden(_l("You may not do this in this meeting."))
    return meeting
