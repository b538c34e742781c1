"""Tell the owner's other devices on /live, in their own room ``user:<id>`` only.

Called by views after the service committed (services never broadcast). Each event names the
device that made the change (``device``, sent by the viewer), so that device ignores its echo.
"""

from __future__ import annotations

from ecabinet.extensions import socketio
from ecabinet.live.events import LiveNamespace, user_room

EVENT = "annotation"
REANCHORED = "annotations_reanchored"


def push_annotation(owner_id: int, shown, *, device: str = "") -> None:
    """One ``annotation`` event per changed annotation, as ``service.annotation_json`` shows
    it (a conflict sends the stored one and its copy)."""
    for annotation in shown:
        if annotation is None:
            continue
        socketio.emit(EVENT, {"device": device[:64], "annotation": annotation},
                      namespace=LiveNamespace.PATH, to=user_room(owner_id))


def push_reanchored(document, report) -> None:
    """Each owner's open viewers reload the list after a new version carried their notes."""
    for owner_id in report.owners:
        socketio.emit(REANCHORED, {"document_id": document.id,
                                   "version": document.current.number},
                      namespace=LiveNamespace.PATH, to=user_room(owner_id))
