"""Document pages: the list, upload, replace, remove, the viewer, the reader's file.

The packet has its own blueprint (packet_views.py).

Each view loads and authorises once (``documents.loaders``), calls the service, responds;
changes after publishing are announced through ``notify.service.announce_change``.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import (
    HTTPException,
    RequestedRangeNotSatisfiable,
    RequestEntityTooLarge,
)
from werkzeug.wsgi import FileWrapper

from ecabinet.core.error_pages import render_error
from ecabinet.core.errors import EcabinetError
from ecabinet.documents import service
from ecabinet.documents.conversion import accepted_types, conversion_available
from ecabinet.documents.errors import DocumentError, UploadRefused
from ecabinet.documents.forms import TitleForm, upload_form
from ecabinet.documents.loaders import load_document, load_documents_meeting
from ecabinet.documents.permissions import (
    can_download_document,
    can_manage_documents,
    downloads_allowed,
    meeting_of,
)
from ecabinet.documents.service import UploadedFile
from ecabinet.documents.storage import SEGMENT_BYTES
from ecabinet.meetings.panels import register_panel
from ecabinet.meetings.permissions import can_view_meeting
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

bp = Blueprint("documents", __name__)


def meeting_documents_context(meeting, user) -> dict:
    """Variables of templates/documents/_meeting_documents.html, for any page that includes it."""
    manage = can_manage_documents(meeting, user)
    return {"meeting": meeting, "doc_entries": service.documents_for(meeting, user),
            "can_manage": manage, "readers": service.readers_of(meeting) if manage else None,
            "upload_form": upload_form(meeting) if manage else None,
            "upload_accept": accepted_types(), "converts_office": conversion_available(),
            "upload_max_bytes": _max_bytes(), "upload_limit_mb": _limit_mb(),
            "upload_too_large": _too_large_message() if manage else ""}


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _limit_mb() -> str:
    """The upload limit in MB, as the reader writes numbers ("100", "0,5")."""
    return format_decimal(round(_max_bytes() / (1024 * 1024), 1))


def _too_large_message() -> str:
    """Says the limit, so that the secretariat knows what to do (also checked in the browser)."""
    return _("The chosen files are larger than the upload limit of %(limit)s MB; nothing was "
             "sent. Choose fewer or smaller files.", limit=_limit_mb())


register_panel("documents", "documents/_meeting_documents.html", meeting_documents_context,
               order=20)


@bp.app_template_global()
def documents_downloads_allowed(meeting) -> bool:
    """Whether the partial offers download links and the packet (confidential: no)."""
    return downloads_allowed(meeting)


def _manages(document, user) -> bool:
    return can_manage_documents(meeting_of(document), user)


def _downloads(document, user) -> bool:
    """Download as a file (not only read in the browser); the reading right was checked."""
    return downloads_allowed(meeting_of(document))


def _back(meeting_id: int):
    """Managing is the secretariat's, who always see the meeting page."""
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="documents"))


def _list_url(meeting) -> str:
    """Participants go back to the meeting; invited units' clerks to the documents list."""
    if can_view_meeting(meeting, current_user):
        return url_for("meetings.detail", meeting_id=meeting.id, _anchor="documents")
    return url_for("documents.index", meeting_id=meeting.id)


def _uploads(field: str) -> list[UploadedFile]:
    return [UploadedFile(f.filename or "", f.read()) for f in request.files.getlist(field)
            if f and f.filename]


def _flash_report(report) -> None:
    for accepted in report.accepted:
        flash(_("Uploaded “%(name)s”.", name=accepted.document.current.filename), "success")
        if accepted.stripped:
            what = ", ".join(str(s) for s in service.stripped_labels(accepted.stripped))
            flash(_("“%(name)s”: removed from the stored copy: %(what)s.",
                    name=accepted.document.current.filename, what=what), "info")
    for refused in report.refused:
        flash(_("“%(name)s” was not accepted: %(reason)s", name=refused.filename,
                reason=str(refused.message)), "error")


def _pdf_response(copy, stream, *, attachment: bool):
    """Serve the copy from an open file: a Range reads only its own bytes (206, or 416)."""
    response = current_app.response_class(FileWrapper(stream, SEGMENT_BYTES),
                                          mimetype="application/pdf", direct_passthrough=True)
    response.call_on_close(stream.close)
    response.content_length = copy.size
    response.headers.set("Content-Disposition", "attachment" if attachment else "inline",
                         **_download_names(copy.filename))
    response.set_etag(copy.etag)
    try:
        return response.make_conditional(request, accept_ranges=True,
                                         complete_length=copy.size)
    except RequestedRangeNotSatisfiable:  # say the length, so the viewer can ask again
        stream.close()
        return current_app.response_class(
            status=416, headers={"Content-Range": f"bytes */{copy.size}"})


def _download_names(name: str) -> dict[str, str]:
    """filename (ASCII) and filename* (UTF-8), as send_file writes them (RFC 6266)."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")}
    return {"filename": name}


@bp.after_request
def _no_store(response):
    """No document page or file is kept by a browser or proxy (of a confidential meeting
    neither): "no-store" on every response of this blueprint (security item 5)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """An upload over the limit: back to the form with the limit in MB, not a bare 413 page."""
    message = _too_large_message()
    try:
        if request.endpoint == "documents.upload" and current_user.is_authenticated:
            meeting = load_documents_meeting(request.view_args["meeting_id"],
                                             can_manage_documents, what="documents.upload")
        elif request.endpoint == "documents.replace" and current_user.is_authenticated:
            meeting = meeting_of(load_document(request.view_args["document_id"], _manages,
                                               what="documents.replace"))
        else:
            return render_error(413, message)
    except (HTTPException, EcabinetError):
        return render_error(413, message)
    flash(message, "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="documents"), 303)


@bp.get("/meetings/<int:meeting_id>/documents")
@login_required
def index(meeting_id: int):
    meeting = load_documents_meeting(meeting_id)
    return render_template("documents/index.html",
                           **meeting_documents_context(meeting, current_user))


@bp.post("/meetings/<int:meeting_id>/documents")
@login_required
def upload(meeting_id: int):
    meeting = load_documents_meeting(meeting_id, can_manage_documents, what="documents.upload")
    files = _uploads("files")
    if not files:
        flash(_("Choose at least one file to upload."), "error")
        return _back(meeting_id)
    item = request.form.get("agenda_item_id", type=int) or None
    report = service.upload_documents(meeting, files, actor=current_user, agenda_item_id=item,
                                      for_units=bool(request.form.get("for_units")))
    _flash_report(report)
    if report.accepted:
        _tell_participants(meeting, [a.document for a in report.accepted])
    return _back(meeting_id)


def _tell_participants(meeting, documents) -> None:
    """Every new document or version is news once the meeting is public (notify decides)."""
    what = ", ".join(f"“{document.title}” (v{document.current.number})" for document in documents)
    push_live(notify.announce_change(meeting, what, actor=current_user))


@bp.post("/documents/<int:document_id>/title")
@login_required
def rename(document_id: int):
    document = load_document(document_id, _manages, what="documents.rename")
    form = TitleForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(_("Title: %(error)s", error=error), "error")
        return _back(document.meeting_id)
    before = document.title
    try:
        changed = service.rename_document(document, form.title.data, actor=current_user)
    except DocumentError as error:
        flash(str(error.message), "error")
        return _back(document.meeting_id)
    if changed:
        flash(_("The document is now called “%(title)s”.", title=document.title), "success")
        # In no language: each participant reads the notice in their own.
        push_live(notify.announce_change(meeting_of(document),
                                         f"“{before}” → “{document.title}”", actor=current_user))
    return _back(document.meeting_id)


@bp.post("/documents/<int:document_id>/replace")
@login_required
def replace(document_id: int):
    document = load_document(document_id, _manages, what="documents.replace")
    files = _uploads("file")
    if not files:
        flash(_("Choose the file of the new version."), "error")
        return _back(document.meeting_id)
    try:
        service.replace_document(document, files[0], actor=current_user,
                                 note=request.form.get("note", ""))
        flash(_("Uploaded “%(name)s”.", name=document.current.filename), "success")
        _tell_participants(meeting_of(document), [document])
    except UploadRefused as refusal:
        flash(_("“%(name)s” was not accepted: %(reason)s", name=refusal.filename,
                reason=str(refusal.message)), "error")
    except DocumentError as error:
        flash(str(error.message), "error")
    return _back(document.meeting_id)


@bp.post("/documents/<int:document_id>/remove")
@login_required
def remove(document_id: int):
    document = load_document(document_id, _manages, what="documents.remove")
    try:
        service.remove_document(document, actor=current_user)
        flash(_("The document was removed."), "success")
    except DocumentError as error:
        flash(str(error.message), "error")
    return _back(document.meeting_id)


@bp.get("/documents/<int:document_id>")
@login_required
def viewer(document_id: int):
    document = load_document(document_id)
    service.record_open(document, current_user)
    meeting = meeting_of(document)
    return render_template("documents/viewer.html", document=document, meeting=meeting,
                           can_download=can_download_document(document, current_user),
                           back_url=_list_url(meeting))


@bp.get("/documents/<int:document_id>/file")
@login_required
def file(document_id: int):
    attachment = request.args.get("download") == "1"
    document = load_document(document_id, _downloads if attachment else None,
                             what="documents.file")
    copy, stream = service.open_reader_copy(document, current_user)
    return _pdf_response(copy, stream, attachment=attachment)
