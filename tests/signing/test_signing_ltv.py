"""B-T with a local RFC 3161 timestamp server and B-LT with a CRL served over local HTTP.

The timestamps come from certomancer's timestamping service, behind a local HTTP server; these
signatures use the real clock, since the server stamps the real time.
"""

from __future__ import annotations

import pytest

from signing import Level, SignRequest, TimestampError, samples, sign_pdf, verify_pdf

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


def test_sign_with_timestamp_server_reaches_b_t(pki, local_services):
    out = sign_pdf(samples.two_page_pdf(), SignRequest(timestamp_url=local_services.tsa_url),
                   pki.chair)
    report = verify_pdf(out, [pki.root.certificate])
    assert report.ok, report
    (sig,) = report.signatures
    assert sig.level is Level.B_T
    assert sig.timestamp is not None
    assert abs((sig.timestamp - sig.signing_time).total_seconds()) < 60


def test_sign_with_revocation_data_reaches_b_lt(pki, local_services, tmp_path, pdfsig):
    before = local_services.requests.count("/root.crl")
    out = sign_pdf(
        samples.two_page_pdf(),
        SignRequest(timestamp_url=local_services.tsa_url, embed_revocation=True,
                    trust_roots=(pki.root.certificate,)),
        local_services.ltv_signer,
    )
    assert local_services.requests.count("/root.crl") > before
    assert b"/DSS" in out and b"/CRLs" in out
    report = verify_pdf(out, [pki.root.certificate])
    assert report.ok, report
    (sig,) = report.signatures
    assert sig.level is Level.B_LT
    assert not sig.covers_whole_file and sig.change_after.value == "validation_data"
    path = tmp_path / "ltv.pdf"
    path.write_bytes(out)
    _, blocks = pdfsig(path)
    (block,) = blocks.values()
    assert "Signature is Valid." in block and "Certificate is Trusted." in block


def test_sign_with_unreachable_timestamp_server_is_refused(pki):
    with pytest.raises(TimestampError):
        sign_pdf(samples.two_page_pdf(), SignRequest(timestamp_url="http://127.0.0.1:9/tsa"),
                 pki.chair)


def test_sign_with_revocation_data_and_an_unknown_root_is_a_revocation_error(pki):
    # pyHanko wraps the path error in a SigningError; the class is caught, not its wording
    from signing import RevocationError, devca

    stranger = devca.create_root(now=pki.root.certificate.not_valid_before_utc)
    with pytest.raises(RevocationError):
        sign_pdf(samples.two_page_pdf(),
                 SignRequest(embed_revocation=True, trust_roots=(stranger.certificate,)),
                 pki.chair)
