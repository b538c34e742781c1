"""Sign-in: check the password, throttle guessing without letting a stranger lock anyone out.

Three rules, all counted over LOGIN_WINDOW in the database (so every process agrees):

- one account from one address: the LOGIN_MAX_FAILURES + 1st try is refused (429) for that
  pair only; a success or a new password (an administrator's reset) starts the count again;
- one address across accounts: refused only at LOGIN_MAX_FAILURES_PER_ADDRESS, far above what
  a ward office behind one NAT address produces by mistyping;
- one account across addresses: never refused, only slowed, by a delay that doubles with each
  failure above LOGIN_SLOWDOWN_AFTER, so a stranger cannot keep the owner out.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

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


def _failures(*conditions, since: datetime) -> tuple[int, datetime | None]:
    """Count failed tries matching `conditions` after `since`; also the oldest one's time."""
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            *conditions, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
    ).one()
    return count, oldest


def _pair_since(username: str, ip: str, user: User | None, window_start: datetime) -> datetime:
    """Failures of a pair count from the window's start, its last success or the last new
    password, whichever is latest: a reset by the administrator lifts the lock."""
    last_success = db.session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.ip == ip,
            LoginAttempt.succeeded.is_(True))
    ).scalar()
    changed = user.password_changed_at if user is not None else None
    return max(t for t in (window_start, last_success, changed) if t is not None)


def _minutes_left(oldest: datetime | None) -> int:
    window = current_app.config["LOGIN_WINDOW"]
    if oldest is None:
        return int(window.total_seconds() // 60)
    left = (oldest + window - utcnow()).total_seconds()
    return max(1, math.ceil(left / 60))


def _refuse(rule: str, username: str, failures: int, message) -> None:
    audit.record("login.throttled", details={"username": username, "rule": rule,
                                             "failures": failures})
    db.session.commit()
    raise TooManyAttempts(message)


def slowdown_seconds(account_failures: int) -> float:
    """The pause before answering for an account under a guessing attack from many places."""
    cfg = current_app.config
    over = account_failures - cfg["LOGIN_SLOWDOWN_AFTER"]
    if over < 0:
        return 0.0
    return min(cfg["LOGIN_SLOWDOWN_BASE_S"] * 2 ** min(over, 30), cfg["LOGIN_SLOWDOWN_MAX_S"])


def _pause(seconds: float) -> None:
    """Wait (cooperatively under gevent); tests replace it to record the delay instead."""
    time.sleep(seconds)


def _check_throttles(username: str, ip: str, user: User | None) -> None:
    """:raises TooManyAttempts: when this pair, or this address, has used up its failures."""
    cfg = current_app.config
    window_start = utcnow() - cfg["LOGIN_WINDOW"]
    by_pair, oldest = _failures(LoginAttempt.username == username, LoginAttempt.ip == ip,
                                since=_pair_since(username, ip, user, window_start))
    if by_pair >= cfg["LOGIN_MAX_FAILURES"]:
        _refuse("account", username, by_pair, _l(
            "Too many failed sign-in attempts for this account from this network address. "
            "Wait %(m)d minutes and try again, or ask the administrator to reset the password.",
            m=_minutes_left(oldest)))
    by_address, oldest = _failures(LoginAttempt.ip == ip, since=window_start)
    if by_address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        _refuse("address", username, by_address, _l(
            "Too many failed sign-in attempts from this network address. Wait %(m)d minutes "
            "and try again.", m=_minutes_left(oldest)))
    since = max(window_start, user.password_changed_at) if user and user.password_changed_at \
        else window_start
    by_account, _oldest = _failures(LoginAttempt.username == username, since=since)
    delay = slowdown_seconds(by_account)
    if delay:
        audit.record("login.slowed", details={"username": username, "failures": by_account,
                                              "delay_s": delay})
        db.session.commit()
        _pause(delay)


def sign_in(username: str, password: str, *, ip: str, user_agent: str = "") -> tuple[User, str]:
    """Check the credentials and open a session; return the user and the new session token.

    :raises TooManyAttempts: once this account from this address, or this address, has used
        up its failures (see the module's docstring).
    :raises SignInRefused: for an unknown user, a wrong password or a deactivated account,
        with one message for all three so that nobody learns which accounts exist.
    """
    username = username.strip().lower()[:64]
    ip = ip[:64]
    user = db.session.execute(
        select(User).where(func.lower(User.username) == username)
    ).scalar_one_or_none()
    _check_throttles(username, ip, user)
    if user is None:
        burn_verification_time()
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    db.session.add(LoginAttempt(username=username, ip=ip, at=utcnow(), succeeded=ok))
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
