"""Engine settings per backend: SQLite gets WAL, foreign keys, a busy timeout and the
Vietnamese collation PostgreSQL has built in."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ecabinet.core.collation import register_sqlite
from ecabinet.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        register_sqlite(dbapi_connection)


if not event.contains(Engine, "connect", _sqlite_pragmas):
    event.listen(Engine, "connect", _sqlite_pragmas)


def init_app(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


CLOSED = "ecabinet_closed"


def close_database(app, *, dispose_engine: bool = True) -> None:
    """Close the app's engine for good: work that wakes later (a broadcast due, a timed
    poll's close) asks `is_closed` and leaves the database alone, so that it does not open a
    connection in a pool nobody will dispose of (collected later, still open). An engine
    that other apps share (the tests' apps do) is left open: `dispose_engine=False`."""
    from flask import current_app, has_app_context

    app.extensions[CLOSED] = True
    if has_app_context() and current_app._get_current_object() is app:
        # The caller's own session first: a connection it still holds would outlive the
        # dispose below (it goes back to the old pool, which nobody closes any more).
        db.session.remove()
    with app.app_context():
        db.session.remove()
        if dispose_engine:
            db.engine.dispose()


def is_closed(app) -> bool:
    return app.extensions.get(CLOSED, False)


def check_database() -> None:
    """Run a trivial query; raises when the database cannot answer."""
    from sqlalchemy import text

    db.session.execute(text("SELECT 1"))
    db.session.rollback()
