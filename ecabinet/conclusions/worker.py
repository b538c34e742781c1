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

    @huey.task(name="conclusion_webhooks")
    def conclusion_webhooks(delivery_ids: list[int]) -> None:
        """A batch of deliveries in turn (one queue write per batch, not per unit); each
        failure is retried on its own, after its own back-off."""
        retry = []
        with app.app_context():
            for delivery_id in delivery_ids:
                delay = webhooks.deliver(delivery_id, dispatch.payload_of)
                if delay is not None:
                    retry.append((delivery_id, delay))
        for delivery_id, delay in retry:
            conclusion_webhooks.schedule(args=([delivery_id],), delay=delay)

    @huey.periodic_task(crontab(minute="*/15"), name="conclusion_reminders")
    def conclusion_reminders() -> None:
        with app.app_context():
            count = run_reminders()
        if count:
            log.info("sent %s conclusion reminders", count)

    return {"conclusion_webhooks": conclusion_webhooks,
            "conclusion_reminders": conclusion_reminders}


register_tasks(_bind)
