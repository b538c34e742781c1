"""Polls through the service: eligibility, one ballot each, receipts, closing, verifying."""

from __future__ import annotations

import json
import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, inspect, select

from ecabinet.extensions import db
from ecabinet.voting import service
from ecabinet.voting.errors import AlreadyVoted, InvalidBallot, NoQuorum, NotEligible, PollClosed
from ecabinet.voting.models import NamedBallot, PollKind, SecretBallot, SecretVoter
from ecabinet.voting.service import PollData
from ecabinet.voting.verify import verify_poll
from tests.voting.conftest import make_room


def _open(room, **data):
    return service.open_poll(room.meeting, PollData("Thông qua dự toán ngân sách?", **data),
                             actor=room.chair)


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_cast_ballot_twice_with_the_same_token_keeps_one(room):
    poll = _open(room)
    first = service.cast_ballot(poll, room.meeting, room.members[1], (0,), "token-aaaa-1")
    again = service.cast_ballot(poll, room.meeting, room.members[1], (1,), "token-aaaa-1")
    assert again.repeated and again.receipt == first.receipt and again.choices == (0,)
    assert _count(NamedBallot) == 1


def test_second_ballot_with_a_new_token_is_refused_unless_change_allowed(room):
    poll = _open(room)
    service.cast_ballot(poll, room.meeting, room.members[1], (0,), "token-aaaa-1")
    with pytest.raises(AlreadyVoted):
        service.cast_ballot(poll, room.meeting, room.members[1], (1,), "token-bbbb-2")
    changeable = _open(room, allow_change=True)
    service.cast_ballot(changeable, room.meeting, room.members[1], (0,), "token-cccc-1")
    changed = service.cast_ballot(changeable, room.meeting, room.members[1], (1,), "token-dddd-2")
    assert changed.choices == (1,)
    assert service.close_poll(changeable, room.meeting, actor=room.chair).counts == (0, 1, 0)


def test_guests_and_absent_members_may_not_vote(world):
    room = make_room(world, members=13, present=10)
    poll = _open(room)
    with pytest.raises(NotEligible):
        service.cast_ballot(poll, room.meeting, room.guest, (0,), "token-guest-1")
    with pytest.raises(NotEligible):
        service.cast_ballot(poll, room.meeting, room.members[11], (0,), "token-absent-1")
    assert _count(NamedBallot) == 0


def test_bad_choices_and_missing_token_are_refused(room):
    poll = _open(room)
    for choices in ((), (3,), (0, 1), (-1,)):
        with pytest.raises(InvalidBallot):
            service.cast_ballot(poll, room.meeting, room.members[1], choices, "token-aaaa-1")
    with pytest.raises(InvalidBallot):
        service.cast_ballot(poll, room.meeting, room.members[1], (0,), "")
    assert _count(NamedBallot) == 0


def test_no_vote_without_quorum_unless_the_chair_overrides(world):
    room = make_room(world, members=13, present=8)  # 9 of 13 needed
    with pytest.raises(NoQuorum) as refused, force_locale("vi"):
        _open(room)
    with force_locale("vi"):
        assert "Chưa đủ số thành viên dự họp (8/13; cần 9)" in str(refused.value.message)
    poll = service.open_poll(room.meeting, PollData("Vẫn biểu quyết?"), actor=room.chair,
                             override_quorum=True)
    assert poll.quorum_overridden and poll.present_at_open == 8


def test_closed_poll_refuses_ballots_and_cannot_close_twice(room):
    poll = _open(room)
    service.close_poll(poll, room.meeting, actor=room.chair)
    with pytest.raises(PollClosed):
        service.cast_ballot(poll, room.meeting, room.members[1], (0,), "token-late-001")
    with pytest.raises(PollClosed):
        service.close_poll(poll, room.meeting, actor=room.chair)


def test_result_is_explained_and_verifiable(room):
    poll = _open(room)
    for index, voter in enumerate(room.members):
        service.cast_ballot(poll, room.meeting, voter, (0 if index < 9 else 1,),
                            f"token-{voter.id:06d}")
    with force_locale("vi"):
        result = service.close_poll(poll, room.meeting, actor=room.chair)
    assert result.passed and result.counts == (9, 4, 0)
    assert result.explanation == ("Thông qua: 9/13 thành viên tán thành "
                                  "(quá nửa tổng số thành viên).")
    assert verify_poll(poll).ok
    receipts = dict(service.published_receipts(poll))
    first = room.members[0]
    mine = service.cast_ballot(poll, room.meeting, first, (0,), f"token-{first.id:06d}")
    assert mine.repeated and receipts[mine.receipt] == (0,)


def test_verify_finds_a_changed_ballot(room):
    poll = _open(room)
    for voter in room.members[:5]:
        service.cast_ballot(poll, room.meeting, voter, (0,), f"token-{voter.id:06d}")
    service.close_poll(poll, room.meeting, actor=room.chair)
    ballot = db.session.execute(select(NamedBallot)).scalars().first()
    ballot.choices = json.dumps([1])
    db.session.commit()
    report = verify_poll(poll)
    assert not report.ok and any("counts" in p for p in report.problems)


def test_secret_poll_keeps_who_apart_from_what(room):
    poll = _open(room, kind=PollKind.SECRET)
    first = service.cast_ballot(poll, room.meeting, room.members[1], (1,), "token-secret-1")
    again = service.cast_ballot(poll, room.meeting, room.members[1], (0,), "token-secret-1")
    assert again.repeated and again.receipt == first.receipt and again.choices == ()
    voters = {c.key for c in inspect(SecretVoter).columns}
    ballots = {c.key for c in inspect(SecretBallot).columns}
    assert voters & ballots == {"id", "poll_id"}  # the ids are random, not shared
    voter_row = db.session.execute(select(SecretVoter)).scalar_one()
    ballot_row = db.session.execute(select(SecretBallot)).scalar_one()
    assert voter_row.id != ballot_row.id and len(ballot_row.id) == 32
    assert service.voted_ids(poll) == {room.members[1].id}
    assert service.published_receipts(poll) == [(first.receipt, ())]


def test_secret_tie_is_not_broken_by_a_hidden_chair_vote(world):
    room = make_room(world, members=12)
    poll = _open(room, kind=PollKind.SECRET)
    for index, voter in enumerate(room.members):
        service.cast_ballot(poll, room.meeting, voter, (index % 2,), f"token-{voter.id:06d}")
    assert not service.close_poll(poll, room.meeting, actor=room.chair).passed


def _vote_in_threads(app, poll_id, meeting_id, voter_ids, results):
    def vote(voter_id):
        with app.app_context():
            from ecabinet.accounts.models import User
            from ecabinet.meetings.models import Meeting

            poll = service.get_poll(poll_id)
            try:
                receipt = service.cast_ballot(poll, db.session.get(Meeting, meeting_id),
                                              db.session.get(User, voter_id), (0,),
                                              f"token-{voter_id:06d}")
                results.append(("ok", receipt.receipt))
            except PollClosed:
                results.append(("closed", voter_id))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=(voter_id,)) for voter_id in voter_ids]
    return threads


def test_100_concurrent_ballots_are_stored_exactly_once(app, world):
    room = make_room(world, members=100)
    poll = _open(room)
    results: list = []
    threads = _vote_in_threads(app, poll.id, room.meeting.id,
                               [u.id for u in room.members] * 2, results)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r for r, _ in results) == ["ok"] * 200
    assert _count(NamedBallot) == 100
    assert len({receipt for _, receipt in results}) == 100  # retries got the same receipt


def test_ballots_racing_the_close_count_exactly_the_acknowledged(app, world):
    room = make_room(world, members=50)
    poll = _open(room)
    results: list = []
    threads = _vote_in_threads(app, poll.id, room.meeting.id, [u.id for u in room.members],
                               results)
    for thread in threads[:25]:
        thread.start()
    service.close_poll(poll, room.meeting, actor=room.chair)
    for thread in threads[25:]:
        thread.start()
    for thread in threads:
        thread.join()
    acknowledged = [r for r in results if r[0] == "ok"]
    assert len(results) == 50
    db.session.refresh(poll)
    assert service.stored_result(poll)["cast"] == len(acknowledged)
    assert verify_poll(poll).ok


def test_poll_verify_command_exits_1_on_tampering(app, room):
    poll = _open(room)
    for voter in room.members[:3]:
        service.cast_ballot(poll, room.meeting, voter, (0,), f"token-{voter.id:06d}")
    service.close_poll(poll, room.meeting, actor=room.chair)
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["poll", "verify", str(poll.id)])
    assert intact.exit_code == 0 and "verified" in intact.output
    db.session.execute(NamedBallot.__table__.delete().where(NamedBallot.voter_id
                                                            == room.members[0].id))
    db.session.commit()
    broken = runner.invoke(args=["poll", "verify", str(poll.id)])
    assert broken.exit_code == 1 and "MISMATCH" in broken.output
