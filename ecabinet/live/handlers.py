"""Socket events that features add to the /live namespace without editing live/events.py.

A feature registers each handler once, at import time::

    @live_event("cast_ballot")
    def cast_ballot(data): ...

`LiveNamespace` dispatches a registered event after its own checks (signed in, rate limit) and
maps errors in one place. A handler loads and authorises its objects once, calls a service,
emits to rooms after the service returned, and returns the acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable

_HANDLERS: dict[str, Callable] = {}


def live_event(name: str, *, checks_session: bool = False):
    """With `checks_session`, the event is let in on the connection's remembered user with no
    query (live/identity.py `assume_remembered`): the handler checks the session itself,
    where it writes, or calls `identity.check_now()` first."""

    def register(handler: Callable) -> Callable:
        handler.checks_own_session = checks_session
        _HANDLERS[name] = handler
        return handler

    return register


def handler_for(name: str) -> Callable | None:
    return _HANDLERS.get(name)


def registered_events() -> set[str]:
    """Every feature event; importing `ecabinet.live.features` registers them all."""
    return set(_HANDLERS)
