"""Fixtures that make the PDFs the document tests need, hostile ones included.

Every file is generated here, by fpdf2, pypdf or by hand with :func:`assemble`, so that the
repository carries no binary fixtures and each test shows exactly what it feeds in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

import pytest

from ecabinet.demo.documents import plain_text_pdf


def assemble(objects: dict[int, bytes], *, root: int = 1, trailer: bytes = b"",
             header: bytes = b"%PDF-1.7\n") -> bytes:
    """Write numbered object bodies as a PDF with a correct classic xref table."""
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else \
            b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, trailer, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """Body of a stream object holding ``data`` as is (already encoded, if ``extra`` says so)."""
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(catalog_extra: bytes = b"", page_extra: bytes = b"",
             more: dict[int, bytes] | None = None) -> bytes:
    """A minimal one-page PDF; objects 1-4 are taken, ``more`` adds from 5 on."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog_extra,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s >>"
           % page_extra,
        4: stream(b"BT ET"),
    }
    objects.update(more or {})
    return assemble(objects)


make_text_pdf = plain_text_pdf


def _tool(name: str) -> str:
    """Path of a Debian tool; missing it fails under CI=true and skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: poppler-utils / qpdf)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def text_pdf() -> Callable[..., bytes]:
    return make_text_pdf


@pytest.fixture
def pdftotext() -> Callable[..., str]:
    """Run poppler's pdftotext on PDF bytes; extra arguments pass through."""
    tool = _tool("pdftotext")

    def run(pdf: bytes, *args: str) -> str:
        done = subprocess.run([tool, *args, "-", "-"], input=pdf, capture_output=True,
                              check=True, timeout=60)
        return done.stdout.decode("utf-8")

    return run


@pytest.fixture
def qpdf_check(tmp_path) -> Callable[[bytes], None]:
    """Assert that ``qpdf --check`` finds no error (exit 0) and no warning (exit 3)."""
    tool = _tool("qpdf")

    def check(pdf: bytes) -> None:
        path = tmp_path / "checked.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([tool, "--check", str(path)], capture_output=True, timeout=60,
                              check=False)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()

    return check


class _Parts:
    """The hand-assembly helpers, handed to tests as the ``parts`` fixture."""

    assemble = staticmethod(assemble)
    stream = staticmethod(stream)
    one_page = staticmethod(one_page)


@pytest.fixture
def parts() -> type[_Parts]:
    return _Parts
