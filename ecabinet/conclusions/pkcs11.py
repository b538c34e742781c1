"""The chair's key on a PKCS#11 token configured on the server (an HSM, SoftHSM2 in tests).

``PKCS11_MODULE`` (the module's .so) and ``PKCS11_TOKEN_LABEL`` switch it on; the key (and its
certificate) is labelled ``PKCS11_KEY_LABEL``, else the chair's user name, so one token can hold
several chairs' keys. The PIN is typed at each signature, used for that one login, and never
stored or logged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ecabinet.conclusions.errors import SigningFailed
from signing import Pkcs11Config, Signer, SigningError, message, open_pkcs11_signer

MAX_PIN = 64


def token_config(user) -> Pkcs11Config | None:
    """Where this chair's key is, or None when the server has no token configured."""
    module = current_app.config.get("PKCS11_MODULE")
    label = current_app.config.get("PKCS11_TOKEN_LABEL")
    if not (module and label):
        return None
    key = current_app.config.get("PKCS11_KEY_LABEL") or user.username
    return Pkcs11Config(module=Path(module), key_label=key, token_label=label)


@contextlib.contextmanager
def token_signer(config: Pkcs11Config, pin: str, lang: str = "vi") -> Iterator[Signer]:
    """Log in with ``pin`` for the ``with`` block.

    :raises SigningFailed: no PIN, a wrong PIN, or the token, key or certificate is missing.
    """
    if not pin or len(pin) > MAX_PIN:
        raise SigningFailed(_l("Enter the PIN of the token."))
    try:
        opened = open_pkcs11_signer(config, pin)
        signer = opened.__enter__()
    except SigningError as error:  # WrongPinError has its own sentence ("wrong_pin")
        raise SigningFailed(message(error.code, lang, detail=error.detail)) from None
    try:
        yield signer
    finally:
        opened.__exit__(None, None, None)
