"""Follow the chair, in real browsers: the chair presents pages of a document from the
viewer; a delegate on a phone who follows sees the viewer jump to each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_meeting

pytestmark = pytest.mark.e2e

def _open_first_document(page) -> str:
    link = page.locator("a[href^='/documents/']:not([href$='/file'])").first
    href = link.get_attribute("href")
    page.goto(page.url.split("/meetings/")[0] + href)
    page.wait_for_selector("#viewer[data-viewer-ready]")
    return href


def test_a_follower_jumps_to_the_page_the_chair_presents(live_server, browser, tmp_path):
    base = live_server.url
    chair_ctx, chair, chair_watch = open_meeting(browser, base, "chutich", 1280, 800)
    with chair.expect_navigation():
        chair.get_by_role("link", name="Vào phòng họp").click()
    chair.wait_for_selector("html[data-room-ready]")
    chair.get_by_role("button", name="Bắt đầu cuộc họp").click()
    expect(chair.locator('[data-bind="status"]')).to_have_text("Đang họp")
    chair.go_back()
    document_url = _open_first_document(chair)

    member_ctx, member, member_watch = open_meeting(browser, base, "daibieu01", 390, 844)
    assert _open_first_document(member) == document_url
    follow = member.get_by_role("button", name="Theo dõi chủ tọa")
    expect(follow).to_be_visible()
    expect(member.get_by_role("button", name="Trình chiếu cho phòng họp")).to_be_hidden()
    follow.click()
    expect(member.get_by_role("button", name="Đang theo dõi chủ tọa")).to_have_attribute(
        "aria-pressed", "true")

    chair.get_by_role("button", name="Trình chiếu cho phòng họp").click()
    chair.fill("#viewer-page", "3")
    chair.press("#viewer-page", "Enter")
    expect(member.locator("#viewer")).to_have_attribute("data-current-page", "3")
    chair.get_by_role("button", name="Trang sau").click()
    expect(member.locator("#viewer")).to_have_attribute("data-current-page", "4")
    # The jumps are the chair's, not the follower scrolling: the phone's bars (and the
    # "following" button) stay in sight, also once the scroll has settled.
    member.wait_for_timeout(400)
    expect(member.get_by_role("button", name="Đang theo dõi chủ tọa")).to_be_visible()
    member.screenshot(path=tmp_path / "follow-phone.png")
    assert chair_watch.problems == [] and member_watch.problems == []
    chair_ctx.close()
    member_ctx.close()
