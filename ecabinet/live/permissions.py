"""Who may enter and who may run a meeting's room; pure functions that never raise."""

from __future__ import annotations

from ecabinet.meetings.models import ParticipantRole
from ecabinet.meetings.permissions import (
    can_view_as_participant,
    is_chair_of,
    is_secretariat_of,
    participant_role,
)


def can_enter_room(meeting, user) -> bool:
    """Participants (chair, secretary, delegates, guests) and the body's secretariat."""
    return can_view_as_participant(meeting, user) and (
        participant_role(meeting, user) is not None or is_secretariat_of(meeting, user))


def can_run_room(meeting, user) -> bool:
    """Start and end, take items, mark attendance, give the floor: the chair and the
    secretariat (the meeting's secretary or the body's)."""
    return can_enter_room(meeting, user) and (
        is_chair_of(meeting, user) or is_secretariat_of(meeting, user)
        or participant_role(meeting, user) == ParticipantRole.SECRETARY)


def can_run_votes(meeting, user) -> bool:
    """Open and close polls: the chair (or the leader standing in)."""
    return can_enter_room(meeting, user) and is_chair_of(meeting, user)
