"""Signers: a key in a PKCS#12 file, or on a PKCS#11 token or HSM.

Both give a :class:`Signer` that :func:`signing.sign.sign_pdf` uses. A PKCS#12 passphrase or a
token PIN is taken as an argument at signing time and never kept by this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers as pyhanko_signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .errors import KeyFileError, TokenError, WrongPassphraseError, WrongPinError
from .pdfio import to_asn1

__all__ = [
    "Pkcs11Config",
    "Signer",
    "load_pkcs12",
    "load_pkcs12_file",
    "open_pkcs11_signer",
]


@dataclass(frozen=True)
class Signer:
    """A key ready to sign, with its certificate and the certificates to embed with it."""

    cms_signer: pyhanko_signers.Signer
    """The pyHanko signer that produces the CMS signature value."""
    certificate: x509.Certificate
    """The signer's certificate (its subject is who signed)."""

    @property
    def key_algorithm(self) -> str:
        """``rsa`` or ``ecdsa``: ECDSA makes pyHanko raise the PDF version to 2.0."""
        return "ecdsa" if isinstance(self.certificate.public_key(), ec.EllipticCurvePublicKey) \
            else "rsa"


class _CachedKeySigner(pyhanko_signers.SimpleSigner):
    """A SimpleSigner that keeps the parsed private key.

    pyHanko's SimpleSigner re-parses (and, for RSA, re-checks) the DER key on every call, which
    costs more than the whole rest of a signature; parsing once keeps signing under 0.05 s.
    """

    def __init__(self, private_key, **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


def load_pkcs12(data: bytes, passphrase: bytes | None) -> Signer:
    """Open a PKCS#12 file's content with its passphrase.

    :raises WrongPassphraseError: the passphrase does not open it.
    :raises KeyFileError: it is not a PKCS#12 file, or holds no key and certificate.
    """
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase or None)
    except ValueError as exc:
        if _is_pkcs12(data):
            raise WrongPassphraseError("the passphrase does not open this PKCS#12 file") from exc
        raise KeyFileError("not a PKCS#12 (.p12) file") from exc
    if key is None or cert is None:
        raise KeyFileError("the PKCS#12 file holds no private key with its certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyFileError("only RSA and ECDSA keys are supported")
    registry = SimpleCertificateStore()
    registry.register_multiple([to_asn1(c) for c in extra])
    private_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cms_signer = _CachedKeySigner(
        key,
        signing_cert=to_asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(private_der),
        cert_registry=registry,
    )
    return Signer(cms_signer=cms_signer, certificate=cert)


def _is_pkcs12(data: bytes) -> bool:
    """Tell a wrong passphrase from a file that is no PKCS#12 at all."""
    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parse fully
    except (ValueError, TypeError):
        return False
    return True


def load_pkcs12_file(path: Path, passphrase: bytes | None) -> Signer:
    """Read and open a ``.p12`` file.

    :raises KeyFileError: the file cannot be read or is not PKCS#12.
    :raises WrongPassphraseError: the passphrase does not open it.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: {exc.strerror}") from exc
    return load_pkcs12(data, passphrase)


@dataclass(frozen=True)
class Pkcs11Config:
    """Where the key is on a PKCS#11 token (a USB token, an HSM, or SoftHSM2 in tests)."""

    module: Path
    """Path to the PKCS#11 module (e.g. ``/usr/lib/softhsm/libsofthsm2.so``)."""
    key_label: str
    """Label of the private key; the certificate is looked up under the same label."""
    token_label: str | None = None
    """Label of the token; with ``slot`` unset, the first token with this label is used."""
    slot: int | None = None
    """Slot number, when the token label is not enough (or not known)."""
    cert_label: str | None = None
    """Label of the certificate, if it differs from ``key_label``."""


@contextlib.contextmanager
def open_pkcs11_signer(config: Pkcs11Config, pin: str | None) -> Iterator[Signer]:
    """Log in to the token for the duration of the ``with`` block and yield its signer.

    :raises WrongPinError: the token refused the PIN.
    :raises TokenError: the module, token, key or certificate cannot be used.
    """
    try:
        from pkcs11 import PKCS11Error as LibError
        from pkcs11.exceptions import PinIncorrect, PinInvalid, PinLenRange
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as pyhanko_pkcs11
    except ImportError as exc:  # pragma: no cover - python-pkcs11 is a dependency
        raise TokenError("python-pkcs11 is not installed") from exc
    if not Path(config.module).exists():
        raise TokenError(f"PKCS#11 module not found: {config.module}")
    criteria = TokenCriteria(label=config.token_label) if config.token_label else None
    try:
        session = pyhanko_pkcs11.open_pkcs11_session(
            str(config.module), slot_no=config.slot, token_criteria=criteria, user_pin=pin
        )
    except (PinIncorrect, PinInvalid, PinLenRange) as exc:
        raise WrongPinError(type(exc).__name__) from exc
    except (LibError, pyhanko_pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
        raise TokenError(f"cannot open the token: {type(exc).__name__} {exc}".strip()) from exc
    try:
        cms_signer = pyhanko_pkcs11.PKCS11Signer(
            session,
            key_label=config.key_label,
            cert_label=config.cert_label or config.key_label,
            other_certs_to_pull=None,
        )
        try:
            asn1_cert = cms_signer.signing_cert
        except (LibError, pyhanko_pkcs11.PKCS11Error) as exc:
            raise TokenError(f"no certificate or key labelled {config.key_label!r}") from exc
        if asn1_cert is None:
            raise TokenError(f"no certificate labelled {config.key_label!r}")
        cert = x509.load_der_x509_certificate(asn1_cert.dump())
        yield Signer(cms_signer=cms_signer, certificate=cert)
    finally:
        session.close()
