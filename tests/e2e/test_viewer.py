"""The viewer in a real browser (PDF.js's own viewer components, under the strict CSP): pages,
text layer, links, search with highlights, zoom, thumbnails and outline, phone and tablet."""

from __future__ import annotations

import io
import re
import time
import unicodedata

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.documents.conftest import make_text_pdf
from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.shared_server]

TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _page(number: int) -> str:
    """PDF.js's box of page `number`."""
    return f"#viewer-canvas .page[data-page-number='{number}']"


def _drawn(number: int) -> str:
    """Page `number` once drawn at the current zoom (viewer.js sets data-rendered)."""
    return f"{_page(number)}[data-rendered='true'] canvas"


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


def _upload_as_secretary(server, browser, meeting_id: int, pages: int = 30,
                         pdf: bytes | None = None) -> int:
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
                             "buffer": pdf or make_text_pdf(pages, "Bao cao")}})
    assert response.ok, response.status
    context.close()
    return _query(server, "SELECT max(id) FROM documents WHERE meeting_id = :m", m=meeting_id)



def _open(browser, server, document_id: int, *, user: str = "daibieu01", viewport=TABLET,
          fragment: str = ""):
    """A signed-in context on the viewer: (context, page, watcher)."""
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=phone,
                                  has_touch=phone)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, server.url, user)
    page.goto(f"{server.url}/documents/{document_id}{fragment}")
    return context, page, watcher


def test_delegate_opens_document_at_page_12_without_csp_violation(live_server, browser,
                                                                  tmp_path):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id)
    started = time.monotonic()
    context, page, watcher = _open(browser, live_server, document_id, fragment="#page=12")
    page.locator(_drawn(12)).wait_for()
    elapsed = time.monotonic() - started
    assert page.locator("#viewer").get_attribute("data-current-page") == "12"
    assert page.locator("#viewer-page").input_value() == "12"
    assert page.locator("#viewer-total").inner_text() == "/ 30"
    box = page.locator(_page(12)).bounding_box()
    assert box and box["y"] < TABLET["height"], "page 12 is not in view"
    assert page.locator("#viewer-progress").is_hidden(), "the loading bar stays up"
    assert page.locator(".viewer-progress-text").text_content() == "Đang tải… (30 trang)"
    assert page.locator(".viewer-bar").bounding_box()["height"] < 60, "the tools take two rows"
    page.screenshot(path=tmp_path / "viewer-page-12.png")
    assert elapsed < 15
    # Tools: next page, search, thumbnails that follow the page being read.
    page.get_by_role("button", name="Trang sau").click()
    page.locator("#viewer[data-current-page='13']").wait_for()
    page.locator("#viewer-query").fill("page 20")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator("#viewer[data-current-page='20']").wait_for()
    page.get_by_role("button", name="Trang", exact=True).click()
    page.locator(".thumb[data-page='20'][aria-current='page']").wait_for()
    # Fit width follows the narrower box once the sidebar is open.
    scroller = page.locator("#viewer-pages")
    page.wait_for_function("""() => {
      const box = document.getElementById('viewer-pages');
      const shown = document.querySelector('#viewer-canvas .page[data-page-number="20"]');
      return shown.getBoundingClientRect().right <= box.getBoundingClientRect().right;
    }""")
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth")
    page.get_by_role("button", name="Trang sau").click()
    page.locator(".thumb[data-page='21'][aria-current='page']").wait_for()
    assert page.locator(".thumb[aria-current]").count() == 1
    page.locator(".thumb[data-page='21'] canvas").wait_for()
    page.locator(".thumb[data-page='5']").click()
    page.locator("#viewer[data-current-page='5']").wait_for()
    page.locator(".thumb[data-page='5'][aria-current='page']").wait_for()
    assert watcher.problems == []
    context.close()


def test_text_layer_lets_a_reader_select_the_text(live_server, browser):
    """The words are in the page as text: selectable, copyable, read by a screen reader."""
    document_id = _demo_document(live_server, DEMO_REPORT)
    context, page, watcher = _open(browser, live_server, document_id)
    page.locator(_drawn(1)).wait_for()
    layer = page.locator(f"{_page(1)} .textLayer")
    layer.locator("span").first.wait_for()
    assert "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH" in layer.inner_text()
    heading = layer.locator("span", has_text="ỦY BAN NHÂN DÂN").first
    heading.click(click_count=3)
    selected = page.evaluate("document.getSelection().toString()")
    assert "ỦY BAN NHÂN DÂN" in selected
    # A screen reader hears where each page starts, in Vietnamese (PDF.js's own strings).
    landmark = page.locator(_page(1)).get_attribute("aria-label")
    assert re.fullmatch("Trang \u2068?1\u2069?", landmark), landmark
    assert watcher.problems == []
    context.close()


def test_zoom_redraws_every_page_at_the_new_scale(live_server, browser):
    """The old viewer kept stale canvases after a zoom (page 4: a 1239 px canvas in a 634 px
    box). Now every canvas fills its page's box, and each page drawn again is drawn sharp."""
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pages=6)
    context, page, watcher = _open(browser, live_server, document_id)
    drawn = page.locator(_drawn(1))
    drawn.wait_for()
    before = drawn.bounding_box()["width"]
    # The flag drops in the same turn as the click and comes back only when the page is drawn
    # at the new scale; read it before the browser can draw anything.
    flag = page.evaluate("""() => {
      document.querySelector('[data-action="zoom-out"]').click();
      return document.querySelector('.page[data-page-number="1"]').dataset.rendered ?? null;
    }""")
    assert flag is None, "page 1 still claims to be drawn at the old scale"
    drawn.wait_for()
    after = drawn.bounding_box()["width"]
    assert after == pytest.approx(before / 1.25, abs=2)
    # Zoomed out, several pages show at once: each is redrawn, none keeps an old canvas.
    page.locator("[data-action='zoom-out']").click()
    page.locator("#viewer-pages").evaluate("box => { box.scrollTop = box.scrollHeight / 3; }")
    _wait_shown_pages_drawn(page)
    sizes = _canvas_sizes(page)
    assert len([s for s in sizes if s["drawn"]]) >= 2, sizes
    for size in sizes:
        assert size["cssWidth"] == pytest.approx(size["boxWidth"], abs=2), size
        assert size["cssHeight"] == pytest.approx(size["boxHeight"], abs=2), size
        if size["drawn"]:
            assert size["pixels"] == pytest.approx(size["cssWidth"], rel=0.03), size
    # Ctrl+wheel (a laptop's pinch) zooms the pages, around the pointer, not the whole site.
    width = page.locator(_page(3)).bounding_box()["width"]
    box = page.locator("#viewer-pages").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function(f"""() => document.querySelector(
      '#viewer-canvas .page[data-page-number="3"]').getBoundingClientRect().width > {width + 20}""")
    assert page.evaluate("visualViewport.scale") == 1
    # Far in, the canvas still fills its page's box (PDF.js draws the part in view sharp).
    for _ in range(4):
        page.locator("[data-action='zoom-in']").click()
    _wait_shown_pages_drawn(page)
    for size in _canvas_sizes(page):
        assert size["cssWidth"] == pytest.approx(size["boxWidth"], abs=2), size
    assert watcher.problems == []
    context.close()


def _wait_shown_pages_drawn(page) -> None:
    """Wait until every page in sight in the scroll box is drawn at the current zoom."""
    page.wait_for_function("""() => {
      const box = document.getElementById('viewer-pages').getBoundingClientRect();
      const shown = [...document.querySelectorAll('#viewer-canvas .page')].filter((p) => {
        const r = p.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      });
      return shown.length && shown.every((p) => p.dataset.rendered === 'true');
    }""")


def _canvas_sizes(page) -> list[dict]:
    """Each page's whole-page canvas: its CSS size, its page box and its pixels. (Zoomed far in,
    a second canvas, sized in percent of the page, draws the part in view sharp: left out.)"""
    return page.evaluate("""() => [...document.querySelectorAll(
        '#viewer-canvas .page .canvasWrapper > canvas')].filter((canvas) =>
          !canvas.style.width.endsWith('%')).map((canvas) => {
      const pageBox = canvas.closest('.page');
      const c = canvas.getBoundingClientRect();
      const p = pageBox.querySelector('.canvasWrapper').getBoundingClientRect();
      return { page: pageBox.dataset.pageNumber, drawn: pageBox.dataset.rendered === 'true',
               cssWidth: c.width, boxWidth: p.width, cssHeight: c.height, boxHeight: p.height,
               pixels: canvas.width / devicePixelRatio };
    })""")


def test_annotation_editor_layer_can_be_switched_on(live_server, browser):
    """The annotation tools build on this viewer: `viewerReady` hands over PDF.js's viewer,
    whose editor layer takes a free-text note under the CSP."""
    document_id = _demo_document(live_server, DEMO_REPORT)
    context, page, watcher = _open(browser, live_server, document_id, fragment="#page=2")
    page.locator(_drawn(2)).wait_for()
    mode = page.evaluate("""async () => {
      const { viewerReady } = await import('/static/js/viewer.js');
      const { pdfViewer, eventBus } = await viewerReady;
      const changed = new Promise((resolve) => eventBus.on('annotationeditormodechanged',
        ({ mode }) => resolve(mode)));
      pdfViewer.annotationEditorMode = { mode: globalThis.pdfjsLib.AnnotationEditorType.FREETEXT };
      return changed;
    }""")
    assert mode == 3  # AnnotationEditorType.FREETEXT
    layer = page.locator(f"{_page(2)} .annotationEditorLayer")
    layer.wait_for()
    box = layer.bounding_box()
    page.mouse.click(box["x"] + 150, box["y"] + 120)
    # Type only once the editor has the focus, and read the storage once PDF.js has committed
    # the note (on the click outside); under load both come later than the clicks.
    page.locator(f"{_page(2)} .freeTextEditor .internal:focus").wait_for()
    page.keyboard.type("Ghi chú thử")
    page.mouse.click(box["x"] + 400, box["y"] + 500)
    page.evaluate("""async () => {
      const { viewerReady } = await import('/static/js/viewer.js');
      window.testPdf = (await viewerReady).pdf;
    }""")
    page.wait_for_function("""() => {
      const { map } = window.testPdf.annotationStorage.serializable;
      return !!map && [...map.values()].some((e) => e.value === 'Ghi chú thử');
    }""")
    saved = page.evaluate("""() => [...window.testPdf.annotationStorage.serializable.map.values()]
      .map((e) => e.value)""")
    assert saved == ["Ghi chú thử"]
    assert watcher.problems == []
    context.close()


def _linked_pdf() -> bytes:
    """Three pages; page 1 links to page 3 and to a web site, as a report's contents page does."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=14)
    pdf.add_page()
    target = pdf.add_link(page=3)
    pdf.cell(120, 12, "Go to the annex on page 3", link=target, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 12, "Portal: https://example.org/portal", link="https://example.org/portal",
             new_x="LMARGIN", new_y="NEXT")
    for number in (2, 3):
        pdf.add_page()
        pdf.cell(120, 12, f"Page {number}")
    return bytes(pdf.output())


def test_links_in_a_pdf_jump_inside_and_open_outside_safely(live_server, browser):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pdf=_linked_pdf())
    context, page, watcher = _open(browser, live_server, document_id)
    page.locator(_drawn(1)).wait_for()
    links = page.locator(f"{_page(1)} .annotationLayer a")
    links.first.wait_for()
    external = page.locator(f"{_page(1)} .annotationLayer a[href^='https://example.org']")
    assert external.get_attribute("target") == "_blank"
    assert "noopener" in external.get_attribute("rel")
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")], hrefs
    # The internal link moves to page 3 in the viewer, without leaving the page.
    url = page.url
    internal = page.locator(f"{_page(1)} .annotationLayer a:not([target])").first
    internal.click()
    page.locator("#viewer[data-current-page='3']").wait_for()
    assert page.url.split("#")[0] == url.split("#")[0]
    # A link to a script (PDF.js never makes one; a later layer might) is stopped on click.
    opened = page.evaluate("""() => {
      const a = document.createElement('a');
      a.href = 'javascript:window.__ran = true';
      document.querySelector('.page[data-page-number="1"] .annotationLayer').append(a);
      a.click();
      a.remove();
      return window.__ran === true;
    }""")
    assert opened is False
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
    context, page, watcher = _open(browser, live_server, document_id)
    page.locator(_drawn(1)).wait_for()
    page.get_by_role("button", name="Trang", exact=True).click()
    page.get_by_role("tab", name="Mục lục").click()
    entries = page.locator("#viewer-outline button")
    entries.first.wait_for()
    assert entries.all_inner_texts() == [
        "1. Tình hình thực hiện", "2. Kết quả đạt được", "3. Tồn tại, hạn chế",
        "4. Nhiệm vụ, giải pháp", "5. Kiến nghị, đề xuất"]
    # On the title page no section is being read yet.
    expect(page.locator("#viewer-outline [aria-current]")).to_have_count(0)
    target = _section_page(DEMO_REPORT, 2)
    entries.nth(2).click()
    page.locator(f"#viewer[data-current-page='{target}']").wait_for()
    page.locator(_drawn(target)).wait_for()
    # The entry of the section being read is marked, and follows the reader.
    expect(entries.nth(2)).to_have_attribute("aria-current", "location")
    page.locator("#viewer-page").fill(str(_section_page(DEMO_REPORT, 3) + 1))
    page.locator("#viewer-page").press("Enter")
    expect(entries.nth(3)).to_have_attribute("aria-current", "location")
    assert page.locator("#viewer-outline [aria-current]").count() == 1
    assert watcher.problems == []
    context.close()


COUNT = re.compile(r"^(\d+)/(\d+)$")


def _fold(text: str) -> str:
    """Lower case, no tones, đ as d, no spaces: what a match must equal, however it is typed."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c) and not c.isspace())


@pytest.mark.parametrize("query", ["giai phap phat trien", "GIẢI PHÁP PHÁT TRIỂN",
                                   "Giai Phap  phát trien", "day manh"])
def test_search_ignores_tones_and_case_and_highlights_hits(live_server, browser, query):
    """The demo text says "giải pháp phát triển" and "đẩy mạnh" from page 2 on; phones type
    without tones (and "d" for "đ")."""
    document_id = _demo_document(live_server, DEMO_REPORT)
    context, page, watcher = _open(browser, live_server, document_id, viewport=PHONE)
    page.locator(_drawn(1)).wait_for()
    page.get_by_role("button", name="Tìm kiếm").click()
    page.locator("#viewer-query").fill(query)
    page.get_by_role("button", name="Tìm", exact=True).click()
    result = page.locator("#viewer-search-result")
    # Each page of the demo text repeats the paragraph five times: 5 hits a page, 30 pages.
    expect(result).to_have_text("1/150")
    page.locator("#viewer[data-current-page='2']").wait_for()
    selected = page.locator(f"{_page(2)} .textLayer .highlight.selected")
    selected.first.wait_for()
    assert _fold("".join(selected.all_inner_texts())) == _fold(query)
    assert page.locator(f"{_page(2)} .textLayer .highlight").count() >= 5
    total = 150
    page.get_by_role("button", name="Kết quả sau").click()
    expect(result).to_have_text(f"2/{total}")
    page.get_by_role("button", name="Kết quả trước").click()
    expect(result).to_have_text(f"1/{total}")
    page.locator("#viewer-query").fill("không có trong tài liệu")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(result).to_have_text("Không tìm thấy")
    assert watcher.problems == []
    context.close()


def test_phone_viewer_leaves_the_height_to_the_pages(live_server, browser, tmp_path):
    """On a phone the site's bar and the tools take at most 15% of the height, in one row,
    and step aside while the reader scrolls down."""
    document_id = _demo_document(live_server, DEMO_REPORT)
    context, page, watcher = _open(browser, live_server, document_id, viewport=PHONE)
    page.locator(_drawn(1)).wait_for()
    pages_box = page.locator("#viewer-pages").bounding_box()
    page.screenshot(path=tmp_path / "viewer-phone.png")
    assert pages_box["y"] <= 0.15 * PHONE["height"], f"pages start at {pages_box['y']}px"
    assert pages_box["y"] + pages_box["height"] <= PHONE["height"] + 1
    tools = page.locator(".viewer-bar").bounding_box()
    assert tools["height"] < 60, "the tools are not one row"
    for name in ("Quay lại", "Trang sau", "Tìm kiếm"):
        box = page.get_by_role("button" if name != "Quay lại" else "link", name=name,
                               exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Scrolling down hides the bars; scrolling back up brings them back.
    scroller = page.locator("#viewer-pages")
    # The viewer's own move to the asked page holds the bars for 600 ms (it is not the reader
    # scrolling); a reader's scroll comes after it.
    page.wait_for_timeout(700)
    scroller.evaluate("box => { box.scrollTop = 400; }")
    expect(page.locator(".viewer-bar")).to_be_hidden()
    assert page.locator("#viewer-pages").bounding_box()["y"] < 10
    page.screenshot(path=tmp_path / "viewer-phone-scrolled.png")
    scroller.evaluate("box => { box.scrollTop = 200; }")
    expect(page.locator(".viewer-bar")).to_be_visible()
    # The search box opens as a row of its own, across the width (never cut).
    page.get_by_role("button", name="Tìm kiếm").click()
    search = page.locator("#viewer-query").bounding_box()
    assert search["x"] >= 0 and search["x"] + search["width"] <= PHONE["width"]
    assert search["width"] >= 200, "the search box is cut"
    page.screenshot(path=tmp_path / "viewer-phone-search.png")
    page.keyboard.press("Escape")
    expect(page.locator("#viewer-query")).to_be_hidden()
    page.keyboard.press("Control+f")  # a keyboard on the tablet: the document's own search
    expect(page.locator("#viewer-query")).to_be_focused()
    assert watcher.problems == []
    context.close()


@pytest.mark.parametrize("width", [1280, 1024])
def test_tablet_toolbar_stays_put_when_a_result_shows(live_server, browser, width):
    document_id = _demo_document(live_server, DEMO_REPORT)
    context, page, watcher = _open(browser, live_server, document_id, user="thuky",
                                   viewport={"width": width, "height": 800})
    page.locator(_drawn(1)).wait_for()
    page.locator("#viewer-follow").wait_for()  # the room's tools join the bar once it answers
    bar = page.locator(".viewer-bar")
    height = bar.bounding_box()["height"]
    page.locator("#viewer-query").fill("ky cuong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.locator("#viewer-search-result")).to_have_text(COUNT)
    assert bar.bounding_box()["height"] == pytest.approx(height, abs=1)
    assert watcher.problems == []
    context.close()


@pytest.mark.timing
def test_first_page_of_300_shows_fast_through_range_requests(live_server, browser):
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pages=300)
    context, page, watcher = _open(browser, live_server, document_id)
    # the first visit warms the reader's watermarked copy
    page.locator(_drawn(1)).wait_for()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/file" in r.url else None)
    page.goto(f"{live_server.url}/documents/{document_id}?again=1")
    started = time.monotonic()
    page.locator(_drawn(1)).wait_for()
    assert time.monotonic() - started < 1.0
    assert statuses and set(statuses) == {206}, f"not only range requests: {statuses}"
    assert page.locator("#viewer-total").inner_text() == "/ 300"
    assert watcher.problems == []
    context.close()


def _scan(pages: int) -> bytes:
    """A scan-like PDF: each page one incompressible 300 x 300 grey image (90 KB)."""
    import random
    import zlib

    from tests.documents.conftest import assemble, stream

    rng = random.Random(18)
    objects, kids = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}, []
    for n in range(pages):
        page, content, image = 3 + 3 * n, 4 + 3 * n, 5 + 3 * n
        kids.append(b"%d 0 R" % page)
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                         b"<< /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>" % (image, content))
        objects[content] = stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
        objects[image] = stream(zlib.compress(rng.randbytes(300 * 300), 1),
                                b"/Type /XObject /Subtype /Image /Width 300 /Height 300 "
                                b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode")
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return assemble(objects, header=b"%PDF-1.4\n")


def test_scan_opens_from_two_ranges_and_another_copy_is_refused(live_server, browser):
    """Page 1 of a 1 MB scan needs the two ranges the page's head asks for at once (the first
    and the last 512 KiB), never the whole file; a range of another copy (the reader's copy
    made again meanwhile: other bytes, another ETag) stops the viewer, never mixed in."""
    meeting_id = _published_meeting_of(live_server, "daibieu01")
    document_id = _upload_as_secretary(live_server, browser, meeting_id, pdf=_scan(12))
    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu02")
    asked: list[str | None] = []
    answered: list[tuple[int, str]] = []
    page.on("request", lambda r: asked.append(r.headers.get("range")) if "/file" in r.url
            else None)
    page.on("response", lambda r: answered.append((r.status, r.headers.get("content-range")))
            if "/file" in r.url else None)
    page.goto(f"{live_server.url}/documents/{document_id}")
    page.locator(_drawn(1)).wait_for()
    assert asked[0] == "bytes=0-524287", asked
    size = int(answered[0][1].rsplit("/", 1)[1])
    assert size > 1_000_000
    chunk = 262144
    assert asked[1] == f"bytes={((size - 1) // chunk - 1) * chunk}-{size - 1}", asked
    assert all(asked) and all(status == 206 for status, _ in answered), (asked, answered)
    assert watcher.problems == []
    context.close()

    context = browser.new_context(viewport=TABLET, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "daibieu02")

    def from_another_copy(route):
        if route.request.headers.get("range", "").startswith("bytes=0-"):
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "etag": '"another"'})

    page.route("**/documents/*/file", from_another_copy)
    page.goto(f"{live_server.url}/documents/{document_id}")
    expect(page.locator(".viewer-error")).to_be_visible()
    assert page.locator(".page[data-rendered]").count() == 0
    context.close()
