"""Why an answer or a reminder was refused; each with a stable code."""

from __future__ import annotations

from ecabinet.core.errors import EcabinetError


class InvitationError(EcabinetError):
    code = "invitation_error"
    http_status = 409


class AnswersClosed(InvitationError):
    """The meeting is not published, or it has started: answers can no longer change."""

    code = "answers_closed"


class ReasonRequired(InvitationError):
    code = "reason_required"
    http_status = 400


class InvalidDeputy(InvitationError):
    code = "invalid_deputy"
    http_status = 400


class NotInvited(InvitationError):
    code = "not_invited"
    http_status = 403


class NothingToRemind(InvitationError):
    code = "nothing_to_remind"


class RoomNotOpen(InvitationError):
    """Attendance is marked only while the meeting's room is open."""

    code = "room_not_open"
