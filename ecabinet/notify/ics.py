"""iCalendar (RFC 5545) invitations and cancellations, so a meeting lands in every calendar.

Written by hand rather than with a library: we need one VEVENT with a dozen properties, and
the rules that matter (escaping, folding at 75 octets without splitting a UTF-8 character,
CRLF) fit in a few lines that the tests check one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//eCabinet//eCabinet meetings//VI"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Attendee:
    name: str
    """Shown by calendar clients as CN."""
    email: str
    """Where the invitation was sent; the mailto: value."""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    """Stable per meeting, so a later REQUEST or CANCEL replaces the same calendar entry."""
    sequence: int
    """The meeting's revision: clients keep the entry with the highest sequence."""
    starts_at: datetime
    ends_at: datetime
    summary: str
    organizer_name: str
    organizer_email: str
    location: str = ""
    description: str = ""
    url: str = ""
    attendees: tuple[Attendee, ...] = ()


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _param(value: str) -> str:
    """Quote a parameter value when it holds a delimiter; DQUOTE itself is not allowed."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ":;,") else value


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: calendar times must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line
    parts, start, limit = [], 0, MAX_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, MAX_OCTETS - 1  # continuation lines begin with one space
    return "\r\n ".join(parts)


def build_calendar(event: CalendarEvent, method: str, *, now: datetime | None = None) -> str:
    """Return a VCALENDAR with one VEVENT; `method` is "REQUEST" or "CANCEL"."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method}")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"METHOD:{method}", "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_utc(now or datetime.now(UTC))}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"ORGANIZER;CN={_param(event.organizer_name)}:mailto:{event.organizer_email}")
    for person in event.attendees:
        lines.append(f"ATTENDEE;CN={_param(person.name)};ROLE=REQ-PARTICIPANT;"
                     f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{person.email}")
    lines += [f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
              "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_method(ics: str) -> str:
    """Read METHOD back from a calendar we wrote, for the mail's Content-Type parameter."""
    for line in ics.split("\r\n"):
        if line.startswith("METHOD:"):
            return line[len("METHOD:"):]
    return "PUBLISH"
