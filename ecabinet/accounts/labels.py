"""Words people read for roles, kinds of unit and the account actions in the audit log."""

from flask_babel import lazy_gettext as _l

from ecabinet.accounts.models import RoleKind, UnitKind
from ecabinet.audit.labels import register_actions, register_objects

ROLE_LABELS = {
    RoleKind.ADMIN: _l("Administrator"),
    RoleKind.SECRETARIAT: _l("Secretariat"),
    RoleKind.MEMBER: _l("Member"),
    RoleKind.CHAIR: _l("Chair"),
    RoleKind.CLERK: _l("Clerk"),
}

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: _l("Province or centrally run city"),
    UnitKind.COMMUNE: _l("Commune"),
    UnitKind.WARD: _l("Ward"),
    UnitKind.SPECIAL_ZONE: _l("Special zone"),
    UnitKind.DEPARTMENT: _l("Department or agency"),
    UnitKind.OFFICE: _l("Office"),
    UnitKind.OTHER: _l("Other unit"),
}


def unit_kind_label(kind: UnitKind) -> str:
    return str(UNIT_KIND_LABELS[kind])


register_actions({
    "login.ok": _l("Signed in"),
    "login.failed": _l("Sign-in with a wrong password"),
    "login.throttled": _l("Sign-in refused after repeated failures"),
    "login.slowed": _l("Sign-in slowed after repeated failures"),
    "logout": _l("Signed out"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.activated": _l("Account activated"),
    "user.deactivated": _l("Account deactivated"),
    "user.password_set": _l("Password set"),
    "unit.created": _l("Unit created"),
    "unit.updated": _l("Unit changed"),
    "unit.activated": _l("Unit activated"),
    "unit.deactivated": _l("Unit deactivated"),
})
register_objects({"user": _l("Account"), "unit": _l("Unit")})
