"""One permission check per request: load the object, authorise it here, then act.

Views call a feature's loader (`meetings.loaders.load_meeting`, `documents.loaders.…`), which
uses `guard`: a user who may not know that the object exists gets the same 404 as for an id
that does not exist; one who may see it but not do this gets 403. Services then trust the object
and check only its state, raising a typed error that names the state.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required

from ecabinet.audit import service as audit
from ecabinet.extensions import db

T = TypeVar("T")
Check = Callable[[object, object], bool]


def require(check: Callable[[object], bool]):
    """Let a signed-in user through when `check(user)` holds; 403 and an audit entry otherwise."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not check(current_user):
                deny(view.__name__)
            return view(*args, **kwargs)

        guarded.permission = check
        return guarded

    return decorate


def guard(obj: T, check: Check | None, *, visible: Check, what: str, **details) -> T:
    """Return `obj` when the current user may see it and, if given, pass `check`.

    404 when the user may not see it (ids cannot be probed), 403 when they may see it but not
    do this; both recorded in the audit log.
    """
    if not visible(obj, current_user):
        deny(what, status=404, **details)
    if check is not None and check is not visible and not check(obj, current_user):
        deny(what, **details)
    return obj


def deny(what: str, *, status: int = 403, **details) -> None:
    """Record a refused access and answer `status` (403, or 404 to hide that it exists)."""
    audit.record("access.denied", actor=current_user, object_type="endpoint", object_id=what,
                 details={**details, **({"status": status} if status != 403 else {})})
    db.session.commit()
    abort(status)
