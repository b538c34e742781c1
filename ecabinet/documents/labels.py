"""Words for the document actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects

register_actions({
    "document.uploaded": _l("Document uploaded"),
    "document.replaced": _l("New version of a document uploaded"),
    "document.renamed": _l("Document renamed"),
    "document.removed": _l("Document removed"),
    "document.refused": _l("Upload refused"),
    "document.packet": _l("Meeting packet downloaded"),
})
register_objects({"document": _l("Document")})
