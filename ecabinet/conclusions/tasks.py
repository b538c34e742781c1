"""Following the tasks a notice assigns (theo dõi thực hiện kết luận).

Once the notice is dispatched, each task is in its responsible unit's list: the unit's clerk
reports progress (text, and a file checked like any upload) and marks it done; the
secretariat accepts it or reopens it. Each co-operating unit has the task in its list too and
reports its own part beside the leading unit's, without closing the task. The periodic
reminders (``worker.py``) tell the unit ``CONCLUSION_TASK_DUE_SOON_DAYS`` days before the
deadline and on the day after it passed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.audit import service as audit
from ecabinet.conclusions.errors import Incomplete, WrongState
from ecabinet.conclusions.models import (
    Conclusion,
    ConclusionDispatch,
    ConclusionSection,
    ConclusionStatus,
    ConclusionTask,
    TaskReport,
    TaskStatus,
)
from ecabinet.conclusions.numbering import number_text
from ecabinet.core.timeutil import to_local, utcnow
from ecabinet.documents import service as documents
from ecabinet.documents import storage
from ecabinet.documents.errors import UploadRefused
from ecabinet.documents.pdfcheck import REASON_MESSAGES, PdfLimits, PdfRefusedError, sanitize_pdf
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.notify import messages
from ecabinet.notify import service as notify

DUE, OVERDUE, REPORTED, REOPENED = ("conclusion_task_due", "conclusion_task_overdue",
                                    "conclusion_task_reported", "conclusion_task_reopened")
messages.TEXTS.update({
    DUE: _l("The task “%(task)s” (notice %(number)s) is due on %(deadline)s."),
    OVERDUE: _l("The task “%(task)s” (notice %(number)s) passed its deadline, %(deadline)s."),
    REPORTED: _l("%(unit)s reported on the task “%(task)s” (notice %(number)s)."),
    REOPENED: _l("The secretariat reopened the task “%(task)s” (notice %(number)s): "
                 "%(comment)s"),
})
for _kind in (DUE, OVERDUE, REPORTED, REOPENED):
    messages.CONFIDENTIAL_TEXTS[_kind] = _l("A task of a conclusion notice needs attention.")
FOLLOWED = (ConclusionStatus.DISPATCHED,)
TEXT_MAX = 4000


def _due_soon_days() -> int:
    return int(current_app.config.get("CONCLUSION_TASK_DUE_SOON_DAYS") or 3)


def today(now: datetime | None = None) -> date:
    return to_local(now or utcnow()).date()


def conclusion_of_task(task: ConclusionTask) -> Conclusion:
    return task.section.conclusion


def get_task(task_id: int) -> ConclusionTask | None:
    task = db.session.get(ConclusionTask, task_id)
    if task is None or conclusion_of_task(task).status not in FOLLOWED:
        return None
    return task


def get_report(task: ConclusionTask, report_id: int) -> TaskReport | None:
    report = db.session.get(TaskReport, report_id)
    return report if report is not None and report.task_id == task.id else None


def _followed():
    return (select(ConclusionTask).join(ConclusionSection).join(Conclusion)
            .where(Conclusion.status.in_(FOLLOWED)))


def tasks_of_units(unit_ids) -> list[ConclusionTask]:
    """The tasks these units lead or co-operate on, soonest deadline first (none last).

    The co-operating units are a JSON list, not a column a query can join portably: they are
    looked up among the tasks of the notices dispatched to these units (every unit a task
    names is among the notice's recipients)."""
    ids = set(unit_ids)
    if not ids:
        return []
    led = db.session.execute(_followed().where(
        ConclusionTask.responsible_unit_id.in_(ids))).scalars()
    received = select(ConclusionDispatch.conclusion_id).where(
        ConclusionDispatch.unit_id.in_(ids))
    helped = db.session.execute(_followed().where(
        Conclusion.id.in_(received), ConclusionTask.responsible_unit_id.not_in(ids))).scalars()
    rows = {t.id: t for t in led}
    rows.update((t.id, t) for t in helped if ids & set(t.cooperating_unit_ids or []))
    return sorted(rows.values(), key=lambda t: (t.status != TaskStatus.OPEN,
                                                t.deadline or date.max, t.id))


def tasks_of_bodies(body_ids) -> list[ConclusionTask]:
    ids = list(body_ids)
    if not ids:
        return []
    rows = db.session.execute(_followed().where(Conclusion.body_id.in_(ids))).scalars()
    return sorted(rows, key=lambda t: (t.deadline or date.max, t.id))


def state_of(task: ConclusionTask, day: date) -> str:
    """done | overdue | due_soon | open: where the task stands on ``day``."""
    if task.status in (TaskStatus.DONE, TaskStatus.ACCEPTED):
        return "done"
    if task.deadline and task.deadline < day:
        return "overdue"
    if task.deadline and task.deadline <= day + timedelta(days=_due_soon_days()):
        return "due_soon"
    return "open"


@dataclass
class UnitRow:
    unit: object
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("open", "due_soon", "overdue", "done"), 0))


def dashboard(tasks: list[ConclusionTask], day: date) -> list[UnitRow]:
    """Per responsible unit: open / due soon / overdue / done, units with overdue first."""
    units = accounts.get_units({t.responsible_unit_id for t in tasks})
    rows: dict[int, UnitRow] = {}
    for task in tasks:
        row = rows.setdefault(task.responsible_unit_id,
                              UnitRow(units.get(task.responsible_unit_id)))
        row.counts[state_of(task, day)] += 1
    return sorted(rows.values(), key=lambda r: (-r.counts["overdue"], -r.counts["due_soon"],
                                                getattr(r.unit, "name", "")))


def _params(task: ConclusionTask, **extra) -> dict:
    conclusion = conclusion_of_task(task)
    meeting = meetings.get_meeting(conclusion.meeting_id)
    return {"meeting_id": meeting.id, "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "number": number_text(conclusion.number or 0, meeting.body.abbreviation),
            "task": task.content[:120],
            "deadline": f"{task.deadline:%d/%m/%Y}" if task.deadline else "", **extra}, meeting


def _check_open(task: ConclusionTask) -> None:
    if task.status != TaskStatus.OPEN:
        raise WrongState(_l("The task was reported done; the secretariat accepts or reopens "
                            "it."))


def check_attachment(upload: documents.UploadedFile) -> bytes:
    """The same check as a meeting document's upload: converted when it is an office file,
    then sanitised in the limited child; a refusal says why in words.

    :raises UploadRefused: naming the file and the reason.
    """
    max_bytes = int(current_app.config.get("MAX_CONTENT_LENGTH") or PdfLimits.max_bytes)
    data = upload.data
    if documents.needs_conversion(upload.filename) and data:
        data = documents.convert_to_pdf(upload.filename, data, max_bytes=max_bytes)
    try:
        return sanitize_pdf(data, limits=PdfLimits(max_bytes=max_bytes)).pdf
    except PdfRefusedError as exc:
        raise UploadRefused(_l(REASON_MESSAGES[exc.code]), filename=upload.filename,
                            reason=exc.code) from exc


def report(task: ConclusionTask, text: str, upload: documents.UploadedFile | None, *,
           done: bool, actor, unit_id: int | None = None,
           now: datetime | None = None) -> TaskReport:
    """A unit's report: the leading unit's progress, or that the task is done (then the
    secretariat decides); a co-operating unit's report on its own part, which neither closes
    the task nor stands for the leading unit's. ``unit_id`` is the reporting unit (the
    leading one when None).

    :raises WrongState: the task waits for the secretariat or is accepted, the unit has no
        part in it, or a co-operating unit would report it done.
    :raises Incomplete: neither text nor file.
    :raises UploadRefused: the file failed the upload check (nothing is saved).
    """
    _check_open(task)
    unit_id = task.responsible_unit_id if unit_id is None else unit_id
    leading = unit_id == task.responsible_unit_id
    if not leading and unit_id not in (task.cooperating_unit_ids or []):
        raise WrongState(_l("Unit %(unit)s has no part in task %(task)d.", unit=unit_id,
                            task=task.id))
    if done and not leading:
        raise WrongState(_l("A co-operating unit reports its own part; the leading unit "
                            "reports the task done."))
    text = (text or "").strip()[:TEXT_MAX]
    if not text and upload is None:
        raise Incomplete(_l("Write what was done, or attach a file."))
    sha, name = None, ""
    if upload is not None:
        pdf = check_attachment(upload)
        sha, name = storage.store_file(pdf), documents.sanitize_filename(upload.filename)
        if not name.lower().endswith(".pdf"):
            name = name.rsplit(".", 1)[0] + ".pdf"
    now = now or utcnow()
    kind = ("done" if done else "progress") if leading else "cooperating"
    row = TaskReport(task_id=task.id, author_id=getattr(actor, "id", None), unit_id=unit_id,
                     kind=kind, text=text, file_sha256=sha, file_name=name)
    db.session.add(row)
    if done:
        task.status, task.done_at = TaskStatus.DONE, now
    audit.record("conclusion.task_reported", actor=actor, object_type="conclusion_task",
                 object_id=task.id, details={"done": done, "file": bool(sha),
                                             "unit_id": unit_id, "leading": leading})
    db.session.commit()
    unit = accounts.get_unit(unit_id)
    params, meeting = _params(task, unit=unit.name)
    secretariat = accounts.users_with_role(RoleKind.SECRETARIAT,
                                           conclusion_of_task(task).body_id)
    notify.notify(secretariat, REPORTED, params=params, url=f"/tasks/{task.id}",
                  meeting=meeting, mail=False)
    return row


def accept(task: ConclusionTask, *, actor, now: datetime | None = None) -> ConclusionTask:
    """:raises WrongState: the unit has not reported the task done."""
    if task.status != TaskStatus.DONE:
        raise WrongState(_l("Only a task reported done can be accepted."))
    now = now or utcnow()
    task.status, task.accepted_at = TaskStatus.ACCEPTED, now
    task.accepted_by_id = getattr(actor, "id", None)
    db.session.add(TaskReport(task_id=task.id, author_id=task.accepted_by_id, kind="accepted",
                              text="", file_name=""))
    audit.record("conclusion.task_accepted", actor=actor, object_type="conclusion_task",
                 object_id=task.id)
    db.session.commit()
    return task


def reopen(task: ConclusionTask, comment: str, *, actor) -> list:
    """Send the task back to the unit with a comment; return the notifications.

    :raises WrongState: the task is still open.
    :raises Incomplete: without a comment.
    """
    if task.status == TaskStatus.OPEN:
        raise WrongState(_l("The task is still open."))
    comment = (comment or "").strip()[:TEXT_MAX]
    if not comment:
        raise Incomplete(_l("Say what remains to be done."))
    task.status, task.done_at, task.accepted_at, task.accepted_by_id = (TaskStatus.OPEN, None,
                                                                       None, None)
    task.reminded_overdue_on = None
    db.session.add(TaskReport(task_id=task.id, author_id=getattr(actor, "id", None),
                              kind="reopened", text=comment, file_name=""))
    audit.record("conclusion.task_reopened", actor=actor, object_type="conclusion_task",
                 object_id=task.id, details={"comment": comment})
    db.session.commit()
    params, meeting = _params(task, comment=comment[:200])
    return notify.notify_unit_clerks([task.responsible_unit_id], REOPENED, params=params,
                                     url=f"/tasks/{task.id}", meeting=meeting)


def remind_tasks(now: datetime | None = None) -> list:
    """The periodic reminders: due soon (once), and overdue on the first day after the
    deadline (once, to the unit and the body's secretariat); return the notifications."""
    day = today(now)
    soon = day + timedelta(days=_due_soon_days())
    rows = list(db.session.execute(_followed().where(
        ConclusionTask.status == TaskStatus.OPEN, ConclusionTask.deadline.is_not(None),
        ConclusionTask.deadline <= soon)).scalars())
    due, overdue = [], []
    for task in rows:
        if task.deadline < day and task.reminded_overdue_on is None:
            task.reminded_overdue_on = day
            overdue.append(task)
        elif task.deadline >= day and task.reminded_soon_on is None:
            task.reminded_soon_on = day
            due.append(task)
    if not due and not overdue:
        return []
    audit.record("conclusion.tasks_reminded", actor=None, object_type="conclusion_task",
                 object_id=None, details={"due": [t.id for t in due],
                                          "overdue": [t.id for t in overdue]})
    db.session.commit()
    notes = []
    for kind, group in ((DUE, due), (OVERDUE, overdue)):
        for task in group:
            params, meeting = _params(task)
            notes += notify.notify_unit_clerks([task.responsible_unit_id], kind, params=params,
                                               url=f"/tasks/{task.id}", meeting=meeting)
            if kind == OVERDUE:
                secretariat = accounts.users_with_role(RoleKind.SECRETARIAT,
                                                       conclusion_of_task(task).body_id)
                notes += notify.notify(secretariat, kind, params=params,
                                       url=f"/tasks/{task.id}", meeting=meeting, mail=False)
    return notes


def overdue_tasks(day: date, body_id: int) -> list[ConclusionTask]:
    """Tasks of the body's notices that are past their deadline and not done."""
    return [t for t in tasks_of_bodies([body_id]) if state_of(t, day) == "overdue"]


def unit_names(tasks: list[ConclusionTask]) -> dict[int, str]:
    ids = {t.responsible_unit_id for t in tasks}
    for task in tasks:
        ids |= set(task.cooperating_unit_ids or [])
    return {k: u.name for k, u in accounts.get_units(ids).items()}


def last_reports(tasks: list[ConclusionTask]) -> dict[int, TaskReport]:
    """Per task, the leading unit's last report."""
    found: dict[int, TaskReport] = {}
    for task in tasks:
        progress = [r for r in task.reports if r.kind in ("progress", "done")]
        if progress:
            found[task.id] = progress[-1]
    return found


def last_cooperating_reports(tasks: list[ConclusionTask]) -> dict[int, list[TaskReport]]:
    """Per task, each co-operating unit's last report, in the order the notice names them."""
    found: dict[int, list[TaskReport]] = {}
    for task in tasks:
        last = {r.unit_id: r for r in task.reports if r.kind == "cooperating"}
        rows = [last[u] for u in (task.cooperating_unit_ids or []) if u in last]
        if rows:
            found[task.id] = rows
    return found


def grouped_by_notice(tasks: list[ConclusionTask]) -> dict[int, list[ConclusionTask]]:
    found: dict[int, list[ConclusionTask]] = defaultdict(list)
    for task in tasks:
        found[conclusion_of_task(task).id].append(task)
    return found

