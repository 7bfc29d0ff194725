"""Pages for matching: internships for a young person, candidates for a job function, the partnership's weights.

Every page only suggests, with the reasons: nothing is assigned from a score.
"""

import threading
from weakref import WeakKeyDictionary

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from placement import locking
from placement.audit.reads import BASE, audit_read
from placement.audit.services import record_suggestions
from placement.auth.access import (
    CASE_EDITORS,
    CASE_ROLES,
    NETWORK_READERS,
    chosen_partnership,
    get_or_404,
    get_participant_or_404,
    roles_required,
)
from placement.auth.models import Partnership, Role
from placement.extensions import db
from placement.matches import services
from placement.matches.forms import MatchFilterForm, ResetWeightsForm, WeightsForm
from placement.matches.models import MatchingWeights
from placement.matching import COMPONENTS, Weights
from placement.network.models import JobFunction

bp = Blueprint("matches", __name__)

#: Who may look for candidates for a job function: those who read the network *and* work on cases.
CANDIDATE_SEEKERS = NETWORK_READERS & CASE_ROLES
WEIGHT_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: Values of a GET flag (``?all=1``, ``?excluded=1``) that turn it on.
TRUE_FLAGS = ("1", "y", "true")


#: The rendered suggestion list of each kept result (``services.matches_for_participant`` reuses a result while
#: nothing it depends on changes), once for users who may make agreements and once for the others: rendering 20
#: explained suggestions costs more than the rest of the request. It goes when the result goes.
_suggestion_lists: WeakKeyDictionary[services.ParticipantMatches, dict[bool, Markup]] = WeakKeyDictionary()
_suggestion_lists_lock = threading.Lock()


def _suggestion_list(participant_id: int, result: services.ParticipantMatches, may_agree: bool) -> Markup:
    """Return the suggestions' HTML; the result belongs to this young person (its key holds their id)."""
    with _suggestion_lists_lock:
        html = _suggestion_lists.get(result, {}).get(may_agree)
    if html is None:
        # An autoescaped template's output: safe to insert as it is.
        html = Markup(render_template("matches/_suggestions.html",  # noqa: S704  # nosec B704
                                      participant_id=participant_id, result=result, may_agree=may_agree))
        with _suggestion_lists_lock:
            _suggestion_lists.setdefault(result, {})[may_agree] = html
    return html


@bp.get("/participants/<int:participant_id>/internships")
@roles_required(CASE_ROLES)
def for_participant(participant_id: int):
    """Suggest internships for a young person, best first, each with its reasons.

    The best ``services.TOP`` by default; ``?all=1`` lists every job function that passes the hard filters. The
    excluded job functions are counted per reason; ``?excluded=1`` lists and explains them.
    """
    participant = get_participant_or_404(participant_id)
    form = MatchFilterForm(request.args, travel_limit=participant.max_km)
    form.validate()
    show_all = request.args.get("all") in TRUE_FLAGS
    show_excluded = bool(form.excluded.data)
    result = services.matches_for_participant(participant, form.filters(), limit=None if show_all else services.TOP,
                                              excluded=show_excluded)
    may_agree = current_user.role in CASE_EDITORS
    page = render_template("matches/for_participant.html", participant=participant, form=form, result=result,
                           show_excluded=show_excluded, show_all=show_all, top=services.TOP,
                           suggestion_list=_suggestion_list(participant.id, result, may_agree))
    # The read's audit entry (or the question for a purpose, instead of the page) comes last, before the commit:
    # the audit chain's lock is held from the first entry to the commit, so ranking and rendering stay outside it.
    if (ask := audit_read(participant, (BASE,))) is not None:
        return ask
    # The results funnel's first step: the suggestions were shown (one event per young person and day).
    record_suggestions(db.session, participant)
    db.session.commit()
    return page


@bp.get("/participants/<int:participant_id>/internships/compare")
@roles_required(CASE_ROLES)
def compare(participant_id: int):
    """Show two suggested internships for a young person side by side, component by component."""
    participant = get_participant_or_404(participant_id)
    chosen = request.args.getlist("job", type=int)
    if chosen:  # the checkboxes of the suggestion list: go to the address with a and b
        if len(chosen) != 2 or chosen[0] == chosen[1]:
            flash(_("Choose exactly two suggestions to compare."), "warning")
            return redirect(url_for(".for_participant", participant_id=participant.id))
        return redirect(url_for(".compare", participant_id=participant.id, a=chosen[0], b=chosen[1]))
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a is None or b is None or a == b:
        flash(_("Choose exactly two suggestions to compare."), "warning")
        return redirect(url_for(".for_participant", participant_id=participant.id))
    try:
        pair = services.compare(participant, [a, b])
    except LookupError:
        abort(404)
    if (ask := audit_read(participant, (BASE,))) is not None:
        return ask
    db.session.commit()
    return render_template("matches/compare.html", participant=participant, pair=pair, components=COMPONENTS,
                           may_agree=current_user.role in CASE_EDITORS)


@bp.get("/job-functions/<int:job_function_id>/candidates")
@roles_required(CANDIDATE_SEEKERS)
def for_job_function(job_function_id: int):
    """Suggest young people for a job function, best first, each with its reasons."""
    job_function = get_or_404(JobFunction, job_function_id)
    show_excluded = request.args.get("excluded") in TRUE_FLAGS
    result = services.candidates_for_job_function(job_function, current_user)
    audit_read([s.subject for s in result.candidates + (result.excluded if show_excluded else [])], (BASE,))
    db.session.commit()
    return render_template("matches/for_job_function.html", job_function=job_function, result=result,
                           show_excluded=show_excluded, components=COMPONENTS)


@bp.route("/matching/weights", methods=["GET", "POST"])
@roles_required(WEIGHT_EDITORS)
def weights():
    """Let a coordinator set how much each component of a match weighs in the partnership."""
    partnership = chosen_partnership()
    back = url_for(".weights", partnership=partnership.id) if partnership.id != current_user.partnership_id \
        else url_for(".weights")
    if request.method == "POST" and "reset" in request.form:
        if ResetWeightsForm().validate_on_submit():
            services.reset_weights(partnership)
            db.session.commit()
            flash(_("The default weights apply again."), "success")
        return redirect(back)
    current = services.weights_for(partnership.id)
    own = db.session.get(MatchingWeights, partnership.id)
    form = WeightsForm(data=None if request.method == "POST" else {
        **dict(zip(COMPONENTS, current.as_tuple(), strict=True)), "version": own.version if own else 0})
    clash = None
    if form.validate_on_submit():
        clash = locking.save_settings(
            form, lambda: db.session.get(MatchingWeights, partnership.id),
            lambda: services.save_weights(partnership, form.values()),
            lambda: dict(zip(COMPONENTS, services.weights_for(partnership.id).as_tuple(), strict=True)))
        if clash is None:
            flash(_("The weights were saved, scaled so that they sum to 1."), "success")
            return redirect(back)
        current = services.weights_for(partnership.id)
    partnerships = db.session.scalars(select(Partnership).where(Partnership.archived_at.is_(None))
                                      .order_by(Partnership.name)).all() if current_user.is_admin else []
    return render_template("matches/weights.html", form=form, partnership=partnership, partnerships=partnerships,
                           defaults=Weights(), current=current.normalised(), entered=form.normalised(),
                           own_weights=services.has_own_weights(partnership.id), components=COMPONENTS,
                           reset_form=ResetWeightsForm(), conflict=clash), 409 if clash else 200
