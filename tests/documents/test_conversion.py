"""Word and Excel uploads become PDFs through LibreOffice in the limited child."""

from __future__ import annotations

import io
import os

import pytest

from ecabinet.documents import conversion, service
from ecabinet.documents.service import UploadedFile
from tests.documents.test_service import squeezed


@pytest.fixture
def libreoffice():
    if conversion.office_converter() is None:
        message = "LibreOffice is not installed (Debian: libreoffice-writer-nogui, -calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Dự thảo nghị quyết về giải ngân vốn đầu tư công")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Kế hoạch giải ngân"
    book.active["B2"] = "Phường Thành Sen"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_upload_docx_and_xlsx_become_checked_pdfs(world, libreoffice, pdftotext):
    from ecabinet.documents import storage

    report = service.upload_documents(
        world.meeting, [UploadedFile("du-thao.docx", _docx()), UploadedFile("ke-hoach.xlsx",
                                                                           _xlsx())],
        actor=world.users["secretariat"])
    assert report.refused == []
    texts = [squeezed(pdftotext(storage.read_file(a.document.current.sha256)))
             for a in report.accepted]
    assert "giảingânvốnđầutưcông" in texts[0]
    assert "Kếhoạchgiảingân" in texts[1] and "PhườngThànhSen" in texts[1]
    assert [a.document.current.filename for a in report.accepted] == ["du-thao.docx",
                                                                      "ke-hoach.xlsx"]


def test_broken_office_file_is_refused_by_name(world, libreoffice):
    report = service.upload_documents(world.meeting, [UploadedFile("hong.docx", b"PK\x03\x04")],
                                      actor=world.users["secretariat"])
    assert report.accepted == [] and report.refused[0].filename == "hong.docx"
    assert report.refused[0].reason in ("conversion_failed", "malformed", "not_pdf")
