"""The ballot writer commits durably: on SQLite its connections run synchronous=FULL, while
the rest of the application keeps NORMAL."""

from sqlalchemy import text

from ecabinet.extensions import db
from ecabinet.voting import service
from ecabinet.voting.service import PollData
from ecabinet.voting.writer import writer_of


def test_ballots_commit_with_full_sync_on_sqlite(app, room):
    poll = service.open_poll(room.meeting, PollData("Thông qua?"), actor=room.chair)
    service.cast_ballot(poll, room.meeting, room.members[1], (0,), "durable-token-1")
    engine = writer_of(app).engine
    if engine.dialect.name != "sqlite":
        assert engine.dialect.name == "postgresql"  # durable by default (fsync on commit)
        return
    with engine.connect() as connection:  # the pool hands back the writer's connection
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    assert db.session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL elsewhere


def test_close_writer_stops_its_loop_and_closes_its_engine(app, room):
    from ecabinet.voting.writer import close_writer

    poll = service.open_poll(room.meeting, PollData("Thông qua?"), actor=room.chair)
    service.cast_ballot(poll, room.meeting, room.members[1], (0,), "closing-token-1")
    writer = writer_of(app)
    assert writer.running and writer.engine is not None  # idles IDLE_EXIT_S with it
    close_writer(app)
    assert writer.stopped.is_set() and not writer.running and writer.engine is None
    writer.warm()  # a warm-up that started just before the app went away opens nothing
    assert writer.engine is None and not writer.running
