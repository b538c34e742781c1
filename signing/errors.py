"""Typed errors of the signing library.

Every error carries a stable ``code`` so that callers (the command line, the web application)
branch on a class or a code and show a message in the user's language from
:mod:`signing.messages`, never by matching English text.
"""

from __future__ import annotations

__all__ = [
    "CertificateError",
    "CertificateExpiredError",
    "FieldError",
    "FontError",
    "KeyFileError",
    "LockedFieldError",
    "NotAPdfError",
    "RevocationError",
    "SigningError",
    "TimestampError",
    "TokenError",
    "WrongPassphraseError",
    "WrongPinError",
]


class SigningError(Exception):
    """Base class: something the signer or verifier cannot do with the given input."""

    code = "signing_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail

    @property
    def params(self) -> dict[str, str]:
        """Values the message for :attr:`code` names besides ``detail`` (see ``messages``)."""
        return {}


class NotAPdfError(SigningError):
    """The input is not a PDF file that can be read."""

    code = "not_a_pdf"


class KeyFileError(SigningError):
    """The key file (PKCS#12) is missing or is not a key file."""

    code = "key_file"


class WrongPassphraseError(SigningError):
    """The passphrase does not open the PKCS#12 file."""

    code = "wrong_passphrase"


class CertificateError(SigningError):
    """The signer's certificate cannot be used to sign (wrong key usage, no path, …)."""

    code = "certificate"


class CertificateExpiredError(CertificateError):
    """The signer's certificate is not valid at the signing time."""

    code = "certificate_expired"


class TokenError(SigningError):
    """The PKCS#11 module, token, PIN or key could not be used."""

    code = "token"


class WrongPinError(TokenError):
    """The token refused the PIN (wrong, or not a PIN it accepts)."""

    code = "wrong_pin"


class FieldError(SigningError):
    """The signature field is missing, already signed or cannot be created."""

    code = "field"


class LockedFieldError(FieldError):
    """An earlier signature locked the field: signing it would make that signature invalid."""

    code = "field_locked"

    def __init__(self, detail: str = "", *, field: str, locked_by: str) -> None:
        super().__init__(detail)
        self.field = field
        """The field that this signature would fill or add."""
        self.locked_by = locked_by
        """The signed field whose lock forbids it."""

    @property
    def params(self) -> dict[str, str]:
        return {"field": self.field, "locked_by": self.locked_by}


class TimestampError(SigningError):
    """The timestamp server did not give a usable RFC 3161 token."""

    code = "timestamp"


class RevocationError(SigningError):
    """Revocation data (CRL or OCSP) could not be fetched for B-LT."""

    code = "revocation"


class FontError(SigningError):
    """The font for visible stamps is missing or lacks Vietnamese glyphs."""

    code = "font"
