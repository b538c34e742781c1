"""Dispatch through the real worker process (`python -m ecabinet worker`) to a real local SMTP
server and a local webhook receiver that checks the HMAC, as a unit's system would."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from ecabinet.conclusions import dispatch, webhooks
from ecabinet.conclusions.models import Channel
from ecabinet.extensions import db
from tests.conclusions.dispatching import Receiver, issued
from tests.conclusions.test_service import NOW
from tests.notify.conftest import smtp_server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]


def _wait(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _channel_states(conclusion) -> dict:
    db.session.rollback()  # see what the worker committed
    state = next(s for s in dispatch.unit_states(conclusion)
                 if s.dispatch.unit_id == conclusion.recipients[0].unit_id)
    return {c.channel: c.status for c in state.channels}


def test_real_worker_mails_the_pdf_and_calls_the_signed_webhook(app, world, keys,
                                                               smtp_server,  # noqa: F811
                                                               database_url):
    app.config["PUBLIC_URL"] = "https://hop.tinh.gov.vn"
    department = world.units["department"]
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, ECABINET_INSTANCE=app.instance_path,
               SECRET_KEY=app.config["SECRET_KEY"], SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(smtp_server.port), SMTP_SENDER="ecabinet@tinh.gov.vn",
               ECABINET_PUBLIC_URL="https://hop.tinh.gov.vn")
    with Receiver() as receiver:
        receiver.secret = webhooks.set_webhook(department.id, receiver.url, actor=None)
        conclusion = issued(world, keys)
        worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker", "--workers", "2"],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        try:
            dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
            messages = smtp_server.wait_for(1, timeout=30)
            assert receiver.event.wait(30)
            assert _wait(lambda: _channel_states(conclusion) == {
                Channel.INBOX: "delivered", Channel.MAIL: "delivered",
                Channel.WEBHOOK: "delivered"})
        finally:
            worker.terminate()
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
    assert "Traceback" not in output, output
    (message,) = messages
    assert message["To"] == "clerk@tinh.gov.vn" and "01/TB-UBND" in message["Subject"]
    pdf = next(p for p in message.iter_attachments()
               if p.get_content_type() == "application/pdf")
    assert hashlib.sha256(pdf.get_content()).hexdigest() == conclusion.issued_sha256
    (call,) = receiver.received
    assert call["valid"], "the HMAC over the body did not match the unit's secret"
    body = call["body"]
    assert body["number"] == "01/TB-UBND" and body["sha256"] == conclusion.issued_sha256
    assert body["download_url"].startswith("https://hop.tinh.gov.vn/conclusions/files/")
