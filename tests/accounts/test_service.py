"""Account, unit and body rules, tested without HTTP."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ecabinet.accounts import service
from ecabinet.accounts.errors import (
    DuplicateUnitCode,
    DuplicateUsername,
    InvalidRole,
    InvalidUnitTree,
    WeakPassword,
)
from ecabinet.accounts.models import RoleKind, UnitKind, UserSession
from ecabinet.accounts.service import RoleGrant, UnitData, UserData
from ecabinet.accounts.sessions import start_session, user_for_session
from ecabinet.extensions import db
from tests.conftest import DEMO_PASSWORD


def test_create_user_stores_argon2_hash_not_password(world):
    user = service.create_user(UserData("nva", "Nguyễn Văn A"), "Mua-Xuan-2025", actor=None)
    assert user.password_hash.startswith("$argon2id$")
    assert "Mua-Xuan-2025" not in user.password_hash


def test_create_user_twice_refuses_duplicate_case_insensitively(world):
    with pytest.raises(DuplicateUsername):
        service.create_user(UserData("MEMBER", "Another"), DEMO_PASSWORD, actor=None)


@pytest.mark.parametrize("password, why", [
    ("Ab1", "at least"),
    ("onlyletterslong", "letters and digits"),
    ("1234567890123", "letters and digits"),
    ("xx-hoanganh-2025", "username"),
    ("Nguyen-2025-abc", "name"),
    ("matkhau@123", "common"),
])
def test_weak_password_is_refused_with_reason(world, password, why):
    with pytest.raises(WeakPassword) as caught:
        service.create_user(UserData("hoanganh", "Nguyễn Hoàng Anh"), password, actor=None)
    with force_locale("en"):
        assert why in str(caught.value.message)
    assert service.find_user("hoanganh") is None


def test_body_role_on_non_body_unit_is_refused(world):
    with pytest.raises(InvalidRole):
        service.create_user(UserData("x1", "Người Một"), "Song-Lam-2025",
                            [RoleGrant(RoleKind.SECRETARIAT, world.units["department"].id)],
                            actor=None)


def test_clerk_role_needs_a_unit(world):
    with pytest.raises(InvalidRole):
        service.create_user(UserData("x2", "Người Hai"), "Song-Lam-2025",
                            [RoleGrant(RoleKind.CLERK, None)], actor=None)


def test_user_may_hold_several_roles(world):
    chair = world.users["chair"]
    assert chair.has_role(RoleKind.CHAIR, world.units["province"].id)
    assert chair.has_role(RoleKind.MEMBER, world.units["province"].id)
    assert not chair.has_role(RoleKind.ADMIN)


def test_deactivate_user_ends_every_session(world):
    member = world.users["member"]
    tokens = [start_session(member), start_session(member)]
    db.session.commit()
    service.set_user_active(member, False, actor=world.users["admin"])
    assert all(user_for_session(str(member.id), t) is None for t in tokens)
    ended = db.session.execute(select(UserSession).where(UserSession.user_id == member.id))
    assert all(s.ended_at is not None for s in ended.scalars())


def test_set_password_keeps_only_the_current_session(world):
    member = world.users["member"]
    current, other = start_session(member), start_session(member)
    db.session.commit()
    service.set_password(member, "Mua-Thu-Ha-Noi-9", actor=member, keep_session=current)
    assert user_for_session(str(member.id), current) is member
    assert user_for_session(str(member.id), other) is None


def test_unit_cannot_move_under_its_own_child(world):
    province, ward = world.units["province"], world.units["ward"]
    data = UnitData(province.name, province.code, province.kind, parent_id=ward.id,
                    is_body=True)
    with pytest.raises(InvalidUnitTree):
        service.update_unit(province, data, actor=None)
    db.session.refresh(province)
    assert province.parent_id is None


def test_unit_code_is_unique(world):
    with pytest.raises(DuplicateUnitCode):
        service.create_unit(UnitData("Khác", "SO-TC", UnitKind.DEPARTMENT), actor=None)


def test_body_with_members_cannot_stop_being_a_body(world):
    province = world.units["province"]
    data = UnitData(province.name, province.code, province.kind, is_body=False)
    with pytest.raises(InvalidUnitTree):
        service.update_unit(province, data, actor=None)


def test_unit_tree_lists_parents_before_children(world):
    tree = service.unit_tree(service.list_units())
    depth_of = {unit.code: depth for depth, unit in tree}
    order = [unit.code for _depth, unit in tree]
    assert depth_of == {"ubnd-tn": 0, "ubnd-p1": 1, "so-tc": 1}
    assert order[0] == "ubnd-tn"
    assert order.index("ubnd-p1") < order.index("so-tc")  # bodies first among siblings
