"""Child process that checks the signatures of an uploaded PDF, so the web process never parses it.

Run only by :mod:`ecabinet.conclusions.verification` as ``python -I _verify_child.py`` with,
on stdin, the length of the trusted roots' PEM in decimal on the first line, the PEM, then the
PDF. It caps its own CPU time and address space, loads the signing library (which has no Flask
and no ecabinet in it), and only then reads a byte of input: so the parent can start it before
an upload arrives (a warm spare, one process per upload still) and pay the imports, which are
most of a check, off the request. It prints one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import sys

CPU_SECONDS = 20
ADDRESS_SPACE = 1536 * 1024 * 1024


def main() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    from cryptography import x509

    from signing import NotAPdfError, verify_pdf

    stdin = sys.stdin.buffer
    try:
        size = int(stdin.readline(32))
    except ValueError:
        print(json.dumps({"error": "failed"}))
        return
    data = stdin.read(size)
    pdf = stdin.read()
    roots = x509.load_pem_x509_certificates(data) if data.strip() else []
    try:
        report = verify_pdf(pdf, roots)
    except NotAPdfError as error:
        print(json.dumps({"error": "not_a_pdf", "detail": error.detail}))
        return
    print(json.dumps({"signatures": [
        {"field": s.field, "signer": s.signer,
         "signing_time": s.signing_time.isoformat() if s.signing_time else None,
         "intact": s.intact, "trusted": s.trusted, "covers_whole_file": s.covers_whole_file,
         "change_after": s.change_after.value, "change_permitted": s.change_permitted,
         "problems": list(s.problems), "detail": s.detail}
        for s in report.signatures]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # the answer is out: skip tearing down the interpreter, a tenth of a second
