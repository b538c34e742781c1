"""A reader's private annotations on meeting documents, synced across their devices, carried
over to new versions, exported as real PDF annotations; and opinions for the secretariat.

The viewer's API (static/js/viewer*, PDF.js's annotation editor layer):

``GET /documents/<id>/annotations`` → ``{"document_id", "version": N, "annotations": [A…],
"unplaced": [A…], "can_export": bool}`` — the reader's own, on the current version;
``unplaced`` are those carried from an earlier version whose text was not found
("Chưa đặt được vào phiên bản mới": show ``quote``, ``comment`` and ``old_page``).

``POST /documents/<id>/annotations`` (JSON, header ``X-CSRFToken`` from
``<meta name="csrf-token">``, optional ``X-Ecabinet-Device: <tab id>``) with
``{"client_id": uuid, "kind": "highlight"|"freetext"|"ink"|"note", "page": 1-based,
"rects": [[x1,y1,x2,y2]…] (PDF points, origin bottom left), "paths": [[x,y,x,y…]…] (ink),
"quote": text under or next to it, "color": "#rrggbb", "comment": text,
"data": PDF.js serialised editor (≤ 64 KiB), "base_revision": 0 new | revision edited,
"version": N shown}`` → ``{"outcome": "created"|"updated"|"unchanged"|"conflict",
"annotation": A, "copy": A|null}`` (201 when created). A retry with the same client_id and
content is "unchanged"; an edit from a stale ``base_revision`` leaves the stored one and
comes back as ``copy`` (a new client_id, ``conflict_of: true``). 409 ``stale_version`` when
the document has a newer version: reload the list.

``POST /documents/<id>/annotations/<client_id>/delete?revision=R`` (same headers) →
``{"outcome": "deleted", "annotation": A|null}``; 409 ``{"outcome": "conflict",
"annotation": A}`` when the note changed since revision R (it stays). Deleting one already
gone is "deleted".

``GET /documents/<id>/annotated.pdf`` — the reader's watermarked copy with their annotations
(Highlight, FreeText, Ink, Text + Popup); only where ``can_export`` (downloads allowed).

``POST /meetings/<meeting_id>/opinions`` (JSON ``{"text", "document_id", "page", "quote",
"agenda_item_id"}``) → 201 ``{"id", "message"}``: an opinion to the secretariat (not private).

A = ``{"client_id", "document_id", "version_id", "version", "kind", "page", "rects",
"paths", "quote", "color", "comment", "data", "revision", "anchor":
"own"|"exact"|"fuzzy"|"unplaced", "old_page", "deleted", "conflict_of", "created_at",
"updated_at"}``.

Socket.IO ``/live`` (the user's own room, joined on connect): ``annotation`` ``{"device",
"annotation": A}`` after every save or delete from any device (ignore your own ``device``;
apply when ``revision`` is higher than yours; ``deleted: true`` removes);
``annotations_reanchored`` ``{"document_id", "version"}`` after a new version carried the
notes over: reload the list (and the document).

The same saves over the socket the page already holds (no HTTP request, no CSRF header):
``annotation_save`` ``{"document_id", "annotation": {…as POSTed…}, "device"}`` and
``annotation_delete`` ``{"document_id", "client_id", "revision", "device"}``, acknowledged
with the same JSON as the HTTP answers, or ``{"error", "message"}``; the sending connection
gets no ``annotation`` echo. HTTP stays the path for an offline queue replayed on reconnect.
"""

from ecabinet.annotations import labels  # noqa: F401 - names the actions it writes to the audit log
