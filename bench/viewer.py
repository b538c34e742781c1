"""Measure the large-document figures of the reading issue on a real server and browser.

    .venv/bin/python bench/viewer.py [--ranges N] [--json PATH] [--no-browser]

A 300-page scanned-style PDF of about 47 MB (each page one incompressible noise image, made
deterministically and cached under the system's temporary folder) is uploaded as ``thuky``
through the upload form of a real ``ecabinet run`` on the demo data, like a real upload
(checked and linearised in the limited child, sealed in segments). Then, as delegates:

upload_47mb_s             the upload's POST, check, linearisation and storage included
reader_copy_first_byte_ms first 64 KiB of a delegate's copy that does not exist yet: the
                          per-reader stamp update is made inside this request
range_64k_ms              median of N 64 KiB Range requests at offsets spread over the file,
                          each range asked for the first time (not in any cache of ours)
range_64k_warm_ms         the same ranges asked again
range_64k_server_cpu_ms   CPU time the server spent per warm range (user + system): what a
                          range costs whatever else the machine is doing
range_64k_copy_only_ms    the same reads in-process, without HTTP, sign-in and loading: the
                          reader copy and the storage alone
first_page_scan_cold_s    Chromium, a new profile (empty cache), a delegate whose copy does
                          not exist yet: from navigation to page 1 drawn (data-rendered);
                          the median of three delegates
first_page_from_file_s    of that, from the viewer's first request for the file to page 1
                          drawn (before it: the viewer's page and viewer/opening.js; the
                          viewer's modules and PDF.js's worker load beside the file)
first_page_scan_second_s  the same delegates, a new profile again: their copies exist now

Two ways to make a reader's copy are measured in-process on the same linearised file:
rewrite_whole_s           (a) watermark_pdf: every page stamped, the 47 MB file written anew
                          per reader, which must be whole before a viewer can use its xref
update_plan_s             (b) plan_update: what every reader's update shares (pages,
                          content forms), made once per version at upload
update_stamp_s            (b) stamp_update: one reader's incremental update appended to the
                          shared file (its size is printed too); the copy's first bytes are
                          the stored file's
The range figure of the old storage (one AES-GCM seal over the whole file, decrypted for
every range) is printed as ``range_64k_whole_seal_ms`` for comparison.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import io
import json
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path(tempfile.gettempdir()) / "ecabinet-bench"
PAGES, SIDE, SEED = 300, 400, 18
STAMP = ["Nguyễn Văn An · daibieu01 · 25/11/2026 14:30"]
CEILINGS = {"range_64k_ms": 20.0, "range_64k_warm_ms": 20.0, "first_page_scan_cold_s": 1.5,
            "first_page_scan_second_s": 1.5, "reader_copy_first_byte_ms": 1000.0}
RANGE = 64 * 1024


def scan_pdf() -> bytes:
    """The 300-page scan, made once (about 2 s) and kept in the temporary folder."""
    path = CACHE / f"scan-{PAGES}p-{SIDE}px-{SEED}.pdf"
    if path.exists():
        return path.read_bytes()
    from tests.documents.conftest import assemble, stream

    rng = random.Random(SEED)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    for n in range(PAGES):
        page, content, image = 4 + 3 * n, 5 + 3 * n, 6 + 3 * n
        kids.append(page)
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                         b"<< /XObject << /Im0 %d 0 R >> /Font << /F1 3 0 R >> >> "
                         b"/Contents %d 0 R >>" % (image, content))
        objects[content] = stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q BT /F1 28 Tf 60 790 Td "
                                  b"(Trang %d) Tj ET" % (n + 1))
        objects[image] = stream(zlib.compress(rng.randbytes(SIDE * SIDE), 1),
                                b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                b"/ColorSpace /DeviceGray /BitsPerComponent 8 "
                                b"/Filter /FlateDecode" % (SIDE, SIDE))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), PAGES)
    data = assemble(objects, header=b"%PDF-1.4\n")
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


# ---- HTTP as a browser would ------------------------------------------------------------

class Session:
    """A signed-in user of the live server: cookies, and a CSRF token from each page."""

    def __init__(self, base: str, username: str) -> None:
        from tests.conftest import DEMO_PASSWORD

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = self._token(self.get("/login"))
        self.opener.open(base + "/login", data=urllib.parse.urlencode({
            "username": username, "password": DEMO_PASSWORD,
            "csrf_token": self.token}).encode()).read()

    @staticmethod
    def _token(page: str) -> str:
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def upload(self, path: str, filename: str, data: bytes) -> float:
        """POST one file as the upload form does; return the seconds it took."""
        token = self._token(self.get("/"))
        boundary = f"----bench{random.getrandbits(64):016x}"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            self.base + path, data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        started = time.perf_counter()
        self.opener.open(request).read()
        return time.perf_counter() - started


def ranged_ms(port: int, cookie: str, url: str, offsets: list[int]) -> list[float]:
    """Each 64 KiB range on one kept-alive connection, as PDF.js asks for them; in ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for offset in offsets:
        started = time.perf_counter()
        conn.request("GET", url, headers={"Cookie": cookie,
                                          "Range": f"bytes={offset}-{offset + RANGE - 1}"})
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 206 and len(body) == RANGE, (response.status, len(body))
    conn.close()
    return times


def first_page_s(base: str, username: str, document_id: int) -> tuple[float, int, float]:
    """Seconds from navigation to page 1 drawn, in a new Chromium profile; the requests of the
    file; the seconds from the first of them to page 1 drawn (the rest is the viewer's start:
    its page, modules and PDF.js worker)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import DEMO_PASSWORD
    from tests.e2e.conftest import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("section.panel button[type=submit]")
        page.wait_for_load_state()
        files = []
        page.on("request", lambda r: files.append(time.perf_counter()) if "/file" in r.url
                else None)
        started = time.perf_counter()
        page.goto(f"{base}/documents/{document_id}")
        page.locator("[data-page-number='1'][data-rendered='true'] canvas").first.wait_for()
        drawn = time.perf_counter()
        browser.close()
    return drawn - started, len(files), drawn - files[0]


# ---- in-process: the two ways to make a copy, and the old storage ----------------------

def copy_options(linearised: bytes) -> dict[str, float]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ecabinet.documents.stamp_update import plan_update, stamp_update
    from ecabinet.documents.watermark import watermark_pdf

    figures = {}
    started = time.perf_counter()
    whole = watermark_pdf(linearised, STAMP)
    figures["rewrite_whole_s"] = time.perf_counter() - started
    figures["rewrite_whole_mb"] = len(whole) / 1e6
    started = time.perf_counter()
    plan = plan_update(io.BytesIO(linearised), len(linearised))
    figures["update_plan_s"] = time.perf_counter() - started
    times = []
    for _ in range(5):
        started = time.perf_counter()
        tail = stamp_update(plan, len(linearised), STAMP)
        times.append(time.perf_counter() - started)
    figures["update_stamp_s"] = statistics.median(times)
    figures["update_append_kb"] = len(tail) / 1e3
    key, nonce = AESGCM.generate_key(bit_length=256), b"\x00" * 12
    sealed = nonce + AESGCM(key).encrypt(nonce, linearised, b"name")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        AESGCM(key).decrypt(sealed[:12], sealed[12:], b"name")[1_000_000:1_000_000 + RANGE]
        times.append((time.perf_counter() - started) * 1000)
    figures["range_64k_whole_seal_ms"] = statistics.median(times)
    return figures


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_range_ms(server, document_id: int, offsets: list[int]) -> float:
    """Median ms of one 64 KiB read of a delegate's copy in-process (no HTTP, no sign-in):
    open the copy (its update cached), seek, read; what the file route costs beyond its
    loading and authorising."""
    from ecabinet import create_app
    from ecabinet.accounts.models import User
    from ecabinet.documents import service
    from ecabinet.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": server.database_url,
                      "INSTANCE_PATH": str(server.tmp_path / "instance"), "REDIS_URL": None})
    with app.app_context():
        document = service.get_document(document_id)
        user = db.session.execute(db.select(User).filter_by(username="daibieu01")).scalar_one()
        times = []
        for offset in offsets:
            started = time.perf_counter()
            _, stream = service.open_reader_copy(document, user)
            with stream:
                stream.seek(offset)
                assert len(stream.read(RANGE)) == RANGE
            times.append((time.perf_counter() - started) * 1000)
        db.session.remove()
        db.engine.dispose()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ranges", type=int, default=60, help="range requests to time")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    args = parser.parse_args()

    from ecabinet.documents.pdfcheck import sanitize_pdf
    from tests.e2e.conftest import LiveServer

    data = scan_pdf()
    figures: dict[str, float] = {"file_mb": len(data) / 1e6}
    figures.update(copy_options(sanitize_pdf(data, linearize=True).pdf))
    with tempfile.TemporaryDirectory(prefix="bench-viewer-") as tmp:
        server = LiveServer(Path(tmp)).start()
        try:
            reader = Session(server.url, "daibieu01")
            meeting_id = re.search(r"/meetings/(\d+)", reader.get("/")).group(1)
            secretary = Session(server.url, "thuky")
            figures["upload_47mb_s"] = secretary.upload(f"/meetings/{meeting_id}/documents",
                                                        "Hồ sơ quét 300 trang.pdf", data)
            from sqlalchemy import create_engine, text

            engine = create_engine(server.database_url)
            with engine.connect() as conn:
                document_id = conn.execute(text(
                    "SELECT id FROM documents ORDER BY id DESC LIMIT 1")).scalar_one()
            engine.dispose()
            url = f"/documents/{document_id}/file"
            cookie = reader.cookie_header()
            figures["reader_copy_first_byte_ms"] = ranged_ms(server.port, cookie, url, [0])[0]
            size = len(data)  # the copy is a little longer (linearised, plus the update)
            rng = random.Random(1)
            offsets = sorted(rng.randrange(RANGE, size - 2 * RANGE) for _ in range(args.ranges))
            figures["range_64k_ms"] = statistics.median(
                ranged_ms(server.port, cookie, url, offsets))
            cpu = cpu_seconds(server.process.pid)
            figures["range_64k_warm_ms"] = statistics.median(
                ranged_ms(server.port, cookie, url, offsets))
            figures["range_64k_server_cpu_ms"] = (
                (cpu_seconds(server.process.pid) - cpu) * 1000 / len(offsets))
            figures["range_64k_copy_only_ms"] = copy_range_ms(server, document_id, offsets)
            if not args.no_browser:
                readers = ["daibieu02", "daibieu03", "daibieu04"]
                cold = [first_page_s(server.url, name, document_id) for name in readers]
                figures["first_page_scan_cold_s"] = statistics.median(c[0] for c in cold)
                figures["first_page_file_requests"] = statistics.median(c[1] for c in cold)
                figures["first_page_from_file_s"] = statistics.median(c[2] for c in cold)
                figures["first_page_scan_second_s"] = statistics.median(
                    first_page_s(server.url, name, document_id)[0] for name in readers)
        finally:
            server.stop()
    print(f"{'figure':<28}{'measured':>10}{'ceiling':>10}  verdict")
    for name, value in figures.items():
        ceiling = CEILINGS.get(name)
        verdict = "" if ceiling is None else ("ok" if value <= ceiling else "OVER")
        limit = "" if ceiling is None else f"{ceiling:.1f}"
        print(f"{name:<28}{value:>10.3f}{limit:>10}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2)
                             + "\n")
    return 0 if all(figures[k] <= c for k, c in CEILINGS.items() if k in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
