"""Share one SQLAlchemy engine per database between the apps of one test process.

Every test builds its own app, and Flask-SQLAlchemy gives each app a new engine: a new pool
(on PostgreSQL a new connection, ~11 ms) and an empty compiled-statement cache, so that every
query of every test is compiled again (SQLAlchemy keys that cache by the engine's dialect).
On PostgreSQL that made the `app` and `world` fixtures cost ~140 ms a test. An engine holds
no state of an app's: its sessions, `g` and config stay the app's own. So the apps of one
process that name the same database with the same options get the first one's engine.

Test-only: production builds one app per process. A test app lets go of a shared engine
with `release_app` (the engine stays for the next test) and the run disposes of them all at
the end. If Flask-SQLAlchemy renames the method, the tests run as before, just slower.
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

_make_engine = getattr(SQLAlchemy, "_make_engine", None)
_engines: dict = {}


def _key(bind_key, options: dict) -> tuple:
    return bind_key, tuple(sorted((name, repr(value)) for name, value in options.items()))


OWN_ENGINE = "TEST_OWN_ENGINE"
"""An app whose config sets this gets an engine of its own: one that a test changes (event
listeners, say) must not reach the apps that come after it."""


def _shared_make_engine(self, bind_key, options, app):
    if app.config.get(OWN_ENGINE):
        return _make_engine(self, bind_key, options, app)
    key = _key(bind_key, options)
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = _make_engine(self, bind_key, options, app)
    return engine


def is_shared(engine) -> bool:
    return any(engine is shared for shared in _engines.values())


def install() -> None:
    if _make_engine is not None:
        SQLAlchemy._make_engine = _shared_make_engine


def dispose_all() -> None:
    """Close every shared engine's connections (the end of a run)."""
    while _engines:
        _engines.popitem()[1].dispose()
