"""The exported PDF carries every kind of annotation with its Vietnamese text, and renders."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid

import pytest
from pypdf import PdfReader

from ecabinet.annotations import service
from ecabinet.annotations.export import export_pdf
from ecabinet.annotations.models import Annotation, Kind
from ecabinet.annotations.schemas import parse_annotation
from ecabinet.core.timeutil import utcnow
from tests.annotations.conftest import payload
from tests.annotations.pdfs import make_pages
from tests.conftest import require_service

TEXTS = {
    "highlight": "Đề nghị Sở Tài chính giải trình khoản chi này",
    "freetext": "Ý kiến: đồng ý về nguyên tắc",
    "ink": "Khoanh vùng số liệu cần kiểm tra",
    "note": "Hỏi lại đồng chí Giám đốc Sở về tiến độ",
}


def row(kind: str, page: int = 1) -> Annotation:
    now = utcnow()
    return Annotation(client_id=str(uuid.uuid4()), kind=Kind(kind), page=page,
                      rects=[[90.0, 700.0, 300.0, 714.0]],
                      paths=[[100.0, 600.0, 140.0, 620.0, 180.0, 600.0]] if kind == "ink" else [],
                      quote="Đoạn 1.2", color="#e91e63", comment=TEXTS[kind],
                      created_at=now, updated_at=now)


def annotations_of(pdf: bytes, page: int = 0) -> dict[str, dict]:
    page_obj = PdfReader(io.BytesIO(pdf)).pages[page]
    found = {}
    for ref in page_obj.get("/Annots", []):
        annotation = ref.get_object()
        found.setdefault(annotation["/Subtype"], annotation)
    return found


def test_every_kind_is_written_with_its_text():
    pdf = export_pdf(make_pages(2), [row(k) for k in TEXTS] + [row("note", page=2)],
                     author="Phạm Quốc Bảo")
    found = annotations_of(pdf)
    assert set(found) == {"/Highlight", "/FreeText", "/Ink", "/Text", "/Popup"}
    assert found["/Highlight"]["/Contents"] == TEXTS["highlight"]
    assert len(found["/Highlight"]["/QuadPoints"]) == 8
    assert found["/FreeText"]["/Contents"] == TEXTS["freetext"]
    assert found["/Ink"]["/Contents"] == TEXTS["ink"]
    assert [float(v) for v in found["/Ink"]["/InkList"][0]] == [100, 600, 140, 620, 180, 600]
    assert found["/Text"]["/Contents"] == TEXTS["note"]
    assert found["/Text"]["/Popup"].get_object()["/Parent"].get_object()["/Contents"] \
        == TEXTS["note"]
    assert all(a["/T"] == "Phạm Quốc Bảo" for a in found.values() if "/T" in a)
    assert set(annotations_of(pdf, 1)) == {"/Text", "/Popup"}


def test_export_appends_to_the_copy_and_renders(tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        require_service("pdftoppm", "Debian package poppler-utils")
    base = make_pages(1)
    pdf = export_pdf(base, [row(k) for k in TEXTS], author="Phạm Quốc Bảo")
    assert pdf.startswith(base)  # an update after the copy: its bytes (and stamp) unchanged
    source = tmp_path / "annotated.pdf"
    source.write_bytes(pdf)
    done = subprocess.run([pdftoppm, "-r", "40", "-png", str(source), str(tmp_path / "page")],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert (tmp_path / "page-1.png").stat().st_size > 1000


@pytest.mark.parametrize("kind", list(TEXTS))
def test_exported_over_http_for_each_kind(app, world, document, kind):
    from tests.conftest import AuthActions

    service.save_annotation(document, world.users["member"], parse_annotation(payload(
        kind=kind, comment=TEXTS[kind], paths=[[100, 600, 150, 620]])))
    client = app.test_client()
    AuthActions(client).login("member")
    response = client.get(f"/documents/{document.id}/annotated.pdf")
    assert response.status_code == 200
    subtype = {"highlight": "/Highlight", "freetext": "/FreeText", "ink": "/Ink",
               "note": "/Text"}[kind]
    assert annotations_of(response.data)[subtype]["/Contents"] == TEXTS[kind]


def test_export_follows_a_file_whose_last_section_is_an_xref_stream():
    import pikepdf

    with pikepdf.open(io.BytesIO(make_pages(2))) as source:
        packed = io.BytesIO()
        source.save(packed, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf = export_pdf(packed.getvalue(), [row(k) for k in TEXTS], author="Phạm Quốc Bảo")
    assert set(annotations_of(pdf)) == {"/Highlight", "/FreeText", "/Ink", "/Text", "/Popup"}
    with pikepdf.open(io.BytesIO(pdf)) as reread:  # qpdf reads the update's xref stream
        assert len(reread.pages[0].Annots) == 5
