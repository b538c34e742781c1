"""Following the tasks a notice assigns: reports with checked files, accept / reopen, the
dashboard's counts, and the reminders before and after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from ecabinet.conclusions import dispatch, tasks
from ecabinet.conclusions.errors import Incomplete, WrongState
from ecabinet.conclusions.models import TaskStatus
from ecabinet.documents import storage
from ecabinet.documents.errors import UploadRefused
from ecabinet.documents.service import UploadedFile
from ecabinet.extensions import db
from tests.conclusions.dispatching import issued
from tests.conclusions.test_service import NOW
from tests.documents.conftest import one_page

DEADLINE = dt.date(2026, 3, 31)  # of the task in tests.conclusions.test_service.draft_data


def _task(world, keys):
    conclusion = issued(world, keys)
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
    task = conclusion.sections[0].tasks[0]
    assert task.responsible_unit_id == world.units["department"].id
    return task


def _local(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour - 7, tzinfo=dt.UTC)


def test_a_task_is_listed_only_once_dispatched_for_its_unit(world, keys):
    conclusion = issued(world, keys)
    department = world.units["department"].id
    assert tasks.tasks_of_units([department]) == []  # issued, not yet dispatched
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
    listed = tasks.tasks_of_units([department])
    assert [t.content for t in listed] == ["Hoàn thiện báo cáo, trình UBND tỉnh."]
    cooperating = tasks.tasks_of_units([world.units["ward"].id])  # it co-operates
    assert [t.id for t in cooperating] == [t.id for t in listed]
    assert tasks.tasks_of_units([world.units["province"].id]) == []  # no part in it


def _ward_clerk(world):
    from ecabinet.accounts.models import RoleAssignment, RoleKind

    outsider = world.users["outsider"]
    outsider.roles.append(RoleAssignment(role=RoleKind.CLERK, unit_id=world.units["ward"].id))
    db.session.commit()
    return outsider


def test_a_cooperating_unit_reports_its_part_beside_the_leading_units(world, keys):
    task = _task(world, keys)
    ward, ward_clerk = world.units["ward"].id, _ward_clerk(world)
    row = tasks.report(task, "Phường đã rà soát số liệu.", None, done=False, unit_id=ward,
                       actor=ward_clerk)
    assert (row.kind, row.unit_id) == ("cooperating", ward)
    assert task.status == TaskStatus.OPEN
    lead = tasks.report(task, "Đã dự thảo.", None, done=False, actor=world.users["clerk"])
    assert (lead.kind, lead.unit_id) == ("progress", world.units["department"].id)
    assert tasks.last_reports([task]) == {task.id: lead}  # the leading unit's
    assert tasks.last_cooperating_reports([task]) == {task.id: [row]}


def test_a_cooperating_unit_cannot_report_the_task_done(world, keys):
    task = _task(world, keys)
    ward, ward_clerk = world.units["ward"].id, _ward_clerk(world)
    with pytest.raises(WrongState, match="đơn vị chủ trì báo cáo hoàn thành"):
        tasks.report(task, "Xong", None, done=True, unit_id=ward, actor=ward_clerk)
    db.session.refresh(task)
    assert task.reports == [] and task.status == TaskStatus.OPEN


def test_a_unit_without_a_part_in_the_task_cannot_report(world, keys):
    task = _task(world, keys)
    with pytest.raises(WrongState, match="không tham gia nhiệm vụ"):
        tasks.report(task, "Báo cáo", None, done=False, unit_id=world.units["province"].id,
                     actor=world.users["clerk"])


def test_report_with_a_checked_file_then_done_then_accepted(world, keys):
    task = _task(world, keys)
    clerk = world.users["clerk"]
    with pytest.raises(Incomplete):
        tasks.report(task, "  ", None, done=False, actor=clerk)
    row = tasks.report(task, "Đã dự thảo báo cáo.", UploadedFile("bao-cao.pdf", one_page()),
                       done=False, actor=clerk)
    assert row.kind == "progress" and row.file_name == "bao-cao.pdf"
    assert storage.has_file(row.file_sha256)
    assert task.status == TaskStatus.OPEN
    tasks.report(task, "Đã trình UBND tỉnh.", None, done=True, actor=clerk)
    assert task.status == TaskStatus.DONE and task.done_at is not None
    with pytest.raises(WrongState):  # waits for the secretariat now
        tasks.report(task, "Thêm", None, done=False, actor=clerk)
    tasks.accept(task, actor=world.users["secretariat"])
    assert task.status == TaskStatus.ACCEPTED
    assert [r.kind for r in task.reports] == ["progress", "done", "accepted"]


def test_a_file_that_fails_the_upload_check_saves_nothing(world, keys):
    task = _task(world, keys)
    with pytest.raises(UploadRefused) as refused:
        tasks.report(task, "Kèm tệp", UploadedFile("bao-cao.pdf", b"not a pdf at all"),
                     done=True, actor=world.users["clerk"])
    assert "PDF" in str(refused.value.message)
    db.session.refresh(task)
    assert task.reports == [] and task.status == TaskStatus.OPEN


def test_reopen_needs_a_comment_and_tells_the_unit(world, keys):
    task = _task(world, keys)
    with pytest.raises(WrongState):
        tasks.reopen(task, "Chưa đạt", actor=world.users["secretariat"])
    with pytest.raises(WrongState):
        tasks.accept(task, actor=world.users["secretariat"])
    tasks.report(task, "Xong", None, done=True, actor=world.users["clerk"])
    with pytest.raises(Incomplete):
        tasks.reopen(task, " ", actor=world.users["secretariat"])
    notes = tasks.reopen(task, "Bổ sung số liệu quý I.", actor=world.users["secretariat"])
    assert task.status == TaskStatus.OPEN
    assert [(n.user_id, n.kind) for n in notes] == [(world.users["clerk"].id, tasks.REOPENED)]


def test_dashboard_counts_per_unit_by_deadline(world, keys):
    task = _task(world, keys)
    body = [world.units["province"].id]
    department = world.units["department"]

    def counts(day):
        (row,) = tasks.dashboard(tasks.tasks_of_bodies(body), day)
        assert row.unit.id == department.id
        return {k: v for k, v in row.counts.items() if v}

    assert counts(dt.date(2026, 3, 10)) == {"open": 1}
    assert counts(dt.date(2026, 3, 29)) == {"due_soon": 1}
    assert counts(DEADLINE) == {"due_soon": 1}
    assert counts(dt.date(2026, 4, 1)) == {"overdue": 1}
    tasks.report(task, "Xong", None, done=True, actor=world.users["clerk"])
    assert counts(dt.date(2026, 4, 1)) == {"done": 1}


def test_reminders_before_the_deadline_and_the_day_after_it_passed_once_each(world, keys):
    task = _task(world, keys)
    clerk, secretariat = world.users["clerk"].id, world.users["secretariat"].id
    assert tasks.remind_tasks(_local(dt.date(2026, 3, 20))) == []
    due = tasks.remind_tasks(_local(dt.date(2026, 3, 29)))
    assert [(n.user_id, n.kind) for n in due] == [(clerk, tasks.DUE)]
    assert "31/03/2026" in due[0].params
    assert tasks.remind_tasks(_local(dt.date(2026, 3, 30))) == []
    assert tasks.remind_tasks(_local(DEADLINE, 20)) == []  # the last day is not past yet
    overdue = tasks.remind_tasks(_local(dt.date(2026, 4, 1)))
    assert sorted((n.user_id, n.kind) for n in overdue) == sorted(
        [(clerk, tasks.OVERDUE), (secretariat, tasks.OVERDUE)])
    assert tasks.remind_tasks(_local(dt.date(2026, 4, 2))) == []
    assert task.reminded_overdue_on == dt.date(2026, 4, 1)


def test_a_task_done_is_not_reminded(world, keys):
    task = _task(world, keys)
    tasks.report(task, "Xong", None, done=True, actor=world.users["clerk"])
    assert tasks.remind_tasks(_local(dt.date(2026, 4, 5))) == []
