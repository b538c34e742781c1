"""How a notice's number is written; apart from :mod:`ecabinet.conclusions.issuing` so that the
pages that show a number do not load the signing libraries."""

from __future__ import annotations


def number_text(number: int, abbreviation: str) -> str:
    """``05/TB-UBND``: two digits at least, as numbers from 01 are written."""
    return f"{number:02d}/TB-{abbreviation or 'UBND'}"
