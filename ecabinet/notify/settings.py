"""Queue and delivery settings: the app's config first, then ECABINET_<NAME>, then a default.

The environment fallback lets an operator (or a test) tune the worker without touching
ecabinet/config.py, e.g. ECABINET_MAIL_RETRY_BASE_S=0.1.
"""

from __future__ import annotations

from ecabinet.core.settings import number_setting

DEFAULTS: dict[str, float] = {
    "HUEY_WORKERS": 4,  # delivery threads in `ecabinet worker`
    "MAIL_BATCH_SIZE": 20,  # mails sent over one SMTP session by one task
    "MAIL_MAX_ATTEMPTS": 6,  # then the mail is marked failed (and kept)
    "MAIL_RETRY_BASE_S": 10,  # first back-off; later ones multiply by the factor
    "MAIL_RETRY_FACTOR": 3,  # 10 s, 30 s, 90 s, 270 s, 810 s
}


def setting(config, name: str) -> float:
    """Read a numeric setting; a malformed value falls back to the default."""
    return number_setting(config, name, DEFAULTS[name])


def retry_delay(config, attempts: int) -> float:
    """Seconds to wait before the attempt after `attempts` failed ones (exponential)."""
    base, factor = setting(config, "MAIL_RETRY_BASE_S"), setting(config, "MAIL_RETRY_FACTOR")
    return base * factor ** max(attempts - 1, 0)
