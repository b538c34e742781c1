"""Drafting the notice and its workflow: draft → submitted → returned / signed → issued.

Signing and issuing are in :mod:`ecabinet.conclusions.issuing`. Functions here take model
objects and a keyword-only ``actor``; they check the state, change rows, write the audit entry
and commit. Permissions were checked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.audit import service as audit
from ecabinet.conclusions import record as records
from ecabinet.conclusions.errors import Incomplete, WrongState
from ecabinet.conclusions.models import (
    EDITABLE,
    Conclusion,
    ConclusionRecipient,
    ConclusionSection,
    ConclusionStatus,
    ConclusionTask,
)
from ecabinet.conclusions.render import Notice, Section, Task, render_notice
from ecabinet.conclusions.sanitize import clean_html
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus

# A meeting is concluded once it took place (or at least was published and held without the room).
CONCLUDABLE = frozenset({MeetingStatus.PUBLISHED, MeetingStatus.FINISHED})
STATUS_LABELS = {
    ConclusionStatus.DRAFT: _l("Draft"),
    ConclusionStatus.SUBMITTED: _l("Waiting for the chair's signature"),
    ConclusionStatus.RETURNED: _l("Returned by the chair"),
    ConclusionStatus.SIGNED: _l("Signed, waiting to be issued"),
    ConclusionStatus.ISSUED: _l("Issued"),
    ConclusionStatus.DISPATCHED: _l("Dispatched"),
}


@dataclass(frozen=True)
class TaskData:
    responsible_unit_id: int
    cooperating_unit_ids: tuple[int, ...]
    content: str
    deadline: date | None


@dataclass(frozen=True)
class SectionData:
    title: str
    text: str
    """HTML or plain text; sanitised on saving."""
    agenda_item_id: int | None = None
    tasks: tuple[TaskData, ...] = ()


@dataclass(frozen=True)
class DraftData:
    chaired_by: str
    attended_by: str
    sections: tuple[SectionData, ...]
    recipient_unit_ids: tuple[int, ...]


def conclusion_of(meeting: Meeting) -> Conclusion | None:
    return db.session.execute(
        select(Conclusion).where(Conclusion.meeting_id == meeting.id)).scalar_one_or_none()


def _check(conclusion: Conclusion, allowed, step) -> None:
    if conclusion.status not in allowed:
        raise WrongState(_l("Cannot %(step)s the notice: it is %(state)s.", step=step,
                            state=STATUS_LABELS[conclusion.status]))


def _chair_words(meeting: Meeting) -> str:
    record = records.read_record(meeting)
    if not record.chair_name:
        return ""
    position = f", {record.chair_position}" if record.chair_position else ""
    return f"đồng chí {record.chair_name}{position}"


def _attended_words(meeting: Meeting) -> str:
    """Those present according to the room; without the room, everyone invited but the chair."""
    record = records.read_record(meeting)
    people = [a for a in record.attendees if a.role not in ("Chủ trì", "Thư ký")
              and (a.present or a.deputy or not record.recorded)]
    names = [f"đồng chí {a.name}" + (f", {a.position}" if a.position else "") for a in people]
    units = [u.unit.name for u in meeting.invited_units]
    return "; ".join(names + [f"đại diện {u}" for u in units]) + ("." if names or units else "")


def start_draft(meeting: Meeting, *, actor) -> Conclusion:
    """Create the draft from the record: chair, attendance, one section per agenda item, and
    the meeting's invited units as recipients.

    :raises WrongState: the meeting was not held (draft, cancelled …) or has a notice already.
    """
    if meeting.status not in CONCLUDABLE:
        raise WrongState(_l("A notice is drafted once the meeting is published or finished."))
    if conclusion_of(meeting) is not None:
        raise WrongState(_l("This meeting already has a conclusion notice."))
    conclusion = Conclusion(meeting_id=meeting.id, body_id=meeting.body_id,
                            status=ConclusionStatus.DRAFT, chaired_by=_chair_words(meeting),
                            attended_by=_attended_words(meeting))
    conclusion.sections = [ConclusionSection(agenda_item_id=item.id, position=n, title=item.title)
                           for n, item in enumerate(meeting.agenda)]
    conclusion.recipients = [ConclusionRecipient(unit_id=u.unit_id, position=n)
                             for n, u in enumerate(meeting.invited_units)]
    db.session.add(conclusion)
    db.session.flush()
    audit.record("conclusion.drafted", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"meeting": meeting.id})
    db.session.commit()
    return conclusion


def _check_units(unit_ids) -> None:
    known = accounts.get_units(unit_ids)
    if set(unit_ids) - set(known):
        raise Incomplete(_l("A unit chosen does not exist."))


def save_draft(conclusion: Conclusion, data: DraftData, *, actor,
               revision: int | None = None) -> Conclusion:
    """Replace the draft's content with ``data`` (rich text sanitised).

    :raises WrongState: the notice is with the chair or signed.
    :raises Incomplete: a task without a responsible unit or content, an unknown unit.
    """
    _check(conclusion, EDITABLE, _l("edit"))
    if revision is not None and revision != conclusion.revision:
        raise WrongState(_l("Someone else saved the notice meanwhile; reload it and edit again."))
    unit_ids = set(data.recipient_unit_ids)
    for section in data.sections:
        for task in section.tasks:
            if not task.content.strip():
                raise Incomplete(_l("Each task needs its content."))
            unit_ids |= {task.responsible_unit_id, *task.cooperating_unit_ids}
    _check_units(unit_ids)
    conclusion.chaired_by = data.chaired_by.strip()
    conclusion.attended_by = data.attended_by.strip()
    conclusion.sections = [
        ConclusionSection(
            agenda_item_id=s.agenda_item_id, position=n, title=s.title.strip()[:500],
            text_html=clean_html(s.text),
            tasks=[ConclusionTask(responsible_unit_id=t.responsible_unit_id,
                                  cooperating_unit_ids=[u for u in t.cooperating_unit_ids
                                                        if u != t.responsible_unit_id],
                                  content=t.content.strip(), deadline=t.deadline)
                   for t in s.tasks])
        for n, s in enumerate(data.sections)]
    # keep the rows of units still chosen: a new row for the same unit would be inserted
    # before the old one is deleted, against the unique constraint
    kept = {r.unit_id: r for r in conclusion.recipients}
    conclusion.recipients = [kept.get(u) or ConclusionRecipient(unit_id=u)
                             for u in dict.fromkeys(data.recipient_unit_ids)]
    for n, row in enumerate(conclusion.recipients):
        row.position = n
    conclusion.revision += 1
    audit.record("conclusion.edited", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"revision": conclusion.revision})
    db.session.commit()
    return conclusion


def submit_draft(conclusion: Conclusion, *, actor) -> Conclusion:
    """Send the draft to the chair.

    :raises Incomplete: no section with text, or nobody in "Nơi nhận".
    """
    _check(conclusion, EDITABLE, _l("send"))
    if not any(s.text_html for s in conclusion.sections):
        raise Incomplete(_l("Write the conclusion of at least one item first."))
    if not conclusion.recipients:
        raise Incomplete(_l("Choose the units the notice goes to (Nơi nhận)."))
    if not conclusion.chaired_by:
        raise Incomplete(_l("Say who chaired the meeting."))
    conclusion.status = ConclusionStatus.SUBMITTED
    conclusion.return_comment = ""
    audit.record("conclusion.submitted", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"revision": conclusion.revision})
    db.session.commit()
    return conclusion


def return_draft(conclusion: Conclusion, comment: str, *, actor) -> Conclusion:
    """The chair sends the draft back with a comment.

    :raises Incomplete: without a comment.
    """
    _check(conclusion, {ConclusionStatus.SUBMITTED}, _l("return"))
    comment = (comment or "").strip()
    if not comment:
        raise Incomplete(_l("Say what should change before the notice is signed."))
    conclusion.status = ConclusionStatus.RETURNED
    conclusion.return_comment = comment[:2000]
    audit.record("conclusion.returned", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"comment": conclusion.return_comment})
    db.session.commit()
    return conclusion


def _date_words(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def notice_of(conclusion: Conclusion, meeting: Meeting, *, signer_name: str | None = None,
              signer_position: str | None = None) -> Notice:
    """Everything the PDF prints, in words (unit names looked up once)."""
    ids = {r.unit_id for r in conclusion.recipients}
    for section in conclusion.sections:
        for task in section.tasks:
            ids |= {task.responsible_unit_id, *task.cooperating_unit_ids}
    units = accounts.get_units(ids)
    name = lambda unit_id: units[unit_id].name if unit_id in units else "?"  # noqa: E731
    body = meeting.body
    record = records.read_record(meeting)
    return Notice(
        parent_name=body.parent.name if body.parent else "",
        body_name=body.name, place_name=body.place_name, abbreviation=body.abbreviation,
        meeting_title=meeting.title, meeting_start=meeting.starts_at,
        meeting_place=meeting.place, chaired_by=conclusion.chaired_by,
        attended_by=conclusion.attended_by,
        sections=tuple(Section(s.title, s.text_html, tuple(
            Task(name(t.responsible_unit_id), tuple(name(u) for u in t.cooperating_unit_ids),
                 t.content, _date_words(t.deadline)) for t in s.tasks))
            for s in conclusion.sections if s.title or s.text_html),
        recipients=tuple(name(r.unit_id) for r in conclusion.recipients),
        signer_name=signer_name if signer_name is not None else record.chair_name,
        signer_position=signer_position if signer_position is not None
        else record.chair_position,
        archive_code=body.short_name or "VP",
        record=record,
    )


def current_pdf(conclusion: Conclusion, meeting: Meeting) -> bytes:
    """The issued file, else the signed one, else a fresh rendering of the draft."""
    if conclusion.issued_pdf:
        return conclusion.issued_pdf
    if conclusion.signed_pdf:
        return conclusion.signed_pdf
    return render_notice(notice_of(conclusion, meeting))[0]


def to_issue_for(user) -> list[Conclusion]:
    """Signed notices of the bodies the user is clerk of, oldest first."""
    from ecabinet.accounts.models import RoleKind

    bodies = user.unit_ids_for(RoleKind.CLERK)
    if not bodies:
        return []
    return list(db.session.execute(
        select(Conclusion).where(Conclusion.body_id.in_(bodies),
                                 Conclusion.status.in_([ConclusionStatus.SIGNED,
                                                        ConclusionStatus.ISSUED,
                                                        ConclusionStatus.DISPATCHED]))
        .order_by(Conclusion.status.desc(), Conclusion.signed_at)).scalars())

