"""Time in one place: stored in UTC, shown in Asia/Ho_Chi_Minh, dated as Decree 30 writes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """Convert an aware moment to Vietnam time, the only zone our users read."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass times as aware UTC")
    return moment.astimezone(LOCAL_ZONE)


def decree30_date(day: date | datetime, place: str | None = None) -> str:
    """Write a date as Decree 30/2020 does: "Hà Tĩnh, ngày 05 tháng 3 năm 2025".

    Days below 10 and the months January and February take a leading zero, so that
    nobody can add a digit to a signed document's date.
    """
    if isinstance(day, datetime):
        day = to_local(day).date()
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text
