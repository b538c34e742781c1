"""The `ecabinet` command. `run` patches for gevent before anything else is imported."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        from ecabinet.server import patch_for_gevent

        patch_for_gevent()
    from ecabinet.cli import cli

    cli(prog_name="ecabinet")


if __name__ == "__main__":
    main()
