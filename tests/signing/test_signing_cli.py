"""The command line: issue-cert, sign, verify; bad input gives one line and a non-zero exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from signing import samples
from signing.cli import main

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

PASS = "mat-khau"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("keys")
    assert main(["issue-cert", "--out", str(out), "--user", "chutich", "--passphrase", PASS]) == 0
    assert main(["issue-cert", "--out", str(out), "--user", "vanthu", "--passphrase", PASS,
                 "--seal", "UBND PHƯỜNG BA ĐÌNH"]) == 0
    return out


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "in.pdf"
    path.write_bytes(samples.two_page_pdf())
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_issue_cert_reuses_root_for_second_user(keys):
    from cryptography import x509

    root = x509.load_pem_x509_certificate((keys / "root-ca.pem").read_bytes())
    assert (keys / "root-ca.key.pem").stat().st_mode & 0o077 == 0
    from signing import load_pkcs12_file

    chair = load_pkcs12_file(keys / "chutich.p12", PASS.encode())
    seal = load_pkcs12_file(keys / "vanthu.p12", PASS.encode())
    assert chair.certificate.issuer == seal.certificate.issuer == root.subject
    organisation = seal.certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    assert organisation[0].value == "UBND PHƯỜNG BA ĐÌNH"


def test_sign_then_seal_then_verify_exits_0(keys, document, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIGNING_PASSPHRASE", PASS)
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert run(capsys, "sign", str(document), str(first), "--p12", str(keys / "chutich.p12"),
               "--visible", "--position", "CHỦ TỊCH")[0] == 0
    assert run(capsys, "sign", str(first), str(second), "--p12", str(keys / "vanthu.p12"),
               "--visible", "--seal")[0] == 0
    code, out, err = run(capsys, "verify", str(second), "--trust", str(keys / "root-ca.pem"))
    assert code == 0, out + err
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith("OK ") for line in lines)
    assert "covers the whole file" in lines[1]
    code, out, _ = run(capsys, "verify", str(second), "--trust", str(keys / "root-ca.pem"),
                       "--json")
    report = json.loads(out)
    assert report["ok"] and [s["field"] for s in report["signatures"]] == ["signer", "seal"]


def test_verify_tampered_file_exits_1_with_reason(keys, document, tmp_path, capsys,
                                                  monkeypatch):
    monkeypatch.setenv("SIGNING_PASSPHRASE", PASS)
    signed = tmp_path / "s.pdf"
    assert run(capsys, "sign", str(document), str(signed), "--p12",
               str(keys / "chutich.p12"))[0] == 0
    data = bytearray(signed.read_bytes())
    data[data.index(b"Conclusion notice") + 1] ^= 0x01
    signed.write_bytes(bytes(data))
    code, out, _ = run(capsys, "verify", str(signed), "--trust", str(keys / "root-ca.pem"))
    assert code == 1
    assert out.startswith("FAIL ") and "signature broken" in out


def test_verify_unknown_root_exits_1(keys, document, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIGNING_PASSPHRASE", PASS)
    signed = tmp_path / "s.pdf"
    run(capsys, "sign", str(document), str(signed), "--p12", str(keys / "chutich.p12"))
    other = tmp_path / "other"
    main(["issue-cert", "--out", str(other), "--user", "x"])
    code, out, err = run(capsys, "verify", str(signed), "--trust", str(other / "root-ca.pem"))
    assert code == 1 and "does not chain to a trusted root" in out
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong_passphrase", "Wrong passphrase"),
        ("not_a_pdf", "Not a readable PDF"),
        ("missing_p12", "Cannot use the key file"),
        ("missing_input", "Cannot sign"),
    ],
)
def test_sign_bad_input_one_line_exit_2(case, expected, keys, document, tmp_path, capsys,
                                        monkeypatch):
    monkeypatch.setenv("SIGNING_PASSPHRASE", "wrong" if case == "wrong_passphrase" else PASS)
    source = document
    p12 = keys / "chutich.p12"
    if case == "not_a_pdf":
        source = tmp_path / "notes.txt"
        source.write_text("not a pdf")
    if case == "missing_p12":
        p12 = tmp_path / "none.p12"
    if case == "missing_input":
        source = tmp_path / "none.pdf"
    code, _, err = run(capsys, "sign", str(source), str(tmp_path / "o.pdf"), "--p12", str(p12))
    assert code == 2
    assert err.count("\n") == 1 and expected in err, err
    assert not (tmp_path / "o.pdf").exists()


def test_sign_expired_certificate_exits_2(tmp_path, document, capsys, monkeypatch):
    import datetime as dt

    from signing import devca

    root = devca.load_or_create_root(tmp_path)
    old = devca.issue_certificate(root, devca.CertificateSpec(
        "cu", not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), valid_for=dt.timedelta(days=1)))
    (tmp_path / "old.p12").write_bytes(devca.pkcs12_bytes(old, root.certificate, None))
    monkeypatch.delenv("SIGNING_PASSPHRASE", raising=False)
    code, _, err = run(capsys, "sign", str(document), str(tmp_path / "o.pdf"), "--p12",
                       str(tmp_path / "old.p12"))
    assert code == 2 and "not valid now" in err and "expired on 2020-01-02" in err


def test_verify_vietnamese_messages(keys, document, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIGNING_PASSPHRASE", PASS)
    signed = tmp_path / "s.pdf"
    run(capsys, "sign", str(document), str(signed), "--p12", str(keys / "chutich.p12"))
    assert main(["--lang", "vi", "verify", str(signed), "--trust",
                 str(keys / "root-ca.pem")]) == 0
    assert "hợp lệ, tin cậy" in capsys.readouterr().out


def test_python_dash_m_signing_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "signing", "--lang", "en", "verify", str(tmp_path / "none.pdf"),
         "--trust", str(tmp_path / "none.pem")],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
