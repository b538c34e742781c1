"""Set the notice as A4 PDF/A-2b in the layout of Decree 30/2020, Appendix I.

Margins 20 mm top and bottom, 30 mm left, 15 mm right; Liberation Serif (Times New Roman's
metrics) embedded; the two-column heading; "Số:" and the date left blank for the clerk, whose
signature writes them in (see :mod:`ecabinet.conclusions.issuing`); the signer block with room
for the chair's stamp and the seal; then an appendix from the meeting's record.

:func:`render_notice` returns the PDF and where its blanks and signature places are, in PDF
points, so that the signatures land exactly on them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecabinet.core.timeutil import to_local

if TYPE_CHECKING:
    from fpdf import FPDF

A4_W, A4_H = 210.0, 297.0
TOP, BOTTOM, LEFT, RIGHT = 20.0, 20.0, 30.0, 15.0
PT = 72 / 25.4
LEFT_COL = 68.0  # the issuing body's column; Quốc hiệu takes the rest
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
NUMBER_GAP, DAY_GAP, MONTH_GAP, YEAR_GAP = 12.0, 9.0, 8.0, 13.0


@dataclass(frozen=True)
class Task:
    responsible: str
    cooperating: tuple[str, ...]
    content: str
    deadline: str
    """Already written as Vietnamese readers write it (dd/mm/yyyy), or empty."""


@dataclass(frozen=True)
class Section:
    title: str
    html: str
    """Sanitised: p, ol, li, b/strong, i/em, br."""
    tasks: tuple[Task, ...] = ()


@dataclass(frozen=True)
class Notice:
    """Everything printed on the notice, already in words."""

    parent_name: str
    body_name: str
    place_name: str
    abbreviation: str
    meeting_title: str
    meeting_start: object
    meeting_place: str
    chaired_by: str
    attended_by: str
    sections: tuple[Section, ...]
    recipients: tuple[str, ...]
    signer_name: str
    signer_position: str
    archive_code: str
    """After "Lưu: VT," — the secretariat's short code."""
    record: object = None
    """A :class:`ecabinet.conclusions.record.MeetingRecord` for the appendix, or None."""
    record_json: bytes = b""
    """The machine-readable record to embed (``record_embed``); with it the file claims
    PDF/A-3b, which allows a non-PDF associated file, instead of PDF/A-2b."""


@dataclass(frozen=True)
class Layout:
    """Where the blanks and the signature places are: page index and PDF points."""

    marks_box: tuple[float, float, float, float]
    """The heading row with "Số:" and the date (page 0): x1, y1, x2, y2."""
    number_at: tuple[float, float]
    day_at: tuple[float, float]
    month_at: tuple[float, float]
    year_at: tuple[float, float]
    signer_page: int
    signer_box: tuple[float, float, float, float]
    pages: int = 1
    font_size: float = 13.0

    def as_json(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict) -> Layout:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


@dataclass
class _Pdf:
    pdf: FPDF
    places: dict = field(default_factory=dict)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _points(x: float, y: float) -> tuple[float, float]:
    """fpdf's millimetres from the top left to PDF points from the bottom left."""
    return round(x * PT, 2), round((A4_H - y) * PT, 2)


# Latin (Basic, Latin-1, Extended-A), Vietnamese (its letters of Extended-B, the tone and vowel
# marks, Latin Extended Additional), Romanian's comma-below letters, punctuation, the dashes and
# quotes a text may hold. The rest of Extended-B and of the combining marks (two fifths of the
# font's glyphs) is left out: fpdf reads and subsets every kept glyph again for each notice.
_VIETNAMESE_EXTRA = [0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x218, 0x219, 0x21A, 0x21B,
                     0x300, 0x301, 0x302, 0x303, 0x306, 0x309, 0x31B, 0x323]
_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), *_VIETNAMESE_EXTRA,
             *range(0x1EA0, 0x1F00), *range(0x2010, 0x2050), 0x20AB, 0x2116, 0x2212]


@functools.lru_cache(maxsize=1)
def _trimmed_fonts() -> dict[str, str]:
    """Liberation Serif cut to the scripts a notice uses, once per process.

    fpdf parses and subsets the whole font (2,600 glyphs) on every document; cut to about 700
    glyphs first, a notice renders several times faster.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    folder = Path(tempfile.mkdtemp(prefix="ecabinet-fonts-"))
    paths = {}
    for style, name in FONT_STYLES.items():
        source = FONT_DIR / f"LiberationSerif-{name}.ttf"
        if not source.is_file():
            raise RuntimeError("Liberation Serif 2 is not installed (Debian: fonts-liberation2).")
        options = subset.Options()
        options.layout_features = ["kern", "liga"]
        options.hinting = False
        options.name_IDs = ["*"]
        options.notdef_outline = True
        # keep the glyphs' names (post table 2): without them fontTools derives every name from
        # the cmap each time the font is opened, which each document and signature does
        options.glyph_names = True
        options.drop_tables += ["FFTM"]
        font = TTFont(source)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_UNICODES)
        subsetter.subset(font)
        target = folder / source.name
        font.save(target)
        paths[style] = str(target)
    return paths


@functools.lru_cache(maxsize=1)
def _icc_profile() -> bytes:
    """fpdf's sRGB profile, read once per process."""
    return (Path(__import__("fpdf").__file__).parent / "data" / "color_profiles"
            / "sRGB2014.icc").read_bytes()


def _new_pdf(title: str, *, part: int = 2) -> FPDF:
    # fpdf2 (with fontTools, PIL, lxml: about 20 MB) is loaded by the first notice rendered,
    # not by every server process that imports the conclusions' views
    from fpdf import FPDF
    from fpdf.enums import OutputIntentSubType
    from fpdf.output import PDFICCProfile

    pdf = FPDF(format="A4", unit="mm", enforce_compliance=f"PDFA_{part}B")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    for style, path in _trimmed_fonts().items():
        pdf.add_font("serif", style=style, fname=path)
    for font in pdf.fonts.values():
        # fontTools would otherwise unpack every kept glyph on save only to recompute bounding
        # boxes that subsetting does not change: most of the time fpdf spent in output
        font.ttfont.recalcBBoxes = False
    pdf.add_output_intent(
        OutputIntentSubType.PDFA, "sRGB", "IEC 61966-2-1:1999", "http://www.color.org",
        PDFICCProfile(contents=_icc_profile(), n=3, alternate="DeviceRGB"),
        "sRGB2014 (v2)")
    pdf.set_title(_nfc(title))
    pdf.set_creator("eCabinet")
    pdf.set_lang("vi")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    return pdf


def _centred(pdf: FPDF, x: float, width: float, y: float, text: str, style: str,
             size: float) -> float:
    """Write one line centred in [x, x + width] with its baseline at y; return its width."""
    pdf.set_font("serif", style, size)
    w = pdf.get_string_width(text)
    pdf.text(x + (width - w) / 2, y, text)
    return w


def _rule(pdf: FPDF, centre: float, y: float, width: float) -> None:
    pdf.set_line_width(0.25)
    pdf.line(centre - width / 2, y, centre + width / 2, y)


def _heading(pdf: FPDF, notice: Notice) -> dict:
    """The two columns; return the places left blank for the number and the date."""
    right_x, right_w = LEFT + LEFT_COL, A4_W - RIGHT - LEFT - LEFT_COL
    left_centre = LEFT + LEFT_COL / 2
    y = TOP + 4.5
    lines = []
    for text, style in ((notice.parent_name, ""), (notice.body_name, "B")):
        pdf.set_font("serif", style, 12.5)
        lines += [(line, style) for line in _wrap(pdf, _nfc(text).upper(), LEFT_COL - 2)]
    for text, style in lines:
        _centred(pdf, LEFT, LEFT_COL, y, _nfc(text), style, 12.5)
        y += 5.5
    _rule(pdf, left_centre, y - 3.2, 24)
    _centred(pdf, right_x, right_w, TOP + 4.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12.5)
    motto = _centred(pdf, right_x, right_w, TOP + 10.0, "Độc lập - Tự do - Hạnh phúc", "B", 13)
    _rule(pdf, right_x + right_w / 2, TOP + 11.5, motto)
    row = max(y + 3.5, TOP + 19.0)
    # "Số:      /TB-UBND": the clerk's signature writes the number in the gap
    pdf.set_font("serif", "", 13)
    head, tail = "Số:", f"/TB-{notice.abbreviation or 'UBND'}"
    width = pdf.get_string_width(head + " ") + NUMBER_GAP + pdf.get_string_width(tail)
    x = left_centre - width / 2
    pdf.text(x, row, head)
    number_x = x + pdf.get_string_width(head + " ")
    pdf.text(number_x + NUMBER_GAP, row, tail)
    # "<place>, ngày    tháng    năm     ": the day, month and year are written at issue
    pdf.set_font("serif", "I", 13)
    parts = [(f"{notice.place_name}, ngày " if notice.place_name else "ngày ", DAY_GAP),
             (" tháng ", MONTH_GAP), (" năm ", YEAR_GAP)]
    width = sum(pdf.get_string_width(_nfc(t)) + gap for t, gap in parts)
    x = right_x + (right_w - width) / 2
    gaps = []
    for text, gap in parts:
        pdf.text(x, row, _nfc(text))
        x += pdf.get_string_width(_nfc(text))
        gaps.append(x)
        x += gap
    return {"row": row, "number": number_x, "day": gaps[0], "month": gaps[1], "year": gaps[2]}


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break a heading line into lines that fit its column (with the current font)."""
    head = "ỦY BAN NHÂN DÂN "
    if text.startswith(head):  # the body's kind on its own line, as bodies write it
        return [head.strip(), *_wrap(pdf, text[len(head):], width)]
    return _wrap_words(pdf, text, width)


def _wrap_words(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break ``text`` at spaces into lines that fit ``width`` (with the current font)."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _table(pdf: FPDF, widths: tuple[float, ...], aligns: str, rows: list[list[str]],
           size: float = 11, line_height: float = 5.5) -> None:
    """A bordered table from the left margin: the first row bold and repeated on a new page,
    each cell's lines centred in its row's height (as fpdf's table draws it).

    Drawn here with one width measure per word: fpdf's table laid every cell out twice with
    its general line breaking, a fifth of the notice's render.
    """
    pad = pdf.c_margin

    def row_of(cells: list[str], style: str) -> tuple[list[list[str]], float]:
        pdf.set_font("serif", style, size)
        lines = [_wrap_words(pdf, _nfc(text), w - 2 * pad) or [""]
                 for text, w in zip(cells, widths, strict=True)]
        return lines, max(len(cell) for cell in lines) * line_height

    def draw(lines: list[list[str]], height: float, style: str) -> None:
        pdf.set_font("serif", style, size)
        x, y = LEFT, pdf.get_y()
        for cell, w, align in zip(lines, widths, aligns, strict=True):
            pdf.rect(x, y, w, height)
            top = y + (height - len(cell) * line_height) / 2
            for n, line in enumerate(cell):
                at = x + (w - pdf.get_string_width(line)) / 2 if align == "C" else x + pad
                pdf.text(at, top + n * line_height + line_height / 2 + 0.3 * pdf.font_size,
                         line)
            x += w
        pdf.set_y(y + height)

    head = row_of(rows[0], "B")
    draw(*head, "B")
    for cells in rows[1:]:
        lines, height = row_of(cells, "")
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            draw(*head, "B")
        draw(lines, height, "")


def _paragraph(pdf: FPDF, text: str, style: str = "", size: float = 13) -> None:
    pdf.set_font("serif", style, size)
    pdf.set_x(LEFT)
    pdf.multi_cell(0, 6.5, _nfc(text), align="J", new_x="LMARGIN", new_y="NEXT")


def _html(pdf: FPDF, html: str) -> None:
    if not html:
        return
    pdf.set_font("serif", "", 13)
    pdf.set_x(LEFT)
    pdf.write_html(_nfc(html).replace("<p>", '<p align="justify">'), li_prefix_color=(0, 0, 0))


def _body(pdf: FPDF, notice: Notice) -> None:
    when = to_local(notice.meeting_start) if notice.meeting_start else None
    pdf.set_y(pdf.get_y() + 3)
    intro = "Ngày " + (f"{when:%d/%m/%Y}" if when else "…")
    if notice.meeting_place:
        intro += f", tại {notice.meeting_place}"
    intro += f", {notice.chaired_by} chủ trì cuộc họp {notice.meeting_title}."
    _paragraph(pdf, intro)
    if notice.attended_by:
        _paragraph(pdf, f"Tham dự cuộc họp có: {notice.attended_by}")
    _paragraph(pdf, "Sau khi nghe báo cáo và ý kiến của các đại biểu dự họp, đồng chí chủ trì "
                    "kết luận như sau:")
    for number, section in enumerate(notice.sections, start=1):
        pdf.set_y(pdf.get_y() + 1.5)
        _paragraph(pdf, f"{number}. {section.title}", "B")
        _html(pdf, section.html)
        for task in section.tasks:
            line = f"- {task.responsible} chủ trì"
            if task.cooperating:
                line += ", phối hợp với " + ", ".join(task.cooperating)
            line += f": {task.content}"
            if task.deadline:
                line += f" Thời hạn: {task.deadline}."
            _paragraph(pdf, line)
    pdf.set_y(pdf.get_y() + 1.5)
    _paragraph(pdf, f"{notice.body_name} thông báo để các cơ quan, đơn vị biết, thực hiện./.")


def _signature_block(pdf: FPDF, notice: Notice) -> tuple[int, tuple[float, ...]]:
    """"Nơi nhận" at the left, the signer block at the right; return the stamp's place."""
    need = 62.0
    if pdf.get_y() + need > A4_H - BOTTOM:
        pdf.add_page()
    top = pdf.get_y() + 4
    right_x, right_w = LEFT + 85.0, A4_W - RIGHT - LEFT - 85.0
    pdf.set_font("serif", "BI", 12)
    pdf.text(LEFT, top + 4, "Nơi nhận:")
    pdf.set_font("serif", "", 11)
    y = top + 9
    for unit in notice.recipients:
        pdf.text(LEFT, y, _nfc(f"- {unit};"))
        y += 4.8
    pdf.text(LEFT, y, _nfc(f"- Lưu: VT, {notice.archive_code}."))
    y_sign = top + 4
    for line in _position_lines(notice.signer_position):
        _centred(pdf, right_x, right_w, y_sign, line, "B", 13)
        y_sign += 5.5
    stamp_top = y_sign - 2
    name_y = stamp_top + 32
    _centred(pdf, right_x, right_w, name_y, _nfc(notice.signer_name), "B", 13)
    pdf.set_y(max(y, name_y) + 4)
    x1, y1 = _points(right_x + 5, stamp_top + 28)
    x2, y2 = _points(right_x + right_w - 5, stamp_top)
    return pdf.page_no() - 1, (x1, y1, x2, y2)


def _position_lines(position: str) -> list[str]:
    """TM. ỦY BAN NHÂN DÂN, then KT. CHỦ TỊCH / PHÓ CHỦ TỊCH for a vice-chair, else CHỦ TỊCH."""
    lines = ["TM. ỦY BAN NHÂN DÂN"]
    if "phó" in _nfc(position).lower():
        lines += ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    else:
        lines.append("CHỦ TỊCH")
    return lines


def _appendix(pdf: FPDF, notice: Notice) -> None:
    record = notice.record
    if record is None:
        return
    pdf.add_page()
    _centred(pdf, LEFT, pdf.epw, pdf.get_y() + 5, "PHỤ LỤC", "B", 13)
    _centred(pdf, LEFT, pdf.epw, pdf.get_y() + 11, "Điểm danh và kết quả biểu quyết", "B", 13)
    pdf.set_y(pdf.get_y() + 16)
    _paragraph(pdf, "I. Điểm danh", "B")
    if record.recorded:
        _paragraph(pdf, f"Có mặt {record.members_present}/{record.members_in_office} thành "
                        f"viên; cần tối thiểu {record.quorum_required} thành viên (hai phần ba "
                        "tổng số thành viên) để cuộc họp được tiến hành.")
    else:
        _paragraph(pdf, "Cuộc họp không ghi điểm danh trên hệ thống; thành phần tham dự theo "
                        "nội dung thông báo.", "I")
    rows = [["TT", "Họ và tên", "Vai trò", "Có mặt"]]
    for n, person in enumerate(record.attendees, start=1):
        here = {True: "Có mặt", False: "Vắng", None: "—"}[person.present]
        if person.deputy:
            here = f"Vắng, ủy quyền {person.deputy}"
        rows.append([str(n), person.name, person.role, here])
    _table(pdf, tuple(pdf.epw * w / 130 for w in (8, 50, 27, 45)), "CLLL", rows)
    pdf.set_y(pdf.get_y() + 4)
    _paragraph(pdf, "II. Kết quả biểu quyết", "B")
    if not record.polls:
        _paragraph(pdf, "Cuộc họp không biểu quyết trên hệ thống.", "I")
    for n, poll in enumerate(record.polls, start=1):
        _paragraph(pdf, f"{n}. {poll.question}", "B", 12)
        counts = "; ".join(f"{choice}: {count}"
                           for choice, count in zip(poll.choices, poll.counts, strict=False))
        _paragraph(pdf, f"Kết quả: {counts}. Nguyên tắc: {poll.rule}.", "", 12)
        _paragraph(pdf, poll.explanation, "I", 12)


def render_notice(notice: Notice) -> tuple[bytes, Layout]:
    """Return the notice as PDF/A-2b (PDF/A-3b when it embeds the meeting's record), and
    where its blanks and signature places are."""
    pdf = _new_pdf(f"Thông báo kết luận - {notice.meeting_title}",
                   part=3 if notice.record_json else 2)
    if notice.record_json:
        from ecabinet.conclusions.record_embed import RECORD_NAME

        made = dt.datetime.now(dt.UTC)  # PDF/A-3 (veraPDF) wants the Params' ModDate
        pdf.embed_file(bytes=notice.record_json, basename=RECORD_NAME,
                       mime_type="application/json", associated_file_relationship="Data",
                       modification_date=made, creation_date=made,
                       desc="Biên bản điện tử của cuộc họp (điểm danh, biểu quyết, mã biên "
                            "nhận, chuỗi băm)")
    pdf.add_page()
    gaps = _heading(pdf, notice)
    pdf.set_y(gaps["row"] + 10)
    _centred(pdf, LEFT, pdf.epw, pdf.get_y(), "THÔNG BÁO", "B", 14)
    pdf.set_font("serif", "B", 14)
    pdf.set_y(pdf.get_y() + 2)
    pdf.multi_cell(0, 6.5, _nfc(f"Kết luận của {notice.chaired_by} tại cuộc họp "
                                f"{notice.meeting_title}"), align="C", new_x="LMARGIN",
                   new_y="NEXT")
    _rule(pdf, LEFT + pdf.epw / 2, pdf.get_y() + 1.5, 40)
    pdf.set_y(pdf.get_y() + 4)
    _body(pdf, notice)
    signer_page, signer_box = _signature_block(pdf, notice)
    _appendix(pdf, notice)
    row = gaps["row"]
    x1, y1 = _points(LEFT, row + 3)
    x2, y2 = _points(A4_W - RIGHT, row - 7)
    layout = Layout(
        marks_box=(x1, y1, x2, y2),
        number_at=_relative(gaps["number"] + 1.5, row, x1, y1),
        day_at=_relative(gaps["day"] + 1.5, row, x1, y1),
        month_at=_relative(gaps["month"] + 1.5, row, x1, y1),
        year_at=_relative(gaps["year"] + 0.8, row, x1, y1),
        signer_page=signer_page, signer_box=signer_box, pages=pdf.pages_count)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue(), layout


def _relative(x_mm: float, baseline_mm: float, box_x: float, box_y: float):
    x, y = _points(x_mm, baseline_mm)
    return round(x - box_x, 2), round(y - box_y, 2)
