"""The packet as a job: planned in the request, built once per reader and contents, cached,
polled, downloaded with the meeting's name and never cached by a browser or proxy."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ecabinet.documents import packets
from ecabinet.documents.errors import DownloadsNotAllowed
from ecabinet.documents.packet_models import PacketBuild, PacketState
from ecabinet.extensions import db
from ecabinet.meetings.models import AgendaItem, Confidentiality
from tests.documents.test_service import make_document


def _builds() -> int:
    return db.session.execute(select(func.count()).select_from(PacketBuild)).scalar_one()


def test_request_packet_builds_once_then_serves_the_cache(world):
    make_document(world.meeting, world.users["secretariat"], title="Mot", pages=2)
    member = world.users["member"]
    first = packets.request_packet(world.meeting, member)
    assert first.state == PacketState.READY and first.pages_total == 2
    again = packets.request_packet(world.meeting, member)
    assert again.id == first.id and again.finished_at == first.finished_at  # not rebuilt
    assert _builds() == 1
    chair = packets.request_packet(world.meeting, world.users["chair"])
    assert chair.cache_key != first.cache_key  # each reader's own watermark


def test_changed_document_makes_a_new_packet(world):
    document = make_document(world.meeting, world.users["secretariat"], title="Mot")
    member = world.users["member"]
    old = packets.request_packet(world.meeting, member)
    from ecabinet.documents import service
    from tests.documents.conftest import make_text_pdf

    service.replace_document(document, service.UploadedFile("v2.pdf", make_text_pdf(3, "V2")),
                             actor=world.users["secretariat"])
    new = packets.request_packet(world.meeting, member)
    assert new.cache_key != old.cache_key and new.pages_total == 3


def test_second_request_while_building_joins_it(world, app):
    make_document(world.meeting, world.users["secretariat"])
    app.config["PACKET_BUILDS_INLINE"] = False
    app.config["HUEY_IMMEDIATE"] = False
    member = world.users["member"]
    first = packets.request_packet(world.meeting, member)
    second = packets.request_packet(world.meeting, member)
    assert first.state == PacketState.QUEUED and second.id == first.id and _builds() == 1
    assert packets.run_build(first.id) == PacketState.READY
    assert packets.run_build(first.id) is None  # claimed once only


def test_builds_per_user_are_limited(world, app):
    secretariat, member = world.users["secretariat"], world.users["member"]
    app.config.update(PACKET_BUILDS_INLINE=False, PACKET_MAX_BUILDS_PER_USER=1)
    make_document(world.meeting, secretariat, title="Mot")
    packets.request_packet(world.meeting, member)
    make_document(world.meeting, secretariat, title="Hai")  # another packet for the same reader
    with pytest.raises(packets.PacketBusy) as refused:
        packets.request_packet(world.meeting, member)
    assert refused.value.http_status == 429


def test_packet_refused_for_confidential_unless_allowed(world):
    make_document(world.meeting, world.users["secretariat"])
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    with pytest.raises(DownloadsNotAllowed):
        packets.request_packet(world.meeting, world.users["member"])
    world.meeting.allow_downloads = True
    db.session.commit()
    assert packets.request_packet(world.meeting, world.users["member"]).state == PacketState.READY


def test_download_is_named_after_the_meeting_and_never_stored(world, client, auth):
    world.meeting.title = "Phiên họp chuyên đề về Đầu tư công"
    db.session.commit()
    make_document(world.meeting, world.users["secretariat"], title="Mot", pages=2)
    auth.login("member")
    response = client.get(f"/meetings/{world.meeting.id}/packet")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Phien hop chuyen de ve Dau tu cong.pdf"' in disposition
    full = disposition.split("filename*=UTF-8''")[1]
    assert unquote(full) == "Phiên họp chuyên đề về Đầu tư công.pdf"
    assert "meeting-" not in disposition
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 2


def test_waiting_page_and_status_while_the_worker_builds(world, client, auth, app):
    make_document(world.meeting, world.users["secretariat"], pages=2)
    app.config.update(PACKET_BUILDS_INLINE=False, HUEY_IMMEDIATE=False)
    auth.login("member")
    url = f"/meetings/{world.meeting.id}/packet"
    page = client.get(url)
    assert page.status_code == 202 and "Đang chuẩn bị" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    status = client.get(url + "/status", headers={"Accept": "application/json"})
    assert status.headers["Cache-Control"] == "no-store"
    assert status.json["state"] == "queued" and status.json["pages_total"] == 2
    assert "download_url" not in status.json
    build_id = db.session.execute(select(PacketBuild.id)).scalar_one()
    packets.run_build(build_id)
    status = client.get(url + "/status").json
    assert status["state"] == "ready" and status["download_url"] == url
    joined = client.get(url, headers={"Accept": "application/json"})
    assert joined.status_code == 200 and joined.json["state"] == "ready"


def test_refusals_are_not_stored_either(world, client, auth):
    make_document(world.meeting, world.users["secretariat"])
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    auth.login("member")
    response = client.get(f"/meetings/{world.meeting.id}/packet")
    assert response.status_code == 403 and response.headers["Cache-Control"] == "no-store"


def test_packet_in_agenda_order_with_bookmarks(world, client, auth):
    secretariat = world.users["secretariat"]
    item = AgendaItem(meeting_id=world.meeting.id, position=-1, title="Kinh tế")
    empty = AgendaItem(meeting_id=world.meeting.id, position=-2, title="Không tài liệu")
    db.session.add_all([item, empty])
    db.session.commit()
    db.session.refresh(world.meeting)
    make_document(world.meeting, secretariat, title="Loose", pages=1)
    make_document(world.meeting, secretariat, title="Report", pages=2, agenda_item_id=item.id)
    auth.login("member")
    reader = PdfReader(io.BytesIO(client.get(f"/meetings/{world.meeting.id}/packet").data))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    number = [i.id for i in world.meeting.agenda].index(item.id) + 1
    assert titles == [f"{number}. Kinh tế", "Tài liệu khác"]
    assert "Report - page 1" in reader.pages[0].extract_text()


# ---- the real path: `ecabinet run` + `ecabinet worker`, several packets at once -------------

@pytest.mark.timing
def test_healthz_answers_within_100_ms_while_packets_build(tmp_path):
    """Seven delegates ask for their packets at once; the server keeps answering /healthz."""
    import concurrent.futures
    import http.cookiejar
    import re
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.conftest import DEMO_PASSWORD
    from tests.e2e.conftest import LiveServer

    server = LiveServer(tmp_path).start()
    worker = subprocess.Popen([sys.executable, "-m", "ecabinet", "worker", "--workers", "2"],
                              env=server.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        def opener(username):
            jar = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            page = jar.open(server.url + "/login").read().decode()
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": token}).encode()
            jar.open(server.url + "/login", data=data).read()
            return jar

        home = opener("daibieu01").open(server.url + "/").read().decode()
        meeting_id = re.search(r"/meetings/(\d+)", home).group(1)
        url = f"{server.url}/meetings/{meeting_id}/packet"
        readers = [opener(f"daibieu0{n}") for n in range(1, 8)]

        def ask(jar):
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            with jar.open(request) as response:
                return response.status

        with concurrent.futures.ThreadPoolExecutor(len(readers)) as pool:
            assert set(pool.map(ask, readers)) <= {200, 202}
        latencies, deadline = [], time.monotonic() + 120

        def states():
            return [__import__("json").loads(jar.open(url + "/status").read())["state"]
                    for jar in readers]

        while time.monotonic() < deadline:
            started = time.perf_counter()
            with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
                assert response.status == 200
            latencies.append(time.perf_counter() - started)
            if len(latencies) % 10 == 0 and all(s == "ready" for s in states()):
                break
            time.sleep(0.02)
        assert all(s == "ready" for s in states())
        with readers[0].open(url) as response:
            assert response.read(5) == b"%PDF-"
            assert response.headers["Cache-Control"] == "no-store"
        assert max(latencies) < 0.1, sorted(latencies)[-5:]
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        server.stop()
