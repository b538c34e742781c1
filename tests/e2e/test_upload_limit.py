"""The browser refuses an upload over the limit before sending it, keeping the form as it was."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LiveServer, PageWatcher, sign_in, wait_ready

TABLET = {"width": 1280, "height": 800}

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("upload-limit"))
    server.env["ECABINET_MAX_UPLOAD_MB"] = "1"
    server.start()
    yield server
    server.stop()


def test_upload_over_the_limit_is_stopped_in_the_browser(small_limit_server, browser):
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, small_limit_server.url, "thuky")
    with page.expect_navigation():
        page.get_by_text("Phiên họp chuyên đề về đầu tư công").first.click()
    wait_ready(page)  # upload.js checks the size; a click before it is set up would send
    form = page.locator("form.doc-upload")
    form.wait_for()
    select = form.locator("select")
    choice = select.locator("option").nth(1).get_attribute("value")
    select.select_option(choice)
    url = page.url
    form.locator('input[type="file"]').set_input_files(
        [{"name": "lon.pdf", "mimeType": "application/pdf",
          "buffer": b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)}])
    form.get_by_role("button", name="Tải lên").click()
    alert = form.locator("[data-upload-error]")
    alert.wait_for(state="visible")
    assert "1 MB" in alert.inner_text()
    assert page.url == url and select.input_value() == choice  # nothing sent, nothing lost
    assert watcher.problems == []
    context.close()
