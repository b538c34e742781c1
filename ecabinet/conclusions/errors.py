"""Refusals of the conclusion workflow, each with a stable code and a message for people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ecabinet.core.errors import EcabinetError


class ConclusionError(EcabinetError):
    code = "conclusion_error"
    http_status = 409


class WrongState(ConclusionError):
    """The step does not start from the notice's present state."""

    code = "wrong_state"


class Incomplete(ConclusionError):
    """Something the notice needs is missing (a section's text, a recipient, a field)."""

    code = "incomplete"
    http_status = 422


class SigningFailed(ConclusionError):
    """The key, passphrase or certificate could not be used; the message says which."""

    code = "signing_failed"
    http_status = 422


class NoSealKey(ConclusionError):
    """The body has no organisation (seal) key configured on the server."""

    code = "no_seal_key"


class TooManyChecks(ConclusionError):
    """An address used up its public checks for the throttle's window."""

    code = "too_many_checks"
    http_status = 429


class DownloadLinkInvalid(ConclusionError):
    """A webhook's download link whose dispatch or token does not match an issued notice."""

    code = "download_link_invalid"
    http_status = 404

    def __init__(self, message=None):
        super().__init__(message or _l(
            "This download link is not valid: it is incomplete, or the notice it leads to has "
            "changed. Ask the body that sent the notice to send it again."))
