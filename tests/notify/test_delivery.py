"""Delivery through a real queue consumer to a real SMTP server, and retries that lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from ecabinet.notify import queue, service
from ecabinet.notify.models import MailStatus, OutgoingMail

ROOT = Path(__file__).resolve().parents[2]


def _statuses() -> dict[int, MailStatus]:
    db.session.rollback()  # see what the worker committed
    return dict(db.session.execute(select(OutgoingMail.id, OutgoingMail.status)).all())


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _calendar_part(message):
    return next(part for part in message.walk() if part.get_content_type() == "text/calendar")


def _check_ics(raw: bytes, method: str) -> str:
    """RFC 5545 essentials: CRLF only, lines of at most 75 octets, UTC times, our UID."""
    assert b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    text = raw.decode("utf-8").replace("\r\n ", "")  # unfold
    props = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
    assert props["METHOD"] == method
    assert props["UID"].startswith("meeting-")
    assert props["DTSTART"].endswith("Z") and props["DTEND"].endswith("Z")
    assert "BEGIN:VEVENT" in text and "END:VEVENT" in text
    return text


def test_real_worker_process_delivers_to_smtp(app, mailworld, smtp_server, database_url):
    """`python -m ecabinet worker`, started as an operator would, sends every invitation."""
    app.config["PUBLIC_URL"] = "https://hop.tinh.gov.vn"  # links are written at publishing
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=database_url, ECABINET_INSTANCE=app.instance_path,
               SECRET_KEY="worker-test", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port),
               SMTP_SENDER="ecabinet@tinh.gov.vn")
    worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker", "--workers", "2"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        service.meeting_published(mailworld.meeting, actor=None)
        messages = smtp_server.wait_for(3, timeout=30)
        assert len(messages) == 3
        assert _wait(lambda: set(_statuses().values()) == {MailStatus.SENT}, 10)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
    assert "Traceback" not in output, output
    message = next(m for m in messages if m["To"] == "member@tinh.gov.vn")
    assert "Phiên họp thường kỳ" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert f"https://hop.tinh.gov.vn/meetings/{mailworld.meeting.id}" in body
    part = _calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    text = _check_ics(part.get_payload(decode=True), "REQUEST")
    assert f"SEQUENCE:{mailworld.meeting.revision}" in text
    assert "ATTENDEE;CN=Phạm Quốc Bảo" in text and "ORGANIZER;CN=UBND tỉnh Thử Nghiệm" in text


@pytest.fixture
def consumer(app):
    """A huey consumer in this process (threads), for tests that need tiny retry delays."""
    app.config.update(MAIL_RETRY_BASE_S=0.05, MAIL_RETRY_FACTOR=1, MAIL_MAX_ATTEMPTS=3)
    running = queue.start_consumer(app, workers=2)
    yield running
    queue.stop_consumer(running)


def test_unreachable_smtp_retries_then_fails_and_keeps_the_mail(app, mailworld, closed_port,
                                                                consumer):
    service.meeting_published(mailworld.meeting, actor=None)
    assert _wait(lambda: set(_statuses().values()) == {MailStatus.FAILED}, 20)
    for mail in db.session.execute(select(OutgoingMail)).scalars():
        assert mail.attempts == 3
        assert "ConnectionRefusedError" in mail.last_error
        assert mail.last_error_code == "connection_refused" and mail.next_attempt_at is None
    assert service.mail_status_for(mailworld.meeting)["failed"] == 3


def test_failed_mails_go_out_when_retried_after_the_server_returns(app, mailworld, closed_port,
                                                                   consumer):
    service.meeting_published(mailworld.meeting, actor=None)
    assert _wait(lambda: set(_statuses().values()) == {MailStatus.FAILED}, 20)
    from aiosmtpd.controller import Controller

    from tests.notify.conftest import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        assert service.retry_failed_mails(mailworld.meeting,
                                          actor=mailworld.users["secretariat"]) == 3
        assert len(inbox.wait_for(3)) == 3
        assert _wait(lambda: set(_statuses().values()) == {MailStatus.SENT})
    finally:
        controller.stop()


def test_a_refused_recipient_fails_without_retrying(app, mailworld, smtp_server, consumer):
    async def refuse(server, session, envelope, address, options):
        return "550 no such mailbox" if address.startswith("member@") else (
            envelope.rcpt_tos.append(address) or "250 OK")

    smtp_server.handle_RCPT = refuse
    service.meeting_published(mailworld.meeting, actor=None)
    assert len(smtp_server.wait_for(2)) == 2
    member_id = mailworld.users["member"].id
    assert _wait(lambda: _statuses().get(
        db.session.execute(select(OutgoingMail.id).where(
            OutgoingMail.user_id == member_id)).scalar_one()) == MailStatus.FAILED)
    mail = db.session.execute(select(OutgoingMail).where(
        OutgoingMail.user_id == member_id)).scalar_one()
    assert mail.attempts == 1 and "550" in mail.last_error
    assert mail.last_error_code == "recipient_refused"


def test_immediate_mode_sends_a_confidential_cancel(app, mailworld, smtp_server):
    app.config["HUEY_IMMEDIATE"] = True
    mailworld.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    service.meeting_cancelled(mailworld.meeting, actor=None)
    messages = smtp_server.wait_for(3, timeout=5)
    assert len(messages) == 3
    for message in messages:
        assert "Phiên họp" not in message["Subject"]
        _check_ics(_calendar_part(message).get_payload(decode=True), "CANCEL")


def _worker(app, database_url: str, smtp_port: int, log: Path, **env_extra):
    """`python -m ecabinet worker` as an operator starts it, its output in `log`."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=database_url, ECABINET_INSTANCE=app.instance_path,
               SECRET_KEY="worker-test", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port),
               SMTP_SENDER="ecabinet@tinh.gov.vn", **env_extra)
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "ecabinet", "worker", "--workers", "2"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(worker, log: Path) -> str:
    worker.terminate()
    worker.wait(timeout=20)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output
    return output


@pytest.mark.redis
def test_mail_goes_through_the_redis_queue_to_a_real_worker(app, mailworld, smtp_server,
                                                           database_url, redis_url, tmp_path):
    """Publishing queues the task in Redis; a worker process takes it from there and sends."""
    from huey import RedisHuey

    name = f"ecabinet-test-{uuid.uuid4().hex[:12]}"  # apart from other runs on this Redis
    app.config.update(REDIS_URL=redis_url, HUEY_QUEUE_NAME=name)
    huey = queue.get_huey(app)
    assert isinstance(huey, RedisHuey)
    log = tmp_path / "worker.log"
    worker = _worker(app, database_url, smtp_server.port, log, REDIS_URL=redis_url,
                     ECABINET_QUEUE_NAME=name)
    try:
        assert _wait(lambda: "Huey consumer started" in log.read_text(errors="replace"), 30)
        service.meeting_published(mailworld.meeting, actor=None)
        messages = smtp_server.wait_for(3, timeout=30)
        assert sorted(m["To"] for m in messages) == ["chair@tinh.gov.vn", "clerk@tinh.gov.vn",
                                                     "member@tinh.gov.vn"]
        assert _wait(lambda: set(_statuses().values()) == {MailStatus.SENT}, 10)
        assert huey.pending_count() == 0  # taken from Redis, not left there
    finally:
        output = _stop(worker, log)
        huey.flush()
    assert "Executing ecabinet.notify.queue.send_mails" in output, output
    assert len(smtp_server.messages) == 3


@pytest.mark.redis
def test_redis_url_selects_the_redis_queue(app, redis_url):
    from huey import RedisHuey

    app.config.update(REDIS_URL=redis_url, HUEY_QUEUE_NAME=f"ecabinet-test-{uuid.uuid4().hex}")
    huey = queue.get_huey(app)
    assert isinstance(huey, RedisHuey)
    huey.flush()
