"""The live namespace: only signed-in users from our own pages may connect or act."""

from __future__ import annotations

import logging
from functools import wraps
from types import MethodType
from urllib.parse import urlsplit

from flask import request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import Namespace, join_room

from ecabinet.accounts.auth import SESSION_TOKEN_KEY
from ecabinet.core.errors import EcabinetError, NotFound
from ecabinet.live.connection import flush_denials, note_denial, take_event_token
from ecabinet.live.dispatch import handle_event
from ecabinet.live.handlers import handler_for
from ecabinet.live.identity import (
    assume_remembered,
    load_at_connect,
    remember,
    use_remembered,
)
from ecabinet.live.session_watch import remember_session
from ecabinet.meetings import service as meetings
from ecabinet.meetings.permissions import can_view_meeting

log = logging.getLogger(__name__)


class NotSignedIn(EcabinetError):
    code = "unauthenticated"
    http_status = 401


def origin_allowed() -> bool:
    """Accept a missing Origin (non-browser clients) or one naming this very host."""
    origin = request.headers.get("Origin")
    if not origin:
        return True
    parts = urlsplit(origin)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def _guarded(handler, identify):
    """The handler behind the rate limit and the sign-in check, its refusals audited
    (coalesced per connection); ``identify`` sets current_user for the event."""

    @wraps(handler)
    def guarded(self, *args):
        take_event_token()  # first: a flood costs no query
        identify()
        if not current_user.is_authenticated:
            raise NotSignedIn(_l("Please sign in to continue."))
        try:
            return handler(self, *args)
        except EcabinetError as error:
            note_denial(request.event["message"], error)
            raise

    return guarded


def signed_in(handler):
    """Guard every event: the rate limit, then the session re-checked with one query (a
    user deactivated mid-meeting is refused; live/identity.py)."""
    return _guarded(handler, use_remembered)


def _remembered_without_query() -> None:
    if assume_remembered() is None:
        use_remembered()


def session_checked_by_handler(handler):
    """`signed_in` for an event whose handler checks the session where it writes (see
    `live_event(checks_session=True)`): the rate limit, the remembered user, no query."""
    return _guarded(handler, _remembered_without_query)


def socket_error(error: Exception) -> dict:
    """Answer every failed event with {"error", "message"} in the user's language."""
    if isinstance(error, EcabinetError):
        return {"error": error.code, "message": str(error.message)}
    log.exception("socket event failed", exc_info=error)
    return {"error": "internal",
            "message": _("An unexpected error occurred. It has been logged; please try again.")}


def _on_closed(_self, *_reason) -> None:
    """Write the refusals this connection still had counted (not an on_* event: clients
    cannot send it)."""
    flush_denials()


class LiveNamespace(Namespace):
    PATH = "/live"

    def trigger_event(self, event, *args):
        """Our own on_* events first; then those that features registered
        (ecabinet/live/handlers.py), behind the same session check and error mapping."""
        if event == "disconnect":
            return handle_event(self.socketio, MethodType(_on_closed, self), event,
                                self.namespace, *args)
        feature = handler_for(event or "")
        if event == "connect" or (feature is None and not hasattr(self, f"on_{event}")):
            return super().trigger_event(event, *args)
        own = getattr(self, f"on_{event}", None)
        guard = (session_checked_by_handler if getattr(feature, "checks_own_session", False)
                 else signed_in)
        method = own or MethodType(guard(lambda _self, data=None: feature(data)), self)
        return handle_event(self.socketio, method, event, self.namespace, *args)

    def on_connect(self, auth=None):
        if not origin_allowed():
            log.warning("socket refused: foreign origin %s", request.headers.get("Origin"))
            return False
        load_at_connect()
        if not current_user.is_authenticated:
            return False
        remember_session(request.environ, session.get(SESSION_TOKEN_KEY))
        remember(current_user._get_current_object())
        join_room(user_room(current_user.id))
        return True

    @signed_in
    def on_whoami(self, data=None):
        return {"username": current_user.username, "full_name": current_user.full_name}

    @signed_in
    def on_subscribe_meeting(self, data=None):
        """Join a meeting's room to receive its live updates, if the user may see it."""
        meeting_id = data.get("meeting_id") if isinstance(data, dict) else None
        if not isinstance(meeting_id, int):
            raise EcabinetError(_l("A meeting id is required."), code="bad_request")
        meeting = meetings.get_meeting(meeting_id)
        if not can_view_meeting(meeting, current_user):
            raise NotFound(_l("Meeting %(id)s does not exist.", id=meeting_id))
        join_room(meeting_room(meeting.id))
        return {"ok": True, "meeting_id": meeting.id}
