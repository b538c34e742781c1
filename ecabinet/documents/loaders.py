"""Load a document (or a meeting's document list) for the current request and authorise it once.

Views call these instead of checking permissions themselves; the service functions they then
call trust the object and check only its state.
"""

from __future__ import annotations

from ecabinet.core.permissions import Check, guard
from ecabinet.documents.models import Document
from ecabinet.documents.permissions import can_list_documents, can_view_document
from ecabinet.documents.service import get_document
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import Meeting


def load_document(document_id: int, check: Check | None = None, *,
                  what: str = "documents.view") -> Document:
    """The document, if the user may read it (else 404) and pass `check` (else 403)."""
    document = get_document(document_id)
    return guard(document, check, visible=can_view_document, what=what, document=document_id)


def load_documents_meeting(meeting_id: int, check: Check | None = None, *,
                           what: str = "documents.list") -> Meeting:
    """A meeting whose document list the user may see (an invited clerk included)."""
    meeting = load_meeting(meeting_id, what=what)
    return guard(meeting, check, visible=can_list_documents, what=what, meeting=meeting_id)
