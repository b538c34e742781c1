"""Read the drafting form: sections with their tasks, and the recipients.

The form has a variable number of sections and task rows, named ``section-<i>-…`` and
``task-<i>-<j>-…``; an empty task row is ignored. Errors are collected, never raised, so the
secretariat gets their text back with the messages.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ecabinet.conclusions.service import DraftData, SectionData, TaskData

MAX_SECTIONS, MAX_TASKS = 60, 40


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value: str, errors: list) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        errors.append(_l("A deadline is not a date: %(value)s", value=value[:20]))
        return None


def parse_draft(form) -> tuple[DraftData, list]:
    """Return the draft as typed and the list of problems found in it."""
    errors: list = []
    sections = []
    for i in range(MAX_SECTIONS):
        if f"section-{i}-title" not in form:
            break
        title = form.get(f"section-{i}-title", "").strip()
        text = form.get(f"section-{i}-text", "")
        tasks = []
        for j in range(MAX_TASKS):
            prefix = f"task-{i}-{j}-"
            if prefix + "content" not in form:
                break
            content = form.get(prefix + "content", "").strip()
            responsible = _int(form.get(prefix + "responsible"))
            if not content and responsible is None:
                continue
            if responsible is None:
                errors.append(_l("Choose the unit responsible for “%(task)s”.",
                                 task=content[:60]))
                continue
            cooperating = tuple(u for u in (_int(v) for v in form.getlist(prefix + "cooperating"))
                                if u is not None)
            tasks.append(TaskData(responsible, cooperating, content,
                                  _date(form.get(prefix + "deadline", ""), errors)))
        if title or text.strip() or tasks:
            if not title:
                errors.append(_l("Each section needs a title."))
            sections.append(SectionData(title, text, _int(form.get(f"section-{i}-item")),
                                        tuple(tasks)))
    recipients = tuple(u for u in (_int(v) for v in form.getlist("recipients")) if u is not None)
    return DraftData(form.get("chaired_by", ""), form.get("attended_by", ""), tuple(sections),
                     recipients), errors
