"""A document to annotate on the world's published meeting, and annotation payloads."""

from __future__ import annotations

import uuid

import pytest

from ecabinet.documents import service as documents
from ecabinet.documents.service import UploadedFile
from tests.annotations.pdfs import make_pages, passage


def upload(meeting, actor, data: bytes, name: str = "To trinh.pdf"):
    report = documents.upload_documents(meeting, [UploadedFile(name, data)], actor=actor)
    assert not report.refused, report.refused
    return report.accepted[0].document


@pytest.fixture
def document(world):
    """Three pages of eight passages, uploaded by the secretariat."""
    return upload(world.meeting, world.users["secretariat"], make_pages(3))


def payload(**overrides) -> dict:
    """A highlight of passage 1.2 on page 1, as the viewer sends it."""
    base = {"client_id": str(uuid.uuid4()), "kind": "highlight", "page": 1,
            "rects": [[85.0, 700.0, 300.0, 714.0]], "quote": passage(1, 2),
            "color": "#ffd400", "comment": "Cần hỏi lại Sở Tài chính",
            "data": {"annotationType": 9, "pageIndex": 0, "color": [255, 212, 0],
                     "quadPoints": [85, 714, 300, 714, 85, 700, 300, 700],
                     "rect": [85, 700, 300, 714]}}
    base.update(overrides)
    return base
