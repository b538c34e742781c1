"""Why a delivery failed, as a stable code for the row and words for the secretariat.

The outbox keeps both: `last_error_code` (one of REASONS) to show in the reader's language,
and `last_error`, the exception's own text, for the operator who has to fix the server.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from flask_babel import lazy_gettext as _l

REASONS = {
    "connection_refused": _l("The mail server refused the connection (is it running?)"),
    "host_not_found": _l("The mail server's name could not be found"),
    "timeout": _l("The mail server did not answer in time"),
    "tls": _l("A secure (TLS) connection to the mail server could not be made"),
    "auth_failed": _l("The mail server did not accept our user name or password"),
    "sender_refused": _l("The mail server refused the sender address"),
    "recipient_refused": _l("The mail server refused the recipient's address"),
    "mail_refused": _l("The mail server refused the mail"),
    "disconnected": _l("The mail server closed the connection"),
    "other": _l("The mail could not be sent"),
}


def classify_error(error: BaseException) -> str:
    """Name the kind of a delivery failure; anything unforeseen is "other"."""
    # Most specific first: every smtplib error is an OSError too.
    kinds: tuple[tuple[type[BaseException] | tuple, str], ...] = (
        (smtplib.SMTPAuthenticationError, "auth_failed"),
        (smtplib.SMTPRecipientsRefused, "recipient_refused"),
        (smtplib.SMTPSenderRefused, "sender_refused"),
        (smtplib.SMTPServerDisconnected, "disconnected"),
        ((smtplib.SMTPNotSupportedError, ssl.SSLError), "tls"),
        (smtplib.SMTPResponseException, "mail_refused"),
        (ConnectionRefusedError, "connection_refused"),
        (socket.gaierror, "host_not_found"),
        (TimeoutError, "timeout"),
    )
    for kind, code in kinds:
        if isinstance(error, kind):
            return code
    return "other"


def describe(code: str | None) -> str:
    """The reason in the current user's language; an unknown or empty code reads as "other"."""
    return str(REASONS.get(code or "other", REASONS["other"]))
