"""Opinions (góp ý): a delegate sends, the secretariat reads them per item and answers."""

from __future__ import annotations

import pytest

from ecabinet.annotations import opinions
from ecabinet.annotations.errors import OpinionError, OpinionsClosed
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from tests.conftest import AuthActions, csrf_token


def walk_opinion_id(world) -> int:
    """The authorisation walk's opinion on the world's published meeting."""
    opinion = opinions.send_opinion(world.meeting, world.users["member"],
                                    opinions.OpinionInput("Đề nghị làm rõ số liệu",
                                                          agenda_item_id=world.item.id))
    return opinion.id


def test_opinions_are_collected_per_item_with_their_place(world, document):
    member, chair = world.users["member"], world.users["chair"]
    opinions.send_opinion(world.meeting, member, opinions.OpinionInput(
        "Số liệu trang 2 chưa khớp", document_id=document.id, page=2, quote="dự toán"))
    opinions.send_opinion(world.meeting, chair, opinions.OpinionInput(
        "Bổ sung báo cáo", agenda_item_id=world.item.id))
    opinions.send_opinion(world.meeting, member, opinions.OpinionInput("Ý kiến chung"))
    groups = opinions.opinions_by_item(world.meeting)
    assert [(g.item.id if g.item else None, [o.text for o in g.opinions]) for g in groups] == [
        (world.item.id, ["Bổ sung báo cáo"]), (None, ["Số liệu trang 2 chưa khớp",
                                                     "Ý kiến chung"])]
    placed = groups[1].opinions[0]
    assert (placed.document_id, placed.page, placed.version_number, placed.quote) == (
        document.id, 2, 1, "dự toán")


def test_opinion_refused_when_empty_on_a_foreign_document_or_after_the_meeting(world):
    member = world.users["member"]
    with pytest.raises(OpinionError):
        opinions.send_opinion(world.meeting, member, opinions.OpinionInput("   "))
    with pytest.raises(OpinionError):
        opinions.send_opinion(world.meeting, member, opinions.OpinionInput("x",
                                                                           document_id=999))
    world.meeting.status = MeetingStatus.FINISHED
    db.session.commit()
    with pytest.raises(OpinionsClosed):
        opinions.send_opinion(world.meeting, member, opinions.OpinionInput("muộn"))


def test_mark_answered_once(world):
    opinion = db.session.get(opinions.Opinion, walk_opinion_id(world))
    secretariat = world.users["secretariat"]
    assert opinions.mark_answered(opinion, actor=secretariat) is True
    assert opinions.mark_answered(opinion, actor=secretariat) is False
    assert opinion.answered_by_id == secretariat.id


def test_meeting_page_shows_the_secretariat_every_opinion_and_the_author_only_theirs(
        app, world):
    walk_opinion_id(world)
    pages = {}
    for role in ("secretariat", "member", "chair"):
        client = app.test_client()
        AuthActions(client).login(role)
        pages[role] = client.get(f"/meetings/{world.meeting.id}").text
    assert "Đề nghị làm rõ số liệu" in pages["secretariat"]
    assert "Phạm Quốc Bảo" in pages["secretariat"]
    assert "Đề nghị làm rõ số liệu" in pages["member"]
    assert "Đề nghị làm rõ số liệu" not in pages["chair"]
    assert "Gửi bộ phận thư ký" in pages["chair"]


def test_send_from_the_meeting_page_then_answer(app, world):
    member = app.test_client()
    AuthActions(member).login("member")
    sent = member.post(f"/meetings/{world.meeting.id}/opinions",
                       data={"csrf_token": csrf_token(member), "text": "Góp ý về mục 1",
                             "agenda_item_id": str(world.item.id)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#opinions")
    opinion = db.session.query(opinions.Opinion).one()
    assert (opinion.text, opinion.agenda_item_id) == ("Góp ý về mục 1", world.item.id)
    secretariat = app.test_client()
    AuthActions(secretariat).login("secretariat")
    secretariat.post(f"/meetings/{world.meeting.id}/opinions/{opinion.id}/answered",
                     data={"csrf_token": csrf_token(secretariat)})
    db.session.refresh(opinion)
    assert opinion.answered_at is not None


def test_send_from_the_viewer_as_json(app, world, document):
    member = app.test_client()
    AuthActions(member).login("member")
    response = member.post(f"/meetings/{world.meeting.id}/opinions",
                           json={"text": "Trang 1 sai số", "document_id": document.id,
                                 "page": 1, "quote": "Đoạn 1.2"},
                           headers={"X-CSRFToken": csrf_token(member)})
    assert response.status_code == 201
    empty = member.post(f"/meetings/{world.meeting.id}/opinions", json={"text": ""},
                        headers={"X-CSRFToken": csrf_token(member)})
    assert empty.status_code == 400 and empty.json["message"] == \
        "Hãy viết nội dung góp ý trước khi gửi."
