"""PKCS#11 signing through SoftHSM2: the same interface as the officials' USB tokens."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from signing import (
    Pkcs11Config,
    SignRequest,
    TokenError,
    WrongPinError,
    devca,
    open_pkcs11_signer,
    samples,
    sign_pdf,
    verify_pdf,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
TOKEN, USER_PIN, SO_PIN, KEY = "ecabinet-test", "5678", "12345678", "chu-tich"


@pytest.fixture(scope="module")
def token(pki, tool, fixed_time, tmp_path_factory):
    """A SoftHSM2 token holding a development key and its certificate."""
    util = tool("softhsm2-util")
    module = next((m for m in MODULE_CANDIDATES if os.path.exists(m)), None)
    if module is None:
        if os.environ.get("CI") == "true":
            pytest.fail("libsofthsm2.so is required in CI but was not found")
        pytest.skip("libsofthsm2.so not found")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    # SoftHSM reads its configuration when the module is first initialised in this process
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    pair = devca.issue_certificate(pki.root, devca.CertificateSpec(
        "Hoàng Văn Em", not_before=fixed_time - dt.timedelta(days=1)))
    key_pem = home / "key.pem"
    key_pem.write_bytes(pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))

    def run(*args: str) -> None:
        subprocess.run([util, *args], check=True, capture_output=True)

    run("--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN, "--pin", USER_PIN)
    run("--import", str(key_pem), "--token", TOKEN, "--label", KEY, "--id", "01",
        "--pin", USER_PIN)
    key_pem.unlink()
    _store_certificate(module, pair.certificate)
    try:
        yield Pkcs11Config(module=module, key_label=KEY, token_label=TOKEN)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _store_certificate(module: str, cert) -> None:
    """softhsm2-util imports keys only; the certificate goes in through PKCS#11 itself."""
    import pkcs11
    from asn1crypto import core
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(module)
    lib.reinitialize()
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=USER_PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: KEY,
            Attribute.ID: b"\x01",
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.ISSUER: cert.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: core.Integer(cert.serial_number).dump(),
        })


def test_sign_with_softhsm_token_verifies(pki, token, fixed_time):
    with open_pkcs11_signer(token, USER_PIN) as signer:
        assert signer.certificate.subject.rfc4514_string().startswith("CN=Hoàng Văn Em")
        out = sign_pdf(samples.two_page_pdf(), SignRequest(signing_time=fixed_time), signer)
    report = verify_pdf(out, [pki.root.certificate], moment=fixed_time)
    assert report.ok, report
    assert report.signatures[0].signer == "Hoàng Văn Em"


def test_open_token_with_wrong_pin_is_refused(token):
    with pytest.raises(WrongPinError) as refused, open_pkcs11_signer(token, "0000"):
        pass
    assert isinstance(refused.value, TokenError) and refused.value.code == "wrong_pin"


def test_open_token_with_unknown_key_is_refused(token):
    missing = Pkcs11Config(module=token.module, key_label="nobody", token_label=TOKEN)
    with pytest.raises(TokenError), open_pkcs11_signer(missing, USER_PIN):
        pass


def test_cli_signs_with_token(pki, token, tmp_path, monkeypatch, capsys):
    from signing.cli import main

    source, signed = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(samples.two_page_pdf())
    monkeypatch.setenv("SIGNING_PIN", USER_PIN)
    code = main(["--lang", "en", "sign", str(source), str(signed), "--pkcs11-module",
                 str(token.module), "--token", TOKEN, "--key", KEY])
    assert code == 0, capsys.readouterr().err
    assert verify_pdf(signed.read_bytes(), [pki.root.certificate]).ok
