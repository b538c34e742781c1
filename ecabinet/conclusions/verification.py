"""Check a PDF someone uploads: are its signatures valid, who signed, is it a notice we issued?

The signatures are checked in a short-lived child (:mod:`ecabinet.conclusions._verify_child`)
with limits on CPU and memory, because the file comes from anyone. Each upload gets a fresh
child; the next one is started as soon as one is taken, so that it has loaded the signing
library (most of the time a check took) before the next upload arrives. The match with a registered
notice is by SHA-256 of the whole file, so any change after issue means no match.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ecabinet.conclusions import _verify_child as child
from ecabinet.conclusions.errors import TooManyChecks
from ecabinet.conclusions.models import Conclusion, VerificationCheck
from ecabinet.core.timeutil import utcnow
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


def count_check(ip: str, *, user_id: int | None = None, now: dt.datetime | None = None) -> None:
    """Count one public check: each upload starts a limited child, so an address gets
    VERIFY_MAX_CHECKS per VERIFY_WINDOW, and so does a signed-in account, on its own (the
    clerks of a ward office share one NAT address with whoever else checks from it).
    Counted in the database, like the sign-in throttle, so that every server process
    agrees; checks older than the window are dropped.

    :raises TooManyChecks: once the address or account has used up its checks, saying how
        long to wait.
    """
    cfg = current_app.config
    now, ip = now or utcnow(), (ip or "")[:64]
    since = now - cfg["VERIFY_WINDOW"]
    db.session.execute(delete(VerificationCheck).where(VerificationCheck.at <= since))
    whose = (VerificationCheck.user_id == user_id,) if user_id is not None else (
        VerificationCheck.ip == ip, VerificationCheck.user_id.is_(None))
    made, oldest = db.session.execute(
        select(func.count(), func.min(VerificationCheck.at)).where(
            *whose, VerificationCheck.at > since)).one()
    if made >= cfg["VERIFY_MAX_CHECKS"]:
        db.session.commit()
        left = (oldest + cfg["VERIFY_WINDOW"] - now).total_seconds() if oldest else 60
        minutes = max(1, -(-int(left) // 60))
        if user_id is not None:
            raise TooManyChecks(_l(
                "Too many checks from this account. Wait %(m)d minutes and try again.",
                m=minutes))
        raise TooManyChecks(_l(
            "Too many checks from this network address. Wait %(m)d minutes and try again.",
            m=minutes))
    db.session.add(VerificationCheck(ip=ip, user_id=user_id, at=now))
    db.session.commit()


_spare: tuple[int, subprocess.Popen] | None = None
_spare_lock = threading.Lock()


def _spawn() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-I", _CHILD], stdin=subprocess.PIPE,  # noqa: S603 - our script
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={})


def _take_child() -> subprocess.Popen:
    """This process's spare child if it is still waiting, else a new one; start the next."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
        if spare is not None and (spare[0] != os.getpid() or spare[1].poll() is not None):
            spare = None  # inherited across a fork, or gone
        child_process = spare[1] if spare else _spawn()
        _spare = (os.getpid(), _spawn())
    return child_process


@atexit.register
def _close_spare() -> None:
    """Let the waiting spare go (it reads the end of its input and exits)."""
    spare = _spare
    if spare is not None and spare[0] == os.getpid():
        try:
            spare[1].communicate(timeout=5)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            spare[1].kill()


def _check_in_child(pdf: bytes, roots) -> dict:
    pem = b"".join(r.public_bytes(serialization.Encoding.PEM) for r in roots)
    process = _take_child()
    try:
        out, _ = process.communicate(b"%d\n" % len(pem) + pem + pdf, timeout=WALL_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"error": "failed"}
    try:
        return json.loads(out.decode() or "{}") or {"error": "failed"}
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
