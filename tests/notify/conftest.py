"""Fixtures for notifications and mail: a real local SMTP server (aiosmtpd), a closed port,
and the shared world with e-mail addresses and an invited unit."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1; the app's MAIL_* settings point at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_SENDER="ecabinet@tinh.gov.vn")
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def closed_port(app) -> int:
    """A port nobody listens on: every connection is refused at once."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None)
    return port


@pytest.fixture
def mailworld(world):
    """The shared world with an address for everyone and the department invited (its clerk)."""
    from ecabinet.extensions import db
    from ecabinet.meetings.models import MeetingUnit

    for user in world.users.values():
        user.email = f"{user.username}@tinh.gov.vn"
    world.meeting.invited_units.append(MeetingUnit(unit_id=world.units["department"].id))
    db.session.commit()
    return world
