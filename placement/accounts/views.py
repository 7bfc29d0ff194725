"""User management for administrators and youth coordinators; invitations, password resets and one's own
password and sessions for everyone."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from placement.accounts import services
from placement.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    EndSessionForm,
    ForgotPasswordForm,
    SetPasswordForm,
    UserFilterForm,
    UserForm,
    password_message,
)
from placement.accounts.models import AccountLink, LinkPurpose
from placement.audit.services import set_actor
from placement.auth.access import EVERYONE, roles_required
from placement.auth.models import Partnership, Role, User, UserSession
from placement.auth.views import login_budget, refund_login_budget
from placement.database import utcnow
from placement.extensions import db, limiter

bp = Blueprint("accounts", __name__)

#: Who manages users: administrators all, youth coordinators their own partnership's.
USER_MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})


# --- managing users ------------------------------------------------------------------------------------------------

def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not services.may_manage(current_user, user):
        abort(404)
    return user


def _prepare(form: UserForm, user: User | None = None) -> None:
    """Fill the choices the acting user may pick from (the service refuses anything else)."""
    from placement.network.models import Company, Mentor

    roles = services.grantable_roles(current_user)
    if user is not None and user.role not in roles:
        roles.insert(0, user.role)
    form.role.choices = [SelectChoice(role.value, role.label) for role in roles]
    stmt = select(Partnership).order_by(Partnership.name)
    if not current_user.is_admin:
        stmt = stmt.where(Partnership.id == current_user.partnership_id)
    partnerships = [p for p in db.session.scalars(stmt) if not p.archived or (user and user.partnership_id == p.id)]
    form.partnership_id.choices = [SelectChoice(p.id, p.name) for p in partnerships]
    mentors = select(Mentor).join(Mentor.company).options(joinedload(Mentor.company).joinedload(Company.partnership))
    if not current_user.is_admin:
        mentors = mentors.where(Company.partnership_id == current_user.partnership_id)
    form.mentor_id.choices = [SelectChoice("", _("– none –"))] + [
        SelectChoice(m.id, f"{m.name} – {m.company.name}"
                     + (f" ({m.company.partnership.name})" if current_user.is_admin else ""))
        for m in db.session.scalars(mentors.order_by(Company.name, Mentor.name))]


def _values(form: UserForm) -> services.AccountValues:
    return services.AccountValues(email=form.email.data.strip().lower(), name=form.name.data.strip(),
                                  role=Role(form.role.data), partnership_id=form.partnership_id.data,
                                  mentor_id=form.mentor_id.data)


def _refused(user: User | None, action: str, error: services.AccountRefused) -> None:
    """Undo the attempt, then record it in the audit log."""
    db.session.rollback()
    services.record_refusal(user, current_user.partnership_id, action, error)
    db.session.commit()


@bp.get("/users/")
@roles_required(USER_MANAGERS)
def user_list():
    """List the users one manages, filtered by role and state."""
    filters = UserFilterForm(request.args)
    filters.role.choices = [SelectChoice("", _("All"))] + [SelectChoice(role.value, role.label) for role in Role]
    stmt = services.manageable_users(current_user).options(joinedload(User.partnership))
    if filters.role.data in {role.value for role in Role}:
        stmt = stmt.where(User.role == Role(filters.role.data))
    if filters.state.data == "active":
        stmt = stmt.where(User.active.is_(True))
    elif filters.state.data == "inactive":
        stmt = stmt.where(User.active.is_(False))
    page = db.paginate(stmt.order_by(User.active.desc(), User.name, User.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("accounts/user_list.html", page=page, filters=filters,
                           args={k: v for k, v in (("role", filters.role.data), ("state", filters.state.data)) if v})


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(USER_MANAGERS)
def user_create():
    """Create a user, who gets an e-mail with a link to choose their password."""
    form = UserForm(partnership_id=current_user.partnership_id)
    _prepare(form)
    status = 200
    if form.validate_on_submit():
        try:
            user, _link = services.create_account(current_user, _values(form))
        except services.AccountRefused as error:
            _refused(None, "create", error)
            form[error.field].errors.append(str(error))
            status = 403
        except services.AccountProblem as error:
            db.session.rollback()
            form[error.field].errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash(_("%(name)s was created and has been sent an invitation to choose a password.", name=user.name),
                  "success")
            return redirect(url_for(".user_detail", user_id=user.id))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/user_form.html", form=form, user=None), status


@bp.get("/users/<int:user_id>")
@roles_required(USER_MANAGERS)
def user_detail(user_id: int):
    """Show a user: role, partnership, state, the latest invitation and their live sessions."""
    user = _user_or_404(user_id)
    invitation = db.session.scalar(select(AccountLink).where(AccountLink.user_id == user.id,
                                                             AccountLink.purpose == LinkPurpose.INVITE)
                                   .order_by(AccountLink.id.desc()).limit(1))
    last_login = db.session.scalar(select(func.max(UserSession.created_at)).where(UserSession.user_id == user.id))
    return render_template("accounts/user_detail.html", user=user, invitation=invitation, last_login=last_login,
                           sessions=len(services.live_sessions(user)), now=utcnow())


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(USER_MANAGERS)
def user_edit(user_id: int):
    """Change a user's name, e-mail, role, mentor record and (administrators) partnership."""
    user = _user_or_404(user_id)
    if request.method == "GET" and not current_user.is_admin and user.role is Role.ADMIN:
        flash(_("Only an administrator can change an administrator's account."), "error")
        return redirect(url_for(".user_detail", user_id=user.id))
    form = UserForm(obj=user, role=user.role.value)
    _prepare(form, user)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_account(current_user, user, _values(form))
            db.session.flush()
        except services.AccountRefused as error:
            _refused(user, "update", error)
            user = _user_or_404(user_id)
            form[error.field].errors.append(str(error))
            status = 403
        except services.AccountProblem as error:
            db.session.rollback()
            user = _user_or_404(user_id)
            form[error.field].errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for(".user_detail", user_id=user.id))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/user_form.html", form=form, user=user), status


def _account_step(user_id: int, action: str, step, done: str):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            step(current_user, user)
        except services.AccountRefused as error:
            _refused(user, action, error)
            flash(str(error), "error")
        except services.AccountProblem as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for(".user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@roles_required(USER_MANAGERS)
def user_deactivate(user_id: int):
    """Deactivate a user: their sessions, API tokens and links end at once."""
    return _account_step(user_id, "deactivate", services.deactivate,
                         _("The account is deactivated: its sessions and API tokens have ended."))


@bp.post("/users/<int:user_id>/reactivate")
@roles_required(USER_MANAGERS)
def user_reactivate(user_id: int):
    """Let a deactivated user log in again."""
    return _account_step(user_id, "reactivate", services.reactivate, _("The account is active again."))


@bp.post("/users/<int:user_id>/invite")
@roles_required(USER_MANAGERS)
def user_resend_invitation(user_id: int):
    """Send the invitation again with a new link; earlier invitation links stop working."""
    def resend(actor, user):
        services.check_change(actor, user, role=user.role, partnership_id=user.partnership_id)
        if not user.active:
            raise services.AccountProblem(_("The account is deactivated: reactivate it first."), field="")
        services.send_invitation(user)

    return _account_step(user_id, "invite", resend,
                         _("A new invitation was sent; the links in earlier invitations no longer work."))


# --- forgotten password, and the link that sets a password ---------------------------------------------------------

def _reset_limit() -> str:
    return current_app.config["RESET_LINK_RATE_LIMIT"]


def _reset_email_key() -> str:
    return "reset:" + request.form.get("email", "").strip().lower()


def _act_as(user_id: int | None, label: str) -> None:
    # Reading current_user first runs the user loader, which would otherwise name a logged-in user afterwards.
    _loaded = current_user.is_authenticated
    set_actor(user_id, label)


def _private(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_reset_email_key)
def forgot_password():
    """Ask for a link to set a new password; the answer never tells whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        _act_as(None, "password reset")
        services.send_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html")
    return render_template("accounts/forgot.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/password/set", methods=["GET", "POST"])
def set_password():
    """Choose a password through an invitation or reset link (single use, expiring).

    The link's secret travels in the query string (``?token=``), which the access log never holds.
    """
    _act_as(None, "account link")
    try:
        link = services.resolve_link(request.args.get("token", ""))
    except services.LinkRefused as error:
        page = render_template("accounts/link_refused.html", message=str(error))
        return _private(make_response(page, 410 if error.gone else 404))
    user = link.user
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = password_message(form.password.data, email=user.email, name=user.name)
        if problem:
            form.password.errors.append(problem)
        else:
            set_actor(user.id, user.email)
            keep = current_user.session_key if current_user.is_authenticated and current_user.id == user.id else None
            services.set_password_by_link(link, form.password.data, keep_session=keep)
            db.session.commit()
            flash(_("Your password is set. Log in with your e-mail address and the new password."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return _private(make_response(render_template("accounts/set_password.html", form=form, user=user,
                                                  invitation=link.purpose is LinkPurpose.INVITE), status))


# --- one's own account ---------------------------------------------------------------------------------------------

@bp.get("/account/")
@roles_required(EVERYONE)
def my_account():
    """The user's own account: password, sessions and API tokens."""
    return render_template("accounts/my_account.html", sessions=len(services.live_sessions(current_user)))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(EVERYONE)
def change_password():
    """Change one's own password (the current one is required, within the login attempt budget); other sessions
    and API tokens end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_message(form.password.data, email=current_user.email, name=current_user.name)
        if problem:
            form.password.errors.append(problem)
        else:
            # The current password is checked against the same budget as logging in: no guessing here instead.
            allowed, counted = login_budget(current_user.email)
            if not allowed:
                abort(429)
            try:
                services.change_password(current_user, form.current_password.data, form.password.data)
            except services.AccountProblem as error:
                db.session.rollback()
                form[error.field].errors.append(str(error))
            else:
                db.session.commit()
                refund_login_budget(counted)
                flash(_("Your password is changed; your other sessions have ended."), "success")
                return redirect(url_for(".my_account"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.get("/account/sessions")
@roles_required(EVERYONE)
def sessions():
    """List the user's live sessions: device, when it began, when it was last used."""
    logins = services.live_sessions(current_user)
    return render_template("accounts/sessions.html", logins=logins, handle=services.session_handle,
                           current=current_user.session_key)


@bp.post("/account/sessions/end")
@roles_required(EVERYONE)
def end_session():
    """End one of one's own sessions (its cookie is worthless from then on)."""
    form = EndSessionForm()
    if form.validate_on_submit() and services.end_session_by_handle(current_user, form.session.data):
        db.session.commit()
        flash(_("The session has ended."), "success")
    else:
        flash(_("That session has ended already."), "info")
    return redirect(url_for(".sessions"))


@bp.post("/account/sessions/end-others")
@roles_required(EVERYONE)
def end_other_sessions():
    """End all one's sessions but this one."""
    if ConfirmForm().validate_on_submit():
        ended = services.end_sessions(current_user, keep=current_user.session_key)
        db.session.commit()
        flash(ngettext("%(num)d other session has ended.", "%(num)d other sessions have ended.", ended), "success")
    return redirect(url_for(".sessions"))
