"""Annotating in the viewer, in a real browser (static/js/viewer/annotate.js on PDF.js's own
annotation editor layer): highlight, free text, pen and a sticky note, saved to the server and
drawn again after a reload; the same reader's second device sees a new note live; notes made
offline wait in IndexedDB (across a reload) and reach the server when it answers again; the
tools fit a phone and a tablet. Its own server: the notes it makes are no other module's."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.annotations.pdfs import make_pages, passage
from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = [pytest.mark.e2e]

TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/ec/shots")
REPORT = "Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2026"
BUDGET = "Dự toán ngân sách địa phương năm 2027"
PLAN = "Đề án sắp xếp đơn vị sự nghiệp công lập"
EPIDEMIC = "Kế hoạch phòng, chống dịch bệnh mùa đông - xuân"


def _query(server, sql: str, **params):
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


def _document(server, title: str) -> int:
    return _query(server, "SELECT id FROM documents WHERE title = :t ORDER BY id LIMIT 1",
                  t=title)[0][0]


def _stored(server, document_id: int, username: str = "daibieu01") -> list[dict]:
    """The reader's live annotations of the document, as the server keeps them."""
    rows = _query(server, "SELECT a.kind, a.page, a.comment, a.quote, a.rects, a.data "
                          "FROM annotations a JOIN users u ON u.id = a.owner_id "
                          "WHERE a.document_id = :d AND u.username = :u AND NOT a.deleted "
                          "ORDER BY a.id", d=document_id, u=username)
    return [{"kind": r[0], "page": r[1], "comment": r[2], "quote": r[3],
             "rects": json.loads(r[4]) if isinstance(r[4], str) else r[4],
             "data": json.loads(r[5]) if isinstance(r[5], str) else r[5]} for r in rows]


def _wait_stored(server, document_id: int, count: int, timeout: float = 15) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        rows = _stored(server, document_id)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def _published_meeting(server) -> int:
    return _query(server, "SELECT m.id FROM meetings m JOIN meeting_participants p "
                          "ON p.meeting_id = m.id JOIN users u ON u.id = p.user_id "
                          "WHERE u.username = 'daibieu01' AND m.status = 'published' "
                          "ORDER BY m.id LIMIT 1")[0][0]


def _as_secretary(browser, server, path: str, files: dict) -> None:
    """POST a PDF as the secretary (thuky), as the documents page's form does."""
    context = _context(browser)
    page = context.new_page()
    sign_in(page, server.url, "thuky")
    page.goto(f"{server.url}/meetings/{_published_meeting(server)}/documents")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(server.url + path, multipart={"csrf_token": token, **files})
    assert response.ok, response.status
    context.close()


def _upload(browser, server, name: str, pdf: bytes) -> int:
    meeting_id = _published_meeting(server)
    _as_secretary(browser, server, f"/meetings/{meeting_id}/documents",
                  {"files": {"name": name, "mimeType": "application/pdf", "buffer": pdf}})
    return _query(server, "SELECT max(id) FROM documents WHERE meeting_id = :m",
                  m=meeting_id)[0][0]


def _problems(watcher) -> list[str]:
    """What went wrong on the page, less the test's own doing: requests it aborted and, while
    it held the browser offline, the live socket's attempts to reconnect (Chromium logs both
    as failed loads)."""
    return [p for p in watcher.problems if "net::ERR_FAILED" not in p
            and "ERR_INTERNET_DISCONNECTED" not in p and "Failed to load resource" not in p]


def _wait_kinds(server, document_id: int, kinds: list[str], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while sorted(r["kind"] for r in _stored(server, document_id)) != kinds:
        assert time.monotonic() < deadline, _stored(server, document_id)
        time.sleep(0.1)


def _context(browser, viewport=TABLET):
    phone = viewport["width"] < 500
    return browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=phone,
                               has_touch=phone)


def _open(page, server, document_id: int, fragment: str = "") -> None:
    """The viewer with the annotation tools ready (their saved notes fetched and drawn)."""
    page.goto(f"{server.url}/documents/{document_id}{fragment}")
    page.locator("#annot-dock[data-ready='1']").wait_for(state="attached")
    page.locator("#viewer-canvas .page[data-page-number='1'][data-rendered='true']").wait_for()


def _page_box(page, number: int = 1) -> dict:
    return page.locator(f"#viewer-canvas .page[data-page-number='{number}']").bounding_box()


def _tool(page, name: str):
    return page.locator(f"#annot-dock [data-annot-tool='{name}']")


def _use(page, name: str) -> None:
    """Pick a tool (or put it down when it is the one in hand)."""
    before = page.locator("#viewer").get_attribute("data-annotating") or ""
    _tool(page, name).click()
    expected = "" if before == name else name
    expect(page.locator("#viewer")).to_have_attribute("data-annotating", expected)


def _open_dock(page) -> None:
    if page.locator("#annot-dock").is_hidden():
        page.locator("#annot-toggle").click()
    expect(page.locator("#annot-dock")).to_be_visible()


def _highlight_first_line(page, words: str | None = None) -> None:
    _use(page, "highlight")
    spans = page.locator("#viewer-canvas .page[data-page-number='1'] .textLayer span")
    span = (spans.filter(has_text=words) if words else spans).first
    box = span.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, y, steps=8)
    page.mouse.up()
    page.locator(".annotationEditorLayer .highlightEditor").first.wait_for(state="attached")
    _use(page, "highlight")


def _draw(page, x: float, y: float) -> None:
    _use(page, "ink")
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + step * 12, y + (step % 4) * 10)
    page.mouse.up()
    _use(page, "ink")  # putting the pen down ends the drawing
    page.locator(".annotationEditorLayer .inkEditor").first.wait_for(state="attached")


def _write(page, x: float, y: float, words: str) -> None:
    _use(page, "freetext")
    page.mouse.click(x, y)
    page.locator(".freeTextEditor .internal:focus").wait_for()
    page.keyboard.type(words, delay=20)
    _use(page, "freetext")  # done writing: PDF.js commits the text


def _sticky_note(page, x: float, y: float, words: str) -> None:
    _use(page, "note")
    page.mouse.click(x, y)
    page.locator("#annot-note-text").fill(words)
    page.locator("#annot-note-form").get_by_role("button", name="Lưu").click()
    _use(page, "note")


def test_delegate_highlights_writes_draws_and_sees_them_after_reload(live_server, browser):
    document_id = _document(live_server, REPORT)
    context = _context(browser)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    _open(page, live_server, document_id)
    _open_dock(page)
    box = _page_box(page)
    _highlight_first_line(page)
    _draw(page, box["x"] + 120, box["y"] + 330)
    _write(page, box["x"] + 160, box["y"] + 470, "Cần làm rõ số liệu quý IV")
    _sticky_note(page, box["x"] + 420, box["y"] + 560, "Hỏi lại Sở Tài chính")
    stored = _wait_stored(live_server, document_id, 4)
    kinds = sorted(row["kind"] for row in stored)
    assert kinds == ["freetext", "highlight", "ink", "note"], stored
    by_kind = {row["kind"]: row for row in stored}
    # What re-anchoring needs: the words under the highlight, a position on the page.
    assert by_kind["highlight"]["quote"] == "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    assert by_kind["freetext"]["comment"] == "Cần làm rõ số liệu quý IV"
    assert by_kind["note"]["comment"] == "Hỏi lại Sở Tài chính"
    assert all(row["page"] == 1 and row["rects"] for row in stored)
    assert len(by_kind["ink"]["data"]["paths"]["points"][0]) >= 20
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "annotate-made-1280.png"))

    page.reload()
    page.locator("#annot-dock[data-ready='1']").wait_for(state="attached")
    layer = page.locator("#viewer-canvas .page[data-page-number='1'] .annotationEditorLayer")
    expect(layer.locator(".highlightEditor")).to_have_count(1)
    expect(layer.locator(".inkEditor")).to_have_count(1)
    expect(layer.locator(".freeTextEditor")).to_have_count(1)
    expect(layer.locator(".freeTextEditor .internal")).to_have_text("Cần làm rõ số liệu quý IV")
    expect(page.locator(".annot-note")).to_have_count(1)
    # Each drawn where it was saved (PDF.js's serialised rectangle, to 0.5 pt).
    shown = page.evaluate("""async () => {
      const { viewerReady } = await import('/static/js/viewer.js');
      const { pdfViewer } = await viewerReady;
      const ui = pdfViewer._layerProperties.annotationEditorUIManager;
      return Object.fromEntries([...ui.getEditors(0)].map((e) => [e.editorType, e.getPDFRect()]));
    }""")
    for kind in ("highlight", "ink", "freetext"):
        assert shown[kind] == pytest.approx(by_kind[kind]["data"]["rect"], abs=0.5), kind
    page.wait_for_timeout(800)  # a reload saves nothing: no change, no duplicate
    assert len(_stored(live_server, document_id)) == 4
    # The note opens to read; undo takes back a deletion.
    page.locator(".annot-note").click()
    expect(page.locator("#annot-note-text")).to_have_value("Hỏi lại Sở Tài chính")
    page.locator("#annot-note-form").get_by_role("button", name="Xóa").click()
    expect(page.locator(".annot-note")).to_have_count(0)
    _wait_kinds(live_server, document_id, ["freetext", "highlight", "ink"])
    page.locator("#annot-dock [data-annot-action='undo']").click()
    expect(page.locator(".annot-note")).to_have_count(1)
    assert len(_wait_stored(live_server, document_id, 4)) == 4
    # A drawing picked with the pen and deleted from the toolbar; undo, redo.
    _use(page, "ink")
    layer.locator(".inkEditor").click()
    expect(layer.locator(".inkEditor.selectedEditor")).to_have_count(1)
    page.locator("#annot-dock [data-annot-action='delete']").click()
    expect(layer.locator(".inkEditor")).to_have_count(0)
    _wait_kinds(live_server, document_id, ["freetext", "highlight", "note"])
    page.locator("#annot-dock [data-annot-action='undo']").click()
    expect(layer.locator(".inkEditor")).to_have_count(1)
    _wait_kinds(live_server, document_id, ["freetext", "highlight", "ink", "note"])
    page.locator("#annot-dock [data-annot-action='redo']").click()
    expect(layer.locator(".inkEditor")).to_have_count(0)
    _wait_kinds(live_server, document_id, ["freetext", "highlight", "note"])
    _use(page, "ink")
    page.screenshot(path=str(SHOTS / "annotate-reloaded-1280.png"))
    assert watcher.problems == []
    context.close()


def test_second_device_sees_a_new_note_within_a_second(live_server, browser):
    document_id = _document(live_server, BUDGET)
    tablet, laptop = _context(browser), _context(browser)
    first, second = tablet.new_page(), laptop.new_page()
    watchers = [PageWatcher(first), PageWatcher(second)]
    for page in (first, second):
        sign_in(page, live_server.url, "daibieu01")
        _open(page, live_server, document_id)
        _open_dock(page)
    second.wait_for_function("""async () => (await import('/static/js/live.js'))
      .connect('/live').connected""")
    box = _page_box(first)
    _use(first, "freetext")
    first.mouse.click(box["x"] + 200, box["y"] + 400)
    first.locator(".freeTextEditor .internal:focus").wait_for()
    first.keyboard.type("Ý kiến về mục chi thường xuyên", delay=10)
    with first.expect_response(lambda r: r.request.method == "POST"
                               and r.url.endswith("/annotations")) as saved:
        _use(first, "freetext")
    assert saved.value.status == 201
    started = time.monotonic()
    note = second.locator(".annotationEditorLayer .freeTextEditor .internal")
    note.wait_for(timeout=5000)
    elapsed = time.monotonic() - started
    expect(note).to_have_text("Ý kiến về mục chi thường xuyên")
    assert elapsed < 1.0, f"the second device saw the note after {elapsed:.2f} s"
    # A sticky note too, and its deletion.
    _sticky_note(first, box["x"] + 300, box["y"] + 250, "Đối chiếu với năm 2026")
    expect(second.locator(".annot-note")).to_have_count(1, timeout=5000)
    first.locator(".annot-note").click()
    first.locator("#annot-note-form").get_by_role("button", name="Xóa").click()
    expect(second.locator(".annot-note")).to_have_count(0, timeout=5000)
    # No duplicate on either side, and none on the server.
    assert first.locator(".annotationEditorLayer .freeTextEditor").count() == 1
    assert second.locator(".annotationEditorLayer .freeTextEditor").count() == 1
    assert [row["kind"] for row in _stored(live_server, document_id)] == ["freetext"]
    assert all(w.problems == [] for w in watchers), [w.problems for w in watchers]
    tablet.close()
    laptop.close()


def test_offline_notes_wait_across_a_reload_and_sync_on_reconnect(live_server, browser):
    document_id = _document(live_server, PLAN)
    context = _context(browser)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    _open(page, live_server, document_id)
    _open_dock(page)
    box = _page_box(page)
    context.set_offline(True)
    _sticky_note(page, box["x"] + 380, box["y"] + 220, "Ghi chú khi mất mạng")
    _draw(page, box["x"] + 100, box["y"] + 420)
    status = page.locator("#annot-sync")
    expect(status).to_have_text("chưa đồng bộ 2 ghi chú")
    expect(page.locator("#annot-toggle .annot-badge")).to_have_text("2")
    assert _stored(live_server, document_id) == []
    # The connection returns but the server still cannot be reached: the reload shows the
    # notes from this browser, still waiting.
    context.route("**/documents/*/annotations**",
                  lambda route: route.abort() if route.request.method == "POST"
                  else route.continue_())
    context.set_offline(False)
    page.reload()
    page.locator("#annot-dock[data-ready='1']").wait_for(state="attached")
    expect(page.locator(".annot-note")).to_have_count(1)
    expect(page.locator(".annotationEditorLayer .inkEditor")).to_have_count(1)
    expect(status).to_have_text("chưa đồng bộ 2 ghi chú")
    assert _stored(live_server, document_id) == []
    # The server answers again: what waited is sent, once.
    context.unroute("**/documents/*/annotations**")
    expect(status).to_be_hidden()
    stored = _wait_stored(live_server, document_id, 2)
    assert sorted(row["kind"] for row in stored) == ["ink", "note"]
    assert [row["comment"] for row in stored if row["kind"] == "note"] == ["Ghi chú khi mất mạng"]
    page.reload()
    page.locator("#annot-dock[data-ready='1']").wait_for(state="attached")
    expect(page.locator(".annot-note")).to_have_count(1)
    expect(page.locator(".annotationEditorLayer .inkEditor")).to_have_count(1)
    expect(status).to_be_hidden()
    page.wait_for_timeout(500)
    assert len(_stored(live_server, document_id)) == 2
    assert _problems(watcher) == []
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_annotation_tools_fit_the_screen(live_server, browser, viewport):
    document_id = _document(live_server, EPIDEMIC)
    context = _context(browser, viewport)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    _open(page, live_server, document_id)
    width = viewport["width"]
    if width < 500:
        # On a phone the tools start folded away: the pages keep the height.
        expect(page.locator("#annot-dock")).to_be_hidden()
        assert page.locator("#viewer-pages").bounding_box()["y"] <= 0.15 * viewport["height"]
    _open_dock(page)
    assert page.locator(".viewer-bar").bounding_box()["height"] < 60
    dock = page.locator("#annot-dock").bounding_box()
    assert dock["x"] >= 0 and dock["x"] + dock["width"] <= width
    assert dock["y"] + dock["height"] <= viewport["height"]
    for button in page.locator("#annot-dock button:visible").all():
        b = button.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= width, button.get_attribute("title")
        assert b["height"] >= 28
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The pen draws with a finger on the phone (a touch) and the mouse on the tablet.
    inks = page.locator(".annotationEditorLayer .inkEditor")
    before = len(_stored(live_server, document_id))
    drawn = inks.count()
    box = _page_box(page)
    if width < 500:
        _use(page, "ink")
        x, y = box["x"] + 80, box["y"] + 200
        page.evaluate("""([x, y]) => {
          const target = document.elementFromPoint(x, y);
          const fire = (type, dx, dy, buttons) => target.dispatchEvent(new PointerEvent(type, {
            bubbles: true, cancelable: true, composed: true, pointerId: 7, pointerType: 'touch',
            isPrimary: true, clientX: x + dx, clientY: y + dy, buttons }));
          fire('pointerdown', 0, 0, 1);
          for (let i = 1; i <= 12; i += 1) fire('pointermove', i * 10, (i % 3) * 8, 1);
          fire('pointerup', 120, 0, 0);
        }""", [x, y])
        _use(page, "ink")
    else:
        _draw(page, box["x"] + 150, box["y"] + 250)
    expect(inks).to_have_count(drawn + 1)
    assert len(_wait_stored(live_server, document_id, before + 1)) == before + 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"annotate-tools-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert watcher.problems == []
    context.close()


def _notes_shown(page) -> list[str]:
    return sorted(page.locator(".annot-note").evaluate_all("ms => ms.map((m) => m.title)"))


def test_edits_from_two_devices_keep_both_as_a_conflict_copy(live_server, browser):
    """Last writer wins per annotation; the edit that started from an older revision (made
    offline on the tablet while the laptop changed the note) is kept as a copy, never lost."""
    document_id = _upload(browser, live_server, "Xung dot.pdf", make_pages(1, per_page=4))
    tablet, laptop = _context(browser), _context(browser)
    first, second = tablet.new_page(), laptop.new_page()
    watchers = [PageWatcher(first), PageWatcher(second)]
    for page in (first, second):
        sign_in(page, live_server.url, "daibieu01")
        _open(page, live_server, document_id)
        _open_dock(page)
    second.wait_for_function("""async () => (await import('/static/js/live.js'))
      .connect('/live').connected""")
    box = _page_box(first)
    _sticky_note(first, box["x"] + 500, box["y"] + 300, "Bản đầu")
    expect(second.locator(".annot-note")).to_have_count(1, timeout=5000)
    tablet.set_offline(True)
    first.locator(".annot-note").click()
    first.locator("#annot-note-text").fill("Sửa khi mất mạng")
    first.locator("#annot-note-form").get_by_role("button", name="Lưu").click()
    expect(first.locator("#annot-sync")).to_have_text("chưa đồng bộ 1 ghi chú")
    second.locator(".annot-note").click()
    second.locator("#annot-note-text").fill("Sửa trên máy kia")
    second.locator("#annot-note-form").get_by_role("button", name="Lưu").click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [r["comment"] for r in _stored(
            live_server, document_id)] != ["Sửa trên máy kia"]:
        time.sleep(0.1)
    tablet.set_offline(False)
    expect(first.locator("#annot-sync")).to_be_hidden()
    both = ["Sửa khi mất mạng", "Sửa trên máy kia"]
    expect(first.locator(".annot-note")).to_have_count(2, timeout=5000)
    expect(second.locator(".annot-note")).to_have_count(2, timeout=5000)
    assert _notes_shown(first) == both
    assert _notes_shown(second) == both
    assert sorted(r["comment"] for r in _stored(live_server, document_id)) == both
    assert [_problems(w) for w in watchers] == [[], []]
    tablet.close()
    laptop.close()


def test_notes_follow_a_new_version_or_are_listed_as_not_placed(live_server, browser):
    """The secretariat uploads version 2 while the reader has the document open: the viewer
    reloads on the server's word; a highlight whose passage moved is carried to its new
    place, one whose passage was rewritten is listed under "Chưa đặt được vào phiên bản mới"."""
    document_id = _upload(browser, live_server, "Ke hoach.pdf", make_pages(1, per_page=4))
    context = _context(browser)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, live_server.url, "daibieu01")
    _open(page, live_server, document_id)
    _open_dock(page)
    kept, rewritten = passage(1, 0), passage(1, 1)
    _highlight_first_line(page, kept[:20])
    _highlight_first_line(page, rewritten[:20])
    stored = _wait_stored(live_server, document_id, 2)
    # The quote is the words under the highlight: the passage's first line.
    quotes = {r["quote"]: r for r in stored}
    kept_quote = next(q for q in quotes if len(q) > 20 and kept.startswith(q))
    gone_quote = next(q for q in quotes if len(q) > 20 and rewritten.startswith(q))
    old_top = quotes[kept_quote]["rects"][0][3]
    version2 = make_pages(1, per_page=4, changed=frozenset({(1, 1)}), preface=True)
    _as_secretary(browser, live_server, f"/documents/{document_id}/replace",
                  {"file": {"name": "Ke hoach v2.pdf", "mimeType": "application/pdf",
                            "buffer": version2}})
    # The open viewer reloads by itself once the notes are carried over.
    unplaced = page.locator("#annot-unplaced")
    expect(unplaced).to_be_visible()
    page.locator("#annot-dock[data-ready='1']").wait_for(state="attached")
    expect(unplaced.locator("summary")).to_contain_text("Chưa đặt được vào phiên bản mới (1)")
    unplaced.locator("summary").click()
    expect(unplaced.locator("li")).to_have_text(f"Trang 1 của phiên bản trước: “{gone_quote}”")
    layer = page.locator("#viewer-canvas .page[data-page-number='1'] .annotationEditorLayer")
    expect(layer.locator(".highlightEditor")).to_have_count(1)
    carried = page.evaluate("""async () => {
      const { viewerReady } = await import('/static/js/viewer.js');
      const { pdfViewer } = await viewerReady;
      const ui = pdfViewer._layerProperties.annotationEditorUIManager;
      return [...ui.getEditors(0)].map((e) => e.getPDFRect());
    }""")
    assert len(carried) == 1
    assert carried[0][3] < old_top - 5, "the highlight did not move down with its passage"
    # The redline: what version 2 added is marked on the page, what it removed is listed.
    page.locator("#annot-dock [data-annot-action='changes']").click()
    changes = page.locator("#annot-changes")
    expect(changes.locator("summary")).to_have_text("Thay đổi so với phiên bản 1 (1 trang)")
    added = changes.locator("ins").all_inner_texts()
    assert "Bổ sung: phiên bản 2 có thêm đoạn mở đầu này ở đầu trang." in added
    assert any(text.startswith("Nội dung thay thế 1-1") for text in added), added
    removed = changes.locator("del").all_inner_texts()
    assert any(rewritten in text for text in removed), removed
    marks = page.locator("#viewer-canvas .page[data-page-number='1'] .redline-added")
    assert marks.count() >= 2  # the preface's line and the rewritten passage's lines
    preface = page.locator("#viewer-canvas .page[data-page-number='1'] .textLayer span",
                           has_text="Bổ sung: phiên bản 2").first.bounding_box()
    first = marks.first.bounding_box()
    assert abs(first["y"] - preface["y"]) < preface["height"], (first, preface)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "annotate-redline-1280.png"))
    assert watcher.problems == []
    context.close()
