"""The agenda of a meeting: ordered items with a presenter, a duration and a vote flag."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.errors import NotFound
from ecabinet.extensions import db
from ecabinet.meetings.errors import InvalidMeeting, WrongState
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import AgendaItem, Meeting
from ecabinet.meetings.states import EDITABLE


@dataclass(frozen=True)
class ItemData:
    title: str
    duration_minutes: int = 15
    presenter_user_id: int | None = None
    presenter_unit_id: int | None = None
    needs_vote: bool = False
    notes: str = ""


def _editable(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE:
        raise WrongState(_l("The agenda cannot be changed while the meeting is %(state)s.",
                            state=status_label(meeting.status)))


def _check(data: ItemData) -> None:
    if not data.title.strip():
        raise InvalidMeeting(_l("An agenda item needs a title."))
    if not 1 <= data.duration_minutes <= 600:
        raise InvalidMeeting(_l("An item lasts between 1 and 600 minutes."))


def get_item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_l("Agenda item %(id)s does not exist.", id=item_id))
    return item


def add_item(meeting: Meeting, data: ItemData, *, actor: User) -> AgendaItem:
    _editable(meeting)
    _check(data)
    item = AgendaItem(position=len(meeting.agenda), **vars(data))
    meeting.agenda.append(item)
    meeting.revision += 1
    db.session.flush()
    audit.record("agenda.added", actor=actor, object_type="agenda_item", object_id=item.id,
                 details={"meeting": meeting.id, "title": data.title})
    db.session.commit()
    return item


def update_item(item: AgendaItem, data: ItemData, *, actor: User) -> list[str]:
    """Change an item; return the names of the fields that changed (none: nothing written)."""
    _editable(item.meeting)
    _check(data)
    changes = {k: v for k, v in vars(data).items() if getattr(item, k) != v}
    if not changes:
        return []
    for key, value in changes.items():
        setattr(item, key, value)
    item.meeting.revision += 1
    audit.record("agenda.updated", actor=actor, object_type="agenda_item", object_id=item.id,
                 details=changes)
    db.session.commit()
    return list(changes)


def remove_item(item: AgendaItem, *, actor: User) -> None:
    meeting = item.meeting
    _editable(meeting)
    meeting.agenda.remove(item)
    for position, other in enumerate(meeting.agenda):
        other.position = position
    meeting.revision += 1
    audit.record("agenda.removed", actor=actor, object_type="agenda_item", object_id=item.id,
                 details={"meeting": meeting.id, "title": item.title})
    db.session.commit()


def reorder(meeting: Meeting, item_ids: list[int], *, actor: User) -> bool:
    """Put the items in the given order; the list must name each item exactly once.

    Return whether the order changed: the same order again writes and announces nothing.
    """
    _editable(meeting)
    by_id = {item.id: item for item in meeting.agenda}
    if sorted(item_ids) != sorted(by_id):
        raise InvalidMeeting(_l("The new order must list every agenda item once. Reload the "
                                "page: the agenda was changed meanwhile."))
    if item_ids == [item.id for item in meeting.agenda]:
        return False
    for position, item_id in enumerate(item_ids):
        by_id[item_id].position = position
    meeting.revision += 1
    audit.record("agenda.reordered", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"order": item_ids})
    db.session.commit()
    db.session.refresh(meeting)
    return True


def move(item: AgendaItem, step: int, *, actor: User) -> bool:
    """Move an item one place up (-1) or down (+1): the buttons for keyboard and touch."""
    order = [i.id for i in item.meeting.agenda]
    index = order.index(item.id)
    target = min(max(index + step, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    return reorder(item.meeting, order, actor=actor)


def planned_minutes(meeting: Meeting) -> int:
    return sum(item.duration_minutes for item in meeting.agenda)


def slot_minutes(meeting: Meeting) -> int:
    return int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
