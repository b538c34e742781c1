"""Hash with argon2id and judge a new password's strength before it is accepted."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from ecabinet.accounts.errors import WeakPassword
from ecabinet.core.text import fold

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


def password_words(password: str) -> list[str]:
    """Split a password into its words, folded: at every non-letter and where a lower-case
    letter is followed by a capital ("MatKhau@Manh2026" -> ["mat", "khau", "manh"])."""
    words = []
    for run in re.findall(r"[^\W\d_]+", password):
        start = 0
        for i in range(1, len(run)):
            if run[i - 1].islower() and run[i].isupper():
                words.append(run[start:i])
                start = i
        words.append(run[start:])
    return [fold(word) for word in words]


def name_parts(full_name: str) -> set[str]:
    """The parts of a name long enough to matter, folded: "Nguyễn Văn Ánh" -> nguyen, van, anh."""
    return {part for part in re.findall(r"[^\W\d_]+", fold(full_name)) if len(part) >= 3}


def check_password_strength(password: str, *, username: str, full_name: str) -> None:
    """Refuse passwords that are short, guessable or built from the user's own names.

    A name counts as a whole word of the password, not as letters inside another word:
    "MatKhau@Manh2026" is fine for "Nguyễn Văn Ánh", "Anh@Nguyen2026" is not.

    :raises WeakPassword: with a message saying what to change, in words that fit both the
        user and an administrator setting someone else's password.
    """
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        raise WeakPassword(_l("The password must have at least %(n)d characters.", n=min_length))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise WeakPassword(_l("The password must contain both letters and digits."))
    folded = fold(password)
    if folded in COMMON_PASSWORDS:
        raise WeakPassword(_l("This password is too common; choose another."))
    if username and fold(username) in folded:
        raise WeakPassword(_l("The password must not contain the username."))
    if name_parts(full_name) & set(password_words(password)):
        raise WeakPassword(_l("The password must not contain a part of the person's name."))
