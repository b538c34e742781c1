"""What one /live connection may spend, and what it has been refused.

Both live in the connection's WSGI environ, which Flask-SocketIO keeps for the life of the
socket and hands to every event: state of this connection only, gone when it closes, never
state of a meeting (DESIGN.md) and never shared through a module-level dict.
"""

from __future__ import annotations

import time

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.extensions import db

BUCKET_KEY = "ecabinet.live.bucket"
DENIALS_KEY = "ecabinet.live.denials"
ACCESS_REFUSALS = {"forbidden", "not_found"}
clock = time.monotonic
"""The clock buckets and intervals are measured by (a test holds it still)."""


class RateLimited(EcabinetError):
    code = "rate_limited"
    http_status = 429


def take_event_token() -> None:
    """Spend one token of this connection's bucket (LIVE_EVENT_RATE per second, bursts of
    LIVE_EVENT_BURST); a flood is refused before it touches the database.

    :raises RateLimited: when the bucket is empty.
    """
    cfg = current_app.config
    rate, burst = cfg["LIVE_EVENT_RATE"], cfg["LIVE_EVENT_BURST"]
    now = clock()
    tokens, last = request.environ.get(BUCKET_KEY, (burst, now))
    tokens = min(burst, tokens + (now - last) * rate)
    if tokens < 1:
        request.environ[BUCKET_KEY] = (tokens, now)
        raise RateLimited(_l("Too many requests at once. Wait a moment and try again."))
    request.environ[BUCKET_KEY] = (tokens - 1, now)


def note_denial(event: str, error: EcabinetError) -> None:
    """Audit a refused event, coalesced per connection: the first refusal is written at
    once, the ones that follow within LIVE_DENIAL_AUDIT_INTERVAL_S are only counted, and the
    count is written as one entry when the interval has passed or the socket closes."""
    if error.code not in ACCESS_REFUSALS:
        return
    now = clock()
    pending = request.environ.get(DENIALS_KEY)
    if pending is None:
        _write(event, 1, error.code)
        request.environ[DENIALS_KEY] = {"since": now, "count": 0, "event": event,
                                        "code": error.code}
        return
    pending["count"] += 1
    pending["event"], pending["code"] = event, error.code
    if now - pending["since"] >= current_app.config["LIVE_DENIAL_AUDIT_INTERVAL_S"]:
        flush_denials()
        request.environ[DENIALS_KEY] = {"since": now, "count": 0, "event": event,
                                        "code": error.code}


def flush_denials() -> None:
    """Write the refusals counted but not yet written (at the end of an interval, or when the
    socket closes)."""
    pending = request.environ.pop(DENIALS_KEY, None)
    if pending and pending["count"]:
        _write(pending["event"], pending["count"], pending["code"], coalesced=True)


def _write(event: str, count: int, code: str, *, coalesced: bool = False) -> None:
    actor = current_user if current_user.is_authenticated else None
    details = {"event": event, "code": code, "count": count}
    if coalesced:
        details["coalesced"] = True
    audit.record("access.denied", actor=actor, object_type="socket_event", object_id=event,
                 details=details)
    db.session.commit()
