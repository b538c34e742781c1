"""The notice against Decree 30/2020 Appendix I: heading lines, margins, fonts, PDF/A-2b."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import unicodedata
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from ecabinet.conclusions.record import Attendee, MeetingRecord, PollLine
from ecabinet.conclusions.render import Notice, Section, Task, render_notice
from ecabinet.conclusions.sanitize import clean_html
from tests.conftest import require_service

pytestmark = pytest.mark.dbless  # renders from plain data: the SQLite pass only

MM = 72 / 25.4
LONG = clean_html("<p>Thống nhất với <b>báo cáo</b> tình hình kinh tế - xã hội; yêu cầu các sở, "
                  "ngành <i>khẩn trương</i> triển khai các nhiệm vụ trọng tâm, bảo đảm tiến độ "
                  "giải ngân vốn đầu tư công và an sinh xã hội cho người dân trên địa bàn.</p>"
                  "<ol><li>Rà soát số liệu;</li><li>Hoàn thiện báo cáo.</li></ol>") * 3


def notice(**changes) -> Notice:
    values = dict(
        parent_name="", body_name="Ủy ban nhân dân tỉnh Thử Nghiệm", place_name="Thử Nghiệm",
        abbreviation="UBND", meeting_title="phiên thường kỳ tháng 3 năm 2026",
        meeting_start=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), meeting_place="Phòng họp 1",
        chaired_by="đồng chí Nguyễn Văn Hùng, Phó Chủ tịch UBND tỉnh",
        attended_by="các thành viên UBND tỉnh; lãnh đạo Sở Tài chính.",
        sections=tuple(Section(f"Nội dung {n}", LONG, (Task(
            "Sở Tài chính", ("Sở Xây dựng",), "Hoàn thiện báo cáo.", "31/03/2026"),))
            for n in (1, 2)),
        recipients=("Sở Tài chính", "Sở Xây dựng"), signer_name="Nguyễn Văn Hùng",
        signer_position="Phó Chủ tịch", archive_code="TH")
    values.update(changes)
    return Notice(**values)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    pdf, layout = render_notice(notice())
    path = tmp_path_factory.mktemp("notice") / "notice.pdf"
    path.write_bytes(pdf)
    return path, layout


def _tool(name: str) -> str:
    import shutil

    path = shutil.which(name)
    if path is None:
        require_service(name, "poppler-utils is needed to read the notice")
    return path


def _text(path) -> str:
    return subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_heading_lines_are_in_place(rendered):
    lines = [line.strip() for line in _text(rendered[0]).splitlines() if line.strip()]
    assert re.fullmatch(r"ỦY BAN NHÂN DÂN\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert re.fullmatch(r"TỈNH THỬ NGHIỆM\s+Độc lập - Tự do - Hạnh phúc", lines[1])
    # the number and the date are blanks until the clerk issues the notice
    assert re.fullmatch(r"Số:\s+/TB-UBND\s+Thử Nghiệm, ngày\s+tháng\s+năm", lines[2])
    assert lines[3] == "THÔNG BÁO"
    assert lines[4].startswith("Kết luận của đồng chí Nguyễn Văn Hùng")


def test_signer_block_and_recipients_end_with_the_archive(rendered):
    text = _text(rendered[0])
    assert re.search(r"Nơi nhận:\s+TM\. ỦY BAN NHÂN DÂN", text)
    assert re.search(r"KT\. CHỦ TỊCH\s*\n.*PHÓ CHỦ TỊCH", text)
    assert "- Sở Tài chính;" in text and "- Lưu: VT, TH." in text
    assert "PHỤ LỤC" not in text  # no record given: no appendix


def _words(path):
    """Every word's box per page, in points from the top left (pdftotext -bbox)."""
    html = subprocess.run([_tool("pdftotext"), "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    root = ElementTree.fromstring(html.replace('xmlns="http://www.w3.org/1999/xhtml"', ""))  # noqa: S314 - our own output
    pages = []
    for page in root.iter("page"):
        pages.append([tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
                      for w in page.iter("word")])
    return pages


RECORD = MeetingRecord(
    chair_name="Nguyễn Văn Hùng", chair_position="Phó Chủ tịch UBND tỉnh",
    attendees=(Attendee("Nguyễn Văn Hùng", "", "Chủ trì", True),
               Attendee("Phạm Quốc Bảo", "", "Thành viên", False, "Trịnh Văn Phúc")),
    recorded=True, members_in_office=3, members_present=2, quorum_required=2,
    polls=(PollLine("Thông qua báo cáo?", ("Tán thành", "Không tán thành", "Không biểu quyết"),
                    (2, 0, 0), True, "quá nửa tổng số thành viên",
                    "Thông qua: 2/3 thành viên tán thành."),))


def test_margins_are_within_the_decree_ranges_on_every_page(tmp_path):
    path = tmp_path / "with-appendix.pdf"
    path.write_bytes(render_notice(notice(record=RECORD))[0])
    pages = _words(path)
    assert len(pages) >= 2
    for number, words in enumerate(pages, start=1):
        left = min(w[0] for w in words) / MM
        right = 210 - max(w[2] for w in words) / MM
        top = min(w[1] for w in words) / MM
        bottom = 297 - max(w[3] for w in words) / MM
        assert 30 <= left <= 35, (number, left)
        assert right >= 15, (number, right)
        assert 20 <= top <= 25, (number, top)
        assert bottom >= 20, (number, bottom)
    first = pages[0]
    assert 210 - max(w[2] for w in first) / MM <= 20  # justified text reaches the right margin
    text = unicodedata.normalize("NFC", " ".join(_text(path).split()))
    assert "PHỤ LỤC" in text and "Vắng, ủy quyền Trịnh Văn Phúc" in text
    assert "Nguyên tắc: quá nửa tổng số thành viên." in text


def test_fonts_are_embedded_liberation_serif(rendered):
    out = subprocess.run([_tool("pdffonts"), str(rendered[0])], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out and all("LiberationSerif" in line for line in out)
    assert all(re.search(r"\byes\s+yes\s+yes\b", line) for line in out), out


def test_xmp_claims_pdfa_2b_with_srgb_output_intent(rendered):
    reader = PdfReader(rendered[0])
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="2"|>2<)', xmp)
    assert re.search(r'pdfaid:conformance(="B"|>B<)', xmp)
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"


def test_every_vietnamese_letter_is_drawn_from_the_font(tmp_path):
    from signing.fonts import VIETNAMESE_SAMPLE

    pdf, _ = render_notice(notice(attended_by=VIETNAMESE_SAMPLE))
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    assert VIETNAMESE_SAMPLE in _text(path).replace("\n", "").replace(" ", "")


def test_layout_places_the_blanks_inside_the_marks_box(rendered):
    _, layout = rendered
    x1, y1, x2, y2 = layout.marks_box
    for x, y in (layout.number_at, layout.day_at, layout.month_at, layout.year_at):
        assert 0 < x < x2 - x1 and 0 < y < y2 - y1
    reader = PdfReader(io.BytesIO(render_notice(notice())[0]))
    assert layout.pages == len(reader.pages)
