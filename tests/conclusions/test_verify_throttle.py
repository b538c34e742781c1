"""The public verification pages are throttled per address, or per account when signed in:
each upload starts a limited child, so past VERIFY_MAX_CHECKS per VERIFY_WINDOW an address
(or account) is told, in words, to wait."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from ecabinet.conclusions import verification
from ecabinet.conclusions.errors import TooManyChecks
from tests.conftest import csrf_token

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_checks(app):
    app.config["VERIFY_MAX_CHECKS"] = 2
    return app


def _look_up(client, address="192.0.2.10"):
    return client.get("/verify/number", query_string={"number": "01/TB-UBND", "year": "2026"},
                      environ_base={"REMOTE_ADDR": address})


def test_checks_past_the_limit_get_429_in_words(two_checks, client, monkeypatch):
    assert [_look_up(client).status_code for _ in range(2)] == [200, 200]
    refused = _look_up(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
    html = refused.get_data(as_text=True)
    assert "Địa chỉ mạng này đã kiểm tra quá nhiều lần. Vui lòng chờ 10 phút" in html
    assert "Traceback" not in html

    def no_child(*_args):
        raise AssertionError("a refused upload must not start a child")

    monkeypatch.setattr(verification, "verify_upload", no_child)
    upload = client.post("/verify", data={
        "csrf_token": csrf_token(client), "file": (io.BytesIO(b"%PDF-1.7\n"), "a.pdf")},
        content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert upload.status_code == 429  # uploads and look-ups share the address's checks
    assert _look_up(client, "192.0.2.11").status_code == 200  # another address is not held


def test_the_refusal_is_in_english_for_an_english_reader(two_checks, client):
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    for _ in range(2):
        _look_up(client)
    html = _look_up(client).get_data(as_text=True)
    assert "Too many checks from this network address. Wait 10 minutes" in html


def test_the_form_alone_is_not_counted(two_checks, client):
    for _ in range(3):
        assert client.get("/verify/number").status_code == 200
        assert client.get("/verify").status_code == 200
    assert _look_up(client).status_code == 200


def test_checks_older_than_the_window_no_longer_count(two_checks):
    verification.count_check("192.0.2.10", now=T0)
    verification.count_check("192.0.2.10", now=T0 + dt.timedelta(minutes=4))
    with pytest.raises(TooManyChecks) as refused:
        verification.count_check("192.0.2.10", now=T0 + dt.timedelta(minutes=5))
    assert "5" in str(refused.value.message)  # the first check leaves the window in 5 min
    verification.count_check("192.0.2.10", now=T0 + dt.timedelta(minutes=10, seconds=1))


def test_a_signed_in_clerk_counts_apart_from_the_public_behind_the_same_address(
        two_checks, client, world, auth):
    """A ward office's clerks and the public share one NAT address: the public using up
    the address's checks leaves a signed-in person their own, counted for the account."""
    public = two_checks.test_client()
    assert [_look_up(public).status_code for _ in range(3)] == [200, 200, 429]
    auth.login("clerk")
    assert [_look_up(client).status_code for _ in range(2)] == [200, 200]
    refused = _look_up(client)
    assert refused.status_code == 429
    assert "Tài khoản này đã kiểm tra quá nhiều lần. Vui lòng chờ 10 phút" in refused.text
    assert _look_up(public, "192.0.2.11").status_code == 200  # the account is not an address


def test_checks_of_an_account_are_counted_whatever_its_address(app, world):
    app.config["VERIFY_MAX_CHECKS"] = 2
    clerk = world.users["clerk"].id
    verification.count_check("192.0.2.10", user_id=clerk, now=T0)
    verification.count_check("198.51.100.7", user_id=clerk, now=T0)
    with pytest.raises(TooManyChecks, match="Tài khoản này"):
        verification.count_check("203.0.113.9", user_id=clerk, now=T0)
    verification.count_check("192.0.2.10", now=T0)  # the address's own checks are untouched
