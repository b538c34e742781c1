"""Dispatch on issue, acknowledgement, resend and reminders, without HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from ecabinet.conclusions import acknowledgement, dispatch, webhooks
from ecabinet.conclusions.errors import DownloadLinkInvalid, Incomplete, WrongState
from ecabinet.conclusions.models import (
    Channel,
    ConclusionStatus,
    DeliveryStatus,
    DispatchDelivery,
    UnitWebhook,
)
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from ecabinet.notify import mail as notify_mail
from ecabinet.notify.models import Notification, OutgoingMail
from tests.conclusions.dispatching import Receiver, issued
from tests.conclusions.test_service import NOW


def _dispatched(world, keys, when=NOW):
    conclusion = issued(world, keys, when)
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=world.users["clerk"],
                                 now=when)
    return conclusion


def _state(conclusion, unit):
    return next(s for s in dispatch.unit_states(conclusion) if s.dispatch.unit_id == unit.id)


def test_dispatch_reaches_every_unit_inbox_and_mail(world, keys):
    conclusion = _dispatched(world, keys)
    assert conclusion.status == ConclusionStatus.DISPATCHED
    department, ward = world.units["department"], world.units["ward"]
    rows = dispatch.dispatches_of(conclusion)
    assert [r.unit_id for r in rows] == [department.id, ward.id]
    note = db.session.execute(select(Notification).where(
        Notification.user_id == world.users["clerk"].id,
        Notification.kind == dispatch.RECEIVED)).scalar_one()
    assert note.url == "/inbox"
    mail = db.session.execute(select(OutgoingMail).where(
        OutgoingMail.to_address == "clerk@tinh.gov.vn")).scalar_one()
    assert mail.unit_id == department.id and "01/TB-UBND" in mail.subject
    linked = db.session.execute(select(DispatchDelivery).where(
        DispatchDelivery.mail_id == mail.id)).scalar_one()
    assert linked.dispatch.unit_id == department.id
    state = _state(conclusion, department)
    assert [(c.channel, c.status) for c in state.channels] == [
        (Channel.INBOX, "delivered"), (Channel.MAIL, "queued")]
    assert state.delivered and not state.failed
    # the ward has no clerk: said in words, not shown as delivered
    ward_state = _state(conclusion, ward)
    assert ward_state.failed and "văn thư" in " ".join(ward_state.reasons)


def test_dispatch_twice_or_before_issue_is_refused(world, keys):
    conclusion = _dispatched(world, keys)
    with pytest.raises(WrongState):
        dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None)


def test_the_mail_carries_the_signed_pdf(world, keys):
    conclusion = _dispatched(world, keys)
    mail = db.session.execute(select(OutgoingMail)).scalars().one()
    message = notify_mail.build_message(mail, "ecabinet@tinh.gov.vn")
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    assert part.get_filename() == "thong-bao-01-2026.pdf"
    assert hashlib.sha256(part.get_content()).hexdigest() == conclusion.issued_sha256


def test_a_confidential_meetings_mail_carries_no_document(world, keys):
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    _dispatched(world, keys)
    mail = db.session.execute(select(OutgoingMail)).scalars().one()
    message = notify_mail.build_message(mail, "ecabinet@tinh.gov.vn")
    assert not list(message.iter_attachments())
    assert world.meeting.title not in mail.subject + mail.body


def test_acknowledge_records_who_and_when_once(world, keys):
    conclusion = _dispatched(world, keys)
    row = _state(conclusion, world.units["department"]).dispatch
    later = NOW + dt.timedelta(hours=2)
    acknowledgement.acknowledge(row, actor=world.users["clerk"], now=later)
    with pytest.raises(WrongState):
        acknowledgement.acknowledge(row, actor=world.users["clerk"])
    state = _state(conclusion, world.units["department"])
    assert state.dispatch.acknowledged_at == later and state.dispatch.opened_at == later
    assert state.acknowledged_by.username == "clerk"


def test_unacknowledged_units_are_reminded_after_the_delay_and_not_again_at_once(app, world,
                                                                                  keys):
    app.config["CONCLUSION_ACK_REMIND_AFTER_H"] = 24
    conclusion = _dispatched(world, keys)
    assert acknowledgement.remind_unacknowledged(NOW + dt.timedelta(hours=23)) == []
    notes = acknowledgement.remind_unacknowledged(NOW + dt.timedelta(hours=25))
    assert [n.user_id for n in notes] == [world.users["clerk"].id]
    assert notes[0].kind == acknowledgement.REMINDER
    assert acknowledgement.remind_unacknowledged(NOW + dt.timedelta(hours=26)) == []
    row = _state(conclusion, world.units["department"]).dispatch
    assert row.reminders == 1
    acknowledgement.acknowledge(row, actor=world.users["clerk"])
    assert acknowledgement.remind_unacknowledged(NOW + dt.timedelta(days=5)) == []


def test_resend_sends_the_mail_again_and_resets_the_webhook(app, world, keys):
    webhooks.set_webhook(world.units["department"].id, "http://127.0.0.1:9/hook", actor=None)
    conclusion = _dispatched(world, keys)
    row = _state(conclusion, world.units["department"]).dispatch
    hook = next(d for d in row.deliveries if d.channel == Channel.WEBHOOK)
    hook.status, hook.attempts, hook.last_error_code = DeliveryStatus.FAILED, 6, "timeout"
    db.session.commit()
    notes = dispatch.resend(row, actor=world.users["secretariat"])
    assert [n.user_id for n in notes] == [world.users["clerk"].id]
    assert db.session.execute(select(OutgoingMail)).scalars().all().__len__() == 2
    assert hook.status == DeliveryStatus.QUEUED and hook.attempts == 0
    assert row.resent_at is not None


def test_webhook_secret_is_sealed_and_only_shown_once(world):
    unit = world.units["department"]
    secret = webhooks.set_webhook(unit.id, "https://so-tc.example.vn/ecabinet", actor=None)
    stored = db.session.get(UnitWebhook, unit.id)
    assert secret.encode() not in stored.secret_sealed
    assert webhooks.open_secret(stored.secret_sealed, unit.id) == secret
    assert webhooks.open_secret(stored.secret_sealed, unit.id + 1) is None  # bound to the unit
    with pytest.raises(Incomplete):
        webhooks.set_webhook(unit.id, "ftp://so-tc.example.vn/", actor=None)
    with pytest.raises(Incomplete):
        webhooks.set_webhook(unit.id, "http://so-tc.example.vn/", actor=None)


def test_webhook_delivery_is_signed_and_retried_with_back_off(app, world, keys):
    app.config.update(WEBHOOK_RETRY_BASE_S=10, WEBHOOK_RETRY_FACTOR=3, WEBHOOK_MAX_ATTEMPTS=3)
    unit = world.units["department"]
    with Receiver(statuses=(503, 200)) as receiver:
        receiver.secret = webhooks.set_webhook(unit.id, receiver.url, actor=None)
        conclusion = _dispatched(world, keys)
        delivery = db.session.execute(select(DispatchDelivery).where(
            DispatchDelivery.channel == Channel.WEBHOOK)).scalar_one()
        assert webhooks.deliver(delivery.id, dispatch.payload_of) == 10  # 503: try again
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.last_error_code == "http_error" and "503" in delivery.last_error
        assert webhooks.deliver(delivery.id, dispatch.payload_of) is None
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    body = receiver.accepted()[0]["body"]
    assert body["number"] == "01/TB-UBND" and body["sha256"] == conclusion.issued_sha256
    assert body["meeting"]["id"] == world.meeting.id and body["unit"]["id"] == unit.id
    token = body["download_url"].rsplit("/", 1)[1].removesuffix(".pdf")
    assert dispatch.public_file(body["dispatch_id"], token) == conclusion.issued_pdf
    wrong = ("y" if token.startswith("x") else "x") + token[1:]  # never the token itself
    with pytest.raises(DownloadLinkInvalid):
        dispatch.public_file(body["dispatch_id"], wrong)


def test_webhook_gives_up_after_the_last_attempt_with_the_reason(app, world, keys):
    app.config.update(WEBHOOK_MAX_ATTEMPTS=2, WEBHOOK_TIMEOUT_S=2)
    with Receiver(secret="not-the-secret") as receiver:  # the unit signs with another secret
        webhooks.set_webhook(world.units["department"].id, receiver.url, actor=None)
        conclusion = _dispatched(world, keys)
        delivery = db.session.execute(select(DispatchDelivery).where(
            DispatchDelivery.channel == Channel.WEBHOOK)).scalar_one()
        webhooks.deliver(delivery.id, dispatch.payload_of)
        assert webhooks.deliver(delivery.id, dispatch.payload_of) is None
    assert delivery.status == DeliveryStatus.FAILED
    state = _state(conclusion, world.units["department"])
    webhook_state = next(c for c in state.channels if c.channel == Channel.WEBHOOK)
    assert webhook_state.status == "failed"
    assert webhook_state.reason == str(webhooks.REASONS["refused_signature"])


def test_the_worker_runs_the_reminders_every_quarter_hour(app, world, keys):
    """The periodic task is bound to the app's queue, and one round reminds the unit."""
    import datetime as dt_

    from ecabinet.conclusions import worker
    from ecabinet.notify.queue import get_huey

    huey = get_huey(app)
    (periodic,) = [t for t in huey._registry.periodic_tasks if t.name == "conclusion_reminders"]
    assert periodic.validate_datetime(dt_.datetime(2026, 3, 5, 10, 15))
    assert not periodic.validate_datetime(dt_.datetime(2026, 3, 5, 10, 16))
    from ecabinet.core.timeutil import utcnow

    app.config["CONCLUSION_ACK_REMIND_AFTER_H"] = 24
    _dispatched(world, keys, utcnow() - dt_.timedelta(hours=25))
    # the department's clerk to acknowledge (the ward has none), and its task, whose deadline
    # (31/03/2026) has passed, to the clerk and the secretariat
    assert worker.run_reminders() == 3
    kinds = sorted(n.kind for n in db.session.execute(select(Notification).where(
        Notification.kind.like("conclusion_%"), Notification.kind != dispatch.RECEIVED))
        .scalars())
    assert kinds == ["conclusion_ack_reminder", "conclusion_task_overdue",
                     "conclusion_task_overdue"]
    assert worker.run_reminders() == 0  # each reminder once
