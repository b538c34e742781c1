"""The edXML export (QCVN 102:2016) of an issued notice: envelope fields from the notice, the
manifest pointing at the attachment, and the attachment byte for byte the issued PDF."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from xml.etree import ElementTree as ET  # noqa: N817

import pytest

from ecabinet.conclusions import issuing, service
from ecabinet.conclusions.edxml import NS, XLINK
from ecabinet.core.timeutil import to_local
from tests.conclusions.test_service import signed

E = f"{{{NS}}}"


@pytest.fixture
def issued(world, keys):
    conclusion = signed(world, keys, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None)
    return service.conclusion_of(world.meeting)


def test_issued_notice_downloads_as_edxml_with_the_signed_pdf(client, auth, world, issued):
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.meeting.id}/conclusion").get_data(as_text=True)
    assert f"/meetings/{world.meeting.id}/conclusion/notice.edxml" in page
    response = client.get(f"/meetings/{world.meeting.id}/conclusion/notice.edxml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert 'filename="TB-01-UBND-' in response.headers["Content-Disposition"]
    root = ET.fromstring(response.data)  # noqa: S314 - our own output
    assert root.tag == f"{E}edXML"
    header = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
    assert header.findtext(f"{E}From/{E}OrganName") == world.units["province"].name
    assert {t.findtext(f"{E}OrganName") for t in header.findall(f"{E}To")} == {
        world.units["department"].name, world.units["ward"].name}
    assert header.findtext(f"{E}Code/{E}CodeNumber") == "01"
    assert header.findtext(f"{E}Code/{E}CodeNotation") == "TB-UBND"
    assert header.findtext(f"{E}PromulgationInfo/{E}PromulgationDate") == \
        to_local(issued.issued_at).strftime("%Y/%m/%d")
    assert header.findtext(f"{E}DocumentType/{E}TypeName") == "Thông báo"
    assert header.findtext(f"{E}SignerInfo/{E}FullName") == issued.signer_name
    assert world.meeting.title in header.findtext(f"{E}Subject")
    reference = root.find(f"{E}edXMLEnvelope/{E}edXMLBody/{E}edXMLManifest/{E}Reference")
    attachment = root.find(f"{E}AttachmentEncoded/{E}Attachment")
    assert reference.get(f"{{{XLINK}}}href") == "cid:" + attachment.findtext(f"{E}ContentId")
    pdf = base64.b64decode(attachment.findtext(f"{E}ContentTransferEncoded"))
    assert pdf == issued.issued_pdf
    assert hashlib.sha256(pdf).hexdigest() == issued.issued_sha256


def test_a_notice_not_yet_issued_has_no_edxml(client, auth, world, keys):
    signed(world, keys)
    auth.login("secretariat")
    response = client.get(f"/meetings/{world.meeting.id}/conclusion/notice.edxml",
                          follow_redirects=True)
    assert response.mimetype == "text/html"
    assert "Chỉ thông báo đã ban hành" in response.get_data(as_text=True)
