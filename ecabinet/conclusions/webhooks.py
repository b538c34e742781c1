"""A unit's webhook: where its own system receives issued notices, signed with its secret.

The secret is shown to the admin once, when made; the server keeps it sealed (AES-256-GCM)
under a key derived from the storage key (``documents.storage.derived_key``), since it needs the
secret itself to sign. Each POST carries ``X-eCabinet-Signature: sha256=<hex>``, the
HMAC-SHA256 of the exact body bytes under that secret, and the worker retries failures with
back-off (``deliver`` is one attempt; see ``worker.py``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from ecabinet.audit import service as audit
from ecabinet.conclusions.errors import Incomplete
from ecabinet.conclusions.models import (
    Channel,
    ConclusionDispatch,
    DeliveryStatus,
    DispatchDelivery,
    UnitWebhook,
)
from ecabinet.core.settings import number_setting
from ecabinet.core.timeutil import utcnow
from ecabinet.documents.storage import derived_key
from ecabinet.extensions import db

SIGNATURE_HEADER = "X-eCabinet-Signature"
CLAIM_LEASE = timedelta(minutes=5)
DEFAULTS = {"WEBHOOK_MAX_ATTEMPTS": 6, "WEBHOOK_RETRY_BASE_S": 10.0,
            "WEBHOOK_RETRY_FACTOR": 3.0, "WEBHOOK_TIMEOUT_S": 10.0}
REASONS = {
    "connection_refused": _l("The unit's server refused the connection"),
    "host_not_found": _l("The unit's server name could not be found"),
    "timeout": _l("The unit's server did not answer in time"),
    "http_error": _l("The unit's server answered with an error"),
    "refused_signature": _l("The unit's server did not accept the signature"),
    "other": _l("The notice could not be delivered to the unit's server"),
}


def setting(name: str) -> float:
    """The app's config, else ECABINET_<NAME> in the environment, else the default."""
    return number_setting(current_app.config, name, DEFAULTS[name])


def _aead() -> AESGCM:
    return AESGCM(derived_key(b"ecabinet unit webhook secrets"))


def seal_secret(secret: str, unit_id: int) -> bytes:
    nonce = os.urandom(12)
    return nonce + _aead().encrypt(nonce, secret.encode(), f"unit:{unit_id}".encode())


def open_secret(sealed: bytes, unit_id: int) -> str | None:
    """The secret, or None when it was sealed under another key (the admin makes a new one)."""
    try:
        return _aead().decrypt(sealed[:12], sealed[12:], f"unit:{unit_id}".encode()).decode()
    except (InvalidTag, ValueError):
        return None


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_of(unit_id: int) -> UnitWebhook | None:
    return db.session.get(UnitWebhook, unit_id)


def webhooks_of(unit_ids) -> dict[int, UnitWebhook]:
    ids = list(unit_ids)
    if not ids:
        return {}
    return {w.unit_id: w for w in db.session.execute(
        select(UnitWebhook).where(UnitWebhook.unit_id.in_(ids))).scalars()}


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise Incomplete(_l("Give the webhook's full address, starting with https://."))
    if parts.scheme == "http" and not current_app.config.get("WEBHOOK_ALLOW_HTTP") \
            and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise Incomplete(_l("The webhook's address must use https://."))
    return url


def set_webhook(unit_id: int, url: str, *, actor) -> str:
    """Set the unit's webhook address with a fresh secret; return the secret (shown once).

    :raises Incomplete: the address is not an https:// URL.
    """
    url = check_url(url)
    secret = secrets.token_urlsafe(32)
    row = webhook_of(unit_id) or UnitWebhook(unit_id=unit_id)
    row.url, row.secret_sealed = url, seal_secret(secret, unit_id)
    row.updated_at, row.updated_by_id = utcnow(), getattr(actor, "id", None)
    db.session.add(row)
    audit.record("conclusion.webhook_set", actor=actor, object_type="unit", object_id=unit_id,
                 details={"url": url})
    db.session.commit()
    return secret


def remove_webhook(unit_id: int, *, actor) -> bool:
    row = webhook_of(unit_id)
    if row is None:
        return False
    db.session.delete(row)
    audit.record("conclusion.webhook_removed", actor=actor, object_type="unit",
                 object_id=unit_id)
    db.session.commit()
    return True


# --- delivery (in the worker) ----------------------------------------------------------------

def _claim(delivery_id: int) -> DispatchDelivery | None:
    now = utcnow()
    claimed = db.session.execute(
        update(DispatchDelivery)
        .where(DispatchDelivery.id == delivery_id, DispatchDelivery.channel == Channel.WEBHOOK,
               DispatchDelivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)),
               or_(DispatchDelivery.claimed_at.is_(None),
                   DispatchDelivery.claimed_at < now - CLAIM_LEASE))
        .values(attempts=DispatchDelivery.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return db.session.get(DispatchDelivery, delivery_id) if claimed else None


def _classify(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return "refused_signature" if error.code in (401, 403) else "http_error"
    reason = getattr(error, "reason", error)
    if isinstance(reason, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(reason, socket.gaierror):
        return "host_not_found"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timeout"
    return "other"


def describe(code: str | None) -> str:
    return str(REASONS.get(code or "other", REASONS["other"]))


def post(url: str, body: bytes, secret: str, delivery_id: int, timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "eCabinet-webhook/1",
        SIGNATURE_HEADER: signature(secret, body),
        "X-eCabinet-Delivery": str(delivery_id),
        "X-eCabinet-Event": "conclusion.issued"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        error.close()  # the error holds the open response
        raise


def deliver(delivery_id: int, payload_of) -> float | None:
    """One attempt at a webhook delivery; return the delay before the next try, or None.

    `payload_of(dispatch)` gives the JSON document (dispatch.py builds it).
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    dispatch: ConclusionDispatch = delivery.dispatch
    hook = webhook_of(dispatch.unit_id)
    secret = open_secret(hook.secret_sealed, hook.unit_id) if hook else None
    error: BaseException | None = None
    if hook is None or secret is None:
        code, text = "other", "the unit has no usable webhook any more"
    else:
        body = json.dumps(payload_of(dispatch), ensure_ascii=False, sort_keys=True).encode()
        try:
            post(hook.url, body, secret, delivery.id, setting("WEBHOOK_TIMEOUT_S"))
        except (OSError, ValueError) as failure:
            error = failure
        else:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, utcnow()
            delivery.claimed_at, delivery.next_attempt_at = None, None
            delivery.last_error, delivery.last_error_code = "", ""
            db.session.commit()
            return None
        code, text = _classify(error), f"{type(error).__name__}: {error}"
    delivery.last_error_code, delivery.last_error = code, text[:2000]
    delivery.claimed_at = None
    if hook is None or secret is None or delivery.attempts >= setting("WEBHOOK_MAX_ATTEMPTS"):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        db.session.commit()
        return None
    delay = setting("WEBHOOK_RETRY_BASE_S") * setting("WEBHOOK_RETRY_FACTOR") ** (
        delivery.attempts - 1)
    delivery.status = DeliveryStatus.RETRYING
    delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
    db.session.commit()
    return delay


def stale_ids(now=None) -> list[int]:
    """Webhook deliveries waiting whose task may be lost (worker restart): to queue again."""
    now = now or utcnow()
    return list(db.session.execute(select(DispatchDelivery.id).where(
        DispatchDelivery.channel == Channel.WEBHOOK,
        DispatchDelivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)),
        DispatchDelivery.claimed_at.is_(None),
        or_(DispatchDelivery.next_attempt_at < now - timedelta(minutes=1),
            and_(DispatchDelivery.next_attempt_at.is_(None),
                 DispatchDelivery.created_at < now - timedelta(minutes=1))))).scalars())


def token_for(dispatch_id: int, sha256: str) -> str:
    """The download link's token: only who received the dispatch (or its webhook) has it."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"dispatch:{dispatch_id}:{sha256}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()
