"""The record of a meeting's votes as an A4 PDF for the file: who voted what in a named
vote, the receipt codes of a secret one, and each result with the rule that applied.

Set like an administrative document (Decree 30/2020: Times New Roman metrics, 13-14 pt,
margins 20-25 mm top and bottom, 30-35 mm left, 15-20 mm right), in Liberation Serif 2
when installed (Times New Roman's metrics), otherwise Noto Serif; both carry every
Vietnamese glyph and are embedded.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from ecabinet.accounts import service as accounts
from ecabinet.core.collation import sort_key
from ecabinet.core.timeutil import to_local
from ecabinet.meetings.models import Meeting
from ecabinet.voting import service as voting
from ecabinet.voting.models import Poll, PollKind, PollStatus

FONT_FILES = (  # Liberation 2 (Debian fonts-liberation2): version 1 lacks Vietnamese glyphs
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"),
)
RULE_WORDS = {
    "half_members": "quá nửa tổng số thành viên",
    "two_thirds": "từ hai phần ba tổng số thành viên trở lên",
    "half_present": "quá nửa số thành viên có mặt",
}


def _font(pdf: FPDF) -> None:
    for regular, bold in FONT_FILES:
        if Path(regular).is_file():
            pdf.add_font("serif", fname=regular)
            pdf.add_font("serif", style="B", fname=bold if Path(bold).is_file() else regular)
            return
    raise RuntimeError("No serif font with Vietnamese glyphs is installed "
                       "(Debian: fonts-liberation2 or fonts-noto-core).")


def _when(moment) -> str:
    local = to_local(moment)
    return f"{local:%H giờ %M}, ngày {local:%d/%m/%Y}"


def votes_pdf(meeting: Meeting, polls: list[Poll]) -> bytes:
    """One section per closed poll, oldest first; the document is in Vietnamese, like the
    minutes it goes with."""
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    _font(pdf)
    pdf.set_title(f"Kết quả biểu quyết - {meeting.title}")
    pdf.set_creator("eCabinet")
    pdf.add_page()
    _heading(pdf, meeting)
    closed = [p for p in polls if p.status == PollStatus.CLOSED]
    if not closed:
        pdf.set_font("serif", size=13)
        pdf.multi_cell(0, 7, "Cuộc họp chưa có nội dung biểu quyết nào đã kết thúc.",
                       new_x="LMARGIN", new_y="NEXT")
    for number, poll in enumerate(sorted(closed, key=lambda p: p.id), start=1):
        _poll_section(pdf, meeting, poll, number)
    return bytes(pdf.output())


def _heading(pdf: FPDF, meeting: Meeting) -> None:
    body = meeting.body
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    left, right = usable * 0.4, usable * 0.6  # the two heading columns of Decree 30
    top = pdf.get_y()
    pdf.set_font("serif", size=12)
    if body.parent:
        pdf.multi_cell(left, 6, body.parent.name.upper(), align="C", new_x="LEFT",
                       new_y="NEXT")
    pdf.set_font("serif", "B", 12)
    pdf.multi_cell(left, 6, body.name.upper(), align="C", new_x="LEFT", new_y="NEXT")
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.multi_cell(right, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C",
                   new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(right, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LEFT",
                   new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()) + 8)
    pdf.set_font("serif", "B", 14)
    pdf.multi_cell(0, 7, "KẾT QUẢ BIỂU QUYẾT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=13)
    pdf.multi_cell(0, 7, f"{meeting.title}\n{_when(meeting.starts_at)}"
                   + (f", {meeting.place}" if meeting.place else ""),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _poll_section(pdf: FPDF, meeting: Meeting, poll: Poll, number: int) -> None:
    choices = voting.poll_choices(poll)
    result = voting.stored_result(poll)
    secret = poll.kind == PollKind.SECRET
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(0, 7, f"{number}. {poll.question}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=13)
    facts = [
        "Hình thức: " + ("bỏ phiếu kín" if secret else "biểu quyết công khai, ghi tên"),
        f"Nguyên tắc: {RULE_WORDS.get(poll.majority.value, poll.majority.value)}",
        f"Mở: {_when(poll.opened_at)}; kết thúc: {_when(poll.closed_at)}"
        if poll.closed_at else f"Mở: {_when(poll.opened_at)}",
        f"Thành viên: {poll.members_in_office}; có mặt khi mở: {poll.present_at_open}; "
        f"số phiếu: {result.get('cast', 0)}",
    ]
    if poll.quorum_overridden:
        facts.append("Chủ tọa cho mở biểu quyết khi chưa đủ số thành viên dự họp.")
    pdf.multi_cell(0, 7, "\n".join(facts), new_x="LMARGIN", new_y="NEXT")
    counts = result.get("counts") or [0] * len(choices)
    pdf.multi_cell(0, 7, "; ".join(f"{label}: {count}" for label, count in zip(choices, counts,
                                                                             strict=False)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(0, 7, result.get("explanation", ""), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("serif", size=11)
    if secret:
        _receipts_table(pdf, poll)
    else:
        _named_table(pdf, meeting, poll, choices)
    pdf.set_font("serif", size=9)
    pdf.multi_cell(0, 5, f"Mã kiểm tra chuỗi phiếu (SHA-256): {poll.chain_head}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _named_table(pdf: FPDF, meeting: Meeting, poll: Poll, choices: list[str]) -> None:
    ballots = voting.named_ballots(poll)
    people = accounts.get_users(ballots)
    rows = sorted(((people[uid].full_name, people[uid].position, picked, receipt)
                   for uid, (picked, receipt) in ballots.items() if uid in people),
                  key=lambda row: sort_key(row[0]))
    with pdf.table(col_widths=(10, 52, 38, 37, 28), headings_style=FontFace(emphasis="B"),
                   line_height=6) as table:
        table.row(("STT", "Họ và tên", "Chức vụ", "Lựa chọn", "Mã phiếu"))
        for index, (name, position, picked, receipt) in enumerate(rows, start=1):
            table.row((str(index), name, position or "", ", ".join(choices[c] for c in picked),
                       receipt))
    voted = set(ballots)
    absent = [p.user.full_name for p in meeting.participants
              if p.user_id not in voted and voting.may_vote(p.role)]
    if absent:
        pdf.set_font("serif", size=11)
        pdf.multi_cell(0, 6, "Không bỏ phiếu: " + ", ".join(sorted(absent, key=sort_key)),
                       new_x="LMARGIN", new_y="NEXT")


def _receipts_table(pdf: FPDF, poll: Poll) -> None:
    pdf.multi_cell(0, 6, "Phiếu kín: danh sách chỉ gồm mã phiếu, không ghi tên người bỏ phiếu "
                         "và không ghi lựa chọn.", new_x="LMARGIN", new_y="NEXT")
    codes = [receipt for receipt, _choices in voting.published_receipts(poll)]
    with pdf.table(col_widths=(1, 1, 1, 1), first_row_as_headings=False,
                   line_height=6) as table:
        for start in range(0, len(codes), 4):
            table.row(tuple(codes[start:start + 4]) + ("",) * (4 - len(codes[start:start + 4])))
