"""Fixtures for the signing library: one development CA per session, signers, local servers.

Key generation is the slow part of these tests, so the CA and its certificates are made once.
Tests that need an outside tool (pdfsig, certutil, softhsm2-util) skip without it, except in CI
(``CI=true``), where a missing tool is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from signing import devca, load_pkcs12
from signing.signers import Signer

# 10:15 in Hanoi on 5 March 2025: the signing time the tests record.
FIXED_TIME = dt.datetime(2025, 3, 5, 3, 15, tzinfo=dt.UTC)
CA_START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PASSPHRASE = b"mat-khau-thu"
SEAL_BODY = "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"


def require_tool(name: str) -> str:
    """Return the tool's path; skip without it, but fail in CI where it must be installed."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI but is not installed")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def tool():
    """``tool(name)`` gives a command's path, skipping (or failing in CI) when it is missing."""
    return require_tool


@dataclass(frozen=True)
class DevPki:
    """The session's development CA and the keys issued under it."""

    root: devca.KeyPair
    chair_p12: bytes
    seal_p12: bytes
    chair: Signer
    seal: Signer
    expired: Signer
    ecdsa: Signer


def _p12(root: devca.KeyPair, spec: devca.CertificateSpec) -> bytes:
    return devca.pkcs12_bytes(devca.issue_certificate(root, spec), root.certificate, PASSPHRASE)


@pytest.fixture(scope="session")
def pki() -> DevPki:
    root = devca.create_root(now=CA_START)
    valid = dt.timedelta(days=3650)
    chair_p12 = _p12(root, devca.CertificateSpec("Nguyễn Văn An", not_before=CA_START,
                                                 valid_for=valid))
    seal_p12 = _p12(root, devca.CertificateSpec(
        SEAL_BODY, kind=devca.CertificateKind.SEAL, organisation=SEAL_BODY,
        not_before=CA_START, valid_for=valid))
    expired_p12 = _p12(root, devca.CertificateSpec(
        "Trần Thị Bình", not_before=CA_START, valid_for=dt.timedelta(days=30)))
    ecdsa_p12 = _p12(root, devca.CertificateSpec(
        "Lê Văn Cường", key_algorithm=devca.KeyAlgorithm.ECDSA, not_before=CA_START,
        valid_for=valid))
    return DevPki(
        root=root, chair_p12=chair_p12, seal_p12=seal_p12,
        chair=load_pkcs12(chair_p12, PASSPHRASE), seal=load_pkcs12(seal_p12, PASSPHRASE),
        expired=load_pkcs12(expired_p12, PASSPHRASE), ecdsa=load_pkcs12(ecdsa_p12, PASSPHRASE),
    )


@pytest.fixture(scope="session")
def root_pem(pki: DevPki, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("root") / devca.ROOT_CERT_FILE
    path.write_bytes(pki.root.certificate.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="session")
def nss_db(root_pem: Path, tmp_path_factory) -> str:
    """An NSS database that trusts the development root, for pdfsig."""
    certutil = require_tool("certutil")
    db = tmp_path_factory.mktemp("nss")
    subprocess.run([certutil, "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{db}", "-n", "ecabinet-dev-root", "-t", "C,C,C",
         "-i", str(root_pem)],
        check=True,
    )
    return f"sql:{db}"


@pytest.fixture(scope="session")
def fixed_time() -> dt.datetime:
    return FIXED_TIME


@pytest.fixture(scope="session")
def passphrase() -> bytes:
    return PASSPHRASE


@pytest.fixture(scope="session")
def pdfsig(nss_db: str):
    """Run pdfsig with the test root trusted; return (full text, {field name: its block}).

    pdfsig exits 0 even for an invalid signature, so the tests read its text.
    """
    tool = require_tool("pdfsig")

    def run(pdf: Path) -> tuple[str, dict[str, str]]:
        result = subprocess.run(
            [tool, "-nssdir", nss_db, str(pdf)], capture_output=True, text=True, check=False
        )
        output = result.stdout + result.stderr
        blocks = {}
        for chunk in output.split("Signature #")[1:]:
            name = chunk.split("Signature Field Name:", 1)[1].splitlines()[0].strip()
            blocks[name] = chunk
        return output, blocks

    return run


class _Services:
    """What the local HTTP server answers: a CRL and an RFC 3161 timestamping service."""

    def __init__(self) -> None:
        self.crl = b""
        self.stamper = None
        self.requests: list[str] = []


def _handler(services: _Services):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            services.requests.append(self.path)
            self._reply(services.crl, "application/pkix-crl")

        def do_POST(self) -> None:
            services.requests.append(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            response = services.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
            self._reply(response.dump(), "application/timestamp-reply")

        def _reply(self, data: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    return Handler


@dataclass(frozen=True)
class LocalServices:
    """URLs of the local timestamp server and CRL, and a signer whose certificate points there."""

    tsa_url: str
    crl_url: str
    ltv_signer: Signer
    requests: list[str]


@pytest.fixture(scope="session")
def local_services(pki: DevPki) -> Iterator[LocalServices]:
    """Serve a CRL and a certomancer timestamping service on 127.0.0.1."""
    from certomancer.services import TimeStamper

    services = _Services()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(services))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    crl_url = f"{base}/root.crl"
    root = pki.root
    tsa = devca.issue_certificate(root, devca.CertificateSpec(
        "eCabinet Dev TSA", kind=devca.CertificateKind.TSA, crl_url=crl_url))
    der = serialization.Encoding.DER
    services.stamper = TimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.certificate.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa.private_key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=[asn1_x509.Certificate.load(root.certificate.public_bytes(der))],
    )
    services.crl = devca.build_crl(root)
    ltv = devca.issue_certificate(root, devca.CertificateSpec("Phạm Thị Dung", crl_url=crl_url))
    signer = load_pkcs12(devca.pkcs12_bytes(ltv, root.certificate, None), None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServices(f"{base}/tsa", crl_url, signer, services.requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
