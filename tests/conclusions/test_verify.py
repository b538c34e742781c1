"""The public check: a genuine issued notice, the same with one byte changed, an unknown file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from ecabinet.conclusions import issuing, service
from ecabinet.conclusions.verification import verify_upload
from signing import samples
from tests.conclusions.test_service import signed
from tests.conftest import csrf_token, require_service


@pytest.fixture
def issued(world, keys) -> bytes:
    conclusion = signed(world, keys, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None)
    return service.conclusion_of(world.meeting).issued_pdf


def changed(pdf: bytes) -> bytes:
    """One bit flipped in the first page's content, well inside every signed range."""
    data = bytearray(pdf)
    data[data.index(b"stream\n") + 40] ^= 0x01
    return bytes(data)


def test_genuine_notice_is_valid_and_registered(issued, keys, world):
    result = verify_upload(issued, [keys.root.certificate])
    assert result.valid, result
    assert [s.field for s in result.signatures] == ["signer", "marks", "seal"]
    assert result.signatures[0].signer == "Nguyễn Văn Hùng"
    assert result.conclusion is not None and result.conclusion.number == 1


def test_one_changed_byte_is_caught_and_not_registered(issued, keys, tmp_path):
    result = verify_upload(changed(issued), [keys.root.certificate])
    assert not result.valid and result.conclusion is None
    assert all("not_intact" in s.problems for s in result.signatures)
    pdfsig = shutil.which("pdfsig") or require_service("pdfsig", "poppler-utils checks it too")
    path = tmp_path / "changed.pdf"
    path.write_bytes(changed(issued))
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in out and out.count("Signature Validation:") == 3


def test_unsigned_or_unreadable_files_are_told_apart(app, keys):
    unsigned = verify_upload(samples.two_page_pdf(), [keys.root.certificate])
    assert not unsigned.valid and unsigned.signatures == () and unsigned.error == ""
    assert verify_upload(b"hello", [keys.root.certificate]).error == "not_a_pdf"
    broken = verify_upload(b"%PDF-1.7\n" + b"\x00" * 200, [keys.root.certificate])
    assert broken.error == "not_a_pdf"


def test_verify_page_needs_no_sign_in_and_says_which_notice(client, issued, keys, app):
    folder = app.instance_path + "/signing"
    import pathlib

    pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    (pathlib.Path(folder) / "root-ca.pem").write_bytes(
        keys.root.certificate.public_bytes(serialization.Encoding.PEM))
    page = client.post("/verify", data={"csrf_token": csrf_token(client),
                                        "file": (io.BytesIO(issued), "tb.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Hợp lệ" in page and "01/TB-UBND" in page
    page = client.post("/verify", data={"csrf_token": csrf_token(client),
                                        "file": (io.BytesIO(changed(issued)), "tb.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Không hợp lệ" in page and "không phải" in page.lower()
    response = client.post("/verify", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422


def test_number_and_date_are_written_into_the_blanks(world, keys, tmp_path):
    conclusion = signed(world, keys)
    # 23:30 UTC on 5 March is already 6 March in Hà Nội: the date is Vietnam's
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None,
                             now=dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC))
    path = tmp_path / "issued.pdf"
    path.write_bytes(service.conclusion_of(world.meeting).issued_pdf)
    pdftotext = shutil.which("pdftotext") or require_service("pdftotext", "poppler-utils")
    lines = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    row = next(line for line in lines if "/TB-UBND" in line)
    assert " ".join(row.split()) == "Số: 01 /TB-UBND Thử Nghiệm, ngày 06 tháng 3 năm 2026"
