"""CSV import and export of young people. No request access and no commit: the page and the CLI commit.

The format follows ``placement.csvtools`` (UTF-8, ``;`` or ``,``, columns by name, formula escaping,
all-or-nothing with line numbers); the columns are ``COLUMNS``, of which ``REQUIRED`` must be there:

* dates as ``YYYY-MM-DD`` (also ``DD-MM-YYYY``); yes/no columns as 1/0, ja/nej, yes/no, true/false;
* ``disruptions``: codes separated by ``|`` (``anxiety|social_phobia``), ``occupation_uris``: ESCO URIs known
  to the service separated by ``|``;
* ``transport``: walks, bikes, public or drives; ``consent``: given, declined or empty;
* the case people by e-mail (``consultant_email`` …): active users of the partnership with that role.

Every row is validated by ``ParticipantForm``, the same form as the page's. The file holds health data
(special-category personal data): an export is written to the audit log as a view of every exported record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from placement.auth.access import participant_scope_for
from placement.auth.models import Partnership, User
from placement.csvtools import (
    ColumnHelp,
    ImportReport,
    Row,
    RowError,
    bit,
    bound_form,
    read_rows,
    validate,
    write_csv,
)
from placement.csvtools import column_help as _column_help
from placement.csvtools import formdata as row_formdata
from placement.extensions import db
from placement.network.search import normalise
from placement.occupations.models import Occupation
from placement.participants import services
from placement.participants.forms import ParticipantForm
from placement.participants.models import Consent, Disruption, Participant, Transport
from placement.participants.needs import NEEDS
from placement.profile import DIMENSION_KEYS

KIND = "participants"
#: The case people's columns → the form field they fill.
PEOPLE_COLUMNS = {"consultant_email": "consultant_id", "coordinator_email": "coordinator_id",
                  "caseworker_email": "caseworker_id"}
COLUMNS: tuple[str, ...] = (
    "name", "date_of_birth", "home_municipality", "postcode", "cognitive", "psychological", "physical",
    "disruptions", "health_notes", "interests", "occupation_uris", *DIMENSION_KEYS, "support_need",
    "support_notes", "hours_min", "hours_max", "max_km", "transport", "course_start", "course_years", "consent",
    "consent_date", *PEOPLE_COLUMNS, "active")
REQUIRED: tuple[str, ...] = ("name", "date_of_birth", "home_municipality", "postcode", "course_start")

_FLAGS = ("cognitive", "psychological", "physical", "active")
_SPECIAL = frozenset({*_FLAGS, "disruptions", "occupation_uris", "transport", "consent", *PEOPLE_COLUMNS})
_FORM_FIELDS = tuple(c for c in COLUMNS if c not in _SPECIAL)
#: Form fields that a CSV column of another name feeds.
_FIELD_COLUMNS = {"occupation_ids": "occupation_uris", **{f: c for c, f in PEOPLE_COLUMNS.items()}}

_DISRUPTIONS = {**{d.value: d for d in Disruption}, "angst": Disruption.ANXIETY,
                "social_fobi": Disruption.SOCIAL_PHOBIA, "social fobi": Disruption.SOCIAL_PHOBIA,
                "socialfobi": Disruption.SOCIAL_PHOBIA, "social phobia": Disruption.SOCIAL_PHOBIA,
                "isolering": Disruption.ISOLATION, "andet": Disruption.OTHER}
_TRANSPORT = {**{t.value: t for t in Transport}, "går": Transport.WALKS, "cykler": Transport.BIKES,
              "cykel": Transport.BIKES, "offentlig": Transport.PUBLIC, "bil": Transport.DRIVES}
_CONSENT = {**{c.value: c for c in Consent}, "givet": Consent.GIVEN, "ja": Consent.GIVEN,
            "afvist": Consent.DECLINED, "nej": Consent.DECLINED}

_HELP = {
    "date_of_birth": _l("YYYY-MM-DD (also DD-MM-YYYY). An age outside 18–30 is imported with a warning."),
    "course_start": _l("YYYY-MM-DD (also DD-MM-YYYY)."),
    "consent_date": _l("YYYY-MM-DD; required when consent is given or declined."),
    "postcode": _l("A Danish postcode; the town and the coordinates follow from it."),
    "cognitive": _l("1 or 0 (also ja/nej, yes/no, true/false). Empty: no."),
    "psychological": _l("1 or 0. Empty: no."),
    "physical": _l("1 or 0. Empty: no."),
    "active": _l("1 or 0 (also ja/nej, yes/no, true/false). Empty: yes."),
    "disruptions": _l("Codes separated by |: anxiety, depression, social_phobia, resignation, isolation, other."),
    "occupation_uris": _l("ESCO URIs of occupations known to the service, separated by |; may be empty."),
    "transport": _l("walks, bikes, public or drives. Empty: public."),
    "consent": _l("given, declined or empty (not recorded)."),
    "consultant_email": _l("The e-mail of an active job consultant of the partnership, or empty."),
    "coordinator_email": _l("The e-mail of an active youth coordinator of the partnership, or empty."),
    "caseworker_email": _l("The e-mail of an active coordinating caseworker of the partnership, or empty."),
    **{need.key: _l("1: %(low)s … 5: %(high)s. Empty: 3.", low=need.low, high=need.high) for need in NEEDS},
}
_LABELS = {"disruptions": _l("Function disruptions"), "occupation_uris": _l("Chosen occupations (ESCO URIs)"),
           "consultant_email": _l("Job consultant's e-mail"), "coordinator_email": _l("Youth coordinator's e-mail"),
           "caseworker_email": _l("Coordinating caseworker's e-mail")}
_ROLE_NAMES = {"consultant_id": _l("an active job consultant"), "coordinator_id": _l("an active youth coordinator"),
               "caseworker_id": _l("an active coordinating caseworker")}


def column_help() -> list[ColumnHelp]:
    """Describe the columns for the import page, from the form's labels."""
    return _column_help(ParticipantForm, COLUMNS, REQUIRED, labels=_LABELS, descriptions=_HELP)


class _Importer:
    """Validate every row first (collecting every error), then create them all."""

    def __init__(self, partnership: Partnership, report: ImportReport, creator: User | None):
        self.partnership = partnership
        self.report = report
        self.creator = creator
        self.people = services.case_people(partnership.id)
        self._by_email = {slot: {u.email.casefold(): u for u in users} for slot, users in self.people.items()}
        self._occupation_ids: dict[str, int] | None = None
        self._existing: set[tuple[str, object]] | None = None
        self._seen: dict[tuple[str, object], int] = {}
        self.valid: list[tuple[int, dict]] = []
        self.today = services.local_today()

    def _choice(self, row: Row, column: str, table: dict, message) -> str | None:
        value = row.values.get(column, "")
        if not value:
            return None
        found = table.get(value.casefold())
        if found is None:
            row.error(column, message)
            return None
        return found.value

    def check(self, row: Row) -> None:
        formdata = row_formdata(row, ParticipantForm, _FORM_FIELDS, flags=_FLAGS)
        formdata["course_years"] = row.values.get("course_years", "")  # an empty cell: length unknown, not 3
        transport = self._choice(row, "transport", _TRANSPORT, _("Use walks, bikes, public or drives."))
        if transport:
            formdata["transport"] = transport
        consent = self._choice(row, "consent", _CONSENT, _("Use given or declined, or leave the cell empty."))
        formdata["consent"] = consent or ""
        for item in row.items("disruptions"):
            found = _DISRUPTIONS.get(item.casefold())
            if found is None:
                row.error("disruptions", _("Unknown disruption %(code)s. Use %(codes)s.", code=item,
                                           codes=", ".join(d.value for d in Disruption)))
            else:
                formdata.add("disruptions", found.value)
        uris = row.items("occupation_uris")
        if uris and self._occupation_ids is None:  # one query per import, not one per row
            self._occupation_ids = dict(db.session.execute(select(Occupation.uri, Occupation.id)).all())
        for uri in uris:
            ident = (self._occupation_ids or {}).get(uri)
            if ident is None:
                row.error("occupation_uris", _("Unknown occupation: no ESCO occupation has the URI %(uri)s.",
                                               uri=uri))
            else:
                formdata.add("occupation_ids", str(ident))
        for column, slot in PEOPLE_COLUMNS.items():
            email = row.values.get(column, "")
            formdata[slot] = "0"
            if email:
                user = self._by_email[slot].get(email.casefold())
                if user is None or not user.active:
                    row.error(column, _("%(email)s is not %(role)s of the partnership.", email=email,
                                        role=_ROLE_NAMES[slot]))
                else:
                    formdata[slot] = str(user.id)
        form = bound_form(ParticipantForm, formdata, people=self.people, today=self.today)
        data = validate(row, form, _FIELD_COLUMNS)
        if data is None:
            return
        warning = services.age_warning(data["date_of_birth"], self.today)
        if warning:
            self._warn(row, "date_of_birth", warning)
        self._duplicate_warnings(row, data)
        self.valid.append((row.line, data))

    def _warn(self, row: Row, column: str, message: str) -> None:
        self.report.warnings.append(RowError(row.line, column, str(message)))

    def _duplicate_warnings(self, row: Row, data: dict) -> None:
        if self._existing is None:
            # Only the young people the importing user works on: a warning must not tell anyone that a person
            # they do not work on is in a resource course.
            stmt = select(Participant.name, Participant.date_of_birth).where(
                Participant.partnership_id == self.partnership.id)
            if self.creator is not None:
                stmt = participant_scope_for(self.creator, stmt, Participant)
            self._existing = {(normalise(name), born) for name, born in db.session.execute(stmt).all()}
        key = (normalise(data["name"]), data["date_of_birth"])
        if key in self._existing:
            self._warn(row, "name", _(
                "%(name)s, born %(born)s, is registered already.", name=data["name"],
                born=data["date_of_birth"].isoformat()))
        first = self._seen.setdefault(key, row.line)
        if first != row.line:
            self._warn(row, "name", _(
                "%(name)s, born %(born)s, is also on line %(line)s.", name=data["name"],
                born=data["date_of_birth"].isoformat(), line=first))

    def create(self) -> int:
        for _line, data in self.valid:
            services.create_participant(self.partnership, data, self.creator)
        db.session.flush()
        return len(self.valid)


def import_csv(stream_or_text, partnership: Partnership, *, creator: User | None = None,
               progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import young people from a CSV file into a partnership, all or nothing; the caller commits.

    ``creator``, when a user imports through the page, is named in their role's slot of every row that leaves
    it empty (as when adding one young person). ``progress`` is called with the physical lines consumed.
    """
    report = ImportReport(KIND)
    importer = _Importer(partnership, report, creator)
    read_rows(stream_or_text, COLUMNS, REQUIRED, report, importer.check, progress)
    if report.errors:
        return report
    report.imported = importer.create()
    return report


# Writing -----------------------------------------------------------------------------------------------------

def _date(value) -> str:
    return value.isoformat() if value is not None else ""


def _email(user: User | None) -> str:
    return user.email if user is not None else ""


def _row(p: Participant) -> list:
    return [p.name, _date(p.date_of_birth), p.home_municipality, p.postcode, bit(p.cognitive),
            bit(p.psychological), bit(p.physical), "|".join(p.disruptions or ()), p.health_notes, p.interests,
            "|".join(o.uri for o in p.occupations), *(getattr(p, key) for key in DIMENSION_KEYS), p.support_need,
            p.support_notes, p.hours_min, p.hours_max, p.max_km, p.transport.value, _date(p.course_start),
            p.course_years, p.consent.value if p.consent else "", _date(p.consent_date), _email(p.consultant),
            _email(p.coordinator), _email(p.caseworker), bit(p.active)]


def export_select() -> Select:
    """Return the young people to export, ordered, with what the export reads loaded up front."""
    return select(Participant).options(
        selectinload(Participant.occupations), selectinload(Participant.consultant),
        selectinload(Participant.coordinator), selectinload(Participant.caseworker),
    ).order_by(Participant.name, Participant.id)


def export_csv(participants: Iterable[Participant]) -> str:
    """Return these young people as CSV text that Danish Excel opens (the caller writes the audit entry)."""
    return write_csv(COLUMNS, (_row(p) for p in participants))


EXAMPLE = {
    "name": "Eksempel Jensen", "date_of_birth": "2001-05-17", "home_municipality": "Randers Kommune",
    "postcode": "8900", "cognitive": "1", "psychological": "1", "physical": "0", "disruptions": "anxiety",
    "health_notes": "", "interests": "dyr, have, udendørs arbejde", "structure": 4, "predictability": 4,
    "pace": 2, "social_contact": 2, "sensory_load": 2, "support_need": 4,
    "support_notes": "Fast mentor og en kort snak hver morgen.", "hours_min": 10, "hours_max": 20, "max_km": 15,
    "transport": "bikes", "course_start": "2024-08-01", "course_years": 3, "consent": "given",
    "consent_date": "2024-08-01", "active": "1",
}


def example_csv() -> str:
    """Return an example file with one valid row (its case people are left empty)."""
    return write_csv(COLUMNS, [[EXAMPLE.get(column, 3 if column in DIMENSION_KEYS else "")
                                for column in COLUMNS]])
