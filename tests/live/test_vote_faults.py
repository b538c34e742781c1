"""Votes through real `ecabinet run` processes and python-socketio clients, under faults:
the server SIGKILLed in the middle of a burst of ballots, and two processes behind Redis.

Each voter is signed in through /login; its tablet keeps its client token across the crash
and resends with it, as the room page does.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bench.vote_clients import Voter
from bench.vote_world import PASSWORD, ServerProcess, build_vote_world, make_app
from tests.e2e.conftest import _drop_database, _fresh_database_url

QUESTION = {"question": "Thông qua Tờ trình số 01?"}


@pytest.fixture
def vote_world(tmp_path):
    """`build(n)`: a database of its own with a started meeting of n present members."""

    made: list[str] = []

    def build(voters: int):
        url = _fresh_database_url(tmp_path, f"ecabinet_faults_{tmp_path.name[-20:]}")
        made.append(url)
        app = make_app(url, tmp_path)
        with app.app_context():
            world = build_vote_world(voters)
            from ecabinet.extensions import db

            db.engine.dispose()
        return app, url, world

    yield build
    for url in made:  # a PostgreSQL database would outlive the run
        if not url.startswith("sqlite:"):
            _drop_database(url)


def _stored(app, poll_id: int) -> tuple[dict[str, list[str]], str, bool]:
    """Each voter's stored receipts, the poll's status, and whether verify passes."""
    from sqlalchemy import select

    from ecabinet.accounts.models import User
    from ecabinet.extensions import db
    from ecabinet.voting.models import NamedBallot, Poll
    from ecabinet.voting.verify import verify_poll

    with app.app_context():
        stored: dict[str, list[str]] = {}
        for username, receipt in db.session.execute(
                select(User.username, NamedBallot.receipt)
                .join(User, User.id == NamedBallot.voter_id)
                .where(NamedBallot.poll_id == poll_id)):
            stored.setdefault(username, []).append(receipt)
        poll = db.session.get(Poll, poll_id)
        status, ok = poll.status.value, bool(poll.result) and verify_poll(poll).ok
        db.session.remove()
        db.engine.dispose()
    return stored, status, ok


async def _until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _join(people: list[Voter], meeting_id: int) -> None:
    await asyncio.gather(*(p.sign_in() for p in people))
    await asyncio.gather(*(p.connect(meeting_id, timeout=10) for p in people))


async def _close_all(people: list[Voter]) -> None:
    await asyncio.gather(*(p.close() for p in people), return_exceptions=True)


def _committed(database_url: str):
    """A counter of a poll's stored ballots, read beside the server as it writes."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)

    def count(poll_id: int) -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM named_ballots WHERE poll_id = :p"),
                                {"p": poll_id}).scalar_one()

    return engine, count


async def _crash_scenario(server: ServerProcess, world, database_url: str) -> dict:
    chair = Voter(world.chair, server.url, PASSWORD)
    voters = [Voter(name, server.url, PASSWORD) for name in world.voters]
    try:
        await _join([chair, *voters], world.meeting_id)
        poll_id = (await chair.call("open_poll", {"meeting_id": world.meeting_id,
                                                  **QUESTION}))["poll_id"]
        early, burst = voters[:10], voters[10:]
        before = {v.username: (await v.cast(poll_id, timeout=10))["ack"] for v in early}

        async def in_turn(voter: Voter, delay: float) -> dict:
            await asyncio.sleep(delay)
            return await voter.cast(poll_id, timeout=2)

        # The burst spreads over 0.1 s; the kill lands in its middle.
        casting = [asyncio.ensure_future(in_turn(v, 0.01 * i)) for i, v in enumerate(burst)]
        await asyncio.sleep(0.05)
        server.kill()
        engine, count = _committed(database_url)
        at_kill = count(poll_id)  # what survived the kill
        engine.dispose()
        during = {v.username: c["ack"] for v, c in zip(burst, await asyncio.gather(*casting),
                                                       strict=True)}
        await _close_all([chair, *voters])
        server.start()
        await asyncio.gather(*(p.connect(world.meeting_id, timeout=10)
                               for p in [chair, *voters]))
        joined_open = chair.snapshot["poll"]["status"] == "open"
        retried = await asyncio.gather(*(v.cast(poll_id, timeout=10) for v in voters))
        closed = await chair.call("close_poll", {"poll_id": poll_id}, timeout=10)
    finally:
        await _close_all([chair, *voters])
    return {"poll_id": poll_id, "before": before, "during": during, "closed": closed,
            "at_kill": at_kill,
            "retried": {r["user"]: r["ack"] for r in retried}, "joined_open": joined_open}


@pytest.mark.serial
def test_sigkill_mid_burst_keeps_one_ballot_and_the_original_receipt(vote_world, tmp_path):
    app, url, world = vote_world(20)
    server = ServerProcess(url, tmp_path).start()
    try:
        seen = asyncio.run(_crash_scenario(server, world, url))
    finally:
        server.stop()
    stored, status, verified = _stored(app, seen["poll_id"])
    acknowledged = {user: ack["receipt"] for user, ack in {**seen["before"],
                                                             **seen["during"]}.items()
                    if "receipt" in ack}
    lost = [user for user, ack in seen["during"].items() if "receipt" not in ack]
    committed_unacked = [u for u in lost if seen["retried"][u].get("repeated")]
    print(f"{seen['at_kill']} stored at the kill, {len(acknowledged)} acknowledged, "
          f"{len(lost)} unanswered ({len(committed_unacked)} of them stored: their retry "
          "got the stored receipt)")
    assert len(seen["before"]) == 10 and all("receipt" in a for a in seen["before"].values())
    assert seen["at_kill"] < len(world.voters), "the kill came after the burst"
    assert len(lost) > 0
    assert seen["joined_open"], "the poll must stay open across the crash"
    assert all("receipt" in ack for ack in seen["retried"].values()), seen["retried"]
    for user, receipt in acknowledged.items():  # a retry answers the original receipt
        assert seen["retried"][user]["receipt"] == receipt
        assert seen["retried"][user]["repeated"] is True
    assert stored == {user: [ack["receipt"]] for user, ack in seen["retried"].items()}
    assert len(stored) == len(world.voters)
    assert sum(seen["closed"]["counts"]) == len(world.voters)
    assert status == "closed" and verified


async def _two_process_scenario(first: ServerProcess, second: ServerProcess, world) -> dict:
    chair = Voter(world.chair, first.url, PASSWORD)
    voters = [Voter(name, (first, second)[i % 2].url, PASSWORD)
              for i, name in enumerate(world.voters)]
    on_first, on_second = voters[0::2], voters[1::2]
    try:
        await _join([chair, *voters], world.meeting_id)
        poll_id = (await chair.call("open_poll", {"meeting_id": world.meeting_id,
                                                  **QUESTION}))["poll_id"]

        def chair_tally() -> int:
            return chair.voted_seen.get(poll_id, (0, 0))[0]

        casts = await asyncio.gather(*(v.cast(poll_id, timeout=10) for v in on_second))
        seen_from_other = await _until(lambda: chair_tally() == len(on_second))
        casts += await asyncio.gather(*(v.cast(poll_id, timeout=10) for v in on_first))
        seen_all = await _until(lambda: chair_tally() == len(voters))
        closed = await chair.call("close_poll", {"poll_id": poll_id}, timeout=10)
        pushed = await _until(lambda: all(poll_id in v.result_at for v in on_second))
        result = on_second[0].snapshot["poll"]["result"] if pushed else None
    finally:
        await _close_all([chair, *voters])
    return {"poll_id": poll_id, "casts": casts, "seen_from_other": seen_from_other,
            "tally": chair_tally(), "seen_all": seen_all, "closed": closed, "pushed": pushed,
            "result": result}


@pytest.mark.redis
def test_two_processes_share_tally_and_result(vote_world, tmp_path, redis_url):
    app, url, world = vote_world(12)
    first = ServerProcess(url, tmp_path, redis_url, name="a").start()
    second = ServerProcess(url, tmp_path, redis_url, name="b")
    try:
        second.start()
        seen = asyncio.run(_two_process_scenario(first, second, world))
    finally:
        second.stop()
        first.stop()
    assert all("receipt" in c["ack"] for c in seen["casts"]), seen["casts"]
    assert seen["seen_from_other"], "the chair's tally on A misses the ballots cast on B"
    assert seen["seen_all"], f"the chair saw {seen['tally']} of {len(world.voters)}"
    assert sum(seen["closed"]["counts"]) == len(world.voters)
    assert seen["pushed"], "clients of B did not get the result closed on A"
    assert seen["result"]["cast"] == len(world.voters)
    stored, status, verified = _stored(app, seen["poll_id"])
    assert sorted(stored) == sorted(world.voters)
    assert all(len(receipts) == 1 for receipts in stored.values())
    assert status == "closed" and verified


async def _failover_scenario(first: ServerProcess, second: ServerProcess, world) -> dict:
    chair = Voter(world.chair, second.url, PASSWORD)
    voters = [Voter(name, (first, second)[i % 2].url, PASSWORD)
              for i, name in enumerate(world.voters)]
    on_first = voters[0::2]
    early = on_first[: len(on_first) // 2]  # voted on A before it died
    try:
        await _join([chair, *voters], world.meeting_id)
        poll_id = (await chair.call("open_poll", {"meeting_id": world.meeting_id,
                                                  **QUESTION}))["poll_id"]
        before = {v.username: (await v.cast(poll_id, timeout=10))["ack"] for v in early}
        first.kill()
        await _close_all(on_first)
        for voter in on_first:  # the tablet reconnects through the proxy, now to B
            voter.url = second.url
        rejoined = await asyncio.gather(*(v.connect(world.meeting_id, timeout=10)
                                          for v in on_first))
        retried = await asyncio.gather(*(v.cast(poll_id, timeout=10) for v in voters))
        closed = await chair.call("close_poll", {"poll_id": poll_id}, timeout=10)
    finally:
        await _close_all([chair, *voters])
    return {"poll_id": poll_id, "before": before, "rejoined": dict(zip(
        [v.username for v in on_first], rejoined, strict=True)),
        "retried": {r["user"]: r["ack"] for r in retried}, "closed": closed}


@pytest.mark.redis
def test_killing_one_process_moves_its_clients_to_the_other(vote_world, tmp_path, redis_url):
    """Process A is SIGKILLed mid-vote; its tablets reconnect to B and find the room as it
    was: the poll open, whether each had voted; a retry answers the original receipt."""
    app, url, world = vote_world(12)
    first = ServerProcess(url, tmp_path, redis_url, name="a").start()
    second = ServerProcess(url, tmp_path, redis_url, name="b").start()
    try:
        seen = asyncio.run(_failover_scenario(first, second, world))
    finally:
        second.stop()
        first.stop()
    assert seen["before"] and all("receipt" in a for a in seen["before"].values())
    for user, state in seen["rejoined"].items():
        assert state["poll"]["status"] == "open" and state["started"]
        assert state["me"]["voted"] is (user in seen["before"]), user
    for user, ack in seen["before"].items():
        assert seen["retried"][user]["receipt"] == ack["receipt"]
        assert seen["retried"][user]["repeated"] is True
    assert all("receipt" in ack for ack in seen["retried"].values()), seen["retried"]
    assert sum(seen["closed"]["counts"]) == len(world.voters)
    stored, status, verified = _stored(app, seen["poll_id"])
    assert sorted(stored) == sorted(world.voters)
    assert all(len(receipts) == 1 for receipts in stored.values())
    assert status == "closed" and verified
