"""Who may annotate, export, send and read opinions; pure functions that never raise.

Annotations are private: each rule below lets a user at their *own* annotations only (the
service never reads another owner's rows), and only on a document they may still read, so
a confidential meeting's rules apply to the notes taken on its documents.
"""

from __future__ import annotations

from ecabinet.documents.permissions import can_download_document, can_view_document
from ecabinet.meetings.permissions import can_view_as_participant, is_secretariat_of


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_annotate(document, user) -> bool:
    """Read and write one's own annotations on a document: whoever may read it."""
    return _signed_in(user) and can_view_document(document, user)


def can_export_annotations(document, user) -> bool:
    """Download the document with one's annotations: only where downloads are allowed."""
    return can_annotate(document, user) and can_download_document(document, user)


def can_send_opinion(meeting, user) -> bool:
    """A participant (not the secretariat, who receives them) sends opinions."""
    return (_signed_in(user) and can_view_as_participant(meeting, user)
            and not is_secretariat_of(meeting, user))


def can_read_opinions(meeting, user) -> bool:
    """Everyone's opinions on a meeting: its secretariat only."""
    return _signed_in(user) and is_secretariat_of(meeting, user)


def can_answer_opinion(meeting, user) -> bool:
    return can_read_opinions(meeting, user)
