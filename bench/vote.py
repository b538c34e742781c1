"""The live vote: N delegates on real Socket.IO clients, all voting at once.

Builds a fresh database (SQLite in a temporary folder, or `--database postgres`) holding a
body of N members, all present at a started meeting; starts real server processes
(`python -m ecabinet run`, one, or `--processes 2 --redis` behind one Redis); signs every
delegate in through /login from load-generator processes; the chair opens a poll, every
delegate casts at once with its own client token, 10% resend the same ballot once
acknowledged, the chair waits until its tally shows N and closes. Then the database is
checked: N ballots, none lost (acknowledged but not stored), none doubled, and
`ecabinet poll verify` passes. The same clients then run against a bare Flask-SocketIO
server (bench/bare_socket.py): once acknowledging only (`floor_ratio`: what voting costs
beyond the transport), once committing each ballot (`tally_ratio`, `ack_p99_ratio`).

    .venv/bin/python bench/vote.py [--n N] [--processes 2 --redis] [--database postgres]
                                   [--runs 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.vote_clients import Voter, serve  # noqa: E402
from bench.vote_world import (  # noqa: E402
    PASSWORD,
    PrivateRedis,
    ServerProcess,
    build_vote_world,
    drop_postgres,
    fresh_postgres,
    make_app,
)

RESEND_EVERY = 10  # one voter in ten resends its ballot with the same token
# From issue 17, keyed by (N, server processes).
CEILINGS = {
    (1000, 1): {"tally_all_s": 0.8, "ack_p99_ms": 600, "connect_all_s": 1.5,
                "server_rss_mb": 150, "lost": 0, "doubled": 0, "tally_ratio": 1.5},
    (100, 1): {"tally_all_s": 0.15, "ack_p99_ms": 100, "lost": 0, "doubled": 0},
    (1000, 2): {"tally_all_s": 0.5, "ack_p99_ms": 300, "lost": 0, "doubled": 0},
}


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _jobs(usernames, urls: list[str], password: str, timeout: float) -> list[dict]:
    return [{"username": name, "url": urls[i % len(urls)], "password": password,
             "timeout": timeout,
             "choice": 0 if i % 10 < 7 else (1 if i % 10 < 9 else 2),
             "resend": i % RESEND_EVERY == RESEND_EVERY // 2}
            for i, name in enumerate(usernames)]


class LoadGenerators:
    """Client processes, each holding a share of the voters, driven over pipes."""

    def __init__(self, jobs: list[dict], processes: int):
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.procs = [], []
        for k in range(processes):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=serve, args=(theirs, jobs[k::processes]), daemon=True)
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)

    async def ask(self, name: str, arg=None) -> list:
        for pipe in self.pipes:
            pipe.send((name, arg))
        answers = await asyncio.gather(*(asyncio.to_thread(p.recv) for p in self.pipes))
        return [item for answer in answers for item in (answer or [])]

    async def quit(self) -> None:
        try:
            await self.ask("quit")
        except (BrokenPipeError, EOFError, OSError):  # a generator died: its error is shown
            pass
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()


def _ack_figures(casts: list[dict]) -> dict:
    acked = [c for c in casts if c["acked"] and "receipt" in c["ack"]]
    first = min(c["sent"] for c in casts)
    latencies = [(c["acked"] - c["sent"]) * 1000 for c in acked] or [float("nan")]
    return {"first_sent": first, "acked": acked,
            "ack_all_s": max(c["acked"] for c in acked) - first if acked else None,
            "ack_p50_ms": _pct(latencies, 0.50), "ack_p95_ms": _pct(latencies, 0.95),
            "ack_p99_ms": _pct(latencies, 0.99)}


class PhaseProfile:
    """py-spy attached to every server process for one phase (`--profile DIR`): collapsed
    stacks per phase and process, for finding where the server's time goes."""

    def __init__(self, folder: Path | None, servers: list[ServerProcess], phase: str):
        self.folder, self.servers, self.phase, self.procs = folder, servers, phase, []

    def __enter__(self):
        import shutil
        import subprocess

        spy = shutil.which("py-spy") or os.environ.get("PY_SPY")
        if self.folder is None or not spy:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        for k, server in enumerate(self.servers):
            out = self.folder / f"{self.phase}-{k}.txt"
            self.procs.append(subprocess.Popen(
                [spy, "record", "--pid", str(server.process.pid), "--format", "raw",
                 "--rate", "250", "--nonblocking", "--output", str(out)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)  # attached before the phase starts
        return self

    def __exit__(self, *_exc):
        import signal

        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            proc.wait(timeout=30)


async def _vote(world, servers: list[ServerProcess], clients: int, timeout: float,
                profile: Path | None = None) -> dict:
    n = len(world.voters)
    gens = LoadGenerators(_jobs(world.voters, [s.url for s in servers], PASSWORD, timeout),
                          clients)
    chair = Voter(world.chair, servers[-1].url, PASSWORD)  # with two servers: not the first
    try:
        started = time.monotonic()
        await asyncio.gather(gens.ask("sign_in"), chair.sign_in())
        sign_in_s = time.monotonic() - started
        rss_signed_in = max(s.rss_mb("VmRSS") for s in servers)
        with PhaseProfile(profile, servers, "connect"):
            connect_cpu = sum(s.cpu_s() for s in servers)
            started = time.monotonic()
            joined = await gens.ask("connect", world.meeting_id)
            connect_all_s = max(joined) - started if all(joined) else None
            connect_cpu = sum(s.cpu_s() for s in servers) - connect_cpu
        rss_connected = max(s.rss_mb("VmRSS") for s in servers)
        await chair.connect(world.meeting_id, timeout)
        cpu = [s.cpu_s() for s in servers]
        opened = await chair.call("open_poll", {"meeting_id": world.meeting_id,
                                                "question": "Thông qua Tờ trình số 01?"})
        poll_id = opened["poll_id"]
        with PhaseProfile(profile, servers, "vote"):
            casts = await gens.ask("cast", poll_id)
            deadline = time.monotonic() + 5  # coalesced room updates: a few per second
            while (chair.voted_seen.get(poll_id, (0, 0))[0] < n
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.002)
            chair_voted, chair_at = chair.voted_seen.get(poll_id, (0, 0.0))
            try:
                closed = await chair.call("close_poll", {"poll_id": poll_id}, timeout)
            except Exception as error:  # noqa: BLE001 - reported: the chair lost its socket
                closed = {"error": type(error).__name__}
            results = await gens.ask("results", (poll_id, 10))
        cpu = sum(s.cpu_s() for s in servers) - sum(cpu)
    finally:
        await chair.close()
        await gens.quit()
    acks = _ack_figures(casts)
    resent = [c for c in acks["acked"] if c["again"] is not None]
    same = [c for c in resent if c["again"].get("receipt") == c["ack"]["receipt"]
            and c["again"].get("repeated") is True]
    first, acknowledged = acks.pop("first_sent"), len(acks.pop("acked"))
    refused = collections.Counter(c["ack"].get("error", "no receipt") for c in casts
                                  if not (c["acked"] and "receipt" in c["ack"]))
    return {"poll_id": poll_id, "sign_in_all_s": sign_in_s, "connect_all_s": connect_all_s,
            "joined": sum(1 for t in joined if t),
            **acks, "acknowledged": acknowledged,
            "not_acknowledged": ", ".join(f"{k} {v}" for k, v in refused.most_common()) or "-",
            "chair_tally_s": chair_at - first if chair_voted == n else None,
            "chair_tally_seen": chair_voted,
            "tally_all_s": (max(results) - first) if all(results) else None,
            "closed_cast": sum(closed["counts"]) if "counts" in closed else None,
            "resent": len(resent), "resend_same_receipt": len(same),
            "server_cpu_s": cpu, "server_connect_cpu_s": connect_cpu,
            "server_rss_mb": max(s.rss_mb() for s in servers),
            "server_rss_signed_in_mb": rss_signed_in, "server_rss_connected_mb": rss_connected,
            "receipts": {c["user"]: c["ack"]["receipt"] for c in casts
                         if c["acked"] and "receipt" in c["ack"]}}


def _check_database(poll_id: int, receipts: dict[str, str]) -> dict:
    """What the database holds, read in-process after the servers answered."""
    from sqlalchemy import select

    from ecabinet.accounts.models import User
    from ecabinet.extensions import db
    from ecabinet.voting.models import NamedBallot, Poll
    from ecabinet.voting.verify import verify_poll

    rows = db.session.execute(select(User.username, NamedBallot.receipt)
                              .join(User, User.id == NamedBallot.voter_id)
                              .where(NamedBallot.poll_id == poll_id)).all()
    stored = dict(rows)
    lost = sum(1 for user, receipt in receipts.items() if stored.get(user) != receipt)
    verified = verify_poll(db.session.get(Poll, poll_id))
    db.session.remove()
    return {"ballots_in_db": len(rows), "lost": lost, "doubled": len(rows) - len(stored),
            "verify_ok": verified.ok}


async def _floor(n: int, server: ServerProcess, clients: int) -> dict:
    gens = LoadGenerators(_jobs([f"bare{i}" for i in range(n)], [server.url], "", 60), clients)
    try:
        started = time.monotonic()
        joined = await gens.ask("connect", None)
        connect_all_s = max(joined) - started if all(joined) else None
        acks = _ack_figures(await gens.ask("cast", 1))
    finally:
        await gens.quit()
    return {"ack_all_s": acks["ack_all_s"], "ack_p99_ms": acks["ack_p99_ms"],
            "connect_all_s": connect_all_s}


def _database_url(kind: str, folder: Path, n: int, name: str | None = None) -> str:
    if kind == "postgres":
        base = os.environ.get("DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/x"
        return fresh_postgres(base, name or f"ecabinet_bench_vote_{os.getpid()}_{n}")
    return f"sqlite:///{folder / 'vote.sqlite3'}"


def run_once(n: int, args, folder: Path) -> dict:
    folder.mkdir(parents=True)
    database_url = _database_url(args.database, folder, n, args.pg_database)
    app = make_app(database_url, folder)
    redis = PrivateRedis(folder).start() if args.redis and not os.environ.get("REDIS_URL") \
        else None
    redis_url = (redis.url if redis else os.environ.get("REDIS_URL")) if args.redis else None
    servers = []
    try:
        with app.app_context():
            world = build_vote_world(n)
            from ecabinet.extensions import db

            db.engine.dispose()
        servers = [ServerProcess(database_url, folder, redis_url, name=f"server{i}").start()
                   for i in range(args.processes)]
        profile = args.profile / f"n{n}-{folder.name}" if args.profile else None
        figures = asyncio.run(_vote(world, servers, args.clients, args.timeout, profile))
        with app.app_context():
            figures.update(_check_database(figures["poll_id"], figures.pop("receipts")))
            from ecabinet.extensions import db

            db.engine.dispose()
    finally:
        for server in servers:
            server.stop()
        if redis:
            redis.stop()
        if args.database == "postgres":
            drop_postgres(database_url)
    if not args.no_floor:
        for name, extra in (("echo", []), ("commit", ["--commit", str(folder / "bare.db")])):
            bare = ServerProcess(database_url, folder, name=f"bare-{name}", command=[
                sys.executable, str(ROOT / "bench" / "bare_socket.py"), *extra]).start()
            try:
                floor = asyncio.run(_floor(n, bare, args.clients))
                figures[f"floor_{name}_rss_mb"] = bare.rss_mb()
            finally:
                bare.stop()
            figures[f"floor_{name}_ack_all_s"] = floor["ack_all_s"]
            figures[f"floor_{name}_ack_p99_ms"] = floor["ack_p99_ms"]
            figures[f"floor_{name}_connect_all_s"] = floor["connect_all_s"]
        if figures["ack_all_s"] is not None:
            figures["floor_ratio"] = figures["ack_all_s"] / figures["floor_echo_ack_all_s"]
        if figures["tally_all_s"] is not None:
            figures["tally_ratio"] = figures["tally_all_s"] / figures["floor_commit_ack_all_s"]
        figures["ack_p99_ratio"] = figures["ack_p99_ms"] / figures["floor_commit_ack_p99_ms"]
        if figures["connect_all_s"] is not None and figures["floor_echo_connect_all_s"]:
            figures["connect_ratio"] = (figures["connect_all_s"]
                                        / figures["floor_echo_connect_all_s"])
    return figures


def _median(runs: list[dict]) -> dict:
    merged = {}
    for key, value in runs[0].items():
        values = [r[key] for r in runs]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        merged[key] = statistics.median(values) if numeric and len(runs) > 1 else value
        if key in ("lost", "doubled"):
            merged[key] = max(values)  # never hide one bad run behind a median
        if key == "verify_ok":
            merged[key] = all(values)
    return merged


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return "—" if value is None else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", "--voters", dest="n", type=int, action="append",
                        help="voters (repeatable); default: 100 and 1000")
    parser.add_argument("--processes", type=int, default=1, help="server processes")
    parser.add_argument("--redis", action="store_true",
                        help="Redis message queue ($REDIS_URL, else a private redis-server)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-database", help="name of the PostgreSQL database to create, "
                        "use and drop on $DATABASE_URL's server (default: a fresh name)")
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds any one step may take before a client gives up")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-server floor")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (servers' logs, SQLite databases)")
    parser.add_argument("--profile", type=Path,
                        help="record the servers with py-spy (on PATH or $PY_SPY) per phase "
                             "into this folder (collapsed stacks); the figures then include "
                             "its sampling")
    args = parser.parse_args()
    if args.processes > 1 and not args.redis:
        parser.error("several server processes need --redis to agree")
    sizes = args.n or [100, 1000]
    table: dict[int, dict] = {}
    with (contextlib.nullcontext(tempfile.mkdtemp(prefix="ecabinet-bench-vote-")) if args.keep
          else tempfile.TemporaryDirectory(prefix="ecabinet-bench-vote-")) as tmp:
        if args.keep:
            print(f"servers' logs and databases kept in {tmp}")
        for n in sizes:
            runs = [run_once(n, args, Path(tmp) / f"n{n}-r{r}") for r in range(args.runs)]
            table[n] = _median(runs)
    names = list(table[sizes[0]])
    header = f"{'figure':<24}" + "".join(f"{f'N={n}':>12}{'ceiling':>9}" for n in sizes)
    print(f"{args.processes} server process(es), {args.database}, redis={args.redis}, "
          f"{args.clients} client processes, median of {args.runs}")
    print(header)
    for name in names:
        cells = ""
        for n in sizes:
            ceiling = CEILINGS.get((n, args.processes), {}).get(name)
            if name == "ballots_in_db":
                ceiling = n
            shown = _show(ceiling) if ceiling is not None else ""
            cells += f"{_show(table[n].get(name)):>12}{shown:>9}"
        print(f"{name:<24}{cells}")
    if args.json:
        args.json.write_text(json.dumps({"processes": args.processes, "redis": args.redis,
                                         "database": args.database, "runs": args.runs,
                                         "figures": {str(n): f for n, f in table.items()}},
                                        indent=2) + "\n")
    bad = [n for n, f in table.items()
           if f["ballots_in_db"] != n or f["lost"] or f["doubled"] or not f["verify_ok"]
           or f["resend_same_receipt"] != f["resent"]]
    if bad:
        raise SystemExit(f"integrity check FAILED for N={bad}")


if __name__ == "__main__":
    main()
