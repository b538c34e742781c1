"""Every rule and write about units, bodies, users and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ecabinet.accounts.errors import (
    DuplicateUnitCode,
    DuplicateUsername,
    InvalidRole,
    InvalidUnitTree,
)
from ecabinet.accounts.models import (
    BODY_ROLES,
    SCOPED_ROLES,
    RoleAssignment,
    RoleKind,
    Unit,
    UnitKind,
    User,
)
from ecabinet.accounts.passwords import check_password_strength, hash_password
from ecabinet.accounts.sessions import end_user_sessions
from ecabinet.audit import service as audit
from ecabinet.core.collation import sort_key, vi
from ecabinet.core.errors import NotFound
from ecabinet.core.text import fold
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db

USERNAME_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


@dataclass(frozen=True)
class UnitData:
    name: str
    code: str
    kind: UnitKind
    parent_id: int | None = None
    is_body: bool = False
    short_name: str = ""
    place_name: str = ""
    """Written before a body's dates: "Hà Tĩnh, ngày 05 tháng 3 năm 2025"."""
    abbreviation: str = ""
    """A body's part of document numbers: the "UBND" in "05/TB-UBND"."""
    email: str = ""


@dataclass(frozen=True)
class UserData:
    username: str
    full_name: str
    email: str = ""
    phone: str = ""
    position: str = ""
    unit_id: int | None = None


@dataclass(frozen=True)
class RoleGrant:
    role: RoleKind
    unit_id: int | None = None


# ---- units -------------------------------------------------------------------------------

def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_l("Unit %(id)s does not exist.", id=unit_id))
    return unit


def list_units(*, bodies_only: bool = False, active_only: bool = False) -> list[Unit]:
    query = select(Unit).order_by(vi(Unit.name))
    if bodies_only:
        query = query.where(Unit.is_body.is_(True))
    if active_only:
        query = query.where(Unit.is_active.is_(True))
    return list(db.session.execute(query).scalars())


def unit_tree(units: Iterable[Unit]) -> list[tuple[int, Unit]]:
    """Order units as an indented tree: (depth, unit) pairs, parents before children."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    ordered: list[tuple[int, Unit]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        children = by_parent.get(parent_id, [])
        for child in sorted(children, key=lambda u: (not u.is_body, sort_key(u.name))):
            ordered.append((depth, child))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


def _check_parent(unit: Unit | None, parent_id: int | None) -> None:
    """Refuse a parent that does not exist or that would put the unit under itself."""
    seen = set()
    current = get_unit(parent_id) if parent_id is not None else None
    while current is not None:
        if unit is not None and current.id == unit.id:
            raise InvalidUnitTree(_l("A unit cannot be placed under itself or its own sub-units."))
        if current.id in seen:
            break
        seen.add(current.id)
        current = current.parent


def _check_unit_code(code: str, unit: Unit | None = None) -> None:
    query = select(Unit.id).where(func.lower(Unit.code) == code.lower())
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    if db.session.execute(query).first():
        raise DuplicateUnitCode(_l("The unit code %(code)s is already used.", code=code))


def create_unit(data: UnitData, *, actor: User | None) -> Unit:
    _check_unit_code(data.code)
    _check_parent(None, data.parent_id)
    unit = Unit(**vars(data))
    db.session.add(unit)
    db.session.flush()
    audit.record("unit.created", actor=actor, object_type="unit", object_id=unit.id,
                 details=vars(data))
    db.session.commit()
    return unit


def update_unit(unit: Unit, data: UnitData, *, actor: User | None) -> Unit:
    _check_unit_code(data.code, unit)
    _check_parent(unit, data.parent_id)
    if unit.is_body and not data.is_body and _has_body_roles(unit):
        raise InvalidUnitTree(_l("%(name)s still has a secretariat, members or chairs; remove "
                                 "their roles before it stops being a body.", name=unit.name))
    changes = {k: v for k, v in vars(data).items() if getattr(unit, k) != v}
    for key, value in changes.items():
        setattr(unit, key, value)
    audit.record("unit.updated", actor=actor, object_type="unit", object_id=unit.id,
                 details=changes)
    db.session.commit()
    return unit


def _has_body_roles(unit: Unit) -> bool:
    return db.session.execute(
        select(RoleAssignment.id).where(
            RoleAssignment.unit_id == unit.id, RoleAssignment.role.in_(BODY_ROLES)
        )
    ).first() is not None


def set_unit_active(unit: Unit, active: bool, *, actor: User | None) -> Unit:
    unit.is_active = active
    audit.record("unit.activated" if active else "unit.deactivated", actor=actor,
                 object_type="unit", object_id=unit.id)
    db.session.commit()
    return unit


# ---- users -------------------------------------------------------------------------------

def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("User %(id)s does not exist.", id=user_id))
    return user


def find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def list_users(*, search: str = "", unit_id: int | None = None) -> list[User]:
    """Users in Vietnamese alphabetical order; `search` ignores tones and case, as users
    type on phones ("nguyen" finds every Nguyễn), matching every word in name, username,
    e-mail or position."""
    query = select(User).order_by(vi(User.full_name), User.username)
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    users = db.session.execute(query).scalars()
    words = fold(search).split()
    if not words:
        return list(users)
    return [user for user in users if _matches(user, words)]


def _matches(user: User, words: list[str]) -> bool:
    text = fold(f"{user.full_name} {user.username} {user.email} {user.position}")
    return all(word in text for word in words)


def get_users(user_ids: Iterable[int]) -> dict[int, User]:
    """The users with these ids (missing ids are simply absent), for other features."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}


def get_units(unit_ids: Iterable[int]) -> dict[int, Unit]:
    """The units with these ids (missing ids are simply absent)."""
    ids = set(unit_ids)
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(select(Unit).where(Unit.id.in_(ids))).scalars()}


def bodies_administered_by(user: User) -> list[Unit]:
    """The bodies whose secretariat `user` is (every body for an administrator), in
    Vietnamese order: what pages of a body's settings and reports offer."""
    if user.has_role(RoleKind.ADMIN):
        return list_units(bodies_only=True)
    units = get_units(user.unit_ids_for(RoleKind.SECRETARIAT)).values()
    return sorted(units, key=lambda unit: sort_key(unit.name))


def users_with_role(role: RoleKind, unit_ids: int | Iterable[int] | None = None) -> list[User]:
    """Active users holding `role` (in one unit or any of several), each once, by name."""
    query = (select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
             .where(RoleAssignment.role == role, User.is_active.is_(True))
             .order_by(vi(User.full_name)))
    if isinstance(unit_ids, int):
        query = query.where(RoleAssignment.unit_id == unit_ids)
    elif unit_ids is not None:
        query = query.where(RoleAssignment.unit_id.in_(set(unit_ids)))
    return list(db.session.execute(query).unique().scalars())


def user_ids_with_role(role: RoleKind, unit_id: int) -> set[int]:
    """The ids of the active users holding `role` in the unit: a count or a membership test
    without loading a thousand accounts."""
    return set(db.session.execute(
        select(User.id).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, RoleAssignment.unit_id == unit_id,
               User.is_active.is_(True))).scalars())


def role_holders(role: RoleKind, unit_ids: Iterable[int]) -> list[tuple[User, int]]:
    """(user, unit id) for every active holder of `role` in these units: a clerk of two
    invited units is listed for each, so mail goes out on behalf of the right unit."""
    ids = set(unit_ids)
    if not ids:
        return []
    rows = db.session.execute(
        select(User, RoleAssignment.unit_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, RoleAssignment.unit_id.in_(ids),
               User.is_active.is_(True))
        .order_by(User.id))
    return [(user, unit_id) for user, unit_id in rows]


def active_users() -> list[User]:
    """Everyone who can sign in, by name (the guest picker)."""
    return list(db.session.execute(
        select(User).where(User.is_active.is_(True)).order_by(vi(User.full_name))).scalars())


def _check_username(username: str, user: User | None = None) -> str:
    username = username.strip().lower()
    if not username or not set(username) <= USERNAME_ALLOWED or len(username) > 64:
        raise DuplicateUsername(_l("A username uses only letters a-z, digits, dot, dash and "
                                   "underscore."), code="invalid_username")
    existing = find_user(username)
    if existing is not None and existing is not user:
        raise DuplicateUsername(_l("The username %(name)s is already taken.", name=username))
    return username


def _check_grants(grants: Iterable[RoleGrant]) -> list[RoleGrant]:
    checked = []
    for grant in dict.fromkeys(grants):
        if grant.role in SCOPED_ROLES and grant.unit_id is None:
            raise InvalidRole(_l("This role needs a unit."))
        if grant.role == RoleKind.ADMIN and grant.unit_id is not None:
            grant = RoleGrant(RoleKind.ADMIN)
        if grant.role in BODY_ROLES and not get_unit(grant.unit_id).is_body:
            raise InvalidRole(_l("Secretariat, member and chair roles belong to a body; "
                                 "%(name)s is not a body.", name=get_unit(grant.unit_id).name))
        checked.append(grant)
    return checked


def create_user(data: UserData, password: str, grants: Iterable[RoleGrant] = (), *,
                actor: User | None, password_hash: str | None = None) -> User:
    """Create an account; `password_hash` lets bulk loaders reuse one hash for speed."""
    username = _check_username(data.username)
    if password_hash is None:
        check_password_strength(password, username=username, full_name=data.full_name)
        password_hash = hash_password(password)
    if data.unit_id is not None:
        get_unit(data.unit_id)
    user = User(**{**vars(data), "username": username}, password_hash=password_hash,
                password_changed_at=utcnow())
    user.roles = [RoleAssignment(role=g.role, unit_id=g.unit_id) for g in _check_grants(grants)]
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, object_type="user", object_id=user.id,
                 details={**vars(data), "roles": _describe(user)})
    db.session.commit()
    return user


def update_user(user: User, data: UserData, grants: Iterable[RoleGrant], *,
                actor: User | None, password: str | None = None) -> User:
    """Save an admin's edit; a new password given with it is checked first, so a refused
    password leaves the whole account as it was (nothing half-saved)."""
    username = _check_username(data.username, user)
    if data.unit_id is not None:
        get_unit(data.unit_id)
    if password:
        check_password_strength(password, username=username, full_name=data.full_name)
    wanted = _check_grants(grants)
    before = _describe(user)
    changes = {k: v for k, v in {**vars(data), "username": username}.items()
               if getattr(user, k) != v}
    for key, value in changes.items():
        setattr(user, key, value)
    if set(wanted) != {RoleGrant(r.role, r.unit_id) for r in user.roles}:
        user.roles = [RoleAssignment(role=g.role, unit_id=g.unit_id) for g in wanted]
        changes["roles"] = {"before": before, "after": _describe(user)}
    audit.record("user.updated", actor=actor, object_type="user", object_id=user.id,
                 details=changes)
    if password:
        set_password(user, password, actor=actor)  # commits the edit with the password
    else:
        db.session.commit()
    return user


def _describe(user: User) -> list[str]:
    return sorted(f"{r.role.value}@{r.unit_id}" if r.unit_id else r.role.value
                  for r in user.roles)


def set_user_active(user: User, active: bool, *, actor: User | None) -> User:
    """Deactivating also signs the user out on every device at once."""
    user.is_active = active
    ended = 0 if active else end_user_sessions(user)
    audit.record("user.activated" if active else "user.deactivated", actor=actor,
                 object_type="user", object_id=user.id, details={"sessions_ended": ended})
    db.session.commit()
    return user


def set_password(user: User, password: str, *, actor: User | None,
                 keep_session: str | None = None) -> None:
    """Set a new password and sign out the other sessions: whoever knew the old one is out."""
    check_password_strength(password, username=user.username, full_name=user.full_name)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    ended = end_user_sessions(user, keep_token=keep_session)
    audit.record("user.password_set", actor=actor, object_type="user", object_id=user.id,
                 details={"sessions_ended": ended})
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()
