"""The meetings list: upcoming, past, drafts and cancelled, filtered and searched.

SQL narrows to the user's candidate meetings and the chosen tab and filters; then
`can_view_meeting` decides each one and the search compares accent-folded text in Python
(a body's lists are small), so "phien hop" finds "Phiên họp".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ecabinet.core.text import fold
from ecabinet.core.timeutil import LOCAL_ZONE, utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingKind, MeetingParticipant, MeetingStatus
from ecabinet.meetings.permissions import can_view_meeting
from ecabinet.meetings.service import visible_candidates

S = MeetingStatus
PER_PAGE = 20
TAB_STATUSES: dict[str, frozenset[MeetingStatus]] = {
    "upcoming": frozenset({S.PUBLISHED, S.POSTPONED}),
    "past": frozenset({S.PUBLISHED, S.POSTPONED, S.FINISHED}),
    "drafts": frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED}),
    "cancelled": frozenset({S.CANCELLED}),
    "all": frozenset(S),
}
TABS = tuple(TAB_STATUSES)


@dataclass(frozen=True)
class ListFilter:
    tab: str = "upcoming"
    body_id: int | None = None
    kind: MeetingKind | None = None
    status: MeetingStatus | None = None
    date_from: date | None = None
    """First day (Vietnam time) the meeting may start on."""
    date_to: date | None = None
    """Last day (Vietnam time) the meeting may start on."""
    search: str = ""
    page: int = 1


@dataclass(frozen=True)
class MeetingPage:
    meetings: list[Meeting]
    page: int
    pages: int
    total: int


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_ZONE)


def _query(user, wanted: ListFilter, now: datetime):
    statuses = TAB_STATUSES.get(wanted.tab, TAB_STATUSES["upcoming"])
    if wanted.status is not None:
        statuses = statuses & {wanted.status}
    query = (select(Meeting)
             .outerjoin(MeetingParticipant, (MeetingParticipant.meeting_id == Meeting.id)
                        & (MeetingParticipant.user_id == user.id))
             .where(visible_candidates(user), Meeting.status.in_(statuses)))
    if wanted.tab == "upcoming":
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    elif wanted.tab == "past":
        query = query.where((Meeting.ends_at < now) | (Meeting.status == S.FINISHED))
    if wanted.tab in ("past", "cancelled", "all"):
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    elif wanted.tab == "drafts":
        query = query.order_by(Meeting.starts_at, Meeting.id)
    if wanted.body_id is not None:
        query = query.where(Meeting.body_id == wanted.body_id)
    if wanted.kind is not None:
        query = query.where(Meeting.kind == wanted.kind)
    if wanted.date_from is not None:
        query = query.where(Meeting.starts_at >= _local_midnight(wanted.date_from))
    if wanted.date_to is not None:
        query = query.where(
            Meeting.starts_at < _local_midnight(wanted.date_to + timedelta(days=1)))
    return query


def _matches(meeting: Meeting, words: list[str]) -> bool:
    text = fold(f"{meeting.title} {meeting.place}")
    return all(word in text for word in words)


def list_meetings(user, wanted: ListFilter, *, now: datetime | None = None) -> MeetingPage:
    """One page of the meetings the user may see that match `wanted`."""
    now = now or utcnow()
    rows = db.session.execute(_query(user, wanted, now)).unique().scalars().all()
    words = fold(wanted.search).split()
    found = [m for m in rows if can_view_meeting(m, user) and _matches(m, words)]
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    page = min(max(1, wanted.page), pages)
    start = (page - 1) * PER_PAGE
    return MeetingPage(found[start:start + PER_PAGE], page, pages, len(found))


def bodies_listed_for(user) -> list[int]:
    """Ids of the bodies whose meetings the user might see, for the body filter."""
    query = (select(Meeting.body_id).distinct()
             .outerjoin(MeetingParticipant, (MeetingParticipant.meeting_id == Meeting.id)
                        & (MeetingParticipant.user_id == user.id))
             .where(visible_candidates(user)))
    return list(db.session.execute(query).scalars())
