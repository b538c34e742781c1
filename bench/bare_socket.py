"""The floor of bench/vote.py: a bare Flask-SocketIO server on the same async mode (gevent,
simple-websocket) that answers `cast_ballot` with no sign-in, receipt, chain or room update.

    python bench/bare_socket.py --port P            # acknowledge only: the transport
    python bench/bare_socket.py --port P --commit F # and commit each ballot to SQLite file F

With --commit each ballot is one INSERT and one COMMIT with the app's own SQLite pragmas
(WAL, synchronous=NORMAL), inline in the handler, so the figure is what one commit per
ballot costs on this machine.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402 - after patching, as ecabinet run does
import sqlite3  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402


def create(commit_path: str | None):
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent")
    store = None
    if commit_path:
        store = sqlite3.connect(commit_path, isolation_level=None, check_same_thread=False)
        store.execute("PRAGMA journal_mode=WAL")
        store.execute("PRAGMA synchronous=NORMAL")
        store.execute("CREATE TABLE IF NOT EXISTS ballots (id INTEGER PRIMARY KEY, "
                      "poll_id INTEGER, token TEXT UNIQUE, choices TEXT)")

    @app.get("/healthz")
    def healthz():
        return "ok"

    @socketio.on("room_join", namespace="/live")
    def room_join(data=None):
        return {"ok": True}

    @socketio.on("cast_ballot", namespace="/live")
    def cast_ballot(data):
        if store is not None:
            store.execute("BEGIN")
            store.execute("INSERT OR IGNORE INTO ballots (poll_id, token, choices) "
                          "VALUES (?, ?, ?)", (data["poll_id"], data["token"],
                                               str(data["choices"])))
            store.execute("COMMIT")
        return {"ok": True, "poll_id": data["poll_id"], "receipt": data["token"][:9],
                "choices": data["choices"], "repeated": False}

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--commit", help="SQLite file to commit each ballot to")
    args = parser.parse_args()
    app, socketio = create(args.commit)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False)


if __name__ == "__main__":
    main()
