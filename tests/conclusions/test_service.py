"""The notice's workflow without HTTP: draft from the record, submit, return, sign, issue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from ecabinet.conclusions import issuing, service
from ecabinet.conclusions.errors import Incomplete, SigningFailed, WrongState
from ecabinet.conclusions.models import ConclusionStatus
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from signing import verify_pdf

NOW = dt.datetime(2026, 3, 5, 3, 15, tzinfo=dt.UTC)  # 10:15 on 5 March 2026 in Hà Nội


def draft_data(world, text="<p>Thống nhất với <b>báo cáo</b>.</p>") -> service.DraftData:
    department = world.units["department"].id
    ward = world.units["ward"].id
    return service.DraftData(
        chaired_by="đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh",
        attended_by="các thành viên UBND tỉnh.",
        sections=(service.SectionData(
            world.item.title, text, world.item.id,
            (service.TaskData(department, (ward,), "Hoàn thiện báo cáo, trình UBND tỉnh.",
                              dt.date(2026, 3, 31)),)),),
        recipient_unit_ids=(department, ward))


def submitted(world):
    conclusion = service.start_draft(world.meeting, actor=world.users["secretariat"])
    service.save_draft(conclusion, draft_data(world), actor=world.users["secretariat"])
    return service.submit_draft(conclusion, actor=world.users["secretariat"])


def signed(world, keys, when=NOW):
    conclusion = submitted(world)
    return issuing.sign_conclusion(conclusion, world.meeting, keys.chair,
                                   actor=world.users["chair"], now=when)


def test_start_draft_takes_agenda_chair_and_units_from_the_record(world):
    conclusion = service.start_draft(world.meeting, actor=world.users["secretariat"])
    assert conclusion.status == ConclusionStatus.DRAFT
    assert [s.title for s in conclusion.sections] == [world.item.title]
    assert "Nguyễn Văn Hùng" in conclusion.chaired_by
    assert "Phạm Quốc Bảo" in conclusion.attended_by  # invited; no room: everyone invited


def test_start_draft_twice_is_refused(world):
    service.start_draft(world.meeting, actor=None)
    with pytest.raises(WrongState):
        service.start_draft(world.meeting, actor=None)


def test_start_draft_of_a_draft_meeting_is_refused(world):
    assert world.draft.status == MeetingStatus.DRAFT
    with pytest.raises(WrongState):
        service.start_draft(world.draft, actor=None)


def test_save_draft_sanitises_rich_text(world):
    conclusion = service.start_draft(world.meeting, actor=None)
    dirty = ('<p onclick="x()">Một <b>hai</b> <i>ba</i> <u>bốn</u></p><script>alert(1)</script>'
             '<ol><li>Mục <a href="javascript:x">một</a></li></ol><img src=x onerror=y>')
    service.save_draft(conclusion, draft_data(world, dirty), actor=None)
    html = conclusion.sections[0].text_html
    assert html == "<p>Một <b>hai</b> <i>ba</i> bốn</p><ol><li>Mục một</li></ol>"


def test_plain_text_becomes_paragraphs(world):
    conclusion = service.start_draft(world.meeting, actor=None)
    service.save_draft(conclusion, draft_data(world, "Đoạn một.\n\nĐoạn <hai> & ba."), actor=None)
    assert conclusion.sections[0].text_html == "<p>Đoạn một.</p><p>Đoạn &lt;hai&gt; &amp; ba.</p>"


def test_save_draft_with_a_stale_revision_is_refused(world):
    conclusion = service.start_draft(world.meeting, actor=None)
    service.save_draft(conclusion, draft_data(world), actor=None, revision=1)
    with pytest.raises(WrongState):
        service.save_draft(conclusion, draft_data(world), actor=None, revision=1)


def test_submit_without_text_or_recipients_is_refused(world):
    conclusion = service.start_draft(world.meeting, actor=None)
    with pytest.raises(Incomplete):
        service.submit_draft(conclusion, actor=None)
    assert conclusion.status == ConclusionStatus.DRAFT


def test_chair_returns_with_comment_and_secretariat_edits_again(world):
    conclusion = submitted(world)
    with pytest.raises(Incomplete):
        service.return_draft(conclusion, "  ", actor=world.users["chair"])
    service.return_draft(conclusion, "Bổ sung thời hạn.", actor=world.users["chair"])
    assert conclusion.status == ConclusionStatus.RETURNED
    assert conclusion.return_comment == "Bổ sung thời hạn."
    service.save_draft(conclusion, draft_data(world), actor=None)
    service.submit_draft(conclusion, actor=None)
    assert conclusion.status == ConclusionStatus.SUBMITTED and conclusion.return_comment == ""


def test_editing_a_submitted_notice_is_refused(world):
    conclusion = submitted(world)
    with pytest.raises(WrongState):
        service.save_draft(conclusion, draft_data(world), actor=None)


def test_sign_then_issue_gives_number_date_and_two_valid_steps(world, keys):
    conclusion = signed(world, keys)
    assert conclusion.status == ConclusionStatus.SIGNED and conclusion.number is None
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal,
                             actor=world.users["clerk"], now=NOW + dt.timedelta(hours=2))
    db.session.expire_all()
    conclusion = service.conclusion_of(world.meeting)
    assert (conclusion.status, conclusion.number, conclusion.year) == (
        ConclusionStatus.ISSUED, 1, 2026)
    report = verify_pdf(conclusion.issued_pdf, [keys.root.certificate],
                        moment=NOW + dt.timedelta(hours=3))
    assert report.ok, report
    assert [s.field for s in report.signatures] == ["signer", "marks", "seal"]
    assert report.signatures[-1].covers_whole_file


def test_sign_with_a_certificate_not_valid_now_is_refused_and_nothing_changes(world, keys):
    conclusion = submitted(world)
    with pytest.raises(SigningFailed) as caught:
        issuing.sign_conclusion(conclusion, world.meeting, keys.chair,
                                actor=world.users["chair"], now=dt.datetime(2040, 1, 1,
                                                                            tzinfo=dt.UTC))
    assert "Chứng thư số" in str(caught.value.message)
    assert conclusion.status == ConclusionStatus.SUBMITTED and conclusion.signed_pdf is None


def test_issue_before_signing_is_refused(world, keys):
    conclusion = submitted(world)
    with pytest.raises(WrongState):
        issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None, now=NOW)


def test_issue_twice_is_refused_and_keeps_the_number(world, keys):
    conclusion = signed(world, keys)
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None, now=NOW)
    with pytest.raises(WrongState):
        issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None, now=NOW)
    assert service.conclusion_of(world.meeting).number == 1


def test_issued_pdf_keeps_pdfa_identification(world, keys):
    conclusion = signed(world, keys)
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None, now=NOW)
    reader = PdfReader(io.BytesIO(service.conclusion_of(world.meeting).issued_pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    # PDF/A-3b, not -2b: the embedded meeting record is JSON, which PDF/A-2 does not allow
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3<" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B<" in xmp


WALK_STATES = {"conclusions.edit": ConclusionStatus.DRAFT,
               "conclusions.submit": ConclusionStatus.DRAFT,
               "conclusions.sign": ConclusionStatus.SUBMITTED,
               "conclusions.return_draft": ConclusionStatus.SUBMITTED,
               "conclusions.issue": ConclusionStatus.SIGNED}


def walk_conclusion_meeting(world, endpoint: str) -> int:
    """For the authorisation walk: the clerk becomes the body's clerk (who issues its notices),
    and the published meeting gets a notice in the state the endpoint starts from."""
    from ecabinet.accounts.models import RoleAssignment, RoleKind

    world.users["clerk"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                     unit_id=world.units["province"].id))
    if endpoint != "conclusions.start":
        conclusion = service.start_draft(world.meeting, actor=None)
        conclusion.status = WALK_STATES.get(endpoint, ConclusionStatus.DRAFT)
    db.session.commit()
    return world.meeting.id


FOLLOWUP_ENDPOINTS = frozenset({
    "conclusions.inbox", "conclusions.received", "conclusions.received_pdf",
    "conclusions.acknowledge", "conclusions.download", "conclusions.dispatch_status",
    "conclusions.resend", "conclusions.tasks_list", "conclusions.task",
    "conclusions.accept_task", "conclusions.reopen_task", "conclusions.report_file",
    "conclusions.follow_up", "conclusions.unit_webhook"})


def walk_followup_args(world) -> dict:
    """For the walk: the published meeting's notice dispatched (rows written directly, no
    signing) to the department (whose clerk is "clerk") and the ward, whose clerk is
    "outsider" here: a clerk of another unit; one report with a file on the task."""
    import hashlib

    from ecabinet.accounts.models import RoleAssignment, RoleKind
    from ecabinet.conclusions import dispatch, webhooks
    from ecabinet.conclusions.models import TaskReport
    from ecabinet.documents import storage

    world.users["outsider"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                        unit_id=world.units["ward"].id))
    conclusion = service.conclusion_of(world.meeting)
    service.save_draft(conclusion, draft_data(world), actor=None)
    pdf = b"%PDF-1.7\n% walk\n"
    conclusion.status, conclusion.issued_pdf = ConclusionStatus.ISSUED, pdf
    conclusion.issued_sha256 = hashlib.sha256(pdf).hexdigest()
    conclusion.number, conclusion.year, conclusion.issued_at = 1, 2026, NOW
    db.session.commit()
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
    row = next(d for d in dispatch.dispatches_of(conclusion)
               if d.unit_id == world.units["department"].id)
    task = conclusion.sections[0].tasks[0]
    task.cooperating_unit_ids = []  # the ward (outsider's unit) has no part in it here
    report = TaskReport(task_id=task.id, kind="progress", text="", file_name="a.pdf",
                        file_sha256=storage.store_file(pdf))
    db.session.add(report)
    db.session.commit()
    return {"meeting_id": world.meeting.id, "dispatch_id": row.id, "task_id": task.id,
            "report_id": report.id, "token": webhooks.token_for(row.id,
                                                                conclusion.issued_sha256)}
