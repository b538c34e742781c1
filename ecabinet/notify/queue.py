"""The task queue (huey): SQLite file in the instance folder, or Redis when REDIS_URL is set.

Each app gets its own Huey object, built on first use and kept in `app.extensions`, so
tests with their own instance folders get their own queues. The worker process calls
create_app() once and runs every task inside that app's context; the web process only
enqueues.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from ecabinet.notify import tasks
from ecabinet.notify.settings import setting

log = logging.getLogger(__name__)
QUEUE_NAME = "ecabinet"
_build_lock = threading.Lock()


def get_huey(app=None) -> Huey:
    """Return the app's queue, building it (and registering the tasks) the first time."""
    app = app or current_app._get_current_object()
    huey = app.extensions.get("huey")
    if huey is None:
        with _build_lock:
            huey = app.extensions.get("huey") or _build(app)
            app.extensions["huey"] = huey
    return huey


def queue_name(app) -> str:
    """HUEY_QUEUE_NAME, else $ECABINET_QUEUE_NAME, else "ecabinet": two deployments (or two
    test runs) sharing one Redis keep their tasks apart by name."""
    return app.config.get("HUEY_QUEUE_NAME") or os.environ.get("ECABINET_QUEUE_NAME") \
        or QUEUE_NAME


def _build(app) -> Huey:
    immediate = bool(app.config.get("HUEY_IMMEDIATE", False))
    if app.config.get("REDIS_URL"):
        huey: Huey = RedisHuey(queue_name(app), url=app.config["REDIS_URL"], results=False,
                               immediate=immediate)
    else:
        filename = Path(app.instance_path) / "huey.sqlite3"
        huey = SqliteHuey(queue_name(app), filename=str(filename), results=False,
                          immediate=immediate)
    _register(huey, app)
    return huey


# Features bind their own tasks to each app's queue: `binder(huey, app)` returns {name: task}.
_BINDERS: list = []


def register_tasks(binder) -> None:
    if binder not in _BINDERS:
        _BINDERS.append(binder)


def _register(huey: Huey, app) -> None:
    """Bind the tasks to this queue; each runs in a fresh app context of `app`."""

    @huey.task(name="send_mails")
    def send_mails(mail_ids: list[int]) -> None:
        with app.app_context():
            retry = tasks.deliver(mail_ids)
        for delay, ids in sorted(retry.items()):
            send_mails.schedule(args=(ids,), delay=delay)

    huey.ecabinet_tasks = {"send_mails": send_mails}  # type: ignore[attr-defined]
    for binder in _BINDERS:
        huey.ecabinet_tasks.update(binder(huey, app))  # type: ignore[attr-defined]


def enqueue_mails(mail_ids: list[int], app=None) -> None:
    """Queue delivery in batches (one SMTP session per batch); call only after the commit."""
    app = app or current_app._get_current_object()
    send_mails = get_huey(app).ecabinet_tasks["send_mails"]
    size = max(int(setting(app.config, "MAIL_BATCH_SIZE")), 1)
    for start in range(0, len(mail_ids), size):
        send_mails(list(mail_ids[start:start + size]))


def make_consumer(app, workers: int | None = None, *, periodic: bool = False) -> Consumer:
    """A consumer with several threads, so a slow SMTP server does not hold up the rest;
    `periodic` runs the features' periodic tasks (reminders) too: one worker should."""
    count = workers or int(setting(app.config, "HUEY_WORKERS"))
    return get_huey(app).create_consumer(workers=count, worker_type="thread", periodic=periodic,
                                         initial_delay=0.05, max_delay=1.0)


def start_consumer(app, workers: int | None = None) -> Consumer:
    """Start a consumer's threads in this process without touching signal handlers.

    For tests and the benchmark; `ecabinet worker` uses `run_worker` instead.
    """
    requeue_pending(app)
    consumer = make_consumer(app, workers)
    consumer.scheduler.start()
    for _worker, thread in consumer.worker_threads:
        thread.start()
    return consumer


def stop_consumer(consumer: Consumer) -> None:
    consumer.stop(graceful=True)


def requeue_pending(app) -> int:
    """Queue every mail still waiting, in case its task was lost (crash, queue wiped)."""
    with app.app_context():
        ids = tasks.pending_mail_ids()
    if ids:
        enqueue_mails(ids, app)
        log.info("re-queued %s waiting mails", len(ids))
    return len(ids)


def run_worker(app, workers: int | None = None) -> None:
    """Run the consumer until SIGINT/SIGTERM: the body of `ecabinet worker`."""
    requeue_pending(app)
    make_consumer(app, workers, periodic=True).run()
