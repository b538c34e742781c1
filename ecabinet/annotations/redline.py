"""What changed between two versions of a document: a word diff of each page's text.

The page texts are the ones re-anchoring extracts (:mod:`ecabinet.annotations.pagetext`,
read once per version in a limited child). Page N of the new version is compared with page
N of the old one: a passage that moved to the next page shows as removed from one and added
to the other, which is what a reader comparing the two printed copies sees too. The viewer
marks the added passages on the pages and lists the removed ones.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ecabinet.annotations.anchoring import normalise
from ecabinet.annotations.pagetext import version_texts

MAX_PASSAGE = 2000
"""Characters of one passage sent to the viewer (a whole rewritten page is still one)."""


def _words(text: str) -> list[str]:
    return normalise(text).split(" ") if text and text.strip() else []


def page_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """(added, removed) passages between two texts of one page, in reading order."""
    before, after = _words(old), _words(new)
    added, removed = [], []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            added.append(" ".join(after[j1:j2])[:MAX_PASSAGE])
        if tag in ("delete", "replace"):
            removed.append(" ".join(before[i1:i2])[:MAX_PASSAGE])
    return added, removed


def previous_version(document, number: int | None = None):
    """The version to compare the current one with: ``number``, else the one before it."""
    current = document.current
    earlier = [v for v in document.versions if v.number < current.number]
    if number is not None:
        earlier = [v for v in earlier if v.number == number]
    return max(earlier, key=lambda v: v.number) if earlier else None


def redline(document, number: int | None = None) -> dict:
    """The changes of the current version against an earlier one, page by page (pages
    without a change left out). ``available`` is False when there is no earlier version or
    one of the two has no readable text (a scan)."""
    current = document.current
    previous = previous_version(document, number)
    answer = {"document_id": document.id, "to": current.number,
              "from": previous.number if previous else None, "available": False, "pages": []}
    if previous is None:
        return answer
    old, new = version_texts(previous), version_texts(current)
    if old is None or new is None:
        return answer
    answer["available"] = True
    for index in range(max(len(old), len(new))):
        added, removed = page_changes(old[index].text if index < len(old) else "",
                                      new[index].text if index < len(new) else "")
        if added or removed:
            answer["pages"].append({"page": index + 1, "added": added, "removed": removed,
                                    "in_new": index < len(new)})
    return answer
