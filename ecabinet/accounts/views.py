"""Sign-in, sign-out, own password and language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ecabinet.accounts import service, signin
from ecabinet.accounts.auth import SESSION_TOKEN_KEY
from ecabinet.accounts.errors import AccountError, TooManyAttempts
from ecabinet.accounts.forms import ChangePasswordForm, LanguageForm, LoginForm
from ecabinet.accounts.passwords import verify_password
from ecabinet.accounts.sessions import end_session
from ecabinet.audit import service as audit
from ecabinet.core.security import safe_next_path
from ecabinet.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site, never to another host (login and language)."""
    return safe_next_path(target) or url_for("meetings.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("meetings.home"))
    form, status = LoginForm(), 200
    if form.validate_on_submit():
        try:
            user, token = signin.sign_in(form.username.data, form.password.data,
                                         ip=request.remote_addr or "",
                                         user_agent=request.user_agent.string)
        except AccountError as error:
            flash(str(error.message), "error")
            status = 429 if isinstance(error, TooManyAttempts) else 401
        else:
            locale = session.get("locale")
            session.clear()  # a new session at sign-in: nothing from before carries over
            session[SESSION_TOKEN_KEY] = token
            session.permanent = True
            login_user(user)
            if locale and locale != user.locale:
                service.set_locale(user, locale)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_session(session.get(SESSION_TOKEN_KEY))
    audit.record("logout", actor=current_user, object_type="user", object_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                service.set_password(current_user, form.new_password.data, actor=current_user,
                                     keep_session=session.get(SESSION_TOKEN_KEY))
            except AccountError as error:
                form.new_password.errors.append(str(error.message))
            else:
                flash(_("Your password was changed; your other devices were signed out."),
                      "success")
                return redirect(url_for("meetings.home"))
    return render_template("accounts/password.html", form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            service.set_locale(current_user, form.language.data)
    return redirect(_safe_next(request.form.get("next")))
