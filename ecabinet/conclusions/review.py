"""The closed loop: when the secretariat prepares the body's next meeting, the tasks of earlier
notices that are overdue are proposed as an agenda item, "Kiểm điểm tình hình thực hiện kết
luận", with the units' last reports in a generated PDF attached to it.

The meeting page shows the proposal (a panel, registered in followup_views.py); accepting it
adds the item through the agenda's service and the PDF through the documents' upload, so the
PDF is checked and stored like any document of the meeting.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from ecabinet.accounts import service as accounts
from ecabinet.audit import service as audit
from ecabinet.conclusions import tasks as followup
from ecabinet.conclusions.errors import WrongState
from ecabinet.conclusions.models import ConclusionTask
from ecabinet.conclusions.numbering import number_text
from ecabinet.conclusions.render import LEFT, _new_pdf, _nfc, _paragraph
from ecabinet.core.timeutil import to_local
from ecabinet.documents import service as documents
from ecabinet.meetings import agenda
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.states import is_editable

REVIEW_TITLE = "Kiểm điểm tình hình thực hiện kết luận"
FILE_NAME = "kiem-diem-thuc-hien-ket-luan.pdf"


def overdue_for(meeting: Meeting, day: date) -> list[ConclusionTask]:
    """Overdue tasks of the body's earlier notices (not this meeting's own)."""
    return [t for t in followup.overdue_tasks(day, meeting.body_id)
            if followup.conclusion_of_task(t).meeting_id != meeting.id]


def has_review_item(meeting: Meeting) -> bool:
    return any(item.title == REVIEW_TITLE for item in meeting.agenda)


def proposal_for(meeting: Meeting, day: date) -> list[ConclusionTask] | None:
    """The overdue tasks to propose, or None when there is nothing to propose."""
    if not is_editable(meeting) or has_review_item(meeting):
        return None
    return overdue_for(meeting, day) or None


def render_review(meeting: Meeting, rows: list[ConclusionTask], day: date) -> bytes:
    """A4 PDF/A: per overdue task, its notice, unit, deadline and the unit's last report."""
    names = followup.unit_names(rows)
    last = followup.last_reports(rows)
    helped = followup.last_cooperating_reports(rows)
    authors = accounts.get_users(r.author_id for r in [*last.values(), *sum(helped.values(), [])]
                                 if r.author_id)
    pdf = _new_pdf(REVIEW_TITLE)
    pdf.add_page()
    pdf.set_font("serif", "B", 14)
    pdf.multi_cell(0, 7, _nfc("BÁO CÁO KIỂM ĐIỂM TÌNH HÌNH THỰC HIỆN KẾT LUẬN"), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "I", 13)
    pdf.multi_cell(0, 7, _nfc(f"{meeting.body.name} · tính đến ngày {day:%d/%m/%Y}"),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _paragraph(pdf, f"Các nhiệm vụ đã quá hạn mà chưa hoàn thành ({len(rows)} nhiệm vụ), đưa "
                    f"vào chương trình cuộc họp {meeting.title} để kiểm điểm.")
    for n, task in enumerate(rows, 1):
        conclusion = followup.conclusion_of_task(task)
        notice = meetings.get_meeting(conclusion.meeting_id)
        number = number_text(conclusion.number or 0, notice.body.abbreviation)
        pdf.ln(2)
        _paragraph(pdf, f"{n}. {task.content}", "B")
        late = (day - task.deadline).days
        _paragraph(pdf, f"Đơn vị chủ trì: {names.get(task.responsible_unit_id, '?')}. "
                        f"Thông báo số {number} ({notice.title}). Thời hạn: "
                        f"{task.deadline:%d/%m/%Y}, quá hạn {late} ngày.")
        report = last.get(task.id)
        if report is None:
            _paragraph(pdf, "Báo cáo gần nhất: đơn vị chưa báo cáo.", "I")
        else:
            who = authors.get(report.author_id)
            _paragraph(pdf, f"Báo cáo gần nhất ({to_local(report.created_at):%d/%m/%Y}"
                            f"{', ' + who.full_name if who else ''}): "
                            f"{report.text or 'kèm tệp ' + report.file_name}", "I")
        for report in helped.get(task.id, []):
            _paragraph(pdf, f"Đơn vị phối hợp {names.get(report.unit_id, '?')} báo cáo "
                            f"({to_local(report.created_at):%d/%m/%Y}): "
                            f"{report.text or 'kèm tệp ' + report.file_name}", "I")
    pdf.set_x(LEFT)
    return bytes(pdf.output())


def propose_review_item(meeting: Meeting, *, actor, day: date | None = None):
    """Add the review item to the meeting's agenda with the generated PDF attached.

    :raises WrongState: the agenda cannot change, the item is there already, or no task of an
        earlier notice is overdue.
    """
    day = day or followup.today()
    if has_review_item(meeting):
        raise WrongState(_l("The agenda already has the review of the conclusions."))
    rows = overdue_for(meeting, day)
    if not rows:
        raise WrongState(_l("No task of an earlier notice is overdue."))
    item = agenda.add_item(meeting, agenda.ItemData(
        REVIEW_TITLE, 20, notes=f"{len(rows)} nhiệm vụ quá hạn tính đến ngày {day:%d/%m/%Y}."),
        actor=actor)
    report = documents.upload_documents(
        meeting, [documents.UploadedFile(FILE_NAME, render_review(meeting, rows, day))],
        actor=actor, agenda_item_id=item.id)
    for accepted in report.accepted:  # the file name has no diacritics; the title should
        documents.rename_document(accepted.document, f"Báo cáo {REVIEW_TITLE[0].lower()}"
                                  f"{REVIEW_TITLE[1:]}", actor=actor)
    audit.record("conclusion.review_proposed", actor=actor, object_type="meeting",
                 object_id=meeting.id, details={"tasks": [t.id for t in rows],
                                                "documents": len(report.accepted)})
    from ecabinet.extensions import db

    db.session.commit()
    return item
