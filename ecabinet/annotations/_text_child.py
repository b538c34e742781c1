"""Child process that extracts a stored PDF's page texts, so the web process parses none.

Run only by :mod:`ecabinet.annotations.pagetext` as ``python -I _text_child.py LIMITS_JSON``
with the PDF on stdin; prints one JSON object: ``{"pages": [{"text", "spans"}, …]}`` or
``{"error": "…"}``. Like ``documents/_pdfcheck_child.py`` it caps its own CPU time, memory
and files before it reads a byte, and imports nothing of the application (``-I``, by path).
"""

from __future__ import annotations

import io
import json
import math
import sys
import unicodedata


def _limit_self(limits: dict) -> None:
    import resource

    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))


class _Page:
    """Collect a page's text runs normalised as they come: white space made single spaces,
    and where each run starts (offset, x, y, size)."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.spans: list[list] = []

    def visit(self, text, cm, tm, _font, size) -> None:
        if not text:
            return
        text = unicodedata.normalize("NFC", text)
        # The run's start in page space: the text matrix times the current matrix.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        started = False
        for char in text:
            if char.isspace():
                if self.chars and self.chars[-1] != " ":
                    self.chars.append(" ")
                continue
            if not started:
                self.spans.append([len(self.chars), round(x, 2), round(y, 2),
                                   round(float(size or 0) * (scale or 1), 2)])
                started = True
            self.chars.append(char)

    def result(self) -> dict:
        return {"text": "".join(self.chars).rstrip(), "spans": self.spans}


def extract(data: bytes, max_pages: int) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = []
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            break
        collected = _Page()
        try:
            page.extract_text(visitor_text=collected.visit)
        except Exception:  # one unreadable page leaves an empty text, not a failed version
            collected = _Page()
        pages.append(collected.result())
    return {"pages": pages}


def main(argv: list[str]) -> int:
    limits = json.loads(argv[1])
    _limit_self(limits)
    try:
        data = sys.stdin.buffer.read(int(limits["max_bytes"]) + 1)
        if not data.startswith(b"%PDF-") or len(data) > int(limits["max_bytes"]):
            result: dict = {"error": "not a PDF or too large"}
        else:
            result = extract(data, int(limits["max_pages"]))
    except Exception as exc:  # an unreadable file is an answer, not a trace
        result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
