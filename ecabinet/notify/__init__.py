"""Notifications in the app and by mail."""

from ecabinet.notify import labels  # noqa: F401 - names the actions it writes to the audit log
