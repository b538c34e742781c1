"""Deliver outbox rows: what one queue task does, inside the worker's app context.

Every attempt is claimed and counted on the row before the SMTP conversation starts, so two
workers never send the same mail at once and a crash leaves a trace; every failure is written
down and ends in `retrying` (with a back-off) or `failed`: a mail is never dropped.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.notify import mail as mailer
from ecabinet.notify.models import MailStatus, OutgoingMail
from ecabinet.notify.reasons import classify_error
from ecabinet.notify.settings import retry_delay, setting

log = logging.getLogger(__name__)
PENDING = (MailStatus.QUEUED, MailStatus.RETRYING)
CLAIM_LEASE = timedelta(minutes=15)  # longer than a batch can take (20 mails x SMTP timeout)


def _claim(mail_ids: list[int]) -> list[OutgoingMail]:
    """Take the pending mails nobody is sending right now, counting an attempt on each.

    `claimed_at` holds the start of the attempt in flight (a lease): one conditional UPDATE
    takes it atomically on SQLite and PostgreSQL alike, a second task for the same mail skips
    it, and a lease left by a crashed worker expires after CLAIM_LEASE.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id.in_(mail_ids), OutgoingMail.status.in_(PENDING),
               or_(OutgoingMail.claimed_at.is_(None),
                   OutgoingMail.claimed_at < now - CLAIM_LEASE))
        .values(attempts=OutgoingMail.attempts + 1, claimed_at=now)
        .returning(OutgoingMail.id)
        .execution_options(synchronize_session=False)).scalars().all()
    db.session.commit()
    if not claimed:
        return []
    return list(db.session.execute(
        select(OutgoingMail).where(OutgoingMail.id.in_(claimed)).order_by(OutgoingMail.id)
    ).scalars())


def _is_permanent(error: Exception) -> bool:
    """A 5xx refusal of the recipient will not heal by waiting; other failures might."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500 \
        and not isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError)


def _record_failure(mail: OutgoingMail, error: Exception, retry: dict[float, list[int]]) -> None:
    config = current_app.config
    mail.last_error_code = classify_error(error)
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    mail.claimed_at = None  # release the lease
    final = mail.attempts >= setting(config, "MAIL_MAX_ATTEMPTS") or _is_permanent(error)
    if final:
        mail.status, mail.next_attempt_at = MailStatus.FAILED, None
        log.warning("mail %s to %s failed for good after %s attempts: %s",
                    mail.id, mail.to_address, mail.attempts, mail.last_error)
    else:
        delay = retry_delay(config, mail.attempts)
        mail.status = MailStatus.RETRYING
        mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
        retry[delay].append(mail.id)
    db.session.commit()


def deliver(mail_ids: list[int]) -> dict[float, list[int]]:
    """Send the given mails over one SMTP session; return {delay_s: ids} still to retry."""
    config = current_app.config
    retry: dict[float, list[int]] = defaultdict(list)
    connection = None
    try:
        for mail in _claim(list(mail_ids)):
            try:
                if connection is None:
                    connection = mailer.open_smtp(config)
                mailer.send(connection, mail, config)
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(mail, error, retry)
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    connection = _close(connection)  # reconnect for the next mail
                continue
            mail.status, mail.sent_at, mail.claimed_at = MailStatus.SENT, utcnow(), None
            mail.last_error, mail.last_error_code, mail.next_attempt_at = "", "", None
            db.session.commit()
    finally:
        _close(connection)
    return dict(retry)


def _close(connection) -> None:
    if connection is None:
        return None
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()
    return None


def pending_mail_ids() -> list[int]:
    """Mails still waiting: re-queued when the worker starts, in case a task was lost."""
    return list(db.session.execute(select(OutgoingMail.id).where(
        OutgoingMail.status.in_(PENDING)).order_by(OutgoingMail.id)).scalars())
