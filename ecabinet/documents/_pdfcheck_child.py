"""Child process that parses an untrusted PDF, so that the web process never has to.

Run only by :mod:`ecabinet.documents.pdfcheck`, as
``python -I _pdfcheck_child.py MODE LIMITS_JSON [IN_PATH [OUT_PATH]]`` with the PDF on stdin
when IN_PATH is ``-``; in ``convert`` mode (``convert LIMITS_JSON IN_PATH OUT_DIR CONVERTER``)
it runs LibreOffice under the same limits instead of parsing anything itself. It caps its own
CPU time, address space, file size and open files *before* it reads a byte of input, then
prints exactly one JSON object on stdout. Running the file by path under ``-I`` (isolated
mode) keeps ``ecabinet/__init__.py`` (and Flask) out of the child: start-up
costs one interpreter plus pypdf, about 0.15 s.

The module imports only the standard library at import time, so the parent can import the
reason codes below without importing pypdf.
"""

from __future__ import annotations

import json
import sys

# Stable reason codes. The parent maps each to a translatable message; never rename one.
OK = "ok"
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_PDF = "not_pdf"
MALFORMED = "malformed"
ENCRYPTED = "encrypted"
NO_PAGES = "no_pages"
TOO_MANY_PAGES = "too_many_pages"
TOO_COMPLEX = "too_complex"
TIMEOUT = "timeout"
ACTIVE_CONTENT = "active_content"
CHECK_FAILED = "check_failed"
REASON_CODES = (
    EMPTY, TOO_LARGE, NOT_PDF, MALFORMED, ENCRYPTED, NO_PAGES, TOO_MANY_PAGES,
    TOO_COMPLEX, TIMEOUT, ACTIVE_CONTENT, CHECK_FAILED,
)

# Kinds of active content, as reported in ``found`` / ``stripped``.
JAVASCRIPT = "javascript"
OPEN_ACTION = "open_action"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
ACTIVE_KINDS = (JAVASCRIPT, OPEN_ACTION, LAUNCH, EMBEDDED_FILE)

# Filters decoded to look for decompression bombs; image codecs are passed through by pypdf
# anyway, and JBIG2 would need an external binary, which the child never runs.
_DECODED_FILTERS = frozenset({
    "/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx",
    "/ASCII85Decode", "/A85", "/RunLengthDecode", "/RL", "/DCTDecode", "/DCT",
    "/JPXDecode", "/CCITTFaxDecode", "/CCF",
})
# Action types that reach outside the document: run a program, open or import another file,
# send form data away. All are reported as LAUNCH.
_LAUNCH_ACTIONS = frozenset({"/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm"})
# URI schemes that run code in the reader's browser or viewer instead of opening a page.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


def _limit_self(limits: dict) -> None:
    """Cap this process before it touches input: an over-limit parse dies, not the host."""
    import resource

    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    out = int(limits["max_bytes"]) * 2 + 1_000_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    files = int(limits.get("open_files", 32))  # a converter opens far more than a parse
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))


def _configure_pypdf(limits: dict) -> None:
    """Tighten pypdf's own decoding limits and forbid it from running jbig2dec."""
    import pypdf

    cap = int(limits["max_stream_bytes"])
    pypdf.overwrite_configuration(
        maximum_declared_stream_length=cap,
        array_based_stream_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        image_maximum_buffer_size=cap,
        jbig2dec_binary=None,
        disable_legacy_handling=True,
    )


def _is_script_uri(uri: object) -> bool:
    """``javascript:`` and its kin, as a browser reads them: case and blanks do not matter."""
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    if not isinstance(uri, str):
        return False
    # Browsers drop ASCII whitespace and control characters anywhere in a URL's scheme.
    folded = "".join(ch for ch in uri if ord(ch) > 0x20 and ch != "\x7f").lower()
    return folded.startswith(_SCRIPT_SCHEMES)


def _action_kinds(action: dict, *, is_open_action: bool) -> set[str]:
    kind = action.get("/S")
    kinds = set()
    if kind == "/JavaScript" or "/JS" in action:
        kinds.add(JAVASCRIPT)
    if kind == "/URI" and _is_script_uri(action.get("/URI")):
        kinds.add(JAVASCRIPT)
    if kind in _LAUNCH_ACTIONS:
        kinds.add(LAUNCH)
    if is_open_action and kind not in (None, "/GoTo"):
        kinds.add(OPEN_ACTION)
    return kinds


def _neutralise_action(action: dict) -> None:
    """Turn an action dictionary into an inert one, wherever else it is referenced from."""
    for key in ("/S", "/JS", "/URI", "/F", "/Win", "/Mac", "/Unix", "/Next"):
        action.pop(key, None)


def _inspect_dict(obj: dict, *, strip: bool) -> set[str]:
    """Report (and with ``strip`` remove) the active content held directly by one dictionary."""
    from pypdf.generic import ArrayObject, DictionaryObject

    found: set[str] = set()
    open_action = obj.get("/OpenAction")
    if open_action is not None:
        # A destination array (open at page N) is harmless; an action dictionary may not be.
        target = open_action.get_object()
        if isinstance(target, DictionaryObject):
            kinds = _action_kinds(target, is_open_action=True)
            found |= kinds
            if kinds and strip:
                del obj["/OpenAction"]
    additional = obj.get("/AA")
    if additional is not None:
        # Additional actions fire on their own (page open, field focus): all of them go.
        found.add(OPEN_ACTION)
        for action in dict(additional.get_object()).values():
            if isinstance(action.get_object(), DictionaryObject):
                found |= _action_kinds(action.get_object(), is_open_action=False)
        if strip:
            del obj["/AA"]
    kinds = _action_kinds(obj, is_open_action=False)
    if kinds:
        found |= kinds
        if strip:
            _neutralise_action(obj)
    for key, kind in (("/JavaScript", JAVASCRIPT), ("/EmbeddedFiles", EMBEDDED_FILE),
                      ("/XFA", JAVASCRIPT), ("/EF", EMBEDDED_FILE)):
        if key in obj:
            found.add(kind)
            if strip:
                del obj[key]
    if obj.get("/Type") == "/EmbeddedFile" or obj.get("/Subtype") == "/FileAttachment":
        found.add(EMBEDDED_FILE)
    annots = obj.get("/Annots")
    if strip and annots is not None and isinstance(annots.get_object(), ArrayObject):
        array = annots.get_object()
        keep = [a for a in array if a.get_object().get("/Subtype") != "/FileAttachment"]
        if len(keep) != len(array):
            found.add(EMBEDDED_FILE)
            array[:] = keep
    return found


def _walk(document, *, strip: bool, decode: bool, limits: dict) -> set[str]:
    """Visit every object reachable from the trailer, without recursion.

    Resolving each object parses the whole file (not just the page tree), and decoding each
    stream trips pypdf's output caps on a decompression bomb.
    """
    from pypdf.filters import decode_stream_data
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    budget = int(limits["max_decoded_bytes"])
    max_depth = int(limits["max_nesting"])
    stack: list = [(document.root_object, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item, depth = item.get_object(), 0
        if depth > max_depth:
            # pypdf copies objects recursively (PdfWriter.clone), so what cannot be copied
            # later in the web process is refused now.
            raise _BudgetExceededError(f"objects nested deeper than {max_depth}")
        if isinstance(item, DictionaryObject):
            found |= _inspect_dict(item, strip=strip)
            stack.extend((value, depth + 1) for value in item.values())
            if decode and isinstance(item, StreamObject):
                filters = item.get("/Filter")
                filters = filters.get_object() if filters is not None else ArrayObject()
                names = [filters] if isinstance(filters, str) else list(filters)
                if names and all(name in _DECODED_FILTERS for name in names):
                    budget -= len(decode_stream_data(item))
                    if budget < 0:
                        raise _BudgetExceededError("decoded streams exceed max_decoded_bytes")
        elif isinstance(item, ArrayObject):
            stack.extend((v, depth + 1) for v in item)
    return found


class _BudgetExceededError(Exception):
    """The file needs more work than the limits allow (decoded bytes, nesting depth)."""


def _refuse(code: str, detail: str = "", **extra: object) -> dict:
    return {"ok": False, "code": code, "detail": detail[:300], **extra}


def _check(data: bytes, mode: str, out_path: str | None, limits: dict) -> dict:
    """Parse, count pages, walk every object; in ``sanitize`` mode write a stripped copy."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data), strict=False)
    encrypted = reader.is_encrypted
    if encrypted:
        try:
            if not reader.decrypt(""):
                return _refuse(ENCRYPTED, "a password is required")
        except FileNotDecryptedError as exc:
            return _refuse(ENCRYPTED, str(exc))
    pages = len(reader.pages)
    if pages < 1:
        return _refuse(NO_PAGES, page_count=0)
    if pages > int(limits["max_pages"]):
        return _refuse(TOO_MANY_PAGES, page_count=pages)
    found = _walk(reader, strip=False, decode=True, limits=limits)
    # Watermarking and packets copy the document with pypdf in the web process; copying it
    # here first means a file that would break that copy (say, a chain of references too long
    # for pypdf's recursive clone) is refused now, in the child.
    writer = PdfWriter(clone_from=reader)
    result = {"ok": True, "code": OK, "page_count": pages, "found": sorted(found),
              "stripped": [], "encrypted": encrypted, "title": _title(reader)}
    if mode == "check" and found:
        return _refuse(ACTIVE_CONTENT, ", ".join(sorted(found)), page_count=pages,
                       found=sorted(found), encrypted=encrypted)
    if mode == "sanitize" and (found or encrypted):
        stripped = _walk(writer, strip=True, decode=False, limits=limits)
        left = _walk(writer, strip=False, decode=False, limits=limits)
        if left:  # never hand back a copy that still holds what we meant to remove
            return _refuse(ACTIVE_CONTENT, "could not strip " + ", ".join(sorted(left)),
                           page_count=pages, found=sorted(found), encrypted=encrypted)
        # Stripped actions and files would otherwise stay in the output as orphan objects.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        with open(out_path, "wb") as out:
            writer.write(out)
        result["stripped"] = sorted(stripped)
        result["rewritten"] = True
    if mode == "sanitize" and limits.get("linearize") and (
            result.get("rewritten") or not _is_signed(reader)):
        source = out_path if result.get("rewritten") else data
        if _linearize(source, out_path, already_rewritten=bool(result.get("rewritten"))):
            result["rewritten"] = result["linearized"] = True
    return result


def _is_signed(reader) -> bool:
    """A signed file (SigFlags "signatures exist", or DocMDP /Perms) must stay byte for byte."""
    try:
        root = reader.trailer["/Root"].get_object()
        form = root.get("/AcroForm")
        flags = form.get_object().get("/SigFlags", 0) if form is not None else 0
        return "/Perms" in root or bool(int(flags) & 1)
    except Exception:  # noqa: BLE001 - a form we cannot read may hold a signature: keep it
        return True


def _linearize(source, out_path: str, *, already_rewritten: bool) -> bool:
    """Rewrite the file linearised (qpdf, through pikepdf), so a viewer shows page 1 from its
    first bytes; return False when it was linearised already or pikepdf is missing.

    Streams are copied as they are (qpdf only recompresses on request), so a scan's images
    are not decoded: a 47 MB, 300-page scan takes about 0.2 s.
    """
    import io
    import os

    try:
        import pikepdf
    except ImportError:  # an install without it stores files as they came
        return False
    try:
        with pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
            if pdf.is_linearized and not already_rewritten:
                return False
            # deterministic_id: the same upload gives the same bytes, so it is stored once
            pdf.save(out_path + ".lin", linearize=True, deterministic_id=True)
    except pikepdf.PdfError:  # pypdf read it, qpdf cannot write it: store it as it is
        if os.path.exists(out_path + ".lin"):
            os.unlink(out_path + ".lin")
        return False
    os.replace(out_path + ".lin", out_path)
    return True


def _title(reader) -> str:
    """The document's own /Title, if it has a usable one (a damaged Info is no title)."""
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # noqa: BLE001 - a broken Info dictionary only costs the title
        return ""
    return " ".join(str(title).split())[:300] if title else ""


def _convert(limits: dict, in_path: str, out_dir: str, converter: str) -> dict:
    """Run LibreOffice on one office file, already under this process's limits.

    LibreOffice inherits them (CPU, address space, file size, open files) and an environment
    with nothing but a throw-away HOME, which also holds its user profile; it runs in its own
    session so that on a timeout the whole group (oosplash and soffice.bin) is killed.
    """
    import os
    import signal
    import subprocess

    home = os.path.join(out_dir, "home")
    os.mkdir(home, 0o700)
    command = [converter, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation=file://{home}/profile",
               "--convert-to", "pdf", "--outdir", out_dir, in_path]
    # The converter's path comes from the parent (shutil.which), the arguments are ours.
    proc = subprocess.Popen(command, cwd=out_dir,  # noqa: S603 env={"HOME": home, "PATH": "/usr/bin:/bin"},
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=float(limits["wall_clock_seconds"]))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return _refuse(TIMEOUT, "converter wall-clock limit")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # nothing of it may outlive the conversion
        except ProcessLookupError:
            pass
    result = os.path.join(out_dir, os.path.splitext(os.path.basename(in_path))[0] + ".pdf")
    if proc.returncode != 0 or not os.path.exists(result):
        return _refuse(CHECK_FAILED, f"converter exit {proc.returncode}: "
                                     f"{stderr.decode('utf-8', 'replace')[-200:]}")
    return {"ok": True, "code": OK, "pdf": result}


def _classify(exc: BaseException) -> str:
    """Resource exhaustion (even when pypdf wrapped it in its own error) is "too complex"."""
    from pypdf.errors import LimitReachedError

    seen: BaseException | None = exc
    for _ in range(20):
        if seen is None:
            break
        if isinstance(seen, (RecursionError, MemoryError, LimitReachedError, _BudgetExceededError)):
            return TOO_COMPLEX
        seen = seen.__cause__ or seen.__context__
    return MALFORMED


def main(argv: list[str]) -> int:
    mode, limits = argv[1], json.loads(argv[2])
    _limit_self(limits)
    if mode == "convert":
        try:
            result = _convert(limits, argv[3], argv[4], argv[5])
        except Exception as exc:  # a converter that cannot start is a refusal, not a trace
            result = _refuse(CHECK_FAILED, f"{type(exc).__name__}: {exc}")
        sys.stdout.write(json.dumps(result))
        sys.stdout.flush()
        return 0
    in_path = argv[3] if len(argv) > 3 else "-"
    out_path = argv[4] if len(argv) > 4 else None
    try:
        if in_path == "-":
            data = sys.stdin.buffer.read(int(limits["max_bytes"]) + 1)
        else:
            with open(in_path, "rb") as handle:
                data = handle.read(int(limits["max_bytes"]) + 1)
        if not data:
            result = _refuse(EMPTY)
        elif len(data) > int(limits["max_bytes"]):
            result = _refuse(TOO_LARGE)
        elif not data.startswith(b"%PDF-"):
            result = _refuse(NOT_PDF)
        else:
            _configure_pypdf(limits)
            result = _check(data, mode, out_path, limits)
    except Exception as exc:  # any failure to parse hostile input is a refusal
        result = _refuse(_classify(exc), f"{type(exc).__name__}: {exc}")
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
