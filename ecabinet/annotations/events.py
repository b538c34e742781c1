"""Tell the owner's other devices on /live, in their own room ``user:<id>`` only; and save
or delete over /live itself (``annotation_save``, ``annotation_delete``).

Pushes are sent after the service committed (services never broadcast). Each event names the
device that made the change (``device``, sent by the viewer), so that device ignores its echo.
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ecabinet.annotations import service
from ecabinet.annotations.schemas import parse_annotation, parse_client_id
from ecabinet.core.errors import EcabinetError, NotFound
from ecabinet.extensions import socketio
from ecabinet.live.events import LiveNamespace, user_room
from ecabinet.live.handlers import live_event
from ecabinet.live.loading import BadRequest, require_int

EVENT = "annotation"
REANCHORED = "annotations_reanchored"


def push_annotation(owner_id: int, shown, *, device: str = "", skip_sid=None) -> None:
    """One ``annotation`` event per changed annotation, as ``service.annotation_json`` shows
    it (a conflict sends the stored one and its copy)."""
    for annotation in shown:
        if annotation is None:
            continue
        socketio.emit(EVENT, {"device": device[:64], "annotation": annotation},
                      namespace=LiveNamespace.PATH, to=user_room(owner_id), skip_sid=skip_sid)


def push_reanchored(document, report) -> None:
    """Each owner's open viewers reload the list after a new version carried their notes."""
    for owner_id in report.owners:
        socketio.emit(REANCHORED, {"document_id": document.id,
                                   "version": document.current.number},
                      namespace=LiveNamespace.PATH, to=user_room(owner_id))


def _document(data):
    """The event's document, if the signed-in user may annotate it (else not_found)."""
    from ecabinet.annotations.permissions import can_annotate
    from ecabinet.documents import service as documents

    document_id = require_int(data, "document_id")
    try:
        document = documents.get_document(document_id)
    except EcabinetError:
        document = None
    if document is None or not can_annotate(document, current_user):
        raise NotFound(_l("Document %(id)s does not exist.", id=document_id))
    return document


@live_event("annotation_save")
def annotation_save(data):
    """Save as ``POST /documents/<id>/annotations`` does, over the socket a tablet already
    holds: ``{"document_id", "annotation": {…}}``; the acknowledgement is the same JSON.
    The other devices of the user get the ``annotation`` event; this connection does not."""
    document = _document(data)
    number = document.current.number
    result = service.save_annotation(document, current_user,
                                     parse_annotation(data.get("annotation")))
    body = {"outcome": result.outcome,
            "annotation": service.annotation_json(result.annotation, number),
            "copy": service.annotation_json(result.copy, number) if result.copy else None}
    if result.outcome != "unchanged":
        push_annotation(current_user.id, [body["annotation"], body["copy"]],
                        device=str(data.get("device") or ""), skip_sid=request.sid)
    return body


@live_event("annotation_delete")
def annotation_delete(data):
    """``{"document_id", "client_id", "revision"}``; acknowledged as the HTTP delete."""
    document = _document(data)
    revision = data.get("revision")
    if revision is not None and (not isinstance(revision, int) or isinstance(revision, bool)):
        raise BadRequest(_l("The request lacks a valid “%(key)s”.", key="revision"))
    result = service.delete_annotation(document, current_user,
                                       parse_client_id(data.get("client_id")), revision)
    shown = (service.annotation_json(result.annotation, document.current.number)
             if result.annotation else None)
    if result.outcome == "deleted" and shown is not None:
        push_annotation(current_user.id, [shown], device=str(data.get("device") or ""),
                        skip_sid=request.sid)
    return {"outcome": result.outcome, "annotation": shown}
