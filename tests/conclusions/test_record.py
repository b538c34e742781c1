"""The meeting's record embedded in the signed notice, and `ecabinet conclusions verify-record`:
published schema, inside every signature, polls rebuilt offline from the receipt list alone."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from ecabinet.conclusions import issuing, record_embed, service
from ecabinet.conclusions.record_verify import check_record, verify_record_file
from ecabinet.live import attendance
from ecabinet.live.models import Presence
from ecabinet.meetings.models import ParticipantRole
from ecabinet.voting import service as voting
from ecabinet.voting.models import PollKind
from ecabinet.voting.service import PollData
from tests.conclusions.test_service import signed

SCHEMA = json.loads((Path(record_embed.__file__).parent / "record.schema.json").read_text())


def _vote(world):
    """A named poll (chair and member for) and a secret one, closed, on the world's meeting."""
    meeting = world.meeting
    voters = [p.user for p in meeting.participants
              if p.role in (ParticipantRole.CHAIR, ParticipantRole.DELEGATE)]
    for user in voters:
        attendance.mark(meeting, user, Presence.PRESENT, by=user)
    named = voting.open_poll(meeting, PollData("Thông qua Kế hoạch đầu tư công 2026?"),
                             actor=world.users["chair"], override_quorum=True)
    for index, user in enumerate(voters):
        voting.cast_ballot(named, meeting, user, (0,), f"named-token-{index:04d}")
    voting.close_poll(named, meeting, actor=world.users["chair"])
    secret = voting.open_poll(meeting, PollData("Giới thiệu nhân sự", kind=PollKind.SECRET),
                              actor=world.users["chair"], override_quorum=True)
    for index, user in enumerate(voters):
        voting.cast_ballot(secret, meeting, user, (index % 2,), f"secret-token-{index:04d}")
    voting.close_poll(secret, meeting, actor=world.users["chair"])
    return named, secret, voters


@pytest.fixture
def issued(world, keys):
    polls = _vote(world)
    conclusion = signed(world, keys, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None)
    return service.conclusion_of(world.meeting).issued_pdf, polls


def _embedded(pdf: bytes) -> dict:
    return json.loads(PdfReader(io.BytesIO(pdf)).attachments[record_embed.RECORD_NAME][0])


def test_signed_notice_embeds_a_record_that_matches_the_schema(issued, world):
    pdf, (named, secret, voters) = issued
    record = _embedded(pdf)
    jsonschema.validate(record, SCHEMA)
    assert record["meeting"]["title"] == world.meeting.title
    first, second = record["polls"]
    assert first["chain_head"] == named.chain_head and second["chain_head"] == secret.chain_head
    assert {b["voter"] for b in first["ballots"]} == {u.full_name for u in voters}
    assert first["result"]["counts"][0] == len(voters)
    # a secret poll: receipt codes only, nothing that says who or what
    assert second["ballots"] and all(set(b) == {"receipt"} for b in second["ballots"])
    assert not second["choices_published"]


def test_record_is_a_pdfa3_associated_file_inside_every_signature(issued):
    pdf, _ = issued
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    (spec,) = [s.get_object() for s in root["/AF"]]
    assert spec["/AFRelationship"] == "/Data" and spec["/F"] == record_embed.RECORD_NAME
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json" and "/ModDate" in stream["/Params"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="3"|>3<)', xmp)
    assert re.search(r'pdfaid:conformance(="B"|>B<)', xmp)
    # the file as the chair signed it (the first signature's range) already holds the record
    sig = reader.get_fields()["signer"]["/V"].get_object()
    start, first, second, length = sig["/ByteRange"]
    before = PdfReader(io.BytesIO(pdf[:second + length]))
    assert record_embed.RECORD_NAME in before.attachments


def test_genuine_notice_verifies_offline(issued, keys):
    pdf, (named, _secret, voters) = issued
    report = verify_record_file(pdf, [keys.root.certificate])
    assert report.ok, report.problems
    assert [s.field for s in report.signatures] == ["signer", "marks", "seal"]
    assert report.polls[0].chain_checked and report.polls[0].counts[0] == len(voters)
    assert not report.polls[1].chain_checked and "secret" in report.notes[0]


def test_record_changed_after_signing_is_caught_by_the_signatures(issued, keys):
    pdf, (_named, _secret, voters) = issued
    old = f'"cast": {len(voters)}'.encode()
    assert pdf.count(old) == 2  # the record is stored uncompressed: one per poll
    tampered = pdf.replace(old, f'"cast": {len(voters) + 1}'.encode(), 1)
    assert len(tampered) == len(pdf)
    report = verify_record_file(tampered, [keys.root.certificate])
    assert not report.ok
    assert all("not_intact" in s.problems for s in report.signatures)
    assert any(p.startswith("signature signer") for p in report.problems)


def test_receipts_that_do_not_rebuild_the_chain_head_are_caught(issued):
    pdf, _ = issued
    record = _embedded(pdf)
    polls, problems, _ = check_record(record)
    assert problems == []
    swapped = copy.deepcopy(record)
    ballot = swapped["polls"][0]["ballots"][0]
    ballot["choices"] = [1]  # one ballot said otherwise: count and chain both move
    counts = swapped["polls"][0]["result"]["counts"]
    counts[0], counts[1] = counts[0] - 1, counts[1] + 1
    swapped["polls"][0]["result"]["passed"] = False
    _, problems, _ = check_record(swapped)
    assert any("does not rebuild the chain head" in p for p in problems), problems
    dropped = copy.deepcopy(record)
    dropped["polls"][0]["ballots"].pop()
    _, problems, _ = check_record(dropped)
    assert any("receipts listed" in p for p in problems)
    assert any("does not rebuild the chain head" in p for p in problems)


def test_a_signed_record_that_lies_is_caught_and_the_cli_exits_1(world, keys, app, monkeypatch,
                                                                 tmp_path):
    """The record was wrong before the chair signed: the signatures hold, the chain does not."""
    _vote(world)
    real = record_embed.record_bytes

    def forged(meeting) -> bytes:
        data = json.loads(real(meeting))
        data["polls"][0]["ballots"][0]["receipt"] = "AAAA-AAAA"
        return json.dumps(data, ensure_ascii=False).encode()

    monkeypatch.setattr(issuing, "record_bytes", forged)
    conclusion = signed(world, keys, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    path, roots = tmp_path / "tb.pdf", tmp_path / "roots.pem"
    path.write_bytes(conclusion.signed_pdf)
    roots.write_bytes(keys.root.certificate.public_bytes(serialization.Encoding.PEM))
    report = verify_record_file(conclusion.signed_pdf, [keys.root.certificate])
    assert all(s.ok for s in report.signatures)
    assert any("does not rebuild the chain head" in p for p in report.problems)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["conclusions", "verify-record", str(path),
                                 "--trust", str(roots)])
    assert result.exit_code == 1 and "chain head" in result.output


def test_cli_says_valid_for_a_genuine_notice(issued, keys, app, tmp_path):
    pdf, _ = issued
    path, roots = tmp_path / "tb.pdf", tmp_path / "roots.pem"
    path.write_bytes(pdf)
    roots.write_bytes(keys.root.certificate.public_bytes(serialization.Encoding.PEM))
    result = app.test_cli_runner().invoke(args=["conclusions", "verify-record", str(path),
                                                "--trust", str(roots)])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output and "3 signatures" in result.output
    unsigned = tmp_path / "plain.pdf"
    unsigned.write_bytes(b"not a pdf")
    result = app.test_cli_runner().invoke(args=["conclusions", "verify-record", str(unsigned),
                                                "--trust", str(roots)])
    assert result.exit_code == 1 and "not a readable PDF" in result.output


@pytest.mark.parametrize("mangle", [
    lambda r: r.update(polls={"not": "a list"}),
    lambda r: r.update(polls=["a string"]),
    lambda r: r["polls"][0].update(choices_json=7),
    lambda r: r["polls"][0].update(majority="most"),
    lambda r: r["polls"][0]["ballots"].append({"receipt": ["x"], "choices": "0"}),
    lambda r: r.update(attendance=[]),
    lambda r: r.update(version=2),
])
def test_a_malformed_record_is_reported_never_a_crash(issued, mangle):
    record = _embedded(issued[0])
    mangle(record)
    _, problems, _ = check_record(record)
    assert problems
