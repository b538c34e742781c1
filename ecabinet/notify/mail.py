"""Turn an outbox row into a MIME message and hand it to the configured SMTP server."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from ecabinet.notify.ics import calendar_method
from ecabinet.notify.models import OutgoingMail

# Features that send a file with a mail (conclusions: the signed notice) name it here:
# `source(mail)` returns (bytes, maintype, subtype, filename) tuples, empty for other mails.
_ATTACHMENTS: list = []


def register_attachments(source) -> None:
    if source not in _ATTACHMENTS:
        _ATTACHMENTS.append(source)


def build_message(mail: OutgoingMail, sender: str, public_url: str = "") -> EmailMessage:
    """Build a UTF-8 text/plain message; the invitation, if any, rides along as text/calendar.

    The calendar part is base64 so that no relay rewrites its CRLF line endings.
    """
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"mail{mail.id}",
                                       domain=urlsplit(public_url).hostname or "ecabinet.local")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body, charset="utf-8")
    if mail.ics:
        method = calendar_method(mail.ics)
        message.add_attachment(mail.ics.encode("utf-8"), maintype="text", subtype="calendar",
                               filename="invite.ics" if method != "CANCEL" else "cancel.ics",
                               params={"method": method, "charset": "utf-8"})
    for source in _ATTACHMENTS:
        for data, maintype, subtype, filename in source(mail):
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def open_smtp(config) -> smtplib.SMTP:
    """Connect (and sign in) with MAIL_* settings; the caller closes it with `quit()`.

    :raises OSError, smtplib.SMTPException: when the server cannot be reached or refuses us.
    """
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config.get("MAIL_TIMEOUT_S", 20))
    if config.get("MAIL_USE_SSL"):
        connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                    context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            connection.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        connection.close()
        raise
    return connection


def send(connection: smtplib.SMTP, mail: OutgoingMail, config) -> None:
    """Send one mail over an open connection.

    :raises smtplib.SMTPException: when the server refuses the mail or its recipient.
    """
    sender = config["MAIL_SENDER"]
    connection.send_message(build_message(mail, sender, config.get("PUBLIC_URL", "")),
                            from_addr=sender, to_addrs=[mail.to_address])
