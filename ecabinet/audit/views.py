"""The admin's view of the audit log, filtered by action, actor and dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, current_app, render_template, request

from ecabinet.accounts.permissions import can_view_audit
from ecabinet.audit.service import AuditFilter, list_entries, verify_chain
from ecabinet.core.permissions import require
from ecabinet.core.timeutil import LOCAL_ZONE

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _local_day(value: str | None, *, next_day: bool = False) -> datetime | None:
    """Read a yyyy-mm-dd filter as the start (or end) of that day in Vietnam time."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


@bp.get("")
@require(can_view_audit)
def entries():
    args = request.args
    criteria = AuditFilter(action=args.get("action", "").strip(),
                           actor=args.get("actor", "").strip().lower(),
                           since=_local_day(args.get("since")),
                           until=_local_day(args.get("until"), next_day=True))
    page = args.get("page", 1, type=int) or 1
    rows, has_more = list_entries(criteria, page=page,
                                  per_page=current_app.config["AUDIT_PAGE_SIZE"])
    chain = verify_chain() if args.get("verify") == "1" else None
    return render_template("audit/entries.html", rows=rows, page=page, has_more=has_more,
                           args=args, chain=chain)
