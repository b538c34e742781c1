"""The admin's inbox of the local mail catcher: what `make run` "sent", read in the browser."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from ecabinet.core.permissions import require
from ecabinet.notify import catcher
from ecabinet.notify.permissions import can_read_caught_mail

bp = Blueprint("mail_catcher", __name__, url_prefix="/admin/mail")


def _smtp_target() -> str:
    config = current_app.config
    return f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"


@bp.get("")
@require(can_read_caught_mail)
def inbox():
    mails = catcher.list_mails(catcher.maildir_path(current_app))
    return render_template("notify/catcher_inbox.html", mails=mails, smtp_target=_smtp_target())


@bp.get("/<key>")
@require(can_read_caught_mail)
def message(key: str):
    mail = catcher.get_mail(catcher.maildir_path(current_app), key)
    if mail is None:
        abort(404)
    return render_template("notify/catcher_message.html", mail=mail)
