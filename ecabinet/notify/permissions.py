"""Who may act on a meeting's outbox: pure checks, `user` may be None, never raising."""

from __future__ import annotations

from ecabinet.accounts.models import RoleKind


def can_manage_mail(meeting, user) -> bool:
    """The secretariat of the meeting's body sees delivery problems and retries them."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role(RoleKind.SECRETARIAT, meeting.body_id))


def can_read_caught_mail(user) -> bool:
    """The local catcher's inbox holds everyone's mail: administrators only."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role(RoleKind.ADMIN))
