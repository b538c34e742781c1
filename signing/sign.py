"""Sign a PDF with a PAdES signature: B-B always, B-T with a timestamp server, B-LT with
revocation data.

One entry point, :func:`sign_pdf`. It reserves the signature's size instead of letting pyHanko
sign twice to measure it, and sets the signing time itself so that tests can fix it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import unicodedata
from dataclasses import dataclass, replace

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import attributes as pyhanko_attributes
from pyhanko.sign import fields as pyhanko_fields
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from .errors import (
    CertificateError,
    CertificateExpiredError,
    FieldError,
    NotAPdfError,
    RevocationError,
    TimestampError,
)
from .fields import FieldBox, FieldSlot
from .locks import check_locks
from .pdfio import open_pdf, to_asn1
from .signers import Signer
from .stamps import IssueStamp, MarksStamp, SealStamp, SignerStamp, Stamp, stamp_style

__all__ = ["SignRequest", "sign_pdf"]

_pyhanko_signing_certificate_v2 = pyhanko_attributes.as_signing_certificate_v2


@functools.lru_cache(maxsize=32)
def _signing_certificate_v2_der(cert_der: bytes, hash_algo: str) -> bytes:
    from asn1crypto import x509 as asn1_x509

    return _pyhanko_signing_certificate_v2(asn1_x509.Certificate.load(cert_der),
                                           hash_algo).dump()


def _signing_certificate_v2(cert, hash_algo="sha256") -> tsp.SigningCertificateV2:
    """The signed attribute naming the signer's certificate, built once per certificate.

    pyHanko builds it from native values on every signature, and serialising the issuer's name
    that way cost about a fifth of a signature; parsed from its DER, it serialises as it came.
    """
    return tsp.SigningCertificateV2.load(_signing_certificate_v2_der(cert.dump(), hash_algo))


pyhanko_attributes.as_signing_certificate_v2 = _signing_certificate_v2

# Bytes of CMS beyond the certificates: signed attributes, signature value, slack.
_CMS_OVERHEAD = 4096
# A timestamp token carries the TSA's certificates; reserve generously, it is not predictable.
_TIMESTAMP_ALLOWANCE = 12288


@dataclass(frozen=True)
class SignRequest:
    """What to sign and how; the key comes separately (see :mod:`signing.signers`)."""

    field: str = "Signature1"
    """Name of the signature field to fill; created (with ``box``) if the PDF has none."""
    stamp: Stamp | None = None
    """The visible stamp, or ``None`` for an invisible signature."""
    box: FieldBox | None = None
    """Where a new visible field goes; an existing field keeps its own place."""
    prepare: tuple[FieldSlot, ...] = ()
    """Empty fields to create first (two-step signing); fields already present are left alone.
    The slot named ``field`` also gives this signature's lock."""
    reason: str | None = None
    """Reason for signing, shown by PDF readers."""
    location: str | None = None
    """Place of signing, shown by PDF readers."""
    timestamp_url: str | None = None
    """RFC 3161 timestamp server: makes the signature B-T."""
    embed_revocation: bool = False
    """Fetch CRLs/OCSP responses for the signer's chain and embed them (B-LT, with a timestamp).
    Needs ``trust_roots``."""
    trust_roots: tuple[x509.Certificate, ...] = ()
    """Roots that end the signer's chain, used to collect revocation data for B-LT."""
    signing_time: dt.datetime | None = None
    """The signing time to record; ``None`` is now (tests fix it)."""


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    writer = open_pdf(pdf, IncrementalPdfFileWriter)
    if writer.prev.encrypted:
        raise NotAPdfError("encrypted PDFs are not supported")
    return writer


def _check_validity(cert: x509.Certificate, when: dt.datetime) -> None:
    if when < cert.not_valid_before_utc:
        raise CertificateExpiredError(
            f"the certificate is valid only from {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
        )
    if when > cert.not_valid_after_utc:
        raise CertificateExpiredError(
            f"the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        )


def _prepare_fields(writer: IncrementalPdfFileWriter, request: SignRequest):
    """Create the empty fields of ``request.prepare``.

    Return the spec of the target field if it must be created, and the DocMDP value its lock sets.
    """
    existing = {
        name: value for name, value, _ in pyhanko_fields.enumerate_sig_fields(writer.prev)
    }
    if request.field in existing and existing[request.field] is not None:
        raise FieldError(f"the field {request.field!r} is already signed")
    check_locks(writer.prev, request.field,
                [s.name for s in request.prepare if s.name not in existing])
    target = None
    for slot in request.prepare:
        if slot.name == request.field:
            target = slot
            if slot.name in existing:
                continue
            # the target field is created by the signer itself, with its lock
        elif slot.name not in existing:
            try:
                pyhanko_fields.append_signature_field(writer, slot.to_spec())
            except (PdfError, ValueError, IndexError) as exc:
                raise FieldError(f"cannot create the field {slot.name!r}: {exc}") from exc
    if request.field in existing:
        return None, _lock_permission(writer, request.field)
    if target is None:
        target = FieldSlot(request.field, request.box if request.stamp else None)
    elif target.box is None and request.stamp is not None and request.box is not None:
        target = replace(target, box=request.box)
    spec = target.to_spec()
    return spec, spec.doc_mdp_update_value


def _lock_permission(writer: IncrementalPdfFileWriter, name: str) -> MDPPerm | None:
    """Read the DocMDP value that an existing field's lock prescribes (/Lock /P)."""
    for field_name, _, ref in pyhanko_fields.enumerate_sig_fields(writer.prev):
        if field_name == name:
            try:
                return MDPPerm(ref.get_object()["/Lock"]["/P"])
            except (KeyError, ValueError):
                return None
    return None


def _validation_context(request: SignRequest, when: dt.datetime) -> ValidationContext | None:
    if not request.embed_revocation:
        return None
    if not request.trust_roots:
        raise RevocationError("revocation data (B-LT) needs the trust roots of the chain")
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in request.trust_roots],
        allow_fetching=True,
        revocation_mode="hard-fail",
        moment=when,
    )


def _reserved_bytes(signer: Signer, request: SignRequest) -> int:
    """Reserve the signature's room from the certificates it embeds.

    pyHanko would otherwise sign once with a dummy to measure, doubling the cost of signing.
    """
    size = len(signer.certificate.public_bytes(serialization.Encoding.DER)) + _CMS_OVERHEAD
    size += sum(len(c.dump()) for c in signer.cms_signer.cert_registry)
    if request.timestamp_url:
        size += _TIMESTAMP_ALLOWANCE
    return 2 * size  # the signature is written as hexadecimal


def sign_pdf(pdf: bytes, request: SignRequest, signer: Signer) -> bytes:
    """Return ``pdf`` with one more signature, appended as an incremental update.

    :raises NotAPdfError: the input is not a readable, unencrypted PDF.
    :raises CertificateExpiredError: the certificate is not valid at the signing time.
    :raises LockedFieldError: an earlier signature locked the field (or a field to create).
    :raises FieldError: the field is already signed or cannot be created.
    :raises TimestampError: the timestamp server failed (B-T).
    :raises RevocationError: revocation data could not be fetched (B-LT).
    :raises CertificateError: another problem with the signer's certificate.
    """
    when = request.signing_time or dt.datetime.now(dt.UTC)
    _check_validity(signer.certificate, when)
    writer = _open(pdf)
    new_field, permission = _prepare_fields(writer, request)
    context = _validation_context(request, when)
    meta = PdfSignatureMetadata(
        field_name=request.field,
        md_algorithm="sha256",
        subfilter=pyhanko_fields.SigSeedSubFilter.PADES,
        reason=request.reason,
        location=request.location,
        embed_validation_info=context is not None,
        validation_context=context,
        signer_key_usage={"non_repudiation"},
        # must match the field's lock, or pyHanko logs a warning and takes the stricter one
        docmdp_permissions=permission or MDPPerm.FILL_FORMS,
    )
    stamp = _normalised(request.stamp)
    pdf_signer = PdfSigner(
        meta,
        signer.cms_signer,
        timestamper=HTTPTimeStamper(request.timestamp_url) if request.timestamp_url else None,
        stamp_style=stamp_style(stamp, when) if stamp else None,
        new_field_spec=new_field,
    )
    try:
        return asyncio.run(_sign(pdf_signer, writer, when, _reserved_bytes(signer, request),
                                 context))
    except TimestampRequestError as exc:
        raise TimestampError(f"the timestamp server failed: {exc}") from exc
    except PyHankoSigningError as exc:
        failure = _path_failure(exc)
        if context is not None and failure is not None:
            raise RevocationError(f"revocation data could not be fetched: {failure}") from exc
        raise CertificateError(str(exc)) from exc


def _path_failure(exc: BaseException) -> BaseException | None:
    """The certificate-path error pyHanko wrapped (as the cause, or as an argument), if any."""
    for candidate in (exc.__cause__, *exc.args):
        if isinstance(candidate, (PathBuildingError, PathValidationError)):
            return candidate
    return None


def _normalised(stamp: Stamp | None) -> Stamp | None:
    """Use precomposed Vietnamese letters (NFC): the font has a glyph for each of them."""
    if stamp is None:
        return None
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    if isinstance(stamp, SignerStamp):
        return replace(stamp, name=nfc(stamp.name), position=nfc(stamp.position))
    if isinstance(stamp, SealStamp):
        return replace(stamp, body=nfc(stamp.body))
    if isinstance(stamp, IssueStamp):
        return replace(stamp, number=nfc(stamp.number))
    if isinstance(stamp, MarksStamp):
        return replace(stamp, texts=tuple(replace(t, text=nfc(t.text)) for t in stamp.texts))
    return stamp


async def _sign(
    pdf_signer: PdfSigner,
    writer: IncrementalPdfFileWriter,
    when: dt.datetime,
    reserved: int,
    context: ValidationContext | None,
) -> bytes:
    """pyHanko's own ``async_sign_pdf``, with our signing time and reserved size."""
    try:
        session = pdf_signer.init_signing_session(writer)
        session.system_time = when
        validation_info = await session.perform_presign_validation(writer)
        tbs = session.prepare_tbs_document(
            validation_info=validation_info, bytes_reserved=reserved
        )
        prepared, output = tbs.digest_tbs_document(output=io.BytesIO())
        post = await tbs.perform_signature(
            document_digest=prepared.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=when),
        )
        await post.post_signature_processing(output)
        return output.getvalue()
    finally:
        if context is not None:
            await context.aclose()
