"""Helpers for the dispatch tests: an issued notice, and a local webhook receiver that checks
the HMAC the way a unit's system would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ecabinet.conclusions import issuing
from tests.conclusions.test_service import NOW, signed


def issued(world, keys, when=NOW):
    """The world's meeting's notice, signed by the chair and issued by the body (not yet
    dispatched): recipients the department (its clerk has an address) and the ward."""
    world.users["clerk"].email = "clerk@tinh.gov.vn"
    conclusion = signed(world, keys, when)
    return issuing.issue_conclusion(conclusion, world.meeting, keys.seal,
                                    actor=world.users["clerk"], now=when)


class Receiver:
    """A unit's webhook endpoint on 127.0.0.1: keeps what arrived and whether its HMAC held;
    answers `status` (a list: one answer per request, the last one repeated)."""

    def __init__(self, secret: str = "", statuses=(200,)):
        self.secret, self.statuses = secret, list(statuses)
        self.received: list[dict] = []
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                given = self.headers.get("X-eCabinet-Signature", "")
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body,
                                                hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(given, expected)
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 \
                    else receiver.statuses[0]
                if not valid:
                    status = 401
                receiver.received.append({"body": json.loads(body), "valid": valid,
                                          "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.event.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[dict]:
        return [r for r in self.received if r["valid"] and r["status"] < 300]
