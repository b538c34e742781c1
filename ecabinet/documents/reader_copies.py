"""A reader's own copy of a document: watermarked with their name, made once, cached encrypted."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.documents.models import Document
from ecabinet.documents.watermark import WatermarkStyle, stamp_text, watermark_pdf


@dataclass(frozen=True)
class ReaderCopy:
    """A reader's watermarked copy of one version; ``etag`` changes with version and reader."""

    data: bytes = field(repr=False)
    etag: str
    filename: str


def watermark_lines(user: User) -> list[str]:
    """What the stamp says: who the copy is for, and when it was made (Vietnam time)."""
    return [stamp_text(user.full_name, user.username, utcnow())]


def watermark_style() -> WatermarkStyle:
    font = current_app.config.get("WATERMARK_FONT")
    return WatermarkStyle(font_path=font) if font else WatermarkStyle()


def reader_copy(document: Document, user: User) -> ReaderCopy:
    """The user's watermarked copy of the current version, made once and cached encrypted."""
    version = document.current
    key = storage.cache_key("reader-copy", version.sha256, user.id)
    data = storage.read_cached(key)
    if data is None:
        data = watermark_pdf(storage.read_file(version.sha256), watermark_lines(user),
                             style=watermark_style())
        storage.write_cached(key, data)
    return ReaderCopy(data=data, etag=key[:40], filename=pdf_name(version.filename))


def pdf_name(filename: str) -> str:
    """The download name: the uploaded name, ending in .pdf (a converted .docx included)."""
    return os.path.splitext(filename)[0] + ".pdf"
