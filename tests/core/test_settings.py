"""Numeric settings: config, then ECABINET_<NAME>, then the default; never a crash."""

from __future__ import annotations

import pytest

from ecabinet.core.settings import number_setting

pytestmark = pytest.mark.dbless


def test_config_wins_then_environment_then_default(monkeypatch):
    monkeypatch.setenv("ECABINET_RETRY_S", "2.5")
    assert number_setting({"RETRY_S": 7}, "RETRY_S", 10) == 7.0
    assert number_setting({}, "RETRY_S", 10) == 2.5
    monkeypatch.delenv("ECABINET_RETRY_S")
    assert number_setting({}, "RETRY_S", 10) == 10.0


@pytest.mark.parametrize("config, env", [({"RETRY_S": "soon"}, None), ({}, "ten")])
def test_a_malformed_value_falls_back_to_the_default(monkeypatch, config, env):
    if env:
        monkeypatch.setenv("ECABINET_RETRY_S", env)
    assert number_setting(config, "RETRY_S", 10) == 10.0
