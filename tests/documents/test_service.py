"""The documents service without HTTP: uploads, versions, removal, access rules, reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.documents import service, storage
from ecabinet.documents.errors import ConversionUnavailable, WrongState
from ecabinet.documents.permissions import (
    can_manage_documents,
    can_view_document,
)
from ecabinet.documents.service import UploadedFile
from ecabinet.extensions import db
from ecabinet.meetings.models import AgendaItem, MeetingStatus, MeetingUnit
from tests.documents.conftest import make_text_pdf

ROLES = ("member", "secretariat", "chair", "clerk", "admin", "outsider")


def make_document(meeting, actor, *, pages: int = 1, title: str = "To trinh",
                  for_units: bool = False, agenda_item_id: int | None = None):
    """Upload one generated PDF through the service (also used by the authorisation walk)."""
    report = service.upload_documents(
        meeting, [UploadedFile(f"{title}.pdf", make_text_pdf(pages, title))], actor=actor,
        for_units=for_units, agenda_item_id=agenda_item_id)
    assert not report.refused, report.refused
    return report.accepted[0].document


def pypdf_text(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(text: str) -> str:
    """Diagonal text comes out of pdftotext a glyph or two per line; compare without spaces."""
    return "".join(text.split())


def _actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_upload_stores_each_file_once_encrypted(world, app):
    data = make_text_pdf(2)
    report = service.upload_documents(
        world.meeting, [UploadedFile("a.pdf", data), UploadedFile("b.pdf", data)],
        actor=world.users["secretariat"])
    first, second = (a.document.current for a in report.accepted)
    assert first.sha256 == second.sha256 and first.page_count == 2
    stored = storage.read_file(first.sha256)
    assert pypdf_text(stored) == pypdf_text(data) and stored.startswith(b"%PDF")
    files = [p for p in (Path(app.instance_path) / "files").rglob("*") if p.is_file()]
    assert len(files) == 1 and b"%PDF" not in files[0].read_bytes()
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert _actions().count("document.uploaded") == 2


def test_upload_one_bad_among_good_keeps_the_good(world):
    report = service.upload_documents(
        world.meeting, [UploadedFile("good.pdf", make_text_pdf(1)),
                        UploadedFile("../../etc/bad.pdf", b"<html>%PDF-1.7</html>"),
                        UploadedFile("good2.pdf", make_text_pdf(3))],
        actor=world.users["secretariat"])
    assert [a.document.title for a in report.accepted] == ["Good", "Good2"]  # capitalised
    assert [(r.filename, r.reason) for r in report.refused] == [("bad.pdf", "not_pdf")]
    assert "document.refused" in _actions()


def test_upload_strips_active_content_and_says_so(world, parts):
    js = parts.one_page(b"/OpenAction 5 0 R", more={5: b"<< /S /JavaScript /JS (app.alert(1)) >>"})
    report = service.upload_documents(world.meeting, [UploadedFile("js.pdf", js)],
                                      actor=world.users["secretariat"])
    accepted = report.accepted[0]
    assert "javascript" in accepted.stripped
    assert "javascript" in accepted.document.current.stripped
    assert b"/JavaScript" not in storage.read_file(accepted.document.current.sha256)


def test_upload_office_file_without_libreoffice_is_refused_clearly(world, monkeypatch):
    from ecabinet.documents import conversion

    monkeypatch.setattr(conversion, "office_converter", lambda: None)
    report = service.upload_documents(world.meeting, [UploadedFile("bao cao.docx", b"PK\x03\x04")],
                                      actor=world.users["secretariat"])
    assert report.refused[0].reason == "conversion_unavailable"
    assert "Word" in str(report.refused[0].message)
    with pytest.raises(ConversionUnavailable):
        service.convert_to_pdf("x.xlsx", b"PK")


@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\a\\Tờ trình.pdf", "Tờ trình.pdf"),
    ("bad\x00\x1fname\n.pdf", "badname.pdf"),
    ("..", "document.pdf"),
    ("", "document.pdf"),
])
def test_sanitize_filename_keeps_the_basename_only(raw, clean):
    assert service.sanitize_filename(raw) == clean


def test_replace_adds_a_version_and_keeps_the_old(world):
    secretariat = world.users["secretariat"]
    document = make_document(world.meeting, secretariat)
    old_sha = document.current.sha256
    service.replace_document(document, UploadedFile("v2.pdf", make_text_pdf(4)),
                             actor=secretariat, note="Sửa số liệu")
    assert [v.number for v in document.versions] == [1, 2]
    assert document.current.change_note == "Sửa số liệu"
    assert document.current.uploaded_by_id == secretariat.id
    assert storage.has_file(old_sha) and document.versions[0].sha256 == old_sha
    assert "document.replaced" in _actions()


def test_remove_keeps_the_row_and_hides_it_from_readers(world):
    document = make_document(world.meeting, world.users["secretariat"])
    service.remove_document(document, actor=world.users["secretariat"])
    assert document.removed_at is not None
    assert service.documents_for(world.meeting, world.users["member"]) == []
    assert not can_view_document(document, world.users["member"])
    with pytest.raises(WrongState):
        service.remove_document(document, actor=world.users["secretariat"])


def test_manage_refused_when_meeting_is_finished_naming_the_state(world):
    world.meeting.status = MeetingStatus.FINISHED
    db.session.commit()
    assert can_manage_documents(world.meeting, world.users["secretariat"])  # role, not state
    with pytest.raises(WrongState) as refused:
        service.upload_documents(world.meeting, [], actor=world.users["secretariat"])
    from ecabinet.meetings.labels import status_label

    assert status_label(MeetingStatus.FINISHED) in str(refused.value.message)


@pytest.mark.parametrize("role, allowed", [
    ("member", True), ("secretariat", True), ("chair", True), ("clerk", False),
    ("admin", False), ("outsider", False), (None, False)])
def test_can_view_document_participants_and_secretariat(world, role, allowed):
    document = make_document(world.meeting, world.users["secretariat"])
    user = world.users[role] if role else None
    assert can_view_document(document, user) is allowed


def test_invited_clerk_sees_documents_for_units_only_once_published(world):
    secretariat, clerk = world.users["secretariat"], world.users["clerk"]
    db.session.add(MeetingUnit(meeting_id=world.meeting.id,
                               unit_id=world.units["department"].id))
    db.session.commit()
    db.session.refresh(world.meeting)
    for_units = make_document(world.meeting, secretariat, title="Cho don vi", for_units=True)
    internal = make_document(world.meeting, secretariat, title="Noi bo")
    assert can_view_document(for_units, clerk) and not can_view_document(internal, clerk)
    assert [e.document.id for e in service.documents_for(world.meeting, clerk)] == [for_units.id]
    world.meeting.status = MeetingStatus.DRAFT
    db.session.commit()
    assert not can_view_document(for_units, clerk)


def test_member_does_not_see_a_draft_meetings_documents(world):
    document = make_document(world.meeting, world.users["secretariat"])
    world.meeting.status = MeetingStatus.DRAFT
    db.session.commit()
    assert not can_view_document(document, world.users["member"])


def test_documents_for_marks_new_changed_seen_in_agenda_order(world):
    secretariat, member = world.users["secretariat"], world.users["member"]
    first = AgendaItem(meeting_id=world.meeting.id, position=2, title="Hai")
    second = AgendaItem(meeting_id=world.meeting.id, position=1, title="Một")
    db.session.add_all([first, second])
    db.session.commit()
    db.session.refresh(world.meeting)
    loose = make_document(world.meeting, secretariat, title="Khac")
    on_first = make_document(world.meeting, secretariat, title="A", agenda_item_id=first.id)
    on_second = make_document(world.meeting, secretariat, title="B", agenda_item_id=second.id)
    entries = service.documents_for(world.meeting, member)
    assert [e.document.id for e in entries] == [on_second.id, on_first.id, loose.id]
    assert {e.status for e in entries} == {"new"}
    service.record_open(on_first, member)
    service.record_open(loose, member)
    service.replace_document(loose, UploadedFile("k2.pdf", make_text_pdf(2)), actor=secretariat)
    status = {e.document.id: e.status for e in service.documents_for(world.meeting, member)}
    assert status == {on_second.id: "new", on_first.id: "seen", loose.id: "changed"}


def test_record_open_keeps_first_and_updates_last(world):
    member = world.users["member"]
    document = make_document(world.meeting, world.users["secretariat"])
    first = service.record_open(document, member)
    opened = first.first_opened_at
    again = service.record_open(document, member)
    assert again.id == first.id and again.first_opened_at == opened
    assert again.last_opened_at >= opened and again.version_seen == 1
    readers = service.readers_of(world.meeting)
    assert [(u.username, r.version_seen) for u, r in readers[document.id]] == [("member", 1)]


def test_reader_copy_is_watermarked_cached_and_named(world, pdftotext, qpdf_check):
    member = world.users["member"]
    document = make_document(world.meeting, world.users["secretariat"], pages=2)
    copy = service.reader_copy(document, member)
    assert "PhạmQuốcBảo" in squeezed(pdftotext(copy.data, "-raw"))
    qpdf_check(copy.data)
    assert service.reader_copy(document, member) == copy
    assert service.reader_copy(document, world.users["chair"]).etag != copy.etag


def test_reader_copy_is_the_stored_file_and_a_small_update_per_reader(world, pdftotext,
                                                                       qpdf_check):
    """Each reader's stamp, and nobody else's, without a per-reader rewrite of the file."""
    member, chair = world.users["member"], world.users["chair"]
    document = make_document(world.meeting, world.users["secretariat"], pages=3)
    stored = storage.read_file(document.current.sha256)
    copies = {user.username: service.reader_copy(document, user) for user in (member, chair)}
    for username, copy in copies.items():
        data = copy.data
        assert data.startswith(stored) and copy.size == len(data) == len(stored) + copy.tail_size
        qpdf_check(data)
        text = squeezed(pdftotext(data, "-raw"))
        assert text.count(username) == 3  # one stamp on every page
        other = ({"member", "chair"} - {username}).pop()
        assert other not in text
    assert _page_count(copies["member"].data) == 3


def _page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def test_reader_copy_evicted_is_made_again(world, app):
    member = world.users["member"]
    document = make_document(world.meeting, world.users["secretariat"])
    copy = service.reader_copy(document, member)
    storage.trim_cache(limit=0)
    again, stream = service.open_reader_copy(document, member)
    with stream:
        assert stream.read() == again.data
    assert again.etag != copy.etag  # other bytes (the stamp's time, the /ID): another ETag
    assert service.reader_copy(document, member).etag == again.etag


def test_reader_copy_of_a_file_without_an_update_point_is_rewritten_whole(world, pdftotext):
    """A stored file whose end hides its startxref (trailing bytes) still gets its stamp."""
    from ecabinet.core.timeutil import utcnow
    from ecabinet.documents.models import Document, DocumentVersion

    data = make_text_pdf(1, "Odd") + b"%" + b"x" * 4000 + b"\n"
    document = Document(meeting_id=world.meeting.id, title="Odd", position=1)
    document.versions.append(DocumentVersion(
        number=1, sha256=storage.store_file(data), size=len(data), page_count=1,
        filename="odd.pdf", uploaded_at=utcnow()))
    db.session.add(document)
    db.session.commit()
    copy = service.reader_copy(document, world.users["member"])
    assert copy.base is None and "PhạmQuốcBảo" in squeezed(pdftotext(copy.data, "-raw"))


def walk_document_id(world) -> int:
    """The authorisation walk's document on the world's published meeting, made once per world.

    It is stored directly (the file is our own), so the walk does not pay a child process.
    """
    if getattr(world, "document", None) is None:
        from ecabinet.core.timeutil import utcnow
        from ecabinet.documents.models import Document, DocumentVersion

        data = make_text_pdf(1, "Walk")
        document = Document(meeting_id=world.meeting.id, title="Walk", position=1)
        document.versions.append(DocumentVersion(
            number=1, sha256=storage.store_file(data), size=len(data), page_count=1,
            filename="walk.pdf", uploaded_at=utcnow()))
        db.session.add(document)
        db.session.commit()
        world.document = document
    return world.document.id
