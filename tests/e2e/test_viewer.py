"""The viewer in a real browser: a delegate opens a 30-page document at #page=12 under CSP."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from tests.documents.conftest import make_text_pdf
from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = pytest.mark.e2e

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
    page.locator("#page-12[data-rendered='true'] canvas").wait_for(timeout=15_000)
    elapsed = time.monotonic() - started
    assert page.locator("#viewer").get_attribute("data-current-page") == "12"
    assert page.locator("#viewer-page").input_value() == "12"
    box = page.locator("#page-12").bounding_box()
    assert box and box["y"] < TABLET["height"], "page 12 is not in view"
    page.screenshot(path=tmp_path / "viewer-page-12.png")
    assert elapsed < 10
    # Tools: next page, search, thumbnails and outline open without errors.
    page.get_by_role("button", name="Trang sau").click()
    assert page.locator("#viewer").get_attribute("data-current-page") == "13"
    page.locator("#viewer-query").fill("page 20")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator("#viewer[data-current-page='20']").wait_for(timeout=10_000)
    page.get_by_role("button", name="Trang", exact=True).click()
    page.locator(".thumb[data-page='20'][aria-current='page']").wait_for(timeout=10_000)
    assert watcher.problems == []
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
    page.locator("#page-1[data-rendered='true']").wait_for(timeout=15_000)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/file" in r.url else None)
    page.goto(url + "?again=1")
    started = time.monotonic()
    page.locator("#page-1[data-rendered='true']").wait_for(timeout=15_000)
    assert time.monotonic() - started < 1.0
    assert 206 in statuses, f"the viewer did not use range requests: {statuses}"
    assert watcher.problems == []
    context.close()
