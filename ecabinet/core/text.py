"""Vietnamese text for machines: folding for search that ignores tones and case."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and drop diacritics, đ included: "Nguyễn Đức" -> "nguyen duc".

    Users type without tones on phones; every search compares folded text with folded text.
    """
    text = unicodedata.normalize("NFC", text or "").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
