"""The notice's pages: draft (secretariat), sign or return (chair), issue (clerk), preview.

Each view loads the meeting and authorises once, then calls the service. The notice hangs off
its meeting (one per meeting), so its URLs are the meeting's.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.conclusions import (  # noqa: F401 - labels registers the audit codes' words
    dispatch,
    labels,
    notices,
    service,
    verification,
    worker,
)
from ecabinet.conclusions.errors import ConclusionError, Incomplete, SigningFailed, TooManyChecks
from ecabinet.conclusions.forms import parse_draft
from ecabinet.conclusions.models import EDITABLE, ConclusionStatus
from ecabinet.conclusions.numbering import number_text
from ecabinet.conclusions.permissions import (
    can_draft_conclusion,
    can_issue_conclusion,
    can_preview_conclusion,
    can_see_conclusion,
    can_sign_conclusion,
)
from ecabinet.core.permissions import deny, guard, require
from ecabinet.meetings import service as meetings
from ecabinet.meetings.panels import register_panel
from ecabinet.meetings.permissions import can_view_meeting
from ecabinet.notify.events import push_live
from signing import message

bp = Blueprint("conclusions", __name__)
FIELD_LABELS = {"signer": _l("The person in authority"),
                "marks": _l("The body: number and date"),
                "seal": _l("The body: seal")}
MAX_KEY_FILE = 64 * 1024


def _load(meeting_id: int, check, what: str):
    meeting = meetings.get_meeting(meeting_id)
    return guard(meeting, check, visible=can_see_conclusion, what=what, meeting=meeting_id)


def _notice(meeting, what: str):
    conclusion = service.conclusion_of(meeting)
    if conclusion is None:
        deny(what, status=404, meeting=meeting.id)
    return conclusion


def _lang() -> str:
    return "en" if str(get_locale() or "vi").startswith("en") else "vi"


def _back(meeting):
    return redirect(url_for("conclusions.view", meeting_id=meeting.id))


def _units():
    return accounts.list_units(active_only=True)


def _as_draft(conclusion) -> service.DraftData:
    """The stored notice in the form's terms, so that the form shows one shape of data."""
    return service.DraftData(
        conclusion.chaired_by, conclusion.attended_by,
        tuple(service.SectionData(s.title, s.text_html, s.agenda_item_id, tuple(
            service.TaskData(t.responsible_unit_id, tuple(t.cooperating_unit_ids), t.content,
                             t.deadline) for t in s.tasks)) for s in conclusion.sections),
        tuple(r.unit_id for r in conclusion.recipients))


@bp.get("/meetings/<int:meeting_id>/conclusion")
@login_required
def view(meeting_id: int):
    meeting = _load(meeting_id, None, "conclusions.view")
    conclusion = _notice(meeting, "conclusions.view")
    return render_template("conclusions/view.html", meeting=meeting, conclusion=conclusion,
                           labels=service.STATUS_LABELS, Status=ConclusionStatus,
                           may_draft=can_draft_conclusion(meeting, current_user),
                           may_sign=can_sign_conclusion(meeting, current_user),
                           may_issue=can_issue_conclusion(meeting, current_user),
                           may_preview=can_preview_conclusion(meeting, current_user),
                           sees_meeting=can_view_meeting(meeting, current_user),
                           editable=conclusion.status in EDITABLE,
                           number=number_text(conclusion.number or 0,
                                                      meeting.body.abbreviation))


@bp.post("/meetings/<int:meeting_id>/conclusion/start")
@login_required
def start(meeting_id: int):
    meeting = _load(meeting_id, can_draft_conclusion, "conclusions.start")
    try:
        service.start_draft(meeting, actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return redirect(url_for("conclusions.edit", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/conclusion/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = _load(meeting_id, can_draft_conclusion, "conclusions.edit")
    conclusion = _notice(meeting, "conclusions.edit")
    errors: list = []
    if request.method == "POST":
        data, errors = parse_draft(request.form)
        if not errors:
            try:
                service.save_draft(conclusion, data, actor=current_user,
                                   revision=int(request.form.get("revision") or 0) or None)
            except ConclusionError as error:
                errors = [error.message]
            else:
                flash(_("The draft was saved."), "success")
                return redirect(url_for("conclusions.edit", meeting_id=meeting.id))
        return render_template("conclusions/edit.html", meeting=meeting, conclusion=conclusion,
                               draft=data, errors=errors, units=_units(),
                               editable=conclusion.status in EDITABLE), 422
    return render_template("conclusions/edit.html", meeting=meeting, conclusion=conclusion,
                           draft=_as_draft(conclusion), errors=errors, units=_units(),
                           editable=conclusion.status in EDITABLE)


@bp.post("/meetings/<int:meeting_id>/conclusion/submit")
@login_required
def submit(meeting_id: int):
    meeting = _load(meeting_id, can_draft_conclusion, "conclusions.submit")
    conclusion = _notice(meeting, "conclusions.submit")
    try:
        service.submit_draft(conclusion, actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
        return redirect(url_for("conclusions.edit", meeting_id=meeting.id))
    push_live(notices.tell_submitted(meeting, actor=current_user))
    flash(_("The notice was sent to the chair for signature."), "success")
    return _back(meeting)


@bp.get("/meetings/<int:meeting_id>/conclusion/notice.pdf")
@login_required
def preview(meeting_id: int):
    meeting = _load(meeting_id, can_preview_conclusion, "conclusions.preview")
    conclusion = _notice(meeting, "conclusions.preview")
    name = (f"thong-bao-{conclusion.number:02d}-{conclusion.year}.pdf" if conclusion.number
            else f"du-thao-thong-bao-{meeting.id}.pdf")
    return Response(service.current_pdf(conclusion, meeting), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"',
                             "Cache-Control": "no-store",
                             # shown in the notice's page (an iframe of this site only)
                             "Content-Security-Policy": "default-src 'none'; "
                                                        "frame-ancestors 'self'",
                             "X-Frame-Options": "SAMEORIGIN"})


@bp.get("/meetings/<int:meeting_id>/conclusion/notice.edxml")
@login_required
def edxml(meeting_id: int):
    """The issued notice as an edXML package (QCVN 102:2016): envelope and the signed PDF."""
    from ecabinet.conclusions import edxml as packages

    meeting = _load(meeting_id, can_preview_conclusion, "conclusions.edxml")
    conclusion = _notice(meeting, "conclusions.edxml")
    if not conclusion.issued_pdf:
        flash(_("Only an issued notice can be exported as edXML."), "error")
        return _back(meeting)
    name = packages.file_name(conclusion, meeting) + ".edxml"
    return Response(packages.edxml_package(conclusion, meeting),
                    mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.route("/meetings/<int:meeting_id>/conclusion/sign", methods=["GET", "POST"])
@login_required
def sign(meeting_id: int):
    meeting = _load(meeting_id, can_sign_conclusion, "conclusions.sign")
    conclusion = _notice(meeting, "conclusions.sign")
    # The signing libraries (pyHanko, fpdf2, cryptography's X.509) load with the first
    # signature, not with the server: a server that never signs does not hold them.
    from ecabinet.conclusions import issuing, keys, pkcs11

    error = None
    token = pkcs11.token_config(current_user)
    if request.method == "POST":
        upload = request.files.get("key_file")
        data = upload.read(MAX_KEY_FILE + 1) if upload else b""
        try:
            if token is not None and request.form.get("method") == "token":
                # the PIN is used for this one login and goes nowhere else
                with pkcs11.token_signer(token, request.form.get("pin", ""), _lang()) as signer:
                    issuing.sign_conclusion(conclusion, meeting, signer, actor=current_user,
                                            lang=_lang())
            else:
                if not data:
                    raise Incomplete(_("Choose the key file (.p12 or .pfx)."))
                if len(data) > MAX_KEY_FILE:
                    raise Incomplete(_("This file is too large to be a key file."))
                signer = keys.chair_signer(data, request.form.get("passphrase", ""), _lang())
                issuing.sign_conclusion(conclusion, meeting, signer, actor=current_user,
                                        lang=_lang())
        except (ConclusionError, SigningFailed) as failure:
            error = str(failure.message)
        else:
            push_live(notices.tell_signed(meeting, actor=current_user))
            flash(_("The notice is signed; the clerk can now issue it."), "success")
            return _back(meeting)
    status = 422 if error else 200
    return render_template("conclusions/sign.html", meeting=meeting, conclusion=conclusion,
                           error=error, labels=service.STATUS_LABELS, token=token,
                           Status=ConclusionStatus), status


@bp.post("/meetings/<int:meeting_id>/conclusion/return")
@login_required
def return_draft(meeting_id: int):
    meeting = _load(meeting_id, can_sign_conclusion, "conclusions.return_draft")
    conclusion = _notice(meeting, "conclusions.return_draft")
    try:
        service.return_draft(conclusion, request.form.get("comment", ""), actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
        return redirect(url_for("conclusions.sign", meeting_id=meeting.id))
    push_live(notices.tell_returned(meeting, conclusion.return_comment, actor=current_user))
    flash(_("The notice was returned to the secretariat."), "success")
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/conclusion/issue")
@login_required
def issue(meeting_id: int):
    meeting = _load(meeting_id, can_issue_conclusion, "conclusions.issue")
    conclusion = _notice(meeting, "conclusions.issue")
    from ecabinet.conclusions import issuing, keys  # loaded on first use, as in sign()

    try:
        if conclusion.status != ConclusionStatus.SIGNED:
            raise Incomplete(_("Only a signed notice can be issued."))
        seal = keys.seal_signer(meeting.body)
        conclusion = issuing.issue_conclusion(conclusion, meeting, seal, actor=current_user,
                                              lang=_lang())
    except ConclusionError as error:
        flash(str(error.message), "error")
    else:
        number = number_text(conclusion.number, meeting.body.abbreviation)
        push_live(notices.tell_issued(meeting, number, actor=current_user))
        push_live(dispatch.dispatch_conclusion(conclusion, meeting, actor=current_user))
        flash(_("Issued as %(number)s and sent to the units.", number=number), "success")
    return _back(meeting)


@bp.get("/conclusions/to-issue")
@require(lambda user: bool(user.unit_ids_for(RoleKind.CLERK)))
def to_issue():
    rows = [(c, meetings.get_meeting(c.meeting_id)) for c in service.to_issue_for(current_user)]
    return render_template("conclusions/to_issue.html", rows=rows,
                           labels=service.STATUS_LABELS, Status=ConclusionStatus,
                           number_text=number_text)


def _count_check() -> None:
    """The public pages' throttle: per account when signed in, else per address."""
    verification.count_check(request.remote_addr or "", user_id=current_user.id
                             if current_user.is_authenticated else None)


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    """Anyone (no sign-in) checks a notice: its signatures and whether we issued exactly it."""
    result, problem = None, None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(verification.MAX_UPLOAD + 1) if upload else b""
        if not data:
            problem = _("Choose the PDF file to check.")
        else:
            from ecabinet.conclusions import keys  # cryptography's X.509: on first use

            try:
                _count_check()
            except TooManyChecks as refusal:
                return _refused(refusal)
            result = verification.verify_upload(data, keys.trust_roots())
    meeting = meetings.get_meeting(result.conclusion.meeting_id) \
        if result and result.conclusion else None
    expected = _expected_hash(request.values.get("expect", ""))
    return render_template("conclusions/verify.html", result=result, problem=problem,
                           meeting=meeting, field_labels=FIELD_LABELS, message=message,
                           number_text=number_text, expected=expected,
                           bodies=accounts.list_units(bodies_only=True),
                           lang=_lang()), 422 if problem else 200


def _refused(refusal: TooManyChecks):
    """The verification page with the throttle's message: 429, and when to come back."""
    page = render_template("conclusions/verify.html", result=None, problem=None,
                           refused=str(refusal.message), field_labels=FIELD_LABELS,
                           message=message, number_text=number_text, expected="",
                           bodies=accounts.list_units(bodies_only=True), lang=_lang())
    window = int(current_app.config["VERIFY_WINDOW"].total_seconds())
    return page, 429, {"Retry-After": str(window)}


def _expected_hash(text: str) -> str:
    text = text.strip().lower()
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else ""


@bp.get("/verify/number")
def verify_number():
    """Anyone looks a notice up by its number and year: was it issued here, and its hash."""
    from ecabinet.conclusions import lookup
    from ecabinet.core.timeutil import to_local, utcnow

    typed = {k: request.args.get(k, "")[:80] for k in ("number", "year", "body")}
    found, problem = None, None
    if any(value.strip() for value in typed.values()):  # else the page opened: just the form
        try:
            _count_check()
        except TooManyChecks as refusal:
            return _refused(refusal)
        try:
            number, abbreviation = lookup.parse_number(typed["number"])
            year = lookup.parse_year(typed["year"], to_local(utcnow()).date())
            body_id = int(typed["body"]) if typed["body"].isdigit() else None
            found = lookup.find_issued(number, year, abbreviation=abbreviation,
                                       body_id=body_id)
        except lookup.BadNumber as error:
            problem = str(error.message)
    return render_template("conclusions/verify.html", result=None, problem=problem,
                           lookup=found, typed=typed, field_labels=FIELD_LABELS,
                           message=message, number_text=number_text, expected="",
                           bodies=accounts.list_units(bodies_only=True),
                           lang=_lang()), 422 if problem else 200


def conclusion_panel(meeting, user) -> dict | None:
    """The notice's state and next step, for those who take part in it."""
    if not can_preview_conclusion(meeting, user) or meeting.status not in service.CONCLUDABLE:
        return None
    conclusion = service.conclusion_of(meeting)
    return {"conclusion": conclusion, "labels": service.STATUS_LABELS,
            "may_draft": can_draft_conclusion(meeting, user)}


register_panel("conclusion", "conclusions/_panel.html", conclusion_panel, order=40)


from ecabinet.conclusions import followup_views  # noqa: E402, F401 - its routes join bp
