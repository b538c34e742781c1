"""A reader's meeting packet: planned in the request, built once in the worker, served cached.

Building a packet is CPU-bound (seconds for thousands of pages), so the web process only writes
down what the packet holds (the plan) and queues the build; the worker builds it and keeps it
encrypted in the storage cache under a key made of the reader and every version and bookmark in
it. A request for the same packet joins the build in flight; a changed document, agenda or name
makes a new key, hence a new packet. Each reader's packet carries their own watermark, so no
copy is ever shared between readers.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.text import fold
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.documents.errors import DocumentError, DownloadsNotAllowed
from ecabinet.documents.packet_models import PacketBuild, PacketState
from ecabinet.documents.packet_tasks import enqueue_build
from ecabinet.documents.permissions import downloads_allowed
from ecabinet.documents.service import documents_for
from ecabinet.documents.watermark_style import WatermarkError, WatermarkStyle, stamp_text
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting

log = logging.getLogger(__name__)

MAX_BUILDS_PER_USER = 2
"""Builds one reader may have queued or running at once (PACKET_MAX_BUILDS_PER_USER)."""
BUILD_LEASE = timedelta(minutes=10)
"""A build running longer than this was lost (worker killed): the next request queues it again."""
QUEUE_GRACE = timedelta(seconds=60)
"""A build still queued after this is queued again, in case its task was lost."""
PROGRESS_EVERY_S = 0.5
ACTIVE = (PacketState.QUEUED, PacketState.BUILDING)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]+")


class NoPacketDocuments(DocumentError):
    """The reader may see no document of the meeting (yet), so there is no packet."""

    code = "packet_no_documents"
    http_status = 409


class PacketBusy(DocumentError):
    """The reader already has as many packets being prepared as allowed."""

    code = "packet_busy"
    http_status = 429


@dataclass(frozen=True)
class PacketPlan:
    """What one reader's packet holds: enough for the worker to build it without the request."""

    key: str
    items: list = field(repr=False)
    """[[item title, [[document title, sha256], …]], …] in agenda order."""
    watermark: list = field(repr=False)
    pages: int


@dataclass(frozen=True)
class PacketFile:
    data: bytes = field(repr=False)
    filename: str
    """The meeting's title, in full (Vietnamese)."""
    ascii_filename: str
    """The same, folded to ASCII for clients that do not read ``filename*``."""

    @property
    def content_disposition(self) -> str:
        """RFC 6266: an ASCII ``filename`` and the full name as UTF-8 in ``filename*``."""
        return (f'attachment; filename="{self.ascii_filename}"; '
                f"filename*=UTF-8''{quote(self.filename, safe='')}")


def _max_builds() -> int:
    return max(int(current_app.config.get("PACKET_MAX_BUILDS_PER_USER") or MAX_BUILDS_PER_USER),
               1)


def _watermark_lines(user: User) -> list[str]:
    return [stamp_text(user.full_name, user.username, utcnow())]


def _style() -> WatermarkStyle:
    font = current_app.config.get("WATERMARK_FONT")
    return WatermarkStyle(font_path=font) if font else WatermarkStyle()


def plan_packet(meeting: Meeting, user: User) -> PacketPlan:
    """Everything the reader may read, in agenda order; items without a document are left out.

    :raises DownloadsNotAllowed: for a confidential meeting that allows no downloads.
    :raises NoPacketDocuments: when the reader may see no document.
    """
    if not downloads_allowed(meeting):
        raise DownloadsNotAllowed(_l("This meeting is confidential: read its documents in the "
                                     "browser; downloads are not allowed."))
    entries = documents_for(meeting, user)
    if not entries:
        raise NoPacketDocuments(_l("This meeting has no documents yet."))
    items: list = []
    for number, item in enumerate(meeting.agenda, start=1):
        docs = [[e.document.title, e.version.sha256] for e in entries
                if e.agenda_item_id == item.id]
        if docs:
            items.append([f"{number}. {item.title}", docs])
    agenda_ids = {item.id for item in meeting.agenda}
    others = [[e.document.title, e.version.sha256] for e in entries
              if e.agenda_item_id not in agenda_ids]
    if others:
        items.append([str(_l("Other documents")), others])
    key = storage.cache_key("packet", meeting.id, user.id, user.username, user.full_name,
                            json.dumps(items, ensure_ascii=False))
    return PacketPlan(key=key, items=items, watermark=_watermark_lines(user),
                      pages=sum(e.version.page_count for e in entries))


def find_build(meeting: Meeting, user: User) -> PacketBuild | None:
    """The build of the reader's current packet, if one was asked for (for the status route)."""
    try:
        plan = plan_packet(meeting, user)
    except NoPacketDocuments:
        return None
    return db.session.execute(
        select(PacketBuild).where(PacketBuild.cache_key == plan.key)).scalar()


def request_packet(meeting: Meeting, user: User) -> PacketBuild:
    """Return the reader's packet build: ready, joined while it runs, or newly queued.

    :raises DownloadsNotAllowed: for a confidential meeting that allows no downloads.
    :raises NoPacketDocuments: when the reader may see no document.
    :raises PacketBusy: when the reader has too many other packets being prepared.
    """
    plan = plan_packet(meeting, user)
    build = db.session.execute(
        select(PacketBuild).where(PacketBuild.cache_key == plan.key)).scalar()
    if build is not None and not _needs_queueing(build):
        return build
    if build is None:
        _refuse_when_busy(user)
        build = _insert_build(meeting, user, plan)
    else:
        build.state, build.error, build.pages_done = PacketState.QUEUED, "", 0
        build.requested_at, build.started_at, build.finished_at = utcnow(), None, None
        build.plan = _plan_json(plan)
    db.session.commit()
    enqueue_build(build.id)
    db.session.refresh(build)  # immediate mode (tests) has built it already
    return build


def _needs_queueing(build: PacketBuild) -> bool:
    """A failed build, a lost task, or a ready packet whose cached file is gone."""
    now = utcnow()
    if build.state == PacketState.READY:
        return storage.read_cached(build.cache_key) is None
    if build.state == PacketState.QUEUED:
        return build.requested_at < now - QUEUE_GRACE
    if build.state == PacketState.BUILDING:
        return build.started_at is None or build.started_at < now - BUILD_LEASE
    return True


def _refuse_when_busy(user: User) -> None:
    """:raises PacketBusy: when the reader already has the allowed number of live builds."""
    since = utcnow() - BUILD_LEASE
    running = db.session.execute(select(func.count()).select_from(PacketBuild).where(
        PacketBuild.user_id == user.id, PacketBuild.state.in_(ACTIVE),
        PacketBuild.requested_at >= since)).scalar_one()
    if running >= _max_builds():
        raise PacketBusy(_l("Other packets of yours are still being prepared; wait until they "
                            "are ready, then try again."))


def _plan_json(plan: PacketPlan) -> str:
    return json.dumps({"items": plan.items, "watermark": plan.watermark}, ensure_ascii=False)


def _insert_build(meeting: Meeting, user: User, plan: PacketPlan) -> PacketBuild:
    """A new queued row; when another request made the same one first, theirs is joined."""
    build = PacketBuild(cache_key=plan.key, meeting_id=meeting.id, user_id=user.id,
                        state=PacketState.QUEUED, plan=_plan_json(plan), pages_total=plan.pages,
                        pages_done=0, size=0, error="", requested_at=utcnow())
    db.session.add(build)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        build = db.session.execute(
            select(PacketBuild).where(PacketBuild.cache_key == plan.key)).scalar_one()
    return build


def run_build(build_id: int) -> PacketState | None:
    """Build a queued packet (in the worker) and cache it; None when another worker has it."""
    if not _claim(build_id):
        return None
    # Loaded here (in the worker), not at import: pypdf stays out of the web server.
    from pypdf.errors import PyPdfError

    from ecabinet.documents.packet import AgendaEntry, PacketDocument, build_packet

    build = db.session.get(PacketBuild, build_id)
    plan = json.loads(build.plan)
    items = [AgendaEntry(title, [PacketDocument(name, storage.read_file(sha))
                                 for name, sha in docs]) for title, docs in plan["items"]]
    last = [time.monotonic()]

    def progress(pages: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            db.session.execute(update(PacketBuild).where(PacketBuild.id == build_id)
                               .values(pages_done=pages))
            db.session.commit()

    try:
        data = build_packet(items, plan["watermark"], style=_style(), progress=progress)
        storage.write_cached(build.cache_key, data)
    except (WatermarkError, storage.StorageError, PyPdfError, OSError) as error:
        log.warning("packet build %s failed: %s", build_id, error)
        return _finish(build_id, PacketState.FAILED, error=getattr(error, "code", "")
                       or "packet_failed")
    return _finish(build_id, PacketState.READY, size=len(data))


def _claim(build_id: int) -> bool:
    """Take a queued build (or one whose lease ran out) with one conditional UPDATE."""
    now = utcnow()
    claimed = db.session.execute(
        update(PacketBuild)
        .where(PacketBuild.id == build_id,
               or_(PacketBuild.state == PacketState.QUEUED,
                   (PacketBuild.state == PacketState.BUILDING)
                   & (PacketBuild.started_at < now - BUILD_LEASE)))
        .values(state=PacketState.BUILDING, started_at=now, pages_done=0)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _finish(build_id: int, state: PacketState, *, size: int = 0, error: str = "") -> PacketState:
    build = db.session.get(PacketBuild, build_id)
    db.session.refresh(build)
    build.state, build.size, build.error, build.finished_at = state, size, error[:64], utcnow()
    if state == PacketState.READY:
        build.pages_done = build.pages_total
    db.session.commit()
    return state


def packet_file(build: PacketBuild, meeting: Meeting, user: User) -> PacketFile | None:
    """The ready packet, from the cache, with its download names; records the download."""
    if build.state != PacketState.READY:
        return None
    data = storage.read_cached(build.cache_key)
    if data is None:
        return None
    audit.record("document.packet", actor=user, object_type="meeting", object_id=meeting.id,
                 details={"pages": build.pages_total, "cached": True})
    db.session.commit()
    full, ascii_name = packet_filenames(meeting)
    return PacketFile(data=data, filename=full, ascii_filename=ascii_name)


def packet_filenames(meeting: Meeting) -> tuple[str, str]:
    """(full Vietnamese name, ASCII-folded name), both ending in .pdf."""
    title = _UNSAFE_NAME.sub(" ", unicodedata.normalize("NFC", meeting.title or ""))
    title = " ".join(title.split())[:150].strip(" .") or f"meeting-{meeting.id}"
    folded = "".join(ch.upper() if c.isupper() else ch for c in title for ch in fold(c))
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in " ._-,()") else "-"
                         for c in folded).strip(" .") or f"meeting-{meeting.id}"
    return title + ".pdf", ascii_name + ".pdf"


def status_of(build: PacketBuild | None) -> dict:
    """What the page polls: the state, how far the build got, the pages in all."""
    if build is None:
        return {"state": "none"}
    return {"state": build.state.value, "pages_done": build.pages_done,
            "pages_total": build.pages_total, "error": build.error or None}
