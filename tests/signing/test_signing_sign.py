"""Sign and verify with the development CA: B-B, tampering, two-step, bad input, PDF/A."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import (
    SEAL_FIELD,
    SIGNER_FIELD,
    CertificateExpiredError,
    Change,
    FieldError,
    Level,
    NotAPdfError,
    SealStamp,
    SignerStamp,
    SignRequest,
    WrongPassphraseError,
    devca,
    load_pkcs12,
    samples,
    sign_pdf,
    two_step_fields,
    verify_pdf,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


@pytest.fixture(scope="module")
def signed(pki, fixed_time) -> bytes:
    return sign_pdf(samples.two_page_pdf(), SignRequest(signing_time=fixed_time), pki.chair)


def two_step(pki, fixed_time) -> bytes:
    signer_slot, seal_slot = two_step_fields()
    first = sign_pdf(
        samples.two_page_pdf(),
        SignRequest(
            field=SIGNER_FIELD, prepare=(signer_slot, seal_slot), signing_time=fixed_time,
            stamp=SignerStamp(name="Nguyễn Văn An", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        ),
        pki.chair,
    )
    return sign_pdf(
        first,
        SignRequest(field=SEAL_FIELD, stamp=SealStamp(body="ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"),
                    signing_time=fixed_time + dt.timedelta(minutes=30)),
        pki.seal,
    )


def flip_byte(pdf: bytes, marker: bytes) -> bytes:
    """Change one bit inside the signed content, well away from the signature value."""
    data = bytearray(pdf)
    position = data.index(marker) + 3
    data[position] ^= 0x01
    return bytes(data)


def test_sign_invisible_verifies_intact_trusted_whole_file(pki, signed, fixed_time):
    report = verify_pdf(signed, [pki.root.certificate], moment=fixed_time)
    assert report.ok
    (sig,) = report.signatures
    assert (sig.intact, sig.trusted, sig.covers_whole_file) == (True, True, True)
    assert sig.signer == "Nguyễn Văn An"
    assert sig.chain == ("eCabinet Development Root CA", "Nguyễn Văn An")
    assert sig.signing_time == fixed_time
    assert sig.level is Level.B_B
    assert sig.timestamp is None


def test_sign_writes_pades_subfilter_and_sha256(signed):
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_regular_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.md_algorithm == "sha256"
    assert embedded.signer_cert.public_key.algorithm == "rsa"
    assert embedded.signer_cert.public_key.bit_size == 2048


def test_verify_flipped_byte_reports_not_intact(pki, signed, fixed_time):
    tampered = flip_byte(signed, b"Conclusion notice, page 2")
    report = verify_pdf(tampered, [pki.root.certificate], moment=fixed_time)
    assert not report.ok
    assert report.signatures[0].problems == ("not_intact",)
    assert not report.signatures[0].intact


def test_verify_unknown_root_reports_untrusted(signed, fixed_time):
    other = devca.create_root(common_name="Some Other Root")
    report = verify_pdf(signed, [other.certificate], moment=fixed_time)
    assert not report.ok
    sig = report.signatures[0]
    assert sig.intact and not sig.trusted
    assert sig.problems == ("untrusted",)


def test_verify_unsigned_pdf_is_not_ok(pki):
    report = verify_pdf(samples.two_page_pdf(), [pki.root.certificate])
    assert report.signatures == () and not report.ok


def test_two_step_signer_then_seal_both_valid(pki, fixed_time):
    report = verify_pdf(two_step(pki, fixed_time), [pki.root.certificate], moment=fixed_time)
    assert report.ok, report
    first, second = report.signatures
    assert (first.field, second.field) == (SIGNER_FIELD, SEAL_FIELD)
    assert first.change_after is Change.FORM_FILLING and first.change_permitted
    assert not first.covers_whole_file
    assert second.covers_whole_file
    assert second.signer == "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"


def test_two_step_fields_exist_before_first_signature_with_locks(pki, fixed_time):
    signer_slot, seal_slot = two_step_fields()
    first = sign_pdf(samples.two_page_pdf(),
                     SignRequest(field=SIGNER_FIELD, prepare=(signer_slot, seal_slot),
                                 signing_time=fixed_time), pki.chair)
    reader = PdfFileReader(io.BytesIO(first))
    (embedded,) = reader.embedded_regular_signatures
    acroform = reader.root["/AcroForm"]
    fields = {f["/T"]: f for f in (ref.get_object() for ref in acroform["/Fields"])}
    assert set(fields) == {SIGNER_FIELD, SEAL_FIELD}
    assert "/V" not in fields[SEAL_FIELD]
    lock = fields[SIGNER_FIELD]["/Lock"]
    assert lock["/Action"] == "/Exclude" and list(lock["/Fields"]) == [SEAL_FIELD]
    assert lock["/P"] == 2
    # the first signature covers the whole file, so it covers the empty seal field too
    assert embedded.evaluate_signature_coverage().name == "ENTIRE_FILE"
    assert fields[SEAL_FIELD]["/Lock"]["/Action"] == "/All"


def test_annotation_after_signing_is_reported_as_a_change(pki, signed, fixed_time):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    from pyhanko.pdf_utils import generic

    page_ref = writer.root["/Pages"]["/Kids"][0]
    annot = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Text"),
        generic.NameObject("/Rect"): generic.ArrayObject(map(generic.NumberObject,
                                                              (10, 10, 30, 30))),
        generic.NameObject("/Contents"): generic.TextStringObject("ghi chú"),
    }))
    page = page_ref.get_object()
    page[generic.NameObject("/Annots")] = generic.ArrayObject([annot])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), [pki.root.certificate], moment=fixed_time)
    sig = report.signatures[0]
    assert sig.intact and sig.trusted
    assert sig.change_after is Change.ANNOTATIONS
    assert sig.problems == ("changed_after",)
    assert not report.ok


def test_sign_with_expired_certificate_is_refused(pki):
    with pytest.raises(CertificateExpiredError):
        sign_pdf(samples.two_page_pdf(), SignRequest(), pki.expired)


def test_sign_not_a_pdf_is_refused(pki):
    with pytest.raises(NotAPdfError):
        sign_pdf(b"this is no pdf", SignRequest(), pki.chair)


def test_sign_truncated_pdf_is_refused(pki):
    with pytest.raises(NotAPdfError):
        sign_pdf(b"%PDF-1.7\n1 0 obj << >> endobj\n", SignRequest(), pki.chair)


def test_load_pkcs12_wrong_passphrase_is_refused(pki):
    with pytest.raises(WrongPassphraseError):
        load_pkcs12(pki.chair_p12, b"wrong")


def test_sign_field_already_signed_is_refused(pki, signed, fixed_time):
    with pytest.raises(FieldError):
        sign_pdf(signed, SignRequest(signing_time=fixed_time), pki.seal)


def test_sign_rsa_keeps_pdfa2b_catalog(pki, fixed_time):
    out = sign_pdf(samples.pdfa_pdf(), SignRequest(signing_time=fixed_time), pki.chair)
    reader = PdfFileReader(io.BytesIO(out))
    root = reader.root
    assert out.startswith(b"%PDF-1.7")
    assert "/Version" not in root
    assert len(root["/OutputIntents"]) == 1
    xmp = root["/Metadata"].get_object().data.decode()
    # pyHanko rewrites the XMP packet, with the identification as attributes
    assert re.search(r'pdfaid:part(="2"|>2<)', xmp)
    assert re.search(r'pdfaid:conformance(="B"|>B<)', xmp)
    assert verify_pdf(out, [pki.root.certificate], moment=fixed_time).ok


def test_sign_ecdsa_verifies_but_raises_version_to_2_0(pki, fixed_time):
    out = sign_pdf(samples.pdfa_pdf(), SignRequest(signing_time=fixed_time), pki.ecdsa)
    assert pki.ecdsa.key_algorithm == "ecdsa"
    assert verify_pdf(out, [pki.root.certificate], moment=fixed_time).ok
    assert PdfFileReader(io.BytesIO(out)).root["/Version"] == "/2.0"
