"""Validate uploaded PDFs without ever parsing one in the web process.

Meeting documents arrive by e-mail from outside the committee, so an upload is hostile until
proven otherwise. The web process only reads the first five bytes (``%PDF-``) and the size; the
parse itself runs in a short-lived child (:mod:`ecabinet.documents._pdfcheck_child`) that caps
its own CPU time and address space and is killed after a wall-clock limit. A plain
``subprocess`` is used rather than ``multiprocessing`` because the web server runs under gevent,
whose ``subprocess`` is cooperative, and because the child must start without importing the
application (``python -I`` runs the child file by path, so ``ecabinet/__init__`` never loads).

Refusals carry a stable ``reason`` code; :data:`REASON_MESSAGES` holds the English text marked
for Babel extraction with ``N_``; the web pages and ``ecabinet check-pdf`` (in :mod:`ecabinet.cli`)
translate it through the catalogue.

Word and Excel files are converted by LibreOffice in the same kind of child
(:func:`convert_office`): same script, its own limits, an environment holding only a
throw-away HOME.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ecabinet.documents import _pdfcheck_child as child

__all__ = [
    "ACTIVE_KIND_LABELS",
    "PdfCheckResult",
    "PdfLimits",
    "PdfRefusedError",
    "REASON_CODES",
    "REASON_MESSAGES",
    "ConversionFailedError",
    "ConversionLimits",
    "SanitizedPdf",
    "convert_office",
    "sanitize_pdf",
    "validate_pdf",
]

REASON_CODES = child.REASON_CODES
_CHILD_SCRIPT = str(Path(child.__file__).resolve())


def N_(message: str) -> str:  # noqa: N802 - the name Babel's extractor looks for
    """Mark a message for extraction; the app translates it at display time."""
    return message


REASON_MESSAGES: dict[str, str] = {
    child.OK: N_("The PDF was accepted."),
    child.EMPTY: N_("The file is empty."),
    child.TOO_LARGE: N_("The file is larger than the upload limit."),
    child.NOT_PDF: N_("The file is not a PDF document."),
    child.MALFORMED: N_("The PDF file is damaged and cannot be read."),
    child.ENCRYPTED: N_("The PDF is protected by a password; upload a copy without a password."),
    child.NO_PAGES: N_("The PDF has no pages."),
    child.TOO_MANY_PAGES: N_("The PDF has more pages than allowed."),
    child.TOO_COMPLEX: N_("The PDF is too complex to be processed safely."),
    child.TIMEOUT: N_("Checking the PDF took too long."),
    child.ACTIVE_CONTENT: N_("The PDF contains scripts, automatic actions or attached files."),
    child.CHECK_FAILED: N_("The PDF could not be checked; try again or tell the administrator."),
}
"""English message per reason code, each marked with ``N_`` for ``pybabel extract``."""

ACTIVE_KIND_LABELS: dict[str, str] = {
    child.JAVASCRIPT: N_("JavaScript"),
    child.OPEN_ACTION: N_("automatic actions"),
    child.LAUNCH: N_("actions that open other files or programs"),
    child.EMBEDDED_FILE: N_("attached files"),
}
"""What ``found`` / ``stripped`` kinds are called (English msgids; translate at display)."""

# Signals that mean the child ran out of CPU time (soft, then hard RLIMIT_CPU) or was killed.
_TIMEOUT_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGKILL})


@dataclass(frozen=True)
class PdfLimits:
    """What one check may cost; the defaults suit meeting documents on a small server."""

    max_bytes: int = 100 * 1024 * 1024
    """Largest accepted file; checked before a child is started."""
    max_pages: int = 5000
    """Most pages accepted (the least is one)."""
    cpu_seconds: int = 8
    """RLIMIT_CPU of the child; over it the kernel kills the child."""
    memory_bytes: int = 768 * 1024 * 1024
    """RLIMIT_AS (address space) of the child."""
    wall_clock_seconds: float = 10.0
    """After this the parent kills the child, e.g. one stuck in I/O or sleeping."""
    max_stream_bytes: int = 75_000_000
    """Largest decoded stream (pypdf's per-filter output caps and declared /Length)."""
    max_decoded_bytes: int = 400_000_000
    """Largest total of decoded streams in one file: many small bombs add up."""
    max_nesting: int = 64
    """Deepest nesting of arrays and dictionaries inside one object; real files stay under 20."""


@dataclass(frozen=True)
class PdfCheckResult:
    """The verdict on one file."""

    ok: bool
    """True when the file may be stored."""
    reason: str
    """Stable code: ``"ok"`` or one of :data:`REASON_CODES`."""
    page_count: int | None = None
    """Pages, when the child got as far as counting them."""
    found: tuple[str, ...] = ()
    """Kinds of active content present in the file as uploaded (see ``ACTIVE_KIND_LABELS``)."""
    stripped: tuple[str, ...] = ()
    """Kinds removed from the sanitized copy (only from :func:`sanitize_pdf`)."""
    title: str = ""
    """The document's own /Title metadata, whitespace collapsed; empty when it has none."""
    encrypted: bool = False
    """The upload was encrypted (with an empty user password, or it would be refused)."""
    linearized: bool = False
    """The sanitized copy was rewritten linearised (``sanitize_pdf(..., linearize=True)``)."""
    detail: str = ""
    """Technical detail for the log; never shown to users."""
    seconds: float = 0.0
    """Wall-clock time of the check, child included."""

    @property
    def message(self) -> str:
        """English message for ``reason``; translate with ``gettext(result.message)``."""
        return REASON_MESSAGES[self.reason]


@dataclass(frozen=True)
class SanitizedPdf:
    """A file fit to store: the original bytes, or a rewritten copy when something was removed."""

    result: PdfCheckResult
    pdf: bytes = dataclasses.field(repr=False)


class PdfRefusedError(ValueError):
    """Raised by :func:`sanitize_pdf` for a refused file; ``code`` is the reason code."""

    def __init__(self, result: PdfCheckResult) -> None:
        super().__init__(f"PDF refused ({result.reason}): {result.detail or result.message}")
        self.code = result.reason
        self.result = result


@dataclass(frozen=True)
class ConversionLimits:
    """What one LibreOffice conversion may cost: more than a PDF check, still bounded."""

    max_bytes: int = 100 * 1024 * 1024
    """Largest office file accepted (the PDF made from it is then checked as usual)."""
    cpu_seconds: int = 60
    """RLIMIT_CPU of the converter (per process: oosplash and soffice.bin)."""
    memory_bytes: int = 1536 * 1024 * 1024
    """RLIMIT_AS of the converter; LibreOffice maps about 600 MB before it reads a byte."""
    wall_clock_seconds: float = 120.0
    """After this the whole process group of the converter is killed."""
    open_files: int = 1024
    """RLIMIT_NOFILE: LibreOffice opens its libraries, fonts and profile files."""


class ConversionFailedError(ValueError):
    """LibreOffice gave no PDF; ``code`` is a reason code, ``detail`` is for the log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"conversion failed ({code}): {detail}")
        self.code = code
        self.detail = detail


def convert_office(data: bytes, suffix: str, converter: str, *,
                   limits: ConversionLimits | None = None) -> bytes:
    """Turn a Word/Excel/OpenDocument file into PDF with LibreOffice in the limited child.

    The child limits itself exactly as for a PDF check (with :class:`ConversionLimits`), then
    runs ``converter`` with an environment holding nothing but a temporary HOME and profile.
    The PDF it returns is still untrusted: check it with :func:`sanitize_pdf`.

    :raises ConversionFailedError: when no PDF comes out (a bad file, a limit, a crash).
    """
    limits = limits or ConversionLimits()
    if not data:
        raise ConversionFailedError(child.EMPTY, "empty file")
    if len(data) > limits.max_bytes:
        raise ConversionFailedError(child.TOO_LARGE, f"{len(data)} bytes")
    with tempfile.TemporaryDirectory(prefix="ecabinet-convert-") as tmp:
        source = Path(tmp) / ("input" + suffix.lower())
        source.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir(mode=0o700)
        command = [sys.executable, "-I", _CHILD_SCRIPT, "convert",
                   json.dumps(dataclasses.asdict(limits)), str(source), str(out_dir), converter]
        try:
            # Same rule as the check: env={} keeps the application's secrets out; fixed
            # command (this interpreter, our child script, the converter found by the parent).
            proc = subprocess.run(  # noqa: S603
                command, capture_output=True, env={}, cwd=tmp,
                timeout=limits.wall_clock_seconds + 10, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailedError(child.TIMEOUT, "wall-clock limit") from exc
        verdict = _read_verdict(proc)
        if verdict.get("ok") is not True or "pdf" not in verdict:
            raise ConversionFailedError(verdict.get("code") or verdict.get("fault")
                                        or child.CHECK_FAILED, str(verdict.get("detail", "")))
        result = Path(verdict["pdf"]).resolve()
        if result.parent != out_dir.resolve():  # the child names a file; it must be ours
            raise ConversionFailedError(child.CHECK_FAILED, "unexpected output path")
        return result.read_bytes()


def validate_pdf(source: bytes | str | os.PathLike[str], *,
                 limits: PdfLimits | None = None) -> PdfCheckResult:
    """Check an upload in a resource-limited child; refuse active content rather than strip it.

    :raises OSError: when ``source`` is a path that cannot be read.
    """
    result, _ = _run_check("check", source, limits or PdfLimits())
    return result


def sanitize_pdf(source: bytes | str | os.PathLike[str], *,
                 limits: PdfLimits | None = None, linearize: bool = False) -> SanitizedPdf:
    """Check an upload and return it fit to store, with active content stripped.

    A file without active content comes back byte for byte (rewriting would break the
    signatures that incoming official documents carry); an encrypted one comes back decrypted.
    With ``linearize``, an unsigned file comes back linearised ("fast web view", rewritten by
    qpdf in the same limited child), so that a viewer loading it by ranges shows page 1 from
    its first bytes; a signed one still comes back byte for byte.

    :raises PdfRefusedError: when the file is refused for any other reason.
    :raises OSError: when ``source`` is a path that cannot be read.
    """
    limits = limits or PdfLimits()
    if not isinstance(source, (bytes, bytearray, memoryview)):
        # Read once, so that the bytes returned are the bytes that were checked.
        with open(source, "rb") as handle:
            source = handle.read(limits.max_bytes + 1)
    result, pdf = _run_check("sanitize", source, limits, linearize=linearize)
    if not result.ok:
        raise PdfRefusedError(result)
    return SanitizedPdf(result=result, pdf=bytes(source) if pdf is None else pdf)


def _refused(code: str, started: float, detail: str = "") -> PdfCheckResult:
    return PdfCheckResult(ok=False, reason=code, detail=detail,
                          seconds=time.perf_counter() - started)


def _run_check(mode: str, source: bytes | str | os.PathLike[str], limits: PdfLimits, *,
               linearize: bool = False) -> tuple[PdfCheckResult, bytes | None]:
    """Do the cheap checks here, then hand the parse to the child and read its JSON verdict."""
    started = time.perf_counter()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data: bytes | None = bytes(source)
        size, head, in_arg = len(data), data[:5], "-"
    else:
        data, in_arg = None, os.path.abspath(os.fspath(source))
        size = os.stat(in_arg).st_size
        with open(in_arg, "rb") as handle:
            head = handle.read(5)
    if size == 0:
        return _refused(child.EMPTY, started), None
    if size > limits.max_bytes:
        return _refused(child.TOO_LARGE, started, f"{size} bytes"), None
    if head != b"%PDF-":
        return _refused(child.NOT_PDF, started, repr(head)), None
    with tempfile.TemporaryDirectory(prefix="ecabinet-pdfcheck-") as tmp:
        out_path = os.path.join(tmp, "sanitized.pdf")
        settings = {**dataclasses.asdict(limits), "linearize": linearize}
        command = [sys.executable, "-I", _CHILD_SCRIPT, mode, json.dumps(settings), in_arg,
                   out_path]
        try:
            # env={} keeps the application's secrets (database URL, keys) out of the child.
            # The command is fixed (this interpreter, our child script) and runs without a shell.
            proc = subprocess.run(  # noqa: S603
                command, input=data, capture_output=True, env={}, cwd=tmp,
                timeout=limits.wall_clock_seconds, check=False)
        except subprocess.TimeoutExpired:
            return _refused(child.TIMEOUT, started, "wall-clock limit"), None
        verdict = _read_verdict(proc)
        if "code" not in verdict or verdict["code"] not in REASON_MESSAGES:
            return _refused(verdict.get("fault", child.CHECK_FAILED), started,
                            verdict.get("detail", "")), None
        pdf = Path(out_path).read_bytes() if verdict.get("rewritten") else None
    result = PdfCheckResult(
        ok=verdict["ok"] is True and verdict["code"] == child.OK,
        reason=verdict["code"],
        page_count=_int_or_none(verdict.get("page_count")),
        found=tuple(str(k) for k in verdict.get("found", ()) if k in child.ACTIVE_KINDS),
        stripped=tuple(str(k) for k in verdict.get("stripped", ()) if k in child.ACTIVE_KINDS),
        encrypted=verdict.get("encrypted") is True,
        linearized=verdict.get("linearized") is True,
        title=str(verdict.get("title") or "")[:300],
        detail=str(verdict.get("detail", ""))[:300],
        seconds=time.perf_counter() - started,
    )
    return result, pdf


def _read_verdict(proc: subprocess.CompletedProcess[bytes]) -> dict:
    """Turn the child's exit into a verdict dict; a crash is a refusal, never an exception."""
    stderr = proc.stderr.decode("utf-8", "replace")[-300:]
    if proc.returncode < 0:
        signum = -proc.returncode
        fault = child.TIMEOUT if signum in _TIMEOUT_SIGNALS else child.MALFORMED
        return {"fault": fault, "detail": f"child killed by signal {signum}"}
    if proc.returncode != 0:
        fault = child.TOO_COMPLEX if "MemoryError" in stderr else child.CHECK_FAILED
        return {"fault": fault, "detail": f"child exit {proc.returncode}: {stderr}"}
    try:
        verdict = json.loads(proc.stdout)
    except ValueError:
        return {"detail": f"unreadable child output: {stderr}"}
    return verdict if isinstance(verdict, dict) else {"detail": "child output is not an object"}


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

