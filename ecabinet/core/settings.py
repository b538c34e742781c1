"""Numeric settings an operator tunes without editing ecabinet/config.py: the app's config
first, then ECABINET_<NAME> in the environment (e.g. ECABINET_MAIL_RETRY_BASE_S=0.1 for a
test's worker), then the feature's default."""

from __future__ import annotations

import os
from collections.abc import Mapping


def number_setting(config: Mapping, name: str, default: float) -> float:
    """The setting as a number; a malformed value falls back to the default."""
    value = config.get(name)
    if value is None:
        value = os.environ.get(f"ECABINET_{name}") or default
    try:
        return float(value)
    except (TypeError, ValueError):
        return float(default)
