"""Demo data: a province, six of its departments, two wards, 25 people and three meetings."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind, Unit, UnitKind, User
from ecabinet.accounts.passwords import hash_password
from ecabinet.accounts.service import RoleGrant, UnitData, UserData
from ecabinet.core.timeutil import LOCAL_ZONE, utcnow
from ecabinet.demo import documents as demo_documents
from ecabinet.documents import service as documents
from ecabinet.documents.service import UploadedFile
from ecabinet.extensions import db
from ecabinet.meetings import agenda
from ecabinet.meetings import service as meetings
from ecabinet.meetings.models import MeetingKind, MeetingStatus
from ecabinet.meetings.service import Attendance, MeetingData

S, M, C, K, A = (RoleKind.SECRETARIAT, RoleKind.MEMBER, RoleKind.CHAIR, RoleKind.CLERK,
                 RoleKind.ADMIN)

UNITS = [
    # code, name, short name, kind, parent code, is body, place, abbreviation
    ("ubnd-ht", "Ủy ban nhân dân tỉnh Hà Tĩnh", "UBND tỉnh", UnitKind.PROVINCE, None, True,
     "Hà Tĩnh", "UBND"),
    ("vp-ubnd", "Văn phòng UBND tỉnh", "VP UBND tỉnh", UnitKind.OFFICE, "ubnd-ht", False, "", ""),
    ("so-tc", "Sở Tài chính", "STC", UnitKind.DEPARTMENT, "ubnd-ht", False, "", ""),
    ("so-nv", "Sở Nội vụ", "SNV", UnitKind.DEPARTMENT, "ubnd-ht", False, "", ""),
    ("so-xd", "Sở Xây dựng", "SXD", UnitKind.DEPARTMENT, "ubnd-ht", False, "", ""),
    ("so-yt", "Sở Y tế", "SYT", UnitKind.DEPARTMENT, "ubnd-ht", False, "", ""),
    ("so-gddt", "Sở Giáo dục và Đào tạo", "SGDĐT", UnitKind.DEPARTMENT, "ubnd-ht", False, "", ""),
    ("so-nnmt", "Sở Nông nghiệp và Môi trường", "SNNMT", UnitKind.DEPARTMENT, "ubnd-ht", False,
     "", ""),
    ("ubnd-ts", "Ủy ban nhân dân phường Thành Sen", "UBND phường Thành Sen", UnitKind.WARD,
     "ubnd-ht", True, "Thành Sen", "UBND"),
    ("ubnd-tp", "Ủy ban nhân dân phường Trần Phú", "UBND phường Trần Phú", UnitKind.WARD,
     "ubnd-ht", True, "Trần Phú", "UBND"),
    ("vp-ts", "Văn phòng HĐND và UBND phường Thành Sen", "VP phường Thành Sen", UnitKind.OFFICE,
     "ubnd-ts", False, "", ""),
]

# username, full name, position, unit code, [(role, unit code)]
PEOPLE = [
    ("admin", "Quản trị hệ thống", "Kỹ sư CNTT", "vp-ubnd", [(A, None)]),
    ("thuky", "Trần Thị Thu Hà", "Chuyên viên Văn phòng UBND tỉnh", "vp-ubnd",
     [(S, "ubnd-ht")]),
    ("chutich", "Nguyễn Văn Hùng", "Chủ tịch UBND tỉnh", "ubnd-ht",
     [(C, "ubnd-ht"), (M, "ubnd-ht")]),
    ("phochutich", "Lê Thị Minh Châu", "Phó Chủ tịch UBND tỉnh", "ubnd-ht",
     [(C, "ubnd-ht"), (M, "ubnd-ht")]),
    ("daibieu01", "Phạm Quốc Bảo", "Giám đốc Sở Tài chính", "so-tc", [(M, "ubnd-ht")]),
    ("daibieu02", "Hoàng Thị Lan", "Giám đốc Sở Nội vụ", "so-nv", [(M, "ubnd-ht")]),
    ("daibieu03", "Võ Đức Thắng", "Giám đốc Sở Xây dựng", "so-xd", [(M, "ubnd-ht")]),
    ("daibieu04", "Đặng Thị Hồng Nhung", "Giám đốc Sở Y tế", "so-yt", [(M, "ubnd-ht")]),
    ("daibieu05", "Bùi Văn Khánh", "Giám đốc Sở Giáo dục và Đào tạo", "so-gddt",
     [(M, "ubnd-ht")]),
    ("daibieu06", "Ngô Thị Thanh Thủy", "Giám đốc Sở Nông nghiệp và Môi trường", "so-nnmt",
     [(M, "ubnd-ht")]),
    ("daibieu07", "Dương Minh Tuấn", "Chánh Văn phòng UBND tỉnh", "vp-ubnd", [(M, "ubnd-ht")]),
    ("daibieu08", "Trịnh Văn Phúc", "Phó Giám đốc Sở Tài chính", "so-tc", []),
    ("daibieu09", "Lý Thị Ngọc Ánh", "Phó Giám đốc Sở Y tế", "so-yt", []),
    ("daibieu10", "Đỗ Thành Long", "Phó Giám đốc Sở Xây dựng", "so-xd", []),
    ("daibieu11", "Cao Thị Mai", "Chủ tịch UBND phường Thành Sen", "ubnd-ts",
     [(M, "ubnd-ts"), (C, "ubnd-ts")]),
    ("daibieu12", "Hồ Sỹ Nam", "Chủ tịch UBND phường Trần Phú", "ubnd-tp",
     [(M, "ubnd-tp"), (C, "ubnd-tp")]),
    ("vanthu01", "Nguyễn Thị Hạnh", "Văn thư Văn phòng UBND tỉnh", "vp-ubnd",
     [(K, "ubnd-ht"), (K, "vp-ubnd")]),
    ("vanthu02", "Phan Văn Tài", "Văn thư Sở Tài chính", "so-tc", [(K, "so-tc")]),
    ("vanthu03", "Mai Thị Thu", "Văn thư phường Thành Sen", "vp-ts", [(K, "ubnd-ts")]),
    ("vanthu04", "Trương Văn Sơn", "Văn thư phường Trần Phú", "ubnd-tp", [(K, "ubnd-tp")]),
    ("thukyphuong", "Lê Thị Yến", "Công chức Văn phòng phường Thành Sen", "vp-ts",
     [(S, "ubnd-ts")]),
    ("thukyphuong2", "Vũ Văn Định", "Công chức Văn phòng phường Trần Phú", "ubnd-tp",
     [(S, "ubnd-tp")]),
    ("thanhvien01", "Nguyễn Thị Bích", "Phó Chủ tịch UBND phường Thành Sen", "ubnd-ts",
     [(M, "ubnd-ts")]),
    ("thanhvien02", "Trần Văn Lộc", "Phó Chủ tịch UBND phường Thành Sen", "ubnd-ts",
     [(M, "ubnd-ts")]),
    ("thanhvien03", "Phạm Thị Hoa", "Phó Chủ tịch UBND phường Trần Phú", "ubnd-tp",
     [(M, "ubnd-tp")]),
]

DEMO_USERNAMES = [p[0] for p in PEOPLE]


def database_is_empty() -> bool:
    counts = (db.session.execute(select(func.count()).select_from(model)).scalar_one()
              for model in (User, Unit))
    return not any(counts)


def has_demo_accounts() -> bool:
    return db.session.execute(
        select(func.count()).where(User.username.in_(["thuky", "chutich", "admin"]))
    ).scalar_one() == 3


def _local(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    day = (utcnow().astimezone(LOCAL_ZONE) + timedelta(days=days_ahead)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_ZONE)


def load(password: str) -> None:
    """Create the demo; one password hash serves every account, so loading takes a second."""
    units: dict[str, Unit] = {}
    for code, name, short, kind, parent, is_body, place, abbr in UNITS:
        units[code] = accounts.create_unit(UnitData(
            name=name, code=code, kind=kind, short_name=short, is_body=is_body,
            parent_id=units[parent].id if parent else None, place_name=place,
            abbreviation=abbr), actor=None)
    shared_hash = hash_password(password)
    users: dict[str, User] = {}
    for username, full_name, position, unit_code, roles in PEOPLE:
        grants = [RoleGrant(role, units[code].id if code else None) for role, code in roles]
        users[username] = accounts.create_user(
            UserData(username=username, full_name=full_name, position=position,
                     unit_id=units[unit_code].id, email=f"{username}@hatinh.example.vn"),
            password, grants, actor=None, password_hash=shared_hash)
    _load_meetings(units, users)


def _load_meetings(units: dict[str, Unit], users: dict[str, User]) -> None:
    province_members = [f"daibieu{n:02d}" for n in range(1, 8)]

    def people(chair: str, secretary: str, delegates: list[str], guests: list[str] = (),
               invited: list[str] = ()) -> Attendance:
        return Attendance(chair_id=users[chair].id, secretary_id=users[secretary].id,
                          delegate_ids=tuple(users[u].id for u in delegates),
                          guest_ids=tuple(users[u].id for u in guests),
                          unit_ids=tuple(units[code].id for code in invited))

    regular = meetings.create_meeting(MeetingData(
        body_id=units["ubnd-ht"].id, title="Phiên họp thường kỳ tháng 12 năm 2026",
        kind=MeetingKind.REGULAR, starts_at=_local(3, 8), ends_at=_local(3, 11, 30),
        place="Phòng họp số 1, Trụ sở UBND tỉnh",
        description="Kinh tế - xã hội tháng 11, dự toán ngân sách năm 2027."),
        people("chutich", "thuky", ["phochutich", *province_members], ["daibieu08"],
               ["so-tc", "so-nv"]),
        actor=None, status=MeetingStatus.PUBLISHED)
    thematic = meetings.create_meeting(MeetingData(
        body_id=units["ubnd-ht"].id, title="Phiên họp chuyên đề về đầu tư công",
        kind=MeetingKind.THEMATIC, starts_at=_local(10, 14), ends_at=_local(10, 17),
        place="Phòng họp trực tuyến", description="Giải ngân vốn đầu tư công năm 2026."),
        people("phochutich", "thuky", ["chutich", "daibieu01", "daibieu03", "daibieu07"],
               ["daibieu10"]),
        actor=None, status=MeetingStatus.DRAFT)
    ward = meetings.create_meeting(MeetingData(
        body_id=units["ubnd-ts"].id, title="Phiên họp UBND phường Thành Sen tháng 12",
        kind=MeetingKind.REGULAR, starts_at=_local(5, 8), ends_at=_local(5, 10),
        place="Hội trường UBND phường Thành Sen"),
        people("daibieu11", "thukyphuong", ["thanhvien01", "thanhvien02"]),
        actor=None, status=MeetingStatus.PUBLISHED)
    _add_agenda(regular, [
        ("Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2026", 40, "so-tc", False),
        ("Dự toán ngân sách địa phương năm 2027", 45, "so-tc", True),
        ("Đề án sắp xếp đơn vị sự nghiệp công lập", 30, "so-nv", True),
        ("Kế hoạch phòng, chống dịch bệnh mùa đông - xuân", 20, "so-yt", False),
    ], units)
    _add_agenda(thematic, [
        ("Tình hình giải ngân vốn đầu tư công 11 tháng", 60, "so-tc", False),
        ("Điều chỉnh kế hoạch đầu tư công trung hạn", 60, "so-xd", True),
    ], units)
    _add_agenda(ward, [
        ("Báo cáo công tác tháng 11 của phường", 30, None, False),
        ("Kế hoạch chỉnh trang đô thị dịp Tết", 40, None, True),
    ], units)
    if demo_documents.font_available():
        _add_documents(regular, users["thuky"])
        _add_documents(thematic, users["thuky"])
        _add_documents(ward, users["thukyphuong"])


def _add_documents(meeting, secretary: User) -> None:
    """One document per agenda item (the first a long one), through the real upload path."""
    for index, item in enumerate(meeting.agenda):
        sections = ["Tình hình thực hiện", "Kết quả đạt được", "Tồn tại, hạn chế",
                    "Nhiệm vụ, giải pháp", "Kiến nghị, đề xuất"]
        pdf = demo_documents.make_pdf(item.title, sections, pages_per_section=6 if index == 0
                                      else 1)
        documents.upload_documents(meeting, [UploadedFile(f"{item.title}.pdf", pdf)],
                                   actor=secretary, agenda_item_id=item.id,
                                   for_units=index == 0)


def _add_agenda(meeting, items, units) -> None:
    for title, minutes, unit_code, vote in items:
        agenda.add_item(meeting, agenda.ItemData(
            title, minutes, presenter_unit_id=units[unit_code].id if unit_code else None,
            needs_vote=vote), actor=None)


def logins_text(password: str) -> str:
    lines = ["", "Demo accounts (password for all: " + password + "):"]
    for username, full_name, position, _unit, _roles in PEOPLE:
        lines.append(f"  {username:<13} {full_name} — {position}")
    return "\n".join(lines) + "\n"
