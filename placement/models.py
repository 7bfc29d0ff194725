"""Import every model, so that the metadata (and Alembic's autogenerate) sees the whole schema."""

from placement.accounts.models import AccountLink
from placement.agreements.models import Agreement, AgreementEvent, CalendarFeed, FollowUp, Goal, MentorLink
from placement.audit.models import AuditEvent
from placement.auth.models import ApiToken, Partnership, RecoveryCode, User, UserSession
from placement.course.models import Meeting, MeetingAction, MeetingAttendee, StatusNote
from placement.goals.models import GoalEvent, LearningGoal, SelfAssessment, YoungPersonLink
from placement.imports.models import ImportJob
from placement.lexicon.models import LexiconEntry
from placement.mail.models import OutboxMessage
from placement.matches.models import MatchingWeights
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import IscoGroup, Occupation
from placement.participants.models import Participant
from placement.privacy.models import ConsentEvent, PrivacyRequest
from placement.progress.models import Measurement
from placement.reports.models import Targets
from placement.retention.models import JobCheck

__all__ = [
    "AccountLink",
    "Agreement",
    "AgreementEvent",
    "ApiToken",
    "AuditEvent",
    "CalendarFeed",
    "Company",
    "ConsentEvent",
    "FollowUp",
    "Goal",
    "GoalEvent",
    "ImportJob",
    "IscoGroup",
    "JobCheck",
    "JobFunction",
    "LearningGoal",
    "LexiconEntry",
    "MatchingWeights",
    "Measurement",
    "Meeting",
    "MeetingAction",
    "MeetingAttendee",
    "Mentor",
    "MentorLink",
    "Occupation",
    "OutboxMessage",
    "Participant",
    "Partnership",
    "PrivacyRequest",
    "RecoveryCode",
    "SelfAssessment",
    "StatusNote",
    "Targets",
    "User",
    "UserSession",
    "YoungPersonLink",
]
