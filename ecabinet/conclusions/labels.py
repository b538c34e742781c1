"""Words for the audit entries that conclusions write."""

from flask_babel import lazy_gettext as _l

from ecabinet.audit.labels import register_actions, register_objects

register_actions({
    "conclusion.drafted": _l("Conclusion notice drafted"),
    "conclusion.edited": _l("Conclusion notice edited"),
    "conclusion.submitted": _l("Conclusion notice sent to the chair"),
    "conclusion.returned": _l("Conclusion notice returned by the chair"),
    "conclusion.signed": _l("Conclusion notice signed by the chair"),
    "conclusion.issued": _l("Conclusion notice issued (number, date, seal)"),
    "conclusion.dispatched": _l("Conclusion notice sent to the units"),
    "conclusion.resent": _l("Conclusion notice sent to a unit again"),
    "conclusion.acknowledged": _l("Receipt of a conclusion notice acknowledged"),
    "conclusion.ack_reminded": _l("Units reminded to acknowledge a conclusion notice"),
    "conclusion.webhook_set": _l("Unit webhook set"),
    "conclusion.webhook_removed": _l("Unit webhook removed"),
    "conclusion.task_reported": _l("Report on a task of a conclusion notice"),
    "conclusion.task_accepted": _l("Task of a conclusion notice accepted as done"),
    "conclusion.task_reopened": _l("Task of a conclusion notice reopened"),
    "conclusion.tasks_reminded": _l("Reminders about tasks of conclusion notices"),
    "conclusion.review_proposed": _l("Overdue tasks put on the agenda for review"),
})
register_objects({"conclusion": _l("Conclusion notice"),
                  "conclusion_task": _l("Task of a conclusion notice")})
