"""Signing refuses what would break an earlier signature's field lock (FieldMDP / DocMDP).

The refused signature is not hypothetical: with the check switched off, pyHanko's validator calls
the earlier signature invalid while ``pdfsig`` still says it is valid, so only the refusal keeps
the first signature good.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing import (
    SEAL_FIELD,
    SIGNER_FIELD,
    FieldError,
    FieldSlot,
    LockedFieldError,
    SealStamp,
    SignerStamp,
    SignRequest,
    message,
    samples,
    sign_pdf,
    two_step_fields,
    verify_pdf,
)
from signing.cli import main
from signing.pdfio import to_asn1

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


@pytest.fixture(scope="module")
def chair_signed(pki, fixed_time) -> bytes:
    signer_slot, seal_slot = two_step_fields()
    return sign_pdf(
        samples.two_page_pdf(),
        SignRequest(field=SIGNER_FIELD, prepare=(signer_slot, seal_slot), signing_time=fixed_time,
                    stamp=SignerStamp(name="Nguyễn Văn An", position="CHỦ TỊCH")),
        pki.chair,
    )


def _later(fixed_time, field: str, **kwargs) -> SignRequest:
    return SignRequest(field=field, signing_time=fixed_time + dt.timedelta(minutes=5), **kwargs)


def _pyhanko_bottom_lines(pdf: bytes, pki, moment) -> dict[str, bool]:
    """pyHanko's own validator, field by field (not our wrapper)."""
    reader = PdfFileReader(io.BytesIO(pdf))

    async def run():
        out = {}
        for sig in reader.embedded_regular_signatures:
            context = ValidationContext(trust_roots=[to_asn1(pki.root.certificate)],
                                        moment=moment, allow_fetching=False)
            status = await async_validate_pdf_signature(sig, signer_validation_context=context)
            out[sig.field_name] = status.bottom_line
        return out

    return asyncio.run(run())


def test_sign_new_field_after_locking_signature_is_refused(pki, chair_signed, fixed_time):
    with pytest.raises(LockedFieldError) as caught:
        sign_pdf(chair_signed, _later(fixed_time, "Extra"), pki.chair)
    assert caught.value.field == "Extra" and caught.value.locked_by == SIGNER_FIELD
    assert isinstance(caught.value, FieldError)
    text = message(caught.value.code, "vi", detail=caught.value.detail, **caught.value.params)
    assert "«Extra»" in text and "«signer»" in text and "mất hiệu lực" in text


def test_refused_signature_would_have_broken_the_first_for_pyhanko(
        pki, chair_signed, fixed_time, monkeypatch, tmp_path, pdfsig):
    import signing.sign

    monkeypatch.setattr(signing.sign, "check_locks", lambda *args: None)
    broken = sign_pdf(chair_signed, _later(fixed_time, "Extra"), pki.chair)
    lines = _pyhanko_bottom_lines(broken, pki, fixed_time + dt.timedelta(hours=1))
    assert lines == {SIGNER_FIELD: False, "Extra": True}
    assert not verify_pdf(broken, [pki.root.certificate], moment=fixed_time).signatures[0].ok
    path = tmp_path / "broken.pdf"
    path.write_bytes(broken)
    _, blocks = pdfsig(path)
    # poppler does not look at locks: this is why the signer has to refuse
    assert "Signature is Valid." in blocks[SIGNER_FIELD]


def test_seal_into_the_field_left_free_is_accepted_and_valid_everywhere(
        pki, chair_signed, fixed_time, tmp_path, pdfsig):
    sealed = sign_pdf(chair_signed, _later(fixed_time, SEAL_FIELD, stamp=SealStamp(body="UBND")),
                      pki.seal)
    lines = _pyhanko_bottom_lines(sealed, pki, fixed_time + dt.timedelta(hours=1))
    assert lines == {SIGNER_FIELD: True, SEAL_FIELD: True}
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    _, blocks = pdfsig(path)
    assert all("Signature is Valid." in b for b in blocks.values()) and len(blocks) == 2


def test_any_signature_after_the_seal_locked_all_is_refused(pki, chair_signed, fixed_time):
    sealed = sign_pdf(chair_signed, _later(fixed_time, SEAL_FIELD), pki.seal)
    with pytest.raises(LockedFieldError):
        sign_pdf(sealed, _later(fixed_time, "Later"), pki.seal)


def test_preparing_a_new_field_under_a_lock_is_refused(pki, chair_signed, fixed_time):
    request = _later(fixed_time, SEAL_FIELD, prepare=(FieldSlot("Witness"),))
    with pytest.raises(LockedFieldError) as caught:
        sign_pdf(chair_signed, request, pki.seal)
    assert caught.value.field == "Witness"


def test_second_signature_without_any_lock_is_accepted(pki, fixed_time):
    first = sign_pdf(samples.two_page_pdf(), SignRequest(field="A", signing_time=fixed_time),
                     pki.chair)
    second = sign_pdf(first, _later(fixed_time, "B"), pki.seal)
    report = verify_pdf(second, [pki.root.certificate], moment=fixed_time)
    assert report.ok and [s.field for s in report.signatures] == ["A", "B"]


def test_cli_refuses_locked_field_with_one_line_and_no_output(
        pki, chair_signed, tmp_path, capsys, monkeypatch, passphrase):
    source, out, key = tmp_path / "in.pdf", tmp_path / "out.pdf", tmp_path / "chair.p12"
    source.write_bytes(chair_signed)
    key.write_bytes(pki.chair_p12)
    monkeypatch.setenv("SIGNING_PASSPHRASE", passphrase.decode())
    code = main(["--lang", "en", "sign", str(source), str(out), "--p12", str(key),
                 "--field", "Extra"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.strip().splitlines() == [
        "Refused to sign the field 'Extra': the signature in 'signer' locked it, and signing "
        "would make that signature invalid"
    ]
