"""The viewer's JSON API, the live sync to the owner's other devices, My notes, the export."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ecabinet.annotations import service
from ecabinet.annotations.schemas import parse_annotation
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from tests.annotations.conftest import payload
from tests.conftest import AuthActions, LiveClient, csrf_token


def signed_in(app, role: str):
    client = app.test_client()
    assert AuthActions(client).login(role).status_code == 302
    return client, {"X-CSRFToken": csrf_token(client)}


def test_save_list_and_delete_over_http(app, world, document):
    client, headers = signed_in(app, "member")
    url = f"/documents/{document.id}/annotations"
    body = payload()
    created = client.post(url, json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["outcome"] == "created" and created.json["annotation"]["revision"] == 1
    retried = client.post(url, json=body, headers=headers)
    assert retried.status_code == 200 and retried.json["outcome"] == "unchanged"
    listed = client.get(url).json
    assert listed["version"] == 1 and listed["can_export"] is True
    assert [a["comment"] for a in listed["annotations"]] == [body["comment"]]
    gone = client.post(f"{url}/{body['client_id']}/delete?revision=1", headers=headers)
    assert gone.status_code == 200 and gone.json["annotation"]["deleted"] is True
    assert client.get(url).json["annotations"] == []


def test_save_without_the_csrf_token_is_refused(app, world, document):
    client, _headers = signed_in(app, "member")
    response = client.post(f"/documents/{document.id}/annotations", json=payload())
    assert response.status_code == 400
    assert service.annotations_of(document, world.users["member"]) == []


def test_bad_annotation_is_answered_in_vietnamese(app, world, document):
    client, headers = signed_in(app, "member")
    response = client.post(f"/documents/{document.id}/annotations",
                           json=payload(kind="stamp"), headers=headers)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_annotation"
    assert "phải là" in response.json["message"]


def test_another_user_sees_none_of_the_annotations(app, world, document):
    service.save_annotation(document, world.users["member"], parse_annotation(payload()))
    for role in ("chair", "secretariat"):
        client, _ = signed_in(app, role)
        assert client.get(f"/documents/{document.id}/annotations").json["annotations"] == []
    for role in ("clerk", "outsider"):
        client, _ = signed_in(app, role)
        assert client.get(f"/documents/{document.id}/annotations").status_code == 404


def test_a_save_reaches_the_owners_other_device_only(app, world, document):
    tablet, headers = signed_in(app, "member")
    laptop, _ = signed_in(app, "member")
    other, _ = signed_in(app, "chair")
    on_laptop, on_tablet, on_other = (LiveClient(app, laptop), LiveClient(app, tablet),
                                      LiveClient(app, other))
    for live in (on_laptop, on_tablet, on_other):
        assert live.connected
        live.received()
    body = payload()
    response = tablet.post(f"/documents/{document.id}/annotations", json=body,
                           headers={**headers, "X-Ecabinet-Device": "tablet-1"})
    assert response.status_code == 201
    got = [m for m in on_laptop.received() if m["name"] == "annotation"]
    assert len(got) == 1
    event = got[0]["args"][0]
    assert event["device"] == "tablet-1"
    assert event["annotation"]["client_id"] == body["client_id"]
    assert event["annotation"]["comment"] == body["comment"]
    assert [m for m in on_other.received() if m["name"] == "annotation"] == []


def test_my_notes_finds_a_note_typed_without_tones(app, world, document):
    member = world.users["member"]
    service.save_annotation(document, member, parse_annotation(payload()))
    service.save_annotation(document, member, parse_annotation(payload(
        comment="Đề nghị bổ sung số liệu", quote="")))
    client, _ = signed_in(app, "member")
    page = client.get("/notes?q=hoi lai so tai chinh")
    assert page.status_code == 200
    assert "Cần hỏi lại Sở Tài chính" in page.text
    assert "Đề nghị bổ sung" not in page.text
    assert f'/documents/{document.id}#page=1' in page.text
    assert world.meeting.title in page.text
    assert "Cần hỏi lại" not in signed_in(app, "chair")[0].get("/notes?q=hoi").text


def test_my_notes_of_one_meeting_print_in_full_with_who_and_when(app, world, document):
    long_comment = "Đề nghị Sở Tài chính làm rõ nguồn vốn. " * 20
    service.save_annotation(document, world.users["member"], parse_annotation(payload(
        comment=long_comment)))
    client, _ = signed_in(app, "member")
    page = client.get(f"/notes?meeting={world.meeting.id}").text
    assert long_comment.strip() in page  # the whole note, not cut for the screen
    assert "data-print" in page and "Phạm Quốc Bảo" in page
    assert "Ghi chú cá nhân, không phải tài liệu họp" in page
    other = client.get(f"/notes?meeting={world.submitted.id}").text
    assert "Sở Tài chính làm rõ" not in other
    assert "Đồng chí chưa có ghi chú nào về cuộc họp này." in other and "data-print" not in other
    everything = client.get("/notes").text
    assert f"/notes?meeting={world.meeting.id}" in everything


def test_export_holds_the_annotations_and_is_refused_without_downloads(app, world, document):
    service.save_annotation(document, world.users["member"], parse_annotation(payload()))
    client, _ = signed_in(app, "member")
    response = client.get(f"/documents/{document.id}/annotated.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    annots = PdfReader(io.BytesIO(response.data)).pages[0]["/Annots"]
    assert [a.get_object()["/Contents"] for a in annots
            if a.get_object()["/Subtype"] == "/Highlight"] == ["Cần hỏi lại Sở Tài chính"]
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    world.meeting.allow_downloads = False
    db.session.commit()
    assert client.get(f"/documents/{document.id}/annotated.pdf").status_code == 403
    assert client.get(f"/documents/{document.id}/annotations").json["can_export"] is False


def test_a_save_over_the_socket_reaches_the_other_device_not_the_sender(app, world, document):
    tablet, _ = signed_in(app, "member")
    laptop, _ = signed_in(app, "member")
    other, _ = signed_in(app, "chair")
    on_tablet, on_laptop, on_other = (LiveClient(app, tablet), LiveClient(app, laptop),
                                      LiveClient(app, other))
    for live in (on_tablet, on_laptop, on_other):
        live.received()
    body = payload()
    ack = on_tablet.call("annotation_save", {"document_id": document.id, "annotation": body,
                                             "device": "tablet-1"})
    assert ack["outcome"] == "created" and ack["annotation"]["client_id"] == body["client_id"]
    assert [m["args"][0]["annotation"]["comment"] for m in on_laptop.received()
            if m["name"] == "annotation"] == [body["comment"]]
    assert [m for m in on_tablet.received() if m["name"] == "annotation"] == []
    assert [m for m in on_other.received() if m["name"] == "annotation"] == []
    again = on_tablet.call("annotation_save", {"document_id": document.id, "annotation": body})
    assert again["outcome"] == "unchanged"
    gone = on_tablet.call("annotation_delete", {"document_id": document.id,
                                                "client_id": body["client_id"], "revision": 1})
    assert gone["outcome"] == "deleted"
    assert [m["args"][0]["annotation"]["deleted"] for m in on_laptop.received()
            if m["name"] == "annotation"] == [True]


def test_socket_save_refused_plainly(app, world, document):
    member, _ = signed_in(app, "member")
    outsider, _ = signed_in(app, "outsider")
    bad = LiveClient(app, member).call("annotation_save", {"document_id": document.id,
                                                           "annotation": {"kind": "stamp"}})
    assert bad["error"] == "invalid_annotation" and "phải là" in bad["message"]
    hidden = LiveClient(app, outsider).call("annotation_save", {"document_id": document.id,
                                                                "annotation": payload()})
    assert hidden["error"] == "not_found"
    assert service.annotations_of(document, world.users["outsider"]) == []
