"""One audit chain under concurrent writers: threads, then separate processes, each with its own
connection, append at once; the verifier must find the chain intact and every entry counted."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from ecabinet.audit import service as audit
from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db

WRITERS = 4
ENTRIES_EACH = 25


def _append(app, writer: int, start: threading.Barrier) -> None:
    """Append ENTRIES_EACH entries, one transaction each, in a context and connection of its own."""
    with app.app_context():
        start.wait(timeout=60)
        for i in range(ENTRIES_EACH):
            audit.record("test.concurrent", object_type="writer", object_id=writer,
                         details={"i": i})
            db.session.commit()
        db.session.remove()


def _assert_one_chain() -> None:
    db.session.rollback()  # see what the writers committed
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert report.checked == WRITERS * ENTRIES_EACH
    per_writer = dict(db.session.execute(
        select(AuditEntry.object_id, func.count()).group_by(AuditEntry.object_id)).all())
    assert per_writer == {str(w): ENTRIES_EACH for w in range(WRITERS)}


def test_concurrent_threads_append_one_chain(app):
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            _append(app, writer, start)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    _assert_one_chain()


def _process_writer(database_url: str, instance: str, writer: int, start) -> None:
    """A child process: an app and an engine of its own, as a second server process has."""
    from ecabinet import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": instance})
    _append(app, writer, start)


@pytest.mark.postgres
def test_concurrent_processes_append_one_chain_on_postgresql(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        from tests.conftest import require_service

        require_service("PostgreSQL", "this pass runs on SQLite (set DATABASE_URL)")
    context = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    start = context.Barrier(WRITERS)
    processes = [context.Process(target=_process_writer,
                                 args=(database_url, str(tmp_path / "instance"), w, start))
                 for w in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WRITERS
    _assert_one_chain()
