"""The redline between two versions: a word diff of the whole text shown per page, served to
whoever reads the document, and nothing to show where there is no earlier version."""

from __future__ import annotations

import time

from ecabinet.annotations.redline import document_changes, page_changes
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


def test_a_paragraph_that_pushes_text_onto_the_next_page_is_the_only_change():
    """Page-by-page, every later page would lose its last lines and gain the previous
    page's: a reader wants the one paragraph that was added."""
    sentences = [f"Câu số {n} của báo cáo về giải ngân vốn đầu tư công." for n in range(1, 13)]
    old_pages = [" ".join(sentences[0:4]), " ".join(sentences[4:8]), " ".join(sentences[8:12])]
    added = "Bổ sung: đoạn mới về tiến độ."
    # The new paragraph after sentence 2; each page now ends one sentence earlier.
    new_sentences = sentences[:2] + [added] + sentences[2:]
    new_pages = [" ".join(new_sentences[0:4]), " ".join(new_sentences[4:8]),
                 " ".join(new_sentences[8:12]), new_sentences[12]]
    assert document_changes(old_pages, new_pages) == {1: ([added], [])}


def test_removed_text_is_shown_where_it_stood_and_a_passage_split_by_a_page_break():
    old_pages = ["Một. Hai. Ba.", "Bốn. Năm.", "Sáu."]
    new_pages = ["Một. Hai. Thêm", "vào đây. Ba. Bốn.", "Sáu."]
    assert document_changes(old_pages, new_pages) == {
        1: (["Thêm"], []), 2: (["vào đây."], ["Năm."])}
    assert document_changes(old_pages, ["Một. Hai. Ba."]) == {1: ([], ["Bốn. Năm. Sáu."])}
    assert document_changes([], ["Trang mới."]) == {1: (["Trang mới."], [])}
    assert document_changes(["Giữ nguyên."], ["Giữ  nguyên."]) == {}


def test_a_300_page_report_with_a_few_changes_compares_in_well_under_a_second():
    pages = [" ".join(f"Trang {p} đoạn {n}: các sở, ngành báo cáo tiến độ thực hiện và đề "
                      f"xuất giải pháp tháo gỡ khó khăn." for n in range(20))
             for p in range(300)]
    changed = list(pages)
    changed[10] = changed[10].replace("Trang 10 đoạn 3:", "Trang 10 đoạn ba (sửa):")
    changed.insert(150, "Phụ lục bổ sung: bảng số liệu giải ngân.")
    started = time.process_time()
    changes = document_changes(pages, changed)
    assert time.process_time() - started < 1.0
    assert changes == {11: (["ba (sửa):"], ["3:"]),
                       151: (["Phụ lục bổ sung: bảng số liệu giải ngân."], [])}


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
