"""Words people read for meeting states and roles, in their own language."""

from flask_babel import lazy_gettext as _l

from ecabinet.meetings.models import MeetingStatus, ParticipantRole

STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("Draft"),
    MeetingStatus.SUBMITTED: _l("Awaiting approval"),
    MeetingStatus.APPROVED: _l("Approved"),
    MeetingStatus.PUBLISHED: _l("Published"),
    MeetingStatus.POSTPONED: _l("Postponed"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
    MeetingStatus.FINISHED: _l("Finished"),
}

PARTICIPANT_LABELS = {
    ParticipantRole.CHAIR: _l("Chair"),
    ParticipantRole.SECRETARY: _l("Secretary"),
    ParticipantRole.DELEGATE: _l("Delegate"),
    ParticipantRole.GUEST: _l("Guest"),
}


def status_label(status: MeetingStatus) -> str:
    return str(STATUS_LABELS[status])


def participant_label(role: ParticipantRole) -> str:
    return str(PARTICIPANT_LABELS[role])
