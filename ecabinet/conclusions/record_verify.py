"""Check a notice's embedded meeting record offline, from the file alone.

``ecabinet conclusions verify-record FILE``: the signatures (through ``signing``), then the
record the first signature covered (``meeting-record.json``), then each poll rebuilt from the
record's own receipt list: the counts, the hash chain (the same construction as
``ecabinet.voting.service.chain_of``), the cast and the outcome under the poll's rule. No
database, no network; only the trust roots are given.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ecabinet.conclusions.record_embed import RECORD_FORMAT, RECORD_NAME, RECORD_VERSION
from ecabinet.voting import rules
from ecabinet.voting.models import MajorityRule
from signing import NotAPdfError, SignatureReport, verify_pdf


@dataclass(frozen=True)
class PollCheck:
    poll_id: object
    question: str
    ballots: int
    counts: tuple[int, ...]
    chain_head: str
    chain_checked: bool
    """False for a secret poll, whose choices the record does not publish."""


@dataclass(frozen=True)
class RecordReport:
    signatures: tuple[SignatureReport, ...]
    polls: tuple[PollCheck, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    record: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _attachment(pdf: bytes) -> bytes | None:
    files = PdfReader(io.BytesIO(pdf)).attachments.get(RECORD_NAME) or []
    return files[0] if len(files) == 1 else None


def _first_signed_revision(pdf: bytes) -> bytes | None:
    """The file as the first signature signed it (its /ByteRange's end)."""
    reader = PdfReader(io.BytesIO(pdf))
    fields = reader.get_fields() or {}
    ends = []
    for value in fields.values():
        signature = value.get("/V")
        if hasattr(signature, "get_object"):
            signature = signature.get_object()
        if isinstance(signature, dict) and "/ByteRange" in signature:
            start, first, second, length = (int(n) for n in signature["/ByteRange"])
            ends.append(second + length)
    return pdf[:min(ends)] if ends else None


def _check_poll(poll: dict, where: str) -> tuple[PollCheck, list[str], list[str]]:
    problems, notes = [], []
    choices = poll["choices"]
    if json.loads(poll["choices_json"]) != choices:
        problems.append(f"{where}: the choices differ from the ones the chain was seeded with")
    result = poll["result"]
    ballots = poll["ballots"]
    receipts = [b["receipt"] for b in ballots]
    if len(set(receipts)) != len(receipts):
        problems.append(f"{where}: a receipt appears twice")
    if len(ballots) != result["cast"]:
        problems.append(f"{where}: {len(ballots)} receipts listed, the result says "
                        f"{result['cast']} ballots were cast")
    head = _sha(f"ecabinet-poll|{poll['id']}|{poll['question']}|{poll['choices_json']}|"
                f"{poll['kind']}")
    counts = [0] * len(choices)
    chain_checked = bool(poll["choices_published"])
    chair_choice = None
    if chain_checked:
        if receipts != sorted(receipts):
            problems.append(f"{where}: the ballots are not in receipt order")
        for ballot in sorted(ballots, key=lambda b: b["receipt"]):
            picked = ballot["choices"]
            if not all(isinstance(c, int) and 0 <= c < len(choices) for c in picked) \
                    or len(picked) > poll["max_choices"]:
                problems.append(f"{where}: ballot {ballot['receipt']} has impossible choices")
                continue
            head = _sha(f"{head}|{ballot['receipt']}|{json.dumps(list(picked))}|"
                        f"{ballot.get('voter_id') or ''}")
            for choice in picked:
                counts[choice] += 1
            if ballot.get("voter_id") is not None and ballot["voter_id"] == poll["chair_voter_id"]:
                chair_choice = picked[0] if picked else None
        if head != poll["chain_head"]:
            problems.append(f"{where}: the receipt list does not rebuild the chain head "
                            f"(rebuilt {head[:16]}…, recorded {poll['chain_head'][:16]}…)")
        if counts != list(result["counts"]):
            problems.append(f"{where}: the ballots count {counts}, the result says "
                            f"{list(result['counts'])}")
    else:
        counts = list(result["counts"])
        if sum(counts) > result["cast"] * poll["max_choices"] or min(counts, default=0) < 0:
            problems.append(f"{where}: the counts {counts} cannot come from "
                            f"{result['cast']} ballots")
        notes.append(f"{where}: secret ballot — receipt codes only; the counts and chain head "
                     "are as recorded, not rebuilt (choices are not published)")
    tally = rules.Tally(tuple(counts), len(ballots), poll["members_in_office"],
                        poll["present_at_open"])
    outcome = rules.decide(tally, MajorityRule(poll["majority"]), chair_choice)
    if outcome.passed != bool(result["passed"]):
        problems.append(f"{where}: under its rule the motion "
                        f"{'passed' if outcome.passed else 'did not pass'}, the result says "
                        f"the opposite")
    return (PollCheck(poll["id"], poll["question"], len(ballots), tuple(counts),
                      poll["chain_head"], chain_checked), problems, notes)


def check_record(record: dict) -> tuple[tuple[PollCheck, ...], list[str], list[str]]:
    """Rebuild every poll from the record alone: (polls, problems, notes)."""
    if record.get("format") != RECORD_FORMAT or record.get("version") != RECORD_VERSION:
        return (), [f"not an {RECORD_FORMAT} version {RECORD_VERSION} record"], []
    polls, problems, notes = [], [], []
    listed = record.get("polls")
    if not isinstance(listed, list):
        return (), ["polls: malformed (not a list)"], []
    for index, poll in enumerate(listed, start=1):
        if not isinstance(poll, dict):
            problems.append(f"poll {index}: malformed (not an object)")
            continue
        where = f"poll {index} ({poll.get('question', '?')!s:.60})"
        try:
            check, found, said = _check_poll(poll, where)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(f"{where}: malformed ({type(exc).__name__}: {exc})")
            continue
        polls.append(check)
        problems += found
        notes += said
    attendance = record.get("attendance") or {}
    try:
        if attendance["members_present"] > attendance["members_in_office"]:
            problems.append("attendance: more members present than in office")
    except (KeyError, TypeError):
        problems.append("attendance: malformed")
    return tuple(polls), problems, notes


def verify_record_file(pdf: bytes, roots: Sequence[x509.Certificate]) -> RecordReport:
    """Signatures, then the record they cover, then each poll rebuilt from it."""
    problems: list[str] = []
    try:
        signatures = verify_pdf(pdf, roots).signatures
    except NotAPdfError:
        return RecordReport((), (), ("not a readable PDF",))
    if not signatures:
        problems.append("the file carries no signature")
    for signature in signatures:
        if signature.problems:
            problems.append(f"signature {signature.field} ({signature.signer}): "
                            + ", ".join(signature.problems))
    try:
        latest = _attachment(pdf)
        signed = _first_signed_revision(pdf)
        covered = _attachment(signed) if signed else None
    except (PyPdfError, ValueError, KeyError, TypeError):
        return RecordReport(signatures, (), (*problems, "the embedded files cannot be read"))
    if latest is None:
        return RecordReport(signatures, (), (*problems, f"no {RECORD_NAME} is embedded"))
    if signed is not None and covered != latest:
        problems.append(f"{RECORD_NAME} is not the one the first signature covered")
    try:
        record = json.loads(latest)
    except ValueError:
        return RecordReport(signatures, (), (*problems, f"{RECORD_NAME} is not JSON"))
    if not isinstance(record, dict):
        return RecordReport(signatures, (), (*problems, f"{RECORD_NAME} is not an object"))
    polls, found, notes = check_record(record)
    return RecordReport(signatures, polls, (*problems, *found), tuple(notes), record)
