"""Partnerships: create, change, archive and restore them, and say whose service a page is. Callers commit."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from placement.auth.models import Partnership, User, UserSession
from placement.database import utcnow
from placement.extensions import db
from placement.partnerships.logos import Logo

#: What an administrator sets (pages, API, CLI).
PARTNERSHIP_FIELDS = ("name", "municipality", "education_place", "postcode", "contact_email", "contact_phone",
                      "retention_years")
#: What a youth coordinator may change of their own partnership.
OWN_PARTNERSHIP_FIELDS = ("contact_email", "contact_phone", "retention_years")


class PartnershipRefused(Exception):
    """The change is not allowed; the message says why, for the user. Nothing was changed."""


def apply_partnership(partnership: Partnership, data: dict, fields: tuple[str, ...] = PARTNERSHIP_FIELDS) -> None:
    """Set a partnership's fields from validated data."""
    for field in fields:
        if field == "retention_years":
            if data.get(field) is not None:
                partnership.retention_years = data[field]
        elif field in data:
            setattr(partnership, field, data[field] or "")


def create_partnership(data: dict) -> Partnership:
    """Add a partnership."""
    partnership = Partnership()
    apply_partnership(partnership, data)
    db.session.add(partnership)
    db.session.flush()
    return partnership


def change_logo(partnership: Partnership, change: Logo | bool | None) -> None:
    """Set a checked new logo, remove it (``False``) or leave it (None)."""
    if change is None:
        return
    if change is False:
        partnership.logo, partnership.logo_mimetype = None, None
    else:
        partnership.logo, partnership.logo_mimetype = change.data, change.mimetype


def archive(partnership: Partnership, acting: User | None) -> None:
    """Archive a partnership: its users' sessions end and they can no longer log in; its data stays."""
    if acting is not None and acting.partnership_id == partnership.id:
        raise PartnershipRefused(_("You cannot archive your own partnership: you would lock yourself out."))
    if partnership.archived_at is not None:
        return
    partnership.archived_at = utcnow()
    users = select(User.id).where(User.partnership_id == partnership.id).scalar_subquery()
    db.session.execute(update(UserSession).where(UserSession.user_id.in_(users), UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def restore(partnership: Partnership) -> None:
    """Take a partnership out of the archive: its users can log in again."""
    partnership.archived_at = None


def set_archived(partnership: Partnership, archived: bool, acting: User | None) -> None:
    """Archive or restore a partnership."""
    if archived:
        archive(partnership, acting)
    else:
        restore(partnership)


def active_partnerships() -> list[Partnership]:
    """Return the partnerships that are not archived, by name: what a picker offers."""
    return list(db.session.scalars(select(Partnership).where(Partnership.archived_at.is_(None))
                                   .order_by(Partnership.name)))


def all_partnerships() -> list[Partnership]:
    """Return every partnership, active ones first, each group by name."""
    return list(db.session.scalars(select(Partnership).order_by(Partnership.archived_at.is_not(None),
                                                                Partnership.name)))


def user_count(partnership_ids) -> dict[int, int]:
    """Return the number of active users per partnership."""
    rows = db.session.execute(select(User.partnership_id, func.count(User.id))
                              .where(User.partnership_id.in_(list(partnership_ids)), User.active)
                              .group_by(User.partnership_id))
    return dict(rows.all())


def login_refusal(user: User) -> str | None:
    """Return why this user may not log in although the password was right (an archived partnership), or None."""
    if user.partnership.archived_at is not None:
        return _("Your partnership %(name)s is archived, so its accounts can no longer log in. Ask an "
                 "administrator if this is a mistake.", name=user.partnership.name)
    return None


# Whose service this is -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Branding:
    """What a page, an e-mail or a printed plan says about whose service it is (nothing personal)."""

    partnership_id: int
    name: str
    municipality: str
    education_place: str
    contact_email: str
    contact_phone: str
    #: The logo's URL (changes with the partnership, so a cached old logo is not shown), or None.
    logo_url: str | None


def logo_url(partnership: Partnership) -> str | None:
    """Return the URL of the partnership's logo, or None without one."""
    if not partnership.logo_mimetype:
        return None
    version = int(partnership.updated_at.timestamp()) if partnership.updated_at else 0
    return url_for("partnerships.logo", partnership_id=partnership.id, v=version)


def branding(partnership: Partnership | None) -> Branding | None:
    """Return whose service this is, or None."""
    if partnership is None:
        return None
    return Branding(partnership_id=partnership.id, name=partnership.name, municipality=partnership.municipality,
                    education_place=partnership.education_place, contact_email=partnership.contact_email or "",
                    contact_phone=partnership.contact_phone or "", logo_url=logo_url(partnership))


def signature(partnership: Partnership) -> str:
    """Return the closing lines of an e-mail: whose service it is and how to reach its service desk."""
    lines = ["-- ", _("%(name)s: %(municipality)s and %(education_place)s", name=partnership.name,
                      municipality=partnership.municipality, education_place=partnership.education_place)]
    contact = " · ".join(part for part in (partnership.contact_email, partnership.contact_phone) if part)
    if contact:
        lines.append(_("Questions: %(contact)s", contact=contact))
    return "\n".join(lines) + "\n"
