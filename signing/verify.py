"""Verify every signature in a PDF against given trust roots.

For each signature: who signed, the chain, the signing time and timestamp, whether the signed
bytes are intact, whether the certificate is trusted, what was changed after it, and the PAdES
level reached. :func:`verify_pdf` is the entry point; :attr:`VerifyReport.ok` is the bottom line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from .pdfio import open_pdf, to_asn1

__all__ = ["Change", "Level", "SignatureReport", "VerifyReport", "verify_pdf"]


class Level(StrEnum):
    """PAdES baseline level reached by a signature."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"


class Change(StrEnum):
    """The most serious kind of change made after a signature."""

    NONE = "none"
    VALIDATION_DATA = "validation_data"
    FORM_FILLING = "form_filling"
    ANNOTATIONS = "annotations"
    OTHER = "other"


_CHANGE_OF_LEVEL = {
    ModificationLevel.NONE: Change.NONE,
    ModificationLevel.LTA_UPDATES: Change.VALIDATION_DATA,
    ModificationLevel.FORM_FILLING: Change.FORM_FILLING,
    ModificationLevel.ANNOTATIONS: Change.ANNOTATIONS,
    ModificationLevel.OTHER: Change.OTHER,
}


@dataclass(frozen=True)
class SignatureReport:
    """What is known about one signature."""

    field: str
    """Name of the signature field."""
    signer: str
    """The signer's name (certificate common name)."""
    chain: tuple[str, ...]
    """Subjects from the trust root to the signer; only the signer's if no path was found."""
    signing_time: dt.datetime | None
    """Time claimed by the signer (PDF /M or CMS signing-time)."""
    timestamp: dt.datetime | None
    """Time from the RFC 3161 timestamp, when there is a valid one."""
    intact: bool
    """The signed bytes are unchanged and the signature value checks."""
    trusted: bool
    """The certificate chains to a given root, unrevoked, with a usable key usage."""
    revoked: bool
    """The certificate is revoked, according to embedded revocation data."""
    covers_whole_file: bool
    """Nothing was appended after this signature."""
    change_after: Change
    """The most serious change appended after this signature."""
    change_permitted: bool
    """The changes after it are allowed by its lock / DocMDP and by the kind of change."""
    level: Level
    """PAdES level reached (B-B, B-T or B-LT)."""
    problems: tuple[str, ...] = ()
    """Codes of what is wrong (see :mod:`signing.messages`); empty when the signature is ok."""
    detail: str = ""
    """Technical detail for the ``unreadable`` problem."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyReport:
    """The verdict on every signature of a file, in signing order."""

    signatures: tuple[SignatureReport, ...]
    """One report per signature, earliest first."""

    @property
    def ok(self) -> bool:
        """True when there is at least one signature and every one is ok."""
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def _context(
    reader: PdfFileReader, roots: list[asn1_x509.Certificate], moment: dt.datetime | None
) -> ValidationContext:
    """Trust only the given roots; use revocation data embedded in the file, fetch nothing."""
    kwargs = dict(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except NoDSSFoundError:
        return ValidationContext(**kwargs)


def _has_revocation_data(reader: PdfFileReader, cert: asn1_x509.Certificate) -> bool:
    """B-LT: the DSS holds a CRL or OCSP response from the signer certificate's issuer."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return False
    if dss.ocsps:
        return True
    crls = (asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls)
    return any(crl["tbs_cert_list"]["issuer"] == cert.issuer for crl in crls)


def _level(reader: PdfFileReader, status: PdfSignatureStatus, cert) -> Level:
    if status.timestamp_validity is None:
        return Level.B_B
    if _has_revocation_data(reader, cert):
        return Level.B_LT
    return Level.B_T


def _name(cert: asn1_x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


_ANNOTATION_NEUTRAL = ("/Catalog", "/Metadata")


def _only_annotations(reader: PdfFileReader, signed_revision: int) -> bool:
    """Tell annotations added after a signature from other changes.

    pyHanko's difference analysis has no rule for markup annotations, so it reports them as
    unexplained ("other") changes; here every object changed later must be a non-widget
    annotation, a page whose only change is its /Annots, or document metadata.
    """
    xrefs = reader.xrefs
    for revision in range(signed_revision + 1, xrefs.total_revisions):
        old = reader.get_historical_resolver(revision - 1)
        new = reader.get_historical_resolver(revision)
        for ref in xrefs.explicit_refs_in_revision(revision):
            obj = new(ref)
            if not isinstance(obj, dict):
                return False
            kind = obj.get("/Type")
            if kind == "/Annot" or ("/Subtype" in obj and "/Rect" in obj):
                if obj.get("/Subtype") == "/Widget":
                    return False
                continue
            if kind == "/Page":
                before = old(ref) if xrefs.get_historical_ref(ref, revision - 1) else None
                if not isinstance(before, dict):
                    return False
                changed = {k for k in set(obj) | set(before) if obj.get(k) != before.get(k)}
                if changed - {"/Annots"}:
                    return False
                continue
            if kind in _ANNOTATION_NEUTRAL and ref == reader.root_ref and revision > 0:
                continue
            if "/Producer" in obj or "/ModDate" in obj:  # document information
                continue
            return False
    return True


def _report(
    reader: PdfFileReader, sig: EmbeddedPdfSignature, status: PdfSignatureStatus
) -> SignatureReport:
    cert = status.signing_cert
    path = status.validation_path
    chain = (
        tuple(_name(c) for c in path.iter_certs(include_root=True))
        if path is not None
        else (_name(cert),)
    )
    level_of_change = status.modification_level or ModificationLevel.OTHER
    change = _CHANGE_OF_LEVEL.get(level_of_change, Change.OTHER)
    if change is Change.OTHER and status.intact and _only_annotations(reader, sig.signed_revision):
        change = Change.ANNOTATIONS
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    permitted = whole or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and bool(status.docmdp_ok)
        and change in (Change.NONE, Change.VALIDATION_DATA, Change.FORM_FILLING)
    )
    problems = []
    if not (status.intact and status.valid):
        problems.append("not_intact")
    elif status.revoked:
        problems.append("revoked")
    elif not status.trusted:
        problems.append("untrusted")
    if not permitted:
        problems.append("changed_after")
    ts = status.timestamp_validity
    return SignatureReport(
        field=str(sig.field_name),
        signer=_name(cert),
        chain=chain,
        signing_time=status.signer_reported_dt,
        timestamp=ts.timestamp if ts is not None and ts.intact and ts.valid else None,
        intact=bool(status.intact and status.valid),
        trusted=status.trusted,
        revoked=status.revoked,
        covers_whole_file=whole,
        change_after=change,
        change_permitted=permitted,
        level=_level(reader, status, cert),
        problems=tuple(problems),
    )


def _unreadable(sig: EmbeddedPdfSignature, exc: Exception) -> SignatureReport:
    return SignatureReport(
        field=str(sig.field_name), signer="?", chain=(), signing_time=None, timestamp=None,
        intact=False, trusted=False, revoked=False, covers_whole_file=False,
        change_after=Change.OTHER, change_permitted=False, level=Level.B_B,
        problems=("unreadable",), detail=str(exc) or type(exc).__name__,
    )


async def _verify(
    reader: PdfFileReader, roots: list[asn1_x509.Certificate], moment: dt.datetime | None
) -> VerifyReport:
    reports = []
    for sig in reader.embedded_regular_signatures:
        context = _context(reader, roots, moment)
        try:
            status = await async_validate_pdf_signature(
                sig, signer_validation_context=context, ts_validation_context=context
            )
        except (SignatureValidationError, ValueError, KeyError, PdfError) as exc:
            reports.append(_unreadable(sig, exc))
            continue
        reports.append(_report(reader, sig, status))
    return VerifyReport(tuple(reports))


def verify_pdf(
    pdf: bytes, trust_roots: Sequence[x509.Certificate], *, moment: dt.datetime | None = None
) -> VerifyReport:
    """Check every signature of ``pdf``, trusting only ``trust_roots``, at ``moment`` (now).

    :raises NotAPdfError: the input is not a readable PDF.
    """
    reader = open_pdf(pdf, PdfFileReader)
    roots = [to_asn1(c) for c in trust_roots]
    return asyncio.run(_verify(reader, roots, moment))
