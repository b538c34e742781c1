"""Typed refusals of the documents service; callers catch a class, never match a string."""

from ecabinet.core.errors import EcabinetError


class DocumentError(EcabinetError):
    code = "document_error"


class DocumentNotFound(DocumentError):
    code = "document_not_found"
    http_status = 404


class UploadRefused(DocumentError):
    """One file was not accepted; ``filename`` and ``reason`` (a stable code) say which and why."""

    code = "upload_refused"

    def __init__(self, message, *, filename: str, reason: str):
        super().__init__(message)
        self.filename = filename
        self.reason = reason


class ConversionUnavailable(UploadRefused):
    """An office file arrived but LibreOffice is not installed on the server."""

    code = "conversion_unavailable"


class DownloadsNotAllowed(DocumentError):
    """A confidential meeting's documents are read in the browser only."""

    code = "downloads_not_allowed"
    http_status = 403


class WrongState(DocumentError):
    """The meeting or document is not in a state that allows this change."""

    code = "wrong_state"
    http_status = 409
