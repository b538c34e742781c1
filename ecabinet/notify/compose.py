"""Write the subject, body and calendar of a mail, in the recipient's language.

Kept apart from service.py so the one rule that matters most here — a confidential meeting's
mail carries no title, description, agenda or document, only the time and a link — lives in
one short place that the tests read against.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale

from ecabinet.accounts.models import User
from ecabinet.meetings.models import Confidentiality, Meeting, ParticipantRole
from ecabinet.notify import messages as m
from ecabinet.notify.ics import Attendee, CalendarEvent, build_calendar

ICS_METHODS = {"meeting_published": "REQUEST", "meeting_postponed": "CANCEL",
               "meeting_cancelled": "CANCEL"}


@dataclass(frozen=True)
class Letter:
    """The locale-dependent part of a mail, shared by every recipient reading that language."""

    subject: str
    body: str
    """Everything after the greeting."""


def is_confidential(meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.confidentiality == Confidentiality.CONFIDENTIAL


def public_link(url: str) -> str:
    """An absolute link for mail: PUBLIC_URL + the in-app path."""
    if not url or "://" in url:
        return url
    return current_app.config.get("PUBLIC_URL", "").rstrip("/") + url


def write_letter(kind: str, params: dict, url: str, meeting: Meeting | None, locale: str,
                 *, with_calendar: bool) -> Letter:
    """Render subject and body once per language (the greeting is added per person)."""
    link = public_link(url)
    with force_locale(locale):
        shown = m.display_params(params)
        if is_confidential(meeting):
            text = m.render(kind, params, confidential=True)
            subject = str(m.CONFIDENTIAL_SUBJECTS.get(kind, m.CONFIDENTIAL_DEFAULT)) % shown
            lines = [text, ""]
            if link:
                lines.append(str(m.CONFIDENTIAL_LINK) % {"link": link})
        else:
            text = m.render(kind, params)
            subject = str(m.SUBJECTS[kind]) % shown if kind in m.SUBJECTS else text
            lines = [text, ""]
            if meeting is not None:
                lines += _summary(meeting) + [""]
            if link:
                lines.append(str(m.LABEL_LINK) % {"link": link})
        if with_calendar:
            lines.append(str(m.CALENDAR_HINT))
        lines += ["", "-- ", str(m.FOOTER)]
    return Letter(subject=" ".join(subject.split())[:300], body="\n".join(lines) + "\n")


def _summary(meeting: Meeting) -> list[str]:
    """Title, body, time, place, chair and agenda: what a delegate needs to come prepared."""
    lines = [str(m.LABEL_MEETING) % {"title": meeting.title},
             str(m.LABEL_BODY) % {"body": meeting.body.name},
             str(m.LABEL_TIME) % {"start": m.format_time(meeting.starts_at),
                                  "end": m.format_time(meeting.ends_at)}]
    if meeting.place:
        lines.append(str(m.LABEL_PLACE) % {"place": meeting.place})
    chair = next((p.user for p in meeting.participants if p.role == ParticipantRole.CHAIR), None)
    if chair is not None:
        lines.append(str(m.LABEL_CHAIR) % {"chair": chair.full_name})
    if meeting.description:
        lines += ["", meeting.description.strip()]
    if meeting.agenda:
        lines += ["", str(m.LABEL_AGENDA)]
        lines += [f"  {n}. {item.title}" for n, item in enumerate(meeting.agenda, 1)]
    return lines


def greet(user: User, letter: Letter, locale: str) -> str:
    with force_locale(locale):
        return str(m.GREETING) % {"name": user.full_name} + "\n\n" + letter.body


def calendar_uid(meeting: Meeting) -> str:
    host = urlsplit(current_app.config.get("PUBLIC_URL", "")).hostname or "ecabinet.local"
    return f"meeting-{meeting.id}@{host}"


def build_invitation(meeting: Meeting, method: str, attendees: list[User], locale: str) -> str:
    """The .ics for a meeting; a confidential one names no title, place or other attendee."""
    confidential = is_confidential(meeting)
    with force_locale(locale):
        summary = str(m.CONFIDENTIAL_SUMMARY) if confidential else meeting.title
    event = CalendarEvent(
        uid=calendar_uid(meeting), sequence=meeting.revision,
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, summary=summary,
        organizer_name=meeting.body.name, organizer_email=current_app.config["MAIL_SENDER"],
        location="" if confidential else meeting.place,
        description=public_link(f"/meetings/{meeting.id}"),
        url=public_link(f"/meetings/{meeting.id}"),
        attendees=tuple(Attendee(u.full_name, u.email) for u in attendees if u.email))
    return build_calendar(event, method)
