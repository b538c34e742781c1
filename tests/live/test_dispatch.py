"""The request context of a socket event."""

from __future__ import annotations

from flask import request, url_for
from werkzeug.test import EnvironBuilder

from ecabinet.live.dispatch import EventContext


def test_event_context_matches_no_route_but_builds_urls(app):
    environ = EnvironBuilder(path="/socket.io/", query_string="EIO=4").get_environ()
    with EventContext(app, environ):
        assert request.url_rule is None
        assert request.routing_exception is None
        assert url_for("accounts.login") == "/login"
