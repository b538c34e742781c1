"""Meetings of a body: agenda, workflow, the meeting page and its panels."""

from ecabinet.meetings import labels  # noqa: F401 - names the actions it writes to the audit log
