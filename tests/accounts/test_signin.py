"""Sign-in rules: passwords, deactivation and throttling per account and per address."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ecabinet.accounts import service, signin
from ecabinet.accounts.errors import SignInRefused, TooManyAttempts
from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from tests.conftest import DEMO_PASSWORD


def _actions():
    return [e.action for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.seq))
            .scalars()]


def test_sign_in_with_right_password_opens_a_session(world):
    user, token = signin.sign_in("Member", DEMO_PASSWORD, ip="10.0.0.1")
    assert user is world.users["member"] and len(token) > 30
    assert _actions()[-1] == "login.ok"


def test_sign_in_gives_a_new_token_each_time(world):
    _user, first = signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.1")
    _user, second = signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.1")
    assert first != second


@pytest.mark.parametrize("username, password", [("member", "wrong-pass-1"),
                                                ("nobody", DEMO_PASSWORD)])
def test_sign_in_refused_the_same_way_for_bad_password_and_unknown_user(world, username,
                                                                         password):
    with pytest.raises(SignInRefused) as caught:
        signin.sign_in(username, password, ip="10.0.0.1")
    with force_locale("en"):
        assert "Wrong username or password" in str(caught.value.message)
    assert _actions()[-1] == "login.failed"


def test_deactivated_user_cannot_sign_in(world):
    service.set_user_active(world.users["member"], False, actor=None)
    with pytest.raises(SignInRefused):
        signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.1")


def _fail(username, ip, times=1):
    for _ in range(times):
        with pytest.raises(SignInRefused):
            signin.sign_in(username, "wrong-pass-1", ip=ip)


def test_sixth_try_on_one_account_from_one_address_is_throttled(world):
    _fail("member", "10.0.0.1", 5)
    with pytest.raises(TooManyAttempts) as caught:
        signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.1")
    with force_locale("en"):
        assert "Wait 15 minutes" in str(caught.value.message)
    assert _actions()[-1] == "login.throttled"
    assert _actions().count("login.failed") == 5


def test_a_stranger_cannot_lock_the_owner_out_from_another_address(world):
    """The tester's case: five wrong passwords for an account from one address."""
    _fail("chair", "198.51.100.9", 5)
    with pytest.raises(TooManyAttempts):
        signin.sign_in("chair", DEMO_PASSWORD, ip="198.51.100.9")
    user, _token = signin.sign_in("chair", DEMO_PASSWORD, ip="10.0.1.1")
    assert user is world.users["chair"]


def test_colleague_behind_the_same_nat_address_still_signs_in(world):
    """daibieu01 with the right password, from the address where daibieu04 is being guessed."""
    _fail("secretariat", "203.0.113.5", 5)
    with pytest.raises(TooManyAttempts):
        signin.sign_in("secretariat", DEMO_PASSWORD, ip="203.0.113.5")
    user, _token = signin.sign_in("member", DEMO_PASSWORD, ip="203.0.113.5")
    assert user is world.users["member"]


def test_one_address_is_throttled_across_accounts_only_at_the_higher_count(app, world):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    assert limit >= 50
    for n in range(limit - 1):
        _fail(f"guess{n}", "192.0.2.7")
    signin.sign_in("chair", DEMO_PASSWORD, ip="192.0.2.7")  # 49 failures: still fine
    _fail("guess-last", "192.0.2.7")
    with pytest.raises(TooManyAttempts) as caught:
        signin.sign_in("member", DEMO_PASSWORD, ip="192.0.2.7")
    with force_locale("en"):
        message = str(caught.value.message)
    assert "network address" in message and "administrator" not in message
    signin.sign_in("member", DEMO_PASSWORD, ip="192.0.2.8")


def test_many_failures_across_addresses_only_slow_the_account_down(app, world, monkeypatch):
    pauses = []
    monkeypatch.setattr(signin, "_pause", pauses.append)
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    for n in range(after + 3):
        _fail("member", f"10.9.{n // 4}.{n}")
    assert pauses == [0.5, 1.0, 2.0]
    user, _token = signin.sign_in("member", DEMO_PASSWORD, ip="10.8.0.1")
    assert user is world.users["member"] and pauses[-1] == 4.0
    assert "login.slowed" in _actions() and "login.throttled" not in _actions()


def test_slowdown_grows_but_stays_bounded(app):
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    assert signin.slowdown_seconds(after - 1) == 0
    assert signin.slowdown_seconds(after) < signin.slowdown_seconds(after + 1)
    assert signin.slowdown_seconds(after + 500) == app.config["LOGIN_SLOWDOWN_MAX_S"]


def test_password_reset_by_the_administrator_lifts_the_lock(world):
    _fail("member", "10.0.0.1", 5)
    with pytest.raises(TooManyAttempts) as caught:
        signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.1")
    with force_locale("en"):
        assert "reset the password" in str(caught.value.message)
    service.set_password(world.users["member"], "Song-Lam-2026x", actor=world.users["admin"])
    user, _token = signin.sign_in("member", "Song-Lam-2026x", ip="10.0.0.1")
    assert user is world.users["member"]


def test_success_resets_the_account_counter(world):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            signin.sign_in("member", "wrong-pass-1", ip="10.0.0.1")
    signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.2")
    for _ in range(4):
        with pytest.raises(SignInRefused):
            signin.sign_in("member", "wrong-pass-1", ip="10.0.0.3")
    signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.4")
