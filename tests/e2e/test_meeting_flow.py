"""The secretariat prepares and publishes a meeting in a real browser; the chair approves it
in between; a delegate then finds it. No CSP violation or console error on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageWatcher, sign_in, sign_out, wait_ready

pytestmark = pytest.mark.e2e

TITLE = "Phiên họp chuyên đề về đầu tư công"


def _navigate(page, click) -> None:
    """Click something that loads a new page, and wait until its scripts are set up."""
    with page.expect_navigation():
        click()
    wait_ready(page)


def _open_meeting(page) -> None:
    _navigate(page, page.get_by_text(TITLE).click)


def _step(page, name: str) -> None:
    _navigate(page, page.get_by_role("button", name=name).click)


def test_prepare_approve_publish_and_read(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    base = live_server.url

    sign_in(page, base, "thuky")
    _open_meeting(page)
    agenda = page.locator("ol.agenda li.agenda-item")
    expect(agenda).to_have_count(2)
    add_form = page.locator("form.agenda-add")
    add_form.get_by_label("Nội dung", exact=True).fill("Báo cáo tiến độ các dự án trọng điểm")
    add_form.get_by_label("Số phút").fill("20")
    _step(page, "Thêm nội dung")
    expect(agenda).to_have_count(3)
    # Keyboard and touch: move the new last item up with its button, without a page load.
    with page.expect_response(lambda r: r.url.endswith("/agenda/order")) as saved:
        agenda.nth(2).get_by_role("button", name="Chuyển lên").click()
    assert saved.value.ok
    expect(agenda.nth(1)).to_contain_text("Báo cáo tiến độ")
    # Drag and drop: the first item to the end, saved without reloading the page.
    with page.expect_response(lambda r: r.url.endswith("/agenda/order")) as saved:
        last = agenda.nth(2).bounding_box()
        agenda.nth(0).drag_to(agenda.nth(2), target_position={"x": 20, "y": last["height"] - 4})
    assert saved.value.ok
    page.reload()
    wait_ready(page)
    expect(agenda.nth(2)).to_contain_text("Tình hình giải ngân")
    _step(page, "Trình chủ trì duyệt")
    expect(page.get_by_text("Đã trình chủ trì duyệt.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "phochutich")
    _open_meeting(page)
    _step(page, "Duyệt chương trình")
    expect(page.get_by_text("Đã duyệt chương trình họp.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "thuky")
    _open_meeting(page)
    _step(page, "Phát hành đến thành phần tham dự")
    expect(page.get_by_text("Đã phát hành cuộc họp")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "daibieu03")
    _open_meeting(page)
    new_item = page.locator(".agenda-title", has_text="Báo cáo tiến độ các dự án trọng điểm")
    expect(new_item).to_be_visible()
    assert watcher.problems == []
    context.close()
