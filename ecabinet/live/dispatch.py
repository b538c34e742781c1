"""Run one /live event in a request context that reuses the connection's session.

Flask-SocketIO keeps a copy of the sign-in session per connection (`saved_session`, made at
connect) and puts it in each event's request context, but Flask has by then already opened
the session from the cookie again (signature check and decoding, about a millisecond) only
to have it replaced. Here the context is made with the saved session from the start; the
first event of a connection (connect) still goes through Flask-SocketIO, which saves it.
Nor is the event's URL (/socket.io/) matched against the app's routes: it matches none, and
building that NotFound was a quarter of the server's samples while ballots poured in.
"""

from __future__ import annotations

import sys

from flask import request
from flask.ctx import RequestContext


class EventContext(RequestContext):
    """A request context for one socket event: no route to match (Flask's documented hook)."""

    def match_request(self) -> None:
        """Leave `request.url_rule` unset: an event is dispatched by its name, never a route."""


def handle_event(socketio, handler, message: str, namespace: str, sid: str, *args):
    environ = socketio.server.get_environ(sid, namespace=namespace)
    saved = environ.get("saved_session") if environ else None
    if saved is None or not socketio.manage_session:
        return socketio._handle_event(handler, message, namespace, sid, *args)
    with EventContext(environ["flask.app"], environ, session=saved):
        request.sid, request.namespace = sid, namespace
        request.event = {"message": message, "args": args}
        try:
            return handler(*args)
        except ConnectionRefusedError:
            raise
        except Exception:  # noqa: BLE001 - mapped in one place, as Flask-SocketIO does
            on_error = socketio.exception_handlers.get(namespace,
                                                       socketio.default_exception_handler)
            if on_error is None:
                raise
            return on_error(sys.exc_info()[1])
