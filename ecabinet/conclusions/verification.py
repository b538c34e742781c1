"""Check a PDF someone uploads: are its signatures valid, who signed, is it a notice we issued?

The signatures are checked in a short-lived child (:mod:`ecabinet.conclusions._verify_child`)
with limits on CPU and memory, because the file comes from anyone. The match with a registered
notice is by SHA-256 of the whole file, so any change after issue means no match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from ecabinet.conclusions import _verify_child as child
from ecabinet.conclusions.models import Conclusion
from ecabinet.extensions import db

MAX_UPLOAD = 30 * 1024 * 1024
WALL_SECONDS = 30
_CHILD = str(Path(child.__file__).resolve())


@dataclass(frozen=True)
class SignatureLine:
    field: str
    signer: str
    signing_time: dt.datetime | None
    ok: bool
    problems: tuple[str, ...]
    change_after: str
    change_permitted: bool
    detail: str = ""


@dataclass(frozen=True)
class Verification:
    sha256: str
    signatures: tuple[SignatureLine, ...]
    conclusion: Conclusion | None
    """The issued notice whose file is exactly this one, if any."""
    error: str = ""
    """``not_a_pdf``, ``too_large`` or ``failed`` when the file could not be checked."""

    @property
    def valid(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)


def registered(sha256: str) -> Conclusion | None:
    return db.session.execute(
        select(Conclusion).where(Conclusion.issued_sha256 == sha256)).scalar_one_or_none()


def _check_in_child(pdf: bytes, roots) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pem") as handle:
        handle.write(b"".join(r.public_bytes(serialization.Encoding.PEM) for r in roots))
        handle.flush()
        try:
            done = subprocess.run([sys.executable, "-I", _CHILD, handle.name], input=pdf,  # noqa: S603 - our script
                                  capture_output=True, timeout=WALL_SECONDS, env={},
                                  check=False)
        except subprocess.TimeoutExpired:
            return {"error": "failed"}
    try:
        return json.loads(done.stdout.decode() or "{}") or {"error": "failed"}
    except ValueError:
        return {"error": "failed"}


def verify_upload(pdf: bytes, roots) -> Verification:
    """Check ``pdf`` against ``roots`` and look it up among the issued notices."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    if len(pdf) > MAX_UPLOAD:
        return Verification(sha256, (), None, "too_large")
    if not pdf.lstrip()[:5] == b"%PDF-":
        return Verification(sha256, (), None, "not_a_pdf")
    result = _check_in_child(pdf, roots)
    if result.get("error"):
        return Verification(sha256, (), registered(sha256), result["error"])
    lines = tuple(
        SignatureLine(
            s["field"], s["signer"],
            dt.datetime.fromisoformat(s["signing_time"]) if s.get("signing_time") else None,
            not s["problems"], tuple(s["problems"]), s["change_after"], s["change_permitted"],
            s.get("detail", ""))
        for s in result.get("signatures", ()))
    return Verification(sha256, lines, registered(sha256))
