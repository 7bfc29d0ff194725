"""Which figures a request asks for: the partnership (``partnership=ID|all``, admins only) and the period.

Shared by the dashboard, its CSV files and the JSON API, so all three read the same query string the same way.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from placement import revisions
from placement.auth.models import Partnership
from placement.extensions import db
from placement.participants.services import local_today
from placement.reports import services
from placement.reports.forms import PeriodForm

ALL = "all"


@dataclass
class Filters:
    form: PeriodForm
    #: The chosen partnership; None: all partnerships (an admin's choice).
    partnership: Partnership | None
    #: Problems with the query string, each naming its parameter; no figures are computed while there are any.
    errors: list[str] = field(default_factory=list)
    scope: services.Scope | None = None

    @property
    def partnership_key(self) -> str:
        return ALL if self.partnership is None else str(self.partnership.id)

    @property
    def query(self) -> dict[str, str]:
        """The query string that asks for the same figures (for links to the CSV files)."""
        values = {"partnership": self.partnership_key}
        if self.scope is not None:
            values.update({"from": self.scope.start.isoformat(), "to": self.scope.end.isoformat()})
        return values

    @property
    def scope_label(self) -> str:
        return _("All partnerships") if self.partnership is None else self.partnership.name


#: The first course start per scope, kept until the scope's records change (``placement.revisions``).
_earliest: revisions.Cache[date | None] = revisions.Cache(256)


def default_start(partnership_ids: tuple[int, ...] | None, today: date) -> date:
    """Return the first course start of the scope, or 1 January two years ago when nobody is enrolled."""
    earliest = _earliest.get((revisions.key(partnership_ids), partnership_ids),
                             lambda: services.earliest_course_start(partnership_ids))
    if earliest is None:
        return date(today.year - 2, 1, 1)
    return min(earliest, today)


def _partnership(raw: str) -> tuple[Partnership | None, str | None]:
    """Return the partnership asked for, or None for all, and a problem; another's partnership answers 404."""
    raw = raw.strip()
    own = current_user.partnership
    if not current_user.is_admin:
        if raw in ("", str(own.id)):
            return own, None
        abort(404)
    if raw in ("", ALL):
        return None, None
    if not raw.isdigit():
        return None, _("partnership: choose a partnership's id or “all”.")
    return db.get_or_404(Partnership, int(raw)), None


def read_filters(args: MultiDict) -> Filters:
    """Read the partnership and the period; without ``from``, the period starts at the scope's first course start,
    without ``to`` it ends today."""
    partnership, problem = _partnership(args.get("partnership", ""))
    form = PeriodForm(formdata=MultiDict({name: args[name] for name in ("from", "to") if name in args}))
    filters = Filters(form, partnership, [problem] if problem else [])
    ids = None if partnership is None else (partnership.id,)
    today = local_today()
    if form.validate():
        if form.end.data is None:
            form.end.data = today
        if form.start.data is None:
            form.start.data = min(default_start(ids, today), form.end.data)
    for name, messages in form.errors.items():
        filters.errors.extend(f"{form[name].name}: {message}" for message in messages)
    if not filters.errors:
        filters.scope = services.Scope(ids, form.start.data, form.end.data)
    return filters
