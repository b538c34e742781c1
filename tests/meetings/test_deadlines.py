"""The notice rule of Art. 114: working days without Vietnam's holidays, per-body periods."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from ecabinet.audit.models import AuditEntry
from ecabinet.core.timeutil import LOCAL_ZONE
from ecabinet.extensions import db
from ecabinet.meetings import deadlines
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole
from ecabinet.meetings.rules_models import MeetingPublication


def _meeting(world, starts_local: datetime, kind=MeetingKind.REGULAR,
             status=MeetingStatus.APPROVED):
    start = starts_local.replace(tzinfo=LOCAL_ZONE).astimezone(UTC)
    return meetings.create_meeting(
        meetings.MeetingData(body_id=world.units["province"].id, title="Phiên họp thử",
                             kind=kind, starts_at=start, ends_at=start + timedelta(hours=2)),
        {world.users["chair"].id: ParticipantRole.CHAIR}, actor=None, status=status)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def test_notice_deadline_regular_counts_three_working_days(world):
    meeting = _meeting(world, datetime(2026, 3, 9, 8, 0))  # a Monday
    assert _local(deadlines.notice_deadline(meeting)) == datetime(2026, 3, 4, 0, 0)


def test_notice_deadline_regular_skips_lunar_new_year(world):
    meeting = _meeting(world, datetime(2026, 2, 23, 8, 0))  # Monday after Tết (16-20 Feb)
    assert _local(deadlines.notice_deadline(meeting)) == datetime(2026, 2, 11, 0, 0)


def test_notice_deadline_counts_a_substituted_saturday(world):
    meeting = _meeting(world, datetime(2026, 8, 25, 8, 0))  # Sat 22 Aug 2026 is a working day
    assert _local(deadlines.notice_deadline(meeting)) == datetime(2026, 8, 21, 0, 0)


def test_notice_deadline_thematic_is_one_day(world):
    meeting = _meeting(world, datetime(2026, 3, 9, 8, 0), kind=MeetingKind.THEMATIC)
    assert _local(deadlines.notice_deadline(meeting)) == datetime(2026, 3, 8, 8, 0)


def test_update_rules_changes_deadline_and_is_audited(world):
    meeting = _meeting(world, datetime(2026, 3, 9, 8, 0))
    deadlines.update_rules(world.units["province"].id,
                           deadlines.RulesData(regular_notice_working_days=5),
                           actor=world.users["secretariat"])
    assert _local(deadlines.notice_deadline(meeting)) == datetime(2026, 3, 2, 0, 0)
    entry = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "body_rules.updated")).scalar_one()
    assert entry.object_id == str(world.units["province"].id)


def test_publication_is_late_after_deadline(world):
    meeting = _meeting(world, datetime(2026, 3, 9, 8, 0))
    deadline = deadlines.notice_deadline(meeting)
    assert not deadlines.publication_is_late(meeting, deadline)
    assert deadlines.publication_is_late(meeting, deadline + timedelta(minutes=1))
    assert deadlines.publish_warning(meeting, deadline) is None
    assert "04/03/2026" in str(deadlines.publish_warning(meeting, deadline + timedelta(days=1)))


def test_record_publication_late_keeps_time_and_audits(world):
    meeting = _meeting(world, datetime(2026, 3, 9, 8, 0))
    meeting.published_at = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    assert deadlines.record_publication(meeting, actor=world.users["secretariat"]) is True
    db.session.commit()
    row = db.session.execute(db.select(MeetingPublication)).scalar_one()
    assert row.late and row.published_at == meeting.published_at
    entry = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "meeting.publication")).scalar_one()
    assert json.loads(entry.details)["late"] is True


def test_starts_in_the_past():
    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert deadlines.starts_in_the_past(now - timedelta(minutes=1), now)
    assert not deadlines.starts_in_the_past(now + timedelta(minutes=1), now)


def test_meeting_page_shows_deadline_to_secretariat_only(world, client, auth):
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.meeting.id}").get_data(as_text=True)
    assert 'id="notice-deadline-title"' in page
    auth.logout()
    auth.login("member")
    page = client.get(f"/meetings/{world.meeting.id}").get_data(as_text=True)
    assert 'id="notice-deadline-title"' not in page


def test_rules_page_saves_and_refuses_bad_input(world, client, auth):
    from tests.conftest import csrf_token

    auth.login("secretariat")
    assert client.get("/meeting-rules").status_code == 200
    bad = client.post("/meeting-rules", data={
        "csrf_token": csrf_token(client), "regular_notice_working_days": "99",
        "thematic_notice_days": "1", "extraordinary_notice_days": "1"})
    assert bad.status_code == 422
    assert "0 đến 30" in bad.get_data(as_text=True)
    ok = client.post("/meeting-rules", data={
        "csrf_token": csrf_token(client), "regular_notice_working_days": "4",
        "thematic_notice_days": "2", "extraordinary_notice_days": "1"})
    assert ok.status_code == 302
    assert deadlines.rules_for(world.units["province"].id).regular_notice_working_days == 4


def test_new_meeting_in_the_past_asks_for_confirmation(world, client, auth):
    from ecabinet.core.timeutil import to_local, utcnow
    from ecabinet.meetings.models import Meeting
    from tests.conftest import csrf_token
    from tests.meetings.test_views import _meeting_form

    auth.login("secretariat")
    start = to_local(utcnow() - timedelta(days=2)).replace(second=0, microsecond=0)
    form = _meeting_form(world, client, starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                         ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page = client.post("/meetings/new", data=form).get_data(as_text=True)
    assert "thời gian bắt đầu đã qua" in page
    assert "Tôi xác nhận cuộc họp đã diễn ra" in page and "Phiên họp về chuyển đổi số" in page
    assert db.session.query(Meeting).filter_by(title=form["title"]).count() == 0
    confirmed = client.post("/meetings/new", data={**form, "csrf_token": csrf_token(client),
                                                   "confirm_past_start": "y"})
    assert confirmed.status_code == 302
    assert db.session.query(Meeting).filter_by(title=form["title"]).count() == 1
