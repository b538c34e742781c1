"""Dispatch on issue: the signed notice goes to every unit of "Nơi nhận".

For each unit: its inbox in the application (a notification to its clerks, live when they
are online), a mail to each clerk with the PDF attached (notify's outbox and worker), and a
POST to the unit's webhook when it has one (``webhooks.py``, retried by the worker). One
``ConclusionDispatch`` row per unit carries what the secretariat follows: sent, delivered,
opened, acknowledged, failed (see ``acknowledgement.py``).

Everything is written in one transaction; the worker is handed the mails and webhooks only
after the commit, so the web request never waits for SMTP or a unit's server.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.audit import service as audit
from ecabinet.conclusions import webhooks
from ecabinet.conclusions.errors import DownloadLinkInvalid, WrongState
from ecabinet.conclusions.models import (
    Channel,
    Conclusion,
    ConclusionDispatch,
    ConclusionStatus,
    DeliveryStatus,
    DispatchDelivery,
)
from ecabinet.conclusions.numbering import number_text
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import Meeting
from ecabinet.notify import compose, messages
from ecabinet.notify import mail as notify_mail
from ecabinet.notify import service as notify
from ecabinet.notify.models import MailStatus
from ecabinet.notify.reasons import describe as mail_reason

log = logging.getLogger(__name__)
RECEIVED = "conclusion_received"
INBOX_URL = "/inbox"
# Webhooks one queue task delivers in turn: few queue writes per dispatch, and a slow unit
# holds up at most this many others (each failure is retried on its own).
WEBHOOK_BATCH = 10

messages.TEXTS.update({
    RECEIVED: _l("The conclusion notice %(number)s of “%(title)s” was sent to your unit; "
                 "please acknowledge its receipt."),
})
messages.CONFIDENTIAL_TEXTS.update({
    RECEIVED: _l("A conclusion notice was sent to your unit; please acknowledge its receipt."),
})
messages.SUBJECTS.update({RECEIVED: _l("Conclusion notice %(number)s: %(title)s")})
NO_CLERK = _l("The unit has no clerk (văn thư) in eCabinet")
NO_ADDRESS = _l("No clerk of the unit has a mail address")


def notice_params(conclusion: Conclusion, meeting: Meeting) -> dict:
    return {"meeting_id": meeting.id, "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "number": number_text(conclusion.number or 0, meeting.body.abbreviation)}


def file_name(conclusion: Conclusion) -> str:
    return f"thong-bao-{conclusion.number or 0:02d}-{conclusion.year or 0}.pdf"


def _clerks_by_unit(unit_ids) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for user, unit_id in accounts.role_holders(RoleKind.CLERK, list(unit_ids)):
        if user.is_active:
            found[unit_id].append(user)
    return found


def _link_mails(dispatches: dict[int, ConclusionDispatch]):
    def link(mails) -> None:
        for mail in mails:
            dispatch = dispatches.get(mail.unit_id)
            if dispatch is not None:
                db.session.add(DispatchDelivery(
                    dispatch_id=dispatch.id, channel=Channel.MAIL, status=DeliveryStatus.QUEUED,
                    mail_id=mail.id, target=mail.to_address, attempts=0, last_error_code="",
                    last_error=""))
    return link


def _inbox(clerks: list, now: datetime) -> DispatchDelivery:
    if clerks:
        return DispatchDelivery(channel=Channel.INBOX, status=DeliveryStatus.DELIVERED,
                                delivered_at=now, target="", attempts=1, last_error_code="",
                                last_error="")
    return DispatchDelivery(channel=Channel.INBOX, status=DeliveryStatus.FAILED, target="",
                            attempts=1, last_error_code="no_clerk", last_error="")


def _webhook(hook) -> DispatchDelivery:
    return DispatchDelivery(channel=Channel.WEBHOOK, status=DeliveryStatus.QUEUED,
                            target=hook.url, attempts=0, last_error_code="", last_error="")


def dispatch_conclusion(conclusion: Conclusion, meeting: Meeting, *, actor,
                        now: datetime | None = None) -> list:
    """Send the issued notice to every unit of "Nơi nhận"; return the notifications (for
    ``push_live``).

    :raises WrongState: the notice is not issued, or was dispatched already.
    """
    if conclusion.status != ConclusionStatus.ISSUED or not conclusion.issued_pdf:
        raise WrongState(_l("Only an issued notice is dispatched, and only once."))
    now = now or utcnow()
    unit_ids = [r.unit_id for r in conclusion.recipients]
    clerks = _clerks_by_unit(unit_ids)
    hooks = webhooks.webhooks_of(unit_ids)
    dispatches: dict[int, ConclusionDispatch] = {}
    for unit_id in unit_ids:
        row = ConclusionDispatch(conclusion_id=conclusion.id, unit_id=unit_id, sent_at=now,
                                 reminders=0)
        row.deliveries.append(_inbox(clerks.get(unit_id, []), now))
        if unit_id in hooks:
            row.deliveries.append(_webhook(hooks[unit_id]))
        dispatches[unit_id] = row
    db.session.add_all(dispatches.values())
    conclusion.status = ConclusionStatus.DISPATCHED
    db.session.flush()
    hook_ids = [d.id for row in dispatches.values() for d in row.deliveries
                if d.channel == Channel.WEBHOOK]  # read now: the commit expires the rows
    audit.record("conclusion.dispatched", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"units": unit_ids})
    notes = notify.notify_unit_clerks(
        [u for u in unit_ids if clerks.get(u)], RECEIVED,
        params=notice_params(conclusion, meeting), url=INBOX_URL, meeting=meeting,
        before_commit=_link_mails(dispatches))
    db.session.commit()  # when no unit has a clerk, nothing above committed
    queue_webhooks(hook_ids)
    return notes


def resend(dispatch: ConclusionDispatch, *, actor, now: datetime | None = None) -> list:
    """Send the notice to this unit again, every way: inbox, mails, webhook (fresh attempts)."""
    conclusion = dispatch.conclusion
    if conclusion.status != ConclusionStatus.DISPATCHED:
        raise WrongState(_l("Only a dispatched notice can be sent again."))
    now = now or utcnow()
    meeting = meetings.get_meeting(conclusion.meeting_id)
    clerks = _clerks_by_unit([dispatch.unit_id]).get(dispatch.unit_id, [])
    hook = webhooks.webhook_of(dispatch.unit_id)
    old_inbox = [d for d in dispatch.deliveries if d.channel == Channel.INBOX]
    for row in old_inbox:
        dispatch.deliveries.remove(row)
    dispatch.deliveries.append(_inbox(clerks, now))
    hooks = [d for d in dispatch.deliveries if d.channel == Channel.WEBHOOK]
    for row in hooks:
        row.status, row.attempts, row.claimed_at = DeliveryStatus.QUEUED, 0, None
        row.next_attempt_at, row.last_error_code, row.last_error = None, "", ""
        row.target = hook.url if hook else row.target
    if hook is not None and not hooks:
        dispatch.deliveries.append(_webhook(hook))
    dispatch.resent_at = now
    db.session.flush()
    audit.record("conclusion.resent", actor=actor, object_type="conclusion",
                 object_id=conclusion.id, details={"unit": dispatch.unit_id})
    notes = []
    if clerks:
        notes = notify.notify_unit_clerks(
            [dispatch.unit_id], RECEIVED, params=notice_params(conclusion, meeting),
            url=INBOX_URL, meeting=meeting,
            before_commit=_link_mails({dispatch.unit_id: dispatch}))
    db.session.commit()
    queue_webhooks([d.id for d in dispatch.deliveries if d.channel == Channel.WEBHOOK])
    return notes


def queue_webhooks(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return
    from ecabinet.notify.queue import get_huey

    task = get_huey().ecabinet_tasks["conclusion_webhooks"]
    for start in range(0, len(delivery_ids), WEBHOOK_BATCH):
        batch = list(delivery_ids[start:start + WEBHOOK_BATCH])
        try:
            task(batch)
        except Exception:  # noqa: BLE001 - the periodic sweep queues them again
            log.exception("could not queue webhook deliveries %s", batch)


def download_url(dispatch: ConclusionDispatch) -> str:
    conclusion = dispatch.conclusion
    token = webhooks.token_for(dispatch.id, conclusion.issued_sha256 or "")
    return compose.public_link(f"/conclusions/files/{dispatch.id}/{token}.pdf")


def payload_of(dispatch: ConclusionDispatch) -> dict:
    """The webhook's JSON: which notice, for which meeting, its hash and where to fetch it."""
    conclusion = dispatch.conclusion
    meeting = meetings.get_meeting(conclusion.meeting_id)
    unit = accounts.get_unit(dispatch.unit_id)
    return {
        "event": "conclusion.issued",
        "number": number_text(conclusion.number or 0, meeting.body.abbreviation),
        "year": conclusion.year,
        "issued_at": conclusion.issued_at.isoformat() if conclusion.issued_at else None,
        "body": meeting.body.name,
        "meeting": {"id": meeting.id, "starts_at": meeting.starts_at.isoformat(),
                    "title": None if compose.is_confidential(meeting) else meeting.title},
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "sha256": conclusion.issued_sha256,
        "download_url": download_url(dispatch),
        "dispatch_id": dispatch.id,
    }


def attachments_for(mail) -> list[tuple]:
    """notify's hook: the signed PDF rides with the mail of a dispatch (not when the meeting
    is confidential: such a mail carries no document, only the link)."""
    if mail.id is None:
        return []
    delivery = db.session.execute(select(DispatchDelivery).where(
        DispatchDelivery.mail_id == mail.id)).scalars().first()
    if delivery is None:
        return []
    conclusion = delivery.dispatch.conclusion
    meeting = meetings.get_meeting(conclusion.meeting_id)
    if compose.is_confidential(meeting) or not conclusion.issued_pdf:
        return []
    return [(conclusion.issued_pdf, "application", "pdf", file_name(conclusion))]


notify_mail.register_attachments(attachments_for)


# --- what the secretariat sees --------------------------------------------------------------

@dataclass
class ChannelState:
    channel: Channel
    status: str
    """queued | delivered | retrying | failed | none"""
    reason: str = ""
    target: str = ""
    at: datetime | None = None


@dataclass
class UnitState:
    dispatch: ConclusionDispatch
    unit: object
    channels: list[ChannelState] = field(default_factory=list)
    acknowledged_by: object = None

    @property
    def delivered(self) -> bool:
        return any(c.status == "delivered" for c in self.channels)

    @property
    def failed(self) -> bool:
        return bool(self.channels) and all(c.status in ("failed", "none")
                                           for c in self.channels)

    @property
    def reasons(self) -> list[str]:
        return [c.reason for c in self.channels if c.status in ("failed", "retrying", "none")
                and c.reason]


_MAIL = {MailStatus.QUEUED: "queued", MailStatus.SENT: "delivered",
         MailStatus.RETRYING: "retrying", MailStatus.FAILED: "failed"}


def dispatches_of(conclusion: Conclusion) -> list[ConclusionDispatch]:
    return list(db.session.execute(
        select(ConclusionDispatch).where(ConclusionDispatch.conclusion_id == conclusion.id)
        .order_by(ConclusionDispatch.id)).scalars())


def _mail_state(rows, mails) -> ChannelState:
    if not rows:
        return ChannelState(Channel.MAIL, "none", str(NO_ADDRESS))
    states = [mails[r.mail_id] for r in rows if r.mail_id in mails]
    if not states:
        return ChannelState(Channel.MAIL, "failed", mail_reason("other"))
    order = ("delivered", "queued", "retrying", "failed")
    best = min(states, key=lambda m: order.index(_MAIL[MailStatus(m.status)]))
    status = _MAIL[MailStatus(best.status)]
    return ChannelState(Channel.MAIL, status,
                        mail_reason(best.last_error_code) if status in ("retrying", "failed")
                        else "", ", ".join(sorted({m.to_address for m in states})),
                        best.sent_at)


def unit_states(conclusion: Conclusion) -> list[UnitState]:
    """Per unit: each channel's state (with the reason of a failure, in words), opened,
    acknowledged (by whom, when)."""
    rows = dispatches_of(conclusion)
    units = accounts.get_units(r.unit_id for r in rows)
    people = accounts.get_users(r.acknowledged_by_id for r in rows if r.acknowledged_by_id)
    mails = notify.mail_states(d.mail_id for r in rows for d in r.deliveries if d.mail_id)
    states = []
    for row in rows:
        state = UnitState(row, units.get(row.unit_id),
                          acknowledged_by=people.get(row.acknowledged_by_id))
        for delivery in row.deliveries:
            if delivery.channel == Channel.INBOX:
                state.channels.append(ChannelState(
                    Channel.INBOX, delivery.status.value,
                    str(NO_CLERK) if delivery.last_error_code == "no_clerk" else "",
                    at=delivery.delivered_at))
        state.channels.append(_mail_state(
            [d for d in row.deliveries if d.channel == Channel.MAIL], mails))
        for delivery in row.deliveries:
            if delivery.channel == Channel.WEBHOOK:
                state.channels.append(ChannelState(
                    Channel.WEBHOOK, delivery.status.value,
                    webhooks.describe(delivery.last_error_code)
                    if delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.RETRYING)
                    else "", delivery.target, delivery.delivered_at))
        states.append(state)
    return states


def received_by(unit_ids) -> list[ConclusionDispatch]:
    """The notices sent to these units, newest first."""
    ids = list(unit_ids)
    if not ids:
        return []
    return list(db.session.execute(
        select(ConclusionDispatch).where(ConclusionDispatch.unit_id.in_(ids))
        .order_by(ConclusionDispatch.sent_at.desc(), ConclusionDispatch.id.desc())).scalars())


def get_dispatch(dispatch_id: int) -> ConclusionDispatch | None:
    return db.session.get(ConclusionDispatch, dispatch_id)


def public_file(dispatch_id: int, token: str) -> bytes:
    """The issued PDF for a download link from a webhook.

    :raises DownloadLinkInvalid: no such dispatch, no issued file, or a token that is not
        this notice's (cut short, mistyped, or from before the notice changed).
    """
    import hmac

    dispatch = get_dispatch(dispatch_id)
    if dispatch is None or not dispatch.conclusion.issued_pdf:
        raise DownloadLinkInvalid()
    expected = webhooks.token_for(dispatch.id, dispatch.conclusion.issued_sha256 or "")
    if not hmac.compare_digest(expected, token):
        raise DownloadLinkInvalid()
    return dispatch.conclusion.issued_pdf

