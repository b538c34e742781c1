"""Numbers are given at issue, per body and year from 01, without gaps or duplicates, also when
clerks issue at the same moment (threads, each with its own connection)."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from ecabinet.conclusions import issuing, service
from ecabinet.conclusions.models import Conclusion, ConclusionStatus
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole
from tests.conclusions.test_service import NOW, draft_data


def _run_in_threads(app, count: int, work) -> list:
    results, errors = [None] * count, []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[n] = work(n)
            except Exception as exc:  # noqa: BLE001 - reported below, with the thread's number
                errors.append((n, exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_concurrent_numbers_are_unique_and_abandoned_ones_leave_no_gap(app, world):
    body = world.units["province"].id

    def take(n: int) -> int | None:
        number = issuing.next_number(body, 2026)
        if n % 3 == 0:  # an issue that fails after taking its number gives it back
            db.session.rollback()
            return None
        db.session.commit()
        return number

    taken = [n for n in _run_in_threads(app, 9, take) if n is not None]
    assert sorted(taken) == list(range(1, 7))
    assert issuing.next_number(world.units["ward"].id, 2026) == 1  # per body
    assert issuing.next_number(body, 2027) == 1  # per year, from 01


def _signed_notices(world, keys, count: int) -> list[int]:
    ids = []
    for n in range(count):
        meeting = meetings.create_meeting(
            meetings.MeetingData(body_id=world.units["province"].id, title=f"Họp {n}",
                                 kind=MeetingKind.REGULAR, starts_at=NOW,
                                 ends_at=NOW + dt.timedelta(hours=1)),
            {world.users["chair"].id: ParticipantRole.CHAIR}, actor=None,
            status=MeetingStatus.FINISHED)
        db.session.commit()
        conclusion = service.start_draft(meeting, actor=None)
        service.save_draft(conclusion, draft_data(world), actor=None)
        service.submit_draft(conclusion, actor=None)
        issuing.sign_conclusion(conclusion, meeting, keys.chair, actor=world.users["chair"],
                                now=NOW)
        ids.append(meeting.id)
    return ids


def test_clerks_issuing_at_once_get_01_02_03(app, world, keys):
    meeting_ids = _signed_notices(world, keys, 3)

    def issue(n: int) -> int:
        meeting = meetings.get_meeting(meeting_ids[n])
        conclusion = service.conclusion_of(meeting)
        return issuing.issue_conclusion(conclusion, meeting, keys.seal, actor=None,
                                        now=NOW).number

    assert sorted(_run_in_threads(app, 3, issue)) == [1, 2, 3]
    rows = db.session.execute(select(Conclusion.number, Conclusion.status)).all()
    assert sorted(rows) == [(n, ConclusionStatus.ISSUED) for n in (1, 2, 3)]


def test_same_notice_issued_twice_at_once_uses_one_number(app, world, keys):
    (meeting_id,) = _signed_notices(world, keys, 1)

    def issue(_n: int) -> str:
        meeting = meetings.get_meeting(meeting_id)
        try:
            issuing.issue_conclusion(service.conclusion_of(meeting), meeting, keys.seal,
                                     actor=None, now=NOW)
        except service.WrongState:
            return "refused"
        return "issued"

    assert sorted(_run_in_threads(app, 2, issue)) == ["issued", "refused"]
    assert issuing.next_number(world.units["province"].id, 2026) == 2
