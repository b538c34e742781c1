"""Which states allow which steps: the meeting's state machine, apart from who may act."""

from __future__ import annotations

from ecabinet.meetings.models import Meeting, MeetingStatus

S = MeetingStatus

EDITABLE = frozenset({S.DRAFT, S.PUBLISHED, S.POSTPONED})
"""Details, participants and agenda can change (after publishing, changes are announced)."""

STEP_FROM: dict[str, frozenset[MeetingStatus]] = {
    "submit": frozenset({S.DRAFT}),
    "approve": frozenset({S.SUBMITTED}),
    "return": frozenset({S.SUBMITTED}),
    "publish": frozenset({S.APPROVED, S.POSTPONED}),
    "postpone": frozenset({S.PUBLISHED}),
    "cancel": frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.POSTPONED}),
}


def step_possible(meeting: Meeting, step: str) -> bool:
    return meeting.status in STEP_FROM[step]


def is_editable(meeting: Meeting) -> bool:
    return meeting.status in EDITABLE
