"""One decorator for every view: sign-in first, then the feature's own `can_*` check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ecabinet.audit import service as audit
from ecabinet.extensions import db


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


def deny(what: str, **details) -> None:
    """Record a refused access and answer 403."""
    audit.record("access.denied", actor=current_user, object_type="endpoint", object_id=what,
                 details=details)
    db.session.commit()
    abort(403)
