"""An issued notice as an edXML package (QCVN 102:2016), for agencies on the national axis.

How far it goes: the envelope (``edXMLHeader``: ``MessageHeader`` with From, To per recipient
unit, Code, PromulgationInfo, DocumentType, Subject, SignerInfo, ToPlaces, OtherInfo,
DocumentId; ``TraceHeaderList`` with the sender's trace; an empty ``DigitalSignature``), the
``edXMLManifest`` referencing the signed PDF by content id, and the PDF itself base64-encoded
in ``AttachmentEncoded``. Not done: the XML digital signature of the envelope, the national
organisation codes (``OrganId`` is our unit code unless the unit has none), the status and
feedback messages of the exchange, and a check against the official XSD (not in the repo).
"""

from __future__ import annotations

import base64
import uuid
from xml.etree import ElementTree as ET  # noqa: N817 - we only write, never parse, here

from ecabinet.accounts import service as accounts
from ecabinet.conclusions.models import Conclusion
from ecabinet.conclusions.numbering import number_text
from ecabinet.core.timeutil import to_local
from ecabinet.meetings.models import Meeting

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
DOCUMENT_TYPE_NAME = "Thông báo"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _party(parent: ET.Element, tag: str, unit) -> None:
    party = _sub(parent, tag)
    _sub(party, "OrganId", unit.code)
    _sub(party, "OrganizationInCharge", unit.parent.name if unit.parent else unit.name)
    _sub(party, "OrganName", unit.name)


def file_name(conclusion: Conclusion, meeting: Meeting) -> str:
    abbreviation = meeting.body.abbreviation or "UBND"
    return f"TB-{conclusion.number:02d}-{abbreviation}-{conclusion.year}"


def edxml_package(conclusion: Conclusion, meeting: Meeting) -> bytes:
    """The envelope, its manifest and the issued PDF as one edXML document (UTF-8)."""
    ET.register_namespace("edXML", NS)
    ET.register_namespace("xlink", XLINK)
    body = meeting.body
    issued = to_local(conclusion.issued_at)
    printed = number_text(conclusion.number, body.abbreviation)
    units = accounts.get_units(r.unit_id for r in conclusion.recipients)
    recipients = [units[r.unit_id] for r in conclusion.recipients if r.unit_id in units]

    root = ET.Element(f"{{{NS}}}edXML")
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    _party(message, "From", body)
    for unit in recipients:
        _party(message, "To", unit)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", f"{conclusion.number:02d}")
    _sub(code, "CodeNotation", printed.split("/", 1)[1])
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", body.place_name or "")
    _sub(promulgation, "PromulgationDate", issued.strftime("%Y/%m/%d"))
    kind = _sub(message, "DocumentType")
    _sub(kind, "Type", "1")
    _sub(kind, "TypeName", DOCUMENT_TYPE_NAME)
    subject = f"Kết luận của {conclusion.chaired_by} tại cuộc họp {meeting.title}"
    _sub(message, "Subject", subject)
    _sub(message, "Content", subject)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", "TM. " + body.name.upper())
    _sub(signer, "Position", conclusion.signer_position)
    _sub(signer, "FullName", conclusion.signer_name)
    places = _sub(message, "ToPlaces")
    for unit in recipients:
        _sub(places, "Place", unit.name)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", "0")
    _sub(other, "SphereOfPromulgation", "Liên thông văn bản")
    _sub(other, "PromulgationAmount", "1")
    _sub(other, "PageAmount", str((conclusion.layout or {}).get("pages", 1)))
    _sub(message, "SteeringType", "0")
    _sub(message, "DocumentId", f"{body.code},{issued:%Y/%m/%d},{printed}")
    traces = _sub(header, "TraceHeaderList")
    trace = _sub(traces, "TraceHeader")
    _sub(trace, "OrganId", body.code)
    _sub(trace, "Timestamp", issued.strftime("%Y/%m/%d %H:%M:%S"))
    _sub(header, "DigitalSignature")

    content_id = f"{uuid.uuid5(uuid.NAMESPACE_URL, 'ecabinet:' + conclusion.issued_sha256)}"
    name = file_name(conclusion, meeting) + ".pdf"
    manifest = _sub(_sub(envelope, "edXMLBody"), "edXMLManifest", version="1.0")
    reference = _sub(manifest, "Reference", **{f"{{{XLINK}}}href": f"cid:{content_id}",
                                               f"{{{XLINK}}}type": "simple"})
    _sub(reference, "Description", f"Thông báo {printed} (PDF/A, ký số)")
    _sub(reference, "AttachmentName", name)
    _sub(reference, "ContentType", "application/pdf")
    _sub(reference, "ContentId", f"cid:{content_id}")
    encoded = _sub(_sub(root, "AttachmentEncoded"), "Attachment")
    _sub(encoded, "ContentType", "application/pdf")
    _sub(encoded, "ContentId", content_id)
    _sub(encoded, "Description", f"Thông báo {printed}; SHA-256 {conclusion.issued_sha256}")
    _sub(encoded, "ContentTransferEncoded", base64.b64encode(conclusion.issued_pdf).decode())
    _sub(encoded, "AttachmentName", name)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
