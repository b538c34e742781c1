"""Headers every response carries: a strict CSP and friends; the client address for audit."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from ecabinet.core.context import client_ip

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


# What browsers drop from a URL before they parse it (WHATWG URL: tab, LF and CR anywhere,
# C0 controls and space at either end): "/\t/evil.example" becomes "//evil.example".
_URL_DROPPED_ANYWHERE = str.maketrans("", "", "\t\n\r")
_URL_TRIMMED_AT_ENDS = "".join(chr(c) for c in range(0x21))


def safe_next_path(target: object) -> str | None:
    """Return `target` as a path on this site, or None when a browser could leave the site.

    The check runs on what a browser would actually follow: tabs and newlines removed, ends
    trimmed; then only a plain absolute path passes (no scheme, no host, no "//", no
    backslash, which browsers read as a slash, and no other control character).
    """
    if not isinstance(target, str):
        return None
    cleaned = target.translate(_URL_DROPPED_ANYWHERE).strip(_URL_TRIMMED_AT_ENDS)
    if (not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned
            or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned)):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def _remember_client() -> None:
    client_ip.set(request.remote_addr or "")


def _add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.before_request(_remember_client)
    app.after_request(_add_headers)
    if app.config.get("TRUST_PROXY_HEADERS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
