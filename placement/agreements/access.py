"""Who may see an agreement: whoever works on its young person's case (``placement.auth.access``).

An agreement of a young person the user does not work on answers 404, like the young person's own record, so
ids cannot be probed. Staff (``CASE_EDITORS``) act on the agreements they see; caseworkers read them.
"""

from collections.abc import Iterable
from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from placement.agreements.models import Agreement, Decision, Outcome, State
from placement.agreements.services import Actor, is_overdue, next_follow_up
from placement.auth.access import CASE_EDITORS, may_see_participant, participant_scope
from placement.extensions import db
from placement.network.models import JobFunction
from placement.participants.models import Participant


def may_see_agreement(agreement: Agreement) -> bool:
    """Tell whether the current user works on the agreement's young person's case."""
    return may_see_participant(agreement.participant)


def may_act(agreement: Agreement) -> bool:
    """Tell whether the current user may move the agreement (staff who see it; caseworkers only read)."""
    return current_user.role in CASE_EDITORS and may_see_agreement(agreement)


def get_agreement_or_404(ident) -> Agreement:
    """Load an agreement the current user may see, or answer 404."""
    agreement = db.session.get(Agreement, ident)
    if agreement is None or not may_see_agreement(agreement):
        abort(404)
    return agreement


def agreement_scope(stmt: Select) -> Select:
    """Limit a query of agreements to those whose young person the current user works on."""
    return participant_scope(stmt.join(Agreement.participant), Participant)


def staff_actor() -> Actor:
    """Return the logged-in staff member as the workflow's actor."""
    return Actor(current_user._get_current_object(), current_user.name, False)


def split_visible(agreements: Iterable[Agreement]) -> tuple[list[Agreement], int]:
    """Split agreements into those the user may see and a count of the others (shown only as a number)."""
    visible, hidden = [], 0
    for agreement in agreements:
        if may_see_agreement(agreement):
            visible.append(agreement)
        else:
            hidden += 1
    return visible, hidden


def start_page_work(today: date) -> dict[str, list]:
    """Return what waits for the staff user, among the agreements they may see.

    ``overdue``: (agreement, follow-up date missed) of active internships; ``waiting``: plans sent to the mentor;
    ``ready``: plans the mentor confirmed, ready to start; ``decisions``: hires awaiting the job centre's decision;
    ``places``: hires whose place is not yet settled.
    """
    base = agreement_scope(select(Agreement)).options(
        selectinload(Agreement.participant), selectinload(Agreement.mentor), selectinload(Agreement.follow_ups),
        selectinload(Agreement.job_function).selectinload(JobFunction.company))

    def rows(*conditions):
        return list(db.session.scalars(base.where(*conditions).order_by(Agreement.start_date, Agreement.id)))

    active = rows(Agreement.state == State.ACTIVE)
    return {
        "overdue": [(a, next_follow_up(a, today)) for a in active if is_overdue(a, today)],
        "waiting": rows(Agreement.state == State.SENT),
        "ready": rows(Agreement.state == State.CONFIRMED),
        "decisions": rows(Agreement.decision == Decision.PENDING),
        "places": rows(Agreement.state == State.ENDED, Agreement.outcome.is_not(None),
                       Agreement.outcome != Outcome.NOT_HIRED, Agreement.place_after_hire.is_(None)),
    }


def history(*conditions) -> tuple[list[Agreement], int]:
    """Return the agreements meeting the conditions whose young person the user may see, newest first, and a
    count of the others (a company's or a mentor's page names only the young people the user works on)."""
    stmt = (select(Agreement).join(Agreement.job_function).where(*conditions)
            .options(selectinload(Agreement.participant), selectinload(Agreement.mentor))
            .order_by(Agreement.start_date.desc(), Agreement.id.desc()))
    return split_visible(db.session.scalars(stmt))
