"""Settings read from the environment."""

from pathlib import Path

from ecabinet.config import from_environment


def test_mail_links_follow_the_port_served_on(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ECABINET_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "5201")
    assert from_environment(tmp_path)["PUBLIC_URL"] == "http://127.0.0.1:5201"
    monkeypatch.setenv("ECABINET_PUBLIC_URL", "https://ecabinet.hatinh.gov.vn")
    assert from_environment(tmp_path)["PUBLIC_URL"] == "https://ecabinet.hatinh.gov.vn"
