"""Asking the mentor whether a hire is still employed: an e-mail with a single-use link to two questions, and the
consultant told when the mentor has answered. Callers commit.

The mentor sees the young person's first name, the job, the company and the job's start, never anything else of
the case; the templates get a ``MentorCheck`` built here, not the check, so they cannot reach more.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from placement import sanity
from placement.agreements import links
from placement.agreements.models import Agreement, MentorLink
from placement.agreements.services import first_name
from placement.auth.models import User
from placement.database import utcnow
from placement.extensions import db
from placement.mail.services import enqueue
from placement.partnerships.services import Branding
from placement.partnerships.services import branding as partnership_branding
from placement.partnerships.services import signature as partnership_signature
from placement.retention.models import JobCheck
from placement.retention.services import CheckError, earliest_record_day, is_followed
from placement.urls import external_url


def months_text(months: int) -> str:
    """Return "1 month", "3 months" in the user's language."""
    return ngettext("%(num)d month", "%(num)d months", months)


@dataclass(frozen=True, slots=True)
class MentorCheck:
    """What a mentor may see of a job check."""

    first_name: str
    job_title: str
    company: str
    job_start: date | None
    month: int
    #: Whose service this is, with its service desk.
    service: Branding | None
    #: The job consultant the mentor asks ("" when none is named on the agreement).
    contact_name: str = ""
    contact_email: str = ""


def mentor_check(agreement: Agreement, check: JobCheck | None = None) -> MentorCheck:
    """Return what the mentor sees of the agreement's job check (without ``check``: of the job alone)."""
    job = agreement.job_function
    consultant = agreement.consultant
    return MentorCheck(first_name=first_name(agreement.participant.name), job_title=job.title,
                       company=job.company.name, job_start=agreement.outcome_start,
                       month=check.month if check is not None else 0,
                       service=partnership_branding(agreement.partnership),
                       contact_name=consultant.name if consultant else "",
                       contact_email=consultant.email if consultant else "")


def pending_link(check: JobCheck) -> MentorLink | None:
    """Return the newest working link that asks the mentor about the check, or None."""
    return db.session.scalars(select(MentorLink).where(
        MentorLink.job_check_id == check.id, MentorLink.used_at.is_(None), MentorLink.expires_at > utcnow())
        .order_by(MentorLink.id.desc()).limit(1)).first()


def ask_problem(check: JobCheck, today: date) -> str | None:
    """Say why the mentor cannot be asked about the check now, or None."""
    agreement = check.agreement
    if not is_followed(agreement):
        return _("This internship did not end in a job that is followed up.")
    if check.status is not None:
        return _("The check is recorded already.")
    if earliest_record_day(check) > today:
        return _("The %(month)s-month check is due on %(due)s; it can be recorded from %(first)s.",
                 month=check.month, due=sanity.day_text(check.due_on),
                 first=sanity.day_text(earliest_record_day(check)))
    if not (agreement.mentor.email or "").strip():
        return _("The mentor %(name)s has no e-mail address. Add it on the mentor's page first.",
                 name=agreement.mentor.name)
    return None


def ask_mentor(check: JobCheck, user: User, today: date) -> str:
    """E-mail the mentor a link to the check's two questions (an earlier link for it stops working); return the link.

    Raises CheckError when the mentor cannot be asked now; nothing is changed then."""
    problem = ask_problem(check, today)
    if problem:
        raise CheckError(problem)
    agreement = check.agreement
    url = links.issue(agreement, check=check)
    job = agreement.job_function
    intern = first_name(agreement.participant.name)
    body = _("Dear %(mentor)s,\n\n%(intern)s started in the job as %(job)s at %(company)s on %(start)s. We follow "
             "up on how the job goes %(months)s after its start.\n\n", mentor=agreement.mentor.name, intern=intern,
             job=job.title, company=job.company.name, start=sanity.day_text(agreement.outcome_start),
             months=months_text(check.month))
    body += _("Please answer two short questions here:\n%(url)s\n\n"
              "The link works once and for %(days)s days. You do not need an account.\n",
              url=url, days=current_app.config["MENTOR_LINK_DAYS"])
    body += _("Questions: %(consultant)s, %(email)s\n", consultant=user.name, email=user.email)
    body += "\n" + partnership_signature(agreement.partnership)
    enqueue(agreement.mentor.email, _("Is %(intern)s still employed? %(job)s", intern=intern, job=job.title),
            body, partnership_id=agreement.partnership_id, agreement_id=agreement.id)
    return url


def tell_consultant(check: JobCheck) -> None:
    """Tell the agreement's consultant that the mentor answered the check (the answer itself stays in the service)."""
    agreement = check.agreement
    consultant = agreement.consultant
    if consultant is None:
        return
    job = agreement.job_function
    enqueue(consultant.email,
            _("The mentor answered the job check: %(job)s, %(months)s", job=job.title,
              months=months_text(check.month)),
            _("%(mentor)s answered the job check %(months)s after the job's start: %(status)s.\n\nSee it here:\n"
              "%(url)s\n", mentor=agreement.mentor.name, months=months_text(check.month), status=check.status.label,
              url=external_url("retention.check", check_id=check.id)),
            partnership_id=agreement.partnership_id, agreement_id=agreement.id)
