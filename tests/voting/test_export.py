"""The votes PDF: a named list with names, choices and receipts; a secret poll's receipt
codes only; each result in words; fonts embedded, Vietnamese intact (read back by poppler)."""

import subprocess

import pytest

from ecabinet.voting import export, service
from ecabinet.voting.models import PollKind
from ecabinet.voting.service import PollData
from tests.conftest import require_service


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "votes.pdf"
    path.write_bytes(pdf)
    try:
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
    except FileNotFoundError:
        require_service("pdftotext", "poppler-utils is not installed")


def test_named_list_and_secret_receipts_in_the_pdf(room, tmp_path):
    named = service.open_poll(room.meeting, PollData("Thông qua Đề án chuyển đổi số?"),
                              actor=room.chair)
    for index, voter in enumerate(room.members[:9]):
        choice = (0,) if index < 8 else (1,)
        service.cast_ballot(named, room.meeting, voter, choice, f"named-{index:04d}")
    service.close_poll(named, room.meeting, actor=room.chair)
    secret = service.open_poll(room.meeting, PollData("Giới thiệu nhân sự", kind=PollKind.SECRET),
                               actor=room.chair)
    receipts = [service.cast_ballot(secret, room.meeting, voter, (0,), f"secret-{i:04d}").receipt
                for i, voter in enumerate(room.members[:3])]
    service.close_poll(secret, room.meeting, actor=room.chair)

    pdf = export.votes_pdf(room.meeting, service.polls_of(room.meeting))
    text = " ".join(_pdftotext(pdf, tmp_path).split())
    assert "KẾT QUẢ BIỂU QUYẾT" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Thông qua Đề án chuyển đổi số?" in text
    assert "Thông qua: 8/13 thành viên tán thành" in text
    voter = room.members[8]
    receipt = service.named_ballots(named)[voter.id][1]
    assert f"{voter.full_name}" in text and receipt in text and "Không tán thành" in text
    assert "Không bỏ phiếu:" in text and room.members[12].full_name in text
    assert all(code in text for code in receipts)
    secret_part = text.split("Giới thiệu nhân sự")[1]
    assert room.members[0].full_name not in secret_part  # no names with a secret poll
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "LiberationSerif" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])


@pytest.mark.parametrize("role, status", [("member", 200), ("outsider", 404)])
def test_votes_pdf_goes_to_the_participants_only(client, auth, world, role, status):
    auth.login(role)
    response = client.get(f"/meetings/{world.meeting.id}/votes.pdf")
    assert response.status_code == status
    if status == 200:
        assert response.data.startswith(b"%PDF") and response.headers["Cache-Control"] == "no-store"
