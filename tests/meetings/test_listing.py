"""The meetings list: past meetings stay findable, drafts only for who may see them, search
ignores tones and case, filters and pages."""

from __future__ import annotations

from datetime import timedelta

from ecabinet.core.timeutil import to_local, utcnow
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.meetings.listing import PER_PAGE, ListFilter, list_meetings
from ecabinet.meetings.models import MeetingKind, MeetingStatus, ParticipantRole


def _meeting(world, title, *, days, status=MeetingStatus.PUBLISHED, place="",
             kind=MeetingKind.REGULAR):
    start = utcnow() + timedelta(days=days)
    return meetings.create_meeting(
        meetings.MeetingData(body_id=world.units["province"].id, title=title, kind=kind,
                             starts_at=start, ends_at=start + timedelta(hours=2), place=place),
        {world.users["chair"].id: ParticipantRole.CHAIR,
         world.users["member"].id: ParticipantRole.DELEGATE}, actor=None, status=status)


def _titles(user, **wanted):
    return [m.title for m in list_meetings(user, ListFilter(**wanted)).meetings]


def test_list_past_meeting_is_found_after_it_ended(world, client, auth):
    _meeting(world, "Họp tổng kết quý", days=-3)
    auth.login("member")
    assert "Họp tổng kết quý" not in client.get("/").get_data(as_text=True)
    page = client.get("/meetings?tab=past").get_data(as_text=True)
    assert "Họp tổng kết quý" in page
    assert "Họp tổng kết quý" not in client.get("/meetings").get_data(as_text=True)


def test_list_drafts_shown_to_secretariat_not_to_members(world):
    _meeting(world, "Dự thảo đã qua ngày", days=-5, status=MeetingStatus.DRAFT)
    secretariat = _titles(world.users["secretariat"], tab="drafts")
    assert "Dự thảo đã qua ngày" in secretariat and "Phiên họp chuyên đề" in secretariat
    assert _titles(world.users["member"], tab="drafts") == []
    assert _titles(world.users["outsider"], tab="all") == []


def test_list_search_ignores_tones_and_case(world):
    _meeting(world, "Giải ngân vốn đầu tư công", days=3, place="Hội trường UBND")
    user = world.users["member"]
    assert _titles(user, search="giai ngan") == ["Giải ngân vốn đầu tư công"]
    assert _titles(user, search="HOI TRUONG") == ["Giải ngân vốn đầu tư công"]
    assert _titles(user, search="phien hop thuong") == ["Phiên họp thường kỳ"]
    assert _titles(user, search="khong co") == []


def test_list_filters_kind_state_and_dates(world):
    _meeting(world, "Họp đột xuất", days=5, kind=MeetingKind.EXTRAORDINARY)
    _meeting(world, "Họp bị hủy", days=6, status=MeetingStatus.CANCELLED)
    user = world.users["secretariat"]
    assert _titles(user, kind=MeetingKind.EXTRAORDINARY) == ["Họp đột xuất"]
    assert _titles(user, tab="cancelled") == ["Họp bị hủy"]
    assert _titles(user, tab="all", status=MeetingStatus.CANCELLED) == ["Họp bị hủy"]
    day = to_local(utcnow() + timedelta(days=5)).date()
    assert _titles(user, tab="all", date_from=day, date_to=day) == ["Họp đột xuất"]


def test_list_upcoming_soonest_first_and_paginated(world):
    for n in range(PER_PAGE + 4):
        _meeting(world, f"Họp số {n:02d}", days=3 + n)
    user = world.users["member"]
    first = list_meetings(user, ListFilter())
    assert first.total == PER_PAGE + 5 and first.pages == 2
    assert first.meetings[0].title == "Phiên họp thường kỳ"
    assert first.meetings[1].title == "Họp số 00"
    second = list_meetings(user, ListFilter(page=2))
    assert [m.title for m in second.meetings][-1] == f"Họp số {PER_PAGE + 3:02d}"
    past = list_meetings(user, ListFilter(tab="past"))
    assert past.total == 0


def test_list_bad_date_gets_message_and_keeps_search(world, client, auth):
    auth.login("secretariat")
    response = client.get("/meetings?tab=all&q=phien&date_from=05-03-2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in page
    assert 'value="phien"' in page and "Phiên họp thường kỳ" in page


def test_list_is_linked_from_home_and_nav(world, client, auth):
    auth.login("member")
    assert 'href="/meetings"' in client.get("/").get_data(as_text=True)
    db.session.rollback()
