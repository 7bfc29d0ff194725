"""Matching in the JSON API: the same service as the pages (``placement.matches.services``), so the same order
and the same numbers. Suggestions only: no endpoint assigns anything from a score.
"""

import threading
from dataclasses import replace
from weakref import WeakKeyDictionary

from flask import Response, abort, current_app
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from placement.api.auth import roles_required
from placement.api.views import _bool_arg, _int_arg, bp, query_arg
from placement.audit.reads import BASE, audit_read
from placement.audit.services import record_suggestions
from placement.auth.access import CASE_ROLES, get_or_404, get_participant_or_404
from placement.extensions import db
from placement.matches import services
from placement.matches.forms import MatchFilterForm
from placement.matches.views import CANDIDATE_SEEKERS
from placement.matching import COMPONENTS
from placement.network.models import JobFunction

#: Most suggestions one request may ask for.
MAX_LIMIT = 100
FILTER_PARAMETERS = ("max_km", "kind", "area")
#: What the filter form gives when the query string names no filter: none (``tests/test_api.py`` checks it).
DEFAULT_FILTERS = services.MatchFilters()

#: The JSON of each kept result (``services.matches_for_participant`` reuses a result while nothing it depends on
#: changes, the language included), with and without the excluded: serialising the explained suggestions costs
#: more than the rest of the request. It goes when the result goes.
_bodies: WeakKeyDictionary[services.ParticipantMatches, dict[bool, bytes]] = WeakKeyDictionary()
_bodies_lock = threading.Lock()


def _weights(weights) -> dict[str, float]:
    return dict(zip(COMPONENTS, weights.as_tuple(), strict=True))


def _components(scored: services.Scored) -> dict:
    return {c.name: {"value": c.value, "weight": c.weight, "explanation": c.sentence} for c in scored.components}


def _scored(scored: services.Scored, subject_key: str, subject: dict) -> dict:
    return {
        "rank": scored.rank,
        subject_key: subject,
        "total": scored.total,
        "distance_km": scored.distance_km,
        "components": _components(scored),
        "explanations": scored.explanations,
        "reasons": [{"code": r.code, "label": r.label} for r in scored.reasons],
    }


def _history(mark: services.HistoryMark) -> dict:
    return {"agreement_id": mark.agreement_id, "job_function_id": mark.job_function_id,
            "same_job_function": mark.same_job_function, "state": mark.state.value,
            "outcome": None if mark.outcome is None else mark.outcome.value,
            "not_hired_reason": None if mark.not_hired_reason is None else mark.not_hired_reason.value,
            "date": mark.day.isoformat(), "lowers": mark.lowers, "text": mark.text}


def _suggestion(scored: services.Scored) -> dict:
    """A young person's suggestion (or excluded job function): the pair, with the young person's history there,
    whether it is lowered, and the limits a near miss is just over."""
    return {**_scored(scored, "job_function", _job_function(scored.subject)),
            "history": [_history(mark) for mark in scored.history],
            "lowered": scored.lowered or None,
            "near_miss": [{"code": r.code, "label": r.label, "detail": r.detail} for r in scored.near_miss]}


def _status(note: services.StatusNote) -> dict:
    return {"kind": note.kind, "agreement_id": note.agreement_id, "job_function_id": note.job_function_id,
            "title": note.title, "company_id": note.company_id, "company_name": note.company_name,
            "since": note.since.isoformat(), "outcome": None if note.outcome is None else note.outcome.value,
            "text": note.text}


def _job_function(job: services.JobView) -> dict:
    occupation = job.occupation
    return {
        "id": job.id, "title": job.title, "company_id": job.company_id, "company_name": job.company.name,
        "company_kind": job.company.kind.value, "postcode": job.postcode, "town": job.town,
        "occupation": None if occupation is None else {"id": occupation.id, "label": occupation.label,
                                                       "isco_group": occupation.isco_group},
    }


def _participant(participant) -> dict:
    return {"id": participant.id, "name": participant.name}


def _filters(travel_limit: int) -> services.MatchFilters:
    """Read the page's filters from the query string with the page's form; answer 400 naming a bad one."""
    given = MultiDict({name: value for name in FILTER_PARAMETERS if (value := query_arg(name)) is not None})
    if not given:  # the form's defaults (``DEFAULT_FILTERS``), without building the form on every request
        return replace(DEFAULT_FILTERS, near_miss=bool(_bool_arg("near_miss")))
    form = MatchFilterForm(formdata=given, travel_limit=travel_limit)
    if not form.validate():
        name, messages = next((n, m) for n, m in form.errors.items() if n in FILTER_PARAMETERS)
        abort(400, description=f"The query parameter {name} is invalid: {' '.join(str(m) for m in messages)}")
    return replace(form.filters(), near_miss=bool(_bool_arg("near_miss")))


@bp.get("/participants/<int:participant_id>/matches")
@roles_required(CASE_ROLES)
def participant_matches(participant_id: int):
    """Rank the partnership's job functions for a young person: ``limit`` best; the excluded ones counted, and
    loaded and explained on request."""
    participant = get_participant_or_404(participant_id)
    filters = _filters(participant.max_km)
    limit = _int_arg("limit", services.TOP, maximum=MAX_LIMIT)
    include_excluded = bool(_bool_arg("include_excluded"))
    result = services.matches_for_participant(participant, filters, limit=limit, excluded=include_excluded)
    response = _matches_response(participant.id, result, include_excluded)
    # The read's audit entry comes last, before the commit (see ``placement.matches.views.for_participant``).
    audit_read(participant, (BASE,), api=True)
    # The results funnel's first step: the suggestions were shown (one event per young person and day).
    record_suggestions(db.session, participant)
    db.session.commit()
    return response


def _matches_response(participant_id: int, result: services.ParticipantMatches, include_excluded: bool) -> Response:
    """Answer a young person's result (its key holds their id) as JSON, serialised once per kept result."""
    with _bodies_lock:
        data = _bodies.get(result, {}).get(include_excluded)
    if data is None:
        data = current_app.json.response(_matches_body(participant_id, result, include_excluded)).get_data()
        with _bodies_lock:
            _bodies.setdefault(result, {})[include_excluded] = data
    return current_app.response_class(data, mimetype=current_app.json.mimetype)


def _matches_body(participant_id: int, result: services.ParticipantMatches, include_excluded: bool) -> dict:
    body = {
        "participant_id": participant_id,
        "filters": {"max_km": result.filters.max_km, "kind": result.filters.kind, "area": result.filters.area,
                    "near_miss": result.filters.near_miss},
        "status": [_status(note) for note in result.status],
        "weights": _weights(result.weights),
        "offered": result.offered,
        "considered": result.considered,
        "matches": [_suggestion(s) for s in result.suggestions],
        "near_misses": result.near_misses,
        "excluded_count": result.excluded_count,
        "excluded_reasons": [{"code": r.code, "label": r.label, "count": n} for r, n in result.excluded_reasons],
    }
    if include_excluded:
        body["excluded"] = [_suggestion(s) for s in result.excluded]
    return body


@bp.get("/job-functions/<int:job_function_id>/candidates")
@roles_required(CANDIDATE_SEEKERS)
def job_function_candidates(job_function_id: int):
    """Rank the young people you work on for a job function: ``limit`` best, excluded ones on request."""
    job_function = get_or_404(JobFunction, job_function_id)
    limit = _int_arg("limit", services.TOP, maximum=MAX_LIMIT)
    include_excluded = bool(_bool_arg("include_excluded"))
    result = services.candidates_for_job_function(job_function, current_user, limit=limit)
    body = {
        "job_function_id": job_function.id,
        "offered": result.offered,
        "considered": result.considered,
        "weights": _weights(result.weights),
        "candidates": [_scored(s, "participant", _participant(s.subject)) for s in result.candidates],
        "excluded_count": len(result.excluded),
    }
    if include_excluded:
        body["excluded"] = [_scored(s, "participant", _participant(s.subject)) for s in result.excluded]
    audit_read([s.subject for s in result.candidates + (result.excluded if include_excluded else [])], (BASE,))
    db.session.commit()
    return body
