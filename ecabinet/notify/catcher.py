"""A local mail catcher: an SMTP server (aiosmtpd) that keeps what it receives in a maildir.

`make run` starts it (`ecabinet mail-catcher`) when no SMTP_HOST is given, so that invitations
"sent" on a developer's or a trainer's machine can be read at /admin/mail instead of retrying
against a server that is not there. The maildir sits in the instance folder: every process
(the catcher, each web server, the worker) reads and writes the same files, and a maildir's
delivery is atomic (written under tmp/, then renamed into new/).
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

DEFAULT_PORT = 1025
MAX_MESSAGE_BYTES = 30 * 1024 * 1024  # an invitation with its calendar is a few kB


def maildir_path(app) -> Path:
    """Where the catcher keeps mail: MAIL_CATCHER_DIR, or instance/mail-catcher."""
    return Path(app.config.get("MAIL_CATCHER_DIR") or Path(app.instance_path) / "mail-catcher")


def open_maildir(folder: Path) -> mailbox.Maildir:
    """The catcher's maildir, created (readable by us alone) with its tmp/new/cur folders."""
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    return mailbox.Maildir(folder, create=False)


def start_catcher(folder: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT):
    """Start the SMTP server in a thread of this process; stop it with `.stop()`.

    :raises OSError: when the port is taken.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    open_maildir(folder)
    controller = Controller(Mailbox(folder), hostname=host, port=port,
                            data_size_limit=MAX_MESSAGE_BYTES)
    controller.start()
    return controller


@dataclass(frozen=True)
class CaughtMail:
    """One message the catcher received, as the admin page shows it."""

    key: str
    """The maildir key: the message's address in /admin/mail/<key>."""
    to: str
    """The envelope recipients (who it was really sent to), else the To header."""
    sender: str
    subject: str
    received_at: datetime
    """When the catcher stored it (aware UTC)."""
    body: str
    """The text/plain part."""
    attachments: tuple[str, ...]
    """File names of the attached parts, e.g. invite.ics."""


def _read(folder: Path, key: str, message: mailbox.MaildirMessage) -> CaughtMail:
    parsed: EmailMessage = message_from_bytes(message.as_bytes(), policy=policy.default)
    body_part = parsed.get_body(("plain",))
    body = body_part.get_content() if body_part is not None else ""
    try:
        received = parsedate_to_datetime(parsed["Date"]).astimezone(UTC)
    except (TypeError, ValueError):
        received = datetime.fromtimestamp(message.get_date(), UTC)
    return CaughtMail(key=key, to=str(parsed.get("X-RcptTo") or parsed.get("To") or ""),
                      sender=str(parsed.get("From") or ""), subject=str(parsed["Subject"] or ""),
                      received_at=received, body=body,
                      attachments=tuple(part.get_filename() or part.get_content_type()
                                        for part in parsed.iter_attachments()))


def list_mails(folder: Path, limit: int = 100) -> list[CaughtMail]:
    """The newest `limit` caught mails, newest first; none when the catcher never ran."""
    if not folder.is_dir():
        return []
    box = mailbox.Maildir(folder, create=False)
    dated = sorted(((message.get_date(), key) for key, message in box.iteritems()), reverse=True)
    return [_read(folder, key, box[key]) for _date, key in dated[:limit]]


def get_mail(folder: Path, key: str) -> CaughtMail | None:
    """One caught mail by its key, or None."""
    if not folder.is_dir() or "/" in key or key.startswith("."):
        return None
    try:
        return _read(folder, key, mailbox.Maildir(folder, create=False)[key])
    except KeyError:
        return None
