"""Notification and mail texts, keyed by kind; lazy so each is rendered in its reader's language.

A notification stores its kind and parameters, never its text: the same row reads in
Vietnamese for one user and in English for another, and a corrected translation fixes old
notifications too.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ecabinet.core.timeutil import to_local

TEXTS = {
    "meeting_submitted": _l("“%(title)s” was sent to you for approval."),
    "meeting_returned": _l("“%(title)s” was returned for changes: %(comment)s"),
    "meeting_approved": _l("“%(title)s” was approved and can be published."),
    "meeting_published": _l("You are invited to “%(title)s” at %(time)s."),
    "meeting_changed": _l("“%(title)s” has changed: %(what)s"),
    "meeting_postponed": _l("“%(title)s” at %(time)s has been postponed."),
    "meeting_cancelled": _l("“%(title)s” at %(time)s has been cancelled."),
    "invitation_reminder": _l("Please answer the invitation to “%(title)s” at %(time)s."),
    "invitation_deputy": _l("You attend “%(title)s” at %(time)s in place of đồng chí "
                            "%(name)s."),
}

# Mail about a confidential meeting names neither its title nor its documents: only that
# there is a confidential meeting, when, and a link that asks for a sign-in.
CONFIDENTIAL_TEXTS = {
    "meeting_published": _l("You are invited to a confidential meeting at %(time)s."),
    "meeting_changed": _l("The documents of a confidential meeting at %(time)s have changed."),
    "meeting_postponed": _l("A confidential meeting at %(time)s has been postponed."),
    "meeting_cancelled": _l("A confidential meeting at %(time)s has been cancelled."),
    "invitation_reminder": _l("Please answer the invitation to a confidential meeting at "
                              "%(time)s."),
    "invitation_deputy": _l("You attend a confidential meeting at %(time)s in another's "
                            "place."),
}
CONFIDENTIAL_DEFAULT = _l("A notice about a confidential meeting at %(time)s.")
CONFIDENTIAL_SUMMARY = _l("Confidential meeting")
UNKNOWN = _l("You have a new notification.")

SUBJECTS = {
    "meeting_published": _l("Invitation: %(title)s, %(time)s"),
    "meeting_cancelled": _l("Cancelled: %(title)s, %(time)s"),
    "meeting_postponed": _l("Postponed: %(title)s, %(time)s"),
    "meeting_changed": _l("Changed: %(title)s, %(time)s"),
}
CONFIDENTIAL_SUBJECTS = {
    "meeting_published": _l("Invitation: a confidential meeting, %(time)s"),
    "meeting_cancelled": _l("Cancelled: a confidential meeting, %(time)s"),
    "meeting_postponed": _l("Postponed: a confidential meeting, %(time)s"),
    "meeting_changed": _l("Changed: a confidential meeting, %(time)s"),
}

GREETING = _l("Dear %(name)s,")
LABEL_MEETING = _l("Meeting: %(title)s")
LABEL_BODY = _l("Convened by: %(body)s")
LABEL_TIME = _l("Time: %(start)s to %(end)s (Vietnam time)")
LABEL_PLACE = _l("Place: %(place)s")
LABEL_CHAIR = _l("Chair: %(chair)s")
LABEL_AGENDA = _l("Agenda:")
LABEL_LINK = _l("Open it in eCabinet: %(link)s")
CONFIDENTIAL_LINK = _l("The details are shown only after you sign in: %(link)s")
CALENDAR_HINT = _l("The attached invitation adds the meeting to your calendar.")
FOOTER = _l("This message was sent automatically by eCabinet; please do not reply to it.")


def format_time(moment: datetime) -> str:
    """Vietnam time, written the same way in both languages."""
    return to_local(moment).strftime("%H:%M %d/%m/%Y")


def display_params(params: dict) -> dict:
    """Turn stored parameters into display values (ISO start time → Vietnam time)."""
    shown = dict(params)
    if isinstance(params.get("starts_at"), str):
        shown["time"] = format_time(datetime.fromisoformat(params["starts_at"]))
    return shown


def render(kind: str, params: dict | str, *, confidential: bool = False) -> str:
    """The text of a notification in the current locale (wrap in force_locale to choose)."""
    if isinstance(params, str):
        params = json.loads(params or "{}")
    shown = display_params(params)
    template = (CONFIDENTIAL_TEXTS.get(kind, CONFIDENTIAL_DEFAULT) if confidential
                else TEXTS.get(kind))
    if template is None:
        return str(params.get("text") or UNKNOWN)
    try:
        return str(template) % shown
    except (KeyError, TypeError, ValueError):
        return str(UNKNOWN)
