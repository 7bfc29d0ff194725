"""Pages for the young person's goals: the staff's goals page (the learning circle, history, the young person's
own assessments beside the staff's notes, the link), and the young person's own page through their link.

Staff who work on the case write goals (``CASE_EDITORS``: consultants named on it, the partnership's
coordinators, admins); caseworkers read. The young person's page needs no account: every use of the link writes
one audit entry naming them, with the purpose "the young person's own access".
"""

import segno
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from placement import locking
from placement.agreements.services import first_name
from placement.audit.reads import AGREEMENTS, PROGRESS, Purpose, audit_read, write_read
from placement.audit.services import record_event
from placement.auth.access import CASE_EDITORS, CASE_ROLES, get_participant_or_404, roles_required
from placement.extensions import db
from placement.goals import links, services
from placement.goals.forms import AssessmentForm, GoalEditForm, GoalForm, GoalStateForm, LinkForm
from placement.goals.models import GoalState
from placement.linkpages import act_through_link, private
from placement.mail.services import enqueue
from placement.participants.services import local_today
from placement.partnerships.services import branding as partnership_branding
from placement.partnerships.services import signature as partnership_signature

bp = Blueprint("goals", __name__)

#: What the staff's goals pages show: the goals (progress) and the plans' goals (internships).
SHOWN = (PROGRESS, AGREEMENTS)
#: The young person's page shows their goals and their internship's plan (never health or support notes).
OWN_SHOWN = (PROGRESS, AGREEMENTS)
#: Who acts through the young person's link, in the audit log and the goals' history.
LINK_ACTOR = "young person (link)"


def _list(participant, anchor: str | None = None):
    return redirect(url_for("goals.goal_list", participant_id=participant.id, _anchor=anchor))


def _goal_or_404(participant, goal_id: int):
    goal = services.get_goal(participant, goal_id)
    if goal is None:
        abort(404)
    return goal


def _problems(form) -> str:
    return " ".join(f"{form[name].label.text}: {' '.join(str(e) for e in errors)}" if name in form
                    and form[name].label.text else " ".join(str(e) for e in errors)
                    for name, errors in form.errors.items())


# The staff's pages -----------------------------------------------------------------------------------------------

@bp.get("/participants/<int:participant_id>/goals")
@roles_required(CASE_ROLES)
def goal_list(participant_id: int):
    """Show the young person's goals in the learning circle, with their own assessments beside our notes."""
    participant = get_participant_or_404(participant_id)
    if (ask := audit_read(participant, SHOWN)) is not None:
        return ask
    goals = services.goals_of(participant)
    link = links.live_link(participant)
    may_write = current_user.role in CASE_EDITORS
    page = render_template(
        "goals/goal_list.html", participant=participant, goals=goals, followers=services.followers(goals),
        plan_goals=services.plan_goals_of(participant), faces=services.FACES, may_write=may_write,
        link=link, last_opened=links.last_opened(link) if link else None,
        state_forms={g.id: GoalStateForm(formdata=None, version=g.version) for g in goals} if may_write else {},
        link_form=LinkForm(formdata=None), states=list(GoalState))
    db.session.commit()
    return page


@bp.route("/participants/<int:participant_id>/goals/new", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def goal_create(participant_id: int):
    """Write a new goal with the young person; ``?follows=`` names the earlier goal it follows."""
    participant = get_participant_or_404(participant_id)
    follows_id = request.args.get("follows", type=int)
    follows = services.get_goal(participant, follows_id) if follows_id else None
    form = GoalForm()
    if form.validate_on_submit():
        goal = services.create_goal(participant, form.values(), current_user._get_current_object(),
                                    follows=follows)
        db.session.commit()
        flash(_("The goal was saved."), "success")
        return _list(participant, f"goal-{goal.id}")
    if (ask := audit_read(participant, SHOWN)) is not None:
        return ask
    db.session.commit()
    status = 400 if form.errors else 200
    return render_template("goals/goal_form.html", form=form, participant=participant, goal=None,
                           follows=follows, conflict=None), status


@bp.route("/participants/<int:participant_id>/goals/<int:learning_goal_id>/edit", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def goal_edit(participant_id: int, learning_goal_id: int):
    """Change a goal's steps, on the version the user saw."""
    participant = get_participant_or_404(participant_id)
    goal = _goal_or_404(participant, learning_goal_id)
    form = GoalEditForm(obj=goal)
    clash = None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        clash = locking.save(form, goal, lambda: services.apply_steps(goal, form.values(), user))
        if clash is None:
            flash(_("The goal was saved."), "success")
            return _list(participant, f"goal-{goal.id}")
    if (ask := audit_read(participant, SHOWN)) is not None:
        return ask
    db.session.commit()
    status = 409 if clash else (400 if form.errors else 200)
    return render_template("goals/goal_form.html", form=form, participant=participant, goal=goal,
                           follows=goal.follows, conflict=clash), status


@bp.post("/participants/<int:participant_id>/goals/<int:learning_goal_id>/state")
@roles_required(CASE_EDITORS)
def goal_state(participant_id: int, learning_goal_id: int):
    """Mark a goal reached, changed, dropped, or active again; the history keeps who, when and why."""
    participant = get_participant_or_404(participant_id)
    goal = _goal_or_404(participant, learning_goal_id)
    form = GoalStateForm()
    if not form.validate_on_submit():
        flash(_problems(form) or _("The form was incomplete. Reload the page and try again."), "error")
        return _list(participant, f"goal-{goal.id}")
    to_state = GoalState(form.state.data)
    try:
        services.change_state(goal, to_state, current_user._get_current_object(), comment=form.comment.data or "",
                              expected_version=locking.seen_version(form))
        db.session.commit()
    except (services.GoalError, StaleDataError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, services.GoalError) else
              _("Someone else changed this goal meanwhile. Look at it again and repeat the change."), "error")
        return _list(participant, f"goal-{goal.id}")
    flash(_("The goal is now “%(state)s”.", state=to_state.label), "success")
    if to_state in (GoalState.REACHED, GoalState.CHANGED):
        flash(_("Write down what you learned, and the new goal that follows."), "info")
    return _list(participant, f"goal-{goal.id}")


def qr_svg(url: str) -> str:
    """The QR code of the young person's link as inline SVG markup (no script, no style attribute)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=True,
                                                 title=_("QR code for the young person's own page"))


def _mail_link(participant, address: str, url: str, link) -> None:
    """E-mail the link to the young person, in the service's own language (Danish: easy words)."""
    user = current_user._get_current_object()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = _("Hello %(name)s,\n\n%(staff)s has made a link for you. It opens your own page. There you see your "
                 "goals and your next meetings. You can also tell us how it is going.\n\n%(url)s\n\n"
                 "The link works until %(date)s. Keep it to yourself.\n\nQuestions: %(staff)s, %(email)s\n",
                 name=first_name(participant.name), staff=user.name, url=url,
                 date=format_date(link.expires_at.date(), "long"), email=user.email)
        body += "\n" + partnership_signature(participant.partnership)
        subject = _("Your own page: your goals")
    enqueue(address, subject, body, partnership_id=participant.partnership_id)


@bp.post("/participants/<int:participant_id>/goals/link")
@roles_required(CASE_EDITORS)
def link_issue(participant_id: int):
    """Give the young person a new link to their own page (the earlier one stops): shown once, as a QR code,
    and e-mailed when an address is given."""
    participant = get_participant_or_404(participant_id)
    form = LinkForm()
    if not form.validate_on_submit():
        flash(_problems(form), "error")
        return _list(participant, "link")
    url = links.issue(participant, current_user._get_current_object())
    link = links.live_link(participant)
    if form.email.data:
        _mail_link(participant, form.email.data, url, link)
    db.session.commit()
    return render_template("goals/link_issued.html", participant=participant, url=url, qr=qr_svg(url), link=link,
                           emailed=form.email.data or "")


@bp.post("/participants/<int:participant_id>/goals/link/revoke")
@roles_required(CASE_EDITORS)
def link_revoke(participant_id: int):
    """Stop the young person's link at once."""
    participant = get_participant_or_404(participant_id)
    stopped = links.revoke(participant)
    db.session.commit()
    flash(_("The link is stopped. It no longer opens the young person's page.") if stopped
          else _("There was no working link to stop."), "success" if stopped else "info")
    return _list(participant, "link")


# The young person's own page -------------------------------------------------------------------------------------

def _refused(error: links.LinkRefused):
    """Answer a refused link: 410 Gone for a real link that is expired or stopped (naming whom to ask for a new
    one, and the attempt is audited), 404 for one never issued."""
    participant = contact = branding = None
    if error.link is not None:
        participant = error.link.participant
        contact = services.contact_of(participant)
        branding = partnership_branding(participant.partnership)
        record_event(db.session, error.link, "refused", {"reason": (None, error.reason)})
        db.session.commit()
    page = render_template("goals/own_refused.html", message=str(error), contact=contact, branding=branding)
    return private(make_response(page, 410 if error.gone else 404))


@bp.route("/m/u/<token>", methods=["GET", "POST"])
def own_page(token: str):
    """The young person's own page: their goals, next meetings, internship plan, and "How is it going?"."""
    act_through_link(LINK_ACTOR)
    try:
        link = links.resolve(token)
    except links.LinkRefused as error:
        return _refused(error)
    participant = link.participant
    form = AssessmentForm()
    problem, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            goal = services.get_goal(participant, form.goal_id.data)
            try:
                services.record_assessment(participant, goal, form.score.data, form.sentence.data or "")
            except services.GoalError as error:
                db.session.rollback()
                problem, status = str(error), 400
            else:
                write_read(db.session, [participant], OWN_SHOWN, Purpose.OWN_ACCESS, record=link)
                db.session.commit()
                flash(_("Thank you. We have saved your answer."), "success")
                return private(redirect(url_for(".own_page", token=token, _anchor=f"goal-{goal.id}")))
        else:
            problem, status = _problems(form), 400
    write_read(db.session, [participant], OWN_SHOWN, Purpose.OWN_ACCESS, record=link)
    page = services.own_page(participant, local_today())
    db.session.commit()
    chosen = form.goal_id.data if problem else None
    return private(make_response(render_template(
        "goals/own_page.html", page=page, form=form, problem=problem, chosen=chosen, faces=services.FACES,
        action=url_for(".own_page", token=token), branding=page.branding), status))
