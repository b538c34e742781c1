"""Sign-in: check the password, throttle guessing per account and per address, record it all."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ecabinet.accounts.errors import SignInRefused, TooManyAttempts
from ecabinet.accounts.models import LoginAttempt, User
from ecabinet.accounts.passwords import burn_verification_time, verify_password
from ecabinet.accounts.sessions import start_session
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db


def _recent_failures(username: str, ip: str) -> tuple[int, int]:
    """Count failed tries in the window: for this account since its last success, and from ip."""
    since = utcnow() - current_app.config["LOGIN_WINDOW"]
    last_success = db.session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)
        )
    ).scalar()
    account_since = max(since, last_success) if last_success else since
    by_account = db.session.execute(
        select(func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > account_since,
        )
    ).scalar_one()
    by_address = db.session.execute(
        select(func.count()).where(
            LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
        )
    ).scalar_one()
    return by_account, by_address


def sign_in(username: str, password: str, *, ip: str, user_agent: str = "") -> tuple[User, str]:
    """Check the credentials and open a session; return the user and the new session token.

    :raises TooManyAttempts: once the account or the address has used up its failures.
    :raises SignInRefused: for an unknown user, a wrong password or a deactivated account,
        with one message for all three so that nobody learns which accounts exist.
    """
    username = username.strip().lower()[:64]
    by_account, by_address = _recent_failures(username, ip)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if by_account >= limit or by_address >= limit:
        audit.record("login.throttled", details={"username": username,
                                                 "by_account": by_account,
                                                 "by_address": by_address})
        db.session.commit()
        minutes = int(current_app.config["LOGIN_WINDOW"].total_seconds() // 60)
        raise TooManyAttempts(_l("Too many failed sign-in attempts. Wait %(m)d minutes and try "
                                 "again, or ask the administrator to reset your password.",
                                 m=minutes))
    user = db.session.execute(
        select(User).where(func.lower(User.username) == username)
    ).scalar_one_or_none()
    if user is None:
        burn_verification_time()
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    db.session.add(LoginAttempt(username=username, ip=ip[:64], at=utcnow(), succeeded=ok))
    if not ok:
        audit.record("login.failed", actor=user, object_type="user",
                     object_id=user.id if user else "", details={"username": username})
        db.session.commit()
        raise SignInRefused(_l("Wrong username or password, or the account is deactivated."))
    token = start_session(user, ip=ip, user_agent=user_agent)
    audit.record("login.ok", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    return user, token


def forget_old_attempts() -> int:
    """Delete attempts older than the window; they no longer count for anything."""
    cutoff = utcnow() - current_app.config["LOGIN_WINDOW"]
    deleted = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
    db.session.commit()
    return deleted
