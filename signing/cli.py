"""Command line: ``python -m signing sign | verify | issue-cert``.

Bad input ends with one clear line on standard error and a non-zero exit, never a traceback:
exit 0 success, 1 a signature that does not verify, 2 unusable input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cryptography import x509

from . import devca
from .errors import KeyFileError, SigningError
from .fields import (
    SEAL_FIELD,
    SIGNER_FIELD,
    FieldSlot,
    attachment_field,
    default_signer_box,
    seal_box_beside,
    two_step_fields,
)
from .messages import message
from .sign import SignRequest, sign_pdf
from .signers import Pkcs11Config, Signer, load_pkcs12_file, open_pkcs11_signer
from .stamps import IssueStamp, SealStamp, SignerStamp, Stamp, format_signing_time
from .verify import SignatureReport, VerifyReport, verify_pdf

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT = 0, 1, 2


class _InputError(Exception):
    """A problem with the command's input that is not a library error (e.g. a missing file)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def _default_lang() -> str:
    """Vietnamese unless SIGNING_LANG (or ECABINET_LANG) asks for English."""
    lang = os.environ.get("SIGNING_LANG") or os.environ.get("ECABINET_LANG") or "vi"
    return "en" if lang.startswith("en") else "vi"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _InputError("signing_error", f"{path}: {exc.strerror}") from exc


def _secret(env: str, prompt: str) -> str | None:
    """Take a passphrase or PIN from the environment, else ask; never store it."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt)


def _load_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    roots = []
    for path in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(_read(path)))
        except ValueError as exc:
            raise _InputError("trust_file", f"{path}: not a PEM certificate") from exc
    return roots


def _request(args: argparse.Namespace, signer: Signer) -> SignRequest:
    holder = signer.certificate.subject
    common_name = _attribute(holder, x509.NameOID.COMMON_NAME)
    if args.seal:
        field = args.field or SEAL_FIELD
        if args.attachment and args.visible:
            stamp: Stamp | None = IssueStamp(number=args.attachment)
            slot = replace(attachment_field(), name=field)
        else:
            body = args.body or _attribute(holder, x509.NameOID.ORGANIZATION_NAME) or common_name
            stamp = SealStamp(body=body) if args.visible else None
            box = seal_box_beside(default_signer_box()) if args.visible else None
            slot = FieldSlot(field, box, ())
        prepare: tuple[FieldSlot, ...] = (slot,)
    else:
        field = args.field or SIGNER_FIELD
        stamp = SignerStamp(name=args.name or common_name, position=args.position or "") \
            if args.visible else None
        signer_slot, seal_slot = two_step_fields(visible=args.visible)
        prepare = (replace(signer_slot, name=field), seal_slot)
    roots = _load_roots(args.trust) if args.trust else []
    return SignRequest(
        field=field, stamp=stamp, prepare=prepare, reason=args.reason, location=args.location,
        timestamp_url=args.timestamp_url, embed_revocation=args.ltv, trust_roots=tuple(roots),
    )


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _sign(args: argparse.Namespace) -> int:
    pdf = _read(args.input)
    if args.p12:
        passphrase = _secret("SIGNING_PASSPHRASE", "Passphrase / Mật khẩu: ")
        signer = load_pkcs12_file(args.p12, passphrase.encode() if passphrase else None)
        signed = sign_pdf(pdf, _request(args, signer), signer)
    else:
        if not (args.pkcs11_module and args.key):
            raise KeyFileError("give --p12 FILE, or --pkcs11-module with --key")
        config = Pkcs11Config(
            module=args.pkcs11_module, key_label=args.key, token_label=args.token, slot=args.slot
        )
        pin = _secret("SIGNING_PIN", "PIN: ")
        with open_pkcs11_signer(config, pin) as signer:
            signed = sign_pdf(pdf, _request(args, signer), signer)
    try:
        args.output.write_bytes(signed)
    except OSError as exc:
        raise _InputError("signing_error", f"{args.output}: {exc.strerror}") from exc
    return EXIT_OK


def _describe(report: SignatureReport, lang: str) -> str:
    when = report.timestamp or report.signing_time
    label = "timestamped_at" if report.timestamp else "signed_at"
    parts = [f"{report.field}: {report.signer}"]
    if when is not None:
        parts.append(f"{message(label, lang)} {format_signing_time(when)}")
    parts.append(report.level.value)
    if report.covers_whole_file:
        parts.append(message("whole_file", lang))
    elif report.change_after.value != "none":
        verdict = "permitted" if report.change_permitted else "not_permitted"
        parts.append(f"{message(report.change_after.value, lang)} ({message(verdict, lang)})")
    if report.ok:
        parts.append(message("ok", lang))
    else:
        change = message(report.change_after.value, lang)
        detail = report.detail if "unreadable" in report.problems else change
        parts.extend(message(code, lang, detail=detail) for code in report.problems)
    return ("OK   " if report.ok else "FAIL ") + " — ".join(parts)


def _as_json(report: VerifyReport, lang: str) -> str:
    def one(r: SignatureReport) -> dict:
        return {
            "field": r.field, "signer": r.signer, "chain": list(r.chain),
            "signing_time": r.signing_time.isoformat() if r.signing_time else None,
            "timestamp": r.timestamp.isoformat() if r.timestamp else None,
            "intact": r.intact, "trusted": r.trusted, "revoked": r.revoked,
            "covers_whole_file": r.covers_whole_file, "change_after": r.change_after.value,
            "change_permitted": r.change_permitted, "level": r.level.value, "ok": r.ok,
            "problems": list(r.problems), "summary": _describe(r, lang),
        }

    return json.dumps(
        {"ok": report.ok, "signatures": [one(r) for r in report.signatures]},
        ensure_ascii=False, indent=2,
    )


def _verify(args: argparse.Namespace) -> int:
    roots = _load_roots(args.trust)
    report = verify_pdf(_read(args.file), roots)
    if args.json:
        print(_as_json(report, args.lang))
    elif not report.signatures:
        print("FAIL " + message("no_signatures", args.lang))
    else:
        for one in report.signatures:
            print(_describe(one, args.lang))
    return EXIT_OK if report.ok else EXIT_INVALID


def _issue_cert(args: argparse.Namespace) -> int:
    path = devca.issue_user_certificate(
        args.out, args.user, args.passphrase.encode() if args.passphrase else None,
        args.seal, crl_url=args.crl_url,
        key_algorithm=devca.KeyAlgorithm.ECDSA if args.ecdsa else devca.KeyAlgorithm.RSA,
    )
    print(f"{args.out / devca.ROOT_CERT_FILE}\n{path}")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m signing", description=__doc__)
    parser.add_argument("--lang", choices=("vi", "en"), default=_default_lang())
    parser.add_argument("--verbose", action="store_true", help="log pyHanko's details")
    commands = parser.add_subparsers(dest="command", required=True)

    sign = commands.add_parser("sign", help="sign a PDF (PAdES)")
    sign.add_argument("input", type=Path)
    sign.add_argument("output", type=Path)
    sign.add_argument("--p12", type=Path, help="PKCS#12 file; passphrase from SIGNING_PASSPHRASE")
    sign.add_argument("--pkcs11-module", type=Path, help="PKCS#11 module (.so); PIN: SIGNING_PIN")
    sign.add_argument("--token", help="token label")
    sign.add_argument("--slot", type=int, help="slot number")
    sign.add_argument("--key", help="key (and certificate) label on the token")
    sign.add_argument("--field", help="field name (default: signer, or seal with --seal)")
    sign.add_argument("--visible", action="store_true", help="draw a visible stamp")
    sign.add_argument("--seal", action="store_true", help="the organisation's (seal) signature")
    sign.add_argument("--attachment", metavar="NUMBER",
                      help="with --seal: an attached file; stamp NUMBER and time at top right")
    sign.add_argument("--name", help="signer's name on the stamp (default: certificate CN)")
    sign.add_argument("--position", help="signer's position lines on the stamp")
    sign.add_argument("--body", help="body's name on the seal (default: certificate O)")
    sign.add_argument("--reason")
    sign.add_argument("--location")
    sign.add_argument("--timestamp-url", help="RFC 3161 server: B-T")
    sign.add_argument("--ltv", action="store_true", help="embed CRL/OCSP: B-LT (needs --trust)")
    sign.add_argument("--trust", type=Path, action="append", help="root(s) of the chain")
    sign.set_defaults(run=_sign)

    verify = commands.add_parser("verify", help="verify every signature of a PDF")
    verify.add_argument("file", type=Path)
    verify.add_argument("--trust", type=Path, action="append", required=True, help="trusted root")
    verify.add_argument("--json", action="store_true", help="print a JSON report")
    verify.set_defaults(run=_verify)

    issue = commands.add_parser("issue-cert", help="development CA: issue a PKCS#12 file")
    issue.add_argument("--out", type=Path, required=True)
    issue.add_argument("--user", required=True)
    issue.add_argument("--passphrase")
    issue.add_argument("--seal", metavar="BODY", help="organisation (seal) certificate of BODY")
    issue.add_argument("--crl-url", help="CRL distribution point to write in the certificate")
    issue.add_argument("--ecdsa", action="store_true", help="ECDSA P-256 instead of RSA-2048")
    issue.set_defaults(run=_issue_cert)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO)
    else:
        # pyHanko logs expected failures (an unknown root, say) with tracebacks; the one line
        # this command prints says it, so keep the traces out of the user's way
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        return args.run(args)
    except SigningError as exc:
        print(message(exc.code, args.lang, detail=exc.detail, **exc.params), file=sys.stderr)
    except _InputError as exc:
        print(message(exc.code, args.lang, detail=exc.detail), file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return EXIT_BAD_INPUT
