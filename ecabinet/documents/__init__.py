"""Documents of a meeting: uploads, versions, reader copies and packets."""

from ecabinet.documents import labels  # noqa: F401 - names the actions it writes to the audit log
