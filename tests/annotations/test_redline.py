"""The redline between two versions: a word diff per page, served to whoever reads the
document, and nothing to show where there is no earlier version."""

from __future__ import annotations

from ecabinet.annotations.redline import page_changes
from ecabinet.documents import service as documents
from ecabinet.documents.service import UploadedFile
from tests.annotations.pdfs import make_pages, nudged, passage, rewritten
from tests.conftest import AuthActions

PREFACE = "Bổ sung: phiên bản 2 có thêm đoạn mở đầu này ở đầu trang."


def test_page_changes_are_the_words_added_and_removed_in_order():
    old = "Sở Tài chính báo cáo tiến độ,  hạn chót ngày 05.\nĐoạn cuối giữ nguyên."
    new = "Mở đầu mới. Sở Tài chính báo cáo tiến độ, thời hạn ngày 05. Đoạn cuối giữ nguyên."
    # "hạn chót" became "thời hạn": "hạn" stayed, "thời" came before it, "chót" went.
    assert page_changes(old, new) == (["Mở đầu mới.", "thời"], ["chót"])
    assert page_changes("giống nhau", "giống  nhau") == ([], [])
    assert page_changes("", "trang mới") == (["trang mới"], [])


def test_changes_of_version_two_page_by_page(app, world, document):
    client = app.test_client()
    assert AuthActions(client).login("member").status_code == 302
    url = f"/documents/{document.id}/changes"
    first = client.get(url)
    assert first.status_code == 200
    assert first.json["available"] is False and first.json["from"] is None
    v2 = make_pages(3, changed=frozenset({(3, 1)}), fuzzy=frozenset({(2, 3)}), preface=True)
    documents.replace_document(document, UploadedFile("To trinh v2.pdf", v2),
                               actor=world.users["secretariat"])
    answer = client.get(url).json
    assert (answer["available"], answer["from"], answer["to"]) == (True, 1, 2)
    pages = {p["page"]: p for p in answer["pages"]}
    assert sorted(pages) == [1, 2, 3]  # every page got the preface
    assert pages[1]["added"] == [PREFACE] and pages[1]["removed"] == []
    assert pages[2]["added"] == [PREFACE, "thời"] and pages[2]["removed"] == ["chót"]
    assert "thời hạn" in nudged(2, 3)
    assert any(rewritten(3, 1).split(":")[1].strip()[:30] in text for text in pages[3]["added"])
    assert any(passage(3, 1).split(":")[1].strip()[:30] in text for text in pages[3]["removed"])


def test_changes_are_refused_to_someone_outside_the_meeting(app, world, document):
    client = app.test_client()
    assert AuthActions(client).login("outsider").status_code == 302
    assert client.get(f"/documents/{document.id}/changes").status_code == 404
