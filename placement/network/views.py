"""Pages for the company network: companies, mentors, job functions, search."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from placement import locking
from placement.agreements.access import history
from placement.agreements.models import Agreement
from placement.agreements.services import interns_of, places_taken
from placement.audit.reads import AGREEMENTS, audit_read
from placement.auth.access import (
    CASE_ROLES,
    EVERYONE,
    NETWORK_EDITORS,
    NETWORK_READERS,
    get_or_404,
    in_partnership,
    roles_required,
)
from placement.auth.models import Partnership, Role
from placement.extensions import db
from placement.geo.postcodes import load_postcodes
from placement.network import services
from placement.network.forms import CVR_TAKEN, WITHOUT_OCCUPATION, CompanyForm, JobFunctionPageForm, MentorForm
from placement.network.models import Company, CompanyKind, JobFunction, Mentor

bp = Blueprint("network", __name__)

COMPANY_VIEWERS = NETWORK_READERS | {Role.MENTOR}


def _partnership_for_new_company() -> Partnership:
    """An admin may file a company under any partnership (``?partnership=ID``); others use their own."""
    if current_user.is_admin and request.args.get("partnership", type=int):
        return db.get_or_404(Partnership, request.args.get("partnership", type=int))
    return current_user.partnership


# Postcodes ---------------------------------------------------------------------------------------------------

@bp.get("/postcodes.json")
@roles_required(EVERYONE)
def postcode_towns():
    """Every Danish postcode's town (public GeoNames data), so the forms can name the town while one types."""
    response = jsonify({code: place.town for code, place in load_postcodes().items()})
    response.cache_control.private = True
    response.cache_control.max_age = 24 * 3600
    return response


# Companies ---------------------------------------------------------------------------------------------------

@bp.get("/companies")
@roles_required(NETWORK_READERS)
def company_list():
    """List the partnership's companies with filters, sorting and pages."""
    filters = services.CompanyFilters(
        q=request.args.get("q", "").strip(), kind=request.args.get("kind", ""),
        status=request.args.get("status", "active"), postcode=request.args.get("postcode", "").strip(),
        sort=request.args.get("sort", "name"))
    stmt = services.company_query(in_partnership(select(Company), Company.partnership_id), filters)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("network/company_list.html", page=page, filters=filters, kinds=list(CompanyKind))


@bp.route("/companies/new", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def company_create():
    """Add a company; warn of a likely duplicate before saving it."""
    partnership = _partnership_for_new_company()
    form = CompanyForm()
    if form.validate_on_submit():
        duplicate = services.likely_duplicate(partnership.id, form.name.data, form.postcode.data)
        if duplicate is not None and not form.confirm_not_duplicate.data:
            form.likely_duplicate = duplicate
        else:
            company = locking.insert_unique(lambda: services.create_company(partnership, form.values()),
                                            "companies", "cvr")
            if company is None:  # the same CVR added at the same moment by someone else
                form.cvr.errors = [*form.cvr.errors, CVR_TAKEN]
                return render_template("network/company_form.html", form=form, company=None,
                                       partnership=partnership), 422
            flash(_("%(name)s was added.", name=company.name), "success")
            return redirect(url_for("network.company_detail", company_id=company.id))
    return render_template("network/company_form.html", form=form, company=None, partnership=partnership)


def _audit_internships(internships: tuple[list[Agreement], int] | None) -> None:
    """Log the read of the young people a company's or mentor's page names with their internships."""
    if internships and internships[0]:
        audit_read([a.participant for a in internships[0]], (AGREEMENTS,))
        db.session.commit()


@bp.get("/companies/<int:company_id>")
@roles_required(COMPANY_VIEWERS)
def company_detail(company_id: int):
    """Show a company with its mentors and job functions."""
    company = get_or_404(Company, company_id)
    if current_user.role is Role.MENTOR and (current_user.mentor is None
                                             or current_user.mentor.company_id != company.id):
        abort(404)
    # Mentors see the places, never the young people or their internships.
    internships = history(JobFunction.company_id == company.id) if current_user.role in CASE_ROLES else None
    _audit_internships(internships)
    return render_template("network/company_detail.html", company=company, internships=internships,
                           taken=places_taken(j.id for j in company.job_functions))


@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def company_edit(company_id: int):
    """Change a company."""
    company = get_or_404(Company, company_id)
    form = CompanyForm(obj=company, company=company)
    if request.method == "GET":
        form.kind.data = company.kind.value
    clash = None
    if form.validate_on_submit():
        # A town left empty follows the postcode: only a town typed in is compared with the saved one.
        clash = locking.save(form, company, lambda: services.apply_company(company, form.values()),
                             current=lambda: {"town": company.town if form.town.data else ""})
        if clash is None:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("network.company_detail", company_id=company.id))
    return render_template("network/company_form.html", form=form, company=company,
                           partnership=company.partnership, conflict=clash), 409 if clash else 200


@bp.post("/companies/<int:company_id>/active")
@roles_required(NETWORK_EDITORS)
def company_set_active(company_id: int):
    """Deactivate or reactivate a company."""
    company = get_or_404(Company, company_id)
    company.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("%(name)s is active again.", name=company.name) if company.active
          else _("%(name)s is deactivated.", name=company.name), "success")
    return redirect(url_for("network.company_detail", company_id=company.id))


# Mentors -----------------------------------------------------------------------------------------------------

@bp.get("/mentors")
@roles_required(NETWORK_READERS)
def mentor_list():
    """List the partnership's mentors."""
    stmt = in_partnership(select(Mentor).join(Mentor.company), Company.partnership_id)
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(Mentor.name.ilike(f"%{q}%"))
    status = request.args.get("status", "active")
    if status in ("active", "inactive"):
        stmt = stmt.where(Mentor.active.is_(status == "active"))
    sort = request.args.get("sort", "name")
    order = {"company": (Company.name, Mentor.name), "experience": (Mentor.experience_level.desc(), Mentor.name)}
    stmt = stmt.options(selectinload(Mentor.company)).order_by(*order.get(sort, (Mentor.name,)), Mentor.id)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("network/mentor_list.html", page=page, q=q, status=status, sort=sort)


@bp.route("/companies/<int:company_id>/mentors/new", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def mentor_create(company_id: int):
    """Add a mentor to a company."""
    company = get_or_404(Company, company_id)
    form = MentorForm()
    if form.validate_on_submit():
        mentor = services.create_mentor(company, form.values())
        db.session.commit()
        flash(_("%(name)s was added.", name=mentor.name), "success")
        return redirect(url_for("network.mentor_detail", mentor_id=mentor.id))
    return render_template("network/mentor_form.html", form=form, company=company, mentor=None)


@bp.get("/mentors/<int:mentor_id>")
@roles_required(NETWORK_READERS)
def mentor_detail(mentor_id: int):
    """Show a mentor, the job functions they guide and their interns (named only to those on the case)."""
    mentor = get_or_404(Mentor, mentor_id)
    internships = history(Agreement.mentor_id == mentor.id) if current_user.role in CASE_ROLES else None
    _audit_internships(internships)
    return render_template("network/mentor_detail.html", mentor=mentor, internships=internships,
                           interns=interns_of([mentor.id]).get(mentor.id, 0))


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def mentor_edit(mentor_id: int):
    """Change a mentor."""
    mentor = get_or_404(Mentor, mentor_id)
    form = MentorForm(obj=mentor)
    clash = None
    if form.validate_on_submit():
        clash = locking.save(form, mentor, lambda: services.apply_mentor(mentor, form.values()))
        if clash is None:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("network.mentor_detail", mentor_id=mentor.id))
    return render_template("network/mentor_form.html", form=form, company=mentor.company, mentor=mentor,
                           conflict=clash), 409 if clash else 200


@bp.post("/mentors/<int:mentor_id>/active")
@roles_required(NETWORK_EDITORS)
def mentor_set_active(mentor_id: int):
    """Deactivate or reactivate a mentor."""
    mentor = get_or_404(Mentor, mentor_id)
    mentor.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("The changes were saved."), "success")
    return redirect(url_for("network.mentor_detail", mentor_id=mentor.id))


# Job functions -----------------------------------------------------------------------------------------------

@bp.get("/job-functions")
@roles_required(NETWORK_READERS)
def job_function_list():
    """List the partnership's job functions."""
    stmt = in_partnership(select(JobFunction).join(JobFunction.company), Company.partnership_id)
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(JobFunction.title.ilike(f"%{q}%"))
    status = request.args.get("status", "active")
    if status in ("active", "inactive"):
        stmt = stmt.where(JobFunction.active.is_(status == "active"))
    with_places = request.args.get("places") == "free"
    if with_places:
        stmt = stmt.where(JobFunction.places > 0)
    sort = request.args.get("sort", "title")
    order = {"company": (Company.name, JobFunction.title), "places": (JobFunction.places.desc(), JobFunction.title)}
    stmt = stmt.options(selectinload(JobFunction.company), selectinload(JobFunction.mentor)).order_by(
        *order.get(sort, (JobFunction.title,)), JobFunction.id)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("network/job_function_list.html", page=page, q=q, status=status, sort=sort,
                           with_places=with_places)


def _job_function_form(company: Company, job_function: JobFunction | None = None) -> JobFunctionPageForm:
    form = JobFunctionPageForm(obj=job_function, mentors=services.mentor_choices(company, job_function))
    if request.method == "GET" and job_function is not None:
        form.mentor_id.data = job_function.mentor_id or 0
    return form


def _lines(text: str | None) -> str:
    return "\n".join((text or "").strip().splitlines())


def _occupation_question(form: JobFunctionPageForm,
                         job_function: JobFunction | None = None) -> services.OccupationSuggestion | None:
    """The occupations to ask about before a job function is saved without one, or None to save now.

    Asked when the form has no occupation and the title (or the tasks) names one; not when an edit keeps the title
    and tasks of a job function saved without an occupation before (its page offers the suggestion). The answer
    links a suggested occupation (it sets ``occupation_id``) or saves without; no answer asks again.
    """
    if form.occupation_id.data:
        return None
    if (job_function is not None and job_function.occupation_id is None
            and (form.title.data or "") == job_function.title
            and _lines(form.tasks.data) == _lines(job_function.tasks)):
        return None
    suggestion = services.suggested_occupations(form.title.data, form.tasks.data or "")
    if suggestion is None:
        return None
    choice = form.occupation_choice.data or ""
    if choice == WITHOUT_OCCUPATION:
        return None
    chosen = next((o for o in suggestion.occupations if choice.isdigit() and o.id == int(choice)), None)
    if chosen is not None:
        form.occupation_id.data = chosen.id
        return None
    if form.occupation_asked.data:
        form.occupation_choice.errors = [_("Choose whether to link the occupation or to save without one.")]
    form.occupation_asked.data = "1"
    form.occupation_choice.data = ""
    return suggestion


@bp.route("/companies/<int:company_id>/job-functions/new", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def job_function_create(company_id: int):
    """Add a job function to a company; first ask about the occupation its title names, if it has none."""
    company = get_or_404(Company, company_id)
    form = _job_function_form(company)
    question = None
    if form.validate_on_submit():
        question = _occupation_question(form)
        if question is None:
            job_function = services.create_job_function(company, form.values())
            db.session.commit()
            flash(_("%(title)s was added.", title=job_function.title), "success")
            return redirect(url_for("network.job_function_detail", job_function_id=job_function.id))
    return render_template("network/job_function_form.html", form=form, company=company, job_function=None,
                           question=question)


@bp.get("/job-functions/<int:job_function_id>")
@roles_required(COMPANY_VIEWERS)
def job_function_detail(job_function_id: int):
    """Show a job function and the profile the workplace offers (to editors: the occupation its title names)."""
    job_function = get_or_404(JobFunction, job_function_id)
    if current_user.role is Role.MENTOR and (current_user.mentor is None
                                             or current_user.mentor.company_id != job_function.company_id):
        abort(404)
    suggestion = None
    if job_function.occupation_id is None and current_user.role in NETWORK_EDITORS:
        suggestion = services.suggested_occupations(job_function.title, job_function.tasks or "")
    return render_template("network/job_function_detail.html", job_function=job_function,
                           taken=places_taken([job_function.id]).get(job_function.id, 0), suggestion=suggestion)


@bp.post("/job-functions/<int:job_function_id>/occupation")
@roles_required(NETWORK_EDITORS)
def job_function_link_occupation(job_function_id: int):
    """Link a job function without an occupation to one its title or tasks name (the page's suggestion)."""
    job_function = get_or_404(JobFunction, job_function_id)
    version = request.form.get("version", type=int)
    occupation_id = request.form.get("occupation_id", type=int)
    back = redirect(url_for("network.job_function_detail", job_function_id=job_function.id))
    if version != job_function.version:
        flash(_("Someone else changed the job function meanwhile. Check it and the suggestion again."), "warning")
        return back
    if occupation_id is None or not services.link_occupation(job_function, occupation_id):
        db.session.rollback()
        flash(_("The occupation was not linked: it is no longer suggested for this job function."), "error")
        return back
    locking.touch(job_function)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed the job function meanwhile. Check it and the suggestion again."), "warning")
        return back
    flash(_("The job function is now linked to the occupation »%(label)s«.", label=job_function.occupation.label),
          "success")
    return back


@bp.route("/job-functions/<int:job_function_id>/edit", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def job_function_edit(job_function_id: int):
    """Change a job function; first ask about the occupation its new title names, if it has none."""
    job_function = get_or_404(JobFunction, job_function_id)
    form = _job_function_form(job_function.company, job_function)
    clash = question = None
    if form.validate_on_submit():
        question = _occupation_question(form, job_function)
        if question is None:
            clash = locking.save(form, job_function,
                                 lambda: services.apply_job_function(job_function, form.values()))
            if clash is None:
                flash(_("The changes were saved."), "success")
                return redirect(url_for("network.job_function_detail", job_function_id=job_function.id))
    return render_template("network/job_function_form.html", form=form, company=job_function.company,
                           job_function=job_function, conflict=clash, question=question), 409 if clash else 200


@bp.post("/job-functions/<int:job_function_id>/active")
@roles_required(NETWORK_EDITORS)
def job_function_set_active(job_function_id: int):
    """Deactivate or reactivate a job function."""
    job_function = get_or_404(JobFunction, job_function_id)
    job_function.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("The changes were saved."), "success")
    return redirect(url_for("network.job_function_detail", job_function_id=job_function.id))


# Search ------------------------------------------------------------------------------------------------------

def _search_hits(query: str) -> list:
    index = services.search_index(None if current_user.is_admin else current_user.partnership_id)
    return index.search(query, limit=30)


_HIT_ENDPOINTS = {"company": ("network.company_detail", "company_id"),
                  "mentor": ("network.mentor_detail", "mentor_id"),
                  "job_function": ("network.job_function_detail", "job_function_id")}


def _hit_url(hit) -> str:
    endpoint, arg = _HIT_ENDPOINTS[hit.kind]
    return url_for(endpoint, **{arg: hit.id})


@bp.route("/search", methods=["GET", "POST"])
@roles_required(NETWORK_READERS)
def search():
    """Search companies, mentors and job functions despite typos (the query is posted, never in the URL)."""
    query = request.form.get("q", "").strip() if request.method == "POST" else ""
    hits = _search_hits(query) if query else []
    return render_template("network/search.html", query=query, hits=hits, hit_url=_hit_url)


@bp.post("/search/live")
@roles_required(NETWORK_READERS)
def search_live():
    """Answer the search box as the user types, as JSON."""
    query = request.form.get("q", "").strip()
    hits = _search_hits(query)[:10] if query else []
    kinds = {"company": _("Company"), "mentor": _("Mentor"), "job_function": _("Job function")}
    # Each mentor and job function comes with its company's name (``hit.context``), so two "Køkkenmedhjælper"
    # can be told apart.
    return {"results": [{"kind": h.kind, "kind_label": kinds[h.kind], "title": h.title, "context": h.context,
                         "url": _hit_url(h), "score": round(h.score, 1)} for h in hits]}


from placement.network import csv_views  # noqa: E402, F401 - the import/export pages share this blueprint
