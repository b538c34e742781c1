"""Settings read from the environment."""

from pathlib import Path

import pytest

from ecabinet import create_app
from ecabinet.config import TEST_PASSWORD_HASH, Defaults, from_environment

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


def test_mail_links_follow_the_port_served_on(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ECABINET_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "5201")
    assert from_environment(tmp_path)["PUBLIC_URL"] == "http://127.0.0.1:5201"
    monkeypatch.setenv("ECABINET_PUBLIC_URL", "https://ecabinet.hatinh.gov.vn")
    assert from_environment(tmp_path)["PUBLIC_URL"] == "https://ecabinet.hatinh.gov.vn"


def test_production_argon2_costs_unless_test_hashing_is_asked_for(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ECABINET_PASSWORD_HASH", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ARGON2_MEMORY_COST"] == Defaults.ARGON2_MEMORY_COST == 64 * 1024
    assert app.config["ARGON2_TIME_COST"] == Defaults.ARGON2_TIME_COST == 3
    monkeypatch.setenv("ECABINET_PASSWORD_HASH", "test")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert {key: app.config[key] for key in TEST_PASSWORD_HASH} == TEST_PASSWORD_HASH


def test_unknown_password_hash_setting_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ECABINET_PASSWORD_HASH", "fast")
    with pytest.raises(ValueError, match="ECABINET_PASSWORD_HASH"):
        from_environment(tmp_path)
