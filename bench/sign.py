"""Time signing and verification of a two-page A4 PDF in a warm process (issue 13).

Prints a table; ``--json PATH`` writes ``sign_s``, ``sign_visible_s`` and ``verify_s`` (median
seconds). Limits: sign (RSA-2048, B-B, invisible) ≤ 0.05 s, with a visible Vietnamese stamp
≤ 0.1 s, verify one signature ≤ 0.05 s.

    python bench/sign.py [--runs 30] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signing import (
    SIGNER_FIELD,
    SignerStamp,
    SignRequest,
    devca,
    load_pkcs12,
    samples,
    sign_pdf,
    two_step_fields,
    verify_pdf,
)

LIMITS = {"sign_s": 0.05, "sign_visible_s": 0.1, "verify_s": 0.05}
LABELS = {
    "sign_s": "sign (RSA-2048, B-B, invisible)",
    "sign_visible_s": "sign with visible Vietnamese stamp",
    "verify_s": "verify one signature",
}


def _median(job: Callable[[], object], runs: int) -> float:
    job()  # warm: fonts, imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(runs: int) -> dict[str, float]:
    root = devca.create_root()
    pair = devca.issue_certificate(root, devca.CertificateSpec("Nguyễn Văn An"))
    signer = load_pkcs12(devca.pkcs12_bytes(pair, root.certificate, b"bench"), b"bench")
    pdf = samples.two_page_pdf()
    signer_slot, seal_slot = two_step_fields()
    visible = SignRequest(
        field=SIGNER_FIELD, prepare=(signer_slot, seal_slot),
        stamp=SignerStamp(name="Nguyễn Văn An", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
    )
    signed = sign_pdf(pdf, SignRequest(), signer)
    assert verify_pdf(signed, [root.certificate]).ok
    return {
        "sign_s": _median(lambda: sign_pdf(pdf, SignRequest(), signer), runs),
        "sign_visible_s": _median(lambda: sign_pdf(pdf, visible, signer), runs),
        "verify_s": _median(lambda: verify_pdf(signed, [root.certificate]), runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    figures = measure(args.runs)
    print(f"{'figure':<40} {'median s':>9} {'limit s':>8}  ok")
    for key, value in figures.items():
        ok = "yes" if value <= LIMITS[key] else "NO"
        print(f"{LABELS[key]:<40} {value:>9.4f} {LIMITS[key]:>8.3f}  {ok}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 5) for k, v in figures.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
