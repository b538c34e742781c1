"""What changed between two versions of a document: a word diff of the whole text, shown
page by page.

The page texts are the ones re-anchoring extracts (:mod:`ecabinet.annotations.pagetext`,
read once per version in a limited child). The two versions are compared as one text each,
so that a paragraph added on page 1, which pushes everything after it down, shows as that
paragraph alone and not as every later page's first and last lines removed and added. The
comparison goes sentence by sentence first (sentences are nearly unique, so it is fast on a
300-page report; a sentence repeated on many pages is left to the second step), then word by
word inside the sentences that differ. Each added passage
belongs to the page of the new version it is on (split where it crosses a page); a removed
one to the page of the new version where it stood. The viewer marks the added passages on
the pages and lists the removed ones.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from ecabinet.annotations.anchoring import normalise
from ecabinet.annotations.pagetext import version_texts

MAX_PASSAGE = 2000
"""Characters of one passage sent to the viewer (a whole rewritten page is still one)."""
MAX_WORD_DIFF = 4000
"""Words on either side of a changed block above which it is reported whole, not diffed
word by word (a rewritten chapter: the word diff would cost seconds and say little more)."""
_SENTENCE_END = (".", ";", ":", "!", "?")


def _words(text: str) -> list[str]:
    return normalise(text).split(" ") if text and text.strip() else []


def page_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """(added, removed) passages between two texts of one page, in reading order."""
    changes = document_changes([old], [new])
    added, removed = changes.get(1, ([], []))
    return added, removed


@dataclass(frozen=True)
class _Text:
    """A version's words, the page (1-based) of each, and its sentences as word ranges."""

    words: list[str]
    pages: list[int]
    sentences: list[tuple[int, int]]

    @classmethod
    def of(cls, page_texts: list[str]) -> _Text:
        words: list[str] = []
        pages: list[int] = []
        for number, text in enumerate(page_texts, start=1):
            page_words = _words(text)
            words += page_words
            pages += [number] * len(page_words)
        sentences, start = [], 0
        for index, word in enumerate(words):
            if word.endswith(_SENTENCE_END):
                sentences.append((start, index + 1))
                start = index + 1
        if start < len(words):
            sentences.append((start, len(words)))
        return cls(words, pages, sentences)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Word range of sentences ``first``..``last`` (exclusive)."""
        if first == last:
            at = self.sentences[first][0] if first < len(self.sentences) else len(self.words)
            return at, at
        return self.sentences[first][0], self.sentences[last - 1][1]

    def page_at(self, index: int) -> int:
        """The page a word position is on (the last page past the end, 1 for no text)."""
        if not self.pages:
            return 1
        return self.pages[min(index, len(self.pages) - 1)]


def _word_opcodes(old: list[str], new: list[str]):
    if len(old) > MAX_WORD_DIFF or len(new) > MAX_WORD_DIFF:
        return [("replace", 0, len(old), 0, len(new))]
    return SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def document_changes(old_pages: list[str], new_pages: list[str]
                     ) -> dict[int, tuple[list[str], list[str]]]:
    """{page of the new version: (added, removed)} for the pages with a change."""
    old, new = _Text.of(old_pages), _Text.of(new_pages)
    changes: dict[int, tuple[list[str], list[str]]] = {}

    def added(first: int, last: int) -> None:
        while first < last:  # one passage per page it crosses
            page = new.pages[first]
            end = bisect_right(new.pages, page, first, last)
            changes.setdefault(page, ([], []))[0].append(
                " ".join(new.words[first:end])[:MAX_PASSAGE])
            first = end

    def removed(first: int, last: int, where: int) -> None:
        """On the page of the word it followed (or the first page)."""
        if first < last:
            changes.setdefault(new.page_at(max(where - 1, 0)), ([], []))[1].append(
                " ".join(old.words[first:last])[:MAX_PASSAGE])

    sentences = SequenceMatcher(None, [" ".join(old.words[a:b]) for a, b in old.sentences],
                                [" ".join(new.words[a:b]) for a, b in new.sentences])
    for tag, i1, i2, j1, j2 in sentences.get_opcodes():
        if tag == "equal":
            continue
        (o1, o2), (n1, n2) = old.span(i1, i2), new.span(j1, j2)
        for word_tag, a1, a2, b1, b2 in _word_opcodes(old.words[o1:o2], new.words[n1:n2]):
            if word_tag in ("insert", "replace"):
                added(n1 + b1, n1 + b2)
            if word_tag in ("delete", "replace"):
                removed(o1 + a1, o1 + a2, n1 + b1)
    return {page: changes[page] for page in sorted(changes)}


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
    changes = document_changes([page.text for page in old], [page.text for page in new])
    answer["pages"] = [{"page": page, "added": added, "removed": removed,
                        "in_new": page <= len(new)}
                       for page, (added, removed) in changes.items()]
    return answer
