"""What the meeting recorded, for the notice: who chaired, who attended, the polls' results.

Read through the room's and the votes' service functions. A meeting held without the live room
has no attendance rows: then the invited participants are listed and the secretariat's own text
(``Conclusion.attended_by``) says who came.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecabinet.live import attendance
from ecabinet.meetings.models import Meeting, ParticipantRole
from ecabinet.voting import service as voting
from ecabinet.voting.models import PollStatus
from ecabinet.voting.rules import RULE_LABELS

ROLE_WORDS = {ParticipantRole.CHAIR: "Chủ trì", ParticipantRole.SECRETARY: "Thư ký",
              ParticipantRole.DELEGATE: "Thành viên", ParticipantRole.GUEST: "Khách mời"}


@dataclass(frozen=True)
class Attendee:
    name: str
    position: str
    role: str
    present: bool | None
    """True present, False absent, None when the room recorded nothing."""
    deputy: str = ""


@dataclass(frozen=True)
class PollLine:
    question: str
    choices: tuple[str, ...]
    counts: tuple[int, ...]
    passed: bool
    rule: str
    explanation: str


@dataclass(frozen=True)
class MeetingRecord:
    chair_name: str
    chair_position: str
    attendees: tuple[Attendee, ...]
    recorded: bool
    """The live room recorded attendance."""
    members_in_office: int
    members_present: int
    quorum_required: int
    polls: tuple[PollLine, ...]


def read_record(meeting: Meeting) -> MeetingRecord:
    present = attendance.present_ids(meeting)
    deputies = attendance.represented(meeting)
    recorded = bool(present or deputies)
    people = sorted(meeting.participants, key=lambda p: (list(ROLE_WORDS).index(p.role),
                                                          p.user.full_name))
    names = {p.user_id: p.user.full_name for p in meeting.participants}
    attendees = tuple(
        Attendee(p.user.full_name, p.user.position, ROLE_WORDS[p.role],
                 (p.user_id in present) if recorded else None,
                 names.get(deputies.get(p.user_id), ""))
        for p in people)
    chair = next((p.user for p in people if p.role == ParticipantRole.CHAIR), None)
    quorum = attendance.quorum(meeting)
    polls = []
    for poll in reversed(voting.polls_of(meeting)):
        if poll.status != PollStatus.CLOSED:
            continue
        result = voting.stored_result(poll)
        polls.append(PollLine(poll.question, tuple(voting.poll_choices(poll)),
                              tuple(result.get("counts", ())), bool(result.get("passed")),
                              str(RULE_LABELS[poll.majority]), result.get("explanation", "")))
    return MeetingRecord(
        chair_name=chair.full_name if chair else "", chair_position=chair.position if chair else "",
        attendees=attendees, recorded=recorded, members_in_office=quorum.in_office,
        members_present=quorum.present, quorum_required=quorum.required, polls=tuple(polls))
