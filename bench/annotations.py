"""Measure the annotation figures of issue 18: saving, exporting and re-anchoring.

    .venv/bin/python bench/annotations.py [--annotators 100] [--saves 10] [--pause 5]
        [--database sqlite|postgres] [--repeat 3] [--json PATH]

annotation_save_p99_ms  p99 round trip of POST /documents/<id>/annotations (committed, pushed
                        to the user's room) while N annotators (default 100, each signed in
                        as a different delegate) work at once, each saving `--saves` notes
                        with a random pause before each (`--pause`, 5 s on average: a reader
                        marking a passage every few seconds; 20 saves a second offered by
                        100 of them), against a real `ecabinet run` (gevent)
annotation_save_socket_p99_ms  the same saves over the /live socket (`annotation_save`),
                        each annotator's tablet connected as in a meeting
annotation_save_burst_p99_ms  for information: the same with no pause at all, every
                        annotator firing its next save as soon as the last is answered
export_300p_500n_s      GET /documents/<id>/annotated.pdf of a 300-page document carrying 500
                        annotations of the reader (40% highlights, 20% each free text, ink,
                        notes), the reader's watermarked copy already made (median)
reanchor_500_s          carrying 500 annotations (of 100 readers) onto version 2 of that
                        document, page texts already extracted at upload (median)
reanchor_placed_ratio   share carried automatically (exact or fuzzy) when 10% of the passages
                        changed (half rewritten whole, half one word changed) and a line was
                        added on top of every page (so every annotation moves)
page_text_300p_s        for information: extracting the 300 page texts of a version with
                        pypdf in the limited child (done once per version, in the background)

Everything runs in a fresh database (SQLite file, or PostgreSQL with --database postgres
and DATABASE_URL naming the server) in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.vote_world import (  # noqa: E402
    PASSWORD,
    ServerProcess,
    build_vote_world,
    drop_postgres,
    fresh_postgres,
    make_app,
)
from tests.annotations.pdfs import make_pages, passage  # noqa: E402

CEILINGS = {"annotation_save_p99_ms": 100.0, "annotation_save_socket_p99_ms": 100.0,
            "annotation_save_burst_p99_ms": None,
            "export_300p_500n_s": 1.0,
            "reanchor_500_s": 2.0, "reanchor_placed_ratio": None, "page_text_300p_s": None}
PAGES, PER_PAGE, NOTES = 300, 8, 500
KINDS = ["highlight"] * 4 + ["freetext"] * 2 + ["ink"] * 2 + ["note"] * 2


def _note(page: int, index: int, kind: str) -> dict:
    y = 780 - index * 30
    return {"client_id": str(uuid.uuid4()), "kind": kind, "page": page,
            "rects": [[85.0, y, 500.0, y + 14]], "quote": passage(page, index),
            "color": "#ffd400", "comment": f"Ghi chú {page}.{index}: cần làm rõ số liệu",
            "paths": [[100.0, y, 150.0, y + 10, 200.0, y]] if kind == "ink" else [],
            "data": {"annotationType": 9, "pageIndex": page - 1, "rect": [85, y, 500, y + 14]}}


def _spots(count: int, rng: random.Random) -> list[tuple[int, int]]:
    every = [(p, i) for p in range(1, PAGES + 1) for i in range(PER_PAGE)]
    return rng.sample(every, count)


def _median_seconds(run, repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_process(world, args) -> dict:
    """Export and re-anchoring, inside the app (the bench's own app context)."""
    from flask import current_app
    from sqlalchemy import delete, select

    from ecabinet.accounts.models import User
    from ecabinet.annotations import pagetext, reanchor
    from ecabinet.annotations.models import Annotation, VersionText
    from ecabinet.annotations.schemas import parse_annotation
    from ecabinet.annotations.service import save_annotation
    from ecabinet.documents import service as documents
    from ecabinet.documents import version_hooks
    from ecabinet.documents.service import UploadedFile
    from ecabinet.extensions import db
    from ecabinet.meetings import service as meetings

    rng = random.Random(18)
    meeting = meetings.get_meeting(world.meeting_id)
    document = documents.upload_documents(meeting, [UploadedFile(
        "Bao cao 300 trang.pdf", make_pages(PAGES, PER_PAGE))], actor=None).accepted[0].document
    users = list(db.session.execute(select(User).where(User.username.in_(
        world.voters[:args.annotators]))).scalars())
    reader = users[0]
    for n, (page, index) in enumerate(_spots(NOTES, rng)):
        save_annotation(document, reader, parse_annotation(_note(page, index, KINDS[n % 10])))

    client = current_app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)[1]
    client.post("/login", data={"username": reader.username, "password": PASSWORD,
                                "csrf_token": token})

    def export() -> None:
        response = client.get(f"/documents/{document.id}/annotated.pdf")
        assert response.status_code == 200, response.status_code

    figures = {"export_300p_500n_s": _median_seconds(export, args.repeat)}

    # Version 2: 10% of the passages changed, half rewritten, half nudged; a line on top.
    changed = _spots(PAGES * PER_PAGE // 10, rng)
    rewritten, nudged = frozenset(changed[::2]), frozenset(changed[1::2])
    # 500 annotations of 100 readers on version 1 (the reader's 500 above are replaced).
    db.session.execute(delete(Annotation))
    db.session.commit()
    spots = _spots(NOTES, rng)
    for n, (page, index) in enumerate(spots):
        save_annotation(document, users[n % len(users)],
                        parse_annotation(_note(page, index, KINDS[n % 10])))
    hooks, version_hooks._HOOKS = version_hooks._HOOKS, {}  # carry by hand, timed below
    try:
        documents.replace_document(document, UploadedFile("Bao cao v2.pdf", make_pages(
            PAGES, PER_PAGE, changed=rewritten, fuzzy=nudged, preface=True)), actor=None)
    finally:
        version_hooks._HOOKS = hooks
    first, second = document.versions
    pagetext.version_texts(first)
    started = time.perf_counter()
    pagetext.version_texts(second)
    figures["page_text_300p_s"] = time.perf_counter() - started
    assert db.session.get(VersionText, second.id).ok

    reports = []

    def carry() -> None:
        db.session.execute(delete(Annotation).where(Annotation.version_id == second.id))
        db.session.commit()
        gc.collect()
        reports.append(reanchor.carry_over(document))

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        carry()
        times.append(time.perf_counter() - started)
    report = reports[-1]
    assert report.total == NOTES, report
    figures["reanchor_500_s"] = statistics.median(times)
    figures["reanchor_placed_ratio"] = (report.placed + report.fuzzy) / report.total
    expected_lost = sum(1 for spot in spots if spot in rewritten)
    print(f"re-anchoring: {report.placed} exact, {report.fuzzy} fuzzy, {report.unplaced} "
          f"unplaced ({expected_lost} quoted a rewritten passage)")
    figures["_document_id"] = document.id
    return figures


async def save_round_trips(server: ServerProcess, usernames, document_id: int,
                           saves: int, pause: float) -> list[float]:
    import aiohttp

    async def sign_in(http, username: str) -> str:
        async with http.get(server.url + "/login") as response:
            token = re.search(r'name="csrf-token" content="([^"]+)"', await response.text())[1]
        async with http.post(server.url + "/login", allow_redirects=False, data={
                "username": username, "password": PASSWORD, "csrf_token": token}) as response:
            assert response.status == 302, (username, response.status)
        async with http.get(server.url + "/notes") as response:
            return re.search(r'name="csrf-token" content="([^"]+)"', await response.text())[1]

    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
                for _ in usernames]
    try:
        tokens = await asyncio.gather(*(sign_in(h, u) for h, u in zip(sessions, usernames,
                                                                       strict=True)))
        start = asyncio.Event()
        url = f"{server.url}/documents/{document_id}/annotations"

        async def annotator(http, token: str, seed: int) -> list[float]:
            rng = random.Random(seed)
            await start.wait()
            took = []
            for _ in range(saves):
                if pause:
                    await asyncio.sleep(rng.uniform(0, 2 * pause))
                page, index = rng.randrange(1, PAGES + 1), rng.randrange(PER_PAGE)
                body = _note(page, index, rng.choice(KINDS))
                started = time.perf_counter()
                async with http.post(url, json=body, headers={"X-CSRFToken": token}) as reply:
                    await reply.read()
                    assert reply.status == 201, reply.status
                took.append((time.perf_counter() - started) * 1000)
            return took

        tasks = [asyncio.create_task(annotator(h, t, n))
                 for n, (h, t) in enumerate(zip(sessions, tokens, strict=True))]
        await asyncio.sleep(0.2)
        start.set()
        return [ms for result in await asyncio.gather(*tasks) for ms in result]
    finally:
        await asyncio.gather(*(h.close() for h in sessions))


async def socket_round_trips(server: ServerProcess, usernames, meeting_id: int,
                             document_id: int, saves: int, pause: float) -> list[float]:
    from bench.vote_clients import Voter

    tablets = [Voter(username, server.url, PASSWORD) for username in usernames]
    try:
        await asyncio.gather(*(t.sign_in() for t in tablets))
        await asyncio.gather(*(t.connect(meeting_id) for t in tablets))
        start = asyncio.Event()

        async def annotator(tablet, seed: int) -> list[float]:
            rng = random.Random(seed)
            await start.wait()
            took = []
            for _ in range(saves):
                if pause:
                    await asyncio.sleep(rng.uniform(0, 2 * pause))
                page, index = rng.randrange(1, PAGES + 1), rng.randrange(PER_PAGE)
                body = _note(page, index, rng.choice(KINDS))
                started = time.perf_counter()
                ack = await tablet.call("annotation_save", {"document_id": document_id,
                                                            "annotation": body})
                assert ack.get("outcome") == "created", ack
                took.append((time.perf_counter() - started) * 1000)
            return took

        tasks = [asyncio.create_task(annotator(t, 1000 + n)) for n, t in enumerate(tablets)]
        await asyncio.sleep(0.2)
        start.set()
        return [ms for result in await asyncio.gather(*tasks) for ms in result]
    finally:
        await asyncio.gather(*(t.close() for t in tablets))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annotators", type=int, default=100)
    parser.add_argument("--saves", type=int, default=10, help="notes each annotator saves")
    parser.add_argument("--pause", type=float, default=5.0,
                        help="mean pause (s) of an annotator before each save")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-annotations-") as tmp:
        folder = Path(tmp)
        if args.database == "postgres":
            base = os.environ.get("DATABASE_URL") or \
                "postgresql+psycopg://postgres@127.0.0.1:5432/x"
            database_url = fresh_postgres(base, f"ecabinet_bench_annotations_{os.getpid()}")
        else:
            database_url = f"sqlite:///{folder / 'annotations.sqlite3'}"
        app = make_app(database_url, folder)
        server = None
        try:
            with app.app_context():
                world = build_vote_world(args.annotators)
                figures = in_process(world, args)
                from ecabinet.extensions import db

                db.session.remove()
                db.engine.dispose()
            document_id = figures.pop("_document_id")
            server = ServerProcess(database_url, folder).start()
            people = world.voters[:args.annotators]
            for name, pause in (("annotation_save_p99_ms", args.pause),
                                ("annotation_save_socket_p99_ms", args.pause),
                                ("annotation_save_burst_p99_ms", 0.0)):
                if "socket" in name:
                    run = socket_round_trips(server, people, world.meeting_id, document_id,
                                             args.saves, pause)
                else:
                    run = save_round_trips(server, people, document_id, args.saves, pause)
                took = sorted(asyncio.run(run))
                figures[name] = took[min(len(took) - 1, int(len(took) * .99))]
                print(f"{name}: {len(took)} saves, median {statistics.median(took):.1f} ms, "
                      f"max {took[-1]:.1f} ms")
        finally:
            if server:
                server.stop()
            if args.database == "postgres":
                drop_postgres(database_url)
    order = list(CEILINGS)
    print(f"{'figure':<30}{'measured':>10}{'ceiling':>10}  verdict")
    for name in order:
        value, ceiling = figures[name], CEILINGS[name]
        verdict = "" if ceiling is None else "ok" if value <= ceiling else "OVER"
        shown = "" if ceiling is None else f"{ceiling:.2f}"
        print(f"{name:<30}{value:>10.3f}{shown:>10}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps({k: round(figures[k], 4) for k in order}, indent=2)
                             + "\n")
    return 0 if all(figures[k] <= c for k, c in CEILINGS.items() if c is not None) else 1


if __name__ == "__main__":
    sys.exit(main())
