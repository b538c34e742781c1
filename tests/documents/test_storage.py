"""Content-addressed, encrypted storage: one copy per content, sealed, written atomically."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from ecabinet.documents import storage


def test_store_returns_the_sha_and_reads_back(app):
    sha = storage.store_file(b"%PDF-1.7 hello")
    assert sha == hashlib.sha256(b"%PDF-1.7 hello").hexdigest()
    assert storage.read_file(sha) == b"%PDF-1.7 hello"
    path = os.path.join(app.instance_path, "files", sha[:2], sha[2:])
    assert os.path.exists(path) and b"hello" not in Path(path).read_bytes()


def test_key_file_is_created_once_private(app):
    storage.store_file(b"x")
    key_file = os.path.join(app.instance_path, "storage_key")
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    assert len(base64.b64decode(Path(key_file).read_text())) == 32


def test_configured_key_is_used(app):
    app.config["STORAGE_KEY"] = base64.b64encode(b"k" * 32).decode()
    app.extensions.pop("ecabinet.storage_key", None)
    sha = storage.store_file(b"data")
    assert storage.read_file(sha) == b"data"
    assert not os.path.exists(os.path.join(app.instance_path, "storage_key"))


def test_bad_configured_key_is_refused(tmp_path):
    with pytest.raises(storage.StorageError):
        storage.load_key(tmp_path, base64.b64encode(b"short").decode())


def test_tampered_or_swapped_file_is_refused(app):
    first, second = storage.store_file(b"one"), storage.store_file(b"two")
    base = os.path.join(app.instance_path, "files")
    path_one = os.path.join(base, first[:2], first[2:])
    path_two = os.path.join(base, second[:2], second[2:])
    os.replace(path_two, path_one)  # a file copied under another name
    with pytest.raises(storage.StorageError):
        storage.read_file(first)
    with pytest.raises(storage.StorageError):
        storage.read_file(second)


def test_same_content_is_written_once(app):
    sha = storage.store_file(b"same")
    path = os.path.join(app.instance_path, "files", sha[:2], sha[2:])
    before = os.stat(path).st_mtime_ns
    storage.store_file(b"same")
    assert os.stat(path).st_mtime_ns == before
    assert not [n for n in os.listdir(os.path.dirname(path)) if n.startswith(".tmp-")]


def test_cache_round_trip_and_unknown_name(app):
    key = storage.cache_key("copy", "abc", 7)
    assert storage.read_cached(key) is None
    storage.write_cached(key, b"watermarked")
    assert storage.read_cached(key) == b"watermarked"
    with pytest.raises(storage.StorageError):
        storage.read_file("../../etc/passwd")


# ---- format 2: sealed segments --------------------------------------------------------------

SEG = storage.SEGMENT_BYTES
SEALED = SEG + 28  # nonce and tag around each segment
HEADER = 20


def _stored_path(app, sha: str) -> Path:
    return Path(app.instance_path) / "files" / sha[:2] / sha[2:]


def _data(size: int, seed: int = 1) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("start,end", [
    (0, 1), (0, SEG), (SEG - 1, SEG + 1), (SEG, 2 * SEG), (SEG - 10, 3 * SEG + 10),
    (3 * SEG, 3 * SEG + 100), (3 * SEG + 99, 3 * SEG + 100), (5, 3 * SEG + 100),
    (3 * SEG + 100, 4 * SEG),  # past the end: clipped
])
def test_range_reads_return_exactly_the_bytes_across_segment_boundaries(app, start, end):
    data = _data(3 * SEG + 100)
    sha = storage.store_file(data)
    with storage.open_file(sha) as stored:
        assert stored.size == len(data)
        assert stored.read_range(start, end) == data[start:end]
        stored.seek(start)
        assert stored.read(end - start) == data[start:end]


def test_a_range_decrypts_only_its_segments(app, monkeypatch):
    sha = storage.store_file(_data(40 * SEG))
    opened = []
    with storage.open_file(sha) as stored:
        real = stored.segment
        monkeypatch.setattr(stored, "segment", lambda i: opened.append(i) or real(i))
        stored.read_range(10 * SEG + 5, 11 * SEG + 5)
    assert opened == [10, 11]


def test_empty_and_exact_multiple_sizes_round_trip(app):
    for data in (b"", _data(SEG), _data(2 * SEG)):
        assert storage.read_file(storage.store_file(data)) == data


def _segments_of(path: Path) -> tuple[bytes, list[bytes]]:
    raw = path.read_bytes()
    return raw[:HEADER], [raw[i:i + SEALED] for i in range(HEADER, len(raw), SEALED)]


def test_swapped_segments_are_refused_naming_the_segment(app):
    sha = storage.store_file(_data(3 * SEG + 7))
    path = _stored_path(app, sha)
    header, parts = _segments_of(path)
    parts[0], parts[1] = parts[1], parts[0]
    path.write_bytes(header + b"".join(parts))
    with storage.open_file(sha) as stored:
        assert stored.read_range(2 * SEG, 2 * SEG + 10)  # untouched segments still read
        with pytest.raises(storage.SegmentError, match="segment 0 of 4 is damaged, out of place"):
            stored.read_range(0, 10)
    with pytest.raises(storage.SegmentError):
        storage.read_file(sha)


def test_segment_from_another_file_at_the_same_place_is_refused(app):
    first, second = storage.store_file(_data(2 * SEG, 1)), storage.store_file(_data(2 * SEG, 2))
    one, two = _stored_path(app, first), _stored_path(app, second)
    header, parts = _segments_of(one)
    parts[0] = _segments_of(two)[1][0]
    one.write_bytes(header + b"".join(parts))
    with storage.open_file(first) as stored, pytest.raises(storage.SegmentError,
                                                           match="segment 0"):
        stored.read_range(0, 1)


def test_truncated_file_is_refused_even_at_a_segment_boundary(app):
    sha = storage.store_file(_data(3 * SEG))
    path = _stored_path(app, sha)
    raw = path.read_bytes()
    path.write_bytes(raw[:HEADER + 2 * SEALED])  # the last segment dropped whole
    with pytest.raises(storage.SegmentError, match="cut off"):
        storage.open_file(sha)


def test_truncation_with_a_rewritten_length_is_refused(app):
    """Dropping the last segment and shrinking the header's length: segment 1 was not final."""
    import struct

    data = _data(3 * SEG)
    sha = storage.store_file(data)
    path = _stored_path(app, sha)
    raw = path.read_bytes()
    header = raw[:8] + struct.pack(">IQ", SEG, 2 * SEG)
    path.write_bytes(header + raw[HEADER:HEADER + 2 * SEALED])
    with storage.open_file(sha) as stored, pytest.raises(storage.SegmentError):
        stored.read_range(SEG, SEG + 1)


def _store_in_format_1(app, data: bytes) -> tuple[str, Path]:
    """Seal a file the way the first version of this module did (one AES-GCM seal)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sha = hashlib.sha256(data).hexdigest()
    storage.store_file(b"make the key")
    key = storage.load_key(Path(app.instance_path))
    path = _stored_path(app, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    nonce = os.urandom(12)
    path.write_bytes(nonce + AESGCM(key).encrypt(nonce, data, sha.encode("ascii")))
    return sha, path


def test_old_whole_file_format_still_reads_and_is_rewritten_on_open(app):
    data = _data(SEG + 3)
    sha, path = _store_in_format_1(app, data)
    assert storage.read_file(sha) == data
    with storage.open_file(sha) as stored:
        assert stored.read_range(SEG - 1, SEG + 3) == data[SEG - 1:]
    assert path.read_bytes().startswith(b"\x00ECSEG2\n")
    assert storage.read_file(sha) == data


def test_migrate_files_rewrites_the_old_ones_only(app):
    old = [_store_in_format_1(app, _data(100, seed)) for seed in (1, 2)]
    new = storage.store_file(b"already in format 2")
    mtime = _stored_path(app, new).stat().st_mtime_ns
    assert storage.migrate_files() == 2
    assert storage.migrate_files() == 0
    for (sha, path), seed in zip(old, (1, 2), strict=True):
        assert path.read_bytes().startswith(b"\x00ECSEG2\n")
        assert storage.read_file(sha) == _data(100, seed)
    assert _stored_path(app, new).stat().st_mtime_ns == mtime


def test_storage_migrate_command_rewrites_and_reports_a_damaged_file(app):
    old_sha, old_path = _store_in_format_1(app, _data(100, 3))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["storage", "migrate"])
    assert result.exit_code == 0, result.output
    assert "segmented format: 1." in result.output
    assert old_path.read_bytes().startswith(b"\x00ECSEG2\n")
    assert storage.read_file(old_sha) == _data(100, 3)

    damaged_sha, damaged = _store_in_format_1(app, _data(100, 4))
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    result = runner.invoke(args=["storage", "migrate"])
    assert result.exit_code == 1
    assert damaged_sha[:12] in result.output
    assert "Traceback" not in result.output


# ---- the cache: a size limit, least recently used first -------------------------------------

def _age(app, key: str, seconds_ago: int) -> None:
    import time

    path = Path(app.instance_path) / "cache" / key[:2] / key[2:]
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_cache_evicts_least_recently_used_over_its_limit(app):
    entry = 10_000
    app.config["READER_CACHE_MAX_BYTES"] = 3 * entry + 500  # three entries and their seals
    keys = [storage.cache_key("copy", n) for n in range(4)]
    for age, key in zip((400, 300, 200), keys[:3], strict=True):
        storage.write_cached(key, _data(entry))
        _age(app, key, age)
    assert storage.read_cached(keys[0]) is not None  # used now: the newest
    storage.write_cached(keys[3], _data(entry))
    assert storage.read_cached(keys[1]) is None  # the least recently used went
    assert all(storage.read_cached(k) is not None for k in (keys[0], keys[2], keys[3]))


def test_cache_keeps_the_new_entry_even_when_alone_over_the_limit(app):
    app.config["READER_CACHE_MAX_BYTES"] = 100
    key = storage.cache_key("big")
    storage.write_cached(key, _data(5000))
    assert storage.read_cached(key) is not None


def test_an_entry_being_read_survives_its_eviction(app):
    app.config["READER_CACHE_MAX_BYTES"] = 10
    key = storage.cache_key("served")
    storage.write_cached(key, b"x" * 3000)
    opened = storage.open_cached(key)
    assert storage.trim_cache(limit=0) == [key]
    with opened:
        assert opened.read_range(0, 3000) == b"x" * 3000
    assert storage.read_cached(key) is None


def test_cache_entry_under_another_key_is_a_miss(app):
    key = storage.cache_key("rekeyed")
    storage.write_cached(key, b"old")
    app.config["STORAGE_KEY"] = base64.b64encode(b"n" * 32).decode()
    app.extensions.pop("ecabinet.storage_key", None)
    assert storage.read_cached(key) is None
