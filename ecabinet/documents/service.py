"""Every rule and write about a meeting's documents: upload, versions, titles, removal, reads.

Uploads are hostile until :func:`~ecabinet.documents.pdfcheck.sanitize_pdf` (a limited child
process) says otherwise; only then are they stored. Converting office files lives in
:mod:`ecabinet.documents.conversion`, readers' watermarked copies in
:mod:`ecabinet.documents.reader_copies` (both re-exported here for their callers).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.documents.conversion import (  # noqa: F401 - re-exported for callers
    OFFICE_EXTENSIONS,
    convert_to_pdf,
    needs_conversion,
    office_converter,
)
from ecabinet.documents.errors import (
    DocumentError,
    DocumentNotFound,
    UploadRefused,
    WrongState,
)
from ecabinet.documents.models import Document, DocumentRead, DocumentVersion
from ecabinet.documents.pdfcheck import (
    ACTIVE_KIND_LABELS,
    REASON_MESSAGES,
    PdfLimits,
    PdfRefusedError,
    sanitize_pdf,
)
from ecabinet.documents.permissions import (
    CLOSED,
    can_view_document,
    meeting_of,
)
from ecabinet.documents.reader_copies import (  # noqa: F401 - re-exported for callers
    ReaderCopy,
    open_reader_copy,
    prepare_plan,
    reader_copy,
)
from ecabinet.documents.version_hooks import version_added
from ecabinet.documents.watermark_style import WatermarkError
from ecabinet.extensions import db
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import Meeting

log = logging.getLogger(__name__)

TITLE_MAX = 300
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")
_SEPARATORS = re.compile(r"[\s_\-]+")
# Titles that PDF producers write for themselves, not for the document: a file name, a
# generator's "Microsoft Word - x.docx", "Untitled".
_JUNK_TITLE = re.compile(r"(?i)^(untitled|document\d*|microsoft (word|excel) - .*|.*\.(docx?|xlsx?|"
                         r"odt|ods|rtf|pdf))$")


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


# ---- names and checks -----------------------------------------------------------------------

def sanitize_filename(name: str) -> str:
    """Keep the basename only, without control or path characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    return name[:200] or "document.pdf"


def title_from_filename(filename: str) -> str:
    """A readable default title: "du-thao_nghi-quyet.pdf" becomes "Du thao nghi quyet".

    Only a name without spaces is a slug; in "Báo cáo kinh tế - xã hội.pdf" the dash is
    part of the title and stays.
    """
    stem = os.path.splitext(filename)[0].strip()
    if " " not in stem:
        stem = _SEPARATORS.sub(" ", stem).strip()
    stem = " ".join(stem.split())
    return (stem[:1].upper() + stem[1:])[:TITLE_MAX] or filename[:TITLE_MAX]


def default_title(filename: str, metadata_title: str = "") -> str:
    """The PDF's own /Title when it names the document, else one made from the file name."""
    title = " ".join(unicodedata.normalize("NFC", metadata_title or "").split())
    if title and not _JUNK_TITLE.match(title) and title != os.path.splitext(filename)[0]:
        return title[:TITLE_MAX]
    return title_from_filename(filename)


@dataclass(frozen=True)
class _CheckedPdf:
    pdf: bytes = field(repr=False)
    pages: int
    stripped: tuple[str, ...]
    title: str
    """The PDF's own /Title metadata ("" when none)."""


def _checked_pdf(upload: UploadedFile) -> _CheckedPdf:
    """Convert when needed, then sanitise in the child.

    :raises UploadRefused: naming the file and the reason.
    """
    max_bytes = int(current_app.config.get("MAX_CONTENT_LENGTH") or PdfLimits.max_bytes)
    data = upload.data
    if needs_conversion(upload.filename) and data:
        data = convert_to_pdf(upload.filename, data, max_bytes=max_bytes)
    try:
        checked = sanitize_pdf(data, limits=PdfLimits(max_bytes=max_bytes), linearize=True)
    except PdfRefusedError as exc:
        reason = REASON_MESSAGES[exc.code]  # msgids, already in the catalogue
        raise UploadRefused(_l(reason), filename=upload.filename,
                            reason=exc.code) from exc
    result = checked.result
    return _CheckedPdf(checked.pdf, result.page_count or 0, result.stripped, result.title)


def stripped_labels(kinds: Iterable[str]) -> list:
    """What was stripped, in the reader's language."""
    # msgids, already in the catalogue through pdfcheck
    return [_l(ACTIVE_KIND_LABELS[kind]) for kind in kinds]


# ---- writes -------------------------------------------------------------------------------

def _require_open(meeting: Meeting) -> None:
    """:raises WrongState: naming the state, once the meeting is cancelled or finished."""
    if meeting.status in CLOSED:
        raise WrongState(_l("Documents cannot be changed while the meeting is %(state)s.",
                            state=status_label(meeting.status)))


def _new_version(document: Document, upload: UploadedFile, checked: _CheckedPdf,
                 actor: User | None, note: str) -> DocumentVersion:
    pdf = checked.pdf
    version = DocumentVersion(
        number=len(document.versions) + 1, sha256=storage.store_file(pdf), size=len(pdf),
        page_count=checked.pages, filename=upload.filename, change_note=note[:2000],
        stripped=",".join(checked.stripped), uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=utcnow())
    document.versions.append(version)
    from pypdf.errors import PyPdfError  # the plan loads pypdf anyway; an idle server does not

    try:
        prepare_plan(version)  # the first reader then waits only for their own stamp
    except (WatermarkError, PyPdfError, storage.StorageError, KeyError, ValueError,
            TypeError) as error:  # the first reader's copy is rewritten whole instead
        log.warning("no stamp update plan for %s: %s", version.sha256[:12], error)
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
            checked = _checked_pdf(upload)
        except UploadRefused as refusal:
            report.refused.append(RefusedFile(upload.filename, refusal.reason, refusal.message))
            audit.record("document.refused", actor=actor, object_type="meeting",
                         object_id=meeting.id,
                         details={"filename": upload.filename, "reason": refusal.reason})
            continue
        position += 1
        document = Document(meeting_id=meeting.id, agenda_item_id=agenda_item_id,
                            position=position,
                            title=default_title(upload.filename, checked.title),
                            for_units=for_units, created_by_id=getattr(actor, "id", None))
        db.session.add(document)
        version = _new_version(document, upload, checked, actor, "")
        db.session.flush()
        audit.record("document.uploaded", actor=actor, object_type="document",
                     object_id=document.id,
                     details={"meeting_id": meeting.id, "filename": upload.filename,
                              "sha256": version.sha256, "pages": checked.pages,
                              "stripped": list(checked.stripped), "for_units": for_units})
        report.accepted.append(AcceptedFile(document, checked.stripped))
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
    checked = _checked_pdf(upload)
    version = _new_version(document, upload, checked, actor, note.strip())
    db.session.flush()
    audit.record("document.replaced", actor=actor, object_type="document", object_id=document.id,
                 details={"version": version.number, "filename": upload.filename,
                          "sha256": version.sha256, "note": version.change_note})
    db.session.commit()
    version_added(document, version)  # e.g. annotations carry themselves over
    return AcceptedFile(document, checked.stripped)


def rename_document(document: Document, title: str, *, actor: User | None) -> bool:
    """Give a document the title the secretariat chose; return whether it changed.

    :raises DocumentError: when the title is empty.
    :raises WrongState: when the document is removed or the meeting is over.
    """
    _require_open(meeting_of(document))
    if document.removed_at is not None:
        raise WrongState(_l("Document %(id)s was removed; its title cannot be changed.",
                            id=document.id))
    title = " ".join(unicodedata.normalize("NFC", title or "").split())[:TITLE_MAX]
    if not title:
        raise DocumentError(_l("Give the document a title."), code="title_required")
    if title == document.title:
        return False
    before, document.title = document.title, title
    audit.record("document.renamed", actor=actor, object_type="document", object_id=document.id,
                 details={"before": before, "after": title})
    db.session.commit()
    return True


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
