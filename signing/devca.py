"""A development certificate authority, for demos and tests only.

Real officials sign with certificates from a licensed CA (on a USB token). To demonstrate and test
the whole chain without one, this module makes a root, personal certificates, organisation (seal)
certificates, a timestamping certificate and CRLs with ``cryptography``. The root's private key is
written unencrypted beside its certificate: never use these certificates for real documents.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import KeyFileError, SigningError

__all__ = [
    "ROOT_CERT_FILE",
    "ROOT_KEY_FILE",
    "CertificateKind",
    "CertificateSpec",
    "KeyAlgorithm",
    "KeyPair",
    "build_crl",
    "create_root",
    "issue_certificate",
    "issue_user_certificate",
    "load_or_create_root",
    "pkcs12_bytes",
]

ROOT_CERT_FILE = "root-ca.pem"
ROOT_KEY_FILE = "root-ca.key.pem"
ROOT_NAME = "eCabinet Development Root CA"
DEV_ORGANISATION = "eCabinet (development, not for real documents)"


class CertificateKind(StrEnum):
    """What a leaf certificate is for; it decides the key usages."""

    PERSON = "person"
    SEAL = "seal"
    TSA = "tsa"


class KeyAlgorithm(StrEnum):
    """RSA-2048 keeps PDF/A-2 files PDF/A-2; ECDSA P-256 makes pyHanko mark the file PDF 2.0."""

    RSA = "rsa"
    ECDSA = "ecdsa"


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key."""

    certificate: x509.Certificate
    """The X.509 certificate."""
    private_key: CertificateIssuerPrivateKeyTypes
    """The private key matching the certificate's public key."""


@dataclass(frozen=True)
class CertificateSpec:
    """What to put in a leaf certificate."""

    common_name: str
    """The holder: a person's name or login, or the organisation's name for a seal."""
    kind: CertificateKind = CertificateKind.PERSON
    """Person, organisation seal or timestamping authority."""
    organisation: str = DEV_ORGANISATION
    """The O= attribute; for a seal, the body itself."""
    key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA
    """RSA-2048 (default) or ECDSA P-256."""
    not_before: dt.datetime | None = None
    """Start of validity; defaults to one hour before now (clock skew)."""
    valid_for: dt.timedelta = field(default_factory=lambda: dt.timedelta(days=730))
    """Length of validity from ``not_before``."""
    crl_url: str | None = None
    """CRL distribution point written in the certificate, needed for B-LT signatures."""


def _new_key(algorithm: KeyAlgorithm) -> CertificateIssuerPrivateKeyTypes:
    if algorithm is KeyAlgorithm.ECDSA:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def create_root(
    *, common_name: str = ROOT_NAME, now: dt.datetime | None = None, years: int = 10
) -> KeyPair:
    """Make a self-signed root that issues every development certificate and CRL."""
    key = _new_key(KeyAlgorithm.RSA)
    start = (now or _now()) - dt.timedelta(hours=1)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert, key)


def _leaf_key_usage(kind: CertificateKind) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=kind is not CertificateKind.TSA,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )


def issue_certificate(ca: KeyPair, spec: CertificateSpec) -> KeyPair:
    """Issue a leaf certificate (person, seal or TSA) under ``ca``."""
    key = _new_key(spec.key_algorithm)
    start = spec.not_before or (_now() - dt.timedelta(hours=1))
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, spec.organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, spec.common_name),
        ]
    )
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + spec.valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(spec.kind), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski.value), False
        )
    )
    if spec.kind is CertificateKind.TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if spec.crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(spec.crl_url)],
            relative_name=None, reasons=None, crl_issuer=None,
        )
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return KeyPair(builder.sign(ca.private_key, hashes.SHA256()), key)


def build_crl(
    ca: KeyPair,
    revoked_serials: tuple[int, ...] = (),
    *,
    now: dt.datetime | None = None,
    valid_for: dt.timedelta = dt.timedelta(days=7),
) -> bytes:
    """Return a DER CRL signed by ``ca``: what a B-LT signature embeds for each certificate."""
    this_update = (now or _now()) - dt.timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(this_update)
        .next_update(this_update + valid_for)
        .add_extension(x509.CRLNumber(int(this_update.timestamp())), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(this_update)
            .build()
        )
    return builder.sign(ca.private_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pkcs12_bytes(
    pair: KeyPair, ca_certificate: x509.Certificate, passphrase: bytes | None
) -> bytes:
    """Pack a key, its certificate and the CA into a PKCS#12 file (AES-256 when a passphrase)."""
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return serialization.pkcs12.serialize_key_and_certificates(
        name=pair.certificate.subject.rfc4514_string().encode(),
        key=pair.private_key,  # type: ignore[arg-type]
        cert=pair.certificate,
        cas=[ca_certificate],
        encryption_algorithm=encryption,
    )


def load_or_create_root(out_dir: Path) -> KeyPair:
    """Reuse ``out_dir``'s root if there is one, so that several users share it.

    :raises KeyFileError: when only one of the root's two files is there, or they do not load.
    """
    cert_path, key_path = out_dir / ROOT_CERT_FILE, out_dir / ROOT_KEY_FILE
    if cert_path.exists() != key_path.exists():
        raise KeyFileError(f"{out_dir}: {ROOT_CERT_FILE} and {ROOT_KEY_FILE} must be together")
    if cert_path.exists():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        except ValueError as exc:
            raise KeyFileError(f"{out_dir}: the development root does not load: {exc}") from exc
        return KeyPair(cert, key)  # type: ignore[arg-type]
    root = create_root()
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        root.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(root.certificate.public_bytes(serialization.Encoding.PEM))
    return root


_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def issue_user_certificate(
    out_dir: Path,
    username: str,
    passphrase: bytes | None = None,
    seal_body: str | None = None,
    *,
    crl_url: str | None = None,
    key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA,
) -> Path:
    """Write ``out_dir/<username>.p12`` under the development root (made or reused there).

    With ``seal_body`` the certificate is the organisation's (seal) certificate of that body
    (CN and O are the body's name); otherwise it is a personal certificate for ``username``.
    Returns the path of the PKCS#12 file; ``out_dir/root-ca.pem`` is the root to trust.

    :raises SigningError: when ``username`` is not a plain file name.
    :raises KeyFileError: when a root in ``out_dir`` is broken.
    """
    if not _SAFE_NAME.match(username):
        raise SigningError(f"user name {username!r}: use letters, digits, '.', '_' or '-'")
    root = load_or_create_root(out_dir)
    if seal_body:
        spec = CertificateSpec(
            common_name=seal_body, kind=CertificateKind.SEAL, organisation=seal_body,
            crl_url=crl_url, key_algorithm=key_algorithm,
        )
    else:
        spec = CertificateSpec(common_name=username, crl_url=crl_url, key_algorithm=key_algorithm)
    pair = issue_certificate(root, spec)
    p12_path = out_dir / f"{username}.p12"
    p12_path.touch(mode=0o600)
    p12_path.write_bytes(pkcs12_bytes(pair, root.certificate, passphrase))
    return p12_path
