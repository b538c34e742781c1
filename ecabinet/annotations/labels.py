"""Words for the audit entries that annotations and opinions write.

Saving an annotation writes no audit entry: notes are private and frequent (a delegate marks
dozens of passages), and the hash-chained log serialises its appends. What leaves the system
(an export) or reaches others (an opinion) is recorded.
"""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects

register_actions({
    "annotation.exported": _l("Downloaded a document with own annotations"),
    "annotation.reanchored": _l("Carried annotations over to a new document version"),
    "opinion.sent": _l("Sent an opinion to the secretariat"),
    "opinion.answered": _l("Marked an opinion as answered"),
})
register_objects({"opinion": _l("Opinion")})

KIND_LABELS = {
    "highlight": _l("Highlight"),
    "freetext": _l("Text on the page"),
    "ink": _l("Drawing"),
    "note": _l("Note"),
}
"""What each kind of annotation is called on "My notes"."""
