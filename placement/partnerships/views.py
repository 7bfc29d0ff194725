"""Partnerships on pages: administrators create, change, archive and restore them; a youth coordinator keeps
their own partnership's service desk and logo. The logo is served to anyone: it is not personal data."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from placement.auth.access import ADMINS, get_or_404, roles_required
from placement.auth.models import Partnership, Role
from placement.extensions import db
from placement.partnerships import services
from placement.partnerships.forms import ConfirmForm, ContactForm, PartnershipPageForm
from placement.partnerships.logos import SVG

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")

#: Who may open a partnership's page and change (some of) it: administrators, and a youth coordinator their own.
PARTNERSHIP_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: A logo may be cached for a day; its URL changes when the partnership does.
LOGO_MAX_AGE = 24 * 3600
#: An SVG opened on its own may not run anything or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@bp.app_context_processor
def _branding() -> dict:
    def service_branding():
        """Return whose service the page belongs to: the logged-in user's partnership, or None."""
        if current_user and current_user.is_authenticated:
            return services.branding(current_user.partnership)
        return None

    return {"service_branding": service_branding, "partnership_branding": services.branding}


@bp.get("/")
@roles_required(ADMINS)
def partnership_list():
    """List the partnerships, active ones first, then the archived ones."""
    partnerships = services.all_partnerships()
    return render_template("partnerships/list.html", active=[p for p in partnerships if not p.archived],
                           archived=[p for p in partnerships if p.archived],
                           users=services.user_count(p.id for p in partnerships))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMINS)
def partnership_create():
    """Add a partnership."""
    form = PartnershipPageForm()
    if form.validate_on_submit():
        partnership = services.create_partnership(form.values())
        services.change_logo(partnership, form.logo_change())
        db.session.commit()
        flash(_("%(name)s was added.", name=partnership.name), "success")
        return redirect(url_for(".partnership_detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None)


@bp.get("/<int:partnership_id>")
@roles_required(PARTNERSHIP_EDITORS)
def partnership_detail(partnership_id: int):
    """Show a partnership: its parties, service desk and logo."""
    partnership = get_or_404(Partnership, partnership_id)
    return render_template("partnerships/detail.html", partnership=partnership,
                           users=services.user_count([partnership.id]).get(partnership.id, 0),
                           logo_url=services.logo_url(partnership))


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@roles_required(PARTNERSHIP_EDITORS)
def partnership_edit(partnership_id: int):
    """Change a partnership: all of it as an administrator; the service desk, logo and retention period as its
    coordinator."""
    partnership = get_or_404(Partnership, partnership_id)
    admin = current_user.is_admin
    form = PartnershipPageForm(obj=partnership, partnership=partnership) if admin else ContactForm(obj=partnership)
    if form.validate_on_submit():
        services.apply_partnership(partnership, form.values(),
                                   services.PARTNERSHIP_FIELDS if admin else services.OWN_PARTNERSHIP_FIELDS)
        services.change_logo(partnership, form.logo_change())
        db.session.commit()
        flash(_("The changes were saved."), "success")
        return redirect(url_for(".partnership_detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership,
                           logo_url=services.logo_url(partnership))


def _confirmed_step(partnership_id: int, archive: bool):
    partnership = get_or_404(Partnership, partnership_id)
    form = ConfirmForm()
    if partnership.archived == archive:
        flash(_("%(name)s is archived already.", name=partnership.name) if archive
              else _("%(name)s is not archived.", name=partnership.name), "info")
        return redirect(url_for(".partnership_detail", partnership_id=partnership.id))
    problem = None
    if form.validate_on_submit():
        try:
            services.set_archived(partnership, archive, current_user)
        except services.PartnershipRefused as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(_("%(name)s is archived: its users can no longer log in.", name=partnership.name) if archive
                  else _("%(name)s is active again: its users can log in.", name=partnership.name), "success")
            return redirect(url_for(".partnership_detail", partnership_id=partnership.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/confirm.html", form=form, partnership=partnership, archive=archive,
                           problem=problem, users=services.user_count([partnership.id]).get(partnership.id, 0)), \
        status


@bp.route("/<int:partnership_id>/archive", methods=["GET", "POST"])
@roles_required(ADMINS)
def partnership_archive(partnership_id: int):
    """Archive a partnership after a confirmation: its users can no longer log in; its data stays."""
    return _confirmed_step(partnership_id, True)


@bp.route("/<int:partnership_id>/restore", methods=["GET", "POST"])
@roles_required(ADMINS)
def partnership_restore(partnership_id: int):
    """Take a partnership out of the archive after a confirmation."""
    return _confirmed_step(partnership_id, False)


@bp.get("/<int:partnership_id>/logo")
def logo(partnership_id: int):
    """Serve a partnership's logo to anyone (pages, mentors' links, printed plans): it holds nothing personal."""
    found = db.session.get(Partnership, partnership_id)
    if found is None or not found.logo_mimetype or found.logo is None:
        return "", 404, {"Cache-Control": "no-store"}  # no error page: it would name the user, and be cacheable
    response = make_response(found.logo)
    response.mimetype = found.logo_mimetype
    response.headers["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}"
    response.headers["Content-Disposition"] = "inline"
    if found.logo_mimetype == SVG:
        response.headers["Content-Security-Policy"] = SVG_CSP
    response.add_etag()
    return response.make_conditional(request)
