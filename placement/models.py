"""Import every model, so that the metadata (and Alembic's autogenerate) sees the whole schema."""

from placement.audit.models import AuditEvent
from placement.auth.models import ApiToken, Partnership, User, UserSession
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import IscoGroup, Occupation

__all__ = ["ApiToken", "AuditEvent", "Company", "IscoGroup", "JobFunction", "Mentor", "Occupation", "Partnership",
           "User", "UserSession"]
