"""Document pages through HTTP: uploads good and hostile, access, ranges, ETags, packets."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.documents.models import Document
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from tests.conftest import csrf_token
from tests.documents.conftest import make_text_pdf
from tests.documents.test_pdfcheck import _encrypted, _with_attachment, _zeros_deflated
from tests.documents.test_service import make_document, squeezed


def _upload(client, meeting_id: int, *files: tuple[str, bytes], **form):
    data = {"csrf_token": csrf_token(client), **form,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/meetings/{meeting_id}/documents", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def _documents() -> list[Document]:
    db.session.expire_all()
    return list(db.session.execute(select(Document).order_by(Document.id)).scalars())


def test_upload_several_files_one_bad_keeps_the_good(world, client, auth):
    auth.login("secretariat")
    response = _upload(client, world.meeting.id, ("Tờ trình.pdf", make_text_pdf(2)),
                       ("giả.pdf", b"MZ\x90\x00 not a pdf"), ("Báo cáo.pdf", make_text_pdf(1)))
    assert response.status_code == 200
    assert [d.title for d in _documents()] == ["Tờ trình", "Báo cáo"]
    text = response.get_data(as_text=True)
    assert "giả.pdf" in text and "không phải là tài liệu PDF" in text.replace("Tệp ", "")
    assert "Tờ trình" in text  # listed in the partial


@pytest.mark.parametrize("role", ["member", "chair", "clerk", "admin", "outsider"])
def test_upload_forbidden_to_others(world, client, auth, role):
    auth.login(role)
    response = _upload(client, world.meeting.id, ("a.pdf", make_text_pdf(1)))
    # who sees the meeting is refused (403); to anyone else it does not exist (404)
    assert response.status_code == (403 if role in ("member", "chair") else 404)
    assert _documents() == []
    last = db.session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalar()
    assert last.action == "access.denied"


def _bomb() -> bytes:
    from tests.documents.conftest import one_page, stream

    return one_page(more={4: stream(zlib.compress(_zeros_deflated(1024), 9),
                                    b"/Filter [/FlateDecode /FlateDecode]")})


HOSTILE = {
    "renamed.pdf": (lambda: b"PK\x03\x04 a zip file", "không phải là tài liệu PDF"),
    "page.pdf": (lambda: b"<html><body>%PDF-1.7</body></html>", "không phải là tài liệu PDF"),
    "cut.pdf": (lambda: make_text_pdf(3)[:700], "bị hỏng"),
    "bomb.pdf": (_bomb, "quá phức tạp"),
    "locked.pdf": (lambda: _encrypted(make_text_pdf(1), "secret"), "mật khẩu"),
    "empty.pdf": (lambda: b"", "Tệp rỗng."),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_refused_and_server_answers(world, client, auth, name):
    build, words = HOSTILE[name]
    auth.login("secretariat")
    response = _upload(client, world.meeting.id, (name, build()))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and name in text and words in text
    assert _documents() == []
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("name, kind", [("script.pdf", "JavaScript"),
                                        ("attached.pdf", "tệp đính kèm")])
def test_active_content_stripped_with_a_message(world, client, auth, parts, name, kind):
    if name == "script.pdf":
        data = parts.one_page(b"/OpenAction 5 0 R",
                              more={5: b"<< /S /JavaScript /JS (app.alert(1)) >>"})
    else:
        data = _with_attachment(make_text_pdf(1))
    auth.login("secretariat")
    text = _upload(client, world.meeting.id, (name, data)).get_data(as_text=True)
    assert len(_documents()) == 1 and kind in text and name in text


def test_upload_name_with_path_parts_keeps_basename(world, client, auth):
    auth.login("secretariat")
    _upload(client, world.meeting.id, ("../../../etc/Tờ trình\x07.pdf", make_text_pdf(1)))
    assert _documents()[0].current.filename == "Tờ trình.pdf"


def test_upload_over_the_limit_names_it_and_stays_on_the_form(world, client, auth, app):
    auth.login("secretariat")
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = _upload(client, world.meeting.id,
                       ("big.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024 + 10)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == f"/meetings/{world.meeting.id}"
    assert "giới hạn tải lên 2 MB" in page and 'action="/meetings/' in page  # the upload form
    assert f'data-max-bytes="{2 * 1024 * 1024}"' in page  # the browser checks the same limit
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024 * 1024
    assert client.get("/healthz").status_code == 200


def test_upload_office_file_without_converter_says_so(world, client, auth, monkeypatch):

    from ecabinet.documents import conversion

    monkeypatch.setattr(conversion, "office_converter", lambda: None)
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.meeting.id}/documents").get_data(as_text=True)
    assert "Word" not in page and 'accept=".pdf,application/pdf"' in page
    text = _upload(client, world.meeting.id, ("Báo cáo.docx", b"PK\x03\x04")).get_data(
        as_text=True)
    assert "Báo cáo.docx" in text and "PDF" in text and _documents() == []


def test_file_served_with_ranges_and_etag(world, client, auth, qpdf_check, pdftotext):
    document = make_document(world.meeting, world.users["secretariat"], pages=3)
    auth.login("member")
    whole = client.get(f"/documents/{document.id}/file")
    assert whole.status_code == 200 and whole.mimetype == "application/pdf"
    assert whole.headers["Cache-Control"] == "private, no-store"  # security item 5
    assert whole.headers["Content-Disposition"].startswith("inline")
    assert whole.headers["Accept-Ranges"] == "bytes"
    etag = whole.headers["ETag"]
    assert not etag.startswith("W/")
    body = whole.data
    qpdf_check(body)
    assert "PhạmQuốcBảo" in squeezed(pdftotext(body, "-raw"))
    part = client.get(f"/documents/{document.id}/file", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == body[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(body)}"
    again = client.get(f"/documents/{document.id}/file", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("role", ["clerk", "admin", "outsider"])
def test_file_and_viewer_forbidden_to_outsiders(world, client, auth, role):
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login(role)
    assert client.get(f"/documents/{document.id}/file").status_code == 404
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert client.get(f"/documents/{document.id + 1000}").status_code == 404


def test_viewer_records_the_read_and_secretariat_sees_it(world, client, auth):
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login("member")
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'<meta name="viewer-file" content="/documents/{document.id}/file">' in page
    assert "<script>" not in page and " style=" not in page and "onclick" not in page
    auth.logout()
    auth.login("secretariat")
    listing = client.get(f"/meetings/{world.meeting.id}/documents").get_data(as_text=True)
    assert "Phạm Quốc Bảo" in listing


def test_viewer_page_starts_the_worker_and_the_file_from_its_head(world, client, auth):
    """opening.js (async, no imports) starts PDF.js's worker and the copy's first bytes, and
    document.js (async) opens it in PDF.js, before the viewer's own modules have loaded; the
    page says where the file and the worker are, with no inline script."""
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login("member")
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    head = page[:page.index("</head>")]
    opening = '<script type="module" async src="/static/js/viewer/opening.js"></script>'
    assert opening in head
    assert head.index(opening) < head.index('src="/static/js/viewer.js"')
    document_js = '<script type="module" async src="/static/js/viewer/document.js"></script>'
    assert head.index(opening) < head.index(document_js) < head.index('src="/static/js/viewer.js"')
    assert head.index('<meta name="viewer-file"') < head.index(opening)
    assert head.index('<meta name="viewer-worker"') < head.index(opening)
    assert ('<meta name="viewer-worker" content="/static/vendor/pdfjs/pdf.worker.min.mjs">'
            in head)


def test_member_sees_new_then_seen_badge(world, client, auth):
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login("member")
    listing = client.get(f"/meetings/{world.meeting.id}/documents").get_data(as_text=True)
    assert "status-new" in listing
    client.get(f"/documents/{document.id}")
    listing = client.get(f"/meetings/{world.meeting.id}/documents").get_data(as_text=True)
    assert "status-seen" in listing and "status-new" not in listing


def test_replace_and_remove_through_the_web(world, client, auth):
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login("secretariat")
    client.post(f"/documents/{document.id}/replace", content_type="multipart/form-data",
                data={"csrf_token": csrf_token(client), "note": "Bản sửa",
                      "file": (io.BytesIO(make_text_pdf(2)), "v2.pdf")})
    assert [v.number for v in _documents()[0].versions] == [1, 2]
    client.post(f"/documents/{document.id}/remove", data={"csrf_token": csrf_token(client)})
    assert _documents()[0].removed_at is not None


def test_packet_download_has_bookmarks(world, client, auth, qpdf_check):
    make_document(world.meeting, world.users["secretariat"], title="Mot", pages=2)
    make_document(world.meeting, world.users["secretariat"], title="Hai", pages=1)
    auth.login("member")
    response = client.get(f"/meetings/{world.meeting.id}/packet")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    qpdf_check(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 3
    children = [o for o in reader.outline if isinstance(o, list)]
    assert [o.title for o in children[-1]] == ["Mot", "Hai"]  # under "Other documents"


def test_confidential_meeting_no_packet_no_download_unless_allowed(world, client, auth):
    document = make_document(world.meeting, world.users["secretariat"])
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    auth.login("member")
    assert client.get(f"/meetings/{world.meeting.id}/packet").status_code == 403
    assert client.get(f"/documents/{document.id}/file?download=1").status_code == 403
    assert client.get(f"/documents/{document.id}/file").status_code == 200  # read in browser
    listing = client.get(f"/meetings/{world.meeting.id}/documents").get_data(as_text=True)
    assert "download=1" not in listing and "/packet" not in listing
    world.meeting.allow_downloads = True
    db.session.commit()
    assert client.get(f"/meetings/{world.meeting.id}/packet").status_code == 200
    response = client.get(f"/documents/{document.id}/file?download=1")
    assert response.status_code == 200
    assert re.match(r"attachment", response.headers["Content-Disposition"])


def test_new_document_after_publishing_notifies_participants(world, client, auth):
    from ecabinet.notify.models import Notification

    auth.login("secretariat")
    _upload(client, world.meeting.id, ("Tờ trình bổ sung.pdf", make_text_pdf(1)))
    told = db.session.execute(select(Notification).where(Notification.kind == "meeting_changed"))
    notes = told.scalars().all()
    assert {n.user_id for n in notes} >= {world.users["member"].id, world.users["chair"].id}
    assert all("Tờ trình bổ sung" in n.params for n in notes)


def test_document_in_a_draft_meeting_notifies_nobody(world, client, auth):
    from ecabinet.notify.models import Notification

    auth.login("secretariat")
    world.submitted.status = world.submitted.status.DRAFT
    db.session.commit()
    _upload(client, world.submitted.id, ("Dự thảo.pdf", make_text_pdf(1)))
    assert db.session.execute(select(Notification)).scalars().all() == []


def test_every_document_response_is_no_store(world, client, auth):
    document = make_document(world.meeting, world.users["secretariat"])
    auth.login("member")
    for url in (f"/documents/{document.id}", f"/documents/{document.id}/file",
                f"/documents/{document.id}/file?download=1",
                f"/meetings/{world.meeting.id}/documents"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url


def test_secretariat_renames_a_document_and_participants_are_told(world, client, auth):
    from ecabinet.notify.models import Notification

    document = make_document(world.meeting, world.users["secretariat"], title="du thao")
    auth.login("secretariat")
    client.post(f"/documents/{document.id}/title",
                data={"csrf_token": csrf_token(client), "title": "Dự thảo nghị quyết"})
    assert _documents()[0].title == "Dự thảo nghị quyết"
    notes = db.session.execute(select(Notification).where(
        Notification.kind == "meeting_changed")).scalars().all()
    assert world.users["member"].id in {n.user_id for n in notes}
    assert all("Dự thảo nghị quyết" in n.params for n in notes)
    page = client.post(f"/documents/{document.id}/title", follow_redirects=True,
                       data={"csrf_token": csrf_token(client), "title": "  "})
    assert "Dự thảo nghị quyết" == _documents()[0].title
    assert "Tiêu đề" in page.get_data(as_text=True)


def test_upload_title_from_file_name_or_pdf_metadata(world, client, auth):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_text_pdf(1))))
    writer.add_metadata({"/Title": "Báo cáo kinh tế - xã hội quý IV"})
    with_title = io.BytesIO()
    writer.write(with_title)
    auth.login("secretariat")
    _upload(client, world.meeting.id, ("du-thao_nghi-quyet.pdf", make_text_pdf(1)),
            ("bc.pdf", with_title.getvalue()),
            ("Tờ trình kinh tế - xã hội.pdf", make_text_pdf(1)))
    assert [d.title for d in _documents()] == ["Du thao nghi quyet",
                                               "Báo cáo kinh tế - xã hội quý IV",
                                               "Tờ trình kinh tế - xã hội"]


def test_javascript_link_is_stripped_from_the_stored_copy(world, client, auth, parts):
    from ecabinet.documents import storage

    link = (b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
            b"/A << /S /URI /URI (JavaScript:app.alert\\(1\\)) >> >>")
    data = parts.one_page(page_extra=b"/Annots [5 0 R]", more={5: link})
    auth.login("secretariat")
    text = _upload(client, world.meeting.id, ("link.pdf", data)).get_data(as_text=True)
    stored = storage.read_file(_documents()[0].current.sha256)
    assert b"JavaScript:" not in stored and b"/URI" not in stored
    assert "JavaScript" in text


def _scan_like_pdf(pages: int, side: int = 300) -> bytes:
    """Pages each holding an incompressible image, so the file spans many 64 KiB segments."""
    import random

    from tests.documents.conftest import assemble, stream

    rng = random.Random(7)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    kids = []
    for n in range(pages):
        page, content, image = 3 + 3 * n, 4 + 3 * n, 5 + 3 * n
        kids.append(page)
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                         b"<< /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>" % (image, content))
        objects[content] = stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
        objects[image] = stream(zlib.compress(rng.randbytes(side * side), 1),
                                b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                b"/ColorSpace /DeviceGray /BitsPerComponent 8 "
                                b"/Filter /FlateDecode" % (side, side))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), pages)
    return assemble(objects)


def test_large_file_ranges_are_exact_and_bad_ranges_get_416(world, client, auth):
    auth.login("secretariat")
    _upload(client, world.meeting.id, ("scan.pdf", _scan_like_pdf(6)))
    document = _documents()[0]
    auth.login("member")
    url = f"/documents/{document.id}/file"
    body = client.get(url).data
    assert len(body) > 6 * 90_000
    segment = 64 * 1024
    for start, end in ((0, segment - 1), (segment - 5, 2 * segment + 4),
                       (len(body) - 300, len(body) - 1)):
        part = client.get(url, headers={"Range": f"bytes={start}-{end}"})
        assert part.status_code == 206 and part.data == body[start:end + 1]
        assert part.headers["Content-Range"] == f"bytes {start}-{end}/{len(body)}"
        assert part.headers["Content-Length"] == str(end - start + 1)
    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == body[-100:]
    for bad in (f"bytes={len(body)}-", f"bytes={len(body) + 10}-{len(body) + 20}"):
        refused = client.get(url, headers={"Range": bad})
        assert refused.status_code == 416
        assert refused.headers["Content-Range"] == f"bytes */{len(body)}"
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another"'})
    assert stale.status_code == 200 and stale.data == body  # changed since: the whole copy
