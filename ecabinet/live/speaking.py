"""Who speaks in a body's meetings, and who never does: a report for the secretariat.

Built from what the room records (attendance and finished turns), across the body's held
meetings, for the body's members and chairs. Someone present at many meetings who never took
the floor is what a secretariat wants to see first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind, User
from ecabinet.core.collation import sort_key
from ecabinet.extensions import db
from ecabinet.live.models import Attendance, Presence, SpeakerRequest, SpeakerStatus
from ecabinet.meetings import service as meetings


@dataclass(frozen=True)
class SpeakingRecord:
    user: User
    present: int
    """Meetings of the period this person attended (checked in or marked present)."""
    turns: int
    seconds: float
    last_spoke: datetime | None


@dataclass(frozen=True)
class SpeakingReport:
    meetings: int
    records: list[SpeakingRecord]

    @property
    def silent(self) -> list[SpeakingRecord]:
        """Present at least once, never spoke."""
        return [r for r in self.records if r.present and not r.turns]


def speaking_report(body_id: int, *, since: datetime | None = None) -> SpeakingReport:
    """Every member and chair of the body: meetings attended, turns, time spoken; those who
    never spoke first (most meetings attended first), then by time spoken, then by name."""
    held = [m.id for m in meetings.held_meetings(body_id, since=since)]
    people = {u.id: u for role in (RoleKind.CHAIR, RoleKind.MEMBER)
              for u in accounts.users_with_role(role, body_id)}
    present: dict[int, int] = dict.fromkeys(people, 0)
    turns: dict[int, list[SpeakerRequest]] = {uid: [] for uid in people}
    if held:
        for user_id in db.session.execute(
                select(Attendance.user_id).where(Attendance.meeting_id.in_(held),
                                                 Attendance.presence == Presence.PRESENT)
        ).scalars():
            if user_id in present:
                present[user_id] += 1
        for turn in db.session.execute(
                select(SpeakerRequest).where(SpeakerRequest.meeting_id.in_(held),
                                             SpeakerRequest.status == SpeakerStatus.DONE,
                                             SpeakerRequest.started_at.is_not(None))
        ).scalars():
            if turn.user_id in turns:
                turns[turn.user_id].append(turn)
    records = [SpeakingRecord(
        user=people[uid], present=present[uid], turns=len(turns[uid]),
        seconds=sum(((t.ended_at or t.started_at) - t.started_at).total_seconds()
                    for t in turns[uid]),
        last_spoke=max((t.started_at for t in turns[uid]), default=None)) for uid in people]
    records.sort(key=lambda r: (bool(r.turns), -r.present if not r.turns else 0, r.seconds,
                                sort_key(r.user.full_name)))
    return SpeakingReport(meetings=len(held), records=records)
