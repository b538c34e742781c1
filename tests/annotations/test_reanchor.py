"""Annotations carried over to a new version: exact, fuzzy, moved, and never dropped."""

from __future__ import annotations

import pytest

from ecabinet.annotations import service
from ecabinet.annotations.anchoring import PageText, find_quote, shift_data
from ecabinet.annotations.models import Anchor, Annotation
from ecabinet.annotations.schemas import parse_annotation
from ecabinet.documents import service as documents
from ecabinet.documents.service import UploadedFile
from ecabinet.extensions import db
from tests.annotations.conftest import payload
from tests.annotations.pdfs import make_pages, nudged, passage
from tests.conftest import AuthActions, LiveClient

PREFACE_PT = 7 * 72 / 25.4
"""Version 2 adds one 7 mm line on top of every page."""


def test_find_quote_exact_on_another_page_first_near():
    pages = [PageText("một hai ba"), PageText("bốn năm sáu"), PageText("bốn năm sáu")]
    match = find_quote("bốn  năm\nsáu", pages, near=3)
    assert (match.page, match.offset, match.how) == (3, 0, Anchor.EXACT)


def test_find_quote_fuzzy_only_on_neighbouring_pages():
    text = "Sở Tài chính báo cáo tiến độ giải ngân vốn đầu tư công, thời hạn ngày 05"
    quote = "Sở Tài chính báo cáo tiến độ giải ngân vốn đầu tư công, hạn chót ngày 05"
    far = [PageText("khác")] * 5 + [PageText(text)]
    assert find_quote(quote, far, near=1) is None
    near = [PageText("khác"), PageText("xyz " + text)]
    match = find_quote(quote, near, near=1)
    assert match.how == Anchor.FUZZY and match.page == 2 and match.score >= 90


def test_shift_data_moves_pdfjs_coordinates_and_page():
    data = {"annotationType": 15, "pageIndex": 0, "color": [0, 0, 255],
            "rect": [10, 20, 30, 40], "paths": [{"bezier": [1, 2, 3, 4], "points": [5, 6]}]}
    moved = shift_data(data, 2, 100, -10)
    assert moved["pageIndex"] == 1 and moved["color"] == [0, 0, 255]
    assert moved["rect"] == [110, 10, 130, 30]
    assert moved["paths"] == [{"bezier": [101, -8, 103, -6], "points": [105, -4]}]


@pytest.fixture
def versions(world, document):
    """The member's notes on version 1, then version 2 uploaded by the secretariat:
    passage 2.3 gets one word changed, 3.1 is rewritten, every page gets a line on top."""
    member = world.users["member"]
    notes = {
        "exact": payload(quote=passage(1, 2), comment="giữ nguyên"),
        "fuzzy": payload(page=2, quote=passage(2, 3), comment="gần đúng"),
        "gone": payload(page=3, quote=passage(3, 1), comment="đoạn đã bị viết lại"),
        "ink": payload(page=2, kind="ink", quote="", comment="nét vẽ",
                       paths=[[100, 500, 150, 520]], rects=[], data=None),
    }
    for body in notes.values():
        service.save_annotation(document, member, parse_annotation(body))
    v2 = make_pages(3, changed=frozenset({(3, 1)}), fuzzy=frozenset({(2, 3)}), preface=True)
    documents.replace_document(document, UploadedFile("To trinh v2.pdf", v2),
                               actor=world.users["secretariat"])
    return notes


def test_new_version_carries_every_annotation(world, document, versions):
    rows = {r.comment: r for r in service.annotations_of(document, world.users["member"])}
    assert set(rows) == {body["comment"] for body in versions.values()}
    assert all(r.version_id == document.current.id for r in rows.values())
    exact, fuzzy = rows["giữ nguyên"], rows["gần đúng"]
    assert (exact.anchor, exact.page) == (Anchor.EXACT, 1)
    assert exact.rects[0][1] == pytest.approx(700 - PREFACE_PT, abs=1.5)
    assert exact.data["rect"][1] == pytest.approx(700 - PREFACE_PT, abs=1.5)
    assert (fuzzy.anchor, fuzzy.page) == (Anchor.FUZZY, 2)
    assert nudged(2, 3) != passage(2, 3)
    for lost in ("đoạn đã bị viết lại", "nét vẽ"):
        assert rows[lost].anchor == Anchor.UNPLACED
    assert rows["đoạn đã bị viết lại"].old_page == 3


def test_version_one_keeps_its_own_annotations(world, document, versions):
    first = document.versions[0]
    kept = db.session.query(Annotation).filter_by(version_id=first.id).count()
    assert kept == len(versions)


def test_unplaced_are_listed_apart_with_text_and_old_page(app, world, document, versions):
    client = app.test_client()
    AuthActions(client).login("member")
    listed = client.get(f"/documents/{document.id}/annotations").json
    assert listed["version"] == 2
    unplaced = {a["comment"]: a for a in listed["unplaced"]}
    assert set(unplaced) == {"đoạn đã bị viết lại", "nét vẽ"}
    assert unplaced["đoạn đã bị viết lại"]["quote"] == passage(3, 1)
    assert unplaced["đoạn đã bị viết lại"]["old_page"] == 3
    assert {a["comment"] for a in listed["annotations"]} == {"giữ nguyên", "gần đúng"}
    notes = client.get("/notes").text
    assert "Chưa đặt được vào phiên bản mới" in notes


def test_owner_is_told_to_reload_after_a_new_version(app, world, document):
    service.save_annotation(document, world.users["member"], parse_annotation(payload()))
    client = app.test_client()
    AuthActions(client).login("member")
    live = LiveClient(app, client)
    live.received()
    documents.replace_document(document, UploadedFile("v2.pdf", make_pages(3, preface=True)),
                               actor=world.users["secretariat"])
    told = [m["args"][0] for m in live.received() if m["name"] == "annotations_reanchored"]
    assert told == [{"document_id": document.id, "version": 2}]


def test_annotations_left_behind_are_carried_when_listed(world, document, monkeypatch):
    """A carry that failed at upload (the hook logged it) is made up on the next read."""
    from ecabinet.documents import version_hooks

    member = world.users["member"]
    service.save_annotation(document, member, parse_annotation(payload()))
    monkeypatch.setattr(version_hooks, "_HOOKS", {})
    documents.replace_document(document, UploadedFile("v2.pdf", make_pages(3)),
                               actor=world.users["secretariat"])
    rows = service.annotations_of(document, member)
    assert [(r.anchor, r.page) for r in rows] == [(Anchor.EXACT, 1)]


def test_upload_answers_before_carrying_which_runs_in_the_background(app, world, document):
    import time

    member = world.users["member"]
    service.save_annotation(document, member, parse_annotation(payload()))
    app.config["ANNOTATIONS_CARRY_INLINE"] = False
    documents.replace_document(document, UploadedFile("v2.pdf", make_pages(3, preface=True)),
                               actor=world.users["secretariat"])
    current = document.current.id
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db.session.expire_all()
        carried = db.session.query(Annotation).filter_by(version_id=current).all()
        if carried:
            break
        time.sleep(0.1)
    assert [(r.anchor, r.page) for r in carried] == [(Anchor.EXACT, 1)]
