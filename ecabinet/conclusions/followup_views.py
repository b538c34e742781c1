"""After issue: the units' inbox and acknowledgement, the secretariat's dispatch status and
resend, the units' tasks with their reports, the follow-up dashboard, a unit's webhook.

Routes join the conclusions blueprint; each loads its object and authorises once
(``core.permissions.guard``) with the ``can_*`` functions of permissions.py, then calls a
service (dispatch.py, acknowledgement.py, tasks.py, webhooks.py).
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.accounts.permissions import is_admin
from ecabinet.conclusions import acknowledgement, dispatch, review, tasks, webhooks
from ecabinet.conclusions.errors import ConclusionError
from ecabinet.conclusions.models import ConclusionStatus, TaskStatus
from ecabinet.conclusions.numbering import number_text
from ecabinet.conclusions.permissions import (
    can_acknowledge,
    can_follow_dispatch,
    can_report_task,
    can_resend,
    can_review_task,
    can_see_conclusion,
    can_see_dispatch,
    can_see_task,
    followed_bodies,
    follows_any_body,
    is_unit_clerk,
    is_unit_clerk_anywhere,
    reporting_unit,
)
from ecabinet.conclusions.views import bp
from ecabinet.core.errors import EcabinetError
from ecabinet.core.permissions import deny, guard, require
from ecabinet.documents import service as documents
from ecabinet.documents import storage
from ecabinet.documents.errors import DocumentError
from ecabinet.meetings import service as meetings
from ecabinet.meetings.panels import register_panel
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

MAX_REPORT_FILE = 20 * 1024 * 1024
PDF_HEADERS = {"Cache-Control": "no-store",
               "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
               "X-Frame-Options": "SAMEORIGIN"}


@bp.app_context_processor
def _menu():
    """What the menu offers: the inbox and tasks to units' clerks, follow-up to the bodies'
    secretariat and leaders, notices to issue to a body's clerk."""
    def conclusion_menu() -> dict:
        user = current_user
        if not user or not user.is_authenticated:
            return {}
        clerk_of = user.unit_ids_for(RoleKind.CLERK)
        return {"inbox": bool(clerk_of), "follow_up": follows_any_body(user),
                "to_issue": any(u.is_body for u in accounts.get_units(clerk_of).values())}

    return {"conclusion_menu": conclusion_menu}


def _dispatch(dispatch_id: int, check, what: str):
    row = dispatch.get_dispatch(dispatch_id)
    if row is None or row.conclusion.status != ConclusionStatus.DISPATCHED:
        deny(what, status=404, dispatch=dispatch_id)
    return guard(row, check, visible=can_see_dispatch, what=what, dispatch=dispatch_id)


def _task(task_id: int, check, what: str):
    task = tasks.get_task(task_id)
    if task is None:
        deny(what, status=404, task=task_id)
    return guard(task, check, visible=can_see_task, what=what, task=task_id)


def _notice_facts(conclusion):
    meeting = meetings.get_meeting(conclusion.meeting_id)
    return meeting, number_text(conclusion.number or 0, meeting.body.abbreviation)


# --- the unit's inbox -------------------------------------------------------------------------

@bp.get("/inbox")
@require(is_unit_clerk_anywhere)
def inbox():
    unit_ids = current_user.unit_ids_for(RoleKind.CLERK)
    rows = []
    for row in dispatch.received_by(unit_ids):
        meeting, number = _notice_facts(row.conclusion)
        rows.append((row, meeting, number))
    units = accounts.get_units(unit_ids)
    return render_template("conclusions/inbox.html", rows=rows, units=units,
                           several=len(units) > 1)


@bp.get("/inbox/<int:dispatch_id>")
@login_required
def received(dispatch_id: int):
    row = _dispatch(dispatch_id, None, "conclusions.received")
    if is_unit_clerk(row.unit_id, current_user):
        acknowledgement.mark_opened(row)
    meeting, number = _notice_facts(row.conclusion)
    unit_tasks = [t for s in row.conclusion.sections for t in s.tasks
                  if t.responsible_unit_id == row.unit_id
                  or row.unit_id in (t.cooperating_unit_ids or [])]
    people = accounts.get_users([row.acknowledged_by_id] if row.acknowledged_by_id else [])
    return render_template("conclusions/received.html", row=row, meeting=meeting,
                           number=number, unit=accounts.get_unit(row.unit_id),
                           conclusion=row.conclusion, unit_tasks=unit_tasks,
                           acknowledged_by=people.get(row.acknowledged_by_id),
                           may_acknowledge=can_acknowledge(row, current_user),
                           names=tasks.unit_names(unit_tasks),
                           day=tasks.today(), state_of=tasks.state_of)


@bp.get("/inbox/<int:dispatch_id>/notice.pdf")
@login_required
def received_pdf(dispatch_id: int):
    row = _dispatch(dispatch_id, None, "conclusions.received_pdf")
    if is_unit_clerk(row.unit_id, current_user):
        acknowledgement.mark_opened(row)
    name = dispatch.file_name(row.conclusion)
    return Response(row.conclusion.issued_pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"',
                             **PDF_HEADERS})


@bp.post("/inbox/<int:dispatch_id>/acknowledge")
@login_required
def acknowledge(dispatch_id: int):
    row = _dispatch(dispatch_id, lambda r, u: can_acknowledge(r, u), "conclusions.acknowledge")
    try:
        acknowledgement.acknowledge(row, actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "info")
    else:
        flash(_("Receipt acknowledged."), "success")
    return redirect(url_for("conclusions.received", dispatch_id=row.id))


@bp.get("/conclusions/files/<int:dispatch_id>/<token>.pdf")
def download(dispatch_id: int, token: str):
    """The download link of a webhook's message: the token is the permission (a wrong one
    is told so in words, by the error pages)."""
    data = dispatch.public_file(dispatch_id, token)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="thong-bao.pdf"',
                             **PDF_HEADERS})


# --- the secretariat: who received, who acknowledged, resend ---------------------------------

@bp.get("/meetings/<int:meeting_id>/conclusion/dispatch")
@login_required
def dispatch_status(meeting_id: int):
    meeting = guard(meetings.get_meeting(meeting_id), can_follow_dispatch,
                    visible=can_see_conclusion, what="conclusions.dispatch_status",
                    meeting=meeting_id)
    from ecabinet.conclusions import service

    conclusion = service.conclusion_of(meeting)
    if conclusion is None or conclusion.status != ConclusionStatus.DISPATCHED:
        deny("conclusions.dispatch_status", status=404, meeting=meeting_id)
    states = dispatch.unit_states(conclusion)
    return render_template("conclusions/dispatch_status.html", meeting=meeting,
                           conclusion=conclusion, states=states,
                           number=number_text(conclusion.number or 0,
                                              meeting.body.abbreviation),
                           may_resend=can_resend(meeting, current_user))


@bp.post("/meetings/<int:meeting_id>/conclusion/dispatch/<int:dispatch_id>/resend")
@login_required
def resend(meeting_id: int, dispatch_id: int):
    meeting = guard(meetings.get_meeting(meeting_id), can_resend, visible=can_see_conclusion,
                    what="conclusions.resend", meeting=meeting_id)
    row = dispatch.get_dispatch(dispatch_id)
    if row is None or row.conclusion.meeting_id != meeting.id:
        deny("conclusions.resend", status=404, dispatch=dispatch_id)
    try:
        notes = dispatch.resend(row, actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
    else:
        push_live(notes)
        flash(_("The notice was sent to %(unit)s again.",
                unit=accounts.get_unit(row.unit_id).name), "success")
    return redirect(url_for("conclusions.dispatch_status", meeting_id=meeting.id))


# --- tasks -------------------------------------------------------------------------------------

@bp.get("/tasks")
@require(is_unit_clerk_anywhere)
def tasks_list():
    unit_ids = current_user.unit_ids_for(RoleKind.CLERK)
    rows = tasks.tasks_of_units(unit_ids)
    return render_template("conclusions/tasks.html", rows=rows, names=tasks.unit_names(rows),
                           day=tasks.today(), state_of=tasks.state_of,
                           notice=_task_notices(rows), several=len(unit_ids) > 1,
                           units=unit_ids)


def _task_notices(rows) -> dict:
    found = {}
    for task in rows:
        conclusion = tasks.conclusion_of_task(task)
        if conclusion.id not in found:
            found[conclusion.id] = _notice_facts(conclusion)
    return found


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: int):
    check = (lambda t, u: can_report_task(t, u)) if request.method == "POST" else None
    row = _task(task_id, check, "conclusions.task")
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        file = None
        if upload is not None and upload.filename:
            data = upload.read(MAX_REPORT_FILE + 1)
            file = documents.UploadedFile(upload.filename, data)
        try:
            if file is not None and len(file.data) > MAX_REPORT_FILE:
                raise ConclusionError(_("The file is larger than the upload limit."))
            tasks.report(row, request.form.get("text", ""), file,
                         unit_id=reporting_unit(row, current_user),
                         done=request.form.get("done") == "1", actor=current_user)
        except (ConclusionError, DocumentError) as failure:
            error = str(failure.message)
        else:
            flash(_("The report was sent to the secretariat."), "success")
            return redirect(url_for("conclusions.task", task_id=row.id))
    conclusion = tasks.conclusion_of_task(row)
    meeting, number = _notice_facts(conclusion)
    authors = accounts.get_users(r.author_id for r in row.reports if r.author_id)
    return render_template("conclusions/task.html", task=row, meeting=meeting, number=number,
                           conclusion=conclusion, names=tasks.unit_names([row]),
                           authors=authors, error=error, day=tasks.today(),
                           state=tasks.state_of(row, tasks.today()), Status=TaskStatus,
                           reports_for=reporting_unit(row, current_user),
                           may_review=can_review_task(row, current_user),
                           text=request.form.get("text", "") if error else ""), \
        422 if error else 200


@bp.post("/tasks/<int:task_id>/accept")
@login_required
def accept_task(task_id: int):
    row = _task(task_id, lambda t, u: can_review_task(t, u), "conclusions.accept_task")
    try:
        tasks.accept(row, actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The task is accepted as done."), "success")
    return redirect(url_for("conclusions.task", task_id=row.id))


@bp.post("/tasks/<int:task_id>/reopen")
@login_required
def reopen_task(task_id: int):
    row = _task(task_id, lambda t, u: can_review_task(t, u), "conclusions.reopen_task")
    try:
        notes = tasks.reopen(row, request.form.get("comment", ""), actor=current_user)
    except ConclusionError as error:
        flash(str(error.message), "error")
    else:
        push_live(notes)
        flash(_("The task was reopened; the unit was told why."), "success")
    return redirect(url_for("conclusions.task", task_id=row.id))


@bp.get("/tasks/<int:task_id>/reports/<int:report_id>/file")
@login_required
def report_file(task_id: int, report_id: int):
    row = _task(task_id, None, "conclusions.report_file")
    report = tasks.get_report(row, report_id)
    if report is None or not report.file_sha256:
        deny("conclusions.report_file", status=404, report=report_id)
    with storage.open_file(report.file_sha256) as stored:
        data = stored.readall()
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": "inline; filename=\"bao-cao.pdf\"",
                             **PDF_HEADERS})


@bp.get("/conclusions/follow-up")
@require(follows_any_body)
def follow_up():
    """Per unit: open, due soon, overdue, done, for the bodies the user follows."""
    day = tasks.today()
    rows = tasks.tasks_of_bodies(followed_bodies(current_user))
    show = request.args.get("state", "")
    listed = [t for t in rows if not show or tasks.state_of(t, day) == show]
    return render_template("conclusions/follow_up.html", units=tasks.dashboard(rows, day),
                           rows=listed, names=tasks.unit_names(rows), day=day,
                           state_of=tasks.state_of, notice=_task_notices(rows), show=show,
                           last=tasks.last_reports(listed),
                           helped=tasks.last_cooperating_reports(listed))


# --- a unit's webhook (admin) ------------------------------------------------------------------

@bp.route("/admin/units/<int:unit_id>/webhook", methods=["GET", "POST"])
@require(is_admin)
def unit_webhook(unit_id: int):
    unit = accounts.get_unit(unit_id)
    secret, error = None, None
    if request.method == "POST":
        if request.form.get("action") == "remove":
            webhooks.remove_webhook(unit.id, actor=current_user)
            flash(_("The webhook was removed."), "success")
            return redirect(url_for("conclusions.unit_webhook", unit_id=unit.id))
        try:
            secret = webhooks.set_webhook(unit.id, request.form.get("url", ""),
                                          actor=current_user)
        except ConclusionError as failure:
            error = str(failure.message)
    return render_template("conclusions/unit_webhook.html", unit=unit,
                           hook=webhooks.webhook_of(unit.id), secret=secret, error=error,
                           header=webhooks.SIGNATURE_HEADER), 422 if error else 200


# --- the closed loop: overdue tasks proposed for the body's next meeting ----------------------

def review_panel(meeting, user) -> dict | None:
    """On a meeting being prepared: the overdue tasks of the body's earlier notices."""
    from ecabinet.conclusions.permissions import can_draft_conclusion

    if not can_draft_conclusion(meeting, user):
        return None
    day = tasks.today()
    rows = review.proposal_for(meeting, day)
    if not rows:
        return None
    return {"review_tasks": rows, "review_names": tasks.unit_names(rows), "review_day": day,
            "review_title": review.REVIEW_TITLE}


register_panel("conclusion-review", "conclusions/_review_panel.html", review_panel, order=35)


@bp.post("/meetings/<int:meeting_id>/conclusion/review-item")
@login_required
def propose_review(meeting_id: int):
    from ecabinet.conclusions.permissions import can_draft_conclusion

    meeting = guard(meetings.get_meeting(meeting_id), can_draft_conclusion,
                    visible=can_see_conclusion, what="conclusions.propose_review",
                    meeting=meeting_id)
    try:
        review.propose_review_item(meeting, actor=current_user)
    except EcabinetError as error:  # ours, the agenda's or the documents' refusal
        flash(str(error.message), "error")
    else:
        flash(_("The review of the conclusions was added to the agenda, with the units' last "
                "reports attached."), "success")
        push_live(notify.announce_change(meeting, _("agenda"), actor=current_user))
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/conclusion/dispatch")
@login_required
def dispatch_now(meeting_id: int):
    """Send an issued notice that was not dispatched (issued before dispatch existed, or
    interrupted): the body's clerk, as at issue."""
    from ecabinet.conclusions import service
    from ecabinet.conclusions.permissions import can_issue_conclusion

    meeting = guard(meetings.get_meeting(meeting_id), can_issue_conclusion,
                    visible=can_see_conclusion, what="conclusions.dispatch_now",
                    meeting=meeting_id)
    conclusion = service.conclusion_of(meeting)
    if conclusion is None:
        deny("conclusions.dispatch_now", status=404, meeting=meeting_id)
    try:
        push_live(dispatch.dispatch_conclusion(conclusion, meeting, actor=current_user))
    except EcabinetError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The notice was sent to the units."), "success")
    return redirect(url_for("conclusions.view", meeting_id=meeting.id))
