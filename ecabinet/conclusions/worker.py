"""The conclusions' work in the huey worker: webhook deliveries with back-off, and the
periodic reminders (unacknowledged notices, tasks due soon or overdue) — never threads."""

from __future__ import annotations

import logging

from huey import crontab

from ecabinet.notify.queue import register_tasks

log = logging.getLogger(__name__)


def run_reminders() -> int:
    """One round of reminders, and a sweep for webhook deliveries whose task was lost."""
    from ecabinet.conclusions import acknowledgement, dispatch, tasks, webhooks
    from ecabinet.notify.events import push_live

    notes = acknowledgement.remind_unacknowledged() + tasks.remind_tasks()
    push_live(notes)
    dispatch.queue_webhooks(webhooks.stale_ids())
    return len(notes)


def _bind(huey, app) -> dict:
    from ecabinet.conclusions import dispatch, webhooks

    @huey.task(name="conclusion_webhook")
    def conclusion_webhook(delivery_id: int) -> None:
        with app.app_context():
            delay = webhooks.deliver(delivery_id, dispatch.payload_of)
        if delay is not None:
            conclusion_webhook.schedule(args=(delivery_id,), delay=delay)

    @huey.periodic_task(crontab(minute="*/15"), name="conclusion_reminders")
    def conclusion_reminders() -> None:
        with app.app_context():
            count = run_reminders()
        if count:
            log.info("sent %s conclusion reminders", count)

    return {"conclusion_webhook": conclusion_webhook,
            "conclusion_reminders": conclusion_reminders}


register_tasks(_bind)
