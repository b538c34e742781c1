"""The whole path over HTTP: the secretariat drafts, the chair signs with an uploaded PKCS#12,
the body's clerk issues; the issued file is valid for pdfsig and for pyHanko's validator."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ecabinet.accounts.models import RoleAssignment, RoleKind
from ecabinet.conclusions import keys as conclusion_keys
from ecabinet.conclusions import service
from ecabinet.conclusions.models import ConclusionStatus
from ecabinet.extensions import db
from signing import devca
from signing.pdfio import to_asn1
from tests.conclusions.conftest import PASSPHRASE
from tests.conftest import csrf_token, require_service


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        require_service(name, "poppler-utils and libnss3-tools check the signatures")
    return path


@pytest.fixture
def seal_key(app, world, keys):
    """The province's seal key in the instance's key folder, and its root beside it."""
    folder = conclusion_keys.keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    seal = devca.issue_certificate(keys.root, devca.CertificateSpec(
        world.units["province"].name, kind=devca.CertificateKind.SEAL,
        organisation=world.units["province"].name))
    (folder / f"seal-{world.units['province'].code}.p12").write_bytes(
        devca.pkcs12_bytes(seal, keys.root.certificate, b"seal-pass"))
    (folder / f"seal-{world.units['province'].code}.pass").write_text("seal-pass")
    (folder / devca.ROOT_CERT_FILE).write_bytes(
        keys.root.certificate.public_bytes(serialization.Encoding.PEM))
    world.users["clerk"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                     unit_id=world.units["province"].id))
    db.session.commit()
    return folder


def _draft_over_http(client, auth, world):
    auth.login("secretariat")
    meeting_id = world.meeting.id
    assert client.post(f"/meetings/{meeting_id}/conclusion/start",
                       data={"csrf_token": csrf_token(client)}).status_code == 302
    form = {"csrf_token": csrf_token(client), "revision": "1",
            "chaired_by": "đồng chí Nguyễn Văn Hùng, Chủ tịch UBND tỉnh",
            "attended_by": "các thành viên UBND tỉnh.",
            "section-0-title": world.item.title, "section-0-item": str(world.item.id),
            "section-0-text": "<p>Thống nhất <b>báo cáo</b>.</p><script>x()</script>",
            "task-0-0-responsible": str(world.units["department"].id),
            "task-0-0-content": "Hoàn thiện báo cáo.", "task-0-0-deadline": "2026-12-31",
            "recipients": [str(world.units["department"].id)]}
    assert client.post(f"/meetings/{meeting_id}/conclusion/edit", data=form).status_code == 302
    assert client.post(f"/meetings/{meeting_id}/conclusion/submit",
                       data={"csrf_token": csrf_token(client)}).status_code == 302
    auth.logout()


def _sign_over_http(client, auth, world, keys, passphrase=PASSPHRASE):
    auth.login("chair")
    response = client.post(
        f"/meetings/{world.meeting.id}/conclusion/sign",
        data={"csrf_token": csrf_token(client), "passphrase": passphrase,
              "key_file": (io.BytesIO(keys.chair_p12), "chu-tich.p12")},
        content_type="multipart/form-data")
    auth.logout()
    return response


def test_draft_sanitises_and_preview_is_a_pdf(client, auth, world):
    _draft_over_http(client, auth, world)
    conclusion = service.conclusion_of(world.meeting)
    assert conclusion.status == ConclusionStatus.SUBMITTED
    assert conclusion.sections[0].text_html == "<p>Thống nhất <b>báo cáo</b>.</p>"
    auth.login("chair")
    response = client.get(f"/meetings/{world.meeting.id}/conclusion/notice.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-1.7")


def test_sign_with_wrong_passphrase_says_so_and_keeps_nothing(client, auth, world, keys):
    _draft_over_http(client, auth, world)
    response = _sign_over_http(client, auth, world, keys, passphrase="sai")
    assert response.status_code == 422
    assert "Sai mật khẩu của tệp khóa" in response.get_data(as_text=True)
    db.session.expire_all()
    conclusion = service.conclusion_of(world.meeting)
    assert conclusion.status == ConclusionStatus.SUBMITTED and conclusion.signed_pdf is None


def test_chair_returns_with_comment_shown_to_the_secretariat(client, auth, world):
    _draft_over_http(client, auth, world)
    auth.login("chair")
    client.post(f"/meetings/{world.meeting.id}/conclusion/return",
                data={"csrf_token": csrf_token(client), "comment": "Bổ sung thời hạn."})
    auth.logout()
    auth.login("secretariat")
    page = client.get(f"/meetings/{world.meeting.id}/conclusion/edit").get_data(as_text=True)
    assert "Bổ sung thời hạn." in page


def test_issue_without_a_seal_key_is_refused_clearly(client, auth, world, keys):
    _draft_over_http(client, auth, world)
    assert _sign_over_http(client, auth, world, keys).status_code == 302
    world.users["clerk"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                     unit_id=world.units["province"].id))
    db.session.commit()
    auth.login("clerk")
    response = client.post(f"/meetings/{world.meeting.id}/conclusion/issue",
                           data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "Chưa cấu hình khóa ký số" in response.get_data(as_text=True)
    db.session.expire_all()
    assert service.conclusion_of(world.meeting).number is None


def test_whole_path_gives_01_valid_for_pdfsig_and_pyhanko(client, auth, world, keys, seal_key,
                                                          tmp_path):
    from ecabinet.notify import service as notify

    _draft_over_http(client, auth, world)
    kinds = lambda who: [n.kind for n in notify.notifications_for(world.users[who])]  # noqa: E731
    assert "conclusion_submitted" in kinds("chair")
    assert _sign_over_http(client, auth, world, keys).status_code == 302
    assert "conclusion_signed" in kinds("clerk")  # the body's clerk is told to issue it
    auth.login("clerk")
    page = client.post(f"/meetings/{world.meeting.id}/conclusion/issue",
                       data={"csrf_token": csrf_token(client)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã ban hành với số 01/TB-UBND" in page
    assert "conclusion_issued" in kinds("secretariat")
    pdf = client.get(f"/meetings/{world.meeting.id}/conclusion/notice.pdf").data
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    # pyHanko's own validator: every signature intact, trusted, its later changes permitted
    reader = PdfFileReader(io.BytesIO(pdf))

    async def bottom_lines():
        context = ValidationContext(trust_roots=[to_asn1(keys.root.certificate)])
        return [(await async_validate_pdf_signature(s, signer_validation_context=context))
                .bottom_line for s in reader.embedded_regular_signatures]

    assert asyncio.run(bottom_lines()) == [True, True, True]
    # poppler's pdfsig, with the development root trusted in an NSS database
    nss = tmp_path / "nss"
    nss.mkdir()
    certutil = _tool("certutil")
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "C,C,C", "-i",
                    str(seal_key / devca.ROOT_CERT_FILE)], check=True)
    out = subprocess.run([_tool("pdfsig"), "-nssdir", f"sql:{nss}", str(path)],
                         capture_output=True, text=True, check=False).stdout
    assert out.count("Signature is Valid.") == 3, out
    blocks = {b.split("Signature Field Name:", 1)[1].split()[0]: b
              for b in out.split("Signature #")[1:]}
    assert "Certificate is Trusted." in blocks["signer"]
    # pdfsig (poppler 22-25 with NSS) trusts a certificate only the first time it checks it in
    # a run: a second signature by the same seal key gets "Unknown issue with Certificate",
    # also for two plain signatures of one key on a sample file; the one it checks first is
    # trusted
    first_org = next(name for name in blocks if name in ("marks", "seal"))
    assert "Certificate is Trusted." in blocks[first_org], out
    text = subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "/TB-UBND" in text and "Nơi nhận:" in text


def test_body_clerk_sees_the_notice_but_no_link_to_a_meeting_she_cannot_open(client, auth,
                                                                           world, keys):
    _draft_over_http(client, auth, world)
    world.users["clerk"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                     unit_id=world.units["province"].id))
    db.session.commit()
    auth.login("clerk")
    page = client.get(f"/meetings/{world.meeting.id}/conclusion").get_data(as_text=True)
    assert world.meeting.title in page
    assert f'href="/meetings/{world.meeting.id}"' not in page
    assert client.get(f"/meetings/{world.meeting.id}").status_code == 404
