"""Import every model, so that the metadata (and Alembic's autogenerate) sees the whole schema."""

from placement.agreements.models import Agreement, AgreementEvent, CalendarFeed, FollowUp, Goal, MentorLink
from placement.audit.models import AuditEvent
from placement.auth.models import ApiToken, Partnership, User, UserSession
from placement.mail.models import OutboxMessage
from placement.matches.models import MatchingWeights
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import IscoGroup, Occupation
from placement.participants.models import Participant
from placement.progress.models import Measurement
from placement.reports.models import Targets

__all__ = [
    "Agreement", "AgreementEvent", "ApiToken", "AuditEvent", "CalendarFeed", "Company", "FollowUp", "Goal",
    "IscoGroup", "JobFunction", "MatchingWeights", "Measurement", "Mentor", "MentorLink", "Occupation",
    "OutboxMessage", "Participant", "Partnership", "Targets", "User", "UserSession",
]
