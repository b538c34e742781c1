"""The public check by number: "Số: 05/TB-UBND" of a body and a year → was it issued here?

Public-safe: an issued notice of a confidential meeting is told to exist, with its hash, and
nothing else (no meeting title, no dates). Drafts and signed-but-unissued notices have no
number and are never found.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.conclusions.errors import ConclusionError
from ecabinet.conclusions.models import Conclusion
from ecabinet.conclusions.numbering import number_text
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import Confidentiality

_NUMBER = re.compile(r"^(?:số\s*[:.]?\s*)?0*(\d{1,6})"
                     r"\s*(?:/\s*tb\s*(?:-\s*([a-zđ0-9]+(?:-[a-zđ0-9]+)*))?)?$")
FIRST_YEAR = 2000


class BadNumber(ConclusionError):
    """What was typed is not a notice number, or the year is not one."""


@dataclass(frozen=True)
class Found:
    number: str
    """As printed: ``05/TB-UBND``."""
    body_name: str
    sha256: str
    confidential: bool
    meeting_title: str = ""
    """Empty for a confidential meeting."""
    meeting_start: dt.datetime | None = None
    issued_at: dt.datetime | None = None


def parse_number(text: str) -> tuple[int, str]:
    """``"Số: 05/TB-UBND"`` → ``(5, "UBND")``; ``"5"`` → ``(5, "")``.

    :raises BadNumber: anything else.
    """
    folded = " ".join(unicodedata.normalize("NFC", text or "").split()).lower()
    match = _NUMBER.match(folded)
    if not match or int(match.group(1)) == 0:
        raise BadNumber(_l("Write the number as it is printed, for example “Số: 05/TB-UBND” "
                           "or “05”."))
    return int(match.group(1)), (match.group(2) or "").upper()


def parse_year(text: str, today: dt.date) -> int:
    """:raises BadNumber: not a year from 2000 to this one."""
    text = (text or "").strip()
    if not text:
        return today.year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= today.year:
        raise BadNumber(_l("The year must be between %(first)d and %(last)d.",
                           first=FIRST_YEAR, last=today.year))
    return int(text)


def find_issued(number: int, year: int, *, abbreviation: str = "",
                body_id: int | None = None) -> list[Found]:
    """The issued notices with this number and year (of this body, or whose body's
    abbreviation is ``abbreviation`` when given)."""
    query = select(Conclusion).where(Conclusion.number == number, Conclusion.year == year,
                                     Conclusion.issued_sha256.is_not(None))
    if body_id is not None:
        query = query.where(Conclusion.body_id == body_id)
    rows = list(db.session.execute(query.order_by(Conclusion.body_id)).scalars())
    bodies = accounts.get_units(c.body_id for c in rows)
    found = []
    for conclusion in rows:
        body = bodies[conclusion.body_id]
        if abbreviation and (body.abbreviation or "UBND").upper() != abbreviation:
            continue
        meeting = meetings.get_meeting(conclusion.meeting_id)
        printed = number_text(conclusion.number, body.abbreviation)
        if meeting.confidentiality == Confidentiality.CONFIDENTIAL:
            found.append(Found(printed, body.name, conclusion.issued_sha256, True))
            continue
        found.append(Found(printed, body.name, conclusion.issued_sha256, False,
                           meeting.title, meeting.starts_at, conclusion.issued_at))
    return found
