"""Demo documents: Vietnamese PDFs made on the spot (nothing binary in the repository)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from ecabinet.documents.watermark import DEFAULT_FONT_PATH

PARAGRAPH = (
    "Thực hiện Nghị quyết của Hội đồng nhân dân tỉnh, Ủy ban nhân dân tỉnh chỉ đạo các sở, ban, "
    "ngành và Ủy ban nhân dân các xã, phường triển khai đồng bộ các nhiệm vụ, giải pháp phát triển "
    "kinh tế - xã hội; tăng cường kỷ luật, kỷ cương hành chính; đẩy mạnh chuyển đổi số và cải "
    "cách thủ tục hành chính; bảo đảm quốc phòng, an ninh và trật tự, an toàn xã hội."
)


def font_available() -> bool:
    return Path(DEFAULT_FONT_PATH).is_file()


def make_pdf(title: str, sections: list[str], pages_per_section: int = 2) -> bytes:
    """An A4 document with Decree 30 margins, a title page and one bookmark per section."""
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("serif", fname=DEFAULT_FONT_PATH)
    pdf.set_font("serif", size=14)
    pdf.add_page()
    pdf.multi_cell(0, 8, "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\n\n" + title.upper(), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    for number, section in enumerate(sections, start=1):
        pdf.add_page()
        pdf.start_section(f"{number}. {section}")
        pdf.set_font("serif", size=13)
        pdf.multi_cell(0, 8, f"{number}. {section}", new_x="LMARGIN", new_y="NEXT")
        for page in range(pages_per_section):
            if page:
                pdf.add_page()
            pdf.multi_cell(0, 7, "\n".join([PARAGRAPH] * 5), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def plain_text_pdf(pages: int, title: str = "Document") -> bytes:
    """A text PDF like a typical uploaded report: one heading and 40 lines a page.

    Built-in Helvetica only, so it needs no font file: for benchmarks and tests.
    """
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.text(20, 20, f"{title} - page {number}")
        for line in range(40):
            pdf.text(20, 30 + line * 6,
                     f"Line {line} of the meeting document, page {number}, a few more words.")
    return bytes(pdf.output())
