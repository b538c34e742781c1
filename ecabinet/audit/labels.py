"""Words for the audit log's codes: each feature names the actions it records, so the admin
reads "Đăng nhập thành công" while the code (`login.ok`) stays for operators and filters."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

_ACTIONS: dict[str, object] = {}
_OBJECTS: dict[str, object] = {}


def register_actions(labels: Mapping[str, object]) -> None:
    """Name a feature's action codes (lazy strings, shown in the reader's language)."""
    _ACTIONS.update(labels)


def register_objects(labels: Mapping[str, object]) -> None:
    """Name a feature's object types ("meeting" -> "Cuộc họp")."""
    _OBJECTS.update(labels)


def action_label(code: str) -> str:
    """The words for `code`, or the code itself for one nobody named (kept readable)."""
    label = _ACTIONS.get(code)
    return str(label) if label is not None else code


def object_label(object_type: str) -> str:
    label = _OBJECTS.get(object_type)
    return str(label) if label is not None else object_type


def known_actions() -> list[tuple[str, str]]:
    """(code, words) of every named action, for the filter's list."""
    return [(code, str(label)) for code, label in _ACTIONS.items()]


register_actions({"access.denied": _l("Access refused")})
register_objects({"endpoint": _l("Page"), "socket_event": _l("Live event")})
