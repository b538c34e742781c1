"""The majority rules and their explanation, without a database."""

import pytest
from flask_babel import force_locale

from ecabinet.voting.models import MajorityRule as R
from ecabinet.voting.rules import Tally, decide, explain, needed_for


@pytest.mark.parametrize("rule, members, present, needed", [
    (R.HALF_OF_MEMBERS, 13, 10, 7), (R.HALF_OF_MEMBERS, 12, 12, 7),
    (R.TWO_THIRDS_OF_MEMBERS, 13, 13, 9), (R.TWO_THIRDS_OF_MEMBERS, 12, 9, 8),
    (R.HALF_OF_PRESENT, 13, 10, 6), (R.HALF_OF_PRESENT, 13, 9, 5),
])
def test_needed_for_each_rule(rule, members, present, needed):
    assert needed_for(rule, members, present)[0] == needed


def test_more_than_half_of_all_members_not_of_those_present():
    tally = Tally((6, 2, 1), cast=9, members=13, present=9)
    assert not decide(tally, R.HALF_OF_MEMBERS, None).passed  # 6 of 13 is not more than half
    assert decide(tally, R.HALF_OF_PRESENT, None).passed  # 6 of 9 present is


@pytest.mark.parametrize("chair_choice, passed", [(0, True), (1, False), (None, False)])
def test_tie_goes_to_the_side_the_chair_voted_for(chair_choice, passed):
    tally = Tally((6, 6, 0), cast=12, members=12, present=12)
    outcome = decide(tally, R.HALF_OF_MEMBERS, chair_choice)
    assert outcome.passed is passed
    assert outcome.by_tie_break is (chair_choice is not None)


def test_explanation_in_vietnamese_and_english(app):
    tally = Tally((9, 3, 1), cast=13, members=13, present=13)
    outcome = decide(tally, R.HALF_OF_MEMBERS, None)
    with force_locale("vi"):
        assert str(explain(outcome, tally, R.HALF_OF_MEMBERS)) == (
            "Thông qua: 9/13 thành viên tán thành (quá nửa tổng số thành viên).")
    with force_locale("en"):
        assert str(explain(outcome, tally, R.HALF_OF_MEMBERS)) == (
            "Passed: 9 of 13 members for (more than half of all members).")
