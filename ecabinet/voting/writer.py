"""The one writer of ballots in a process: whatever ballots are waiting go into one
transaction, one durable commit, and only then is each voter acknowledged.

A thousand delegates pressing "Tán thành" within a second must not mean a thousand fsyncs in
a row, each blocking the server's event loop. Handlers check what they can by reading (token,
eligibility, choices), then hand the ballot to this writer and wait. The writer locks the
polls of the batch first (the row on PostgreSQL, the database on SQLite), so a close either
comes before the batch (its ballots are refused) or after it (they are counted), and no other
process inserts ballots for those polls meanwhile; the unique constraints stay the last word.
On SQLite the batch commits with `synchronous=FULL`: an acknowledged ballot survives a power cut.

The queue and the thread are this process's plumbing, not meeting state: a crash loses only
unacknowledged ballots, which their clients send again with the same token.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, insert, literal_column, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db, socketio
from ecabinet.voting.errors import AlreadyVoted, NotEligible, NotRecorded, PollClosed
from ecabinet.voting.models import (
    NamedBallot,
    Poll,
    PollKind,
    PollStatus,
    SecretBallot,
    SecretVoter,
)

log = logging.getLogger(__name__)
BATCH_LIMIT = 500
IDLE_EXIT_S = 60.0
"""A writer with nothing to do for this long ends (its connections closed); the next ballot
starts a new one. Opening a poll starts it ahead of the first ballot (`warm`)."""
WAIT_S = 20.0
_STOP = None
"""Queued by `close`: the loop ends once the ballots queued before it are written."""


class NeedsFullCheck(Exception):  # noqa: N818 - not an error: a request to the caller
    """The voter is not admitted by their role in the meeting alone (not a chair or delegate
    of a meeting open to its participants): the caller must authorise them in full, as
    every room event does, and send the ballot again as vetted."""


class SessionEnded(Exception):  # noqa: N818 - answered as "please sign in" by the caller
    """The voter's sign-in session ended, or their account was deactivated."""


@dataclass
class BallotJob:
    poll_id: int
    voter_id: int
    choices: tuple[int, ...]
    token: str
    """The client's token: the receipt is HMAC(poll key, token), its hash finds a retry."""
    session_digest: str | None = None
    """The voter's sign-in session, checked in the batch's own transaction (with the account
    being active); None when the caller checked it."""
    vetted: bool = True
    """False: the caller checked nothing but the session's owner; the batch reads the voter's
    role in the meeting and answers NeedsFullCheck for anyone a role alone does not admit."""
    token_hash: str = ""
    receipt: str = ""
    meeting_id: int | None = None
    named: bool | None = None
    """Set by the batch: whether the poll is named (its receipt then repeats the choices)."""
    done: threading.Event = field(default_factory=threading.Event)
    outcome: object = None
    """("stored" | "repeated", stored choices) or the error to raise."""


class BallotWriter:
    def __init__(self, app):
        self.app = app
        self.jobs: queue.Queue[BallotJob] = queue.Queue()
        self.lock = threading.Lock()
        self.engine_lock = threading.Lock()
        self.running = False
        self.engine = None
        self.own_engine = False
        self.off_loop = False
        self.closed = False
        self.stopped = threading.Event()
        self.stopped.set()

    def submit(self, job: BallotJob) -> BallotJob:
        """Queue the ballot and wait until its batch is committed (or refused)."""
        self.jobs.put(job)
        self._ensure_running()
        if not job.done.wait(WAIT_S):
            raise NotRecorded(_l("The ballot could not be confirmed in time; send it again "
                                 "(it will not be counted twice)."))
        if isinstance(job.outcome, Exception):
            raise job.outcome
        return job

    def warm(self) -> None:
        """Ready the writer before ballots come (a poll just opened): its engine and a
        connection made, its loop waiting, so the first batch does not pay for them
        (on PostgreSQL 0.1 to 0.2 s)."""
        if self.closed:  # a warm-up started just before the app went away
            return
        try:
            with self.app.app_context():
                engine = self._engine()
                if not self.off_loop and engine is not db.engine:
                    engine.connect().close()  # one pooled connection, kept
            self._ensure_running()
        except Exception:  # noqa: BLE001 - only a head start: the first ballot retries
            log.exception("warming the ballot writer failed")

    def close(self, timeout: float = 10.0) -> None:
        """Stop for good once the ballots queued so far are written, and close the writer's
        connections: the app is going away (each test's app), and nothing
        of it may hold a connection after it, as an idle loop would for IDLE_EXIT_S."""
        with self.lock:
            self.closed = True
            if self.running:
                self.jobs.put(_STOP)
        self.stopped.wait(timeout)
        self._close_engine()

    def _ensure_running(self) -> None:
        with self.lock:
            if self.closed:
                return  # `submit` then times out with NotRecorded, as for a stuck writer
            if not self.running:
                self.running = True
                self.stopped.clear()
                socketio.start_background_task(self._run)

    def _stop(self) -> None:
        self.running = False
        self._close_engine()
        self.stopped.set()

    def _run(self) -> None:
        stop = False
        while not stop:
            try:
                first = self.jobs.get(timeout=IDLE_EXIT_S)
            except queue.Empty:
                with self.lock:
                    if self.jobs.empty():
                        self._stop()
                        return
                continue
            if first is _STOP:
                break
            batch = [first]
            while len(batch) < BATCH_LIMIT:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    stop = True
                    break
                batch.append(job)
            try:
                with self.app.app_context():
                    self._write(batch)
            except Exception:  # noqa: BLE001 - the writer must outlive one bad batch
                log.exception("ballot batch of %d failed", len(batch))
                for job in batch:
                    if job.outcome is None:
                        job.outcome = NotRecorded(_l("The ballot was not recorded; send "
                                                     "it again."))
            finally:
                for job in batch:  # here, in the loop's own thread: gevent's events are not
                    job.done.set()  # thread-safe
        with self.lock:
            self._stop()

    def _write(self, batch: list[BallotJob]) -> None:
        """On SQLite under gevent, commit in a native thread: sqlite3 blocks whatever thread
        calls it, and the fsync of a `synchronous=FULL` commit would otherwise stop the whole
        event loop (every other handler, every acknowledgement) for its duration."""
        engine = self._engine()
        if self.off_loop:
            from gevent import get_hub

            get_hub().threadpool.apply(self._write_here, (engine, batch))
        else:
            self._write_here(engine, batch)

    def _write_here(self, engine, batch: list[BallotJob]) -> None:
        with self.app.app_context(), Session(engine) as session:
            try:
                write_batch(session, batch)
            except Exception:  # noqa: BLE001 - every waiter must be answered
                log.exception("ballot batch of %d failed", len(batch))
                session.rollback()
                for job in batch:
                    if job.outcome is None:
                        job.outcome = NotRecorded(_l("The ballot was not recorded; send "
                                                     "it again."))

    def _engine(self):
        """The writer's own connections: on SQLite they commit with synchronous=FULL, which
        the rest of the application (notifications, views) does not need to pay for."""
        with self.engine_lock:  # the loop and `warm` may ask at once
            return self._engine_locked()

    def _engine_locked(self):
        if self.engine is None:
            url = db.engine.url
            in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "",
                                                                                ":memory:")
            self.own_engine = not in_memory  # one in-memory database: share its connection
            self.off_loop = (url.get_backend_name() == "sqlite" and not in_memory
                             and _gevent_patched())
            if in_memory:
                self.engine = db.engine
            elif self.off_loop:  # a connection per batch, opened in the thread that uses it
                self.engine = create_engine(url, poolclass=NullPool)
                self.engine.connect().close()  # its first-connect setup, here in the loop
            else:
                self.engine = create_engine(url, pool_size=2, max_overflow=2,
                                            pool_pre_ping=True)
        return self.engine

    def _close_engine(self) -> None:
        with self.engine_lock:
            if self.engine is not None and self.own_engine:
                self.engine.dispose()
            self.engine = None


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return False
    return monkey.is_module_patched("socket")


def writer_of(app) -> BallotWriter:
    writer = app.extensions.get("ecabinet_ballot_writer")
    if writer is None:
        writer = app.extensions.setdefault("ecabinet_ballot_writer", BallotWriter(app))
    return writer


def close_writer(app) -> None:
    """Stop the app's writer, if it has one, and close its connections (see `close`)."""
    close = getattr(app.extensions.get("ecabinet_ballot_writer"), "close", None)
    if close is not None:
        close()


def submit(job: BallotJob) -> BallotJob:
    return writer_of(current_app._get_current_object()).submit(job)


def write_batch(session: Session, batch: list[BallotJob]) -> None:
    """Store the batch in one transaction; if the database refuses it as a whole (a unique
    constraint, say), store each ballot alone so that one bad ballot costs no other."""
    try:
        _store(session, batch)
    except IntegrityError:
        session.rollback()
        if len(batch) == 1:
            _answer_after_race(session, batch[0])
            return
        for job in batch:
            job.outcome = None
            write_batch(session, [job])


def _store(session: Session, batch: list[BallotJob]) -> None:
    """Check and store the batch with a handful of statements however large it is: lock the
    open polls, read the polls, the voters' sessions, their places in the meetings (role and
    presence) and their stored ballots, insert."""
    from ecabinet.core.errors import NotFound
    from ecabinet.live.models import Presence
    from ecabinet.meetings.models import Meeting
    from ecabinet.meetings.permissions import VISIBLE_TO_PARTICIPANTS
    from ecabinet.voting.errors import InvalidBallot
    from ecabinet.voting.service import VOTING_ROLES, check_choices, make_receipt, token_hash

    if session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        # Outside a transaction, as every batch of the writer's own connections starts;
        # a caller that hands the writer a connection already in one keeps its setting.
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("PRAGMA synchronous=FULL")
    poll_ids = {job.poll_id for job in batch}
    open_ids = _lock_open_polls(session, poll_ids)
    polls = {row.id: row for row in session.execute(
        select(Poll.id, Poll.meeting_id, Poll.kind, Poll.allow_change, Poll.choices,
               Poll.max_choices, Poll.receipt_key, Meeting.status.label("meeting_status"))
        .join(Meeting, Meeting.id == Poll.meeting_id)
        .where(Poll.id.in_(poll_ids)))}
    signed_in = _signed_in(session, batch)
    places = _places(session, polls, batch)
    existing = _existing(session, polls, batch)
    rows: dict[type, list[dict]] = {NamedBallot: [], SecretVoter: [], SecretBallot: []}
    for job in batch:
        if job.session_digest is not None and (job.session_digest,
                                               job.voter_id) not in signed_in:
            job.outcome = SessionEnded()
            continue
        poll = polls.get(job.poll_id)
        if poll is None:
            job.outcome = (PollClosed(_l("This vote is closed; the ballot was not counted."))
                           if job.vetted else
                           NotFound(_l("Poll %(id)s does not exist.", id=job.poll_id)))
            continue
        role, presence = places.get((poll.id, job.voter_id), (None, None))
        if not job.vetted and not (role in VOTING_ROLES
                                   and poll.meeting_status in VISIBLE_TO_PARTICIPANTS):
            job.outcome = NeedsFullCheck()
            continue
        try:
            job.choices = check_choices(poll, job.choices)
        except InvalidBallot as error:
            job.outcome = error
            continue
        job.token_hash, job.receipt = token_hash(job.token), make_receipt(poll, job.token)
        job.meeting_id, job.named = poll.meeting_id, poll.kind == PollKind.NAMED
        job.outcome = _place(session, poll, job, existing, rows,
                             open_=poll.id in open_ids,
                             eligible=role in VOTING_ROLES and presence == Presence.PRESENT)
    secrets.SystemRandom().shuffle(rows[SecretBallot])  # row order says nothing of who
    for model, values in rows.items():
        if values:
            session.execute(insert(model), values)
    session.commit()


def _lock_open_polls(session: Session, poll_ids: set[int]) -> set[int]:
    """Touch the open polls' rows first: the lock that orders this batch against a close
    and against other processes' writers."""
    now = utcnow()
    return set(session.execute(
        update(Poll).where(Poll.id.in_(poll_ids), Poll.status == PollStatus.OPEN,
                           or_(Poll.closes_at.is_(None), Poll.closes_at > now))
        .values(status=PollStatus.OPEN).returning(Poll.id)
        .execution_options(synchronize_session=False)).scalars())


def _existing(session: Session, polls: dict, batch: list[BallotJob]) -> dict[tuple, dict]:
    """The stored ballot (named) or voter row (secret) of each voter in the batch, as
    {"token_hash", "choices"} (choices of a named poll only)."""
    found: dict[tuple[int, int], dict] = {}
    for poll in polls.values():
        voters = {job.voter_id for job in batch if job.poll_id == poll.id}
        if poll.kind == PollKind.SECRET:
            query = select(SecretVoter.voter_id, SecretVoter.token_hash, literal_column("''"))
            query = query.where(SecretVoter.poll_id == poll.id,
                                SecretVoter.voter_id.in_(voters))
        else:
            query = select(NamedBallot.voter_id, NamedBallot.token_hash, NamedBallot.choices)
            query = query.where(NamedBallot.poll_id == poll.id,
                                NamedBallot.voter_id.in_(voters))
        for voter_id, token_hash, choices in session.execute(query):
            found[(poll.id, voter_id)] = {"token_hash": token_hash, "choices": choices}
    return found


def _signed_in(session: Session, batch: list[BallotJob]) -> set[tuple[str, int]]:
    """(session digest, user id) of the batch's sessions still open, of active accounts."""
    from ecabinet.accounts.models import User, UserSession

    digests = {job.session_digest for job in batch if job.session_digest}
    if not digests:
        return set()
    return {(digest, user_id) for digest, user_id in session.execute(
        select(UserSession.token_hash, UserSession.user_id)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash.in_(digests), UserSession.ended_at.is_(None),
               User.is_active.is_(True)))}


def _places(session: Session, polls: dict, batch: list[BallotJob]) -> dict[tuple, tuple]:
    """(poll, voter) → (the voter's own role in the poll's meeting, their presence or None)
    for the batch's voters who take part in their own right: what `service.is_eligible`
    asks, read for the whole batch in the transaction that stores it."""
    from ecabinet.live.models import Attendance
    from ecabinet.meetings.models import MeetingParticipant

    found = {}
    for poll in polls.values():
        voters = {job.voter_id for job in batch if job.poll_id == poll.id}
        for voter, role, presence in session.execute(
                select(MeetingParticipant.user_id, MeetingParticipant.role,
                       Attendance.presence)
                .outerjoin(Attendance,
                           (Attendance.meeting_id == MeetingParticipant.meeting_id)
                           & (Attendance.user_id == MeetingParticipant.user_id))
                .where(MeetingParticipant.meeting_id == poll.meeting_id,
                       MeetingParticipant.user_id.in_(voters))):
            found[(poll.id, voter)] = (role, presence)
    return found


def _place(session: Session, poll, job: BallotJob, existing: dict, rows: dict, *,
           open_: bool, eligible: bool) -> object:
    """The job's outcome; the rows to insert are added to `rows`."""
    key = (poll.id, job.voter_id)
    previous = existing.get(key)
    if previous is not None and previous["token_hash"] == job.token_hash:
        return ("repeated", _choices_of(poll, previous))
    if not open_:
        return PollClosed(_l("This vote is closed; the ballot was not counted."))
    if not eligible:
        return NotEligible(_l("Only members present at the meeting may vote."))
    if previous is not None and not (poll.allow_change and poll.kind == PollKind.NAMED):
        return AlreadyVoted(_l("You have already voted in this poll."))
    picked = json.dumps(list(job.choices))
    if previous is not None:
        session.execute(update(NamedBallot).where(NamedBallot.poll_id == poll.id,
                                                  NamedBallot.voter_id == job.voter_id)
                        .values(choices=picked, receipt=job.receipt,
                                token_hash=job.token_hash))
    elif poll.kind == PollKind.SECRET:
        rows[SecretVoter].append({"id": secrets.token_hex(16), "poll_id": poll.id,
                                  "voter_id": job.voter_id, "token_hash": job.token_hash})
        rows[SecretBallot].append({"id": secrets.token_hex(16), "poll_id": poll.id,
                                   "choices": picked, "receipt": job.receipt})
    else:
        rows[NamedBallot].append({"poll_id": poll.id, "voter_id": job.voter_id,
                                  "choices": picked, "receipt": job.receipt,
                                  "token_hash": job.token_hash})
    existing[key] = {"token_hash": job.token_hash, "choices": picked}
    return ("stored", job.choices)


def _choices_of(poll, row) -> tuple[int, ...]:
    if poll.kind != PollKind.NAMED:
        return ()
    return tuple(json.loads(row["choices"] if isinstance(row, dict) else row.choices))


def _answer_after_race(session: Session, job: BallotJob) -> None:
    """The database refused a lone ballot: the voter's other device won the race."""
    poll = session.get(Poll, job.poll_id)
    model = SecretVoter if poll.kind == PollKind.SECRET else NamedBallot
    previous = session.execute(select(model).where(
        model.poll_id == poll.id, model.voter_id == job.voter_id)).scalar_one_or_none()
    if previous is not None and previous.token_hash == job.token_hash:
        job.outcome = ("repeated", _choices_of(poll, previous))
    else:
        job.outcome = AlreadyVoted(_l("You have already voted in this poll."))
