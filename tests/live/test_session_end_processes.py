"""Two real `ecabinet run` processes sharing the database and Redis (the message queue): a
logout through one closes the socket held by the other within 5 s."""

import asyncio
import re
import subprocess
import sys
import time

import pytest

from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def two_servers(tmp_path, redis_url):
    from tests.e2e.conftest import LiveServer, _free_port

    first = LiveServer(tmp_path / "a", redis_url=redis_url)
    (tmp_path / "a").mkdir()
    first.start()
    port = _free_port()
    env = {**first.env, "PORT": str(port)}
    log = open(tmp_path / "second.log", "w")  # noqa: SIM115 - closed below
    second = subprocess.Popen([sys.executable, "-m", "ecabinet", "run"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        yield first.url, f"http://127.0.0.1:{port}"
    finally:
        second.terminate()
        second.wait(timeout=10)
        log.close()
        first.stop()


async def _sign_in(http, base: str) -> None:
    async with http.get(base + "/login") as response:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await response.text())[1]
    async with http.post(base + "/login", allow_redirects=False,
                         data={"username": "daibieu01", "password": DEMO_PASSWORD,
                               "csrf_token": token}) as response:
        assert response.status == 302


async def _logout(http, base: str) -> None:
    async with http.get(base + "/") as response:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await response.text())[1]
    async with http.post(base + "/logout", allow_redirects=False,
                         data={"csrf_token": token}) as response:
        assert response.status == 302


async def _scenario(first: str, second: str) -> float:
    import aiohttp
    import socketio

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for _ in range(100):  # the second server may still be starting
            try:
                async with http.get(second + "/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        await _sign_in(http, first)
        cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
        sio = socketio.AsyncClient(reconnection=False)
        closed = asyncio.Event()
        sio.on("disconnect", closed.set, namespace="/live")
        await sio.connect(second, namespaces=["/live"], transports=["websocket"],
                          headers={"Cookie": cookie})
        assert (await sio.call("whoami", namespace="/live", timeout=10))["username"] == "daibieu01"
        await _logout(http, first)  # the session ends through the other process
        started = time.monotonic()
        try:
            await asyncio.wait_for(closed.wait(), timeout=5)
        finally:
            await sio.disconnect()
        return time.monotonic() - started


def test_logout_in_one_process_closes_the_socket_in_another(two_servers):
    elapsed = asyncio.run(_scenario(*two_servers))
    assert elapsed < 5
    print(f"socket closed {elapsed:.2f} s after logout in the other process")
