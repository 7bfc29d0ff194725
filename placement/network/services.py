"""The company network's operations: create, change, deactivate, list and search. Callers commit."""

from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import Select, func, or_, select

from placement import revisions
from placement.auth.models import Partnership
from placement.extensions import db
from placement.geo import lookup_known
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.network.search import SearchDocument, SearchIndex, normalise
from placement.profile import DIMENSION_KEYS
from placement.snapshots import SnapshotStore

#: Name similarity (rapidfuzz token-sort ratio on normalised names, 0–100) above which two companies in the
#: same postcode are likely the same one.
DUPLICATE_THRESHOLD = 88

COMPANY_FIELDS = ("cvr", "name", "address", "postcode", "town", "industry", "employees", "contact_name",
                  "contact_email", "contact_phone", "notes", "active")
MENTOR_FIELDS = ("name", "email", "phone", "experience_level", "experience_notes", "max_interns", "active")
JOB_FUNCTION_FIELDS = ("title", "tasks", "hours_min", "hours_max", "places", "location_address", "active",
                       *DIMENSION_KEYS)


def apply_company(company: Company, data: dict) -> Company:
    """Set a company's fields from validated data; town and coordinates follow the postcode."""
    for field in COMPANY_FIELDS:
        if field in data:
            setattr(company, field, data[field] if data[field] is not None or field == "employees" else "")
    if "kind" in data:
        company.kind = CompanyKind(data["kind"])
    place = lookup_known(company.postcode)
    company.town, company.latitude, company.longitude = place.town, place.latitude, place.longitude
    return company


def company_values(partnership: Partnership, data: dict) -> dict:
    """Return a new company's column values from validated data, as ``apply_company`` sets them (bulk import)."""
    values = {"partnership_id": partnership.id}
    for field in COMPANY_FIELDS:
        if field in data:
            values[field] = data[field] if data[field] is not None or field == "employees" else ""
    if "kind" in data:
        values["kind"] = CompanyKind(data["kind"])
    place = lookup_known(values["postcode"])
    values.update(town=place.town, latitude=place.latitude, longitude=place.longitude)
    return values


def create_company(partnership: Partnership, data: dict) -> Company:
    """Add a company to a partnership's network."""
    company = apply_company(Company(partnership=partnership), data)
    db.session.add(company)
    db.session.flush()
    return company


def likely_duplicate(partnership_id: int, name: str, postcode: str, exclude_id: int | None = None) -> Company | None:
    """Return a company of the partnership's network in the same postcode whose name is nearly the same, if any."""
    stmt = select(Company).where(Company.partnership_id == partnership_id, Company.postcode == postcode)
    if exclude_id is not None:
        stmt = stmt.where(Company.id != exclude_id)
    wanted = normalise(name)
    best, best_score = None, DUPLICATE_THRESHOLD
    for company in db.session.scalars(stmt):
        score = fuzz.token_sort_ratio(wanted, normalise(company.name))
        if score >= best_score:
            best, best_score = company, score
    return best


def apply_mentor(mentor: Mentor, data: dict) -> Mentor:
    """Set a mentor's fields from validated data."""
    for field in MENTOR_FIELDS:
        if field in data:
            setattr(mentor, field, data[field] if data[field] is not None else "")
    return mentor


def create_mentor(company: Company, data: dict) -> Mentor:
    """Add a mentor to a company."""
    mentor = apply_mentor(Mentor(company=company), data)
    db.session.add(mentor)
    db.session.flush()
    return mentor


def mentor_choices(company: Company | None, job_function: JobFunction | None = None) -> list[Mentor]:
    """Return the mentors a job function may name: the company's active ones, and the one it has already."""
    if company is None:
        return []
    return [m for m in company.mentors if m.active or (job_function is not None and m.id == job_function.mentor_id)]


def apply_job_function(job_function: JobFunction, data: dict) -> JobFunction:
    """Set a job function's fields from validated data; its own postcode, when given, sets its location."""
    for field in JOB_FUNCTION_FIELDS:
        if field in data:
            setattr(job_function, field, data[field] if data[field] is not None else "")
    if "mentor_id" in data:
        job_function.mentor_id = data["mentor_id"] or None
    if "occupation_id" in data:
        job_function.occupation_id = data["occupation_id"] or None
    if "location_postcode" in data:
        postcode = data["location_postcode"] or None
        job_function.location_postcode = postcode
        if postcode:
            place = lookup_known(postcode)
            job_function.location_town = place.town
            job_function.latitude, job_function.longitude = place.latitude, place.longitude
        else:
            job_function.location_town = ""
            job_function.latitude = job_function.longitude = None
    return job_function


def create_job_function(company: Company, data: dict) -> JobFunction:
    """Add a job function to a company."""
    job_function = apply_job_function(JobFunction(company=company), data)
    db.session.add(job_function)
    db.session.flush()
    return job_function


#: How many occupations the job-function form and page suggest at most.
MAX_SUGGESTED_OCCUPATIONS = 3


@dataclass(frozen=True, slots=True)
class OccupationSuggestion:
    """The ESCO occupations a job function's title (or else its tasks) names: ``source`` is "title" or "tasks"."""

    source: str
    occupations: list


def suggested_occupations(title: str, tasks: str = "") -> OccupationSuggestion | None:
    """The occupations to suggest for a job function without one: those its title names, else those its tasks name
    (preferred labels first, at most ``MAX_SUGGESTED_OCCUPATIONS``); None when neither names any."""
    from placement.occupations.services import occupations_named

    for source, text in (("title", title), ("tasks", tasks)):
        found = occupations_named(text or "")[:MAX_SUGGESTED_OCCUPATIONS]
        if found:
            return OccupationSuggestion(source, found)
    return None


def link_occupation(job_function: JobFunction, occupation_id: int) -> bool:
    """Link a job function without an occupation to one its title or tasks name (the page's *Link* action).

    False, changing nothing, when it has an occupation already or the occupation is not among the suggestions.
    """
    if job_function.occupation_id is not None:
        return False
    suggestion = suggested_occupations(job_function.title, job_function.tasks)
    if suggestion is None or occupation_id not in {o.id for o in suggestion.occupations}:
        return False
    job_function.occupation_id = occupation_id
    return True


class TitleResolver:
    """The import's automatic link: the one ESCO occupation a job function's title names unambiguously.

    The rule: the title (as Danish word stems, like ``occupations_named``) names exactly one occupation through
    its preferred label or synonyms; or it names several, and exactly one of them through its preferred label
    (that one is taken: "Lagerarbejder" is the preferred label of *lagerarbejder* and a synonym of two others).
    Otherwise (nothing named, several preferred labels, or only synonyms of several occupations, e.g.
    "Køkkenmedhjælper") no occupation is linked. Only the title counts, never the tasks. One resolver per import:
    each distinct title is resolved once.
    """

    def __init__(self) -> None:
        from placement.occupations.services import matching_catalogue

        self._catalogue = matching_catalogue()
        self._ids: dict[str, int] | None = None
        self._seen: dict[tuple[str, ...], int | None] = {}

    def occupation_id(self, title: str) -> int | None:
        """The id of the occupation the title names unambiguously, or None."""
        from placement.matching.catalogue import LABEL
        from placement.matching.danish import stems
        from placement.occupations.models import Occupation

        key = tuple(stems(title or ""))
        if key in self._seen:
            return self._seen[key]
        named = self._catalogue.resolve(key)
        labels = [n for n in named if n.kind == LABEL]
        chosen = named[0] if len(named) == 1 else labels[0] if len(labels) == 1 else None
        found = None
        if chosen is not None:
            if self._ids is None:  # one query per import
                self._ids = dict(db.session.execute(select(Occupation.uri, Occupation.id)).all())
            found = self._ids.get(chosen.occupation.key)
        self._seen[key] = found
        return found


def coordinates(job_function: JobFunction) -> tuple[float, float] | None:
    """Return where the work happens: the job function's own location, else the company's."""
    if job_function.latitude is not None and job_function.longitude is not None:
        return job_function.latitude, job_function.longitude
    company = job_function.company
    if company.latitude is None or company.longitude is None:
        return None
    return company.latitude, company.longitude


@dataclass(frozen=True, slots=True)
class CompanyFilters:
    q: str = ""
    kind: str = ""
    status: str = "active"
    postcode: str = ""
    sort: str = "name"


COMPANY_SORTS = {
    "name": (Company.name, Company.id),
    "town": (Company.town, Company.name, Company.id),
    "newest": (Company.created_at.desc(), Company.id.desc()),
}


def company_query(base: Select, filters: CompanyFilters) -> Select:
    """Filter and sort a company listing."""
    stmt = base
    if filters.q:
        stmt = stmt.where(func.lower(Company.name).contains(filters.q.lower()))
    if filters.kind in {k.value for k in CompanyKind}:
        stmt = stmt.where(Company.kind == CompanyKind(filters.kind))
    if filters.status == "active":
        stmt = stmt.where(Company.active)
    elif filters.status == "inactive":
        stmt = stmt.where(~Company.active)
    if filters.postcode:
        stmt = stmt.where(Company.postcode == filters.postcode)
    return stmt.order_by(*COMPANY_SORTS.get(filters.sort, COMPANY_SORTS["name"]))


#: How many partnerships' search indexes one worker keeps (and one of all partnerships, for admins).
MAX_CACHED_INDEXES = 16
#: Changed rows beyond which a partnership's index is built again rather than updated (a bulk change).
MAX_UPDATED_ROWS = 2000
_indexes: revisions.Cache[SearchIndex] = revisions.Cache(1)  # of all partnerships (an admin's)
_partnership_indexes: revisions.Incremental[SearchIndex] = revisions.Incremental(
    MAX_CACHED_INDEXES, store=SnapshotStore("search", code=[Path(__file__), Path(__file__).with_name("search.py")]))


def search_index(partnership_id: int | None) -> SearchIndex:
    """Return the fuzzy search index over a partnership's network (all partnerships when None).

    A partnership's index is built once (per worker) and then kept current row by row (``revisions.Incremental``):
    each company, mentor or job function changed since replaces its documents (a company those of its mentors and
    job functions too: they carry its name and industry), which costs milliseconds; a change that cannot be followed
    so (a deletion, an occupation, a bulk import) builds it again. The index of all partnerships is built again at
    the first search after any network changed.
    """
    if partnership_id is None:  # one kept: a newer one replaces it
        return _indexes.get(revisions.key(None, network=True), lambda: build_search_index(None), slot="all")
    return _partnership_indexes.get(partnership_id, lambda: build_search_index(partnership_id),
                                    lambda index, changes: _updated_search_index(index, partnership_id, changes))


def build_search_index(partnership_id: int | None) -> SearchIndex:
    """Build the fuzzy search index over a partnership's network (all partnerships when None)."""
    return SearchIndex(_search_documents(partnership_id))


def _updated_search_index(index: SearchIndex, partnership_id: int,
                          changes: revisions.NetworkChanges) -> SearchIndex:
    """A new index: ``index`` with the documents of the changed rows read again (``index`` stays as it was)."""
    if len(changes) > MAX_UPDATED_ROWS:
        return build_search_index(partnership_id)
    removed = {("company", ident) for ident in changes.company_ids}
    removed |= {("mentor", ident) for ident in changes.mentor_ids}
    removed |= {("job_function", ident) for ident in changes.job_function_ids}
    return index.updated(removed, _search_documents(partnership_id, changes))


def _search_documents(partnership_id: int | None, changes: revisions.NetworkChanges | None = None
                      ) -> list[SearchDocument]:
    """The search documents of a partnership's network (all partnerships' when None), read as plain columns.

    With ``changes``, only those of the changed rows: the changed companies with all their mentors and job
    functions, and the changed mentors and job functions.
    """
    from placement.occupations.models import Occupation

    companies = select(Company.id, Company.name, Company.industry, Company.town, Company.cvr)
    mentors = select(Mentor.id, Mentor.name, Mentor.company_id)
    jobs = select(JobFunction.id, JobFunction.title, JobFunction.tasks, JobFunction.company_id,
                  JobFunction.occupation_id)
    if partnership_id is not None:
        companies = companies.where(Company.partnership_id == partnership_id)
        mentors = mentors.join(Mentor.company).where(Company.partnership_id == partnership_id)
        jobs = jobs.join(JobFunction.company).where(Company.partnership_id == partnership_id)
    if changes is not None:  # (an empty IN would keep SQLite from its indexes)
        mentors = _where_any(mentors, (Mentor.company_id, changes.company_ids), (Mentor.id, changes.mentor_ids))
        jobs = _where_any(jobs, (JobFunction.company_id, changes.company_ids),
                          (JobFunction.id, changes.job_function_ids))
    mentor_rows = db.session.execute(mentors).all() if mentors is not None else []
    job_rows = db.session.execute(jobs).all() if jobs is not None else []
    if changes is not None:  # the changed rows' companies (for their names) too
        named = changes.company_ids | {row.company_id for row in (*mentor_rows, *job_rows)}
        companies = companies.where(Company.id.in_(sorted(named)))
    company_rows = {row.id: row for row in db.session.execute(companies)}
    occupation_ids = sorted({row.occupation_id for row in job_rows if row.occupation_id is not None})
    occupations = {}
    for ident, label, alt_labels in db.session.execute(
            select(Occupation.id, Occupation.label, Occupation.alt_labels).where(Occupation.id.in_(occupation_ids))):
        synonyms = [s for s in alt_labels.splitlines() if s.strip()]  # as Occupation.synonyms
        occupations[ident] = f"{label} {' '.join(synonyms)}"

    # Each part of a text on a line of its own: the index reads each distinct line once.
    documents = [SearchDocument("company", c.id, c.name, f"{c.industry}\n{c.town}",
                                identifiers=(c.cvr,) if c.cvr else ())
                 for c in company_rows.values() if changes is None or c.id in changes.company_ids]
    for mentor in mentor_rows:
        company = company_rows[mentor.company_id]
        documents.append(SearchDocument("mentor", mentor.id, mentor.name, company.name, context=company.name))
    for job in job_rows:
        company = company_rows[job.company_id]
        occupation = occupations.get(job.occupation_id, "")
        documents.append(SearchDocument("job_function", job.id, job.title,
                                        f"{job.tasks}\n{occupation}\n{company.name}\n{company.industry}",
                                        context=company.name))
    return documents


def _where_any(stmt: Select, *conditions: tuple) -> Select | None:
    """``stmt`` with the rows whose column is one of the ids, for any (column, ids) given; None if there are no ids."""
    chosen = [column.in_(sorted(ids)) for column, ids in conditions if ids]
    return stmt.where(or_(*chosen)) if chosen else None
