"""Real Socket.IO clients of the live room: sign in through /login, join, vote, watch.

`Voter` is one delegate's tablet (python-socketio's AsyncClient over websocket). `serve`
runs a share of them in a load-generator process, driven over a pipe by bench/vote.py, so
that the clients' own CPU is spread over processes like real tablets are.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time

NAMESPACE = "/live"


class Voter:
    """One signed-in client; remembers when it saw the tally and the closed result."""

    def __init__(self, username: str, url: str, password: str = "", *, choice: int = 0):
        self.username, self.url, self.password, self.choice = username, url, password, choice
        self.token = secrets.token_urlsafe(16)
        self.cookie = ""
        self.sio = None
        self.joined_at = 0.0
        self.voted_seen: dict[int, tuple[int, float]] = {}
        """poll id -> (highest `voted` seen in a room snapshot, when first seen)."""
        self.result_at: dict[int, float] = {}
        """poll id -> when a snapshot with its closed result arrived."""
        self.snapshot: dict | None = None

    async def sign_in(self) -> None:
        """GET /login for the CSRF token, POST the credentials, keep the session cookie."""
        import aiohttp

        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.get(self.url + "/login") as response:
                page = await response.text()
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
            async with http.post(self.url + "/login", allow_redirects=False,
                                 data={"username": self.username, "password": self.password,
                                       "csrf_token": token}) as response:
                if response.status != 302:
                    raise RuntimeError(f"sign-in of {self.username}: HTTP {response.status}")
            self.cookie = "; ".join(f"{c.key}={c.value}" for c in jar)

    def _saw_count(self, poll_id: int, voted: int) -> None:
        seen = self.voted_seen.get(poll_id)
        if seen is None or voted > seen[0]:
            self.voted_seen[poll_id] = (voted, time.monotonic())

    def _on_room(self, data) -> None:
        self.snapshot = data
        poll = (data or {}).get("poll") or {}
        if not poll:
            return
        self._saw_count(poll["id"], poll["voted"])
        if poll["status"] == "closed" and "result" in poll:
            self.result_at.setdefault(poll["id"], time.monotonic())

    def _on_progress(self, data) -> None:
        """While ballots pour in the room gets only the count (`poll_progress`)."""
        if isinstance(data, dict) and "poll_id" in data:
            self._saw_count(data["poll_id"], data["voted"])

    async def connect(self, meeting_id: int | None, timeout: float = 60) -> dict:
        """Open the websocket and join the meeting's room (its full state comes back)."""
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("room", self._on_room, namespace=NAMESPACE)
        self.sio.on("poll_progress", self._on_progress, namespace=NAMESPACE)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.sio.connect(self.url, namespaces=[NAMESPACE], transports=["websocket"],
                               headers=headers, wait_timeout=timeout)
        state = await self.sio.call("room_join", {"meeting_id": meeting_id},
                                    namespace=NAMESPACE, timeout=timeout)
        self.joined_at = time.monotonic()
        if isinstance(state, dict) and "poll" in state:
            self._on_room(state)
        return state

    async def call(self, event: str, data: dict, timeout: float = 60):
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=timeout)

    async def cast(self, poll_id: int, *, resend: bool = False, timeout: float = 60) -> dict:
        """Send the ballot with this client's token; with `resend`, send it again (same
        token) once acknowledged, as a tablet does when it missed the acknowledgement."""
        ballot = {"poll_id": poll_id, "choices": [self.choice], "token": self.token}
        sent = time.monotonic()
        try:
            ack = await self.call("cast_ballot", ballot, timeout)
            acked = time.monotonic()
            again = await self.call("cast_ballot", ballot, timeout) if resend else None
        except Exception as error:  # noqa: BLE001 - a timeout or a dropped socket, reported
            return {"user": self.username, "sent": sent, "acked": None,
                    "ack": {"error": type(error).__name__}, "again": None}
        return {"user": self.username, "sent": sent, "acked": acked, "ack": ack,
                "again": again}

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()


async def _gather_limited(coros, limit: int):
    gate = asyncio.Semaphore(limit)

    async def one(coro):
        async with gate:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))


async def _serve(conn, jobs: list[dict]) -> None:
    timeout = jobs[0]["timeout"] if jobs else 60
    voters = [Voter(j["username"], j["url"], j["password"], choice=j["choice"]) for j in jobs]
    resend = {j["username"] for j in jobs if j.get("resend")}

    async def command():
        return await asyncio.to_thread(conn.recv)

    while True:
        name, arg = await command()
        if name == "sign_in":
            await _gather_limited((v.sign_in() for v in voters), 16)
            conn.send(None)
        elif name == "connect":  # a client that failed to join reports 0.0
            await asyncio.gather(*(v.connect(arg, timeout) for v in voters),
                                 return_exceptions=True)
            conn.send([v.joined_at for v in voters])
        elif name == "cast":
            conn.send(await asyncio.gather(*(v.cast(arg, resend=v.username in resend,
                                                    timeout=timeout) for v in voters)))
        elif name == "results":  # wait until every client holds poll `arg`'s result
            poll_id, wait = arg
            deadline = time.monotonic() + wait
            while (time.monotonic() < deadline
                   and not all(poll_id in v.result_at for v in voters)):
                await asyncio.sleep(0.01)
            conn.send([v.result_at.get(poll_id) for v in voters])
        elif name == "quit":
            await asyncio.gather(*(v.close() for v in voters), return_exceptions=True)
            conn.send(None)
            return


def serve(conn, jobs: list[dict]) -> None:
    """Entry point of a load-generator process."""
    import logging

    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # one line per close
    asyncio.run(_serve(conn, jobs))
