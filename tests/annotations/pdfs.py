"""PDFs with distinct Vietnamese passages, and a second version where some were rewritten.

Each passage is one sentence of its own (so a quote is found once), laid out by fpdf2 with the
Vietnamese serif the watermark uses. ``changed`` passages of version 2 are rewritten whole;
``nudged`` ones get one word changed (a fuzzy match); a short paragraph added at the top of
each page moves the others down, so a carried annotation must move too.
"""

from __future__ import annotations

from fpdf import FPDF

from ecabinet.documents.watermark import DEFAULT_FONT_PATH

SUBJECTS = ["Ủy ban nhân dân tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Phường Một",
            "Ban Quản lý dự án", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Công an tỉnh"]
VERBS = ["báo cáo tiến độ", "đề xuất điều chỉnh", "rà soát kế hoạch", "tổng hợp ý kiến về",
         "kiểm tra việc thực hiện", "hoàn thiện hồ sơ"]
OBJECTS = ["dự toán ngân sách năm 2027", "chương trình chuyển đổi số", "cải cách thủ tục hành "
           "chính", "giải phóng mặt bằng tuyến đường", "xây dựng trường học", "bệnh viện tuyến "
           "tỉnh", "đảm bảo an ninh trật tự"]


def passage(page: int, index: int) -> str:
    subject = SUBJECTS[(page + index) % len(SUBJECTS)]
    verb = VERBS[(page * 3 + index) % len(VERBS)]
    thing = OBJECTS[(page + index * 5) % len(OBJECTS)]
    return (f"Đoạn {page}.{index}: {subject} {verb} {thing}, hạn chót ngày {index + 1:02d} "
            f"tháng {page % 12 + 1}.")


def rewritten(page: int, index: int) -> str:
    return (f"Nội dung thay thế {page}-{index}: văn bản này đã được soạn lại toàn bộ theo ý "
            "kiến chỉ đạo mới.")


def nudged(page: int, index: int) -> str:
    return passage(page, index).replace("hạn chót", "thời hạn")


def make_pages(pages: int, per_page: int = 8, *, changed: frozenset = frozenset(),
               fuzzy: frozenset = frozenset(), preface: bool = False) -> bytes:
    """``pages`` A4 pages of ``per_page`` passages; (page, index) in ``changed`` rewritten,
    in ``fuzzy`` one word changed; ``preface`` adds a paragraph on top of every page."""
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(False)
    pdf.add_font("serif", fname=DEFAULT_FONT_PATH)
    pdf.set_font("serif", size=12)
    for page in range(1, pages + 1):
        pdf.add_page()
        if preface:
            pdf.multi_cell(0, 7, "Bổ sung: phiên bản 2 có thêm đoạn mở đầu này ở đầu trang.",
                           new_x="LMARGIN", new_y="NEXT")
        for index in range(per_page):
            text = (rewritten(page, index) if (page, index) in changed else
                    nudged(page, index) if (page, index) in fuzzy else passage(page, index))
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())
