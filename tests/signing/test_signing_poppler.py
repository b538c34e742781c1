"""Other validators and renderers: poppler's pdfsig (with the root in an NSS database),
pdftotext and pdftoppm on the visible stamps."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from signing import (
    SEAL_FIELD,
    SIGNER_FIELD,
    IssueStamp,
    SealStamp,
    SignerStamp,
    SignRequest,
    attachment_field,
    samples,
    sign_pdf,
    two_step_fields,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

BODY = "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"


@pytest.fixture(scope="module")
def two_step_pdf(pki, fixed_time, tmp_path_factory):
    """The chair signs with a visible stamp and signature image, then the clerk seals."""
    signer_slot, seal_slot = two_step_fields()
    first = sign_pdf(
        samples.two_page_pdf(),
        SignRequest(
            field=SIGNER_FIELD, prepare=(signer_slot, seal_slot), signing_time=fixed_time,
            stamp=SignerStamp(name="Nguyễn Văn An", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                              image_png=samples.signature_png("Nguyễn Văn An")),
        ),
        pki.chair,
    )
    second = sign_pdf(
        first,
        SignRequest(field=SEAL_FIELD, stamp=SealStamp(body=BODY),
                    signing_time=fixed_time + dt.timedelta(minutes=30)),
        pki.seal,
    )
    path = tmp_path_factory.mktemp("two-step") / "notice.pdf"
    path.write_bytes(second)
    return path


def test_pdfsig_reports_both_signatures_valid_trusted(two_step_pdf, pdfsig):
    output, blocks = pdfsig(two_step_pdf)
    assert set(blocks) == {SIGNER_FIELD, SEAL_FIELD}, output
    for block in blocks.values():
        assert "Signature Validation: Signature is Valid." in block
        assert "Certificate Validation: Certificate is Trusted." in block
        assert "Signature Type: ETSI.CAdES.detached" in block
        assert "Signing Hash Algorithm: SHA-256" in block
    assert "Total document signed" in blocks[SEAL_FIELD]
    assert "Not total document signed" in blocks[SIGNER_FIELD]


def test_pdfsig_reports_flipped_byte(two_step_pdf, pdfsig, tmp_path):
    data = bytearray(two_step_pdf.read_bytes())
    data[data.index(b"Conclusion notice, page 1") + 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    output, blocks = pdfsig(tampered)
    assert set(blocks) == {SIGNER_FIELD, SEAL_FIELD}, output
    for block in blocks.values():
        assert "Signature is Valid." not in block
        assert "Digest Mismatch" in block


def test_pdfsig_untrusted_without_root(two_step_pdf, tool, tmp_path):
    certutil, pdfsig = tool("certutil"), tool("pdfsig")
    subprocess.run([certutil, "-N", "-d", f"sql:{tmp_path}", "--empty-password"], check=True)
    output = subprocess.run([pdfsig, "-nssdir", f"sql:{tmp_path}", str(two_step_pdf)],
                            capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." not in output


def _text(tool, pdf, page: int, *extra: str) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-f", str(page), "-l", str(page), *extra, str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout


def test_signer_stamp_text_is_correct_vietnamese(two_step_pdf, tool):
    text = _text(tool, two_step_pdf, 2)
    assert "KT. CHỦ TỊCH" in text
    assert "PHÓ CHỦ TỊCH" in text
    assert "Nguyễn Văn An" in text
    assert "Ký ngày: 2025-03-05T10:15:00+07:00" in text


def test_stamped_page_renders_with_seal_red(two_step_pdf, tool, tmp_path):
    from PIL import Image

    subprocess.run([tool("pdftoppm"), "-r", "50", "-f", "2", "-l", "2", "-png",
                    str(two_step_pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    pixels = [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    blue = sum(1 for r, g, b in pixels if b > 120 and r < 90)
    assert red > 200, "the red seal is missing"
    assert blue > 20, "the blue signature image is missing"


def test_attachment_stamp_top_right_with_number_and_time(pki, fixed_time, tool, pdfsig,
                                                          tmp_path):
    slot = attachment_field()
    out = sign_pdf(samples.two_page_pdf(),
                   SignRequest(field=slot.name, prepare=(slot,), signing_time=fixed_time,
                               stamp=IssueStamp(number="05/TB-UBND")),
                   pki.seal)
    path = tmp_path / "attachment.pdf"
    path.write_bytes(out)
    # crop the top-right quarter of page 1: the stamp must be there
    crop = ["-x", "300", "-y", "0", "-W", "300", "-H", "100", "-r", "72"]
    text = _text(tool, path, 1, *crop)
    assert "05/TB-UBND" in text
    assert "2025-03-05T10:15:00+07:00" in text
    _, blocks = pdfsig(path)
    assert "Signature is Valid." in blocks[slot.name]
