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
