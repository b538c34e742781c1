"""Whether a motion passed, by which rule, and why, in words: pure functions over a tally.

Law on Local Government: a decision needs more than half of all members; when for and
against are equal, the side the chair voted for wins. Two thirds of members and more than
half of those present are options a body may choose.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ecabinet.voting.models import MajorityRule

FOR, AGAINST = 0, 1

RULE_LABELS = {
    MajorityRule.HALF_OF_MEMBERS: _l("more than half of all members"),
    MajorityRule.TWO_THIRDS_OF_MEMBERS: _l("at least two thirds of all members"),
    MajorityRule.HALF_OF_PRESENT: _l("more than half of the members present"),
}


@dataclass(frozen=True)
class Tally:
    counts: tuple[int, ...]
    """Ballots per choice, in the poll's order; choice 0 is the motion."""
    cast: int
    """Ballots cast (a ballot may hold several choices)."""
    members: int
    """Members in office when the poll opened."""
    present: int
    """Members present when the poll opened."""


@dataclass(frozen=True)
class Outcome:
    passed: bool
    needed: int
    """How many had to choose the motion (tie-break aside)."""
    base: int
    """Whom the share is of: members in office, or present."""
    by_tie_break: bool
    """Decided by the chair's side on a tie of for and against."""


def needed_for(rule: MajorityRule, members: int, present: int) -> tuple[int, int]:
    """(votes needed, the number they are a share of) for `rule`."""
    if rule == MajorityRule.TWO_THIRDS_OF_MEMBERS:
        return -(-2 * members // 3), members
    base = present if rule == MajorityRule.HALF_OF_PRESENT else members
    return base // 2 + 1, base


def decide(tally: Tally, rule: MajorityRule, chair_choice: int | None) -> Outcome:
    """Apply the rule; on a tie of for and against, follow the chair's ballot when known
    (a named poll), otherwise the motion fails."""
    needed, base = needed_for(rule, tally.members, tally.present)
    votes_for = tally.counts[FOR] if tally.counts else 0
    if votes_for >= needed:
        return Outcome(True, needed, base, False)
    against = tally.counts[AGAINST] if len(tally.counts) > AGAINST else 0
    tied = votes_for == against and votes_for > 0 and votes_for * 2 == base
    if tied and chair_choice in (FOR, AGAINST):
        return Outcome(chair_choice == FOR, needed, base, True)
    return Outcome(False, needed, base, False)


def explain(outcome: Outcome, tally: Tally, rule: MajorityRule):
    """The result in words: "Passed: 9 of 13 members for (more than half of all members)"."""
    params = {"n": tally.counts[FOR] if tally.counts else 0, "of": outcome.base,
              "rule": RULE_LABELS[rule]}
    if outcome.by_tie_break:
        if outcome.passed:
            return _l("Passed: for and against are equal (%(n)d each); the side the chair "
                      "voted for wins.", n=params["n"])
        return _l("Not passed: for and against are equal (%(n)d each); the side the chair "
                  "voted for wins.", n=params["n"])
    if outcome.passed:
        return _l("Passed: %(n)d of %(of)d members for (%(rule)s).", **params)
    return _l("Not passed: %(n)d of %(of)d members for; %(rule)s is needed.", **params)
