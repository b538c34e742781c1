"""WSGI entry point: `app` for any WSGI server (with gevent workers for websockets).

Each worker process sweeps its own sockets, closing those whose session ended (logout,
password change, deactivation), as `ecabinet run` does; serve without --preload, so the
sweep starts in the worker and not in a parent that forks.
"""

from ecabinet import create_app
from ecabinet.live.session_watch import start_session_watch

app = create_app()
start_session_watch(app)
