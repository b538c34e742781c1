"""Polls of a live meeting: who may vote, one ballot each, receipts, a verifiable result."""

from ecabinet.voting import labels  # noqa: F401 - names the actions it writes to the audit log
