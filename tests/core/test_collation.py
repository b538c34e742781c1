"""Vietnamese alphabetical order: in Python, and in the database of the pass (SQLite or
PostgreSQL), where long lists of people and units are sorted."""

from ecabinet.accounts import service
from ecabinet.accounts.models import UnitKind
from ecabinet.accounts.service import UnitData, UserData
from ecabinet.core.collation import sort_key
from tests.conftest import DEMO_PASSWORD

# Đ after D, Ă and Â after A, Ư after U; a tone breaks ties only after the letters.
VIETNAMESE_ORDER = ["Anh", "Ánh", "Ăn", "Ân", "Dương", "Đặng", "Ngô", "Nguyễn", "Phạm",
                    "Phan", "Uông", "Ưng"]


def test_python_sort_key_orders_vietnamese_letters_and_tones():
    shuffled = ["Ưng", "Đặng", "Nguyễn", "Phan", "Ân", "Anh", "Uông", "Ngô", "Dương", "Ăn",
                "Phạm", "Ánh"]
    assert sorted(shuffled, key=sort_key) == VIETNAMESE_ORDER
    assert sorted(shuffled) != VIETNAMESE_ORDER  # what a code-point sort would give


def test_users_come_from_the_database_in_vietnamese_order(world):
    names = {"Đặng Văn Hải": "dvh", "Dương Thị Lan": "dtl", "Nguyễn Văn An": "nva",
             "Ngô Quang Minh": "nqm", "Ưng Hoàng Phúc": "uhp", "Uông Văn Tú": "uvt"}
    for full_name, username in names.items():
        service.create_user(UserData(username, full_name), DEMO_PASSWORD, actor=None)
    listed = [u.full_name for u in service.list_users() if u.username in names.values()]
    assert listed == ["Dương Thị Lan", "Đặng Văn Hải", "Ngô Quang Minh", "Nguyễn Văn An",
                      "Uông Văn Tú", "Ưng Hoàng Phúc"]


def test_units_come_from_the_database_in_vietnamese_order(world):
    for code, name in [("x-dd", "Đội Đông"), ("x-dt", "Dân tộc"), ("x-uu", "Ưu tiên"),
                       ("x-ut", "Uỷ thác")]:
        service.create_unit(UnitData(name=name, code=code, kind=UnitKind.OTHER), actor=None)
    listed = [u.name for u in service.list_units() if u.code.startswith("x-")]
    assert listed == ["Dân tộc", "Đội Đông", "Uỷ thác", "Ưu tiên"]


def test_user_search_ignores_tones_and_case(world):
    service.create_user(UserData("nguyenthuy", "Nguyễn Thị Thuỷ"), DEMO_PASSWORD, actor=None)
    service.create_user(UserData("ngothuy", "Ngô Thuý Hằng"), DEMO_PASSWORD, actor=None)
    assert [u.username for u in service.list_users(search="nguyen thuy")] == ["nguyenthuy"]
    assert {u.username for u in service.list_users(search="THUY")} >= {"nguyenthuy", "ngothuy"}
    assert [u.username for u in service.list_users(search="hằng")] == ["ngothuy"]
