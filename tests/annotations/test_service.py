"""Saving, conflicts, deletes and privacy of annotations, without HTTP."""

from __future__ import annotations

import pytest

from ecabinet.annotations import service
from ecabinet.annotations.errors import AnnotationTooLarge, InvalidAnnotation, StaleVersion
from ecabinet.annotations.permissions import (
    can_annotate,
    can_answer_opinion,
    can_export_annotations,
    can_read_opinions,
    can_send_opinion,
)
from ecabinet.annotations.schemas import MAX_DATA_BYTES, parse_annotation
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from tests.annotations.conftest import payload


def save(document, user, **overrides):
    return service.save_annotation(document, user, parse_annotation(payload(**overrides)))


def test_save_creates_then_updates_with_the_revision(world, document):
    member = world.users["member"]
    first = save(document, member, client_id="0b3f6c1e-0000-4000-8000-000000000001")
    assert first.outcome == "created" and first.annotation.revision == 1
    again = save(document, member, client_id="0b3f6c1e-0000-4000-8000-000000000001",
                 base_revision=1, comment="Đã rõ")
    assert again.outcome == "updated" and again.annotation.revision == 2
    rows = service.annotations_of(document, member)
    assert [(r.comment, r.revision) for r in rows] == [("Đã rõ", 2)]


def test_save_retried_is_stored_once(world, document):
    member = world.users["member"]
    body = payload()
    for _ in range(3):
        result = service.save_annotation(document, member, parse_annotation(body))
    assert result.outcome == "unchanged"
    assert len(service.annotations_of(document, member)) == 1


def test_save_with_a_stale_revision_keeps_both_edits(world, document):
    member = world.users["member"]
    body = payload()
    service.save_annotation(document, member, parse_annotation(body))
    tablet = service.save_annotation(document, member, parse_annotation(
        {**body, "base_revision": 1, "comment": "Sửa trên máy tính bảng"}))
    laptop = service.save_annotation(document, member, parse_annotation(
        {**body, "base_revision": 1, "comment": "Sửa trên máy xách tay"}))
    assert tablet.outcome == "updated" and laptop.outcome == "conflict"
    assert laptop.annotation.comment == "Sửa trên máy tính bảng"
    assert laptop.copy.comment == "Sửa trên máy xách tay"
    assert laptop.copy.conflict_of_id == laptop.annotation.id
    comments = sorted(r.comment for r in service.annotations_of(document, member))
    assert comments == ["Sửa trên máy tính bảng", "Sửa trên máy xách tay"]


def test_delete_from_a_stale_revision_keeps_the_note(world, document):
    member = world.users["member"]
    body = payload()
    service.save_annotation(document, member, parse_annotation(body))
    service.save_annotation(document, member, parse_annotation({**body, "base_revision": 1,
                                                                "comment": "mới"}))
    refused = service.delete_annotation(document, member, body["client_id"], 1)
    assert refused.outcome == "conflict"
    assert [r.comment for r in service.annotations_of(document, member)] == ["mới"]
    done = service.delete_annotation(document, member, body["client_id"], 2)
    assert done.outcome == "deleted" and service.annotations_of(document, member) == []
    assert service.delete_annotation(document, member, body["client_id"], 2).outcome == "deleted"


def test_annotations_are_private_to_their_owner(world, document):
    member, chair = world.users["member"], world.users["chair"]
    body = payload()
    service.save_annotation(document, member, parse_annotation(body))
    # The chair reusing the member's client_id makes a note of her own, never touches his.
    theirs = service.save_annotation(document, chair, parse_annotation(
        {**body, "comment": "của chủ trì"}))
    assert theirs.outcome == "created"
    assert [r.comment for r in service.annotations_of(document, member)] == [body["comment"]]
    assert [r.comment for r in service.annotations_of(document, chair)] == ["của chủ trì"]
    assert service.annotations_of(document, world.users["secretariat"]) == []
    assert service.delete_annotation(document, chair, body["client_id"], None).outcome \
        == "deleted"
    assert len(service.annotations_of(document, member)) == 1


def test_save_on_a_replaced_version_is_refused(world, document):
    with pytest.raises(StaleVersion):
        save(document, world.users["member"], version=document.current.number + 1)


@pytest.mark.parametrize("field, value", [
    ("client_id", "not-a-uuid"), ("kind", "stamp"), ("page", 0), ("page", "1"),
    ("rects", [[1, 2, 3]]), ("rects", [[1, 2, 3, float("nan")]]), ("color", "red"),
    ("paths", [[1, 2, 3]])])
def test_parse_refuses_a_wrong_field(field, value):
    with pytest.raises(InvalidAnnotation):
        parse_annotation(payload(**{field: value}))


def test_parse_refuses_editor_data_over_the_limit():
    with pytest.raises(AnnotationTooLarge):
        parse_annotation(payload(data={"paths": [0.5] * (MAX_DATA_BYTES // 3)}))


@pytest.mark.parametrize("role, allowed", [
    ("member", True), ("chair", True), ("secretariat", True), ("clerk", False),
    ("outsider", False), ("admin", False), (None, False)])
def test_can_annotate_whoever_reads_the_document(world, document, role, allowed):
    assert can_annotate(document, world.users.get(role)) is allowed


def test_can_export_only_where_downloads_are_allowed(world, document):
    member = world.users["member"]
    assert can_export_annotations(document, member)
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    world.meeting.allow_downloads = False
    db.session.commit()
    assert can_annotate(document, member) and not can_export_annotations(document, member)


@pytest.mark.parametrize("role, send, read", [
    ("member", True, False), ("chair", True, False), ("secretariat", False, True),
    ("clerk", False, False), ("outsider", False, False), ("admin", False, False),
    (None, False, False)])
def test_opinion_permissions(world, role, send, read):
    user = world.users.get(role)
    assert can_send_opinion(world.meeting, user) is send
    assert can_read_opinions(world.meeting, user) is read
    assert can_answer_opinion(world.meeting, user) is read


def test_save_beyond_the_last_page_is_refused(world, document):
    with pytest.raises(InvalidAnnotation):
        save(document, world.users["member"], page=document.current.page_count + 1)


def test_delete_finds_the_note_whatever_case_its_uuid_is_written_in(app, world, document):
    from tests.annotations.test_views import signed_in

    body = payload()
    service.save_annotation(document, world.users["member"], parse_annotation(body))
    client, headers = signed_in(app, "member")
    gone = client.post(f"/documents/{document.id}/annotations/{body['client_id'].upper()}"
                       "/delete", headers=headers)
    assert gone.json["outcome"] == "deleted" and gone.json["annotation"]["deleted"] is True
    bad = client.post(f"/documents/{document.id}/annotations/xyz/delete", headers=headers)
    assert bad.status_code == 400 and bad.json["error"] == "invalid_annotation"
