"""The meeting page is a host: features add their panels to it here, never by editing meetings/.

A feature registers a panel once, at import time of its views module::

    register_panel("documents", "documents/_meeting_documents.html", documents_context,
                   order=20)

`context(meeting, user)` returns the template's variables, or None when the panel has nothing
to show that user; it must not check whether the user may see the meeting (the page did).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

PanelContext = Callable[[object, object], dict | None]


@dataclass(frozen=True)
class Panel:
    name: str
    """Stable name, also the panel's anchor on the page."""
    template: str
    """Jinja template rendered with the context's variables (and `meeting`)."""
    context: PanelContext
    """Variables for the template, or None to leave the panel out for this user."""
    order: int = 100
    """Lower comes first; the agenda sits at 10."""


_PANELS: dict[str, Panel] = {}


def register_panel(name: str, template: str, context: PanelContext, *, order: int = 100) -> None:
    """Add (or replace, on a second import) a panel of the meeting page."""
    _PANELS[name] = Panel(name, template, context, order)


def registered_panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.name))


def render_panels(meeting, user) -> list[Markup]:
    """Each registered panel rendered for this user, in order; left out where it has nothing."""
    rendered = []
    for panel in registered_panels():
        variables = panel.context(meeting, user)
        if variables is not None:
            html = render_template(panel.template, **{"meeting": meeting, **variables})
            rendered.append(Markup(html))  # noqa: S704 - output of an autoescaped template
    return rendered
