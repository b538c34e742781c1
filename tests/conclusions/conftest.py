"""A development CA, the chair's PKCS#12 and the body's seal key, made once per session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from signing import Signer, devca, load_pkcs12

PASSPHRASE = "chu-tich-2026"


@dataclass(frozen=True)
class Keys:
    root: devca.KeyPair
    chair_p12: bytes
    chair: Signer
    seal: Signer


@pytest.fixture(scope="session")
def keys() -> Keys:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    root = devca.create_root(now=start)
    valid = dt.timedelta(days=3650)
    chair_p12 = devca.pkcs12_bytes(devca.issue_certificate(root, devca.CertificateSpec(
        "Nguyễn Văn Hùng", not_before=start, valid_for=valid)), root.certificate,
        PASSPHRASE.encode())
    seal_p12 = devca.pkcs12_bytes(devca.issue_certificate(root, devca.CertificateSpec(
        "UBND tỉnh Thử Nghiệm", kind=devca.CertificateKind.SEAL,
        organisation="UBND tỉnh Thử Nghiệm", not_before=start, valid_for=valid)),
        root.certificate, None)
    return Keys(root, chair_p12, load_pkcs12(chair_p12, PASSPHRASE.encode()),
                load_pkcs12(seal_p12, None))
