"""Recompute a closed poll from its stored ballots, apart from the code that tallied it.

`ecabinet poll verify ID` runs this: it reads the rows itself, rebuilds the hash chain and the
counts, and compares them with what was stored at closing and written to the audit log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from ecabinet.voting.models import NamedBallot, Poll, PollKind, SecretBallot


@dataclass(frozen=True)
class Verification:
    ok: bool
    ballots: int
    counts: tuple[int, ...]
    chain_head: str
    problems: tuple[str, ...]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _rows(poll: Poll) -> list[tuple[str, list[int], str]]:
    if poll.kind == PollKind.SECRET:
        rows = db.session.execute(select(SecretBallot.receipt, SecretBallot.choices)
                                  .where(SecretBallot.poll_id == poll.id)).all()
        return sorted((r, json.loads(c), "") for r, c in rows)
    rows = db.session.execute(select(NamedBallot.receipt, NamedBallot.choices,
                                     NamedBallot.voter_id)
                              .where(NamedBallot.poll_id == poll.id)).all()
    return sorted((r, json.loads(c), str(v)) for r, c, v in rows)


def verify_poll(poll: Poll) -> Verification:
    """Rebuild counts and chain; list every disagreement with the stored result and audit."""
    rows = _rows(poll)
    head = _sha(f"ecabinet-poll|{poll.id}|{poll.question}|{poll.choices}|{poll.kind.value}")
    counts = [0] * len(json.loads(poll.choices))
    for receipt, choices, voter in rows:
        head = _sha(f"{head}|{receipt}|{json.dumps(choices)}|{voter}")
        for choice in choices:
            counts[choice] += 1
    problems = []
    stored = json.loads(poll.result) if poll.result else None
    if stored is None:
        problems.append("the poll has no stored result (is it closed?)")
    else:
        if tuple(stored["counts"]) != tuple(counts):
            problems.append(f"stored counts {stored['counts']} differ from the ballots {counts}")
        if stored["cast"] != len(rows):
            problems.append(f"stored {stored['cast']} ballots, found {len(rows)}")
    if poll.chain_head != head:
        problems.append("the ballots' hash chain does not match the head stored at closing")
    audited = db.session.execute(
        select(AuditEntry.details).where(AuditEntry.action == "poll.closed",
                                         AuditEntry.object_id == str(poll.id))).scalars().all()
    if not any(json.loads(d).get("chain_head") == head for d in audited):
        problems.append("no audit entry of the closing carries this chain head")
    return Verification(not problems, len(rows), tuple(counts), head, tuple(problems))
