"""Two mail workers on one outbox never send the same mail twice: threads racing over every
mail, separate processes, and two `ecabinet worker` processes that both re-queue the outbox
when they start. Each test runs in the SQLite pass and again in the PostgreSQL pass."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import threading
from collections import Counter

from sqlalchemy import select

from ecabinet.extensions import db
from ecabinet.notify import tasks
from ecabinet.notify.models import MailStatus, OutgoingMail
from tests.notify.test_delivery import _stop, _wait, _worker

MAILS = 40
WORKERS = 2


def _fill_outbox(count: int = MAILS) -> list[int]:
    """Queued mails nobody has tried yet, as publishing leaves them (without enqueueing)."""
    rows = [OutgoingMail(to_address=f"nguoi{i:02d}@tinh.gov.vn", subject=f"Thư {i}",
                         body="Kính gửi đồng chí", status=MailStatus.QUEUED, attempts=0)
            for i in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def _race(app, ids: list[int], seed: int, start) -> None:
    """Deliver every mail, one claim at a time in a shuffled order, then all in one batch."""
    order = list(ids)
    random.Random(seed).shuffle(order)
    with app.app_context():
        start.wait(timeout=60)
        for mail_id in order:
            tasks.deliver([mail_id])
        tasks.deliver(ids)
        db.session.remove()


def _assert_each_sent_once(inbox, ids: list[int]) -> None:
    received = Counter(message["To"] for message in inbox.wait_for(len(ids)))
    assert len(inbox.messages) == len(ids), Counter(received).most_common(3)
    assert set(received.values()) == {1}
    db.session.rollback()  # see what the workers committed
    rows = db.session.execute(select(OutgoingMail.status, OutgoingMail.attempts)).all()
    assert Counter(rows) == {(MailStatus.SENT, 1): len(ids)}


def test_two_threads_never_send_a_mail_twice(app, smtp_server):
    ids = _fill_outbox()
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def run(seed: int) -> None:
        try:
            _race(app, ids, seed, start)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    _assert_each_sent_once(smtp_server, ids)


def _process_worker(database_url: str, instance: str, smtp_port: int, ids, seed, start) -> None:
    """A child process: an app and an engine of its own, as a second worker host has."""
    from ecabinet import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": instance, "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": smtp_port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                      "MAIL_USERNAME": None, "MAIL_SENDER": "ecabinet@tinh.gov.vn"})
    _race(app, list(ids), seed, start)


def test_two_processes_never_send_a_mail_twice(app, smtp_server, database_url, tmp_path):
    ids = _fill_outbox()
    context = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    start = context.Barrier(WORKERS)
    processes = [context.Process(target=_process_worker,
                                 args=(database_url, str(tmp_path / "instance"),
                                       smtp_server.port, ids, seed, start))
                 for seed in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    _assert_each_sent_once(smtp_server, ids)


def test_two_worker_commands_that_both_requeue_the_outbox_send_each_mail_once(
        app, smtp_server, database_url, tmp_path):
    """Each `ecabinet worker` re-queues every waiting mail when it starts, so each mail is in
    two tasks on the shared queue, taken by four threads in two processes."""
    ids = _fill_outbox()
    both_started = threading.Event()
    accept = smtp_server.handle_DATA

    async def after_both_started(server, session, envelope):
        """Hold the first mails until the second worker has re-queued the outbox too."""
        while not both_started.is_set():
            await asyncio.sleep(0.05)
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = after_both_started
    logs = [tmp_path / f"worker{n}.log" for n in range(WORKERS)]
    workers = [_worker(app, database_url, smtp_server.port, log, ECABINET_MAIL_BATCH_SIZE="3")
               for log in logs]
    try:
        assert _wait(lambda: all("re-queued" in log.read_text(errors="replace")
                                 for log in logs), 120)  # a loaded machine starts slowly
        both_started.set()
        assert len(smtp_server.wait_for(len(ids), timeout=120)) == len(ids)
        assert _wait(lambda: _sent_count() == len(ids), 60)
        _wait(lambda: len(smtp_server.messages) > len(ids), 2)  # a late duplicate would show
    finally:
        outputs = [_stop(worker, log) for worker, log in zip(workers, logs, strict=True)]
    assert all(f"re-queued {len(ids)} waiting mails" in out for out in outputs), outputs
    _assert_each_sent_once(smtp_server, ids)


def _sent_count() -> int:
    db.session.rollback()
    return len(db.session.execute(select(OutgoingMail.id).where(
        OutgoingMail.status == MailStatus.SENT)).all())
