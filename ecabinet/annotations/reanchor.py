"""Carry readers' annotations over to a document's new version, placed by their quoted text.

Nothing is dropped: an annotation whose text is not found is carried all the same, marked
``unplaced`` with its old page, and the viewer lists it under "Chưa đặt được vào phiên bản
mới". The previous version's rows stay as they were (they belong to that version).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ecabinet.annotations.anchoring import place, shift_data, shift_pairs
from ecabinet.annotations.models import Anchor, Annotation
from ecabinet.annotations.pagetext import version_texts
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.documents.version_hooks import on_version_added
from ecabinet.extensions import db, socketio

log = logging.getLogger(__name__)


@dataclass
class CarryReport:
    placed: int = 0
    fuzzy: int = 0
    unplaced: int = 0
    owners: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.placed + self.fuzzy + self.unplaced


def has_pending(document, owner_id: int) -> bool:
    """Whether the owner has annotations on an earlier version not yet on the current one."""
    current = document.current
    mine = aliased(Annotation)
    carried = exists().where(mine.owner_id == Annotation.owner_id,
                             mine.version_id == current.id,
                             mine.client_id == Annotation.client_id)
    return db.session.execute(
        select(Annotation.id).where(Annotation.document_id == document.id,
                                    Annotation.owner_id == owner_id,
                                    Annotation.version_id != current.id,
                                    Annotation.deleted.is_(False), ~carried).limit(1)
    ).first() is not None


def _latest_rows(document, owner_id: int | None) -> list[Annotation]:
    """Per (owner, client_id): its row on the latest earlier version, unless deleted there."""
    current = document.current
    numbers = {v.id: v.number for v in document.versions}
    query = select(Annotation).where(Annotation.document_id == document.id)
    if owner_id is not None:
        query = query.where(Annotation.owner_id == owner_id)
    latest: dict[tuple[int, str], Annotation] = {}
    on_current: set[tuple[int, str]] = set()
    for row in db.session.execute(query).scalars():
        key = (row.owner_id, row.client_id)
        if row.version_id == current.id:
            on_current.add(key)
            continue
        if numbers.get(row.version_id, 0) >= current.number:
            continue
        held = latest.get(key)
        if held is None or numbers[row.version_id] > numbers[held.version_id]:
            latest[key] = row
    return [row for key, row in latest.items() if key not in on_current and not row.deleted]


def carry_over(document, *, owner_id: int | None = None) -> CarryReport:
    """Copy each pending annotation onto the current version, re-placed; commit; audit."""
    current = document.current
    report = CarryReport()
    sources = _latest_rows(document, owner_id)
    if not sources:
        return report
    versions = {v.id: v for v in document.versions}
    new_pages = version_texts(current) or []
    old_pages = {vid: version_texts(versions[vid]) for vid in {r.version_id for r in sources}}
    now = utcnow()
    for row in sources:
        spot = None
        if new_pages and row.anchor != Anchor.UNPLACED:
            spot = place(row.quote, row.page, row.rects or [], old_pages.get(row.version_id),
                         new_pages)
        elif new_pages:
            spot = place(row.quote, row.old_page or row.page, row.rects or [], None, new_pages)
        copy = Annotation(owner_id=row.owner_id, document_id=row.document_id,
                          version_id=current.id, client_id=row.client_id, kind=row.kind,
                          quote=row.quote, color=row.color, comment=row.comment,
                          revision=1, deleted=False, carried_from_id=row.id,
                          created_at=row.created_at, updated_at=now,
                          old_page=row.old_page if row.anchor == Anchor.UNPLACED else row.page)
        if spot is None:
            copy.page, copy.anchor = row.page, Anchor.UNPLACED
            copy.rects, copy.paths, copy.data = row.rects, row.paths, row.data
            report.unplaced += 1
        else:
            copy.page, copy.anchor = spot.page, spot.how
            copy.rects = shift_pairs(row.rects or [], spot.dx, spot.dy)
            copy.paths = shift_pairs(row.paths or [], spot.dx, spot.dy)
            copy.data = shift_data(row.data, spot.page, spot.dx, spot.dy)
            if spot.how == Anchor.FUZZY:
                report.fuzzy += 1
            else:
                report.placed += 1
        report.owners.add(row.owner_id)
        db.session.add(copy)
    audit.record("annotation.reanchored", actor=None, object_type="document",
                 object_id=document.id,
                 details={"version": current.number, "placed": report.placed,
                          "fuzzy": report.fuzzy, "unplaced": report.unplaced})
    try:
        db.session.commit()
    except IntegrityError:  # another request carried them meanwhile
        db.session.rollback()
        return CarryReport()
    return report


@on_version_added
def carry_on_new_version(document, version) -> None:
    """After the secretariat uploads a new version: carry everyone's annotations, tell them.

    The page texts of a 300-page version take ~5 s to extract (in a child process), so the
    upload's answer does not wait: the carrying runs as a background task of the server
    (cooperative under gevent; the parse is in the child, the matching ~0.5 s for 500
    notes). A reader who opens the document sooner gets their own notes carried on the spot
    (``service.annotations_of``). Tests and ANNOTATIONS_CARRY_INLINE run it at once.
    """
    app = current_app._get_current_object()
    if not _has_any(document):
        return
    if app.config.get("ANNOTATIONS_CARRY_INLINE", app.testing):
        _carry_and_tell(document)
    else:
        socketio.start_background_task(_carry_later, app, document.id)


def _has_any(document) -> bool:
    return db.session.execute(select(Annotation.id).where(
        Annotation.document_id == document.id).limit(1)).first() is not None


def _carry_and_tell(document) -> None:
    from ecabinet.annotations.events import push_reanchored

    report = carry_over(document)
    if report.owners:
        push_reanchored(document, report)


def _carry_later(app, document_id: int) -> None:
    from ecabinet.documents import service as documents

    with app.app_context():
        try:
            _carry_and_tell(documents.get_document(document_id))
        except Exception:  # the readers' next listing carries what is left
            log.exception("carrying annotations of document %s failed", document_id)
            db.session.rollback()
        finally:
            db.session.remove()
