"""The viewer in a real browser: a delegate opens a 30-page document at #page=12 under CSP."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import create_engine, text

from tests.documents.conftest import make_text_pdf
from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.shared_server]

TABLET = {"width": 1280, "height": 800}


def _query(server, sql: str, **params):
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar_one()
    engine.dispose()
    return value


def _published_meeting_of(server, username: str) -> int:
    return _query(server, "SELECT m.id FROM meetings m JOIN meeting_participants p "
                          "ON p.meeting_id = m.id JOIN users u ON u.id = p.user_id "
                          "WHERE u.username = :u AND m.status = 'published' "
                          "ORDER BY m.id LIMIT 1", u=username)


def _upload_as_secretary(server, browser, meeting_id: int, pages: int = 30) -> int:
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    sign_in(page, server.url, "thuky")
    page.goto(f"{server.url}/meetings/{meeting_id}/documents")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(
        f"{server.url}/meetings/{meeting_id}/documents",
        multipart={"csrf_token": token,
                   "files": {"name": f"Bao cao {pages} trang.pdf",
                             "mimeType": "application/pdf",
                             "buffer": make_text_pdf(pages, "Bao cao")}})
    assert response.ok, response.status
    context.close()
    return _query(server, "SELECT max(id) FROM documents WHERE meeting_id = :m", m=meeting_id)


def test_delegate_opens_document_at_page_12_without_csp_violation(live_server, browser,
                                                                  tmp_path):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id)
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    started = time.monotonic()
    page.goto(f"{live_server.url}/documents/{document_id}#page=12")
    page.locator("#page-12[data-rendered='true'] canvas").wait_for()
    elapsed = time.monotonic() - started
    assert page.locator("#viewer").get_attribute("data-current-page") == "12"
    assert page.locator("#viewer-page").input_value() == "12"
    box = page.locator("#page-12").bounding_box()
    assert box and box["y"] < TABLET["height"], "page 12 is not in view"
    page.screenshot(path=tmp_path / "viewer-page-12.png")
    assert elapsed < 10
    # Tools: next page, search, thumbnails.
    page.get_by_role("button", name="Trang sau").click()
    assert page.locator("#viewer").get_attribute("data-current-page") == "13"
    page.locator("#viewer-query").fill("page 20")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator("#viewer[data-current-page='20']").wait_for()
    page.get_by_role("button", name="Trang", exact=True).click()
    page.locator(".thumb[data-page='20'][aria-current='page']").wait_for()
    assert watcher.problems == []
    context.close()


def test_zoom_redraws_the_page_at_the_new_scale(live_server, browser):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pages=3)
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    page.goto(f"{live_server.url}/documents/{document_id}")
    drawn = page.locator("#page-1[data-rendered='true'] canvas")
    drawn.wait_for()
    before = drawn.bounding_box()["width"]
    # The flag drops in the same turn as the click and comes back only when the page is drawn
    # at the new scale; read it before the browser can draw anything.
    flag = page.evaluate("""() => {
      document.querySelector('[data-action="zoom-out"]').click();
      return document.getElementById('page-1').dataset.rendered ?? null;
    }""")
    assert flag is None, "page 1 still claims to be drawn at the old scale"
    drawn.wait_for()
    after = drawn.bounding_box()["width"]
    assert after == pytest.approx(before / 1.25, abs=2)
    assert watcher.problems == []
    context.close()


def _demo_document(server, title: str) -> int:
    return _query(server, "SELECT id FROM documents WHERE title = :t ORDER BY id LIMIT 1",
                  t=title)


DEMO_REPORT = "Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2026"
"""A demo document of the published regular meeting: 31 pages, five outlined sections."""


def _section_page(title: str, index: int) -> int:
    """The page an outline entry of the demo document points at, read with pypdf."""
    from pypdf import PdfReader

    from ecabinet.demo.documents import make_pdf

    sections = ["Tình hình thực hiện", "Kết quả đạt được", "Tồn tại, hạn chế",
                "Nhiệm vụ, giải pháp", "Kiến nghị, đề xuất"]  # as ecabinet/demo/data.py
    reader = PdfReader(io.BytesIO(make_pdf(title, sections, pages_per_section=6)))
    return reader.get_destination_page_number(reader.outline[index]) + 1


def test_outline_lists_the_sections_and_opens_them(live_server, browser):
    document_id = _demo_document(live_server, DEMO_REPORT)
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    page.goto(f"{live_server.url}/documents/{document_id}")
    page.locator("#page-1[data-rendered='true']").wait_for()
    page.get_by_role("button", name="Trang", exact=True).click()
    page.get_by_role("tab", name="Mục lục").click()
    entries = page.locator("#viewer-outline button")
    entries.first.wait_for()
    assert entries.all_inner_texts() == [
        "1. Tình hình thực hiện", "2. Kết quả đạt được", "3. Tồn tại, hạn chế",
        "4. Nhiệm vụ, giải pháp", "5. Kiến nghị, đề xuất"]
    target = _section_page(DEMO_REPORT, 2)
    entries.nth(2).click()
    page.locator(f"#viewer[data-current-page='{target}']").wait_for()
    page.locator(f"#page-{target}[data-rendered='true']").wait_for()
    assert watcher.problems == []
    context.close()


@pytest.mark.parametrize("query", ["giai phap phat trien", "GIẢI PHÁP PHÁT TRIỂN",
                                   "Giai Phap  phát trien"])
def test_search_ignores_tones_and_case(live_server, browser, query):
    """The demo text says "giải pháp phát triển" from page 2 on; phones type without tones."""
    document_id = _demo_document(live_server, DEMO_REPORT)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    page.goto(f"{live_server.url}/documents/{document_id}")
    page.locator("#page-1[data-rendered='true']").wait_for()
    page.locator("#viewer-query").fill(query)
    page.get_by_role("button", name="Tìm", exact=True).click()
    result = page.locator("#viewer-search-result")
    result.filter(has_text="Tìm thấy").wait_for()
    page.locator("#viewer[data-current-page='2']").wait_for()
    assert watcher.problems == []
    context.close()


def test_phone_viewer_leaves_the_height_to_the_pages(live_server, browser, tmp_path):
    document_id = _demo_document(live_server, DEMO_REPORT)
    phone = {"width": 390, "height": 844}
    context = browser.new_context(viewport=phone, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    page.goto(f"{live_server.url}/documents/{document_id}")
    page.locator("#page-1[data-rendered='true']").wait_for()
    pages_box = page.locator("#viewer-pages").bounding_box()
    search = page.locator("#viewer-query").bounding_box()
    page.screenshot(path=tmp_path / "viewer-phone.png")
    assert pages_box["y"] < 0.25 * phone["height"], f"pages start at {pages_box['y']}px"
    assert pages_box["y"] + pages_box["height"] <= phone["height"] + 1
    assert search["x"] >= 0 and search["x"] + search["width"] <= phone["width"]
    assert search["width"] >= 200, "the search box is cut"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert watcher.problems == []
    context.close()


@pytest.mark.parametrize("width", [1280, 1024])
def test_tablet_toolbar_stays_one_row_when_a_result_shows(live_server, browser, width):
    document_id = _demo_document(live_server, DEMO_REPORT)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "thuky")  # the secretary also has "Download"
    page.goto(f"{live_server.url}/documents/{document_id}")
    page.locator("#page-1[data-rendered='true']").wait_for()
    bar = page.locator(".viewer-bar")
    height = bar.bounding_box()["height"]
    page.locator("#viewer-query").fill("ky cuong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator("#viewer-search-result").filter(has_text="Tìm thấy").wait_for()
    assert bar.bounding_box()["height"] == pytest.approx(height, abs=1)
    context.close()


def test_first_page_of_300_shows_fast_through_range_requests(live_server, browser):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pages=300)
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    url = f"{live_server.url}/documents/{document_id}"
    page.goto(url)  # warms the reader's watermarked copy, as the first visit does
    page.locator("#page-1[data-rendered='true']").wait_for()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/file" in r.url else None)
    page.goto(url + "?again=1")
    started = time.monotonic()
    page.locator("#page-1[data-rendered='true']").wait_for()
    assert time.monotonic() - started < 1.0
    assert 206 in statuses, f"the viewer did not use range requests: {statuses}"
    assert watcher.problems == []
    context.close()
