"""The base of every expected failure: a stable code for programs, a message for people."""

from __future__ import annotations


class EcabinetError(Exception):
    """A refusal the user can act on. `message` is translated lazily, in the reader's language."""

    code = "error"
    http_status = 400

    def __init__(self, message, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(EcabinetError):
    code = "not_found"
    http_status = 404


class Forbidden(EcabinetError):
    code = "forbidden"
    http_status = 403
