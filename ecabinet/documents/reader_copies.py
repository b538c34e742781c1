"""A reader's own copy of a document: the stored file with an update that stamps their name.

The copy is not rewritten per reader: it is the version's stored file, shared by everyone,
followed by a small incremental update (:mod:`ecabinet.documents.stamp_update`) made once per
reader from the version's plan (made at upload) and kept in the encrypted cache. Serving a
range of the copy decrypts only the segments under it, so the first page of a 47 MB scan is
on screen before the rest is read.
Should the stored file not take an update, the copy is rewritten whole, as before.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.documents.models import Document, DocumentVersion
from ecabinet.documents.watermark_style import WatermarkStyle, stamp_text

if TYPE_CHECKING:
    from ecabinet.documents.stamp_update import UpdatePlan

log = logging.getLogger(__name__)

_FORMAT = "reader-copy-2"
"""Part of every cache key: copies made the old way (rewritten whole) are never mistaken."""
_PLAN_FORMAT = "reader-plan-1"


@dataclass(frozen=True)
class ReaderCopy:
    """A reader's watermarked copy of one version; ``etag`` changes with version and reader,
    and when the copy is made again.

    Its bytes are the stored file ``base`` (None when the copy was rewritten whole) followed
    by the cached entry ``tail_key``; :meth:`open` reads them as one file.
    """

    etag: str
    filename: str
    base: str | None
    base_size: int
    tail_key: str
    tail_size: int

    @property
    def size(self) -> int:
        return self.base_size + self.tail_size

    def open(self) -> io.BufferedReader:
        """A seekable file of the copy's bytes; close it when done.

        :raises storage.StorageError: when a part is gone (the tail evicted meanwhile: ask
            :func:`reader_copy` again) or damaged.
        """
        parts: list[storage.StoredFile] = []
        try:
            if self.base is not None:
                parts.append(storage.open_file(self.base))
            tail = storage.open_cached(self.tail_key)
            if tail is None:
                raise storage.StorageError(f"reader copy {self.etag[:12]}… was evicted")
            parts.append(tail)
        except BaseException:
            for part in parts:
                part.close()
            raise
        return io.BufferedReader(_Joined(parts), buffer_size=storage.SEGMENT_BYTES)

    @property
    def data(self) -> bytes:
        """The whole copy (tests, small files); serving reads ranges through :meth:`open`."""
        with self.open() as handle:
            return handle.read()


class _Joined(io.RawIOBase):
    """Several seekable files read as one, end to end."""

    def __init__(self, parts: list[storage.StoredFile]) -> None:
        super().__init__()
        self._parts = parts
        self._starts = []
        start = 0
        for part in parts:
            self._starts.append(start)
            start += part.size
        self._size, self._pos = start, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        wanted, done = len(buffer), 0
        for part, start in zip(self._parts, self._starts, strict=True):
            if done == wanted:
                break
            if self._pos >= start + part.size:
                continue
            chunk = part.read_range(self._pos - start, self._pos - start + wanted - done)
            buffer[done:done + len(chunk)] = chunk
            done += len(chunk)
            self._pos += len(chunk)
        return done

    def close(self) -> None:
        if not self.closed:
            for part in self._parts:
                part.close()
        super().close()


def watermark_lines(user: User) -> list[str]:
    """What the stamp says: who the copy is for, and when it was made (Vietnam time)."""
    return [stamp_text(user.full_name, user.username, utcnow())]


def watermark_style() -> WatermarkStyle:
    font = current_app.config.get("WATERMARK_FONT")
    return WatermarkStyle(font_path=font) if font else WatermarkStyle()


def reader_copy(document: Document, user: User) -> ReaderCopy:
    """The user's watermarked copy of the current version, its update made once and cached."""
    copy, stream = open_reader_copy(document, user)
    stream.close()
    return copy


def open_reader_copy(document: Document, user: User) -> tuple[ReaderCopy, io.BufferedReader]:
    """The copy and an open file of it (close it), the update made first if need be.

    :raises storage.StorageError: when the stored file or the new update cannot be read.
    """
    version = document.current
    key = storage.cache_key(_FORMAT, version.sha256, user.id)
    tail = storage.open_cached(key)
    if tail is None:
        _build(version, user, key)
        tail = storage.open_cached(key)
        if tail is None:
            raise storage.StorageError(f"reader copy {key[:12]}… could not be cached")
    try:
        whole = tail.read_range(0, 5) == b"%PDF-"  # rewritten whole: the entry is the copy
        # A copy made again (evicted, then rebuilt) has other bytes: it gets another ETag.
        etag = storage.cache_key(key, tail.seal_id)[:40]
        copy = ReaderCopy(etag=etag, filename=pdf_name(version.filename),
                          base=None if whole else version.sha256,
                          base_size=0 if whole else version.size, tail_key=key,
                          tail_size=tail.size)
        parts = [tail] if whole else [storage.open_file(version.sha256), tail]
    except BaseException:
        tail.close()
        raise
    return copy, io.BufferedReader(_Joined(parts), buffer_size=storage.SEGMENT_BYTES)


def _build(version: DocumentVersion, user: User, key: str) -> None:
    """Make the reader's update; a stored file that cannot take one is rewritten whole.

    :raises WatermarkFontError: when the configured font cannot be loaded.
    """
    # Loaded here, not at import: pypdf and fpdf2 stay out of a server that stamps nothing.
    from pypdf.errors import PyPdfError

    from ecabinet.documents.stamp_update import stamp_update
    from ecabinet.documents.watermark import WatermarkError, WatermarkFontError, watermark_pdf

    lines, style = watermark_lines(user), watermark_style()
    try:
        data = stamp_update(prepare_plan(version), version.size, lines, style=style)
    except WatermarkFontError:
        raise
    except (WatermarkError, PyPdfError, KeyError, ValueError, TypeError) as error:
        log.warning("version %s takes no stamp update (%s); rewriting it whole",
                    version.id, error)
        data = watermark_pdf(storage.read_file(version.sha256), lines, style=style)
    storage.write_cached(key, data)


def prepare_plan(version: DocumentVersion) -> UpdatePlan:
    """The version's update plan (what all readers' updates share), made once and cached.

    Called at upload, so that the first reader waits only for their own stamp.

    :raises WatermarkError: (and pypdf's errors) when the stored file takes no update.
    """
    from ecabinet.documents.stamp_update import UpdatePlan, plan_update

    key = storage.cache_key(_PLAN_FORMAT, version.sha256)
    cached = storage.read_cached(key)
    if cached is not None:
        try:
            return UpdatePlan.from_bytes(cached)
        except (ValueError, TypeError, KeyError):
            pass  # made by another version of this code: made again
    with storage.open_file(version.sha256) as stored:
        plan = plan_update(io.BufferedReader(stored, buffer_size=storage.SEGMENT_BYTES),
                           stored.size)
    storage.write_cached(key, plan.to_bytes())
    return plan


def pdf_name(filename: str) -> str:
    """The download name: the uploaded name, ending in .pdf (a converted .docx included)."""
    return os.path.splitext(filename)[0] + ".pdf"
