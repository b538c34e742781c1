"""Every rule and write about a meeting's documents: upload, versions, removal, reads, copies.

Uploads are hostile until :func:`~ecabinet.documents.pdfcheck.sanitize_pdf` (a limited child
process) says otherwise; only then are they stored and watermarked in this process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.documents.errors import (
    ConversionUnavailable,
    DocumentNotFound,
    DownloadsNotAllowed,
    UploadRefused,
    WrongState,
)
from ecabinet.documents.models import Document, DocumentRead, DocumentVersion
from ecabinet.documents.packet import AgendaEntry, PacketDocument, build_packet
from ecabinet.documents.pdfcheck import (
    ACTIVE_KIND_LABELS,
    REASON_MESSAGES,
    PdfLimits,
    PdfRefusedError,
    sanitize_pdf,
)
from ecabinet.documents.permissions import (
    CLOSED,
    can_download_packet,
    can_view_document,
    meeting_of,
)
from ecabinet.documents.watermark import WatermarkStyle, stamp_text, watermark_pdf
from ecabinet.extensions import db
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import Meeting

OFFICE_EXTENSIONS = frozenset({".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rtf"})
CONVERSION_TIMEOUT = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")


@dataclass(frozen=True)
class UploadedFile:
    """One file as the browser sent it: the name is untrusted, the bytes unchecked."""

    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class RefusedFile:
    filename: str
    reason: str
    """Stable code: a pdfcheck reason, ``conversion_unavailable`` or ``conversion_failed``."""
    message: str
    """Why, in the reader's language (lazy)."""


@dataclass(frozen=True)
class AcceptedFile:
    document: Document
    stripped: tuple[str, ...] = ()
    """Kinds of active content removed from the stored copy (see ACTIVE_KIND_LABELS)."""


@dataclass
class UploadReport:
    accepted: list[AcceptedFile] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentEntry:
    """One document as a reader sees it in the meeting's list."""

    document: Document
    version: DocumentVersion
    status: Literal["new", "changed", "seen"]
    agenda_item_id: int | None


@dataclass(frozen=True)
class ReaderCopy:
    """A reader's watermarked copy of one version; ``etag`` changes with version and reader."""

    data: bytes = field(repr=False)
    etag: str
    filename: str


# ---- names and conversion -----------------------------------------------------------------

def sanitize_filename(name: str) -> str:
    """Keep the basename only, without control or path characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    return name[:200] or "document.pdf"


def title_from_filename(filename: str) -> str:
    stem = os.path.splitext(filename)[0].replace("_", " ").strip()
    return stem[:300] or filename


def office_converter() -> str | None:
    """Path of LibreOffice's command, when the server has it."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(upload: UploadedFile, *, timeout: float = CONVERSION_TIMEOUT) -> bytes:
    """Convert a Word/Excel/OpenDocument file to PDF with LibreOffice in a throw-away profile.

    :raises ConversionUnavailable: when LibreOffice is not installed.
    :raises UploadRefused: when the conversion fails or takes too long.
    """
    command = office_converter()
    if command is None:
        raise ConversionUnavailable(
            _l("Word and Excel files cannot be converted on this server; upload a PDF instead."),
            filename=upload.filename, reason="conversion_unavailable")
    with tempfile.TemporaryDirectory(prefix="ecabinet-convert-") as tmp:
        source = Path(tmp) / ("input" + os.path.splitext(upload.filename)[1].lower())
        source.write_bytes(upload.data)
        try:
            subprocess.run(  # noqa: S603 - fixed program, no shell, our own arguments
                [command, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/p",
                 "--convert-to", "pdf", "--outdir", tmp, str(source)],
                capture_output=True, timeout=timeout, check=False, cwd=tmp)
        except subprocess.TimeoutExpired:
            pass
        result = source.with_suffix(".pdf")
        if not result.exists():
            raise UploadRefused(_l("The file could not be converted to PDF."),
                                filename=upload.filename, reason="conversion_failed")
        return result.read_bytes()


def _checked_pdf(upload: UploadedFile) -> tuple[bytes, int, tuple[str, ...]]:
    """Convert when needed, then sanitise in the child: (pdf, pages, stripped kinds).

    :raises UploadRefused: naming the file and the reason.
    """
    data = upload.data
    if os.path.splitext(upload.filename)[1].lower() in OFFICE_EXTENSIONS:
        data = convert_to_pdf(upload)
    limits = PdfLimits(max_bytes=int(current_app.config.get("MAX_CONTENT_LENGTH")
                                     or PdfLimits.max_bytes))
    try:
        checked = sanitize_pdf(data, limits=limits)
    except PdfRefusedError as exc:
        reason = REASON_MESSAGES[exc.code]  # msgids, already in the catalogue
        raise UploadRefused(_l(reason), filename=upload.filename,
                            reason=exc.code) from exc
    return checked.pdf, checked.result.page_count or 0, checked.result.stripped


def stripped_labels(kinds: Iterable[str]) -> list:
    """What was stripped, in the reader's language."""
    english = ACTIVE_KIND_LABELS["en"]  # msgids, already in the catalogue through pdfcheck
    return [_l(english[kind]) for kind in kinds]


# ---- writes -------------------------------------------------------------------------------

def _require_open(meeting: Meeting) -> None:
    """:raises WrongState: naming the state, once the meeting is cancelled or finished."""
    if meeting.status in CLOSED:
        raise WrongState(_l("Documents cannot be changed while the meeting is %(state)s.",
                            state=status_label(meeting.status)))


def _new_version(document: Document, upload: UploadedFile, pdf: bytes, pages: int,
                 stripped: tuple[str, ...], actor: User | None, note: str) -> DocumentVersion:
    version = DocumentVersion(
        number=len(document.versions) + 1, sha256=storage.store_file(pdf), size=len(pdf),
        page_count=pages, filename=upload.filename, change_note=note[:2000],
        stripped=",".join(stripped), uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=utcnow())
    document.versions.append(version)
    return version


def upload_documents(meeting: Meeting, files: Sequence[UploadedFile], *, actor: User | None,
                     agenda_item_id: int | None = None, for_units: bool = False) -> UploadReport:
    """Store each acceptable file as a new document; refuse the others one by one.

    A bad file never costs the good ones of the same upload.

    :raises WrongState: when the meeting's documents cannot be changed.
    :raises DocumentError: when the agenda item is not one of the meeting's.
    """
    _require_open(meeting)
    if agenda_item_id is not None and agenda_item_id not in {i.id for i in meeting.agenda}:
        raise WrongState(_l("That agenda item is not part of this meeting."))
    report = UploadReport()
    position = len(_documents(meeting, include_removed=True))
    for raw in files:
        upload = UploadedFile(sanitize_filename(raw.filename), raw.data)
        try:
            pdf, pages, stripped = _checked_pdf(upload)
        except UploadRefused as refusal:
            report.refused.append(RefusedFile(upload.filename, refusal.reason, refusal.message))
            audit.record("document.refused", actor=actor, object_type="meeting",
                         object_id=meeting.id,
                         details={"filename": upload.filename, "reason": refusal.reason})
            continue
        position += 1
        document = Document(meeting_id=meeting.id, agenda_item_id=agenda_item_id,
                            position=position, title=title_from_filename(upload.filename),
                            for_units=for_units, created_by_id=getattr(actor, "id", None))
        db.session.add(document)
        version = _new_version(document, upload, pdf, pages, stripped, actor, "")
        db.session.flush()
        audit.record("document.uploaded", actor=actor, object_type="document",
                     object_id=document.id,
                     details={"meeting_id": meeting.id, "filename": upload.filename,
                              "sha256": version.sha256, "pages": pages,
                              "stripped": list(stripped), "for_units": for_units})
        report.accepted.append(AcceptedFile(document, stripped))
    db.session.commit()
    return report


def replace_document(document: Document, upload: UploadedFile, *, actor: User | None,
                     note: str = "") -> AcceptedFile:
    """Add a new version; the old ones stay, so readers see what changed.

    :raises WrongState: when the document is removed or the meeting is over.
    :raises UploadRefused: when the new file is refused.
    """
    meeting = meeting_of(document)
    _require_open(meeting)
    if document.removed_at is not None:
        raise WrongState(_l("Document %(id)s was removed; upload it again instead.",
                            id=document.id))
    upload = UploadedFile(sanitize_filename(upload.filename), upload.data)
    pdf, pages, stripped = _checked_pdf(upload)
    version = _new_version(document, upload, pdf, pages, stripped, actor, note.strip())
    db.session.flush()
    audit.record("document.replaced", actor=actor, object_type="document", object_id=document.id,
                 details={"version": version.number, "filename": upload.filename,
                          "sha256": version.sha256, "note": version.change_note})
    db.session.commit()
    return AcceptedFile(document, stripped)


def remove_document(document: Document, *, actor: User | None) -> None:
    """Hide a document from readers; the row and its files stay for the audit trail.

    :raises WrongState: when the meeting is over or the document already removed.
    """
    _require_open(meeting_of(document))
    if document.removed_at is not None:
        raise WrongState(_l("Document %(id)s was already removed.", id=document.id))
    document.removed_at = utcnow()
    audit.record("document.removed", actor=actor, object_type="document", object_id=document.id,
                 details={"title": document.title})
    db.session.commit()


def record_open(document: Document, user: User) -> DocumentRead:
    """Remember that the user opened the document's current version (first and last time)."""
    now = utcnow()
    read = db.session.execute(select(DocumentRead).where(
        DocumentRead.document_id == document.id, DocumentRead.user_id == user.id)).scalar()
    number = document.current.number if document.current else 0
    if read is None:
        read = DocumentRead(document_id=document.id, user_id=user.id, version_seen=number,
                            first_opened_at=now, last_opened_at=now)
        db.session.add(read)
    else:
        read.version_seen, read.last_opened_at = max(read.version_seen, number), now
    db.session.commit()
    return read


# ---- reads --------------------------------------------------------------------------------

def get_document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.current is None:
        raise DocumentNotFound(_l("Document %(id)s does not exist.", id=document_id))
    return document


def _documents(meeting: Meeting, *, include_removed: bool = False) -> list[Document]:
    query = select(Document).where(Document.meeting_id == meeting.id)
    if not include_removed:
        query = query.where(Document.removed_at.is_(None))
    return list(db.session.execute(query.order_by(Document.position, Document.id)).scalars())


def _agenda_order(meeting: Meeting, documents: list[Document]) -> list[Document]:
    """Agenda order (by item position); documents without an item come last."""
    rank = {item.id: index for index, item in enumerate(meeting.agenda)}
    last = len(rank)
    return sorted(documents, key=lambda d: (rank.get(d.agenda_item_id, last), d.position, d.id))


def documents_for(meeting: Meeting, user: User) -> list[DocumentEntry]:
    """The documents the user may read, in agenda order, each new, changed or seen for them."""
    visible = [d for d in _documents(meeting) if d.current and can_view_document(d, user)]
    reads = {r.document_id: r for r in db.session.execute(select(DocumentRead).where(
        DocumentRead.user_id == user.id,
        DocumentRead.document_id.in_([d.id for d in visible]))).scalars()}
    entries = []
    for document in _agenda_order(meeting, visible):
        read, current = reads.get(document.id), document.current
        status = ("new" if read is None else
                  "changed" if read.version_seen < current.number else "seen")
        entries.append(DocumentEntry(document, current, status, document.agenda_item_id))
    return entries


def readers_of(meeting: Meeting) -> dict[int, list[tuple[User, DocumentRead]]]:
    """For the secretariat: per document, who opened it and when, first reader first."""
    rows = db.session.execute(
        select(DocumentRead, User).join(User, User.id == DocumentRead.user_id)
        .join(Document, Document.id == DocumentRead.document_id)
        .where(Document.meeting_id == meeting.id)
        .order_by(DocumentRead.first_opened_at)).all()
    readers: dict[int, list[tuple[User, DocumentRead]]] = {}
    for read, user in rows:
        readers.setdefault(read.document_id, []).append((user, read))
    return readers


def _watermark_lines(user: User) -> list[str]:
    return [stamp_text(user.full_name, user.username, utcnow())]


def _style() -> WatermarkStyle:
    font = current_app.config.get("WATERMARK_FONT")
    return WatermarkStyle(font_path=font) if font else WatermarkStyle()


def reader_copy(document: Document, user: User) -> ReaderCopy:
    """The user's watermarked copy of the current version, made once and cached encrypted."""
    version = document.current
    key = storage.cache_key("reader-copy", version.sha256, user.id)
    data = storage.read_cached(key)
    if data is None:
        data = watermark_pdf(storage.read_file(version.sha256), _watermark_lines(user),
                             style=_style())
        storage.write_cached(key, data)
    return ReaderCopy(data=data, etag=key[:40], filename=_pdf_name(version.filename))


def _pdf_name(filename: str) -> str:
    return os.path.splitext(filename)[0] + ".pdf"


def meeting_packet(meeting: Meeting, user: User) -> bytes:
    """Every document the user may read, in agenda order, watermarked, one bookmark each.

    :raises DownloadsNotAllowed: for a confidential meeting that allows no downloads.
    :raises EmptyPacketError: when there is no document.
    """
    if not can_download_packet(meeting, user):
        raise DownloadsNotAllowed(_l("This meeting is confidential: read its documents in the "
                                     "browser; downloads are not allowed."))
    entries = documents_for(meeting, user)
    items = []
    for number, item in enumerate(meeting.agenda, start=1):
        docs = [PacketDocument(e.document.title, storage.read_file(e.version.sha256))
                for e in entries if e.agenda_item_id == item.id]
        items.append(AgendaEntry(f"{number}. {item.title}", docs))
    agenda_ids = {item.id for item in meeting.agenda}
    others = [PacketDocument(e.document.title, storage.read_file(e.version.sha256))
              for e in entries if e.agenda_item_id not in agenda_ids]
    if others:
        items.append(AgendaEntry(str(_l("Other documents")), others))
    packet = build_packet(items, _watermark_lines(user), style=_style())
    audit.record("document.packet", actor=user, object_type="meeting", object_id=meeting.id,
                 details={"documents": len(entries)})
    db.session.commit()
    return packet
