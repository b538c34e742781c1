"""Typed refusals of the voting service, each with a stable code for clients."""

from ecabinet.core.errors import EcabinetError


class VotingError(EcabinetError):
    code = "voting_error"


class PollClosed(VotingError):
    code = "poll_closed"
    http_status = 409


class NotEligible(VotingError):
    code = "not_eligible"
    http_status = 403


class AlreadyVoted(VotingError):
    """A second ballot with a new token where the poll allows no change."""

    code = "already_voted"
    http_status = 409


class InvalidBallot(VotingError):
    code = "invalid_ballot"


class InvalidPoll(VotingError):
    code = "invalid_poll"


class NoQuorum(VotingError):
    code = "no_quorum"
    http_status = 409


class NotRecorded(VotingError):
    """The writer did not confirm the ballot: sending it again with the same token is safe,
    and tells whether it had been stored."""

    code = "not_recorded"
    http_status = 503
