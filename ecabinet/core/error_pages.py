"""Error pages in the reader's language, as HTML or JSON; never a stack trace."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ecabinet.core.errors import EcabinetError

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or was moved.")),
        405: (_("Not allowed"), _("This action cannot be done this way.")),
        413: (_("File too large"), _("The file or form you sent is larger than allowed.")),
        429: (_("Too many requests"), _("Too many attempts. Wait a few minutes and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged; "
                                          "please try again.")),
        503: (_("Service unavailable"), _("The service is temporarily unavailable.")),
    }


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or best == "application/json"


def render_error(status: int, message: str | None = None):
    title, default_text = _titles().get(status, _titles()[500])
    text = message or default_text
    if _wants_json():
        return jsonify(error=status, message=text), status
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _on_http_error(error: HTTPException):
    if isinstance(error, CSRFError):
        return render_error(400, _("The form expired or was sent from elsewhere. Reload the "
                                   "page and send it again; what you typed is kept in the form."))
    return render_error(error.code or 500)


def _on_app_error(error: EcabinetError):
    return render_error(error.http_status, str(error.message))


def _on_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _on_http_error(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _on_http_error)
    app.register_error_handler(EcabinetError, _on_app_error)
    app.register_error_handler(InternalServerError, _on_unexpected)
    app.register_error_handler(Exception, _on_unexpected)
