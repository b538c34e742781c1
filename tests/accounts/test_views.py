"""Sign-in and account pages through the Flask test client."""

from sqlalchemy import select

from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db
from tests.conftest import DEMO_PASSWORD, csrf_token


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login").text
    assert "Đăng nhập" in page and 'lang="vi"' in page


def test_login_ok_redirects_home_and_shows_name(client, auth, world):
    response = auth.login("member")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Phạm Quốc Bảo" in client.get("/").text


def test_login_sets_httponly_samesite_cookie(client, auth, world):
    response = auth.login("member")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_gives_a_new_session(client, auth, world):
    client.get("/login")
    before = client.get_cookie("ecabinet_session").value
    auth.login("member")
    after = client.get_cookie("ecabinet_session").value
    assert before != after
    with client.session_transaction() as session:
        assert session.get("sid") and "csrf_token" not in session


def test_wrong_password_shows_message_in_vietnamese(client, auth, world):
    response = auth.login("member", "sai-mat-khau-1")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert client.get("/").status_code == 302


def test_sixth_failed_login_gets_429_with_message(client, auth, world):
    for _ in range(5):
        assert auth.login("member", "sai-mat-khau-1").status_code == 401
    response = auth.login("member", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("login.failed") == 5 and "login.throttled" in actions


def test_login_without_csrf_token_is_rejected(client, world):
    response = client.post("/login", data={"username": "member", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, world):
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "member", "password": DEMO_PASSWORD,
                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_role_restricted_page_is_403_for_member(client, auth, world):
    auth.login("member")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.text
    denied = db.session.execute(select(AuditEntry).where(AuditEntry.action == "access.denied"))
    assert denied.scalars().first().actor_name == "member"


def test_language_switch_is_saved_for_the_user(client, auth, world):
    auth.login("member")
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    assert "Upcoming meetings" in client.get("/").text
    auth.logout()
    auth.login("member")
    assert 'lang="en"' in client.get("/").text


def test_deactivated_user_is_signed_out_at_next_request(client, auth, world, app):
    auth.login("member")
    assert client.get("/").status_code == 200
    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": DEMO_PASSWORD,
                               "csrf_token": csrf_token(admin)})
    admin.post(f"/admin/users/{world.users['member'].id}/active",
               data={"active": "0", "csrf_token": csrf_token(admin)})
    assert client.get("/").status_code == 302


def test_change_password_checks_current_and_strength(client, auth, world):
    auth.login("member")
    form = {"current_password": "wrong-one-1", "new_password": "Hoa-Sen-Ha-Noi-7",
            "confirm": "Hoa-Sen-Ha-Noi-7", "csrf_token": csrf_token(client)}
    assert "Mật khẩu hiện tại không đúng" in client.post("/account/password", data=form).text
    form |= {"current_password": DEMO_PASSWORD, "new_password": "short1", "confirm": "short1"}
    assert "ít nhất 10 ký tự" in client.post("/account/password", data=form).text
    form |= {"new_password": "Hoa-Sen-Ha-Noi-7", "confirm": "Hoa-Sen-Ha-Noi-7"}
    assert client.post("/account/password", data=form).status_code == 302
    auth.logout()
    assert auth.login("member", "Hoa-Sen-Ha-Noi-7").status_code == 302


def test_logout_ends_the_session(client, auth, world):
    auth.login("member")
    with client.session_transaction() as session:
        saved = dict(session)
    auth.logout()
    assert client.get("/").status_code == 302
    with client.session_transaction() as session:  # replaying the old cookie does not work
        session.update(saved)
    assert client.get("/").status_code == 302


def test_admin_creates_a_user_and_bad_input_keeps_the_form(client, auth, world):
    auth.login("admin")
    province = world.units["province"].id
    form = {"username": "member", "full_name": "Đỗ Văn Mới", "unit_id": "0",
            "roles": [f"member@{province}"], "password": "Song-Lam-2025",
            "csrf_token": csrf_token(client)}
    page = client.post("/admin/users/new", data=form).text
    assert "đã có người dùng" in page and "Đỗ Văn Mới" in page  # kept in the form
    form["username"] = "dovanmoi"
    assert client.post("/admin/users/new", data=form).status_code == 302
    auth.logout()
    assert auth.login("dovanmoi", "Song-Lam-2025").status_code == 302


def test_admin_edits_unit_into_body(client, auth, world):
    auth.login("admin")
    unit = world.units["department"]
    form = {"name": unit.name, "code": unit.code, "kind": "department",
            "parent_id": str(world.units["province"].id), "is_body": "y",
            "csrf_token": csrf_token(client)}
    assert client.post(f"/admin/units/{unit.id}", data=form).status_code == 302
    db.session.refresh(unit)
    assert unit.is_body


def test_admin_edit_with_a_refused_password_saves_nothing(client, auth, world):
    """The name change and the weak password come in one form: refusing one keeps both out."""
    member = world.users["member"]
    old_name, old_hash = member.full_name, member.password_hash
    auth.login("admin")
    form = {"username": member.username, "full_name": "Lê Thị Đổi Tên", "unit_id": "0",
            "roles": [f"member@{world.units['province'].id}"], "password": "short1",
            "csrf_token": csrf_token(client)}
    page = client.post(f"/admin/users/{member.id}", data=form).text
    assert "ít nhất" in page and "Lê Thị Đổi Tên" in page  # said, and kept in the form
    db.session.expire_all()
    assert member.full_name == old_name and member.password_hash == old_hash
    form["password"] = "Song-Lam-2025"
    assert client.post(f"/admin/users/{member.id}", data=form).status_code == 302
    db.session.expire_all()
    assert member.full_name == "Lê Thị Đổi Tên" and member.password_hash != old_hash
