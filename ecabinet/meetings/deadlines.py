"""When a meeting's agenda and documents must reach its members, and whether they did.

Law on Local Government, Art. 114 (as amended in 2019): at least 3 working days before a
regular meeting, 1 day before a thematic or an extraordinary (urgent) one. A body's working
regulation may set its own periods (`BodyRules`). Working days are Monday to Friday without
Vietnam's public holidays, lunar New Year and substituted Saturdays included, as the
`holidays` package keeps them.

How the periods are counted, so that members get them whole:
- N working days: the deadline is midnight (Vietnam time) at the start of the N-th working
  day before the meeting's day, so N full working days lie between publication and the
  meeting. A regular meeting on a Monday must be published by the end of the Tuesday before.
- N days (thematic, extraordinary): N times 24 hours before the meeting starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts.models import RoleKind, User
from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.core.timeutil import LOCAL_ZONE, to_local, utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingKind
from ecabinet.meetings.rules_models import (
    DEFAULT_EXTRAORDINARY_NOTICE_DAYS,
    DEFAULT_REGULAR_NOTICE_WORKING_DAYS,
    DEFAULT_THEMATIC_NOTICE_DAYS,
    BodyRules,
    MeetingPublication,
)

if TYPE_CHECKING:
    import holidays

MAX_NOTICE_DAYS = 30


class InvalidRules(EcabinetError):
    code = "invalid_rules"


@dataclass(frozen=True)
class RulesData:
    regular_notice_working_days: int = DEFAULT_REGULAR_NOTICE_WORKING_DAYS
    """Working days before a regular meeting."""
    thematic_notice_days: int = DEFAULT_THEMATIC_NOTICE_DAYS
    """Days before a thematic meeting."""
    extraordinary_notice_days: int = DEFAULT_EXTRAORDINARY_NOTICE_DAYS
    """Days before an extraordinary (urgent) meeting."""


def can_edit_body_rules(body_id: int, user) -> bool:
    """The body's secretariat, or an administrator."""
    return bool(user and user.is_authenticated
                and (user.has_role(RoleKind.SECRETARIAT, body_id) or user.has_role(RoleKind.ADMIN)))


def can_see_notice_deadline(meeting: Meeting, user) -> bool:
    return bool(user and user.is_authenticated
                and user.has_role(RoleKind.SECRETARIAT, meeting.body_id))


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    """Vietnam's public holidays; the object fills in further years as they are asked for.

    Imported on first use: the package takes about 0.3 s to load, which start-up need not pay.
    """
    import holidays

    return holidays.country_holidays("VN")


def is_working_day(day) -> bool:
    return _calendar().is_working_day(day)


def rules_for(body_id: int) -> BodyRules:
    """The body's rules, or the law's defaults (unsaved) when it set none."""
    rules = db.session.get(BodyRules, body_id)
    if rules is None:
        rules = BodyRules(body_id=body_id, **vars(RulesData()))
    return rules


def update_rules(body_id: int, data: RulesData, *, actor: User) -> BodyRules:
    """Set a body's notice periods and audit what they were and became.

    :raises InvalidRules: when a period is negative or longer than MAX_NOTICE_DAYS.
    """
    for value in vars(data).values():
        if not 0 <= value <= MAX_NOTICE_DAYS:
            raise InvalidRules(_l("A notice period must be between 0 and %(max)d days.",
                                  max=MAX_NOTICE_DAYS))
    rules = db.session.get(BodyRules, body_id)
    if rules is None:
        rules = BodyRules(body_id=body_id, **vars(RulesData()))
        db.session.add(rules)
    before = {key: getattr(rules, key) for key in vars(data)}
    for key, value in vars(data).items():
        setattr(rules, key, value)
    rules.updated_at = utcnow()
    rules.updated_by_id = actor.id
    audit.record("body_rules.updated", actor=actor, object_type="unit", object_id=body_id,
                 details={"before": before, "after": vars(data)})
    db.session.commit()
    return rules


def notice_deadline(meeting: Meeting) -> datetime:
    """The last moment (aware UTC) to publish the meeting to its members."""
    rules = rules_for(meeting.body_id)
    if meeting.kind == MeetingKind.REGULAR:
        days = rules.regular_notice_working_days
        if days <= 0:
            return meeting.starts_at
        day = _calendar().get_nth_working_day(to_local(meeting.starts_at).date(), -days)
        return datetime.combine(day, time(0, 0), tzinfo=LOCAL_ZONE).astimezone(
            meeting.starts_at.tzinfo)
    days = (rules.thematic_notice_days if meeting.kind == MeetingKind.THEMATIC
            else rules.extraordinary_notice_days)
    return meeting.starts_at - timedelta(days=days)


def publication_is_late(meeting: Meeting, at: datetime) -> bool:
    return at > notice_deadline(meeting)


def starts_in_the_past(starts_at: datetime, now: datetime) -> bool:
    """A new meeting's start lies before now: asked to confirm, never silently accepted."""
    return starts_at < now


def publish_warning(meeting: Meeting, now: datetime) -> str | None:
    """The warning to confirm before publishing after the deadline; None when in time."""
    deadline = notice_deadline(meeting)
    if now <= deadline:
        return None
    return _l("The notice deadline was %(deadline)s: members get the agenda and documents "
              "later than the rules of the body require. Publish anyway?",
              deadline=format_datetime(deadline, "HH:mm, dd/MM/yyyy"))


def record_publication(meeting: Meeting, *, actor: User | None) -> bool:
    """Record when the meeting was published, against its deadline; return whether it was late.

    Call it in workflow.publish after `published_at` is set and before the commit, so the
    record commits with the publication; it audits and does not commit itself.
    """
    published_at = meeting.published_at or utcnow()
    deadline = notice_deadline(meeting)
    late = published_at > deadline
    db.session.add(MeetingPublication(meeting_id=meeting.id, published_at=published_at,
                                      deadline=deadline, late=late,
                                      published_by_id=getattr(actor, "id", None)))
    audit.record("meeting.publication", actor=actor, object_type="meeting",
                 object_id=meeting.id,
                 details={"published_at": published_at.isoformat(),
                          "deadline": deadline.isoformat(), "late": late})
    return late


def publications_of(meeting: Meeting) -> list[MeetingPublication]:
    """The meeting's publications, the latest first."""
    query = (select(MeetingPublication).where(MeetingPublication.meeting_id == meeting.id)
             .order_by(MeetingPublication.published_at.desc(), MeetingPublication.id.desc()))
    return list(db.session.execute(query).scalars())
