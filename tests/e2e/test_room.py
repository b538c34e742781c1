"""The meeting room in real browsers: the chair starts the meeting and runs a vote, two
delegates (one on a phone) check in and vote, every screen shows "recorded" and the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageWatcher, open_meeting, sign_in

pytestmark = pytest.mark.e2e


def _room(browser, base, username, width):
    context, page, watcher = open_meeting(browser, base, username, width)
    with page.expect_navigation():
        page.get_by_role("link", name="Vào phòng họp").click()
    page.wait_for_selector("html[data-room-ready]")
    return context, page, watcher


def test_chair_runs_a_vote_two_delegates_cast_it(live_server, browser):
    base = live_server.url
    chair_ctx, chair, chair_watch = _room(browser, base, "chutich", 1280)
    chair.get_by_role("button", name="Bắt đầu cuộc họp").click()
    expect(chair.locator('[data-bind="status"]')).to_have_text("Đang họp")
    chair.get_by_role("button", name="Điểm danh có mặt").click()
    delegates = []
    for username, width in (("daibieu01", 390), ("daibieu02", 1280)):
        context, page, watcher = _room(browser, base, username, width)
        expect(page.get_by_role("button", name="Bắt đầu cuộc họp")).to_be_hidden()
        page.get_by_role("button", name="Điểm danh có mặt").click()
        expect(page.get_by_role("button", name="Điểm danh có mặt")).to_be_hidden()
        delegates.append((context, page, watcher))
    expect(chair.locator('[data-bind="quorum"]')).to_contain_text("(3/")

    # The second delegate has a second device open on the room (no ballot in its storage).
    laptop_ctx, laptop, laptop_watch = _room(browser, base, "daibieu02", 1280)
    laptop.evaluate("window.sameDocument = true")  # gone if the page reloads

    chair.fill("#poll-question", "Thông qua dự toán ngân sách năm 2027?")
    chair.check("input[name=override_quorum]")
    chair.get_by_role("button", name="Mở biểu quyết").click()
    expect(laptop.get_by_role("button", name="Gửi phiếu")).to_be_enabled()
    for _context, page, _watcher in delegates:
        page.get_by_label("Tán thành", exact=True).check()
        page.get_by_role("button", name="Gửi phiếu").click()
        expect(page.locator("[data-ballot-status]")).to_have_text(
            re.compile(r"Đã ghi nhận\. Mã phiếu: [A-Z2-9]{4}-[A-Z2-9]{4}"))
    expect(chair.locator("[data-progress]")).to_have_text(re.compile(r"Đã biểu quyết: 2/"))
    # The open form on the second device shows the ballot cast at once, receipt too...
    receipt = delegates[1][1].locator("[data-ballot-status]").text_content()
    expect(laptop.locator("[data-ballot-status]")).to_have_text(receipt)
    expect(laptop.get_by_label("Tán thành", exact=True)).to_be_checked()
    expect(laptop.get_by_role("button", name="Gửi phiếu")).to_be_disabled()
    assert laptop.evaluate("window.sameDocument") is True
    # ...and so does a device that opens the room afterwards.
    later_ctx, later, later_watch = _room(browser, base, "daibieu02", 1280)
    expect(later.locator("[data-ballot-status]")).to_have_text(receipt)
    expect(later.get_by_role("button", name="Gửi phiếu")).to_be_disabled()
    assert laptop_watch.problems == [] and later_watch.problems == []
    laptop_ctx.close()
    later_ctx.close()
    display_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    display = display_ctx.new_page()
    display_watch = PageWatcher(display)
    sign_in(display, base, "thuky")
    display.goto(chair.url.replace("/room", "/display"))
    display.wait_for_selector("html[data-room-ready]")
    expect(display.locator('[data-bind="progress"]')).to_have_text(re.compile(r"Đã biểu quyết: 2/"))
    chair.get_by_role("button", name="Kết thúc biểu quyết").click()
    for page in [chair] + [p for _c, p, _w in delegates]:
        expect(page.locator(".room-result")).to_contain_text("2/")
    expect(display.locator('[data-bind="result"]')).to_contain_text("thành viên tán thành")
    display.screenshot(path=str(live_server.log.parent / "display.png"))
    assert display_watch.problems == []
    display_ctx.close()
    phone = delegates[0][1]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for watcher in [chair_watch] + [w for _c, _p, w in delegates]:
        assert watcher.problems == []
    for context in [chair_ctx] + [c for c, _p, _w in delegates]:
        context.close()
