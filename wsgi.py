"""WSGI entry point: `app` for any WSGI server (with gevent workers for websockets)."""

from ecabinet import create_app

app = create_app()
