"""A delegate in a real browser, against a real server, under the strict CSP."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import LiveServer, PageWatcher, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.shared_server]

TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def test_delegate_signs_in_and_sees_home_in_vietnamese(live_server, browser, tmp_path):
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01", through_form=True)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Cuộc họp sắp tới").is_visible()
    assert page.get_by_text("Phiên họp thường kỳ tháng 12 năm 2026").is_visible()
    # The draft meeting is not shown to a delegate.
    assert page.get_by_text("Phiên họp chuyên đề về đầu tư công").count() == 0
    # The websocket connects through the gevent server (status shown in the menu).
    page.get_by_text("Trình đơn").click()
    page.get_by_text("Trực tuyến").wait_for()
    page.screenshot(path=tmp_path / "home-tablet.png", full_page=True)
    page.get_by_text("Phiên họp thường kỳ tháng 12 năm 2026").click()
    page.get_by_role("heading", name="Thành phần tham dự").wait_for()
    assert watcher.problems == []
    context.close()


def test_phone_layout_has_no_horizontal_scroll(live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "admin")
    for path in ("/", "/admin/users", "/admin/audit"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    assert watcher.problems == []
    context.close()


def test_wrong_password_message_in_vietnamese(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("Tên đăng nhập").fill("daibieu02")
    page.get_by_label("Mật khẩu").fill("khong-dung-123")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Sai tên đăng nhập")
    page.close()


def test_server_refuses_socket_handshake_from_a_foreign_origin(live_server):
    url = live_server.url + "/socket.io/?EIO=4&transport=polling"
    own = urllib.request.Request(url, headers={"Origin": live_server.url})
    with urllib.request.urlopen(own, timeout=5) as response:
        assert response.status == 200
    foreign = urllib.request.Request(url, headers={"Origin": "https://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(foreign, timeout=5)
    refused.value.close()
    assert refused.value.code == 400


@pytest.mark.redis
def test_notice_through_redis_reaches_the_browser(browser, redis_url, tmp_path):
    """A second process (here: the test) emits through Redis; the server relays it live."""
    import uuid

    import socketio

    # A name of this run's own: processes that share a Redis hear only their own channel.
    name = f"ecabinet-test-{uuid.uuid4().hex}"
    server = LiveServer(tmp_path, redis_url=redis_url)
    server.env["ECABINET_QUEUE_NAME"] = name
    server.start()
    try:
        page = browser.new_page()
        sign_in(page, server.url, "daibieu01")
        page.get_by_text("Trình đơn").click()
        page.get_by_text("Trực tuyến").wait_for()
        external = socketio.RedisManager(redis_url, channel=f"{name}-socketio", write_only=True)
        try:
            external.emit("notification", {"text": "Cuộc họp đã được phát hành", "url": "/"},
                          namespace="/live", room=f"user:{server.user_id('daibieu01')}")
        finally:
            external.pubsub.close()
            external.redis.close()
        page.locator(".toast").get_by_text("Cuộc họp đã được phát hành").wait_for()
        page.close()
    finally:
        server.stop()
