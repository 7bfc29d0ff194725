"""CSV import and export of young people. No request access and no commit: the page and the CLI commit.

The format follows ``placement.csvtools`` (UTF-8, ``;`` or ``,``, columns by name, formula escaping,
all-or-nothing with line numbers); the columns are ``COLUMNS`` (key → Danish and English name), of which
``REQUIRED`` must be there:

* dates as ``YYYY-MM-DD`` (also ``DD-MM-YYYY``); yes/no columns as ja/nej, yes/no, 1/0, true/false;
* ``disruptions``: ``DISRUPTIONS`` words separated by ``|`` (``angst|socialfobi``), ``occupation_uris``: ESCO URIs
  known to the service separated by ``|``;
* ``transport`` and ``consent``: ``TRANSPORT`` and ``CONSENT`` words (Danish, English or the code); consent may be
  empty;
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

from placement import sanity
from placement.auth.access import participant_scope_for
from placement.auth.models import Partnership, User
from placement.csvtools import (
    DANISH,
    LIST_SEPARATOR,
    Choices,
    ColumnHelp,
    Columns,
    ImportReport,
    Row,
    bound_form,
    column_names,
    read_rows,
    validate,
    write_csv,
    yes_no,
)
from placement.csvtools import column_help as _column_help
from placement.csvtools import formdata as row_formdata
from placement.csvtools import language as csv_language
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
#: The profile columns: the young person's needs and tolerances (a job function's file names its offer).
_NEED_NAMES = {"structure": "Behov for struktur og rutiner", "predictability": "Behov for forudsigelighed",
               "pace": "Kan klare tempo og krav", "social_contact": "Kan klare social kontakt",
               "physical_load": "Kan klare fysisk belastning", "sensory_load": "Kan klare sansemæssig belastning",
               "independence": "Selvstændighed"}
#: The columns in export order: key → (Danish name, English name); an import takes either.
COLUMNS: Columns = {
    "name": ("Navn", "name"), "date_of_birth": ("Fødselsdato", "date_of_birth"),
    "home_municipality": ("Hjemkommune", "home_municipality"), "postcode": ("Postnummer", "postcode"),
    "cognitive": ("Kognitiv funktionsnedsættelse", "cognitive"),
    "psychological": ("Psykisk funktionsnedsættelse", "psychological"),
    "physical": ("Fysisk funktionsnedsættelse", "physical"), "disruptions": ("Funktionsforstyrrelser", "disruptions"),
    "health_notes": ("Noter om helbred", "health_notes"), "interests": ("Interesser", "interests"),
    "occupation_uris": ("Valgte stillingsbetegnelser (ESCO-URI)", "occupation_uris"),
    **{key: (_NEED_NAMES[key], key) for key in DIMENSION_KEYS},
    "support_need": ("Støttebehov", "support_need"), "support_notes": ("Om støtten", "support_notes"),
    "hours_min": ("Timer om ugen fra", "hours_min"), "hours_max": ("Timer om ugen til", "hours_max"),
    "max_km": ("Længste vej til arbejdet (km)", "max_km"), "transport": ("Kommer på arbejde", "transport"),
    "course_start": ("Forløbets start", "course_start"), "course_years": ("Forløbets længde (år)", "course_years"),
    "consent": ("Samtykke", "consent"), "consent_date": ("Dato for samtykke", "consent_date"),
    "consultant_email": ("Jobkonsulentens e-mail", "consultant_email"),
    "coordinator_email": ("Ungekoordinatorens e-mail", "coordinator_email"),
    "caseworker_email": ("Sagsbehandlerens e-mail", "caseworker_email"), "active": ("Aktiv", "active"),
}
REQUIRED: tuple[str, ...] = ("name", "date_of_birth", "home_municipality", "postcode", "course_start")

_FLAGS = ("cognitive", "psychological", "physical", "active")
_SPECIAL = frozenset({*_FLAGS, "disruptions", "occupation_uris", "transport", "consent", *PEOPLE_COLUMNS})
_FORM_FIELDS = tuple(c for c in COLUMNS if c not in _SPECIAL)
#: Form fields that a CSV column of another name feeds.
_FIELD_COLUMNS = {"occupation_ids": "occupation_uris", **{f: c for c, f in PEOPLE_COLUMNS.items()}}

DISRUPTIONS = Choices({Disruption.ANXIETY.value: ("angst", "anxiety"),
                       Disruption.DEPRESSION.value: ("depression", "depression"),
                       Disruption.SOCIAL_PHOBIA.value: ("socialfobi", "social_phobia"),
                       Disruption.RESIGNATION.value: ("resignation", "resignation"),
                       Disruption.ISOLATION.value: ("isolation", "isolation"),
                       Disruption.OTHER.value: ("andet", "other")},
                      {"social fobi": Disruption.SOCIAL_PHOBIA.value, "isolering": Disruption.ISOLATION.value})
TRANSPORT = Choices({Transport.WALKS.value: ("går", "walks"), Transport.BIKES.value: ("cykler", "bikes"),
                     Transport.PUBLIC.value: ("offentlig transport", "public"),
                     Transport.DRIVES.value: ("kører selv", "drives")},
                    {"cykel": Transport.BIKES.value, "offentlig": Transport.PUBLIC.value,
                     "bil": Transport.DRIVES.value})
CONSENT = Choices({Consent.GIVEN.value: ("givet", "given"), Consent.DECLINED.value: ("afvist", "declined"),
                   Consent.WITHDRAWN.value: ("trukket tilbage", "withdrawn")},
                  {"ja": Consent.GIVEN.value, "nej": Consent.DECLINED.value})
#: The consent a file gives when it records one (withdrawn is recorded on the consent history page).
_CONSENT_CODES = (Consent.GIVEN.value, Consent.DECLINED.value)

_HELP = {
    "date_of_birth": _l("YYYY-MM-DD (also DD-MM-YYYY). An age outside 18–30 at the course start is imported "
                        "with a warning."),
    "course_start": _l("YYYY-MM-DD (also DD-MM-YYYY)."),
    "consent_date": _l("YYYY-MM-DD; required when consent is given or declined."),
    "postcode": _l("A Danish postcode; the town and the coordinates follow from it."),
    "cognitive": lambda language: _yes_no_help(language, False),
    "psychological": lambda language: _yes_no_help(language, False),
    "physical": lambda language: _yes_no_help(language, False),
    "active": lambda language: _yes_no_help(language, True),
    "disruptions": lambda language: _("Separated by |: %(words)s.", words=DISRUPTIONS.listing(language)),
    "occupation_uris": _l("ESCO URIs of occupations known to the service, separated by |; may be empty."),
    "transport": lambda language: _("%(words)s. Empty: %(default)s.", words=TRANSPORT.listing(language),
                                    default=TRANSPORT.word(Transport.PUBLIC, language)),
    "consent": lambda language: _("%(words)s, or empty (not recorded).",
                                  words=CONSENT.listing(language, _CONSENT_CODES)),
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


def _yes_no_help(language: str, default: bool) -> str:
    return _("%(yes)s or %(no)s. Empty: %(default)s.", yes=yes_no(True, language), no=yes_no(False, language),
             default=yes_no(default, language))


def column_help(language: str) -> list[ColumnHelp]:
    """Describe the columns for the import page in a language, from the form's labels."""
    return _column_help(ParticipantForm, COLUMNS, REQUIRED, language, labels=_LABELS, descriptions=_HELP)


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
        self.today = sanity.today()

    def _choice(self, row: Row, column: str, choices: Choices, message) -> str | None:
        value = row.values.get(column, "")
        if not value:
            return None
        code = choices.read(value)
        if code is None:
            row.error(column, message)
        return code

    def check(self, row: Row) -> None:
        formdata = row_formdata(row, ParticipantForm, _FORM_FIELDS, flags=_FLAGS)
        formdata["course_years"] = row.values.get("course_years", "")  # an empty cell: length unknown, not 3
        language = csv_language()
        transport = self._choice(row, "transport", TRANSPORT, _("Use %(words)s.",
                                                                words=TRANSPORT.listing(language)))
        if transport:
            formdata["transport"] = transport
        consent = self._choice(row, "consent", CONSENT, _(
            "Use %(words)s, or leave the cell empty.", words=CONSENT.listing(language, _CONSENT_CODES)))
        formdata["consent"] = consent or ""
        for item in row.items("disruptions"):
            code = DISRUPTIONS.read(item)
            if code is None:
                row.error("disruptions", _("Unknown disruption %(code)s. Use %(codes)s.", code=item,
                                           codes=DISRUPTIONS.listing(language)))
            else:
                formdata.add("disruptions", code)
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
        # The age that matters is the age when the course started (as in the report's cohort), not today's.
        warning = services.age_warning(data["date_of_birth"], data["course_start"])
        if warning:
            self._warn(row, "date_of_birth", warning)
        self._duplicate_warnings(row, data)
        self.valid.append((row.line, data))

    def _warn(self, row: Row, column: str, message: str) -> None:
        self.report.warnings.append(row.problem(column, message))

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


def _row(p: Participant, language: str) -> list:
    return [p.name, _date(p.date_of_birth), p.home_municipality, p.postcode, yes_no(p.cognitive, language),
            yes_no(p.psychological, language), yes_no(p.physical, language),
            LIST_SEPARATOR.join(DISRUPTIONS.word(code, language) for code in p.disruptions or ()), p.health_notes,
            p.interests, LIST_SEPARATOR.join(o.uri for o in p.occupations),
            *(getattr(p, key) for key in DIMENSION_KEYS), p.support_need, p.support_notes, p.hours_min,
            p.hours_max, p.max_km, TRANSPORT.word(p.transport, language), _date(p.course_start), p.course_years,
            CONSENT.word(p.consent, language) if p.consent else "", _date(p.consent_date), _email(p.consultant),
            _email(p.coordinator), _email(p.caseworker), yes_no(p.active, language)]


def export_select() -> Select:
    """Return the young people to export, ordered, with what the export reads loaded up front."""
    return select(Participant).options(
        selectinload(Participant.occupations), selectinload(Participant.consultant),
        selectinload(Participant.coordinator), selectinload(Participant.caseworker),
    ).order_by(Participant.name, Participant.id)


def export_csv(participants: Iterable[Participant], language: str = DANISH) -> str:
    """Return these young people as CSV text that Danish Excel opens (the caller writes the audit entry).

    The column names and the words (ja/nej, transport, consent, disruptions) are in ``language``; no internal
    ids: the case people are named by e-mail, occupations by ESCO URI, as the import reads them."""
    return write_csv(column_names(COLUMNS, language), (_row(p, language) for p in participants))


def _example(language: str) -> dict:
    yes, no = yes_no(True, language), yes_no(False, language)
    return {
        "name": "Eksempel Jensen", "date_of_birth": "2001-05-17", "home_municipality": "Randers Kommune",
        "postcode": "8900", "cognitive": yes, "psychological": yes, "physical": no,
        "disruptions": DISRUPTIONS.word(Disruption.ANXIETY, language), "health_notes": "",
        "interests": "dyr, have, udendørs arbejde", "structure": 4, "predictability": 4, "pace": 2,
        "social_contact": 2, "sensory_load": 2, "support_need": 4,
        "support_notes": "Fast mentor og en kort snak hver morgen.", "hours_min": 10, "hours_max": 20, "max_km": 15,
        "transport": TRANSPORT.word(Transport.BIKES, language), "course_start": "2024-08-01", "course_years": 3,
        "consent": CONSENT.word(Consent.GIVEN, language), "consent_date": "2024-08-01", "active": yes,
    }


def example_csv(language: str = DANISH) -> str:
    """Return an example file with one valid row in a language (its case people are left empty)."""
    example = _example(language)
    return write_csv(column_names(COLUMNS, language),
                     [[example.get(key, 3 if key in DIMENSION_KEYS else "") for key in COLUMNS]])
