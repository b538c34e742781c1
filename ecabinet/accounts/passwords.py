"""Hash with argon2id and judge a new password's strength before it is accepted."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from ecabinet.accounts.errors import WeakPassword

COMMON_PASSWORDS = {
    "password", "password1", "123456789", "1234567890", "12345678910", "qwertyuiop",
    "matkhau123", "matkhau@123", "abc@123456", "admin@1234", "ecabinet123",
}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password; a malformed stored hash counts as a wrong password, not a crash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verification_time() -> None:
    """Spend what a real check costs, so unknown usernames are not told apart by timing."""
    verify_password(_DUMMY_HASH.get(), "not-the-password")


class _LazyDummyHash:
    """One hash made with the running app's costs, created on first use."""

    _value: dict[tuple, str] = {}

    def get(self) -> str:
        cfg = current_app.config
        key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
        if key not in self._value:
            self._value[key] = hash_password("dummy-password-for-timing")
        return self._value[key]


_DUMMY_HASH = _LazyDummyHash()


def _fold(text: str) -> str:
    """Lower-case and drop Vietnamese diacritics ("Nguyễn" -> "nguyen"), đ included."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def check_password_strength(password: str, *, username: str, full_name: str) -> None:
    """Refuse passwords that are short, guessable or built from the user's own names.

    :raises WeakPassword: with a message saying what to change.
    """
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        raise WeakPassword(_l("The password must have at least %(n)d characters.", n=min_length))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise WeakPassword(_l("The password must contain both letters and digits."))
    folded = _fold(password)
    if folded in COMMON_PASSWORDS:
        raise WeakPassword(_l("This password is too common; choose another."))
    if username and _fold(username) in folded:
        raise WeakPassword(_l("The password must not contain your username."))
    for part in _fold(full_name).split():
        if len(part) >= 3 and part in folded:
            raise WeakPassword(_l("The password must not contain your name."))
