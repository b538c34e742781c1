"""Vietnamese alphabetical order, the same in Python, SQLite and PostgreSQL.

ICU's collator for Vietnamese knows what a byte order does not: Đ comes after D, Ă and Â
after A, Ư after U, and a tone only breaks ties after the letters ("Ngô" before "Nguyễn").
PostgreSQL ships it as the collation "vi-x-icu"; SQLite gets a collation of that name on every
connection, so one `order_by(vi(User.full_name))` sorts alike on both.
"""

from __future__ import annotations

import threading

import icu

COLLATION = "vi-x-icu"
_local = threading.local()


def _collator() -> icu.Collator:
    """One collator per thread: ICU collators are cheap to keep and not shared safely."""
    collator = getattr(_local, "collator", None)
    if collator is None:
        collator = _local.collator = icu.Collator.createInstance(icu.Locale("vi_VN"))
    return collator


def sort_key(text: str | None) -> bytes:
    """The key that orders Vietnamese text alphabetically in `sorted(..., key=...)`."""
    return _collator().getSortKey(text or "")


def compare(left: str | None, right: str | None) -> int:
    return _collator().compare(left or "", right or "")


def vi(column):
    """`column` ordered the Vietnamese way in the database."""
    return column.collate(COLLATION)


def register_sqlite(connection) -> None:
    """Teach one SQLite connection the collation PostgreSQL already has."""
    connection.create_collation(COLLATION, compare)
