"""Floods on one socket: refused by a per-connection rate limit, refusals audited once."""

import time

import pytest
from sqlalchemy import func, select

from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from tests.conftest import DEMO_PASSWORD, LiveClient, csrf_token


def _denials() -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "access.denied")
        .order_by(AuditEntry.seq)).scalars())


class StillClock:
    """Time that passes only when the test says so: a loaded machine taking seconds over
    2,000 events must not refill a bucket or end an audit interval."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def still_clock(monkeypatch):
    from ecabinet.live import connection

    clock = StillClock()
    monkeypatch.setattr(connection, "clock", clock)
    return clock


def _live_as(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    return LiveClient(app, client)


def test_flood_of_events_is_rate_limited_with_a_message(app, world, still_clock):
    live = _live_as(app, "member")
    acks = [live.call("whoami") for _ in range(200)]
    limited = [ack for ack in acks if ack.get("error") == "rate_limited"]
    assert len(limited) == 200 - app.config["LIVE_EVENT_BURST"]
    assert "yêu cầu" in limited[0]["message"]  # in the user's language
    assert acks[0]["username"] == "member"


def test_rate_limit_refills_over_time(app, world, still_clock):
    app.config.update(LIVE_EVENT_BURST=2, LIVE_EVENT_RATE=20.0)
    live = _live_as(app, "member")
    assert [live.call("whoami").get("error") for _ in range(3)] == [None, None, "rate_limited"]
    still_clock.now += 0.1  # two tokens back at 20 per second
    assert "username" in live.call("whoami")


def test_rate_limit_is_per_connection(app, world, still_clock):
    app.config.update(LIVE_EVENT_BURST=2)
    first, second = _live_as(app, "member"), _live_as(app, "chair")
    for _ in range(3):
        first.call("whoami")
    assert first.call("whoami")["error"] == "rate_limited"
    assert second.call("whoami")["username"] == "chair"


def test_two_thousand_refused_subscriptions_write_one_audit_entry_with_a_count(app, world,
                                                                             still_clock):
    app.config.update(LIVE_EVENT_BURST=10_000)  # let every event reach the permission check
    live = _live_as(app, "outsider")
    started = time.perf_counter()
    acks = [live.call("subscribe_meeting", {"meeting_id": world.meeting.id})
            for _ in range(2000)]
    elapsed = time.perf_counter() - started
    assert all(ack["error"] in ("forbidden", "not_found") for ack in acks)
    assert len(_denials()) == 1
    live.disconnect()
    db.session.expire_all()
    entries = _denials()
    assert len(entries) == 2
    assert '"count": 1999' in entries[1].details and entries[1].actor_name == "outsider"
    print(f"2000 refused subscribe_meeting: {elapsed:.2f} s")


def test_a_refusal_after_the_interval_writes_the_count_so_far(app, world):
    app.config.update(LIVE_DENIAL_AUDIT_INTERVAL_S=0.0)
    live = _live_as(app, "outsider")
    for _ in range(3):
        live.call("subscribe_meeting", {"meeting_id": world.meeting.id})
    counts = [e.details for e in _denials()]
    assert len(counts) == 3 and '"coalesced": true' in counts[1]


def test_rate_limited_flood_touches_no_audit(app, world, still_clock):
    """The tester's flood with the default limits: 2,000 subscriptions from one socket."""
    live = _live_as(app, "outsider")
    started = time.perf_counter()
    for _ in range(2000):
        live.call("subscribe_meeting", {"meeting_id": world.meeting.id})
    print(f"2000 subscribe_meeting, default limits: {time.perf_counter() - started:.2f} s")
    assert db.session.execute(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "access.denied")).scalar_one() == 1
