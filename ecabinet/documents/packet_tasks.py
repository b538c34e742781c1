"""The packet build as a task of the huey queue (ecabinet.notify.queue), run by `ecabinet worker`.

The web process only queues the build's id (after committing its row); the worker builds it in
its own process, so a packet of thousands of pages never holds up the server's event loop.
The task is bound to the app's queue on first use: by `ecabinet worker` when it starts (it must
know the task before the first message arrives) and by the web process when it queues one.
"""

from __future__ import annotations

import threading

from flask import current_app
from huey.api import Huey, TaskWrapper

from ecabinet.notify.queue import get_huey

TASK_NAME = "build_packet"
_lock = threading.Lock()


def register_tasks(app) -> TaskWrapper:
    """Bind the packet task to the app's queue once; each run gets a fresh app context."""
    huey: Huey = get_huey(app)
    tasks = huey.ecabinet_tasks  # type: ignore[attr-defined]
    with _lock:
        task = tasks.get(TASK_NAME)
        if task is None:
            @huey.task(name=TASK_NAME)
            def build_packet(build_id: int) -> None:
                from ecabinet.documents.packets import run_build

                with app.app_context():
                    run_build(build_id)

            task = tasks[TASK_NAME] = build_packet
    return task


def enqueue_build(build_id: int, app=None) -> None:
    """Queue a packet build; call only after its row is committed.

    Under TESTING (no worker runs) the build happens at once, in its own app context as in the
    worker, unless PACKET_BUILDS_INLINE is false: the tests of the real path set that.
    """
    app = app or current_app._get_current_object()
    if app.config.get("PACKET_BUILDS_INLINE", app.testing):
        from ecabinet.documents.packets import run_build

        with app.app_context():
            run_build(build_id)
        return
    register_tasks(app)(build_id)
