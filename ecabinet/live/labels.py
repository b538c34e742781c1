"""Words for the room's actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions

register_actions({
    "meeting.started": _l("Meeting started"),
    "meeting.ended": _l("Meeting ended"),
    "meeting.item_taken": _l("Agenda item taken up"),
    "attendance.present": _l("Marked present"),
    "attendance.absent": _l("Marked absent"),
    "attendance.represented": _l("Marked represented by a deputy"),
    "speaker.floor": _l("Floor given"),
})
