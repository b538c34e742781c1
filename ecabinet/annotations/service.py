"""Every rule and write about a reader's own annotations: list, save, delete, search.

Views load and authorise the document (``annotations.permissions.can_annotate``) and pass the
signed-in user as ``owner``; nothing here ever reads or writes another owner's rows.

Saving is idempotent by the browser's ``client_id`` and optimistic by ``revision``: an edit
that starts from the stored revision wins; a retry of a save already stored changes nothing;
an edit that started from an older revision (another device changed the note meanwhile) is
kept as a copy beside the stored one, so that neither edit is lost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecabinet.annotations.errors import InvalidAnnotation, StaleVersion
from ecabinet.annotations.models import Anchor, Annotation
from ecabinet.annotations.schemas import AnnotationInput
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db

Outcome = Literal["created", "updated", "unchanged", "conflict", "deleted"]


@dataclass(frozen=True)
class SaveResult:
    outcome: Outcome
    annotation: Annotation | None
    """The stored annotation as it now is (None when a delete found nothing)."""
    copy: Annotation | None = None
    """On a conflict: the copy that keeps the stale edit."""


def content_of(row: Annotation) -> tuple:
    return AnnotationInput(client_id=row.client_id, kind=row.kind, page=row.page,
                           rects=row.rects or [], paths=row.paths or [], quote=row.quote,
                           color=row.color, comment=row.comment, data=row.data).content()


def _current(document, data: AnnotationInput | None = None):
    version = document.current
    if data is not None and data.version is not None and data.version != version.number:
        raise StaleVersion(_l("Version %(number)s of this document was replaced by version "
                              "%(current)s; reload the document.", number=data.version,
                              current=version.number))
    if data is not None and version.page_count and data.page > version.page_count:
        raise InvalidAnnotation(_l("The document has %(count)s pages; there is no page "
                                   "%(page)s.", count=version.page_count, page=data.page))
    return version


def _find(owner, version_id: int, client_id: str, *, lock: bool = False) -> Annotation | None:
    query = select(Annotation).where(Annotation.owner_id == owner.id,
                                     Annotation.version_id == version_id,
                                     Annotation.client_id == client_id)
    if lock:
        query = query.with_for_update()
    return db.session.execute(query).scalar()


def _apply(row: Annotation, data: AnnotationInput) -> None:
    row.kind, row.page, row.rects, row.paths = data.kind, data.page, data.rects, data.paths
    row.quote, row.color, row.comment, row.data = data.quote, data.color, data.comment, data.data
    row.updated_at = utcnow()


def _new_row(document, version, owner, data: AnnotationInput, **extra) -> Annotation:
    row = Annotation(owner_id=owner.id, document_id=document.id, version_id=version.id,
                     client_id=data.client_id, revision=1, deleted=False, created_at=utcnow(),
                     **{"anchor": Anchor.OWN, **extra})
    _apply(row, data)
    db.session.add(row)
    return row


def _commit_keeping_state() -> None:
    """Commit without expiring what was loaded: the rows just written (and the document the
    view answers about) are read back as written, instead of by 3-4 more queries per save
    (a save is the hottest write of the package: every stroke of a pen ends in one)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def save_annotation(document, owner, data: AnnotationInput) -> SaveResult:
    """Create or update the owner's annotation ``data.client_id`` on the current version.

    :raises StaleVersion: when the viewer showed a version that was since replaced.
    """
    for attempt in (1, 2):
        version = _current(document, data)
        row = _find(owner, version.id, data.client_id, lock=True)
        try:
            result = _save(document, version, owner, row, data)
            _commit_keeping_state()
            return result
        except IntegrityError:
            # Two devices created the same client_id at once: the other insert won; read it.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _save(document, version, owner, row, data: AnnotationInput) -> SaveResult:
    if row is None:
        row = _new_row(document, version, owner, data)
        db.session.flush()
        return SaveResult("created", row)
    if row.revision == data.base_revision:
        _apply(row, data)
        row.revision += 1
        row.deleted = False
        return SaveResult("updated", row)
    if not row.deleted and content_of(row) == data.content():
        return SaveResult("unchanged", row)  # a retry of a save already stored
    copy_input = AnnotationInput(**{**data.__dict__, "client_id": str(uuid.uuid4())})
    copy = _new_row(document, version, owner, copy_input, conflict_of_id=row.id,
                    anchor=row.anchor, old_page=row.old_page)
    db.session.flush()
    return SaveResult("conflict", row, copy)


def delete_annotation(document, owner, client_id: str, base_revision: int | None) -> SaveResult:
    """Mark the owner's annotation deleted; deleting one already gone is not an error.

    A delete that started from an older revision than the stored one would lose the other
    device's edit: it is refused as a conflict and the annotation stays.
    """
    version = _current(document)
    row = _find(owner, version.id, client_id, lock=True)
    if row is None or row.deleted:
        return SaveResult("deleted", row)
    if base_revision is not None and base_revision != row.revision:
        return SaveResult("conflict", row)
    row.deleted, row.revision, row.updated_at = True, row.revision + 1, utcnow()
    _commit_keeping_state()
    return SaveResult("deleted", row)


def annotations_of(document, owner) -> list[Annotation]:
    """The owner's live annotations on the document's current version, page order.

    Annotations left on an earlier version (a new version arrived and carrying them over
    failed or has not run) are carried over first, so none is ever out of sight.
    """
    from ecabinet.annotations.reanchor import carry_over, has_pending

    version = document.current
    if has_pending(document, owner.id):
        carry_over(document, owner_id=owner.id)
    rows = db.session.execute(
        select(Annotation).where(Annotation.owner_id == owner.id,
                                 Annotation.version_id == version.id,
                                 Annotation.deleted.is_(False))
        .order_by(Annotation.page, Annotation.id)).scalars()
    return list(rows)


def owner_annotations(owner) -> list[Annotation]:
    """Every live annotation of the owner, on any document (My notes filters and groups)."""
    return list(db.session.execute(
        select(Annotation).where(Annotation.owner_id == owner.id,
                                 Annotation.deleted.is_(False))
        .order_by(Annotation.document_id, Annotation.page, Annotation.id)).scalars())


def annotation_json(row: Annotation, number: int | None = None) -> dict:
    """What the viewer receives for one annotation (see the package docstring)."""
    return {
        "client_id": row.client_id, "document_id": row.document_id,
        "version_id": row.version_id, **({"version": number} if number is not None else {}),
        "kind": row.kind.value, "page": row.page, "rects": row.rects or [],
        "paths": row.paths or [], "quote": row.quote, "color": row.color,
        "comment": row.comment, "data": row.data, "revision": row.revision,
        "anchor": row.anchor.value, "old_page": row.old_page, "deleted": row.deleted,
        "conflict_of": row.conflict_of_id is not None,
        "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat(),
    }
