"""The live room: attendance, the current item, speakers, over the /live namespace."""

from ecabinet.live import labels  # noqa: F401 - names the actions it writes to the audit log
