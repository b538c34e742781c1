"""Admin pages: users, units and bodies. Each view loads, authorises, calls the service."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts import service
from ecabinet.accounts.errors import AccountError
from ecabinet.accounts.forms import ConfirmForm, UnitForm, UserForm, choices
from ecabinet.accounts.labels import ROLE_LABELS, UNIT_KIND_LABELS
from ecabinet.accounts.models import BODY_ROLES, RoleKind, Unit, UnitKind, User
from ecabinet.accounts.permissions import can_manage_accounts, can_manage_units
from ecabinet.accounts.service import RoleGrant, UnitData, UserData
from ecabinet.core.permissions import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _role_choices(units: list[Unit]) -> list[tuple[str, str]]:
    """Offer each role with each unit it fits: body roles on bodies, clerk on any unit."""
    choices = [(RoleKind.ADMIN.value, str(ROLE_LABELS[RoleKind.ADMIN]))]
    for unit in units:
        kinds = [*sorted(BODY_ROLES), RoleKind.CLERK] if unit.is_body else [RoleKind.CLERK]
        choices += [(f"{kind.value}@{unit.id}", f"{ROLE_LABELS[kind]} — {unit.name}")
                    for kind in kinds]
    return choices


def _parse_grants(values: list[str]) -> list[RoleGrant]:
    grants = []
    for value in values:
        role, _sep, unit = value.partition("@")
        grants.append(RoleGrant(RoleKind(role), int(unit) if unit else None))
    return grants


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    units = service.list_units(active_only=True)
    form.unit_id.choices = choices([(0, _("— none —"))] + [(u.id, u.name) for u in units])
    form.roles.choices = choices(_role_choices(units))
    if user is not None and request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.roles.data = [f"{r.role.value}@{r.unit_id}" if r.unit_id else r.role.value
                           for r in user.roles]
    return form


def _user_data(form: UserForm) -> UserData:
    return UserData(username=form.username.data, full_name=form.full_name.data.strip(),
                    email=form.email.data or "", phone=form.phone.data or "",
                    position=form.position.data or "", unit_id=form.unit_id.data or None)


@bp.get("/users")
@require(can_manage_accounts)
def users():
    search = request.args.get("q", "")
    return render_template("admin/users.html", users=service.list_users(search=search),
                           search=search, role_labels=ROLE_LABELS, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@require(can_manage_accounts)
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Set a first password for the new account."))
        else:
            try:
                user = service.create_user(_user_data(form), form.password.data,
                                           _parse_grants(form.roles.data), actor=current_user)
            except AccountError as error:
                flash(str(error.message), "error")
            else:
                flash(_("Account %(name)s created.", name=user.username), "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(can_manage_accounts)
def user_edit(user_id: int):
    user = service.get_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            service.update_user(user, _user_data(form), _parse_grants(form.roles.data),
                                actor=current_user, password=form.password.data or None)
        except AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/active")
@require(can_manage_accounts)
def user_set_active(user_id: int):
    user = service.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        if not active and user.id == current_user.id:
            flash(_("You cannot deactivate your own account."), "error")
        else:
            service.set_user_active(user, active, actor=current_user)
            flash(_("Account %(name)s activated.", name=user.username) if active else
                  _("Account %(name)s deactivated; its sessions were ended.",
                    name=user.username), "success")
    return redirect(url_for("admin.users"))


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    others = [u for u in service.list_units() if unit is None or u.id != unit.id]
    form.parent_id.choices = choices([(0, _("— none (top level) —"))]
                                     + [(u.id, u.name) for u in others])
    if unit is not None and request.method == "GET":
        form.parent_id.data = unit.parent_id or 0
        form.kind.data = unit.kind.value
    return form


def _unit_data(form: UnitForm) -> UnitData:
    return UnitData(name=form.name.data.strip(), code=form.code.data.strip(),
                    kind=UnitKind(form.kind.data), parent_id=form.parent_id.data or None,
                    is_body=form.is_body.data, short_name=form.short_name.data or "",
                    place_name=form.place_name.data or "",
                    abbreviation=form.abbreviation.data or "", email=form.email.data or "")


@bp.get("/units")
@require(can_manage_units)
def units():
    bodies_only = request.args.get("bodies") == "1"
    tree = service.unit_tree(service.list_units(bodies_only=bodies_only))
    return render_template("admin/units.html", tree=tree, bodies_only=bodies_only,
                           kind_labels=UNIT_KIND_LABELS, confirm=ConfirmForm())


@bp.route("/units/new", methods=["GET", "POST"])
@require(can_manage_units)
def unit_new():
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = service.create_unit(_unit_data(form), actor=current_user)
        except AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@require(can_manage_units)
def unit_edit(unit_id: int):
    unit = service.get_unit(unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            service.update_unit(unit, _unit_data(form), actor=current_user)
        except AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.post("/units/<int:unit_id>/active")
@require(can_manage_units)
def unit_set_active(unit_id: int):
    unit = service.get_unit(unit_id)
    if ConfirmForm().validate_on_submit():
        service.set_unit_active(unit, request.form.get("active") == "1", actor=current_user)
        flash(_("Unit %(name)s saved.", name=unit.name), "success")
    return redirect(url_for("admin.units"))
