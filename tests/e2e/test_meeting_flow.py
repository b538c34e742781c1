"""The secretariat prepares and publishes a meeting in a real browser; the chair approves it
in between; a delegate then finds it. No CSP violation or console error on the way."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = pytest.mark.e2e


def _step(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_prepare_approve_publish_and_read(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    base = live_server.url

    sign_in(page, base, "thuky")
    page.get_by_text("Phiên họp chuyên đề về đầu tư công").click()
    agenda = page.locator("ol.agenda li.agenda-item")
    assert agenda.count() == 2
    page.get_by_label("Nội dung", exact=True).fill("Báo cáo tiến độ các dự án trọng điểm")
    page.get_by_label("Số phút").fill("20")
    _step(page, "Thêm nội dung")
    assert agenda.count() == 3
    # Keyboard and touch: move the new last item up with its button.
    agenda.nth(2).get_by_role("button", name="Chuyển lên").click()
    page.wait_for_load_state()
    assert "Báo cáo tiến độ" in agenda.nth(1).inner_text()
    # Drag and drop: the first item to the end, saved without reloading the page.
    with page.expect_response(lambda r: r.url.endswith("/agenda/order")) as saved:
        agenda.nth(0).drag_to(agenda.nth(2))
    assert saved.value.ok
    page.reload()
    assert "Tình hình giải ngân" in agenda.nth(2).inner_text()
    _step(page, "Trình chủ trì duyệt")
    assert page.get_by_text("Đã trình chủ trì duyệt.").is_visible()
    context.clear_cookies()

    sign_in(page, base, "phochutich")
    page.get_by_text("Phiên họp chuyên đề về đầu tư công").click()
    _step(page, "Duyệt chương trình")
    assert page.get_by_text("Đã duyệt chương trình họp.").is_visible()
    context.clear_cookies()

    sign_in(page, base, "thuky")
    page.get_by_text("Phiên họp chuyên đề về đầu tư công").click()
    _step(page, "Phát hành đến thành phần tham dự")
    assert page.get_by_text("Đã phát hành").first.is_visible()
    context.clear_cookies()

    sign_in(page, base, "daibieu03")
    page.get_by_text("Phiên họp chuyên đề về đầu tư công").click()
    assert page.get_by_text("Báo cáo tiến độ các dự án trọng điểm").is_visible()
    assert watcher.problems == []
    context.close()
