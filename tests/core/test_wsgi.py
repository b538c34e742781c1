"""A WSGI server hosting `wsgi:app` closes ended sessions' sockets like `ecabinet run`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

ROOT = Path(__file__).resolve().parents[2]


def test_wsgi_entry_point_starts_the_session_sweep(tmp_path):
    env = {**os.environ, "ECABINET_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite3'}"}
    env.pop("REDIS_URL", None)
    probe = ("import wsgi; from ecabinet.extensions import socketio; "
             "print(getattr(socketio.server, 'ecabinet_session_watch', False))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
