"""The chair signs with a key on the server's PKCS#11 token (SoftHSM2), typing its PIN; the
clerk issues; pdfsig and our verifier find every signature valid. A wrong PIN changes nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from ecabinet.conclusions import issuing, service
from ecabinet.conclusions.models import ConclusionStatus
from ecabinet.conclusions.record_verify import verify_record_file
from ecabinet.extensions import db
from signing import devca
from tests.conclusions.test_service import submitted
from tests.conftest import csrf_token, require_service

MODULES = ("/usr/lib/softhsm/libsofthsm2.so",
           "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
           "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN, PIN, SO_PIN = "ecabinet-chairs", "246810", "13579135"


def _tool(name: str) -> str:
    return shutil.which(name) or require_service(name, "softhsm2 and poppler-utils are needed")


@pytest.fixture
def token(app, world, keys, tmp_path):
    """A SoftHSM2 token in a temporary folder holding the chair's key, labelled with the
    chair's user name, and its certificate under the tests' development root."""
    import pkcs11
    from asn1crypto import core
    from pkcs11 import Attribute, CertificateType, ObjectClass

    util = _tool("softhsm2-util")
    module = next((m for m in MODULES if os.path.exists(m)), None) \
        or require_service("libsofthsm2.so", "Debian's softhsm2 provides it")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    chair = world.users["chair"]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    pair = devca.issue_certificate(keys.root, devca.CertificateSpec(
        chair.full_name, not_before=start, valid_for=dt.timedelta(days=30)))
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    run = lambda *args: subprocess.run([util, *args], check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN, "--pin", PIN)
    run("--import", str(key_pem), "--token", TOKEN, "--label", chair.username, "--id", "07",
        "--pin", PIN)
    key_pem.unlink()
    lib = pkcs11.lib(module)
    lib.reinitialize()  # SoftHSM reads SOFTHSM2_CONF when it is initialised
    cert = pair.certificate
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
            Attribute.LABEL: chair.username, Attribute.ID: b"\x07",
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.ISSUER: cert.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: core.Integer(cert.serial_number).dump()})
    app.config.update(PKCS11_MODULE=module, PKCS11_TOKEN_LABEL=TOKEN)
    try:
        yield module
    finally:
        app.config.update(PKCS11_MODULE=None, PKCS11_TOKEN_LABEL=None)
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
        lib.reinitialize()


def _sign_with_token(client, auth, world, pin):
    auth.login("chair")
    response = client.post(f"/meetings/{world.meeting.id}/conclusion/sign",
                           data={"csrf_token": csrf_token(client), "method": "token",
                                 "pin": pin})
    auth.logout()
    return response


def test_sign_page_offers_the_token_only_when_the_server_has_one(client, auth, world, app):
    submitted(world)
    auth.login("chair")
    page = client.get(f"/meetings/{world.meeting.id}/conclusion/sign").get_data(as_text=True)
    assert 'name="pin"' not in page
    app.config.update(PKCS11_MODULE="/usr/lib/softhsm/libsofthsm2.so", PKCS11_TOKEN_LABEL="t")
    try:
        page = client.get(f"/meetings/{world.meeting.id}/conclusion/sign").get_data(as_text=True)
    finally:
        app.config.update(PKCS11_MODULE=None, PKCS11_TOKEN_LABEL=None)
    assert 'name="pin"' in page and 'name="method" value="token"' in page
    assert world.users["chair"].username in page  # the key it will use


def test_wrong_or_missing_pin_is_refused_and_nothing_changes(client, auth, world, token):
    submitted(world)
    for pin, said in (("000000", "Sai mã PIN"), ("", "PIN")):
        response = _sign_with_token(client, auth, world, pin)
        assert response.status_code == 422 and said in response.get_data(as_text=True)
        db.session.expire_all()
        conclusion = service.conclusion_of(world.meeting)
        assert conclusion.status == ConclusionStatus.SUBMITTED and conclusion.signed_pdf is None


def test_notice_signed_on_the_token_is_valid_for_pdfsig(client, auth, world, keys, token,
                                                        tmp_path):
    submitted(world)
    assert _sign_with_token(client, auth, world, PIN).status_code == 302
    db.session.expire_all()
    conclusion = service.conclusion_of(world.meeting)
    assert conclusion.status == ConclusionStatus.SIGNED
    assert conclusion.signer_name == world.users["chair"].full_name
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None)
    pdf = service.conclusion_of(world.meeting).issued_pdf
    path = tmp_path / "tb.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_tool("pdfsig"), str(path)], capture_output=True, text=True,
                         check=False).stdout
    assert out.count("Signature is Valid.") == 3, out
    blocks = {b.split("Signature Field Name:", 1)[1].split()[0]: b
              for b in out.split("Signature #")[1:]}
    assert f"Common Name: {world.users['chair'].full_name}" in blocks["signer"]
    assert "Signature is Valid." in blocks["signer"]
    report = verify_record_file(pdf, [keys.root.certificate])
    assert report.ok, report.problems
    assert report.signatures[0].signer == world.users["chair"].full_name
