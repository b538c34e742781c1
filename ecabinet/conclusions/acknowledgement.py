"""A unit's clerk acknowledges receipt (who and when); the unacknowledged are reminded.

The reminder runs in the worker (a huey periodic task, see ``worker.py``): a unit that has not
acknowledged ``CONCLUSION_ACK_REMIND_AFTER_H`` hours after the notice was sent (or after the
last reminder) is reminded, at most ``CONCLUSION_ACK_MAX_REMINDERS`` times.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ecabinet.audit import service as audit
from ecabinet.conclusions.dispatch import INBOX_URL, notice_params
from ecabinet.conclusions.errors import WrongState
from ecabinet.conclusions.models import Conclusion, ConclusionDispatch, ConclusionStatus
from ecabinet.core.settings import number_setting
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.notify import messages
from ecabinet.notify import service as notify

REMINDER = "conclusion_ack_reminder"
messages.TEXTS.update({
    REMINDER: _l("Please acknowledge the receipt of the conclusion notice %(number)s of "
                 "“%(title)s”."),
})
messages.CONFIDENTIAL_TEXTS.update({
    REMINDER: _l("Please acknowledge the receipt of a conclusion notice sent to your unit."),
})
DEFAULTS = {"CONCLUSION_ACK_REMIND_AFTER_H": 24.0, "CONCLUSION_ACK_MAX_REMINDERS": 3}


def _setting(name: str) -> float:
    """The app's config, else ECABINET_<NAME> in the environment, else the default."""
    return number_setting(current_app.config, name, DEFAULTS[name])


def mark_opened(dispatch: ConclusionDispatch, *, now: datetime | None = None) -> None:
    """The unit's clerk opened the notice in the inbox (the first time counts)."""
    if dispatch.opened_at is None:
        dispatch.opened_at = now or utcnow()
        db.session.commit()


def acknowledge(dispatch: ConclusionDispatch, *, actor,
                now: datetime | None = None) -> ConclusionDispatch:
    """Record that the unit received the notice: who and when.

    :raises WrongState: it was acknowledged already (the first acknowledgement stays).
    """
    if dispatch.acknowledged_at is not None:
        raise WrongState(_l("The receipt was acknowledged already."))
    now = now or utcnow()
    dispatch.acknowledged_at = now
    dispatch.acknowledged_by_id = getattr(actor, "id", None)
    if dispatch.opened_at is None:
        dispatch.opened_at = now
    audit.record("conclusion.acknowledged", actor=actor, object_type="conclusion",
                 object_id=dispatch.conclusion_id, details={"unit": dispatch.unit_id})
    db.session.commit()
    return dispatch


def due_for_reminder(now: datetime | None = None) -> list[ConclusionDispatch]:
    now = now or utcnow()
    after = timedelta(hours=_setting("CONCLUSION_ACK_REMIND_AFTER_H"))
    return list(db.session.execute(
        select(ConclusionDispatch).join(Conclusion)
        .where(Conclusion.status == ConclusionStatus.DISPATCHED,
               ConclusionDispatch.acknowledged_at.is_(None),
               ConclusionDispatch.sent_at <= now - after,
               ConclusionDispatch.reminders < int(_setting("CONCLUSION_ACK_MAX_REMINDERS")),
               or_(ConclusionDispatch.reminded_at.is_(None),
                   ConclusionDispatch.reminded_at <= now - after))
        .order_by(ConclusionDispatch.id)).scalars())


def remind_unacknowledged(now: datetime | None = None) -> list:
    """Remind the clerks of every unit that has not acknowledged in time; return the
    notifications (one notify call per notice)."""
    now = now or utcnow()
    by_notice: dict[int, list[ConclusionDispatch]] = defaultdict(list)
    for dispatch in due_for_reminder(now):
        by_notice[dispatch.conclusion_id].append(dispatch)
    notes = []
    for rows in by_notice.values():
        conclusion = rows[0].conclusion
        meeting = meetings.get_meeting(conclusion.meeting_id)
        for row in rows:
            row.reminded_at, row.reminders = now, row.reminders + 1
        audit.record("conclusion.ack_reminded", actor=None, object_type="conclusion",
                     object_id=conclusion.id, details={"units": [r.unit_id for r in rows]})
        notes += notify.notify_unit_clerks([r.unit_id for r in rows], REMINDER,
                                           params=notice_params(conclusion, meeting),
                                           url=INBOX_URL, meeting=meeting)
    db.session.commit()
    return notes
