"""Typed refusals of the meetings service."""

from ecabinet.core.errors import EcabinetError


class MeetingError(EcabinetError):
    code = "meeting_error"


class WrongState(MeetingError):
    """The meeting is not in a state that allows this step."""

    code = "wrong_state"
    http_status = 409


class InvalidMeeting(MeetingError):
    code = "invalid_meeting"


class StaleEdit(MeetingError):
    """Someone else changed the meeting since this form was opened."""

    code = "stale_edit"
    http_status = 409
