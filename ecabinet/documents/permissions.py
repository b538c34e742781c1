"""Who may read and who may manage a meeting's documents; pure functions that never raise."""

from __future__ import annotations

from ecabinet.documents.models import Document
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import Confidentiality, Meeting, MeetingStatus
from ecabinet.meetings.permissions import (
    can_view_as_participant,
    can_view_meeting,
    is_invited_clerk,
    is_secretariat_of,
)

CLOSED = frozenset({MeetingStatus.CANCELLED, MeetingStatus.FINISHED})
"""States in which a meeting's documents no longer change (the service refuses, naming it)."""


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def meeting_of(document: Document) -> Meeting:
    """The document's meeting, through the meetings package's own loader."""
    return meetings.get_meeting(document.meeting_id)


def can_manage_documents(meeting: Meeting, user) -> bool:
    """Upload, replace, remove: the body's secretariat (until the meeting is over, which the
    service decides from the state)."""
    return is_secretariat_of(meeting, user)


def can_list_documents(meeting: Meeting, user) -> bool:
    """See the meeting's document list: whoever sees the meeting (invited clerks included,
    who are shown the documents marked for units)."""
    return can_view_meeting(meeting, user)


def can_view_document(document: Document, user) -> bool:
    """Participants who may see the meeting; invited clerks for documents marked for units.

    A removed document stays readable by the secretariat alone, for the record.
    """
    if not _signed_in(user):
        return False
    meeting = meeting_of(document)
    if meeting is None:
        return False
    if is_secretariat_of(meeting, user):
        return True
    if document.removed_at is not None:
        return False
    if can_view_as_participant(meeting, user):
        return True
    return document.for_units and is_invited_clerk(meeting, user)


def downloads_allowed(meeting: Meeting) -> bool:
    """Confidential meetings are read in the browser only, unless the secretariat allows more."""
    return meeting.confidentiality != Confidentiality.CONFIDENTIAL or meeting.allow_downloads


def can_download_document(document: Document, user) -> bool:
    meeting = meeting_of(document)
    return (meeting is not None and can_view_document(document, user)
            and downloads_allowed(meeting))


def can_download_packet(meeting: Meeting, user) -> bool:
    return can_list_documents(meeting, user) and downloads_allowed(meeting)
