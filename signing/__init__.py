"""PAdES signing for eCabinet: sign, verify, signers (PKCS#12, PKCS#11) and a development CA.

A library with no web framework in it: ``ecabinet`` calls it, and so does ``python -m signing``.

Names are loaded on first use (PEP 562): ``from signing import message`` reads one small module,
not pyHanko, pypdf and cryptography's X.509 (about 30 MB), so that a web server that signs
nothing does not hold them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_SUBMODULES = ("devca", "samples")
_MODULE_OF = {name: module for module, names in {
    "errors": """CertificateError CertificateExpiredError FieldError FontError KeyFileError
                 LockedFieldError NotAPdfError RevocationError SigningError TimestampError
                 TokenError WrongPassphraseError WrongPinError""",
    "fields": """SEAL_FIELD SIGNER_FIELD FieldBox FieldSlot attachment_field seal_box_beside
                 two_step_fields""",
    "messages": "message",
    "sign": "SignRequest sign_pdf",
    "signers": "Pkcs11Config Signer load_pkcs12 load_pkcs12_file open_pkcs11_signer",
    "stamps": "IssueStamp MarksStamp PlacedText SealStamp SignerStamp format_signing_time",
    "verify": "Change Level SignatureReport VerifyReport verify_pdf",
}.items() for name in names.split()}
"""Where each public name is defined; keep it in step with the imports above and ``__all__``."""

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


def __getattr__(name: str):
    """Import the submodule that holds ``name`` on first use, then keep it here."""
    if name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
