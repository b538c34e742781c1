"""Delivery failures get a stable reason code, and every code reads in words."""

from __future__ import annotations

import smtplib
import socket
import ssl

import pytest

from ecabinet.notify.reasons import REASONS, classify_error, describe


@pytest.mark.parametrize("error, code", [
    (ConnectionRefusedError(111, "Connection refused"), "connection_refused"),
    (socket.gaierror(-2, "Name or service not known"), "host_not_found"),
    (TimeoutError("timed out"), "timeout"),
    (ssl.SSLError(1, "WRONG_VERSION_NUMBER"), "tls"),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), "tls"),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), "auth_failed"),
    (smtplib.SMTPSenderRefused(553, b"no", "ecabinet@localhost"), "sender_refused"),
    (smtplib.SMTPRecipientsRefused({"a@b.vn": (550, b"no such mailbox")}), "recipient_refused"),
    (smtplib.SMTPDataError(554, b"spam"), "mail_refused"),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "disconnected"),
    (OSError(101, "Network is unreachable"), "other"),
])
def test_classify_error_names_the_kind(error, code):
    assert classify_error(error) == code


def test_describe_reads_every_code_in_the_users_language(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        english = {code: describe(code) for code in REASONS}
        assert english["timeout"] == "The mail server did not answer in time"
    with app.test_request_context(), force_locale("vi"):
        assert describe("connection_refused").startswith("Máy chủ thư từ chối kết nối")
        assert describe("") == describe("no-such-code") == "Không gửi được thư"
        assert all(describe(code) != english[code] for code in REASONS)
