"""Word, Excel and OpenDocument uploads become PDFs, through LibreOffice in the limited child.

The conversion itself runs in :func:`ecabinet.documents.pdfcheck.convert_office` (the same
child script and limits as the PDF check, a throw-away HOME); the PDF that comes out is then
checked like any uploaded PDF.
"""

from __future__ import annotations

import logging
import os
import shutil

from flask_babel import lazy_gettext as _l

from ecabinet.documents.errors import ConversionUnavailable, UploadRefused
from ecabinet.documents.pdfcheck import ConversionFailedError, ConversionLimits, convert_office

OFFICE_EXTENSIONS = frozenset({".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rtf"})
"""Uploads converted to PDF before the check; anything else must be a PDF itself."""
PDF_ACCEPT = ".pdf,application/pdf"
OFFICE_ACCEPT = ",".join(sorted(OFFICE_EXTENSIONS)) + "," + PDF_ACCEPT
CONVERSION_TIMEOUT = 120

log = logging.getLogger(__name__)


def office_converter() -> str | None:
    """Path of LibreOffice's command, when the server has it."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def conversion_available() -> bool:
    """Whether the upload form may offer Word and Excel files."""
    return office_converter() is not None


def accepted_types() -> str:
    """The file input's ``accept``: office formats only where they can be converted."""
    return OFFICE_ACCEPT if conversion_available() else PDF_ACCEPT


def needs_conversion(filename: str) -> bool:
    return os.path.splitext(filename)[1].lower() in OFFICE_EXTENSIONS


def convert_to_pdf(filename: str, data: bytes, *, max_bytes: int | None = None,
                   timeout: float = CONVERSION_TIMEOUT) -> bytes:
    """Convert one office file to PDF (still to be checked).

    :raises ConversionUnavailable: when LibreOffice is not installed.
    :raises UploadRefused: when the conversion fails or takes too long.
    """
    command = office_converter()
    if command is None:
        raise ConversionUnavailable(
            _l("Word and Excel files cannot be converted on this server; upload a PDF instead."),
            filename=filename, reason="conversion_unavailable")
    limits = ConversionLimits(wall_clock_seconds=timeout,
                              **({"max_bytes": max_bytes} if max_bytes else {}))
    try:
        return convert_office(data, os.path.splitext(filename)[1], command, limits=limits)
    except ConversionFailedError as exc:
        log.info("conversion of %r failed: %s %s", filename, exc.code, exc.detail)
        raise UploadRefused(_l("The file could not be converted to PDF."),
                            filename=filename, reason="conversion_failed") from exc
