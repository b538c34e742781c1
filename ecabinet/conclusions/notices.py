"""Tell the next person in the notice's path that it is their turn (in the app and by mail).

The texts join the notification texts of :mod:`ecabinet.notify.messages` under this feature's
own kinds; a confidential meeting's notice names no title.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.meetings.models import Meeting, ParticipantRole
from ecabinet.notify import messages
from ecabinet.notify import service as notify

messages.TEXTS.update({
    "conclusion_submitted": _l("The conclusion notice of “%(title)s” waits for your signature."),
    "conclusion_returned": _l("The conclusion notice of “%(title)s” was returned: %(comment)s"),
    "conclusion_signed": _l("The conclusion notice of “%(title)s” is signed and waits to be "
                            "issued."),
    "conclusion_issued": _l("The conclusion notice of “%(title)s” was issued as %(number)s."),
})
messages.CONFIDENTIAL_TEXTS.update({
    "conclusion_submitted": _l("A conclusion notice waits for your signature."),
    "conclusion_returned": _l("A conclusion notice was returned to you."),
    "conclusion_signed": _l("A conclusion notice is signed and waits to be issued."),
    "conclusion_issued": _l("A conclusion notice was issued."),
})


def _url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}/conclusion"


def _send(users, kind: str, meeting: Meeting, actor, **params) -> list:
    people = [u for u in users if actor is None or u.id != actor.id]
    return notify.notify(people, kind, params={"meeting_id": meeting.id, "title": meeting.title,
                                               "starts_at": meeting.starts_at.isoformat(),
                                               **params},
                         url=_url(meeting), meeting=meeting)


def tell_submitted(meeting: Meeting, *, actor) -> list:
    chairs = [p.user for p in meeting.participants if p.role == ParticipantRole.CHAIR]
    return _send(chairs, "conclusion_submitted", meeting, actor)


def tell_returned(meeting: Meeting, comment: str, *, actor) -> list:
    return _send(accounts.users_with_role(RoleKind.SECRETARIAT, meeting.body_id),
                 "conclusion_returned", meeting, actor, comment=comment)


def tell_signed(meeting: Meeting, *, actor) -> list:
    return _send(accounts.users_with_role(RoleKind.CLERK, meeting.body_id),
                 "conclusion_signed", meeting, actor)


def tell_issued(meeting: Meeting, number: str, *, actor) -> list:
    return _send(accounts.users_with_role(RoleKind.SECRETARIAT, meeting.body_id),
                 "conclusion_issued", meeting, actor, number=number)
