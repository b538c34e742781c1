"""Keep files by the SHA-256 of their content, encrypted at rest, under the instance folder.

The same document uploaded twice (or to two meetings) is stored once, and a file's name says
what it must contain, so a swapped or damaged file is caught when it is read. Each file is
sealed with AES-256-GCM, the SHA-256 bound in as associated data: a file copied under another
name fails to open. Writes go to a temporary file first and are renamed into place, so a crash
never leaves half a file under a valid name. Readers' watermarked copies are cached the same way
under ``cache/``, so a server's disk never holds a readable copy of a confidential document.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

__all__ = [
    "StorageError",
    "cache_key",
    "has_file",
    "load_key",
    "read_cached",
    "read_file",
    "store_file",
    "write_cached",
]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NONCE_BYTES = 12
_EXTENSION_KEY = "ecabinet.storage_key"


class StorageError(Exception):
    """A stored file is missing, damaged or sealed under another key; ``code`` is stable."""

    code = "storage_error"


def load_key(folder: Path, configured: str | None = None) -> bytes:
    """Return the 32-byte storage key: from configuration, else from instance/storage_key.

    The file is created once, readable by the server's user alone, like the secret key.

    :raises StorageError: when a configured key is not base64 of 32 bytes.
    """
    if not configured:
        key_file = folder / "storage_key"
        if not key_file.exists():
            folder.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use theirs
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
        configured = key_file.read_text().strip()
    try:
        key = base64.b64decode(configured, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StorageError("STORAGE_KEY is not valid base64") from exc
    if len(key) != 32:
        raise StorageError("STORAGE_KEY must be 32 bytes (base64-encoded)")
    return key


def _key() -> bytes:
    app = current_app._get_current_object()
    key = app.extensions.get(_EXTENSION_KEY)
    if key is None:
        configured = app.config.get("STORAGE_KEY") or os.environ.get("ECABINET_STORAGE_KEY")
        key = load_key(Path(app.instance_path), configured)
        app.extensions[_EXTENSION_KEY] = key
    return key


def _path(area: str, name: str) -> Path:
    if not _HEX64.match(name):
        raise StorageError(f"not a stored file name: {name!r}")
    return Path(current_app.instance_path) / area / name[:2] / name[2:]


def _seal(data: bytes, name: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, data, name.encode("ascii"))


def _open(sealed: bytes, name: str) -> bytes:
    try:
        return AESGCM(_key()).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:],
                                      name.encode("ascii"))
    except (InvalidTag, ValueError) as exc:
        raise StorageError(f"stored file {name[:12]}… is damaged or sealed under another key"
                           ) from exc


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write to a private temporary file beside the target, flush it, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created with mode 600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_file(data: bytes) -> str:
    """Store ``data`` once and return its SHA-256 (hex), the name to read it back by."""
    sha = hashlib.sha256(data).hexdigest()
    path = _path("files", sha)
    if not path.exists():
        _write_atomically(path, _seal(data, sha))
    return sha


def has_file(sha: str) -> bool:
    return _path("files", sha).exists()


def read_file(sha: str) -> bytes:
    """Return the plaintext of a stored file, checked against its name.

    :raises StorageError: when the file is missing, damaged or does not match its hash.
    """
    path = _path("files", sha)
    try:
        sealed = path.read_bytes()
    except FileNotFoundError as exc:
        raise StorageError(f"stored file {sha[:12]}… is missing") from exc
    data = _open(sealed, sha)
    if hashlib.sha256(data).hexdigest() != sha:
        raise StorageError(f"stored file {sha[:12]}… does not match its hash")
    return data


def cache_key(*parts: object) -> str:
    """Name a cached derivative by what it was made from (e.g. a version's hash and a reader)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def read_cached(key: str) -> bytes | None:
    """Return a cached derivative, or None when it was never made (or cannot be opened)."""
    try:
        sealed = _path("cache", key).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return _open(sealed, key)
    except StorageError:
        return None  # made under an older key: it is rebuilt and overwritten


def write_cached(key: str, data: bytes) -> None:
    _write_atomically(_path("cache", key), _seal(data, key))
