"""The admin's view of the audit log, filtered by action, actor and dates, in words."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from ecabinet.accounts.permissions import can_view_audit
from ecabinet.audit.labels import action_label, known_actions, object_label
from ecabinet.audit.service import AuditFilter, list_entries, verify_chain
from ecabinet.core.collation import sort_key
from ecabinet.core.permissions import require
from ecabinet.core.timeutil import LOCAL_ZONE

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


class BadDate(ValueError):
    pass


def _local_day(value: str | None, *, next_day: bool = False) -> datetime | None:
    """Read a yyyy-mm-dd filter as the start (or end) of that day in Vietnam time.

    :raises BadDate: for text that is not a date, which the page says instead of ignoring it.
    """
    if not (value or "").strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise BadDate(value) from None
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def _date_filters(args) -> tuple[datetime | None, datetime | None, list[str]]:
    """The two dates of the filter, and a message for each one that cannot be used."""
    errors, days = [], {}
    for name, label, next_day in (("since", _("From"), False), ("until", _("To"), True)):
        try:
            days[name] = _local_day(args.get(name), next_day=next_day)
        except BadDate:
            days[name] = None
            errors.append(_("“%(label)s” is not a date: %(value)s. Choose a day in the calendar "
                            "(day/month/year); this filter was not applied.",
                            label=label, value=args.get(name)))
    if days["since"] and days["until"] and days["since"] >= days["until"]:
        errors.append(_("The first day comes after the last one; no entry can match."))
    return days["since"], days["until"], errors


@bp.get("")
@require(can_view_audit)
def entries():
    args = request.args
    since, until, errors = _date_filters(args)
    criteria = AuditFilter(action=args.get("action", "").strip(),
                           actor=args.get("actor", "").strip().lower(),
                           since=since, until=until)
    page = args.get("page", 1, type=int) or 1
    rows, has_more = list_entries(criteria, page=page,
                                  per_page=current_app.config["AUDIT_PAGE_SIZE"])
    chain = verify_chain() if args.get("verify") == "1" else None
    actions = sorted(known_actions(), key=lambda pair: sort_key(pair[1]))
    return render_template("audit/entries.html", rows=rows, page=page, has_more=has_more,
                           args=args, chain=chain, errors=errors, actions=actions,
                           action_label=action_label, object_label=object_label)
