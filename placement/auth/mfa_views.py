"""The second factor's pages: the second step of a login, the forced setup, one's own settings, and the reset an
administrator or coordinator does for a user who lost their phone (routes on the ``auth`` blueprint)."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from placement.accounts import services as account_services
from placement.accounts.views import USER_MANAGERS
from placement.audit.services import record_event, set_actor
from placement.auth import second_factor as sf
from placement.auth.access import EVERYONE, roles_required
from placement.auth.mfa_forms import ResetSecondFactorForm, SecondFactorForm, TotpCodeForm
from placement.auth.models import User
from placement.auth.views import _safe_next, bp
from placement.extensions import db


def _private(response, status: int = 200):
    """Pages with a secret or codes on them are never cached."""
    response = make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _pending_login():
    """Return ``(the browser's pending login, None)``, or ``(None, the redirect to send instead)``."""
    if current_user.is_authenticated:
        return None, redirect(url_for("main.index"))
    login = sf.pending_session()
    if login is None:
        sf.forget_pending()
        flash(_("Please log in again."), "info")
        return None, redirect(url_for(".login"))
    return login, None


def _refused(user: User, form, error: str) -> None:
    """Undo the attempt, record the failure (never the code), keep the count."""
    db.session.rollback()
    record_event(db.session, user, "mfa_failed", {})
    db.session.commit()
    form.code.errors.append(error)


def _over_budget(user: User):
    """Count the attempt before the check; record and refuse when too many came (429)."""
    allowed, counted = sf.budget(user)
    if not allowed:
        record_event(db.session, user, "mfa_rate_limited", {})
        db.session.commit()
        abort(429)
    return counted


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    """The second step of a login: a code from the app, or a recovery code."""
    login, elsewhere = _pending_login()
    if elsewhere is not None:
        return elsewhere
    user = login.user
    if not sf.enrolled(user):
        return redirect(url_for(".second_factor_setup"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        set_actor(user.id, user.email)
        counted = _over_budget(user)
        try:
            method = sf.verify(user, form.code.data)
        except sf.SecondFactorProblem as error:
            _refused(user, form, str(error))
            status = 400
        else:
            target = sf.complete(login)
            record_event(db.session, user, "mfa_login", {"method": [None, method]})
            db.session.commit()
            login_user(user)
            sf.refund(counted)
            if method == "recovery":
                left = sf.recovery_codes_left(user)
                flash(ngettext("You used a recovery code; %(num)d is left. Make new ones under My account.",
                               "You used a recovery code; %(num)d are left. Make new ones under My account.",
                               left), "warning")
            return redirect(_safe_next(target))
    elif form.is_submitted():
        status = 400
    return _private(render_template("auth/second_factor.html", form=form), status)


def _setup_page(user: User, form, template: str, status: int = 200, **context):
    secret = user.totp_secret
    return _private(render_template(template, form=form, user=user, secret=secret,
                                    qr=sf.qr_svg(sf.provisioning_uri(user, secret)),
                                    secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)], **context),
                    status)


@bp.route("/login/second-factor/setup", methods=["GET", "POST"])
def second_factor_setup():
    """Set up the second factor before the first login completes (forced when required for the role)."""
    login, elsewhere = _pending_login()
    if elsewhere is not None:
        return elsewhere
    user = login.user
    if sf.enrolled(user):
        return redirect(url_for(".second_factor"))
    set_actor(user.id, user.email)
    if not user.totp_secret:
        sf.enrolment_secret(user)  # kept on the server until confirmed; a reload shows the same one
        db.session.commit()
    form = TotpCodeForm()
    status = 200
    if form.validate_on_submit():
        counted = _over_budget(user)
        try:
            codes = sf.confirm_enrolment(user, form.code.data)
        except sf.SecondFactorProblem as error:
            _refused(user, form, str(error))
            status = 400
        else:
            target = sf.complete(login)
            record_event(db.session, user, "mfa_login", {"method": [None, "enrolment"]})
            db.session.commit()
            login_user(user)
            sf.refund(counted)
            return _private(render_template("auth/recovery_codes.html", codes=codes, next_url=_safe_next(target)))
    elif form.is_submitted():
        status = 400
    return _setup_page(user, form, "auth/second_factor_setup.html", status)


@bp.route("/account/second-factor", methods=["GET", "POST"])
@roles_required(EVERYONE)
def my_second_factor():
    """One's own second factor: its state; new recovery codes (with a current code); the setup when not yet on."""
    user = current_user._get_current_object()
    form = TotpCodeForm()
    status = 200
    if sf.enrolled(user):
        if form.validate_on_submit():
            counted = _over_budget(user)
            try:
                sf.check_current_code(user, form.code.data)
            except sf.SecondFactorProblem as error:
                _refused(user, form, str(error))
                status = 400
            else:
                codes = sf.regenerate_recovery_codes(user)
                record_event(db.session, user, "mfa_codes_renewed", {})
                db.session.commit()
                sf.refund(counted)
                return _private(render_template("auth/recovery_codes.html", codes=codes,
                                                next_url=url_for(".my_second_factor")))
        elif form.is_submitted():
            status = 400
        return _private(render_template("auth/my_second_factor.html", form=form, user=user,
                                        codes_left=sf.recovery_codes_left(user),
                                        required=sf.required_for(user)), status)
    if not user.totp_secret:
        sf.enrolment_secret(user)
        db.session.commit()
    if form.validate_on_submit():
        counted = _over_budget(user)
        try:
            codes = sf.confirm_enrolment(user, form.code.data)
        except sf.SecondFactorProblem as error:
            _refused(user, form, str(error))
            status = 400
        else:
            db.session.commit()
            sf.refund(counted)
            return _private(render_template("auth/recovery_codes.html", codes=codes,
                                            next_url=url_for(".my_second_factor")))
    elif form.is_submitted():
        status = 400
    return _setup_page(user, form, "auth/my_second_factor.html", status, required=sf.required_for(user))


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["GET", "POST"])
@roles_required(USER_MANAGERS)
def reset_second_factor(user_id: int):
    """Turn a user's second factor off (phone lost): administrators for anyone, coordinators for their
    partnership's users but not administrators. The user's sessions end; the next login sets it up again."""
    user = db.session.get(User, user_id)
    if user is None or not account_services.may_manage(current_user, user):
        abort(404)
    form = ResetSecondFactorForm()
    if form.validate_on_submit():
        try:
            account_services.check_change(current_user, user, role=user.role, partnership_id=user.partnership_id)
        except account_services.AccountRefused as error:
            db.session.rollback()
            account_services.record_refusal(user, current_user.partnership_id, "second_factor_reset", error)
            db.session.commit()
            abort(403)
        own = user.id == current_user.id
        sf.reset(user)
        db.session.commit()
        flash(_("The second factor of %(name)s is turned off and their sessions have ended; they set it up again at "
                "their next login.", name=user.name), "success")
        if own:
            return redirect(url_for(".login"))
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    if not current_user.is_admin and user.role.value == "admin":
        abort(403)
    return render_template("auth/reset_second_factor.html", form=form, user=user,
                           enrolled=sf.enrolled(user))
