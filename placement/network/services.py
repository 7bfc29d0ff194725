"""The company network's operations: create, change, deactivate, list and search. Callers commit."""

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from placement import revisions
from placement.auth.models import Partnership
from placement.extensions import db
from placement.geo import lookup_known
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.network.search import SearchDocument, SearchIndex, normalise
from placement.profile import DIMENSION_KEYS

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


#: How many partnerships' search indexes one worker keeps (each admin's "all partnerships" index counts as one).
MAX_CACHED_INDEXES = 16
_indexes: revisions.Cache[SearchIndex] = revisions.Cache(MAX_CACHED_INDEXES)


def search_index(partnership_id: int | None) -> SearchIndex:
    """Return the fuzzy search index over a partnership's network (all partnerships when None).

    Built once per network revision (``placement.revisions``): kept until a company, mentor, job function or
    occupation changes, then rebuilt at the next search.
    """
    key = revisions.key(None if partnership_id is None else (partnership_id,), network=True)
    return _indexes.get((key, partnership_id), lambda: build_search_index(partnership_id))


def build_search_index(partnership_id: int | None) -> SearchIndex:
    """Build the fuzzy search index over a partnership's network (all partnerships when None)."""
    companies = select(Company).options(selectinload(Company.mentors),
                                        selectinload(Company.job_functions).selectinload(JobFunction.occupation))
    if partnership_id is not None:
        companies = companies.where(Company.partnership_id == partnership_id)
    documents = []
    for company in db.session.scalars(companies):
        documents.append(SearchDocument("company", company.id, company.name, f"{company.industry} {company.town}",
                                        identifiers=(company.cvr,) if company.cvr else ()))
        for mentor in company.mentors:
            documents.append(SearchDocument("mentor", mentor.id, mentor.name, company.name, context=company.name))
        for job in company.job_functions:
            occupation = ""
            if job.occupation is not None:
                occupation = f"{job.occupation.label} {' '.join(job.occupation.synonyms)}"
            documents.append(SearchDocument("job_function", job.id, job.title,
                                            f"{job.tasks} {occupation} {company.name} {company.industry}",
                                            context=company.name))
    return SearchIndex(documents)
