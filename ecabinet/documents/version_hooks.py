"""Features that follow a document's versions register here, so documents/ imports none of them.

A feature registers once, at import time::

    @on_version_added
    def carry_notes(document, version): ...

:func:`version_added` runs every hook after the new version is committed. A hook that fails
is logged and its session rolled back: the upload stands (the hook's own data must then be
made up later, as annotations carry themselves over when next listed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ecabinet.extensions import db

log = logging.getLogger(__name__)
VersionHook = Callable[[object, object], None]
_HOOKS: dict[str, VersionHook] = {}


def on_version_added(hook: VersionHook) -> VersionHook:
    """Call ``hook(document, version)`` after each new version (a second import replaces)."""
    _HOOKS[f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def version_added(document, version) -> None:
    for name, hook in list(_HOOKS.items()):
        try:
            hook(document, version)
        except Exception:
            log.exception("version hook %s failed for document %s", name, document.id)
            db.session.rollback()
