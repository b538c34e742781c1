"""Server-side records of signed-in devices, so an account can be signed out everywhere."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from ecabinet.accounts.models import User, UserSession
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db


def token_digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


_digest = token_digest


def start_session(user: User, *, ip: str = "", user_agent: str = "") -> str:
    """Open a fresh session and return its token: a new id at every sign-in."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_digest(token), user_id=user.id, ip=ip[:64],
                               user_agent=user_agent[:300]))
    return token


def user_for_session(user_id: str, token: str | None) -> User | None:
    """Return the active user behind a live session token, or None to sign the device out."""
    if not token or not user_id.isdigit():
        return None
    return db.session.execute(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.is_active.is_(True),
            UserSession.token_hash == _digest(token),
            UserSession.ended_at.is_(None),
        )
    ).scalar_one_or_none()


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_user_sessions(user: User, *, keep_token: str | None = None) -> int:
    """End every session of the user (but `keep_token`'s); return how many were ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep_token:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def live_digests(digests: set[str]) -> set[str]:
    """Those of `digests` whose session is open and whose user is active (the socket sweep)."""
    if not digests:
        return set()
    return set(db.session.execute(
        select(UserSession.token_hash)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash.in_(digests), UserSession.ended_at.is_(None),
               User.is_active.is_(True))
    ).scalars())
