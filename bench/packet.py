"""Measure the figures of the meetings & documents issue: packet building and upload checking.

    .venv/bin/python bench/packet.py [--repeat N] [--json PATH]

packet_300p_s   a watermarked packet of 10 text documents of 30 pages, for one delegate
packet_1200p_s  the same with 40 documents (1200 pages)
check_300p_s    validate_pdf on a 300-page upload, child process included
healthz_under_packets_ms  slowest /healthz of a real `ecabinet run` while a real `ecabinet
                worker` builds 7 delegates' demo packets at once (--no-server skips it)

Each figure is the median of N runs (default 5) after one warm-up run, so module imports and
the first font load are not counted; the stamp itself (rendered per call) is. A full garbage
collection runs before each timed run (outside the timing), so that a collection of the
previous run's objects does not land in the next one; without it the 300-page figure varies
between 0.10 and 0.28 s here. The documents are generated here with fpdf2, so the script needs
nothing but the virtualenv and the Noto font.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecabinet.demo.documents import plain_text_pdf  # noqa: E402
from ecabinet.documents.packet import AgendaEntry, PacketDocument, build_packet  # noqa: E402
from ecabinet.documents.pdfcheck import validate_pdf  # noqa: E402

STAMP = ["Nguyễn Văn An · daibieu01 · 25/11/2026 14:30"]
CEILINGS = {"packet_300p_s": 0.25, "packet_1200p_s": 1.0, "check_300p_s": 1.0,
            "healthz_under_packets_ms": 100.0}


def healthz_under_packets_ms() -> float:
    """Slowest /healthz (ms) while seven delegates' packets build in a real worker."""
    import concurrent.futures
    import http.cookiejar
    import re
    import subprocess
    import tempfile
    import urllib.parse
    import urllib.request

    from tests.conftest import DEMO_PASSWORD
    from tests.e2e.conftest import LiveServer

    with tempfile.TemporaryDirectory(prefix="bench-packet-") as tmp:
        server = LiveServer(Path(tmp)).start()
        worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker"], env=server.env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def opener(username):
                jar = urllib.request.build_opener(
                    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
                page = jar.open(server.url + "/login").read().decode()
                token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
                jar.open(server.url + "/login", data=urllib.parse.urlencode(
                    {"username": username, "password": DEMO_PASSWORD,
                     "csrf_token": token}).encode()).read()
                return jar

            readers = [opener(f"daibieu0{n}") for n in range(1, 8)]
            home = readers[0].open(server.url + "/").read().decode()
            meeting_id = re.search(r"/meetings/(\d+)", home).group(1)
            url = f"{server.url}/meetings/{meeting_id}/packet"

            def ask(jar):
                request = urllib.request.Request(  # noqa: S310 - our own http:// server
                    url, headers={"Accept": "application/json"})
                return jar.open(request).status

            def all_ready() -> bool:
                return all(json.loads(jar.open(url + "/status").read())["state"] == "ready"
                           for jar in readers)

            with concurrent.futures.ThreadPoolExecutor(len(readers)) as pool:
                list(pool.map(ask, readers))
            latencies, deadline = [], time.monotonic() + 120
            while time.monotonic() < deadline:
                started = time.perf_counter()
                urllib.request.urlopen(server.url + "/healthz", timeout=5).read()  # noqa: S310
                latencies.append(time.perf_counter() - started)
                if len(latencies) % 10 == 0 and all_ready():
                    break
                time.sleep(0.02)
            return max(latencies) * 1000
        finally:
            worker.terminate()
            worker.wait(timeout=20)
            server.stop()


def agenda(documents: list[bytes]) -> list[AgendaEntry]:
    """Two documents per agenda item, as a typical meeting has."""
    return [
        AgendaEntry(f"{n // 2 + 1}. Nội dung số {n // 2 + 1}", [
            PacketDocument(f"Tài liệu {n + 1}", documents[n]),
            PacketDocument(f"Tài liệu {n + 2}", documents[n + 1]),
        ])
        for n in range(0, len(documents), 2)
    ]


def median_seconds(run, repeat: int) -> float:
    run()  # warm-up: imports, font parsing, page caches of the OS
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--no-server", action="store_true",
                        help="skip the figure that needs a real server and worker")
    args = parser.parse_args()

    documents = [plain_text_pdf(30, f"Document {n + 1}") for n in range(40)]
    items_300, items_1200 = agenda(documents[:10]), agenda(documents)
    upload = plain_text_pdf(300, "Upload")

    def check() -> None:
        assert validate_pdf(upload).page_count == 300

    figures = {
        "packet_300p_s": median_seconds(lambda: build_packet(items_300, STAMP), args.repeat),
        "packet_1200p_s": median_seconds(lambda: build_packet(items_1200, STAMP), args.repeat),
        "check_300p_s": median_seconds(check, args.repeat),
    }
    if not args.no_server:
        figures["healthz_under_packets_ms"] = healthz_under_packets_ms()
    print(f"{'figure':<26}{'measured':>10}{'ceiling':>10}  verdict")
    for name, value in figures.items():
        verdict = "ok" if value <= CEILINGS[name] else "OVER"
        print(f"{name:<26}{value:>10.3f}{CEILINGS[name]:>10.2f}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2)
                             + "\n")
    return 0 if all(figures[k] <= CEILINGS[k] for k in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
