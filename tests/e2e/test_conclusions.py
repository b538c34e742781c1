"""The conclusion notice in real browsers: the secretariat drafts it at a desk, the chair signs it
on a phone with the demo's PKCS#12 file, the body's clerk issues it, anyone checks the issued
file on the public page from a phone, and the receiving unit's clerk finds it in the inbox,
acknowledges it and reports on its task; the secretariat sees the acknowledgement."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageWatcher, open_meeting, sign_in

pytestmark = pytest.mark.e2e
DEMO_KEY_PASSPHRASE = "Demo-Ky-So-2026"  # printed by `make run` (ecabinet/conclusions/keys.py)


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _signed_in(browser, base: str, username: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, base, username)
    return context, page, watcher


def test_draft_sign_issue_and_check_a_notice(live_server, browser, tmp_path):
    base = live_server.url
    desk_ctx, desk, desk_watch = open_meeting(browser, base, "thuky", 1280)
    panel = desk.locator("#conclusion")
    with desk.expect_navigation():
        panel.get_by_role("button", name="Soạn thông báo kết luận").click()
    first = desk.locator("fieldset.section").first
    text = first.get_by_label("Nội dung kết luận")
    text.fill("Thống nhất với báo cáo.")
    text.select_text()
    first.get_by_role("button", name="B", exact=True).click()
    expect(text).to_have_value("<b>Thống nhất với báo cáo.</b>")
    task = first.locator("fieldset.task").first
    task.get_by_label("Nội dung nhiệm vụ").fill("Hoàn thiện báo cáo, trình UBND tỉnh.")
    task.get_by_label("Đơn vị chủ trì").select_option(label="Sở Tài chính")
    desk.get_by_label("Sở Tài chính", exact=True).check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Lưu dự thảo").click()
    expect(desk.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Trình người chủ trì ký").click()
    expect(desk.get_by_text("Đã trình người chủ trì ký thông báo.")).to_be_visible()
    assert not desk_watch.problems, desk_watch.problems

    phone_ctx, phone, phone_watch = open_meeting(browser, base, "chutich", 390)
    with phone.expect_navigation():
        phone.locator("#conclusion").get_by_role("link", name="Mở thông báo").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name="Ký hoặc trả lại").click()
    key = live_server.tmp_path / "instance" / "signing" / "chutich.p12"
    phone.get_by_label("Tệp khóa ký số của đồng chí (PKCS#12: .p12 hoặc .pfx)").set_input_files(
        str(key))
    phone.get_by_label("Mật khẩu của tệp khóa").fill("sai-mat-khau")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Ký số", exact=True).click()
    expect(phone.get_by_text("Sai mật khẩu của tệp khóa (.p12)")).to_be_visible()
    phone_watch.problems.clear()  # the browser logs the refusal's 422, which is meant
    phone.get_by_label("Tệp khóa ký số của đồng chí (PKCS#12: .p12 hoặc .pfx)").set_input_files(
        str(key))
    phone.get_by_label("Mật khẩu của tệp khóa").fill(DEMO_KEY_PASSPHRASE)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Ký số", exact=True).click()
    expect(phone.get_by_text("Đã ký thông báo; văn thư có thể ban hành.")).to_be_visible()
    assert _sideways(phone) <= 0
    assert not phone_watch.problems, phone_watch.problems

    clerk_ctx, clerk, clerk_watch = _signed_in(browser, base, "vanthu01", 1280)
    clerk.goto(base + "/notifications")
    with clerk.expect_navigation():
        clerk.get_by_text("đã được ký, chờ ban hành").first.click()
    clerk.on("dialog", lambda dialog: dialog.accept())
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="Ban hành: cấp số, ngày và đóng dấu").click()
    expect(clerk.get_by_text("Đã ban hành với số 01/TB-UBND và gửi đến các đơn vị.")) \
        .to_be_visible()
    pdf = clerk_ctx.request.get(clerk.url + "/notice.pdf").body()
    assert pdf.startswith(b"%PDF-")
    assert not clerk_watch.problems, clerk_watch.problems

    issued = tmp_path / "thong-bao-01.pdf"
    issued.write_bytes(pdf)
    public = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    check = public.new_page()
    check.goto(base + "/verify")
    check.get_by_label("Tệp PDF").set_input_files(str(issued))
    with check.expect_navigation():
        check.get_by_role("button", name="Kiểm tra").click()
    result = check.locator(".verify-result")
    expect(result).to_contain_text("Hợp lệ")
    expect(result).to_contain_text("Thông báo số 01/TB-UBND")
    expect(result).to_contain_text("Nguyễn Văn Hùng")
    assert _sideways(check) <= 0

    # the clerk of Sở Tài chính, on a phone: the inbox, the receipt, the task's report
    unit_ctx, unit, unit_watch = _signed_in(browser, base, "vanthu02", 390)
    unit.locator("#main-menu summary").click()
    with unit.expect_navigation():
        unit.get_by_role("link", name="Văn bản đến").click()
    with unit.expect_navigation():
        unit.get_by_role("link", name="Thông báo số 01/TB-UBND").click()
    expect(unit.locator("#receipt")).to_have_text("Chưa xác nhận")
    with unit.expect_navigation():
        unit.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(unit.get_by_text("Đã xác nhận nhận thông báo.")).to_be_visible()
    expect(unit.locator("#receipt")).to_contain_text("Phan Văn Tài")
    assert _sideways(unit) <= 0
    with unit.expect_navigation():
        unit.get_by_role("link", name="Hoàn thiện báo cáo, trình UBND tỉnh.").click()
    unit.get_by_label("Báo cáo tiến độ thực hiện").fill("Đã hoàn thiện báo cáo, trình ngày 15.")
    unit.get_by_label("Đã hoàn thành nhiệm vụ").check()
    with unit.expect_navigation():
        unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_text("Đã gửi báo cáo đến bộ phận thư ký.")).to_be_visible()
    expect(unit.locator("#task-state")).to_have_text("Đã báo cáo hoàn thành")
    expect(unit.get_by_text("Đã hoàn thiện báo cáo, trình ngày 15.")).to_be_visible()
    assert _sideways(unit) <= 0
    assert not unit_watch.problems, unit_watch.problems

    # the secretariat: the unit acknowledged; the task waits for acceptance
    desk.goto(clerk.url)
    with desk.expect_navigation():
        desk.get_by_role("link", name="Phát hành và xác nhận của đơn vị").click()
    row = desk.locator("tr", has_text="Sở Tài chính")
    expect(row).to_contain_text("Phan Văn Tài")
    expect(row).to_contain_text("Hộp văn bản đến: Đã chuyển")
    desk.goto(base + "/conclusions/follow-up")
    expect(desk.locator("table.follow-table tr", has_text="Sở Tài chính")).to_contain_text("1")
    with desk.expect_navigation():
        desk.get_by_role("link", name="Hoàn thiện báo cáo, trình UBND tỉnh.").click()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Công nhận hoàn thành").click()
    expect(desk.locator("#task-state")).to_have_text("Đã công nhận")
    assert not desk_watch.problems, desk_watch.problems
    for context in (desk_ctx, phone_ctx, clerk_ctx, public, unit_ctx):
        context.close()
