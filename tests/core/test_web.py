"""Headers on every page, error pages in the reader's language, and /healthz."""

import pytest

from ecabinet import create_app
from tests.conftest import TEST_CONFIG

PAGES = ["/login", "/", "/admin/users", "/admin/units", "/admin/audit", "/meetings/1",
         "/account/password", "/no-such-page", "/healthz"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_security_headers_on_every_page(client, auth, world, signed_in):
    if signed_in:
        auth.login("admin")
    for path in PAGES:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in ("script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                          "base-uri 'self'"):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_and_secure_cookie_over_https(client):
    response = client.get("/login", base_url="https://ecabinet.example")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    assert "; Secure" in response.headers["Set-Cookie"]


def test_no_secure_cookie_over_plain_http(client):
    assert "; Secure" not in client.get("/login").headers["Set-Cookie"]


def test_404_page_in_vietnamese(client):
    response = client.get("/khong-co")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.text


def test_404_as_json_for_api_clients(client):
    response = client.get("/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == 404


def test_413_when_upload_too_large(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 4096})
    assert response.status_code == 413 and "Tệp quá lớn" in response.text


def test_500_shows_no_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_healthz_ok_without_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}


@pytest.mark.redis
def test_healthz_ok_with_redis(app, client, redis_url):
    app.config["REDIS_URL"] = redis_url
    assert client.get("/healthz").json["redis"] == "ok"


def test_healthz_names_redis_when_down(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"] == "unavailable" and response.json["database"] == "ok"


def test_healthz_names_database_when_down(tmp_path):
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable" and response.json["status"] != "ok"
