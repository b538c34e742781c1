"""Load a meeting or agenda item for the current request and authorise it, once."""

from __future__ import annotations

from ecabinet.core.permissions import Check, guard
from ecabinet.meetings import agenda, service
from ecabinet.meetings.models import AgendaItem, Meeting
from ecabinet.meetings.permissions import can_view_meeting


def load_meeting(meeting_id: int, check: Check | None = None, *,
                 what: str = "meetings.view") -> Meeting:
    """The meeting, if the current user may see it (else 404) and pass `check` (else 403)."""
    meeting = service.get_meeting(meeting_id)
    return guard(meeting, check, visible=can_view_meeting, what=what, meeting=meeting_id)


def load_agenda_item(item_id: int, check: Check | None = None, *,
                     what: str = "agenda.item") -> AgendaItem:
    """An agenda item whose meeting the user may see and, with `check`, act on."""
    item = agenda.get_item(item_id)
    guard(item.meeting, check, visible=can_view_meeting, what=what, item=item_id)
    return item
