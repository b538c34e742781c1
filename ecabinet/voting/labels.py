"""Words for the vote actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects

register_actions({"poll.opened": _l("Vote opened"), "poll.closed": _l("Vote closed")})
register_objects({"poll": _l("Vote")})
