"""The meeting's record as JSON, embedded in the notice before the chair signs it.

The notice carries ``meeting-record.json`` (schema: ``record.schema.json`` beside this file) as
a PDF/A-3 associated file (``/AFRelationship /Data``), so it lies inside every signature's
range: attendance, and for each closed poll its rule, its stored result, its hash-chain head and
its receipt list. A named poll lists each ballot (receipt, choices, voter), which is all
:mod:`ecabinet.conclusions.record_verify` needs to rebuild the counts and the chain offline. A
secret poll lists its receipt codes only, as the votes PDF does: publishing a secret ballot's
choices beside its receipt would let a voter prove how they voted; its chain head is carried
but cannot be recomputed from the notice.

Read through the voting service's public functions, never its tables.
"""

from __future__ import annotations

import json

from ecabinet.conclusions import record as records
from ecabinet.core.timeutil import to_local
from ecabinet.meetings.models import Meeting, ParticipantRole
from ecabinet.voting import service as voting
from ecabinet.voting.models import PollKind, PollStatus

RECORD_NAME = "meeting-record.json"
RECORD_FORMAT = "ecabinet-meeting-record"
RECORD_VERSION = 1
SCHEMA_ID = "https://ecabinet.vn/schemas/meeting-record/1"


def _chair_id(meeting: Meeting) -> int | None:
    chairs = sorted((p for p in meeting.participants if p.role == ParticipantRole.CHAIR),
                    key=lambda p: p.id)
    return chairs[0].user_id if chairs else None


def _poll(poll, meeting: Meeting, names: dict[int, str], chair_id: int | None) -> dict:
    result = voting.stored_result(poll)
    secret = poll.kind == PollKind.SECRET
    if secret:
        ballots = [{"receipt": receipt} for receipt, _none in voting.published_receipts(poll)]
    else:
        ballots = sorted(({"receipt": receipt, "choices": list(choices), "voter_id": voter,
                           "voter": names.get(voter, "")}
                          for voter, (choices, receipt) in voting.named_ballots(poll).items()),
                         key=lambda b: b["receipt"])
    return {
        "id": poll.id, "question": poll.question, "choices": voting.poll_choices(poll),
        "choices_json": poll.choices, "kind": poll.kind.value, "majority": poll.majority.value,
        "max_choices": poll.max_choices, "members_in_office": poll.members_in_office,
        "present_at_open": poll.present_at_open, "quorum_overridden": poll.quorum_overridden,
        "chair_voter_id": None if secret else chair_id,
        "closed_at": to_local(poll.closed_at).isoformat() if poll.closed_at else None,
        "result": {"counts": list(result.get("counts", ())), "cast": result.get("cast", 0),
                   "passed": bool(result.get("passed")),
                   "explanation": str(result.get("explanation", ""))},
        "chain_head": poll.chain_head, "choices_published": not secret, "ballots": ballots,
    }


def record_of(meeting: Meeting) -> dict:
    """The record as a JSON-ready dict (closed polls only, oldest first)."""
    seen = records.read_record(meeting)
    names = {p.user_id: p.user.full_name for p in meeting.participants}
    chair_id = _chair_id(meeting)
    polls = [_poll(poll, meeting, names, chair_id)
             for poll in reversed(voting.polls_of(meeting)) if poll.status == PollStatus.CLOSED]
    return {
        "$schema": SCHEMA_ID, "format": RECORD_FORMAT, "version": RECORD_VERSION,
        "meeting": {"id": meeting.id, "title": meeting.title, "body": meeting.body.name,
                    "starts_at": to_local(meeting.starts_at).isoformat(),
                    "place": meeting.place or ""},
        "attendance": {
            "recorded": seen.recorded, "members_in_office": seen.members_in_office,
            "members_present": seen.members_present, "quorum_required": seen.quorum_required,
            "chair": seen.chair_name,
            "people": [{"name": a.name, "position": a.position or "", "role": a.role,
                        "present": a.present, "deputy": a.deputy} for a in seen.attendees]},
        "polls": polls,
    }


def record_bytes(meeting: Meeting) -> bytes:
    return json.dumps(record_of(meeting), ensure_ascii=False, indent=1,
                      sort_keys=True).encode()
