"""Rich text of a conclusion: paragraphs, numbered lists, bold and italics, and nothing else.

Cleaned by ``nh3`` (the Ammonia HTML sanitiser), never by regular expressions; what it keeps is
exactly what the PDF renderer knows how to set.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset({"p", "ol", "li", "b", "strong", "i", "em", "br"})
_HTML_TAG = re.compile(r"<\s*/?\s*(?:p|ol|ul|li|b|strong|i|em|br|div|span|script|a|img)\b",
                       re.IGNORECASE)


def clean_html(text: str) -> str:
    """Return ``text`` with every other tag, attribute, comment and script removed.

    Text without any of the allowed tags is plain: it becomes paragraphs, one per block
    separated by a blank line, its ``<`` and ``&`` kept as written. (Telling the two apart is the
    only use of a pattern here; the cleaning itself is nh3's.)
    """
    text = (text or "").strip()
    if not text:
        return ""
    if not _HTML_TAG.search(text):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        text = "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)
    return nh3.clean(text, tags=set(ALLOWED_TAGS), attributes={}, strip_comments=True,
                     link_rel=None).strip()
