"""A server that renders, signs, stamps and migrates nothing does not hold the libraries
for it.

fpdf2, pyHanko, pypdf and what they pull in (PIL, fontTools, lxml, cryptography's X.509) are
about 45 MB of every server process, Flask-Migrate's Alembic, Mako and Pygments 11 MB; they
load with the first PDF a request makes, the first `ecabinet db` command.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ("fpdf", "pyhanko", "pyhanko_certvalidator", "pypdf", "PIL", "fontTools", "lxml",
             "cryptography.x509", "flask_migrate", "alembic", "mako", "pygments")

PROBE = """
import importlib, pkgutil, sys
from ecabinet import create_app
import ecabinet.cli, ecabinet.live, ecabinet.voting  # `ecabinet run` comes through the CLI

create_app()
# every module a live meeting runs (the vote's PDF export aside, made on request)
for package in (ecabinet.live, ecabinet.voting):
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if module.name != "ecabinet.voting.export":
            importlib.import_module(module.name)
print(" ".join(name for name in sys.argv[1:] if name in sys.modules))
"""


def test_create_app_loads_no_pdf_or_migration_library(tmp_path):
    env = {**os.environ, "ECABINET_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'idle.sqlite3'}"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", PROBE, *LIBRARIES], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), \
        f"loaded at start: {result.stdout.strip()}"


def test_signing_loads_each_name_from_its_module():
    import signing

    lazy = set(signing._MODULE_OF) | set(signing._SUBMODULES)
    assert lazy == set(signing.__all__)
    for name in signing.__all__:
        assert getattr(signing, name) is not None
