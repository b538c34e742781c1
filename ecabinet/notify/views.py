"""The user's notifications page, marking them read, and the secretariat's mail retry."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from ecabinet.core.timeutil import utcnow
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.panels import register_panel
from ecabinet.notify import service
from ecabinet.notify.messages import render
from ecabinet.notify.permissions import can_manage_mail
from ecabinet.notify.reasons import describe

bp = Blueprint("notify", __name__)
# A retry this late means no worker is taking the queue (stopped, or never started).
OVERDUE_GRACE = timedelta(minutes=2)


@bp.app_context_processor
def _nav():
    """`unread_notification_count()` for the navigation; queries only when a page calls it."""
    def unread_notification_count() -> int:
        if not current_user or not current_user.is_authenticated:
            return 0
        return service.unread_count(current_user)

    return {"unread_notification_count": unread_notification_count,
            "notification_text": render, "mail_error_text": describe}


def mail_status_context(meeting, user) -> dict | None:
    """The meeting page's mail panel (templates/notify/_mail_status.html): secretariat only."""
    if not can_manage_mail(meeting, user):
        return None
    troubled = service.troubled_mails(meeting)
    return {"mail_status": service.mail_status_for(meeting), "troubled_mails": troubled,
            "failed_mails": [mail for mail in troubled if mail.status == "failed"],
            "overdue_after": utcnow() - OVERDUE_GRACE}


register_panel("mail-status", "notify/_mail_status.html", mail_status_context, order=80)


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("notify/notifications.html",
                           notifications=service.notifications_for(current_user))


@bp.post("/notifications/read")
@login_required
def mark_read():
    service.mark_all_read(current_user)
    return redirect(url_for("notify.notifications"))


@bp.post("/meetings/<int:meeting_id>/mails/retry")
@login_required
def retry_mails(meeting_id: int):
    meeting = load_meeting(meeting_id, can_manage_mail, what="notify.retry_mails")
    try:
        count = service.retry_failed_mails(meeting, actor=current_user)
    except service.NothingToRetry as error:
        flash(str(error.message), "info")
    else:
        flash(ngettext("%(num)d mail will be sent again.", "%(num)d mails will be sent again.",
                       count), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))
