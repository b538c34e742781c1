"""The password rules: whole name parts, accent-folded; wording that fits admin and user."""

import pytest
from flask_babel import force_locale

from ecabinet.accounts import service
from ecabinet.accounts.errors import WeakPassword
from ecabinet.accounts.passwords import check_password_strength, name_parts, password_words
from ecabinet.accounts.service import UserData
from tests.conftest import csrf_token


def test_password_words_split_at_non_letters_and_case_changes():
    assert password_words("MatKhau@Manh2026") == ["mat", "khau", "manh"]
    assert password_words("xin-chàoĐồngChí9") == ["xin", "chao", "dong", "chi"]


def test_name_parts_keep_parts_of_three_letters_or_more_folded():
    assert name_parts("Nguyễn Văn Ánh") == {"nguyen", "van", "anh"}
    assert name_parts("Lê Thị Ý") == {"thi"}


@pytest.mark.parametrize("password", ["MatKhau@Manh2026", "Thanh-Xuan-2026", "Vanh@Nguyenx26",
                                      "anhtrang-2026x"])
def test_password_with_name_letters_inside_other_words_is_accepted(app, password):
    check_password_strength(password, username="anhnv", full_name="Nguyễn Văn Ánh")


@pytest.mark.parametrize("password", ["Anh@Thang2026", "NguyenVan@2026", "Mua-xuan-ANH-2026",
                                      "nguyễn-2026-thu", "Hoa@Vạn2026x"])
def test_password_with_a_whole_name_part_is_refused(app, password):
    with pytest.raises(WeakPassword) as caught:
        check_password_strength(password, username="anhnv", full_name="Nguyễn Văn Ánh")
    with force_locale("vi"):
        message = str(caught.value.message)
    assert "họ tên" in message and "bạn" not in message


def test_create_user_accepts_the_password_from_the_report(world):
    user = service.create_user(UserData("anhnv", "Nguyễn Văn Ánh"), "MatKhau@Manh2026",
                               actor=None)
    assert user.id


def test_admin_setting_a_weak_password_is_not_told_it_is_their_own_name(client, auth, world):
    auth.login("admin")
    member = world.users["member"]  # Phạm Quốc Bảo
    page = client.get(f"/admin/users/{member.id}").text
    assert "bạn" not in page.lower()
    response = client.post(f"/admin/users/{member.id}", data={
        "username": "member", "full_name": member.full_name, "position": "", "email": "",
        "phone": "", "unit_id": str(member.unit_id or ""), "roles": [],
        "password": "Bao@Quoc-2026", "csrf_token": csrf_token(client)})
    assert "Mật khẩu không được chứa một phần họ tên của người dùng" in response.text
    assert "bạn" not in response.text.lower()


def test_own_password_page_uses_the_administrative_form_of_address(client, auth, world):
    auth.login("member")
    page = client.get("/account/password").text
    assert "đồng chí" in page and "bạn" not in page.lower()
