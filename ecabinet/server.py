"""The one place that chooses how eCabinet is served: gevent, with simple-websocket.

Measured for the live vote (1000 clients voting at once, each ballot committed before
its acknowledgement): gevent + simple-websocket 0.58 s; Werkzeug threads 5.3 s already
at 500 clients; an ASGI python-socketio server 2.0 s. See README "Why gevent".
"""

from __future__ import annotations

ASYNC_MODE = "gevent"


def patch_for_gevent() -> None:
    """Make sockets, DNS and sleeps cooperative; must run before Flask and drivers import.

    Greenlets are spawned without recording who spawned them from where: gevent keeps ten
    frames of every spawner's stack for debugging tools we do not use, three greenlets per
    socket, 30,000 objects held for a room of a thousand that every collection walks."""
    from gevent import config, monkey

    config.track_greenlet_tree = False
    monkey.patch_all()


def init_socketio(app) -> None:
    """Bind Flask-SocketIO: Redis as message queue when REDIS_URL is set, so processes agree."""
    from ecabinet.extensions import socketio
    from ecabinet.live.events import LiveNamespace, socket_error
    from ecabinet.notify.queue import queue_name

    if not any(ns.namespace == LiveNamespace.PATH for ns in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(LiveNamespace.PATH))
        socketio.on_error(LiveNamespace.PATH)(socket_error)
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE") or _available_mode(),
        message_queue=app.config.get("REDIS_URL"),
        # Redis's publish/subscribe ignores database numbers: deployments (and test runs) that
        # share a Redis keep their socket messages apart by the name that parts their tasks.
        channel=f"{queue_name(app)}-socketio",
        # Same origin only (engine.io compares Origin with Host); the namespace checks again.
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS"),
    )
    # Flask-SocketIO answers /socket.io/ itself, outside Flask's after_request hooks.
    app.wsgi_app = NosniffMiddleware(app.wsgi_app)


class NosniffMiddleware:
    """Add `X-Content-Type-Options: nosniff` to every response that lacks it, Engine.IO's
    polling answers included, so a browser never guesses their type."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if not any(name.lower() == "x-content-type-options" for name, _value in headers):
                headers = [*headers, ("X-Content-Type-Options", "nosniff")]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def _available_mode() -> str:
    """Use gevent when the process was patched for it, threads otherwise (tests, flask shell)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return "threading"
    return ASYNC_MODE if monkey.is_module_patched("socket") else "threading"


LISTEN_BACKLOG = 2048


def raise_open_file_limit() -> int:
    """Lift the soft limit on open files to the hard one: each live client holds a socket,
    and the usual soft limit of 1024 would refuse the thousandth delegate's tablet."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


YOUNG_COLLECTION_THRESHOLD = 7000
"""Allocations between young collections (Python's default is 700)."""


def freeze_startup_heap() -> None:
    """Keep what start-up made (modules, the app, the mappers) out of every later full
    collection, and collect the young less often: each socket keeps some 180 objects, so a
    room of a thousand connecting set off a full collection every few hundred sockets,
    each walking the whole heap (0.1-0.4 s a time, a third of the CPU of the room's
    connecting). With a tenfold young threshold, objects that die young die before the
    collector looks, and a room of a thousand connects and votes with no full collection
    (bench/vote.py). Objects frozen here are never freed, which is what modules and the app
    are anyway."""
    import gc

    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def close_app(app, *, dispose_engine: bool = True) -> None:
    """Let the app go before its process ends (each test's app): the ballot writer stops,
    its engine and the app's close (unless other apps share it: `dispose_engine=False`),
    and background work that wakes later leaves the database alone, so that no connection
    outlives the app."""
    from ecabinet.core.database import close_database
    from ecabinet.voting.writer import close_writer

    close_writer(app)
    close_database(app, dispose_engine=dispose_engine)


def run(app, host: str, port: int) -> None:
    """Serve HTTP and websockets on one port with the chosen server."""
    from ecabinet.extensions import socketio
    from ecabinet.live.session_watch import start_session_watch

    raise_open_file_limit()
    start_session_watch(app)
    freeze_startup_heap()
    options = {}
    if socketio.server.eio.async_mode == "gevent":
        # A room of a thousand tablets connects within a second; the default backlog of 128
        # makes the rest retry a second later (the kernel caps it at net.core.somaxconn).
        options["backlog"] = LISTEN_BACKLOG
    socketio.run(app, host=host, port=port, log_output=True, allow_unsafe_werkzeug=False,
                 **options)
