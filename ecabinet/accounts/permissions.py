"""Who may manage accounts and units; pure functions that never raise."""

from __future__ import annotations

from ecabinet.accounts.models import RoleKind


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(RoleKind.ADMIN))


def can_manage_accounts(user) -> bool:
    return is_admin(user)


def can_manage_units(user) -> bool:
    return is_admin(user)


def can_view_audit(user) -> bool:
    return is_admin(user)
