"""Open a poll, take ballots exactly once, close it with a result anyone can recompute.

Integrity rests on the database, not on this code alone: a unique constraint allows one
ballot per voter per poll; a retried send (same client token) finds the first ballot and
returns its original receipt; closing locks the poll row and counts only what was committed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.collation import sort_key
from ecabinet.core.errors import NotFound
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.live import attendance
from ecabinet.meetings.models import Meeting, MeetingParticipant, MeetingStatus, ParticipantRole
from ecabinet.meetings.permissions import VISIBLE_TO_PARTICIPANTS, participant_role
from ecabinet.voting import rules, writer
from ecabinet.voting.errors import (
    InvalidBallot,
    InvalidPoll,
    NoQuorum,
    PollClosed,
)
from ecabinet.voting.models import (
    MajorityRule,
    NamedBallot,
    Poll,
    PollKind,
    PollStatus,
    SecretBallot,
    SecretVoter,
)

DEFAULT_CHOICES = ("Tán thành", "Không tán thành", "Không biểu quyết")
VOTING_ROLES = {ParticipantRole.CHAIR, ParticipantRole.DELEGATE}


@dataclass(frozen=True)
class PollData:
    question: str
    choices: tuple[str, ...] = DEFAULT_CHOICES
    kind: PollKind = PollKind.NAMED
    majority: MajorityRule = MajorityRule.HALF_OF_MEMBERS
    max_choices: int = 1
    allow_change: bool = False
    closes_at: datetime | None = None
    agenda_item_id: int | None = None


@dataclass(frozen=True)
class Receipt:
    """What the voter is told after the ballot was committed."""

    poll_id: int
    receipt: str
    choices: tuple[int, ...]
    """The choices recorded; empty for a secret poll (the voter knows them)."""
    repeated: bool = False
    """True when this answers a retry: the ballot was already stored."""
    meeting_id: int | None = None


@dataclass(frozen=True)
class Result:
    poll_id: int
    counts: tuple[int, ...]
    cast: int
    passed: bool
    explanation: str
    chain_head: str


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def token_hash(token: str) -> str:
    """What is stored of a client token: enough to know a retry, nothing to forge one."""
    return _hash(token)


def make_receipt(poll, token: str) -> str:
    """A short code the voter can find in the published result: "K7Q2-M9XA"."""
    digest = hmac.new(bytes.fromhex(poll.receipt_key), token.encode(), hashlib.sha256).digest()
    code = "".join("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[b % 32] for b in digest[:8])
    return f"{code[:4]}-{code[4:]}"


def get_poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(_l("Poll %(id)s does not exist.", id=poll_id))
    return poll


def polls_of(meeting: Meeting) -> list[Poll]:
    """The meeting's polls, newest first."""
    return list(db.session.execute(select(Poll).where(Poll.meeting_id == meeting.id)
                                   .order_by(Poll.id.desc())).scalars())


def poll_choices(poll: Poll) -> list[str]:
    return json.loads(poll.choices)


def open_poll(meeting: Meeting, data: PollData, *, actor: User | None,
              override_quorum: bool = False) -> Poll:
    """Open a poll on the meeting; without quorum only when the chair explicitly overrides.

    :raises InvalidPoll: for an empty question or fewer than two choices.
    :raises NoQuorum: when too few members are present and there is no override.
    """
    choices = tuple(c.strip() for c in data.choices if c.strip())
    if not data.question.strip():
        raise InvalidPoll(_l("A poll needs a question."))
    if len(choices) < 2 or not 1 <= data.max_choices <= len(choices):
        raise InvalidPoll(_l("A poll needs at least two choices."))
    quorum = attendance.quorum(meeting)
    if not quorum.reached and not override_quorum:
        raise NoQuorum(_l("Not enough members are present (%(present)d of %(in_office)d; "
                          "%(required)d needed) to open a vote.", present=quorum.present,
                          in_office=quorum.in_office, required=quorum.required))
    poll = Poll(meeting_id=meeting.id, agenda_item_id=data.agenda_item_id,
                question=data.question.strip()[:500],
                choices=json.dumps(choices, ensure_ascii=False), max_choices=data.max_choices,
                kind=data.kind, majority=data.majority,
                allow_change=data.allow_change and data.kind == PollKind.NAMED,
                status=PollStatus.OPEN, members_in_office=quorum.in_office,
                present_at_open=quorum.present, quorum_overridden=not quorum.reached,
                receipt_key=secrets.token_hex(32), closes_at=data.closes_at,
                opened_at=utcnow(), opened_by_id=getattr(actor, "id", None))
    db.session.add(poll)
    db.session.flush()
    audit.record("poll.opened", actor=actor, object_type="poll", object_id=poll.id,
                 details={"meeting": meeting.id, "question": poll.question,
                          "kind": poll.kind.value, "majority": poll.majority.value,
                          "quorum_overridden": poll.quorum_overridden})
    db.session.commit()
    return poll


def is_eligible(poll: Poll, meeting: Meeting, user: User) -> bool:
    """Members taking part (chair or delegate) who are present; guests never vote, nor does
    a deputy taking part in someone's place (the body's regulation would have to allow it).
    The ballot writer applies the same rule to each batch, in the transaction that stores it."""
    return (participant_role(meeting, user, stand_ins=False) in VOTING_ROLES
            and attendance.is_present(meeting, user.id))


@dataclass(frozen=True)
class BallotPoll:
    """What taking one ballot needs of its poll and of the voter's own place in the meeting,
    read in one query (a ballot must not cost an ORM load of poll, meeting and roles)."""

    id: int
    meeting_id: int
    kind: PollKind
    choice_count: int
    max_choices: int
    receipt_key: str
    voter_role: ParticipantRole | None
    """The voter's own role in the meeting (not one they stand in for), None if none."""
    meeting_status: MeetingStatus

    @property
    def voter_may_enter(self) -> bool:
        """A chair or delegate of a meeting open to its participants: exactly those whom
        `can_enter_room` admits by their role alone; anyone else is checked in full."""
        return (self.voter_role in VOTING_ROLES
                and self.meeting_status in VISIBLE_TO_PARTICIPANTS)


@cache
def _ballot_poll_statement():
    """Built once: composing a statement costs more than running it."""
    return (select(Poll.meeting_id, Poll.kind, Poll.choices, Poll.max_choices,
                   Poll.receipt_key, MeetingParticipant.role, Meeting.status)
            .join(Meeting, Meeting.id == Poll.meeting_id)
            .outerjoin(MeetingParticipant,
                       (MeetingParticipant.meeting_id == Poll.meeting_id)
                       & (MeetingParticipant.user_id == bindparam("voter_id")))
            .where(Poll.id == bindparam("poll_id")))


def ballot_poll(poll_id: int, voter_id: int) -> BallotPoll:
    """:raises NotFound: when there is no such poll."""
    row = db.session.connection().execute(_ballot_poll_statement(),
                                          {"poll_id": poll_id, "voter_id": voter_id}).first()
    if row is None:
        raise NotFound(_l("Poll %(id)s does not exist.", id=poll_id))
    meeting_id, kind, choices, max_choices, key, role, status = row
    return BallotPoll(poll_id, meeting_id, kind, len(json.loads(choices)), max_choices, key,
                      role, status)


def check_choices(poll, choices: tuple[int, ...]) -> tuple[int, ...]:
    """The choices sorted, once each, or InvalidBallot; `poll` is a Poll, a BallotPoll or a
    row with its `choices` (JSON) and `max_choices`."""
    count = (poll.choice_count if isinstance(poll, BallotPoll)
             else len(json.loads(poll.choices)))
    picked = tuple(sorted(set(choices)))
    if not picked or len(picked) > poll.max_choices or not all(0 <= c < count for c in picked):
        raise InvalidBallot(_l("Choose between 1 and %(n)d of the listed options.",
                               n=poll.max_choices))
    return picked


def _check_token(token: str) -> str:
    if not isinstance(token, str) or not 8 <= len(token) <= 64:
        raise InvalidBallot(_l("The ballot lacks its client token; reload the page."))
    return token


def cast_ballot(poll: Poll, meeting: Meeting, voter: User, choices: tuple[int, ...],
                token: str) -> Receipt:
    """Store one ballot and return its receipt (see `cast`)."""
    return cast(ballot_poll(poll.id, voter.id), voter.id, choices, token)


def cast(poll: BallotPoll, voter_id: int, choices: tuple[int, ...], token: str) -> Receipt:
    """Store one ballot and return its receipt, after the commit (by the process's ballot
    writer, which checks and commits whatever ballots are waiting in one durable
    transaction: whether the poll is open, the voter eligible, a ballot already stored).

    A retry with the same token returns the original receipt and stores nothing. A new token
    from someone who already voted changes the ballot where the poll allows it.

    :raises PollClosed: the poll is closed (or its time is up).
    :raises NotEligible: the voter is not a present member of the meeting.
    :raises InvalidBallot: choices out of range, or no token.
    :raises AlreadyVoted: a second, different ballot where no change is allowed.
    """
    token = _check_token(token)
    picked = check_choices(poll, choices)
    job = writer.BallotJob(poll_id=poll.id, voter_id=voter_id, choices=picked, token=token)
    return _submitted(job, named=poll.kind == PollKind.NAMED)


def cast_as_participant(poll_id: int, voter_id: int, choices: tuple[int, ...], token: str,
                        *, session_digest: str) -> Receipt:
    """The hot path of a vote: store one ballot with no query before the writer, which
    checks in the batch's own transaction, for every ballot of the batch at once, that the
    voter's sign-in session is open and the account active, that the voter is a chair or
    delegate of a meeting open to its participants (the role that admits them to the room
    alone), and then all that `cast` checks.

    :raises writer.SessionEnded: the session ended or the account was deactivated.
    :raises writer.NeedsFullCheck: the voter is not admitted by a role alone; authorise
        them in full and call `cast`.
    :raises NotFound: there is no such poll.
    And what `cast` raises.
    """
    job = writer.BallotJob(poll_id=poll_id, voter_id=voter_id, choices=tuple(choices),
                           token=_check_token(token), session_digest=session_digest,
                           vetted=False)
    return _submitted(job, named=None)


def _submitted(job, *, named: bool | None) -> Receipt:
    # End this request's transaction, if it has one: it must hold no lock or pooled
    # connection while it waits, and must see the ballot afterwards (a SQLite read keeps
    # its snapshot).
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()
    outcome, stored = writer.submit(job).outcome
    if named is None:
        named = bool(job.named)
    return Receipt(job.poll_id, job.receipt, tuple(stored) if named else (),
                   repeated=outcome == "repeated", meeting_id=job.meeting_id)


def waiting_voters(poll: Poll, meeting: Meeting) -> list[str]:
    """Names of the eligible who have not voted yet, for the chair's console (never what
    anyone chose); one query however large the meeting."""
    from ecabinet.live.models import Attendance, Presence
    from ecabinet.meetings.models import MeetingParticipant

    model = SecretVoter if poll.kind == PollKind.SECRET else NamedBallot
    voted = select(model.voter_id).where(model.poll_id == poll.id)
    names = db.session.execute(
        select(User.full_name)
        .join(MeetingParticipant, MeetingParticipant.user_id == User.id)
        .join(Attendance, (Attendance.user_id == User.id)
              & (Attendance.meeting_id == MeetingParticipant.meeting_id))
        .where(MeetingParticipant.meeting_id == meeting.id,
               MeetingParticipant.role.in_(VOTING_ROLES),
               Attendance.presence == Presence.PRESENT, User.id.not_in(voted))).scalars()
    return sorted(names, key=sort_key)


def voted_count(poll: Poll) -> int:
    model = SecretVoter if poll.kind == PollKind.SECRET else NamedBallot
    return db.session.execute(select(func.count()).select_from(model)
                              .where(model.poll_id == poll.id)).scalar_one()


def voted_ids(poll: Poll) -> set[int]:
    """Who has voted (names only, never choices: also for a secret poll)."""
    model = SecretVoter if poll.kind == PollKind.SECRET else NamedBallot
    return set(db.session.execute(select(model.voter_id)
                                  .where(model.poll_id == poll.id)).scalars())


def _ballots(poll: Poll) -> list[tuple[str, tuple[int, ...], int | None]]:
    """(receipt, choices, voter id or None) of every stored ballot, ordered by receipt."""
    if poll.kind == PollKind.SECRET:
        rows = db.session.execute(select(SecretBallot.receipt, SecretBallot.choices)
                                  .where(SecretBallot.poll_id == poll.id))
        ballots = [(r, tuple(json.loads(c)), None) for r, c in rows]
    else:
        rows = db.session.execute(select(NamedBallot.receipt, NamedBallot.choices,
                                         NamedBallot.voter_id)
                                  .where(NamedBallot.poll_id == poll.id))
        ballots = [(r, tuple(json.loads(c)), v) for r, c, v in rows]
    return sorted(ballots)


def chain_of(poll: Poll, ballots) -> str:
    """Hash chain over the ballots in receipt order, seeded with the poll's question and
    choices: any changed, added or removed ballot changes the head."""
    head = _hash(f"ecabinet-poll|{poll.id}|{poll.question}|{poll.choices}|{poll.kind.value}")
    for receipt, choices, voter_id in ballots:
        head = _hash(f"{head}|{receipt}|{json.dumps(list(choices))}|{voter_id or ''}")
    return head


def tally(poll: Poll, ballots) -> rules.Tally:
    counts = [0] * len(poll_choices(poll))
    for _receipt, choices, _voter in ballots:
        for choice in choices:
            counts[choice] += 1
    return rules.Tally(tuple(counts), len(ballots), poll.members_in_office, poll.present_at_open)


def _chair_choice(poll: Poll, meeting: Meeting, ballots) -> int | None:
    """The chair's choice for the tie-break: known only in a named poll."""
    if poll.kind == PollKind.SECRET:
        return None
    chair = db.session.execute(select(MeetingParticipant.user_id).where(
        MeetingParticipant.meeting_id == meeting.id,
        MeetingParticipant.role == ParticipantRole.CHAIR)
        .order_by(MeetingParticipant.id).limit(1)).scalar()
    return next((choices[0] for _r, choices, voter in ballots if voter == chair and choices),
                None)


def compute_result(poll: Poll, meeting: Meeting) -> Result:
    """Count the stored ballots and apply the poll's rule (also what `verify` recomputes)."""
    ballots = _ballots(poll)
    counted = tally(poll, ballots)
    outcome = rules.decide(counted, poll.majority, _chair_choice(poll, meeting, ballots))
    return Result(poll.id, counted.counts, counted.cast, outcome.passed,
                  str(rules.explain(outcome, counted, poll.majority)), chain_of(poll, ballots))


def close_poll(poll: Poll, meeting: Meeting, *, actor: User | None) -> Result:
    """Close the poll, then count: a ballot committed before the close is counted, one
    arriving after is refused. The result is stored once and never rewritten.

    :raises PollClosed: when it is already closed.
    """
    closed = db.session.execute(update(Poll).where(Poll.id == poll.id,
                                                   Poll.status == PollStatus.OPEN)
                                .values(status=PollStatus.CLOSED, closed_at=utcnow(),
                                        closed_by_id=getattr(actor, "id", None))).rowcount
    if not closed:
        db.session.rollback()
        raise PollClosed(_l("This vote is already closed."))
    db.session.commit()
    db.session.refresh(poll)
    result = compute_result(poll, meeting)
    poll.result = json.dumps({"counts": result.counts, "cast": result.cast,
                              "passed": result.passed, "explanation": result.explanation},
                             ensure_ascii=False)
    poll.chain_head = result.chain_head
    audit.record("poll.closed", actor=actor, object_type="poll", object_id=poll.id,
                 details={"counts": list(result.counts), "passed": result.passed,
                          "chain_head": result.chain_head})
    db.session.commit()
    return result


def close_overdue(poll_id: int | None = None, meeting: Meeting | None = None) -> list[Meeting]:
    """Close the open polls whose time limit has passed (one poll, or a meeting's), as their
    chair would; the meetings whose room changed are returned for a broadcast."""
    from ecabinet.meetings import service as meetings

    query = select(Poll).where(Poll.status == PollStatus.OPEN, Poll.closes_at.is_not(None),
                               Poll.closes_at <= utcnow())
    if poll_id is not None:
        query = query.where(Poll.id == poll_id)
    if meeting is not None:
        query = query.where(Poll.meeting_id == meeting.id)
    changed = []
    for poll in list(db.session.execute(query).scalars()):
        owner = meetings.get_meeting(poll.meeting_id)
        try:
            close_poll(poll, owner, actor=None)
        except PollClosed:
            continue  # closed meanwhile by the chair or another process
        changed.append(owner)
    return changed


def stored_result(poll: Poll) -> dict:
    return json.loads(poll.result) if poll.result else {}


def my_named_ballot(poll_id: int, voter_id: int) -> tuple[tuple[int, ...], str] | None:
    """(choices, receipt) of this voter's ballot in a named poll, for the room's snapshot
    after a reload or on another device; None for a secret poll, whose ballots name nobody
    (the receipt is then only on the device that cast it)."""
    row = db.session.execute(select(NamedBallot.choices, NamedBallot.receipt).where(
        NamedBallot.poll_id == poll_id, NamedBallot.voter_id == voter_id)).first()
    return (tuple(json.loads(row.choices)), row.receipt) if row else None


def named_ballots(poll: Poll) -> dict[int, tuple[tuple[int, ...], str]]:
    """{voter id: (choices, receipt)} of a named poll; nothing for a secret one."""
    if poll.kind == PollKind.SECRET:
        return {}
    return {voter: (choices, receipt) for receipt, choices, voter in _ballots(poll)}


def may_vote(role: ParticipantRole) -> bool:
    """Whether a participant in this role votes when present (guests never do)."""
    return role in VOTING_ROLES


def published_receipts(poll: Poll) -> list[tuple[str, tuple[int, ...]]]:
    """Receipt codes with their choices (a secret poll: codes only), so that each voter can
    check that their ballot was counted."""
    secret = poll.kind == PollKind.SECRET
    return [(receipt, () if secret else choices) for receipt, choices, _v in _ballots(poll)]
