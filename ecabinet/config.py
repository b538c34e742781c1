"""Configuration: safe defaults, overridden by the environment, then by create_app(config)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def instance_path() -> Path:
    """Return the instance folder (database, files, keys); ECABINET_INSTANCE moves it."""
    return Path(os.environ.get("ECABINET_INSTANCE") or DEFAULT_INSTANCE).resolve()


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// URLs, as operators usually write them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(folder: Path) -> str:
    """Read the secret key from the instance folder, creating it once, readable by us alone."""
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TEST_PASSWORD_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 256,
                      "ARGON2_PARALLELISM": 1}
"""argon2id costs for tests and test servers only (ECABINET_PASSWORD_HASH=test): a hash in
0.2 ms, against 6.5 ms at 8 MiB — the suite hashes or checks a password tens of thousands of
times."""


def _password_hash_costs(value: str | None) -> dict:
    """The argon2 costs ECABINET_PASSWORD_HASH asks for: none (the production defaults) unless
    it is set, and then only the one value tests use, so that a typo cannot weaken hashes.

    :raises ValueError: for any other value.
    """
    if not value:
        return {}
    if value == "test":
        return dict(TEST_PASSWORD_HASH)
    raise ValueError(f"ECABINET_PASSWORD_HASH={value!r}: the only value it takes is 'test'")


def from_environment(folder: Path) -> dict:
    """Build the settings a deployment changes through environment variables."""
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{folder / 'ecabinet.sqlite3'}"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "MAIL_SERVER": env.get("SMTP_HOST", "localhost"),
        "MAIL_PORT": int(env.get("SMTP_PORT", "25")),
        "MAIL_USERNAME": env.get("SMTP_USERNAME") or None,
        "MAIL_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "MAIL_USE_TLS": _env_bool("SMTP_STARTTLS", False),
        "MAIL_USE_SSL": _env_bool("SMTP_SSL", False),
        "MAIL_SENDER": env.get("SMTP_SENDER", "ecabinet@localhost"),
        # Links in mails: the address `ecabinet run` serves on unless the public one is given
        # (make run exports PORT to the server and the worker alike).
        "PUBLIC_URL": env.get("ECABINET_PUBLIC_URL")
        or f"http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '5000')}",
        "DEMO_PASSWORD": env.get("ECABINET_DEMO_PASSWORD", "Demo@eCabinet2025"),
        "SESSION_COOKIE_SECURE": _env_bool("ECABINET_SECURE_COOKIES", False),
        "MAX_CONTENT_LENGTH": int(env.get("ECABINET_MAX_UPLOAD_MB", "100")) * 1024 * 1024,
        # the chairs' keys on a PKCS#11 token (ecabinet/conclusions/pkcs11.py); the PIN is
        # typed at each signature, never configured
        "PKCS11_MODULE": env.get("PKCS11_MODULE") or None,
        "PKCS11_TOKEN_LABEL": env.get("PKCS11_TOKEN_LABEL") or None,
        "PKCS11_KEY_LABEL": env.get("PKCS11_KEY_LABEL") or None,
        **_password_hash_costs(env.get("ECABINET_PASSWORD_HASH")),
    }


class Defaults:
    """Settings that rarely change between deployments."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "ecabinet_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session; forms stay open in meetings
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # Sign-in throttling (ecabinet/accounts/signin.py), all counted over LOGIN_WINDOW:
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILURES = 5  # one account from one address: the 6th try gets 429
    LOGIN_MAX_FAILURES_PER_ADDRESS = 50  # one address across accounts (a NAT'd ward office)
    LOGIN_SLOWDOWN_AFTER = 20  # one account across addresses: only slowed, never locked,
    LOGIN_SLOWDOWN_BASE_S = 0.5  # by a pause doubling per failure above the threshold
    LOGIN_SLOWDOWN_MAX_S = 8.0
    # The public verification pages (ecabinet/conclusions/verification.py): each address may
    # make VERIFY_MAX_CHECKS checks (uploads and look-ups) per VERIFY_WINDOW, then gets 429.
    VERIFY_MAX_CHECKS = 20
    VERIFY_WINDOW = timedelta(minutes=10)
    PASSWORD_MIN_LENGTH = 10
    # argon2id costs; tests lower them (TEST_PASSWORD_HASH) to keep the suite fast.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 2
    SOCKETIO_ASYNC_MODE = None  # None: ecabinet.server decides (gevent)
    # Each /live connection: a token bucket of events (per second, burst), and refusals
    # audited as one entry with a count per interval (ecabinet/live/connection.py).
    LIVE_EVENT_RATE = 10.0
    LIVE_EVENT_BURST = 30
    LIVE_DENIAL_AUDIT_INTERVAL_S = 60.0
    # How often each process closes its /live sockets whose session ended (logout, password
    # change, deactivation): within this many seconds, in every process.
    LIVE_SESSION_CHECK_S = 2.0
    # The room: check-in opens this long before the start; room broadcasts while ballots
    # arrive are coalesced to one per this many seconds (0: one per change).
    LIVE_CHECK_IN_MINUTES = 30
    LIVE_BROADCAST_INTERVAL = 0.25
    AUDIT_PAGE_SIZE = 50
