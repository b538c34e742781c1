"""The closed loop: overdue tasks of earlier notices proposed for the body's next meeting, with
the units' last reports in a generated PDF attached to the new agenda item."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ecabinet.conclusions import dispatch, review, tasks
from ecabinet.conclusions.errors import WrongState
from ecabinet.documents import storage
from ecabinet.documents.models import Document
from ecabinet.extensions import db
from tests.conclusions.dispatching import issued
from tests.conclusions.test_service import NOW
from tests.conftest import csrf_token

AFTER = dt.date(2026, 4, 3)  # the task's deadline was 31/03/2026


def _dispatched(world, keys):
    conclusion = issued(world, keys)
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
    return conclusion.sections[0].tasks[0]


def test_overdue_tasks_become_an_agenda_item_with_the_reports_pdf(world, keys):
    task = _dispatched(world, keys)
    tasks.report(task, "Đã tổng hợp số liệu quý I, đang chờ Sở Xây dựng.", None, done=False,
                 actor=world.users["clerk"])
    upcoming = world.draft  # the body's next meeting, being prepared
    assert review.proposal_for(upcoming, dt.date(2026, 3, 20)) is None  # nothing overdue yet
    assert review.proposal_for(upcoming, AFTER) == [task]
    assert review.proposal_for(world.meeting, AFTER) is None  # not the notice's own meeting
    item = review.propose_review_item(upcoming, actor=world.users["secretariat"], day=AFTER)
    assert item.title == "Kiểm điểm tình hình thực hiện kết luận"
    document = db.session.execute(select(Document).where(
        Document.agenda_item_id == item.id)).scalar_one()
    assert document.title == "Báo cáo kiểm điểm tình hình thực hiện kết luận"
    with storage.open_file(document.versions[-1].sha256) as stored:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.readall()))
                       .pages)
    flat = " ".join(text.split())
    assert "Hoàn thiện báo cáo, trình UBND tỉnh." in flat
    assert "Sở Tài chính" in flat and "quá hạn 3 ngày" in flat
    assert "Đã tổng hợp số liệu quý I" in flat
    assert review.proposal_for(upcoming, AFTER) is None  # proposed once
    with pytest.raises(WrongState):
        review.propose_review_item(upcoming, actor=None, day=AFTER)


def test_a_task_done_is_not_proposed(world, keys):
    task = _dispatched(world, keys)
    tasks.report(task, "Xong", None, done=True, actor=world.users["clerk"])
    assert review.proposal_for(world.draft, AFTER) is None


def test_the_meeting_page_offers_it_to_the_secretariat(client, auth, world, keys, monkeypatch):
    _dispatched(world, keys)
    monkeypatch.setattr(tasks, "today", lambda now=None: AFTER)
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.draft.id}").get_data(as_text=True)
    assert "conclusion-review" in page and "Hoàn thiện báo cáo, trình UBND tỉnh." in page
    response = client.post(f"/meetings/{world.draft.id}/conclusion/review-item",
                           data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "Kiểm điểm tình hình thực hiện kết luận" in response.get_data(as_text=True)
    auth.logout()
    auth.login("chair")  # sees the meeting being prepared, but does not prepare it
    page = client.get(f"/meetings/{world.draft.id}")
    assert page.status_code == 200 and "conclusion-review" not in page.get_data(as_text=True)


def test_adding_it_to_a_published_meeting_tells_the_participants(client, auth, world, keys,
                                                                   monkeypatch):
    from ecabinet.meetings.models import MeetingStatus
    from ecabinet.notify.models import Notification

    _dispatched(world, keys)
    monkeypatch.setattr(tasks, "today", lambda now=None: AFTER)
    world.approved.status = MeetingStatus.PUBLISHED
    db.session.commit()
    auth.login("secretariat")
    client.post(f"/meetings/{world.approved.id}/conclusion/review-item",
                data={"csrf_token": csrf_token(client)})
    told = db.session.execute(select(Notification.user_id).where(
        Notification.kind == "meeting_changed",
        Notification.meeting_id == world.approved.id)).scalars().all()
    assert world.users["member"].id in told
