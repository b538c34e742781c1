"""Opinions (góp ý) a delegate sends the secretariat, on an agenda item or a place in a document.

Not private: the secretariat reads them collected per agenda item, with author and place, and
marks them answered; they belong to the meeting's record (:func:`opinions_for_record`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.annotations.errors import OpinionError, OpinionsClosed
from ecabinet.annotations.models import Opinion
from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.core.timeutil import utcnow
from ecabinet.documents.permissions import CLOSED, can_view_document
from ecabinet.extensions import db

MAX_OPINION = 5000


@dataclass(frozen=True)
class OpinionInput:
    text: str
    agenda_item_id: int | None = None
    document_id: int | None = None
    page: int | None = None
    quote: str = ""


@dataclass
class ItemOpinions:
    """The opinions on one agenda item (``item`` None: on the meeting as a whole)."""

    item: object
    opinions: list[Opinion] = field(default_factory=list)


def send_opinion(meeting, author, data: OpinionInput) -> Opinion:
    """Record the author's opinion; the document (when given) must be one they may read.

    :raises OpinionsClosed: when the meeting is cancelled or finished.
    :raises OpinionError: when the text is empty or too long, or the place is not the meeting's.
    """
    if meeting.status in CLOSED:
        raise OpinionsClosed(_l("Opinions are no longer taken: the meeting is over."))
    text = unicodedata.normalize("NFC", (data.text or "").strip())
    if not text:
        raise OpinionError(_l("Write the opinion before sending it."), code="opinion_required")
    if len(text) > MAX_OPINION:
        raise OpinionError(_l("An opinion is at most %(limit)s characters.", limit=MAX_OPINION),
                           code="opinion_too_long")
    item_id, version = data.agenda_item_id, None
    if item_id is not None and item_id not in {i.id for i in meeting.agenda}:
        raise OpinionError(_l("That agenda item is not part of this meeting."),
                           code="bad_item")
    if data.document_id is not None:
        from ecabinet.documents import service as documents

        try:
            document = documents.get_document(data.document_id)
        except EcabinetError:
            document = None
        if document is None or document.meeting_id != meeting.id \
                or not can_view_document(document, author):
            raise OpinionError(_l("That document is not part of this meeting."),
                               code="bad_document")
        version = document.current.number
        item_id = item_id if item_id is not None else document.agenda_item_id
    opinion = Opinion(meeting_id=meeting.id, author_id=author.id, agenda_item_id=item_id,
                      document_id=data.document_id, version_number=version,
                      page=data.page if data.page and data.page > 0 else None,
                      quote=unicodedata.normalize("NFC", data.quote or "")[:2000], text=text,
                      created_at=utcnow())
    db.session.add(opinion)
    db.session.flush()
    audit.record("opinion.sent", actor=author, object_type="opinion", object_id=opinion.id,
                 details={"meeting_id": meeting.id, "agenda_item_id": item_id,
                          "document_id": data.document_id, "page": opinion.page})
    db.session.commit()
    return opinion


def get_opinion(meeting, opinion_id: int) -> Opinion:
    """:raises OpinionError: (not_found) when the opinion is not one of the meeting's."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.meeting_id != meeting.id:
        raise OpinionError(_l("Opinion %(id)s does not exist.", id=opinion_id), code="not_found")
    return opinion


def mark_answered(opinion: Opinion, *, actor) -> bool:
    """Mark the opinion answered; return False when it already was."""
    if opinion.answered_at is not None:
        return False
    opinion.answered_at, opinion.answered_by_id = utcnow(), actor.id
    audit.record("opinion.answered", actor=actor, object_type="opinion", object_id=opinion.id,
                 details={"meeting_id": opinion.meeting_id})
    db.session.commit()
    return True


def _opinions(meeting, author_id: int | None = None) -> list[Opinion]:
    query = select(Opinion).where(Opinion.meeting_id == meeting.id)
    if author_id is not None:
        query = query.where(Opinion.author_id == author_id)
    return list(db.session.execute(query.order_by(Opinion.created_at, Opinion.id)).scalars())


def opinions_by_item(meeting) -> list[ItemOpinions]:
    """For the secretariat: every opinion, per agenda item in agenda order, general ones last."""
    groups = {item.id: ItemOpinions(item) for item in meeting.agenda}
    general = ItemOpinions(None)
    for opinion in _opinions(meeting):
        groups.get(opinion.agenda_item_id, general).opinions.append(opinion)
    return [g for g in [*groups.values(), general] if g.opinions]


def opinions_of(meeting, author) -> list[Opinion]:
    """What the author sent on this meeting, to see whether it was answered."""
    return _opinions(meeting, author.id)


def opinions_for_record(meeting) -> list[Opinion]:
    """Every opinion on the meeting, in the order sent: for the minutes."""
    return _opinions(meeting)
