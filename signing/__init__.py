"""PAdES signing for eCabinet: sign, verify, signers (PKCS#12, PKCS#11) and a development CA.

A library with no web framework in it: ``ecabinet`` calls it, and so does ``python -m signing``.
"""

from . import devca, samples
from .errors import (
    CertificateError,
    CertificateExpiredError,
    FieldError,
    FontError,
    KeyFileError,
    LockedFieldError,
    NotAPdfError,
    RevocationError,
    SigningError,
    TimestampError,
    TokenError,
    WrongPassphraseError,
    WrongPinError,
)
from .fields import (
    SEAL_FIELD,
    SIGNER_FIELD,
    FieldBox,
    FieldSlot,
    attachment_field,
    seal_box_beside,
    two_step_fields,
)
from .messages import message
from .sign import SignRequest, sign_pdf
from .signers import Pkcs11Config, Signer, load_pkcs12, load_pkcs12_file, open_pkcs11_signer
from .stamps import (
    IssueStamp,
    MarksStamp,
    PlacedText,
    SealStamp,
    SignerStamp,
    format_signing_time,
)
from .verify import Change, Level, SignatureReport, VerifyReport, verify_pdf

__all__ = [
    "SEAL_FIELD",
    "SIGNER_FIELD",
    "CertificateError",
    "CertificateExpiredError",
    "Change",
    "FieldBox",
    "FieldError",
    "FieldSlot",
    "FontError",
    "IssueStamp",
    "KeyFileError",
    "Level",
    "LockedFieldError",
    "MarksStamp",
    "NotAPdfError",
    "Pkcs11Config",
    "PlacedText",
    "RevocationError",
    "SealStamp",
    "SignRequest",
    "SignatureReport",
    "Signer",
    "SignerStamp",
    "SigningError",
    "TimestampError",
    "TokenError",
    "VerifyReport",
    "WrongPassphraseError",
    "WrongPinError",
    "attachment_field",
    "devca",
    "format_signing_time",
    "load_pkcs12",
    "load_pkcs12_file",
    "message",
    "open_pkcs11_signer",
    "samples",
    "seal_box_beside",
    "sign_pdf",
    "two_step_fields",
    "verify_pdf",
]
