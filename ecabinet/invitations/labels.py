"""Words for the audit entries that invitations write."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions

register_actions({
    "invitation.answered": _l("Invitation answered"),
    "invitation.reminded": _l("Reminded those who had not answered an invitation"),
})
