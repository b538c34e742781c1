"""Answers to meeting invitations: attend, decline with a reason, or send a deputy."""

from ecabinet.invitations import labels  # noqa: F401 - names the actions it writes to the audit log
