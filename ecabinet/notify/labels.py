"""Words for the mail actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions

register_actions({"mail.retried": _l("Failed mails sent again")})
