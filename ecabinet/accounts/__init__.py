"""Accounts, units and bodies; signing in."""

from ecabinet.accounts import labels  # noqa: F401 - names the actions it writes to the audit log
