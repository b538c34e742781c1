"""My notes (Ghi chú của tôi) and opinions in a real browser, on a phone and a desk screen."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import PageWatcher, open_meeting, sign_in, wait_ready

pytestmark = [pytest.mark.e2e, pytest.mark.shared_server]
SHOTS = Path("/tmp/ec/shots")
NOTE = "Cần hỏi lại Sở Tài chính về số liệu quý IV"


def _first_document(page) -> int:
    link = page.locator("a[href^='/documents/']").first
    return int(re.search(r"/documents/(\d+)", link.get_attribute("href"))[1])


def _save_note(page, document_id: int) -> dict:
    """Save a note through the viewer's API, from the page (its session and CSRF token)."""
    body = {"client_id": str(uuid.uuid4()), "kind": "note", "page": 2,
            "rects": [[100, 700, 120, 720]], "quote": "kinh tế - xã hội", "comment": NOTE}
    return page.evaluate("""async ([url, body]) => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const response = await fetch(url, {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify(body)});
        return {status: response.status, json: await response.json()};
    }""", [f"/documents/{document_id}/annotations", body])


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_my_notes_lists_and_finds_a_note_without_tones(shared_live_server, browser, width,
                                                       height):
    base = shared_live_server.url
    context, page, watcher = open_meeting(browser, base, "daibieu01", width, height)
    try:
        saved = _save_note(page, _first_document(page))
        assert saved["status"] == 201, saved
        page.goto(base + "/notes?q=hoi lai so tai chinh")
        wait_ready(page)
        note = page.locator(".note a").filter(has_text=NOTE)
        assert note.count() >= 1
        assert re.search(r"/documents/\d+#page=2$", note.first.get_attribute("href"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/notes scrolls sideways by {overflow}px at {width}px"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"notes-{width}.png"), full_page=True)
        assert watcher.problems == []
    finally:
        context.close()


def test_notes_are_not_shown_to_another_delegate(shared_live_server, browser):
    base = shared_live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    try:
        page = context.new_page()
        watcher = PageWatcher(page)
        sign_in(page, base, "daibieu02")
        page.goto(base + "/notes?q=so tai chinh")
        wait_ready(page)
        assert NOTE not in page.content()
        assert watcher.problems == []
    finally:
        context.close()


def test_opinions_panel_fits_a_phone_and_sends(shared_live_server, browser):
    base = shared_live_server.url
    context, page, watcher = open_meeting(browser, base, "daibieu01", 390, 844)
    try:
        panel = page.locator("#opinions")
        panel.get_by_label("Nội dung góp ý").fill("Đề nghị bổ sung phụ lục số liệu")
        with page.expect_navigation():
            panel.get_by_role("button", name="Gửi bộ phận thư ký").click()
        wait_ready(page)
        assert "Góp ý của đồng chí đã được gửi" in page.content()
        assert page.locator("#opinions").get_by_text("Đề nghị bổ sung phụ lục số liệu").count()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        page.locator("#opinions").screenshot(path=str(SHOTS / "opinions-390.png"))
        assert watcher.problems == []
    finally:
        context.close()


def test_secretariat_sees_the_opinion_with_its_author_and_marks_it_answered(shared_live_server,
                                                                           browser):
    base = shared_live_server.url
    context, page, watcher = open_meeting(browser, base, "daibieu01", 1280, 800)
    try:
        panel = page.locator("#opinions")
        panel.get_by_label("Nội dung góp ý").fill("Đề nghị làm rõ nguồn vốn mục 2")
        with page.expect_navigation():
            panel.get_by_role("button", name="Gửi bộ phận thư ký").click()
    finally:
        context.close()
    context, page, watcher = open_meeting(browser, base, "thuky", 1280, 800)
    try:
        opinion = page.locator("#opinions .opinion").filter(
            has_text="Đề nghị làm rõ nguồn vốn mục 2")
        assert "Phạm Quốc Bảo" in opinion.inner_text()
        with page.expect_navigation():
            opinion.get_by_role("button", name="Đánh dấu đã trả lời").click()
        wait_ready(page)
        answered = page.locator("#opinions .opinion.answered").filter(
            has_text="Đề nghị làm rõ nguồn vốn mục 2")
        assert answered.count() == 1
        page.locator("#opinions").screenshot(path=str(SHOTS / "opinions-secretariat-1280.png"))
        assert watcher.problems == []
    finally:
        context.close()
