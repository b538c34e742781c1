"""Words for the audit entries that conclusions write."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects

register_actions({
    "conclusion.drafted": _l("Conclusion notice drafted"),
    "conclusion.edited": _l("Conclusion notice edited"),
    "conclusion.submitted": _l("Conclusion notice sent to the chair"),
    "conclusion.returned": _l("Conclusion notice returned by the chair"),
    "conclusion.signed": _l("Conclusion notice signed by the chair"),
    "conclusion.issued": _l("Conclusion notice issued (number, date, seal)"),
})
register_objects({"conclusion": _l("Conclusion notice")})
