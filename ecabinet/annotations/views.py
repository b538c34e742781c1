"""The viewer's annotation API (JSON), the annotated download, and "Ghi chú của tôi".

Each view loads and authorises the document once (``documents.loaders.load_document`` with
this package's ``can_*``), calls the service, then tells the owner's other devices.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote as url_quote

from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user, login_required

from ecabinet.annotations import notes, reanchor, service  # noqa: F401 - reanchor's hook
from ecabinet.annotations.errors import AnnotationError
from ecabinet.annotations.events import push_annotation
from ecabinet.annotations.labels import KIND_LABELS
from ecabinet.annotations.models import Anchor
from ecabinet.annotations.permissions import can_annotate, can_export_annotations
from ecabinet.annotations.redline import redline
from ecabinet.annotations.schemas import parse_annotation, parse_client_id
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import service as documents
from ecabinet.documents.loaders import load_document
from ecabinet.extensions import db

bp = Blueprint("annotations", __name__)
DEVICE_HEADER = "X-Ecabinet-Device"


def _refusal(error: AnnotationError):
    return jsonify(error=error.code, message=str(error.message)), error.http_status


def _device() -> str:
    return (request.headers.get(DEVICE_HEADER) or "")[:64]


@bp.get("/documents/<int:document_id>/annotations")
@login_required
def index(document_id: int):
    document = load_document(document_id, can_annotate, what="annotations.index")
    rows = service.annotations_of(document, current_user)
    number = document.current.number
    placed = [service.annotation_json(r, number) for r in rows if r.anchor != Anchor.UNPLACED]
    unplaced = [service.annotation_json(r, number) for r in rows if r.anchor == Anchor.UNPLACED]
    return jsonify(document_id=document.id, version=number, annotations=placed,
                   unplaced=unplaced,
                   can_export=can_export_annotations(document, current_user))


@bp.post("/documents/<int:document_id>/annotations")
@login_required
def save(document_id: int):
    document = load_document(document_id, can_annotate, what="annotations.save")
    try:
        result = service.save_annotation(document, current_user,
                                         parse_annotation(request.get_json(silent=True)))
    except AnnotationError as error:
        return _refusal(error)
    number = document.current.number
    body = {"outcome": result.outcome,
            "annotation": service.annotation_json(result.annotation, number),
            "copy": service.annotation_json(result.copy, number) if result.copy else None}
    if result.outcome != "unchanged":
        push_annotation(current_user.id, [body["annotation"], body["copy"]], device=_device())
    return jsonify(body), 201 if result.outcome == "created" else 200


@bp.post("/documents/<int:document_id>/annotations/<client_id>/delete")
@login_required
def delete(document_id: int, client_id: str):
    document = load_document(document_id, can_annotate, what="annotations.delete")
    revision = request.args.get("revision", type=int)
    try:
        result = service.delete_annotation(document, current_user, parse_client_id(client_id),
                                           revision)
    except AnnotationError as error:
        return _refusal(error)
    row = result.annotation
    shown = service.annotation_json(row, document.current.number) if row else None
    if result.outcome == "deleted" and shown is not None:
        push_annotation(current_user.id, [shown], device=_device())
    return jsonify(outcome=result.outcome, annotation=shown), \
        409 if result.outcome == "conflict" else 200


@bp.get("/documents/<int:document_id>/changes")
@login_required
def changes(document_id: int):
    """What changed against the previous version (or ``?from=N``), page by page, for the
    viewer's redline: ``{"document_id", "from", "to", "available", "pages": [{"page",
    "added": [text…], "removed": [text…], "in_new"}…]}``."""
    document = load_document(document_id, can_annotate, what="annotations.changes")
    return jsonify(redline(document, request.args.get("from", type=int)))


@bp.get("/documents/<int:document_id>/annotated.pdf")
@login_required
def export(document_id: int):
    """The reader's watermarked copy with their annotations in it (downloads allowed only)."""
    from ecabinet.annotations.export import export_pdf  # fpdf2 and pypdf: loaded on first use

    document = load_document(document_id, can_export_annotations, what="annotations.export")
    rows = service.annotations_of(document, current_user)
    copy = documents.reader_copy(document, current_user)
    pdf = export_pdf(copy.data, [r for r in rows if r.anchor != Anchor.UNPLACED],
                     author=current_user.full_name)
    audit.record("annotation.exported", actor=current_user, object_type="document",
                 object_id=document.id,
                 details={"version": document.current.number, "annotations": len(rows)})
    db.session.commit()
    stem = copy.filename.rsplit(".", 1)[0]
    name = f"{stem} - ghi chu.pdf"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() \
        or "annotated.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{url_quote(name)}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/notes")
@login_required
def my_notes():
    search = request.args.get("q", "")[:200]
    meeting_id = request.args.get("meeting", type=int)
    groups = notes.notes_of(current_user, search=search, meeting_id=meeting_id)
    return render_template("annotations/notes.html", groups=groups, search=search,
                           kind_labels=KIND_LABELS, one_meeting=meeting_id is not None,
                           printed_at=utcnow(),
                           total=sum(len(d.notes) for g in groups for d in g.documents))
