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


def test_sixth_attempt_on_one_account_is_throttled_even_with_right_password(world):
    for n in range(5):
        with pytest.raises(SignInRefused):
            signin.sign_in("member", "wrong-pass-1", ip=f"10.0.0.{n}")
    with pytest.raises(TooManyAttempts):
        signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.99")
    assert _actions()[-1] == "login.throttled"
    # Another account from another address is unaffected.
    signin.sign_in("chair", DEMO_PASSWORD, ip="10.0.1.1")


def test_sixth_attempt_from_one_address_is_throttled_across_accounts(world):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        with pytest.raises(SignInRefused):
            signin.sign_in(name, "whatever-1", ip="192.0.2.7")
    with pytest.raises(TooManyAttempts):
        signin.sign_in("chair", DEMO_PASSWORD, ip="192.0.2.7")


def test_success_resets_the_account_counter(world):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            signin.sign_in("member", "wrong-pass-1", ip="10.0.0.1")
    signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.2")
    for _ in range(4):
        with pytest.raises(SignInRefused):
            signin.sign_in("member", "wrong-pass-1", ip="10.0.0.3")
    signin.sign_in("member", DEMO_PASSWORD, ip="10.0.0.4")
