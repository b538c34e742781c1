"""Write and check the hash-chained audit log; the one way features record what happened."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ecabinet.audit.models import AuditEntry, AuditHead
from ecabinet.core.context import client_ip
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db

GENESIS_HASH = "0" * 64


def _entry_digest(entry: AuditEntry) -> str:
    """Hash every field that matters plus the previous hash, so any edit breaks the chain."""
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip": entry.ip,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor=None,
    object_type: str = "",
    object_id: object = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction, so the record and the change commit together.

    The head row is updated first: that takes the write lock (row lock on PostgreSQL, the
    database lock on SQLite), so concurrent writers form one chain instead of a fork.
    """
    seq, prev_hash = db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
        .execution_options(synchronize_session=False)
    ).one()
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        ip=client_ip.get(),
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=prev_hash,
    )
    entry.hash = _entry_digest(entry)
    db.session.add(entry)
    db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    """How many entries were read."""
    problem: str = ""
    """English sentence naming the first broken entry; empty when ok."""
    problem_seq: int | None = None


def verify_chain() -> ChainReport:
    """Walk the log in order and name the first entry that was changed, removed or moved."""
    result = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )
    try:  # an early return must still close PostgreSQL's server-side cursor
        return _walk(result.scalars())
    finally:
        result.close()


def _walk(entries) -> ChainReport:
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            return ChainReport(False, checked, f"entry {expected_seq} is missing "
                               f"(the log jumps to entry {entry.seq})", expected_seq)
        if entry.prev_hash != expected_prev:
            return ChainReport(False, checked, f"entry {entry.seq} does not follow entry "
                               f"{entry.seq - 1}: entries were removed or reordered", entry.seq)
        if _entry_digest(entry) != entry.hash:
            return ChainReport(False, checked, f"entry {entry.seq} was changed after it was "
                               f"written ({entry.action})", entry.seq)
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    head = db.session.get(AuditHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.last_hash != expected_prev:
        return ChainReport(False, checked, f"entries after entry {expected_seq - 1} were removed",
                           expected_seq)
    return ChainReport(True, checked)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    """Prefix of the action code, e.g. "login" matches login.ok and login.failed."""
    actor: str = ""
    """Username of whoever acted."""
    since: datetime | None = None
    until: datetime | None = None


def list_entries(criteria: AuditFilter, *, page: int = 1, per_page: int = 50):
    """Return one page of entries, newest first, and whether there are more."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if criteria.action:
        query = query.where(AuditEntry.action.startswith(criteria.action, autoescape=True))
    if criteria.actor:
        query = query.where(AuditEntry.actor_name == criteria.actor)
    if criteria.since:
        query = query.where(AuditEntry.at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEntry.at < criteria.until)
    offset = (max(page, 1) - 1) * per_page
    rows = db.session.execute(query.offset(offset).limit(per_page + 1)).scalars().all()
    return rows[:per_page], len(rows) > per_page
