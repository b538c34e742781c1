"""Where the server finds a body's seal key and the roots it trusts; the demo's keys.

A body's seal (the organisation's certificate) is a PKCS#12 file ``seal-<body code>.p12`` in
``CONCLUSION_KEYS_DIR`` (default: ``<instance>/signing``) with its passphrase beside it in
``seal-<body code>.pass`` (mode 0600), or on a token in a later step. The chair's key is never
here: it is uploaded for one signature and forgotten.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from flask import current_app
from flask_babel import lazy_gettext as _l

from ecabinet.conclusions.errors import NoSealKey, SigningFailed
from signing import Signer, SigningError, devca, load_pkcs12, message

DEMO_CHAIR_PASSPHRASE = "Demo-Ky-So-2026"  # noqa: S105 - the demo's, printed by make run


def keys_dir() -> Path:
    configured = current_app.config.get("CONCLUSION_KEYS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "signing"


def seal_signer(body) -> Signer:
    """Open the body's seal key.

    :raises NoSealKey: none is configured for the body, or it cannot be opened.
    """
    folder = keys_dir()
    path, secret = folder / f"seal-{body.code}.p12", folder / f"seal-{body.code}.pass"
    if not path.is_file():
        raise NoSealKey(_l("No seal key is configured for %(body)s; ask the administrator.",
                           body=body.name))
    passphrase = secret.read_bytes().strip() if secret.is_file() else None
    try:
        return load_pkcs12(path.read_bytes(), passphrase or None)
    except SigningError as error:
        raise NoSealKey(message(error.code, detail=error.detail)) from error


def trust_roots() -> list[x509.Certificate]:
    """The roots that signatures are checked against: the configured PEM files, and the
    development root when the demo made one."""
    paths = [Path(p) for p in current_app.config.get("CONCLUSION_TRUST_ROOTS", ())]
    paths.append(keys_dir() / devca.ROOT_CERT_FILE)
    roots = []
    for path in paths:
        if path.is_file():
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return roots


def chair_signer(data: bytes, passphrase: str, lang: str = "vi") -> Signer:
    """Open the PKCS#12 file the chair uploaded, for this one signature.

    :raises SigningFailed: not a PKCS#12 file, or a wrong passphrase.
    """
    try:
        return load_pkcs12(data, passphrase.encode() if passphrase else None)
    except SigningError as error:
        raise SigningFailed(message(error.code, lang, detail=error.detail)) from error


def make_demo_keys(folder: Path, chair_username: str, chair_name: str, body) -> Path:
    """Issue (once) a development chair's PKCS#12 and the body's seal key under a dev root.

    Return the chair's file; its passphrase is :data:`DEMO_CHAIR_PASSPHRASE`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    root = devca.load_or_create_root(folder)
    chair = folder / f"{chair_username}.p12"
    if not chair.is_file():
        pair = devca.issue_certificate(root, devca.CertificateSpec(chair_name))
        chair.write_bytes(devca.pkcs12_bytes(pair, root.certificate,
                                             DEMO_CHAIR_PASSPHRASE.encode()))
    seal = folder / f"seal-{body.code}.p12"
    if not seal.is_file():
        pair = devca.issue_certificate(root, devca.CertificateSpec(
            body.name, kind=devca.CertificateKind.SEAL, organisation=body.name))
        secret = os.urandom(12).hex()
        seal.write_bytes(devca.pkcs12_bytes(pair, root.certificate, secret.encode()))
        pass_file = folder / f"seal-{body.code}.pass"
        pass_file.write_text(secret)
        pass_file.chmod(0o600)
    for path in (chair, seal):
        path.chmod(0o600)
    return chair


def demo_keys_text() -> str:
    """Make the demo's keys (once) and say where the chairs' files are and their passphrase."""
    from ecabinet.accounts import service as accounts

    folder = keys_dir()
    lines = ["", "Demo signing keys (development CA, never for real documents):"]
    bodies = {u.code: u for u in accounts.list_units(bodies_only=True)}
    for username, body_code in (("chutich", "ubnd-ht"), ("phochutich", "ubnd-ht")):
        user, body = accounts.find_user(username), bodies.get(body_code)
        if user is None or body is None:
            continue
        path = make_demo_keys(folder, username, user.full_name, body)
        lines.append(f"  {username:<13} {path}  (passphrase: {DEMO_CHAIR_PASSPHRASE})")
    lines.append(f"  seal of the body and root: {folder}")
    return "\n".join(lines) + "\n"
