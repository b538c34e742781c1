"""Who and where a request comes from, made available to services without the request object."""

from __future__ import annotations

from contextvars import ContextVar

client_ip: ContextVar[str] = ContextVar("client_ip", default="")
