"""Keep files by the SHA-256 of their content, encrypted at rest, under the instance folder.

The same document uploaded twice (or to two meetings) is stored once, and a file's name says
what it must contain, so a swapped or damaged file is caught when it is read. Writes go to a
temporary file first and are renamed into place, so a crash never leaves half a file under a
valid name. Readers' watermarked copies and packets are cached the same way under ``cache/``,
so a server's disk never holds a readable copy of a confidential document; the cache is kept
under ``READER_CACHE_MAX_BYTES``, the least recently used entries going first.

Format 2 (written now) seals the file in 64 KiB segments so that a range costs what it reads:
a 64 KiB request opens one or two segments, not a 47 MB scan. Layout::

    magic "\\x00ECSEG2\\n" | segment size (u32) | plaintext length (u64)
    then per segment: nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16)

Each segment's associated data is ``"ecabinet/seg/2" | name | length | index (u64) | final
(u8)``: a segment moved to another place, another file or another length fails its tag, and a
file cut after a segment fails too, because the segment that is last on disk was not sealed as
the final one. Format 1 (one AES-GCM seal over the whole file, the name as associated data)
still reads; a stored file in it is rewritten in format 2 the first time it is opened.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import secrets
import struct
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

__all__ = [
    "CACHE_MAX_BYTES",
    "SEGMENT_BYTES",
    "SegmentError",
    "StorageError",
    "StoredFile",
    "cache_key",
    "derived_key",
    "has_file",
    "load_key",
    "migrate_files",
    "open_cached",
    "open_file",
    "read_cached",
    "read_file",
    "store_file",
    "write_cached",
]

SEGMENT_BYTES = 64 * 1024
"""Plaintext bytes per sealed segment (format 2); a PDF.js range is 64 KiB too."""
CACHE_MAX_BYTES = 2 * 1024 ** 3
"""Default of READER_CACHE_MAX_BYTES: the cache's size on disk before old entries go."""

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NONCE_BYTES = 12
_TAG_BYTES = 16
_MAGIC = b"\x00ECSEG2\n"
_HEADER = struct.Struct(">8sIQ")
_AAD_PREFIX = b"ecabinet/seg/2"
_EXTENSION_KEY = "ecabinet.storage_key"
_TOUCH_SECONDS = 60
"""A cache entry's recency is refreshed at most this often (not on each of its ranges)."""


class StorageError(Exception):
    """A stored file is missing, damaged or sealed under another key; ``code`` is stable."""

    code = "storage_error"


class SegmentError(StorageError):
    """A segment of a format-2 file fails its seal: damaged, moved, swapped or cut off."""

    code = "storage_segment"


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


def derived_key(purpose: bytes) -> bytes:
    """A 32-byte key for another secret the server keeps sealed (a unit's webhook secret),
    derived from the storage key with HKDF-SHA256 under ``purpose``: one master key to back
    up and rotate, and no key that opens both kinds of secret."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    app = current_app._get_current_object()
    cache = app.extensions.setdefault("ecabinet.derived_keys", {})
    if purpose not in cache:
        cache[purpose] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                              info=purpose).derive(_key())
    return cache[purpose]


def _path(area: str, name: str) -> Path:
    if not _HEX64.match(name):
        raise StorageError(f"not a stored file name: {name!r}")
    return Path(current_app.instance_path) / area / name[:2] / name[2:]


# ---- format 1: one seal over the whole file (read only) ----------------------------------

def _open_whole(sealed: bytes, name: str) -> bytes:
    try:
        return AESGCM(_key()).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:],
                                      name.encode("ascii"))
    except (InvalidTag, ValueError) as exc:
        raise StorageError(f"stored file {name[:12]}… is damaged or sealed under another key"
                           ) from exc


# ---- format 2: sealed segments -------------------------------------------------------------

def _aad(name: str, length: int, index: int, final: bool) -> bytes:
    return _AAD_PREFIX + name.encode("ascii") + struct.pack(">QQB", length, index, final)


def _segments(data: bytes, name: str) -> Iterable[bytes]:
    """Yield the header, then each sealed segment (an empty file is one empty final segment)."""
    aead, length = AESGCM(_key()), len(data)
    yield _HEADER.pack(_MAGIC, SEGMENT_BYTES, length)
    count = max(1, -(-length // SEGMENT_BYTES))
    view = memoryview(data)
    for index in range(count):
        nonce = secrets.token_bytes(_NONCE_BYTES)
        chunk = view[index * SEGMENT_BYTES:(index + 1) * SEGMENT_BYTES]
        yield nonce + aead.encrypt(nonce, chunk, _aad(name, length, index, index == count - 1))


class StoredFile(io.RawIOBase):
    """A format-2 file opened for reading: seekable, decrypting only the segments it reads.

    Usable as a file object (pypdf reads one this way) and through :meth:`read_range`.
    Close it when done (it holds the file open); ``with`` does.
    """

    def __init__(self, path: Path, name: str) -> None:
        super().__init__()
        self._name = name
        try:
            self._handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        except FileNotFoundError as exc:
            raise StorageError(f"stored file {name[:12]}… is missing") from exc
        header = self._handle.read(_HEADER.size)
        try:
            magic, self._segment, self.size = _HEADER.unpack(header)
        except struct.error:
            magic = b""
        if magic != _MAGIC or not 0 < self._segment <= 1 << 24:
            self._handle.close()
            raise StorageError(f"stored file {name[:12]}… is not in the segmented format")
        self._count = max(1, -(-self.size // self._segment))
        on_disk = _HEADER.size + self._count * (self._segment + _NONCE_BYTES + _TAG_BYTES) - (
            self._count * self._segment - self.size)
        actual = os.fstat(self._handle.fileno()).st_size
        if actual != on_disk:  # cut off, or grown: name the segment that cannot be whole
            self._handle.close()
            raise SegmentError(f"stored file {name[:12]}… is {actual} bytes, not {on_disk}: "
                               f"segment {self._last_whole(actual)} is cut off or extra data "
                               "follows")
        self.seal_id = self._handle.read(_NONCE_BYTES).hex()
        """The first segment's random nonce: new each time the file is written."""
        self._aead = AESGCM(_key())
        self._pos = 0
        self._last: tuple[int, bytes] = (-1, b"")  # pypdf reads one segment many times over

    def _last_whole(self, actual: int) -> int:
        return max(0, (actual - _HEADER.size) // (self._segment + _NONCE_BYTES + _TAG_BYTES))

    def segment(self, index: int) -> bytes:
        """Decrypt segment ``index``.

        :raises SegmentError: naming the segment when its seal fails.
        """
        if index == self._last[0]:
            return self._last[1]
        if not 0 <= index < self._count:
            raise SegmentError(f"stored file {self._name[:12]}… has no segment {index}")
        sealed_size = self._segment + _NONCE_BYTES + _TAG_BYTES
        self._handle.seek(_HEADER.size + index * sealed_size)
        sealed = self._handle.read(sealed_size)
        final = index == self._count - 1
        try:
            plain = self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:],
                                       _aad(self._name, self.size, index, final))
        except (InvalidTag, ValueError) as exc:
            raise SegmentError(
                f"stored file {self._name[:12]}…: segment {index} of {self._count} is damaged, "
                "out of place or sealed under another key") from exc
        self._last = (index, plain)
        return plain

    def read_range(self, start: int, end: int) -> bytes:
        """Plaintext bytes ``start`` to ``end`` (exclusive), clipped to the file."""
        start, end = max(0, start), min(end, self.size)
        if start >= end:
            return b""
        first, last = start // self._segment, (end - 1) // self._segment
        data = b"".join(self.segment(i) for i in range(first, last + 1))
        offset = first * self._segment
        return data[start - offset:end - offset]

    # io.RawIOBase
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        data = self.read_range(self._pos, self._pos + len(buffer))
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        data = self.read_range(self._pos, self.size)
        self._pos += len(data)
        return data

    def close(self) -> None:
        if not self.closed:
            self._handle.close()
        super().close()


def _is_segmented(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(_MAGIC)) == _MAGIC


def _write_atomically(path: Path, parts: Iterable[bytes]) -> None:
    """Write to a private temporary file beside the target, flush it, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created with mode 600
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- stored files --------------------------------------------------------------------------

def store_file(data: bytes) -> str:
    """Store ``data`` once and return its SHA-256 (hex), the name to read it back by."""
    sha = hashlib.sha256(data).hexdigest()
    path = _path("files", sha)
    if not path.exists():
        _write_atomically(path, _segments(data, sha))
    return sha


def has_file(sha: str) -> bool:
    return _path("files", sha).exists()


def open_file(sha: str) -> StoredFile:
    """Open a stored file for range reads; a format-1 file is first rewritten in format 2.

    :raises StorageError: when the file is missing or damaged (a :class:`SegmentError` names
        the segment, once it is read).
    """
    path = _path("files", sha)
    try:
        segmented = _is_segmented(path)
    except FileNotFoundError as exc:
        raise StorageError(f"stored file {sha[:12]}… is missing") from exc
    if not segmented:
        data = _read_whole(path, sha)
        _write_atomically(path, _segments(data, sha))
    return StoredFile(path, sha)


def migrate_files() -> int:
    """Rewrite every stored file still in format 1 in format 2 now; return how many.

    Opening a file does this lazily; this is for doing it all at once (say before a meeting
    whose large scans will be read in the browser).

    :raises StorageError: naming the first file that is damaged (the others stay as they are).
    """
    migrated = 0
    for folder in sorted((Path(current_app.instance_path) / "files").glob("[0-9a-f][0-9a-f]")):
        for path in sorted(folder.iterdir()):
            name = folder.name + path.name
            if _HEX64.match(name) and not _is_segmented(path):
                open_file(name).close()
                migrated += 1
    return migrated


def _read_whole(path: Path, sha: str) -> bytes:
    data = _open_whole(path.read_bytes(), sha)
    if hashlib.sha256(data).hexdigest() != sha:
        raise StorageError(f"stored file {sha[:12]}… does not match its hash")
    return data


def read_file(sha: str) -> bytes:
    """Return the plaintext of a stored file, checked against its name.

    :raises StorageError: when the file is missing, damaged or does not match its hash.
    """
    path = _path("files", sha)
    try:
        segmented = _is_segmented(path)
    except FileNotFoundError as exc:
        raise StorageError(f"stored file {sha[:12]}… is missing") from exc
    if not segmented:
        return _read_whole(path, sha)
    with StoredFile(path, sha) as stored:
        data = stored.read_range(0, stored.size)
    if hashlib.sha256(data).hexdigest() != sha:
        raise StorageError(f"stored file {sha[:12]}… does not match its hash")
    return data


# ---- the cache of derivatives (reader copies, packets) -------------------------------------

def cache_key(*parts: object) -> str:
    """Name a cached derivative by what it was made from (e.g. a version's hash and a reader)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def open_cached(key: str) -> StoredFile | None:
    """Open a cached derivative and mark it used, or None when it is not there (or unreadable).

    An entry made under an older key or format is None too: it is rebuilt and overwritten.
    """
    path = _path("cache", key)
    try:
        opened = StoredFile(path, key)
    except StorageError:
        return None
    try:
        if time.time() - path.stat().st_mtime > _TOUCH_SECONDS:
            os.utime(path)  # recency for the eviction; atime is often not kept (noatime)
        opened.segment(0)  # refuses an entry sealed under another key before a byte is served
    except (OSError, StorageError):
        opened.close()
        return None
    return opened


def read_cached(key: str) -> bytes | None:
    """Return a cached derivative whole, or None when it was never made (or cannot be opened)."""
    opened = open_cached(key)
    if opened is None:
        return None
    with opened:
        try:
            return opened.read_range(0, opened.size)
        except StorageError:
            return None


def write_cached(key: str, data: bytes) -> None:
    """Cache a derivative, then trim the cache to its limit (the new entry stays)."""
    path = _path("cache", key)
    _write_atomically(path, _segments(data, key))
    trim_cache(keep=path)


def cache_limit() -> int:
    return int(current_app.config.get("READER_CACHE_MAX_BYTES") or CACHE_MAX_BYTES)


def trim_cache(*, keep: Path | None = None, limit: int | None = None) -> list[str]:
    """Delete least recently used cache entries until the cache fits ``limit``; return them.

    Recency is the file's mtime, which :func:`open_cached` refreshes on every use. An entry
    being served stays readable: its open handle outlives the unlink.
    """
    limit = cache_limit() if limit is None else limit
    root = Path(current_app.instance_path) / "cache"
    entries = []
    for folder in root.glob("[0-9a-f][0-9a-f]"):
        for path in folder.iterdir():
            if path.name.startswith(".tmp-"):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # another process evicted it meanwhile
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    evicted = []
    for _, size, path in sorted(entries, key=lambda e: (e[0], str(e[2]))):
        if total <= limit:
            break
        if path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size
        evicted.append(path.parent.name + path.name)
    return evicted
