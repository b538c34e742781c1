"""Words people read for meeting states, roles and the meeting actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects
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


register_actions({
    "meeting.created": _l("Meeting created"),
    "meeting.updated": _l("Meeting changed"),
    "meeting.submit": _l("Meeting submitted for approval"),
    "meeting.approve": _l("Meeting approved"),
    "meeting.return": _l("Meeting returned for changes"),
    "meeting.publish": _l("Meeting published"),
    "meeting.publication": _l("Publication time and deadline recorded"),
    "meeting.postpone": _l("Meeting postponed"),
    "meeting.cancel": _l("Meeting cancelled"),
    "agenda.added": _l("Agenda item added"),
    "agenda.updated": _l("Agenda item changed"),
    "agenda.removed": _l("Agenda item removed"),
    "agenda.reordered": _l("Agenda reordered"),
    "body_rules.updated": _l("Body's rules for sending documents changed"),
})
register_objects({"meeting": _l("Meeting"), "agenda_item": _l("Agenda item")})
