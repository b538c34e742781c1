"""Who is told what: in-app notifications and queued mail for the meeting workflow.

Every function here writes rows, commits, and only then enqueues delivery, so a worker
never looks for a mail that is not committed yet and a web request never waits for SMTP.
Broadcasting to sockets is the caller's job (events.push_live), after this returns.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind, User
from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus, ParticipantRole
from ecabinet.notify import compose
from ecabinet.notify.models import MailStatus, Notification, OutgoingMail
from ecabinet.notify.queue import enqueue_mails

log = logging.getLogger(__name__)


class NothingToRetry(EcabinetError):
    code = "nothing_to_retry"


@dataclass(frozen=True)
class Recipient:
    user: User
    unit_id: int | None = None
    """Set for a unit's clerk: the mail is sent on behalf of that unit."""


def _dedupe(recipients: list[Recipient]) -> list[Recipient]:
    """One notice per active person, whichever way (participant, clerk) they were reached."""
    seen: dict[int, Recipient] = {}
    for recipient in recipients:
        if recipient.user.is_active and recipient.user.id not in seen:
            seen[recipient.user.id] = recipient
    return list(seen.values())


def notify(users, kind: str, *, params: dict, url: str = "", meeting=None,
           mail: bool = True) -> list[Notification]:
    """Notify users in-app and, when they have an address, by mail; return the notifications."""
    recipients = [u if isinstance(u, Recipient) else Recipient(u) for u in users]
    return _send(_dedupe(recipients), kind, params, url, meeting, mail=mail)


def notify_unit_clerks(unit_ids, kind: str, *, params: dict, url: str = "", meeting=None,
                       before_commit=None) -> list[Notification]:
    """Tell the clerks of each unit, in-app and by mail on the unit's behalf (a clerk of two
    units hears once for each). `before_commit(mails)` sees the outbox rows after they are
    flushed and before they are committed and queued, so that a feature can link them."""
    recipients = [Recipient(user, unit_id)
                  for user, unit_id in accounts.role_holders(RoleKind.CLERK, list(unit_ids))
                  if user.is_active]
    return _send(recipients, kind, params, url, meeting, mail=True, before_commit=before_commit)


def mail_states(mail_ids) -> dict[int, OutgoingMail]:
    """The outbox rows with these ids, for features that follow their mails' delivery."""
    ids = list(mail_ids)
    if not ids:
        return {}
    return {row.id: row for row in db.session.execute(
        select(OutgoingMail).where(OutgoingMail.id.in_(ids))).scalars()}


def _send(recipients: list[Recipient], kind: str, params: dict, url: str,
          meeting: Meeting | None, *, mail: bool, method: str | None = None,
          before_commit=None) -> list[Notification]:
    stored = json.dumps(params, ensure_ascii=False, default=str)
    meeting_id = meeting.id if meeting is not None else None
    notes = [Notification(user_id=r.user.id, kind=kind, params=stored, url=url,
                          meeting_id=meeting_id) for r in recipients]
    db.session.add_all(notes)
    mails = _mails(recipients, kind, params, url, meeting, method) if mail else []
    db.session.add_all(mails)
    db.session.flush()
    mail_ids = [row.id for row in mails]
    if before_commit is not None:
        before_commit(mails)
    db.session.commit()
    if mail_ids:
        try:
            enqueue_mails(mail_ids)
        except Exception:  # noqa: BLE001 - rows stay queued; the worker re-queues them at start
            log.exception("could not enqueue %s mails; they wait in the outbox", len(mail_ids))
    return notes


def _mails(recipients: list[Recipient], kind: str, params: dict, url: str,
           meeting: Meeting | None, method: str | None) -> list[OutgoingMail]:
    """One outbox row per recipient with an address; texts rendered once per language."""
    addressed = [r for r in recipients if r.user.email]
    shared_ics = None
    if method and meeting is not None and not compose.is_confidential(meeting):
        shared_ics = compose.build_invitation(meeting, method, [r.user for r in addressed], "vi")
    letters: dict[str, compose.Letter] = {}
    rows = []
    for recipient in addressed:
        user, locale = recipient.user, recipient.user.locale or "vi"
        if locale not in letters:
            letters[locale] = compose.write_letter(kind, params, url, meeting, locale,
                                                   with_calendar=bool(method))
        ics = shared_ics
        if method and meeting is not None and shared_ics is None:  # confidential: only them
            ics = compose.build_invitation(meeting, method, [user], locale)
        rows.append(OutgoingMail(
            to_address=user.email, user_id=user.id, unit_id=recipient.unit_id,
            meeting_id=meeting.id if meeting is not None else None,
            subject=letters[locale].subject, body=compose.greet(user, letters[locale], locale),
            ics=ics, status=MailStatus.QUEUED, attempts=0, last_error=""))
    return rows


# --- recipients -------------------------------------------------------------------------------

# Features that let someone take part in another's place (invitations: a deputy) name those
# people here, so that they hear of changes as every participant does.
_STAND_INS: list = []


def register_stand_ins(people_of) -> None:
    """Let `people_of(meeting)` add the users taking part in another's place."""
    if people_of not in _STAND_INS:
        _STAND_INS.append(people_of)


def _participants(meeting: Meeting, *roles: ParticipantRole) -> list[Recipient]:
    """Participants with these roles; with none, everyone taking part, deputies included."""
    found = [Recipient(p.user) for p in meeting.participants if not roles or p.role in roles]
    for people_of in _STAND_INS if not roles else ():
        found += [Recipient(user) for user in people_of(meeting)]
    return found


def _unit_clerks(meeting: Meeting) -> list[Recipient]:
    holders = accounts.role_holders(RoleKind.CLERK, [mu.unit_id for mu in meeting.invited_units])
    return [Recipient(user, unit_id) for user, unit_id in holders]


def _secretariat(meeting: Meeting) -> list[Recipient]:
    """The meeting's own secretary first, then the body's secretariat."""
    users = accounts.users_with_role(RoleKind.SECRETARIAT, meeting.body_id)
    return _participants(meeting, ParticipantRole.SECRETARY) + [Recipient(u) for u in users]


def _everyone(meeting: Meeting) -> list[Recipient]:
    return _dedupe(_participants(meeting) + _unit_clerks(meeting))


def _but(recipients: list[Recipient], actor: User | None) -> list[Recipient]:
    actor_id = getattr(actor, "id", None)
    return _dedupe([r for r in recipients if r.user.id != actor_id])


def _meeting_params(meeting: Meeting, **extra) -> dict:
    return {"meeting_id": meeting.id, "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(), **extra}


def _url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}"


ANNOUNCED_STATES = frozenset({MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED})


# --- meeting events (called by meetings.service after its own commit) -------------------------

def meeting_submitted(meeting: Meeting, *, actor: User | None) -> list[Notification]:
    """Ask the chair to approve the agenda."""
    chairs = _but(_participants(meeting, ParticipantRole.CHAIR), actor)
    return _send(chairs, "meeting_submitted", _meeting_params(meeting), _url(meeting), meeting,
                 mail=True)


def meeting_returned(meeting: Meeting, comment: str, *, actor: User | None) -> list[Notification]:
    """Tell the secretariat what the chair wants changed."""
    return _send(_but(_secretariat(meeting), actor), "meeting_returned",
                 _meeting_params(meeting, comment=comment), _url(meeting), meeting, mail=True)


def meeting_approved(meeting: Meeting, *, actor: User | None) -> list[Notification]:
    """Tell the secretariat that it may publish now."""
    return _send(_but(_secretariat(meeting), actor), "meeting_approved",
                 _meeting_params(meeting), _url(meeting), meeting, mail=True)


def meeting_published(meeting: Meeting, *, actor: User | None) -> list[Notification]:
    """Invite every participant and the clerks of invited units, with a calendar REQUEST."""
    return _send(_everyone(meeting), "meeting_published", _meeting_params(meeting),
                 _url(meeting), meeting, mail=True, method="REQUEST")


def announce_change(meeting: Meeting, what: str, *, actor: User | None) -> list[Notification]:
    """The one rule for changes: news for the participants only once the meeting is public.

    Every feature that changes a meeting (details, agenda, documents) calls this after its own
    commit, with `what` naming the change in words; before publishing it announces nothing.
    """
    if meeting.status not in ANNOUNCED_STATES or not what:
        return []
    return meeting_changed(meeting, what, actor=actor)


def meeting_changed(meeting: Meeting, what: str, *, actor: User | None) -> list[Notification]:
    """Tell participants what changed after publishing (documents added or replaced)."""
    return _send(_dedupe(_participants(meeting)), "meeting_changed",
                 _meeting_params(meeting, what=what), _url(meeting), meeting, mail=True)


def meeting_postponed(meeting: Meeting, *, actor: User | None) -> list[Notification]:
    """Withdraw the calendar entry (CANCEL); a later publication sends a fresh REQUEST."""
    return _send(_everyone(meeting), "meeting_postponed", _meeting_params(meeting),
                 _url(meeting), meeting, mail=True, method="CANCEL")


def meeting_cancelled(meeting: Meeting, *, actor: User | None) -> list[Notification]:
    """Tell everyone invited and remove the meeting from their calendars (CANCEL)."""
    return _send(_everyone(meeting), "meeting_cancelled", _meeting_params(meeting),
                 _url(meeting), meeting, mail=True, method="CANCEL")


# --- reading and the outbox -------------------------------------------------------------------

def notifications_for(user: User, limit: int = 100) -> list[Notification]:
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).scalars())


def unread_count(user: User) -> int:
    return db.session.execute(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()


def mark_all_read(user: User) -> int:
    """Mark the user's unread notifications read; return how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def mail_status_for(meeting: Meeting) -> dict[str, int]:
    """Count the meeting's mails per status (every status present), plus "total"."""
    counts = dict.fromkeys((s.value for s in MailStatus), 0)
    rows = db.session.execute(
        select(OutgoingMail.status, func.count(OutgoingMail.id))
        .where(OutgoingMail.meeting_id == meeting.id).group_by(OutgoingMail.status))
    for status, count in rows:
        counts[MailStatus(status).value] = count
    counts["total"] = sum(counts.values())
    return counts


def failed_mails(meeting: Meeting) -> list[OutgoingMail]:
    return list(db.session.execute(
        select(OutgoingMail).where(OutgoingMail.meeting_id == meeting.id,
                                   OutgoingMail.status == MailStatus.FAILED)
        .order_by(OutgoingMail.id)).scalars())


def troubled_mails(meeting: Meeting) -> list[OutgoingMail]:
    """The meeting's mails that failed at least once and are not sent: retrying or failed."""
    return list(db.session.execute(
        select(OutgoingMail).where(OutgoingMail.meeting_id == meeting.id,
                                   OutgoingMail.status.in_((MailStatus.RETRYING,
                                                            MailStatus.FAILED)))
        .order_by(OutgoingMail.status.desc(), OutgoingMail.id)).scalars())


def retry_failed_mails(meeting: Meeting, *, actor: User | None) -> int:
    """Give the meeting's failed mails a fresh round of attempts now; return how many.

    :raises NothingToRetry: when no mail of the meeting has failed.
    """
    ids = [row.id for row in failed_mails(meeting)]
    if not ids:
        raise NothingToRetry(_l("No mail of this meeting has failed."))
    db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id.in_(ids),
                                   OutgoingMail.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, claimed_at=None, next_attempt_at=None)
        .execution_options(synchronize_session=False))
    audit.record("mail.retried", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"mails": len(ids)})
    db.session.commit()
    enqueue_mails(ids)
    return len(ids)
