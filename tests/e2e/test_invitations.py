"""Answering an invitation in real browsers: a delegate on a phone sends a deputy, and the
secretariat's meeting page (on a desk and on a phone) shows it live, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_meeting

pytestmark = pytest.mark.e2e

def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_delegate_sends_a_deputy_and_the_secretariat_sees_it(live_server, browser):
    base = live_server.url
    desk_ctx, desk, desk_watch = open_meeting(browser, base, "thuky", 1280)
    answers = desk.locator("#invitations")
    expect(answers).to_have_attribute("data-watching", "")
    expect(answers.locator('[data-count="none"]')).not_to_have_text("0")
    before = int(answers.locator('[data-count="deputy"]').inner_text())

    phone_ctx, phone, phone_watch = open_meeting(browser, base, "daibieu01", 390)
    expect(phone.get_by_text("Trả lời giấy mời", exact=True)).to_be_visible()
    form = phone.locator("#invitation form")
    form.get_by_label("Cử người dự thay").check()
    form.get_by_label("Người dự thay (cán bộ của đơn vị đồng chí)").select_option(
        label="Phan Văn Tài — Văn thư Sở Tài chính")
    with phone.expect_navigation():
        form.get_by_role("button", name="Gửi trả lời").click()
    expect(phone.get_by_text("Đã ghi nhận trả lời của đồng chí.")).to_be_visible()
    expect(phone.locator("#invitation .answer-current")).to_contain_text(
        "người dự thay: đồng chí Phan Văn Tài")
    assert _sideways(phone) <= 0

    row = answers.locator("tr", has_text="Phạm Quốc Bảo")
    expect(row).to_contain_text("Cử người dự thay")  # pushed over /live, no reload
    expect(row).to_contain_text("Người dự thay: đồng chí Phan Văn Tài")
    expect(answers.locator('[data-count="deputy"]')).to_have_text(str(before + 1))
    assert _sideways(desk) <= 0
    desk.set_viewport_size({"width": 390, "height": 844})
    desk.reload()
    expect(desk.locator("#invitations tr", has_text="Phạm Quốc Bảo")).to_contain_text(
        "Phan Văn Tài")
    assert _sideways(desk) <= 0
    desk.screenshot(path=str(live_server.log.parent / "invitations-390.png"), full_page=True)

    deputy_ctx, deputy, deputy_watch = open_meeting(browser, base, "vanthu02", 390)
    expect(deputy.locator("#invitation")).to_contain_text("thay đồng chí Phạm Quốc Bảo")
    expect(deputy.get_by_role("link", name="Vào phòng họp")).to_be_visible()
    assert _sideways(deputy) <= 0
    for watcher in (desk_watch, phone_watch, deputy_watch):
        assert watcher.problems == []
    for context in (desk_ctx, phone_ctx, deputy_ctx):
        context.close()
