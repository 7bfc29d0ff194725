"""Synthetic, deterministic demo data: the report's four partnerships with a company network, demo logins and
young people.

Everything here is invented: company names, people, e-mail addresses (``@example.dk``, ``@demo.example``)
and phone numbers. Only the postcodes are real (from the postcode table, which also gives the coordinates),
and the four partnerships are the ones named in the report. The same random seed gives the same data on
every run (young people's dates are relative to the day of seeding, so their ages and courses stay current).

Ringkøbing-Skjern holds a worked example for the matching screens: Mikkel Dyrholm (``MATCHING_EXAMPLE``), who
likes animals and needs a calm, predictable workplace within 15 km of Skjern. Its network holds, besides the
generated companies (``SCENARIO_COMPANIES``), a hectic restaurant kitchen in Skjern, a calm horse pension in
Tarm and a calm calf farm in Janderup, about 38 km away: too far for him.

So that the dashboard and the progress pages have something to show, the seed also gives every partnership the
report's targets, progress measurements for every young person (at the start and about every six months; one in
Ringkøbing-Skjern is overdue) and two years of internships: earlier ones imported as they ended
(``placement.agreements.history``), mostly in a hire, and a few under way through the workflow (one with a missed
follow-up, one plan waiting for the mentor login's answer). Mikkel's progress is the report's example
(+1, +0, +2, +1 = +4); his one earlier internship ended without a hire, so his matching stays as described.

The course around the internship (``placement.goals``, ``placement.course``) is shown on Mikkel: his own goals in
the learning circle (one reached and the goal that follows it, one new) with two self-assessments, a network
meeting with an open action owned by the demo consultant, his first three status notes final and shared with the
caseworker, and the fourth, overdue, as a draft.

Every hire has its four job checks (1, 3, 6 and 12 months after the job's start, ``placement.retention``): the
history import schedules them. Most of those already due are answered by the consultant a few days after the due
day (mostly still employed, with the weekly hours; some no longer, with the reason; a few unknown), from a random
seed of their own; the most recent ones are often left open, so the start pages list checks that are due.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from placement.agreements import history, plans
from placement.agreements import services as agreements
from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, PlaceAfterHire, State
from placement.agreements.services import Actor
from placement.audit.services import set_actor
from placement.auth.models import Partnership, Role, User
from placement.auth.services import create_user
from placement.course import services as course
from placement.extensions import db
from placement.geo.postcodes import lookup, postcode_distance_km
from placement.goals import services as goals
from placement.goals.models import GoalState
from placement.network.cvr import make_valid_cvr
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Disruption, Participant, Transport
from placement.participants.services import add_years, local_today
from placement.profile import DIMENSION_KEYS, SCALE_MAX, SCALE_MIN
from placement.progress.models import PARAMETER_KEYS
from placement.progress.services import add_months, record_measurement
from placement.reports.services import save_targets
from placement.retention import services as retention
from placement.retention.models import Employment
from placement.workdays import is_workday

__all__ = ["COMPANY_TOTAL", "DEMO_LOGINS", "DEMO_PASSWORD", "DEMO_TARGETS", "EXAMPLE_MEASUREMENTS", "MATCHING_EXAMPLE",
           "PARTNERSHIPS", "SCENARIO_COMPANIES", "has_data", "seed_demo"]

SEED = 2019
#: The password of every demo login: published on purpose, never use it for real accounts.
DEMO_PASSWORD = "demo-password-2019"  # noqa: S105  # nosec B105

#: A range (lo, hi) for random.randint, or one fixed value.
Span = int | tuple[int, int]


@dataclass(frozen=True)
class JobTemplate:
    title: str
    tasks: str
    #: Per profile dimension a fixed 1–5 value or a (lo, hi) range; missing dimensions are 3.
    profile: dict[str, Span]
    hours_min: Span = (10, 15)
    hours_max: Span = (20, 30)
    #: Danish ESCO label to link when the occupations table has it.
    occupation: str | None = None


@dataclass(frozen=True)
class Trade:
    industry: str
    employees: tuple[int, int]
    jobs: tuple[JobTemplate, ...]
    notes: tuple[str, ...]
    kind: CompanyKind = CompanyKind.ORDINARY
    rural: bool = False


@dataclass(frozen=True)
class CompanySpec:
    trade: str
    name: str
    postcode: str
    #: The owner's family name, when the company is named after it (used for the contact person).
    surname: str | None = None


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    municipality: str
    education_place: str
    postcode: str
    companies: tuple[CompanySpec, ...]


# --- trades -------------------------------------------------------------------------------------------

_FARM_NOTE = "Travlt i forårs- og høstsæsonen; opstart af nye praktikanter helst i efteråret eller vinteren."

TRADES: dict[str, Trade] = {
    "kvaeg": Trade(
        "Kvægbrug", (2, 8), rural=True,
        notes=(_FARM_NOTE, "Malkning kl. 5 og kl. 16; praktikanten møder ikke til morgenmalkningen."),
        jobs=(
            JobTemplate(
                "Landbrugsmedhjælper",
                "Daglig fodring af køer og kalve efter fast fodringsplan, udmugning og ny strøelse i "
                "stalden, fejning af foderbord og rengøring af malkestald efter malkning. Faste tider i "
                "et landbrug med ca. 180 malkekøer.",
                {"structure": (4, 5), "predictability": 4, "pace": 3, "social_contact": 2, "physical_load": 4,
                 "sensory_load": (3, 4), "independence": (2, 3)},
                (12, 20), (25, 32), "landbrugsmedhjælper"),
            JobTemplate(
                "Kalvepasser",
                "Fodring af kalve med mælk og kraftfoder morgen og eftermiddag, strøelse i kalvebokse, "
                "vask af mælkespande og afkrydsning af fodringen på skemaet i stalden.",
                {"structure": 5, "predictability": 4, "pace": 2, "social_contact": 2, "physical_load": (3, 4),
                 "sensory_load": 3, "independence": (2, 3)},
                (10, 15), (20, 30), "dyrepasser"),
            JobTemplate(
                "Staldmedhjælper (udmugning og rengøring)",
                "Udmugning med minilæsser efter oplæring, skrabning af gange, kalkning af sengebåse og "
                "oprydning i foderladen. Samme rækkefølge hver dag i stalden.",
                {"structure": 5, "predictability": 5, "pace": 2, "social_contact": (1, 2), "physical_load": 4,
                 "sensory_load": 4, "independence": 3},
                (10, 15), (20, 25)),
        )),
    "svin": Trade(
        "Svinebrug", (3, 12), rural=True,
        notes=(_FARM_NOTE,
               "Strenge hygiejneregler: bad ind og ud af stalden, arbejdstøj stilles til rådighed."),
        jobs=(
            JobTemplate(
                "Landbrugsmedhjælper i svinestald",
                "Fodring og tilsyn med smågrise, strøelse og rengøring af stier, hjælp ved flytning af grise "
                "sammen med mentor. Faste rutiner i et landbrug med soer og smågrise; bad ind og ud af "
                "stalden.",
                {"structure": (4, 5), "predictability": 4, "pace": 3, "social_contact": 2, "physical_load": 4,
                 "sensory_load": (4, 5), "independence": (2, 3)},
                (12, 20), (25, 32), "landbrugsmedhjælper"),
            JobTemplate(
                "Vaskemedhjælper i stald",
                "Iblødsætning, højtryksvask og desinfektion af tomme stier efter fast vaskeplan, tørring og "
                "klargøring af stald til næste hold grise.",
                {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 1, "physical_load": 4,
                 "sensory_load": 5, "independence": (3, 4)},
                (10, 15), (20, 30)),
        )),
    "planteavl": Trade(
        "Landbrug (planteavl)", (1, 5), rural=True,
        notes=(_FARM_NOTE, "Om vinteren mest værkstedsarbejde og vedligehold af maskiner."),
        jobs=(
            JobTemplate(
                "Landbrugsmedhjælper (mark og maskinhus)",
                "Vask og klargøring af maskiner, stenopsamling og hjælp ved såning og høst i landbruget, "
                "fejning og oprydning i maskinhus og lade. I vinterhalvåret fodring af gårdens får og stald-"
                "arbejde.",
                {"structure": 3, "predictability": 3, "pace": 3, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 3, "independence": 3},
                (12, 20), (25, 32), "landbrugsmedhjælper"),
            JobTemplate(
                "Gårdmedhjælper",
                "Græsslåning og hækklipning omkring gården, maling af hegn og porte, oprydning i laden og "
                "sortering af affald til genbrug efter fast ugeplan.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 1, "physical_load": 3,
                 "sensory_load": 2, "independence": 3},
                (10, 12), (15, 25)),
        )),
    "gartneri": Trade(
        "Gartneri", (4, 25),
        notes=("Højsæson fra marts til juni; mange ensartede opgaver ved bordene.",
               "Arbejdet foregår i væksthus: varmt om sommeren."),
        jobs=(
            JobTemplate(
                "Gartnerimedhjælper",
                "Potning af stiklinger, udplantning i bakker, vanding efter skema og oprydning mellem "
                "bordene i væksthuset.",
                {"structure": (4, 5), "predictability": 4, "pace": 3, "social_contact": (2, 3),
                 "physical_load": 3, "sensory_load": 2, "independence": (2, 3)},
                (10, 15), (20, 30), "gartnerimedhjælper"),
            JobTemplate(
                "Pakkemedhjælper",
                "Pakning af potteplanter i kasser og på vogne efter ordreseddel, påsætning af etiketter og "
                "klargøring af vogne til afhentning.",
                {"structure": 5, "predictability": 4, "pace": (3, 4), "social_contact": 3, "physical_load": 3,
                 "sensory_load": 2, "independence": 2},
                (10, 15), (20, 30)),
        )),
    "planteskole": Trade(
        "Planteskole", (3, 15),
        notes=("Udendørs arbejde året rundt; arbejdstøj og -støvler udleveres.",),
        jobs=(
            JobTemplate(
                "Planteskolemedhjælper",
                "Lugning og ompotning af buske og træer, vanding, beskæring efter vist eksempel og opsætning "
                "af prisskilte.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 2, "physical_load": (3, 4),
                 "sensory_load": 2, "independence": (2, 3)},
                (10, 15), (20, 30), "gartnerimedhjælper"),
            JobTemplate(
                "Medhjælper i salgsområdet",
                "Opfyldning af planter i salgsområdet, vanding, oprydning af vogne og hjælp til kunder "
                "med at bære planter ud til bilen.",
                {"structure": 3, "predictability": 3, "pace": 3, "social_contact": 4, "physical_load": 3,
                 "sensory_load": 2, "independence": 2},
                (8, 12), (15, 25)),
        )),
    "kantine": Trade(
        "Kantine / storkøkken", (4, 18),
        notes=("Frokost serveres kl. 11.30; travlt fra kl. 10 til 13.",
               "Hygiejnekursus gennemgås første dag."),
        jobs=(
            JobTemplate(
                "Køkkenmedhjælper",
                "Skylning og snitning af grøntsager efter opskrift, anretning af salater, opfyldning af "
                "buffet og aftørring af borde efter frokost. Fast dagsrytme med frokost kl. 11.30.",
                {"structure": 4, "predictability": 4, "pace": (4, 5), "social_contact": (3, 4),
                 "physical_load": 3, "sensory_load": 4, "independence": (2, 3)},
                (10, 15), (20, 30), "køkkenmedhjælper"),
            JobTemplate(
                "Opvasker",
                "Opvask af service, gryder og bakker i opvaskemaskine, sortering af returvogne og rengøring "
                "af opvaskeområdet efter fast tjekliste.",
                {"structure": 5, "predictability": 4, "pace": 4, "social_contact": 2, "physical_load": 3,
                 "sensory_load": (4, 5), "independence": 3},
                (10, 15), (18, 25), "opvasker"),
            JobTemplate(
                "Medhjælper til smørrebrød og kolde retter",
                "Smøring af smørrebrød og sandwich efter billedvejledning, pakning af mødemad og mærkning "
                "med dato og indhold.",
                {"structure": 5, "predictability": 4, "pace": 4, "social_contact": 3, "physical_load": 2,
                 "sensory_load": 4, "independence": 2},
                (8, 12), (15, 25)),
        )),
    "rengoering": Trade(
        "Rengøring", (5, 40),
        notes=("Opgaverne ligger hos faste kunder; mentor kører med de første uger.",
               "Mange opgaver tidligt om morgenen eller sidst på eftermiddagen."),
        jobs=(
            JobTemplate(
                "Rengøringsassistent",
                "Rengøring af kontorer, køkkener og toiletter efter fast rengøringsplan, tømning af "
                "skraldespande og påfyldning af sæbe og papir.",
                {"structure": 5, "predictability": 4, "pace": 3, "social_contact": 2, "physical_load": 3,
                 "sensory_load": 2, "independence": (3, 4)},
                (8, 15), (20, 30), "rengøringsassistent"),
            JobTemplate(
                "Medhjælper ved hovedrengøring",
                "Afvaskning af vægge, døre og paneler, vinduespudsning indvendigt og gulvvask med maskine "
                "sammen med en fast kollega.",
                {"structure": 4, "predictability": 3, "pace": 3, "social_contact": 3, "physical_load": 4,
                 "sensory_load": 3, "independence": 2},
                (8, 12), (15, 25)),
        )),
    "lager": Trade(
        "Lager og logistik", (8, 60),
        notes=("Sikkerhedssko stilles til rådighed. Kan ikke tilbyde truckarbejde uden truckcertifikat.",
               "Faste pluk- og pakkeruter; der arbejdes med håndscanner."),
        jobs=(
            JobTemplate(
                "Lagermedarbejder",
                "Plukning af varer efter plukliste med håndscanner, pakning i kasser, påsætning af labels og "
                "klargøring af paller til afsendelse.",
                {"structure": 5, "predictability": 4, "pace": (3, 4), "social_contact": (2, 3),
                 "physical_load": (3, 4), "sensory_load": 3, "independence": 3},
                (10, 15), (25, 32), "lagerarbejder"),
            JobTemplate(
                "Medhjælper ved varemodtagelse",
                "Udpakning og optælling af indgående varer, kontrol mod følgeseddel og placering af varer på "
                "faste lokationer på lageret.",
                {"structure": 5, "predictability": 4, "pace": 3, "social_contact": 2, "physical_load": 3,
                 "sensory_load": 3, "independence": 3},
                (10, 15), (20, 30), "lagerarbejder"),
            JobTemplate(
                "Emballagemedhjælper",
                "Samling af papkasser, sortering af pap og plast til genbrug, fejning af lagergange og "
                "opfyldning af emballage ved pakkebordene.",
                {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 1, "physical_load": 3,
                 "sensory_load": 3, "independence": 3},
                (8, 12), (15, 25)),
        )),
    "dagligvarer": Trade(
        "Dagligvarehandel", (5, 30),
        notes=("Varelevering mandag og torsdag formiddag.", "Butikken har faste opgaver før åbningstid."),
        jobs=(
            JobTemplate(
                "Butiksmedhjælper (varepåfyldning)",
                "Opfyldning af varer på hylder og i køledisk, datokontrol, opretning af varer på hylderne og "
                "oprydning på baglageret.",
                {"structure": 4, "predictability": 4, "pace": 3, "social_contact": (3, 4), "physical_load": 3,
                 "sensory_load": 3, "independence": 3},
                (8, 15), (20, 30), "butiksmedhjælper"),
            JobTemplate(
                "Medhjælper i frugt og grønt",
                "Sortering og opfyldning af frugt og grønt, frasortering af dårlige varer og vask af kasser "
                "hver morgen før åbning.",
                {"structure": 5, "predictability": 4, "pace": 3, "social_contact": 3, "physical_load": 2,
                 "sensory_load": 3, "independence": 2},
                (8, 12), (15, 25)),
            JobTemplate(
                "Flaskeretur og pladsarbejde",
                "Tømning af flaskeautomaten, sortering af returkasser, indsamling af indkøbsvogne og fejning "
                "foran butikken.",
                {"structure": 5, "predictability": 4, "pace": 2, "social_contact": 2, "physical_load": 3,
                 "sensory_load": 3, "independence": 3},
                (6, 10), (12, 20)),
        )),
    "maskinstation": Trade(
        "Maskinstation", (6, 25), rural=True,
        notes=("Lange dage i høstsæsonen; praktikanten har faste timer og arbejder ikke aften.",
               "Værkstedet har fast morgenmøde kl. 7.00, hvor dagens opgaver fordeles."),
        jobs=(
            JobTemplate(
                "Værkstedsmedhjælper",
                "Vask og smøring af traktorer og redskaber, oprydning og fejning i værkstedet og hjælp til "
                "mekanikeren ved skift af dæk og sliddele.",
                {"structure": 4, "predictability": 3, "pace": 3, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 4, "independence": (2, 3)},
                (12, 20), (25, 32), "landbrugsmaskinmekaniker"),
            JobTemplate(
                "Pladsmand",
                "Oprydning på pladsen, græsslåning, fejning, sortering af skrot og olie til genbrug og orden "
                "på reservedelslageret efter hyldeplan.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 1, "physical_load": 3,
                 "sensory_load": 3, "independence": 4},
                (10, 15), (20, 30)),
            JobTemplate(
                "Medhjælper ved markarbejde",
                "Hjælp ved halmbjærgning, stenopsamling og rengøring af maskiner efter endt opgave; kører "
                "med en fast chauffør ude hos landbrugskunderne.",
                {"structure": 2, "predictability": 2, "pace": 4, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 4, "independence": 2},
                (10, 15), (20, 30)),
        )),
    "autovaerksted": Trade(
        "Autoværksted", (3, 12),
        notes=("Dækskiftesæson i oktober–november og marts–april.",),
        jobs=(
            JobTemplate(
                "Værkstedsmedhjælper (bilværksted)",
                "Dækskifte og afbalancering efter instruktion, opfyldning af sprinklervæske, oprydning og "
                "rengøring af værktøj og gulv.",
                {"structure": 4, "predictability": 3, "pace": 3, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 4, "independence": 2},
                (10, 15), (20, 30), "automekaniker"),
            JobTemplate(
                "Bilklargører",
                "Indvendig og udvendig rengøring af biler efter tjekliste, støvsugning, vinduespudsning og "
                "parkering af biler på pladsen.",
                {"structure": 5, "predictability": 4, "pace": 3, "social_contact": 2, "physical_load": 3,
                 "sensory_load": 3, "independence": 3},
                (8, 12), (15, 25), "bilklargører"),
        )),
    "dyrepension": Trade(
        "Dyrepension", (1, 6), rural=True,
        notes=("Travlt i skoleferierne; roligt i januar og februar.",),
        jobs=(
            JobTemplate(
                "Dyrepassermedhjælper",
                "Fodring af hunde og katte efter fast fodringsskema, rengøring af bure og løbegårde og "
                "luftning af hunde på faste ruter.",
                {"structure": 4, "predictability": (3, 4), "pace": 2, "social_contact": 2, "physical_load": 3,
                 "sensory_load": 4, "independence": (2, 3)},
                (10, 15), (20, 30), "dyrepasser"),
            JobTemplate(
                "Medhjælper til vask og pels",
                "Badning og børstning af hunde sammen med mentor, vask af tæpper og skåle, og oprydning i "
                "trimmerummet.",
                {"structure": 4, "predictability": 3, "pace": 2, "social_contact": 3, "physical_load": 2,
                 "sensory_load": 4, "independence": 2},
                (6, 10), (12, 20)),
        )),
    "dyrepark": Trade(
        "Dyrepark", (4, 20), rural=True,
        notes=("Sæsonåbent april–oktober; om vinteren pasning af dyr og vedligehold.",),
        jobs=(
            JobTemplate(
                "Dyrepassermedhjælper (dyrepark)",
                "Fodring af geder, får, grise og fugle, udmugning af stalde og indhegninger, rengøring af "
                "drikkekar og hjælp i klappezoo i sommerferien.",
                {"structure": 4, "predictability": 3, "pace": 3, "social_contact": 3, "physical_load": 4,
                 "sensory_load": 4, "independence": (2, 3)},
                (10, 15), (20, 30), "dyrepasser"),
            JobTemplate(
                "Medhjælper til park og vedligehold",
                "Rivning af blade, græsslåning, tømning af skraldespande i parken og enkle reparationer af "
                "hegn sammen med mentor.",
                {"structure": 3, "predictability": 3, "pace": 2, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 2, "independence": 3},
                (10, 15), (20, 30)),
        )),
    "rideskole": Trade(
        "Rideskole", (2, 8), rural=True,
        notes=("Rideundervisning om eftermiddagen; staldarbejdet ligger om formiddagen.",),
        jobs=(
            JobTemplate(
                "Staldmedhjælper (rideskole)",
                "Udmugning af bokse, fodring af heste med hø og kraftfoder, strigling, fejning af stald og "
                "ridehus og trække heste ud på fold.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 2, "physical_load": 4,
                 "sensory_load": 3, "independence": (2, 3)},
                (10, 15), (20, 30), "staldmedhjælper"),
            JobTemplate(
                "Medhjælper ved ridehold",
                "Klargøring af heste til rideholdene, opsadling sammen med underviseren og oprydning af "
                "sadelrum efter holdene.",
                {"structure": 3, "predictability": 3, "pace": 3, "social_contact": 4, "physical_load": 3,
                 "sensory_load": 3, "independence": 2},
                (6, 10), (12, 20)),
        )),
    # The education places' own social-economic workplaces.
    "se_cafe": Trade(
        "Café (socialøkonomisk)", (4, 12), kind=CompanyKind.SOCIAL_ECONOMIC,
        notes=("Uddannelsesstedets egen café; åben for gæster på hverdage kl. 9–14.",),
        jobs=(
            JobTemplate(
                "Cafémedhjælper",
                "Smøring af sandwich, bagning af boller efter opskrift, betjening af kassen med støtte, "
                "opvask og aftørring af borde.",
                {"structure": 4, "predictability": 4, "pace": 3, "social_contact": 4, "physical_load": 2,
                 "sensory_load": 3, "independence": 2},
                (6, 10), (15, 25), "cafémedarbejder"),
            JobTemplate(
                "Køkkenmedhjælper (café)",
                "Forberedelse af dagens ret efter billedopskrift, skrælning og snitning af grøntsager, "
                "opvask og rengøring af køkkenet efter tjekliste.",
                {"structure": 5, "predictability": 4, "pace": 3, "social_contact": 3, "physical_load": 2,
                 "sensory_load": 3, "independence": 2},
                (6, 10), (15, 25), "køkkenmedhjælper"),
        )),
    "se_genbrug": Trade(
        "Genbrugsbutik (socialøkonomisk)", (3, 8), kind=CompanyKind.SOCIAL_ECONOMIC,
        notes=("Uddannelsesstedets egen genbrugsbutik; modtager varer fra lokale borgere.",),
        jobs=(
            JobTemplate(
                "Butiksmedhjælper i genbrugsbutik",
                "Sortering af indleverede ting, prismærkning efter prisliste, opfyldning af hylder og "
                "oprydning i butikken.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 3, "physical_load": 2,
                 "sensory_load": 2, "independence": 2},
                (6, 10), (15, 25), "butiksmedhjælper"),
            JobTemplate(
                "Medhjælper ved afhentning",
                "Afhentning af møbler hos borgere sammen med chaufføren, bæring og læsning af varebil og "
                "opstilling af møbler i butikken.",
                {"structure": 3, "predictability": 2, "pace": 3, "social_contact": 3, "physical_load": 4,
                 "sensory_load": 3, "independence": 2},
                (6, 10), (15, 25)),
        )),
    "se_vaerksted": Trade(
        "Værksted (socialøkonomisk)", (3, 10), kind=CompanyKind.SOCIAL_ECONOMIC,
        notes=("Uddannelsesstedets eget værksted; producerer til lokale virksomheder og kommunen.",),
        jobs=(
            JobTemplate(
                "Værkstedsmedhjælper (træ)",
                "Slibning og samling af fuglekasser, bænke og plantekasser efter skabelon, enkel maling og "
                "oprydning ved maskinerne.",
                {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 3, "physical_load": 3,
                 "sensory_load": (3, 4), "independence": 2},
                (6, 10), (15, 25)),
            JobTemplate(
                "Montage- og pakkemedhjælper",
                "Enkel montage og pakning af småvarer for lokale virksomheder, optælling i poser og kasser "
                "efter vejledning med billeder.",
                {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 3, "physical_load": 1,
                 "sensory_load": 2, "independence": 2},
                (6, 10), (15, 25)),
            JobTemplate(
                "Medhjælper i grøn service",
                "Græsslåning, hækklipning og lugning hos faste kunder, rengøring af redskaber efter dagens "
                "arbejde.",
                {"structure": 4, "predictability": 3, "pace": 2, "social_contact": 3, "physical_load": 3,
                 "sensory_load": 2, "independence": 2},
                (6, 10), (15, 25), "gartnerimedhjælper"),
        )),
    "se_landbrug": Trade(
        "Skolelandbrug (socialøkonomisk)", (3, 10), kind=CompanyKind.SOCIAL_ECONOMIC, rural=True,
        notes=("Uddannelsesstedets egen skolegård med får, høns, grise og en lille gårdbutik.",),
        jobs=(
            JobTemplate(
                "Landbrugsmedhjælper (skolegård)",
                "Fodring af får, grise og høns, udmugning af stald, indsamling og pakning af æg og vanding "
                "af dyr efter fast plan på skolegårdens landbrug.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 3, "physical_load": 3,
                 "sensory_load": 3, "independence": 2},
                (6, 10), (15, 25), "landbrugsmedhjælper"),
            JobTemplate(
                "Medhjælper i gårdbutik",
                "Opfyldning af æg, grøntsager og honning i gårdbutikken, prismærkning og rengøring af "
                "køledisk.",
                {"structure": 4, "predictability": 4, "pace": 2, "social_contact": 4, "physical_load": 2,
                 "sensory_load": 2, "independence": 2},
                (6, 10), (12, 20), "butiksmedhjælper"),
        )),
}

# --- the report's four partnerships -------------------------------------------------------------------------


def _c(trade: str, name: str, postcode: str, surname: str | None = None) -> CompanySpec:
    return CompanySpec(trade, name, postcode, surname)


PARTNERSHIPS: tuple[PartnershipSpec, ...] = (
    PartnershipSpec(
        "Ringkøbing-Skjern", "Ringkøbing-Skjern Kommune", "Erhvervsskolen Vestjylland, Borris", "6900", (
        _c("maskinstation", "Hansens Maskinstation ApS", "6900", "Hansen"),
        _c("kvaeg", "Bøgelund Kvægbrug I/S", "6900"),
        _c("kvaeg", "Møllegårdens Mælkeproduktion", "6920"),
        _c("svin", "Lindholm Svineproduktion", "6880"),
        _c("planteavl", "Vesterhede Planteavl", "6971"),
        _c("gartneri", "Gartneriet Skovly", "6920"),
        _c("planteskole", "Planteskolen Hedebo", "6940"),
        _c("kantine", "Storkøkkenet Ådalen", "6880"),
        _c("kantine", "Kantinen i Fjordparken", "6950"),
        _c("rengoering", "Jensens Rengøringsservice ApS", "6900", "Jensen"),
        _c("lager", "Vestkyst Lager & Logistik A/S", "6950"),
        _c("lager", "Skjern Emballage og Lager ApS", "6900"),
        _c("dagligvarer", "Købmanden i Hemmet", "6893"),
        _c("dagligvarer", "Lem Dagligvarer", "6940"),
        _c("autovaerksted", "Pedersens Auto", "6880", "Pedersen"),
        _c("maskinstation", "Kibæk Maskinudlejning", "6933"),
        _c("dyrepension", "Hunde- og Kattepension Hedegården", "6870"),
        _c("rideskole", "Rideskolen Kløvermarken", "6933"),
        _c("dyrepark", "Klitmarkens Dyrepark", "6960"),
        _c("se_landbrug", "Skolelandbruget i Borris (Erhvervsskolen Vestjylland)", "6900"),
        _c("se_cafe", "Café Vestjylland (Erhvervsskolen Vestjylland)", "6900"),
        _c("se_vaerksted", "Værkstedet i Borris (Erhvervsskolen Vestjylland)", "6900"),
    )),
    PartnershipSpec("Aarhus", "Aarhus Kommune", "Praktisk Grunduddannelse (PGU), Hornslet", "8543", (
        _c("kvaeg", "Kildegårdens Kvægbrug", "8543"),
        _c("svin", "Sølyst Svinebrug", "8550"),
        _c("planteavl", "Nørremarkens Planteavl", "8380"),
        _c("gartneri", "Gartneriet Solbakken", "8544"),
        _c("planteskole", "Planteskolen Egebjerg", "8410"),
        _c("kantine", "Kantinen i Erhvervshuset Nord", "8200"),
        _c("kantine", "Madværkstedet Lystrup", "8520"),
        _c("rengoering", "Rasmussens Rengøring ApS", "8240", "Rasmussen"),
        _c("rengoering", "Klar Rengøringsservice", "8380"),
        _c("lager", "Østjysk Lager & Distribution A/S", "8381"),
        _c("lager", "Djurs Pakkeri ApS", "8963"),
        _c("dagligvarer", "Købmanden i Mørke", "8544"),
        _c("dagligvarer", "Hornslet Dagligvarer", "8543"),
        _c("maskinstation", "Thomsens Maskinstation", "8560", "Thomsen"),
        _c("autovaerksted", "Egå Autoservice", "8250"),
        _c("dyrepension", "Dyrepensionen Skovbrynet", "8530"),
        _c("dyrepark", "Mols Bondegårdsdyr", "8420"),
        _c("rideskole", "Rideskolen Havbakken", "8541"),
        _c("se_cafe", "PGU Caféen, Hornslet", "8543"),
        _c("se_genbrug", "PGU Genbrug, Hornslet", "8543"),
        _c("se_vaerksted", "PGU Værksted og Grøn Service", "8543"),
    )),
    PartnershipSpec("Randers", "Randers Kommune", "Randers Bo- og Erhvervstræning", "8900", (
        _c("kvaeg", "Enghøj Kvægbrug", "8981"),
        _c("svin", "Toftegård Svinebrug", "8870"),
        _c("planteavl", "Bjerregård Planteavl", "8983"),
        _c("gartneri", "Gartneriet Kærlyst", "8940"),
        _c("planteskole", "Planteskolen ved Gudenåen", "8860"),
        _c("kantine", "Storkøkkenet Vorup", "8940"),
        _c("kantine", "Frokostkøkkenet Nordhavn", "8930"),
        _c("rengoering", "Nielsens Rengøring ApS", "8900", "Nielsen"),
        _c("lager", "Kronjysk Logistik A/S", "8960"),
        _c("lager", "Havnelageret Randers ApS", "8900"),
        _c("dagligvarer", "Købmanden i Spentrup", "8981"),
        _c("dagligvarer", "Hadsten Dagligvarer", "8370"),
        _c("maskinstation", "Kristensens Maskinstation", "8990", "Kristensen"),
        _c("autovaerksted", "Madsens Autoværksted", "8920", "Madsen"),
        _c("autovaerksted", "Langå Dæk & Auto", "8870"),
        _c("dyrepension", "Dyrepension Nørrebakke", "8950"),
        _c("dyrepark", "Gudenådalens Dyrepark", "8881"),
        _c("rideskole", "Rideskolen Skovlyst", "8961"),
        _c("se_cafe", "Café RBE, Randers", "8900"),
        _c("se_vaerksted", "RBE Træværksted", "8900"),
        _c("se_genbrug", "RBE Genbrugsbutik", "8930"),
    )),
    PartnershipSpec(
        "Frederikshavn", "Frederikshavn Kommune", "Praktisk Medhjælper Uddannelse (PMU), Sindal", "9870", (
        _c("kvaeg", "Lyngholm Kvægbrug", "9870"),
        _c("kvaeg", "Vester Mosegård", "9830"),
        _c("svin", "Bakkely Svinebrug", "9881"),
        _c("planteavl", "Nordmark Planteavl", "9750"),
        _c("gartneri", "Gartneriet Lindely", "9800"),
        _c("planteskole", "Planteskolen Nordlys", "9982"),
        _c("kantine", "Havnekantinen Frederikshavn", "9900"),
        _c("kantine", "Storkøkkenet Sæby", "9300"),
        _c("rengoering", "Olsens Rengøring ApS", "9900", "Olsen"),
        _c("lager", "Nordjysk Havnelager A/S", "9850"),
        _c("lager", "Vendsyssel Distribution ApS", "9800"),
        _c("dagligvarer", "Sindal Dagligvarer", "9870"),
        _c("dagligvarer", "Strandby Købmandshandel", "9970"),
        _c("maskinstation", "Larsens Maskinstation", "9760", "Larsen"),
        _c("autovaerksted", "Jerup Autoværksted", "9981"),
        _c("dyrepension", "Dyrepensionen Kildebakken", "9740"),
        _c("rideskole", "Rideskolen Vendelbo", "9352"),
        _c("dyrepark", "Nordstrandens Dyrepark", "9990"),
        _c("se_cafe", "PMU Caféen, Sindal", "9870"),
        _c("se_landbrug", "PMU Skolegård og Gårdbutik, Sindal", "9870"),
        _c("se_vaerksted", "PMU Værksted, Sindal", "9870"),
    )),
)



@dataclass(frozen=True)
class FixedCompanySpec:
    """A company with exactly these job functions (no random choice), for a worked example."""

    name: str
    postcode: str
    industry: str
    note: str
    #: Job functions whose profile and hours are fixed values.
    jobs: tuple[JobTemplate, ...]
    mentor_level: int = 4
    rural: bool = True


#: Companies added after the generated network (which stays as it was) to make the matching example telling.
SCENARIO_COMPANIES: dict[str, tuple[FixedCompanySpec, ...]] = {
    "Ringkøbing-Skjern": (
        # Near (Skjern itself) but hectic: a poor fit for a young person who needs calm and predictability.
        FixedCompanySpec(
            "Restaurant Torvekroen", "6900", "Restaurant",
            "Travlt à la carte-køkken; mange gæster fredag og lørdag og ved selskaber.", rural=False, jobs=(
                JobTemplate(
                    "Køkkenmedhjælper (restaurant)",
                    "Opvask, skrælning og snitning af grøntsager og anretning i et travlt à la carte-køkken. Mange "
                    "bestillinger på én gang, skiftende opgaver efter kokkens anvisning og høj lyd fra opvask og "
                    "emhætter.",
                    {"structure": 2, "predictability": 2, "pace": 5, "social_contact": 4, "physical_load": 3,
                     "sensory_load": 5, "independence": 3}, 15, 30, "køkkenmedhjælper"),
            )),
        # Within 15 km (Tarm) and calm: horses.
        FixedCompanySpec(
            "Hestepensionen Ådalen", "6880", "Hestepension",
            "Rolig hestepension med 24 heste; faste rutiner hver dag. Ejeren har haft praktikanter før.",
            mentor_level=5, jobs=(
                JobTemplate(
                    "Staldmedhjælper (hestepension)",
                    "Fodring af heste med hø efter fast skema, udmugning af bokse, fejning af stalden og "
                    "påfyldning af vand. Samme rækkefølge hver morgen i en rolig stald.",
                    {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 2, "physical_load": 3,
                     "sensory_load": 2, "independence": 2}, 10, 25, "staldmedhjælper"),
                JobTemplate(
                    "Foldmedhjælper",
                    "Trække heste ud på fold og hjem igen, tjekke hegn og vandkar efter tjekliste og rive folden.",
                    {"structure": 4, "predictability": 5, "pace": 1, "social_contact": 1, "physical_load": 3,
                     "sensory_load": 1, "independence": 3}, 8, 20, "dyrepasser"),
            )),
        # Calm animal work, but about 38 km from Skjern: beyond a 15 km travel limit.
        FixedCompanySpec(
            "Kalvegården Janderup", "6851", "Kvægbrug (kalveopdræt)",
            "Specialiseret kalveopdræt; stille staldmiljø og faste fodringstider.", jobs=(
                JobTemplate(
                    "Kalvepasser (kalveopdræt)",
                    "Fodring af kalve med mælk og kraftfoder efter fast plan, strøelse i kalvebokse og vask af "
                    "spande; roligt arbejde med dyrene i små hold.",
                    {"structure": 5, "predictability": 5, "pace": 1, "social_contact": 1, "physical_load": 3,
                     "sensory_load": 2, "independence": 2}, 10, 25, "dyrepasser"),
                JobTemplate(
                    "Landbrugsmedhjælper (kalve og kvier)",
                    "Udmugning, strøelse og fodring af kvier efter skema i stalden og flytning af dyr sammen med "
                    "mentor i landbruget.",
                    {"structure": 5, "predictability": 4, "pace": 2, "social_contact": 2, "physical_load": 4,
                     "sensory_load": 3, "independence": 2}, 15, 30, "landbrugsmedhjælper"),
            )),
    ),
}

COMPANY_TOTAL = sum(len(p.companies) + len(SCENARIO_COMPANIES.get(p.name, ())) for p in PARTNERSHIPS)

# --- people (invented) --------------------------------------------------------------------------------

_FIRST_NAMES = (
    "Anders", "Bente", "Birgitte", "Bo", "Camilla", "Christian", "Dorte", "Erik", "Flemming", "Gitte",
    "Hanne", "Henrik", "Ida", "Jakob", "Jens", "Karen", "Kasper", "Kirsten", "Lars", "Lene", "Line", "Mads",
    "Maja", "Martin", "Mette", "Morten", "Niels", "Ole", "Pernille", "Peter", "Poul", "Rikke", "Rune",
    "Signe", "Søren", "Susanne", "Thomas", "Tina", "Torben", "Ulla",
)
_SURNAMES = (
    "Andersen", "Bak", "Bech", "Christensen", "Dahl", "Damgaard", "Eriksen", "Frandsen", "Gade", "Holm",
    "Iversen", "Jensen", "Juul", "Kjær", "Knudsen", "Laursen", "Lund", "Mikkelsen", "Mortensen", "Munk",
    "Nielsen", "Nygaard", "Overgaard", "Pedersen", "Poulsen", "Riis", "Skov", "Sørensen", "Thomsen",
    "Vestergaard",
)
_RURAL_STREETS = ("Hedevej", "Lyngvej", "Markvej", "Engvej", "Skovvej", "Bakkevej", "Mosevej", "Kærvej",
                  "Gl. Landevej", "Toftevej", "Bøgevej", "Kirkevej")
_TOWN_STREETS = ("Industrivej", "Håndværkervej", "Hovedgaden", "Vestergade", "Østergade", "Stationsvej",
                 "Jernbanegade", "Nørregade", "Søndergade", "Erhvervsvej", "Fabriksvej", "Havnevej")

_RELATION_NOTES = (
    "Personlig kontakt til ejeren gennem flere år.",
    "Har tidligere haft praktikanter fra uddannelsesstedet; den ene blev ansat i fleksjob.",
    "Ny i netværket i 2019; aftalt opfølgning hver 14. dag de første måneder.",
    "Foretrækker lange praktikforløb og en fast kontaktperson hos jobkonsulenten.",
    "Har ansat en tidligere praktikant og har derefter åbnet en ny praktikplads.",
    "Åben for fleksjob på sigt, hvis praktikken går godt.",
    "Ønsker at mødes med den unge og jobkonsulenten før opstart.",
)
_MENTOR_NOTES = {
    1: ("Ny som mentor; har ikke tidligere haft praktikanter med særlige behov.",
        "Har deltaget i introduktion til mentorrollen og vil gerne have tæt kontakt til jobkonsulenten."),
    2: ("Har haft én praktikant før. Vil gerne have hyppig opfølgning i starten.",
        "Lidt erfaring med unge i ressourceforløb; god til at vise opgaverne frem trin for trin."),
    3: ("Har været mentor for flere praktikanter. Giver klare og konkrete beskeder.",
        "Erfaring med unge med koncentrationsbesvær; laver gerne en fast dagsplan."),
    4: ("Erfaren mentor; har haft unge i ressourceforløb og kender til angst og social fobi. "
        "Planlægger arbejdstiden sammen med den unge.",
        "Har mentoruddannelse og har været med til at lave flere fleksjobaftaler."),
    5: ("Meget erfaren mentor med mange praktikforløb bag sig, flere endt i fleksjob. Rolig og tålmodig, "
        "bruger visuelle arbejdsplaner.",
        "Har i mange år taget imod unge med kognitive og psykiske funktionsnedsættelser; "
        "god til små skridt."),
}

#: The demo logins: (e-mail, role, partnership name).
DEMO_LOGINS: list[tuple[str, Role, str]] = [
    ("admin@demo.example", Role.ADMIN, "Randers"),
    ("konsulent@demo.example", Role.CONSULTANT, "Ringkøbing-Skjern"),
    ("koordinator@demo.example", Role.COORDINATOR, "Ringkøbing-Skjern"),
    ("sagsbehandler@demo.example", Role.CASEWORKER, "Ringkøbing-Skjern"),
    ("mentor@demo.example", Role.MENTOR, "Ringkøbing-Skjern"),
    ("konsulent.aarhus@demo.example", Role.CONSULTANT, "Aarhus"),
]
_LOGIN_NAMES = {
    "admin@demo.example": "Anne Holm Vestergaard",
    "konsulent@demo.example": "Lars Bækgaard",
    "koordinator@demo.example": "Karina Lund Sørensen",
    "sagsbehandler@demo.example": "Henrik Damsø",
    "konsulent.aarhus@demo.example": "Sofie Brandt Mikkelsen",
}
#: The mentor login acts as the first mentor of this company.
MENTOR_LOGIN_COMPANY = "Hansens Maskinstation ApS"

_LEGAL_FORM = re.compile(r"\s+(ApS|A/S|I/S)$")
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "'": ""})


def _slug(text: str, sep: str = ".") -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower().translate(_ASCII)).split()
    return sep.join(words)


class _Builder:
    """Deterministic generators for the parts that vary from company to company."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # nosec B311
        self._cvr_seeds = itertools.count(3_201_900, 7_919)
        self._phones = itertools.count(101)
        self._emails: set[str] = set()
        self._people: set[str] = set()
        self._occupations: dict[str, int | None] = {}
        self._has_occupations = db.session.scalar(select(Occupation.id).limit(1)) is not None

    def cvr(self) -> str:
        while True:
            try:
                return make_valid_cvr(next(self._cvr_seeds))
            except ValueError:
                continue

    def phone(self) -> str:
        n = next(self._phones)
        return f"+45 20 {n // 10_000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"

    def person(self, surname: str | None = None) -> str:
        """Return an invented name not used before in this seed."""
        while True:
            name = f"{self.rng.choice(_FIRST_NAMES)} {surname or self.rng.choice(_SURNAMES)}"
            if name not in self._people:
                self._people.add(name)
                return name

    def email(self, local: str) -> str:
        for n in itertools.count(1):
            address = f"{local}{n if n > 1 else ''}@example.dk"
            if address not in self._emails:
                self._emails.add(address)
                return address
        raise AssertionError("unreachable")

    def span(self, value: Span) -> int:
        return self.rng.randint(*value) if isinstance(value, tuple) else value

    def occupation_id(self, label: str | None) -> int | None:
        if label is None or not self._has_occupations:
            return None
        if label not in self._occupations:
            self._occupations[label] = db.session.scalar(
                select(Occupation.id).where(func.lower(Occupation.label) == label.lower())
                .order_by(Occupation.id).limit(1))
        return self._occupations[label]


def _company(b: _Builder, partnership: Partnership, spec: CompanySpec) -> Company:
    trade = TRADES[spec.trade]
    place = lookup(spec.postcode)
    if place is None:
        raise ValueError(f"demo postcode {spec.postcode} is not in the postcode table")
    rng = b.rng
    streets = _RURAL_STREETS if trade.rural else _TOWN_STREETS
    contact = b.person(spec.surname)
    notes = [rng.choice(_RELATION_NOTES), rng.choice(trade.notes)]
    company = Company(
        partnership=partnership, cvr=b.cvr(), name=spec.name, kind=trade.kind,
        address=f"{rng.choice(streets)} {rng.randint(1, 120)}", postcode=place.code, town=place.town,
        latitude=place.latitude, longitude=place.longitude, industry=trade.industry,
        employees=rng.randint(*trade.employees), contact_name=contact,
        contact_email=b.email(_slug(_LEGAL_FORM.sub("", spec.name), "-")), contact_phone=b.phone(),
        notes="\n".join(notes))
    db.session.add(company)

    mentor_count = 1 if company.employees <= 3 else rng.choice((1, 1, 2, 2, 3))
    mentors = []
    for i in range(mentor_count):
        # The owner is often the first mentor in a small company.
        name = contact if i == 0 and rng.random() < 0.4 else b.person()
        level = rng.randint(1, 5)
        mentors.append(Mentor(
            company=company, name=name, email=b.email(_slug(name)), phone=b.phone(), experience_level=level,
            experience_notes=rng.choice(_MENTOR_NOTES[level]), max_interns=rng.randint(1, 3)))
    db.session.add_all(mentors)

    templates = list(trade.jobs)
    count = rng.randint(1, min(4, len(templates)))
    # The trade's main job function is always offered; the others vary.
    chosen = [templates[0], *rng.sample(templates[1:], count - 1)]
    for template in chosen:
        values = {key: _clamp(b.span(template.profile.get(key, 3))) for key in DIMENSION_KEYS}
        hours_max = min(37, b.span(template.hours_max))
        hours_min = min(b.span(template.hours_min), hours_max)
        db.session.add(JobFunction(
            company=company, title=template.title, tasks=template.tasks, hours_min=hours_min,
            hours_max=hours_max, places=rng.randint(1, 3), mentor=rng.choice(mentors),
            occupation_id=b.occupation_id(template.occupation), **values))
    return company


def _clamp(value: int) -> int:
    return max(SCALE_MIN, min(SCALE_MAX, value))


def _fixed_company(b: _Builder, partnership: Partnership, spec: FixedCompanySpec) -> Company:
    place = lookup(spec.postcode)
    if place is None:
        raise ValueError(f"demo postcode {spec.postcode} is not in the postcode table")
    streets = _RURAL_STREETS if spec.rural else _TOWN_STREETS
    contact = b.person()
    company = Company(
        partnership=partnership, cvr=b.cvr(), name=spec.name, kind=CompanyKind.ORDINARY,
        address=f"{b.rng.choice(streets)} {b.rng.randint(1, 120)}", postcode=place.code, town=place.town,
        latitude=place.latitude, longitude=place.longitude, industry=spec.industry, employees=b.rng.randint(2, 8),
        contact_name=contact, contact_email=b.email(_slug(spec.name, "-")), contact_phone=b.phone(),
        notes="\n".join((b.rng.choice(_RELATION_NOTES), spec.note)))
    mentor = Mentor(company=company, name=contact, email=b.email(_slug(contact)), phone=b.phone(),
                    experience_level=spec.mentor_level, experience_notes=_MENTOR_NOTES[spec.mentor_level][0],
                    max_interns=2)
    db.session.add_all([company, mentor])
    for template in spec.jobs:
        db.session.add(JobFunction(
            company=company, title=template.title, tasks=template.tasks, hours_min=b.span(template.hours_min),
            hours_max=b.span(template.hours_max), places=1, mentor=mentor,
            occupation_id=b.occupation_id(template.occupation),
            **{key: template.profile.get(key, 3) for key in DIMENSION_KEYS}))
    return company


# --- young people (invented) --------------------------------------------------------------------------------

#: Mikkel Dyrholm, the worked example: likes animals, needs calm and predictability, travels at most 15 km.
MATCHING_EXAMPLE = {
    "partnership": "Ringkøbing-Skjern", "name": "Mikkel Dyrholm", "age": 21, "postcode": "6900",
    "interests": "dyr, heste, kalve, dyrepasning, stald", "occupations": ("dyrepasser", "staldmedhjælper"),
    "profile": {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 2, "sensory_load": 2,
                "physical_load": 3, "independence": 2},
    "support_need": 4, "max_km": 15, "hours_min": 15, "hours_max": 25, "consultant": "konsulent@demo.example",
}

_YOUNG_FIRST_NAMES = (
    "Emil", "Frederik", "Mathias", "Oliver", "Jonas", "Magnus", "Lucas", "Victor", "Tobias", "Sebastian",
    "Rasmus", "Nikolaj", "Kasper", "Alexander", "Sofie", "Emma", "Ida", "Freja", "Laura", "Julie", "Mathilde",
    "Cecilie", "Caroline", "Anna", "Clara", "Sarah", "Amalie", "Josefine", "Nanna", "Malthe",
)
#: Ages 18–30, mostly early twenties, as in the report's cohort.
_AGES = (18, 19, 19, 20, 20, 20, 21, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 24, 24, 25, 25, 26, 27, 28, 29, 30)
#: Granted course lengths: most often 3 years.
_COURSE_YEARS = (3, 3, 3, 3, 3, 3, 3, 1, 2, 4, 5)
_INTERESTS = (
    ("dyr, heste, udendørs arbejde", ("dyrepasser",)),
    ("planter, have, at være udenfor", ("gartnerimedhjælper",)),
    ("madlavning, bagning, café", ("køkkenmedhjælper",)),
    ("biler, motorer, at skrue", ("automekaniker",)),
    ("traktorer, maskiner, landbrug", ("landbrugsmedhjælper",)),
    ("orden og system, at pakke", ("lagerarbejder",)),
    ("butik, kunder, at sætte varer på plads", ("butiksmedhjælper",)),
    ("træ, værksted, at bygge ting", ()),
    ("rengøring, faste rutiner", ("rengøringsassistent",)),
    ("computerspil, musik; ved ikke endnu", ()),
)
_HEALTH_NOTES = (
    "", "", "Medicin morgen og aften; kan være træt de første timer.",
    "Bliver hurtigt træt; har brug for en pause hver time.", "Epilepsi, velbehandlet; mentor kender planen.",
    "Ryg- og knæsmerter ved tunge løft.",
)
_SUPPORT_NOTES = (
    "Fast mentor og en kort snak hver morgen om dagens opgaver.",
    "Dagsplan på papir; ringer til jobkonsulenten ved ændringer.",
    "Brug for at blive vist opgaverne flere gange; arbejder godt med faste tjeklister.",
    "Skal have ét fast sted at gå hen, når det bliver for meget.",
    "Mentor følger med de første uger; derefter opfølgning hver 14. dag.",
)
_PSYCHOLOGICAL_DISRUPTIONS = (Disruption.ANXIETY, Disruption.ANXIETY, Disruption.DEPRESSION,
                              Disruption.SOCIAL_PHOBIA, Disruption.RESIGNATION, Disruption.ISOLATION)
#: Every so many young people, one has declined consent to share data (2 of 36 in the report).
_DECLINED_EVERY = 18


@dataclass
class _Cohort:
    """Deterministic generators for young people, from their own seed so the network stays as it was."""

    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED + 1))  # nosec B311
    names: set[str] = field(default_factory=set)
    count: int = 0

    def name(self) -> str:
        while True:
            name = f"{self.rng.choice(_YOUNG_FIRST_NAMES)} {self.rng.choice(_SURNAMES)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def born(self, age: int) -> date:
        return add_years(self.today, -age) - timedelta(days=self.rng.randint(1, 360))

    def consent(self, course_start: date) -> tuple[Consent, date]:
        self.count += 1
        signed = min(course_start + timedelta(days=self.rng.randint(0, 14)), self.today)
        return (Consent.DECLINED if self.count % _DECLINED_EVERY == 7 else Consent.GIVEN), signed


def _disabilities(cohort: _Cohort, n: int) -> list[str]:
    """More than half cognitive + psychological (as in the report), some physical, shuffled."""
    others = itertools.cycle(("cpf", "p", "c", "pf", "f"))
    kinds = ["cp"] * (n // 2 + 1) + [next(others) for _ in range(n - n // 2 - 1)]
    cohort.rng.shuffle(kinds)
    return kinds


def _case_people(users: dict[tuple[str, Role], User], partnership: str) -> dict[str, int | None]:
    return {slot: users[partnership, role].id if (partnership, role) in users else None
            for slot, role in (("consultant_id", Role.CONSULTANT), ("coordinator_id", Role.COORDINATOR),
                               ("caseworker_id", Role.CASEWORKER))}


def _participant(b: _Builder, cohort: _Cohort, partnership: Partnership, spec: PartnershipSpec, kind: str,
                 people: dict[str, int | None]) -> Participant:
    rng = cohort.rng
    place = lookup(rng.choice([spec.postcode, *(c.postcode for c in spec.companies)]))
    years = rng.choice(_COURSE_YEARS)
    # Started some time in the last two and a half years; the ones whose course has ended are deactivated.
    start = cohort.today - timedelta(days=rng.randint(0, 912))
    consent, signed = cohort.consent(start)
    interests, occupations = rng.choice(_INTERESTS)
    hours_min = rng.choice((6, 8, 10, 12, 15))
    max_km = rng.choice((5, 10, 15, 15, 20, 25, 30))
    disruptions = set()
    if "p" in kind:
        disruptions.update(rng.sample(_PSYCHOLOGICAL_DISRUPTIONS, rng.randint(0, 2)))
    participant = Participant(
        partnership=partnership, name=cohort.name(), date_of_birth=cohort.born(rng.choice(_AGES)),
        home_municipality=spec.municipality, postcode=place.code, town=place.town, latitude=place.latitude,
        longitude=place.longitude, cognitive="c" in kind, psychological="p" in kind, physical="f" in kind,
        disruptions=[d.value for d in Disruption if d in disruptions], health_notes=rng.choice(_HEALTH_NOTES),
        interests=interests, support_need=rng.randint(2, 5), support_notes=rng.choice(_SUPPORT_NOTES),
        hours_min=hours_min, hours_max=min(37, hours_min + rng.choice((5, 10, 15))), max_km=max_km,
        transport=rng.choice((Transport.BIKES, Transport.WALKS)) if max_km <= 5 else
        rng.choice((Transport.PUBLIC, Transport.PUBLIC, Transport.DRIVES, Transport.BIKES)),
        course_start=start, course_years=years, consent=consent, consent_date=signed,
        active=add_years(start, years) > cohort.today, structure=rng.randint(3, 5), predictability=rng.randint(3, 5),
        pace=rng.randint(1, 4), social_contact=rng.randint(1, 4),
        # A physical disability lowers the tolerance of physical load.
        physical_load=rng.randint(1, 2) if "f" in kind else rng.randint(2, 4), sensory_load=rng.randint(1, 4),
        independence=rng.randint(1, 4), occupations=_occupations(b, occupations), **people)
    db.session.add(participant)
    return participant


def _occupations(b: _Builder, labels) -> list[Occupation]:
    ids = [ident for ident in (b.occupation_id(label) for label in labels) if ident is not None]
    return [db.session.get(Occupation, ident) for ident in ids]


def _matching_example(b: _Builder, cohort: _Cohort, partnership: Partnership, spec: PartnershipSpec,
                      people: dict[str, int | None]) -> Participant:
    example = MATCHING_EXAMPLE
    place = lookup(example["postcode"])
    cohort.names.add(example["name"])
    start = cohort.today - timedelta(days=425)  # in the course for 14 months
    consent, signed = cohort.consent(start)
    participant = Participant(
        partnership=partnership, name=example["name"], date_of_birth=cohort.born(example["age"]),
        home_municipality=spec.municipality, postcode=place.code, town=place.town, latitude=place.latitude,
        longitude=place.longitude, cognitive=True, psychological=True, physical=False,
        disruptions=[Disruption.ANXIETY.value],
        health_notes="Bliver hurtigt overvældet af larm og mange mennesker; har brug for faste pauser.",
        interests=example["interests"], support_need=example["support_need"],
        support_notes="Fast mentor, der er til stede ved mødetid; dagsplan på papir og besked i god tid om "
                      "ændringer.",
        hours_min=example["hours_min"], hours_max=example["hours_max"], max_km=example["max_km"],
        transport=Transport.PUBLIC, course_start=start, course_years=3, consent=consent, consent_date=signed,
        occupations=_occupations(b, example["occupations"]), **example["profile"], **people)
    db.session.add(participant)
    return participant


# --- history: targets, progress measurements and internships (invented) --------------------------------------

#: Every partnership's targets, as in the report: 10 enrolled, 87 % of those a year or more in the course closer
#: to the labour market, 80 % of the hires an ordinary job or a flex-job.
DEMO_TARGETS = {"enrolled": 10, "closer_share": 0.87, "ordinary_or_flex_share": 0.8}

#: Mikkel's measurements (motivation, work identity, clarification, knowledge), at the start and about every six
#: months: +1, +0, +2, +1 = +4 from the first to the latest, the report's example (a step back on the way).
EXAMPLE_MEASUREMENTS = ((5, 4, 3, 4), (5, 5, 4, 4), (6, 4, 5, 5))
#: Mikkel's one earlier internship: a busy canteen kitchen near Tarm, ended after nine weeks, not hired.
EXAMPLE_INTERNSHIP = "Storkøkkenet Ådalen"

#: The mentor link in the one plan sent to a mentor is made from ``PLACEMENT_BASE_URL`` (``make run`` sets it to the
#: address it serves on); without one, for this address.
DEMO_BASE_URL = "http://127.0.0.1:5000"

_FIRST_MEASUREMENT = "Første måling ved forløbets start, lavet sammen med den unge."
_MEASUREMENT_COMMENTS = {
    1: ("Små skridt frem: mere tro på, at arbejde er muligt.",
        "Praktikken har givet et klarere billede af, hvad den unge gerne vil.",
        "Kender nu flere jobmuligheder i lokalområdet; to skridt frem.",
        "Møder mere stabilt og taler om sig selv som en, der arbejder."),
    0: ("Står stille i perioden; vi har talt om, hvad der skal til for at komme videre.",
        "Uændret; en periode med meget fravær, men motivationen er der stadig."),
    -1: ("Et skridt tilbage efter en svær periode; to frem og ét tilbage.",
         "Mindre motivation efter en afbrudt praktik; vi lægger en ny plan."),
}
#: How a young person's scores move between measurements (one step per parameter): in every partnership one
#: measured more than once stands still and one goes back, the others move forward in small steps, sometimes two
#: forward and one back (report section 7.5).
_TRENDS = {"up": (-1, 0, 0, 0, 1, 1), "flat": (-1, 0, 0, 0, 1), "back": (-1, -1, 0, 0, 1)}

_O, _D = Outcome, Decision
#: The hires of each partnership's earlier internships, in the order its young people get them (as far as they
#: have time for one): mostly an ordinary job or a flex-job (the decision approved or pending), and among them
#: wage-subsidy jobs and protected employment.
_HIRES: dict[str, tuple[tuple[Outcome, Decision | None], ...]] = {
    "Ringkøbing-Skjern": ((_O.ORDINARY_JOB, None), (_O.FLEX_JOB, _D.PENDING), (_O.FLEX_JOB, _D.APPROVED),
                          (_O.WAGE_SUBSIDY, _D.APPROVED), (_O.PROTECTED, _D.APPROVED), (_O.ORDINARY_JOB, None)),
    "Aarhus": ((_O.ORDINARY_JOB, None), (_O.FLEX_JOB, _D.APPROVED), (_O.PROTECTED, _D.APPROVED),
               (_O.FLEX_JOB, _D.PENDING), (_O.ORDINARY_JOB, None), (_O.WAGE_SUBSIDY, _D.APPROVED)),
    "Randers": ((_O.FLEX_JOB, _D.APPROVED), (_O.ORDINARY_JOB, None), (_O.WAGE_SUBSIDY, _D.PENDING),
                (_O.FLEX_JOB, _D.REJECTED), (_O.ORDINARY_JOB, None), (_O.PROTECTED, _D.APPROVED)),
    "Frederikshavn": ((_O.ORDINARY_JOB, None), (_O.FLEX_JOB, _D.PENDING), (_O.PROTECTED, _D.APPROVED),
                      (_O.FLEX_JOB, _D.APPROVED), (_O.WAGE_SUBSIDY, _D.APPROVED), (_O.ORDINARY_JOB, None)),
}
#: A hire, before it is known which one (any hire is scheduled the same way).
_HIRE = Outcome.ORDINARY_JOB
_JOB_HOURS = {_O.ORDINARY_JOB: (15, 20, 25, 30), _O.FLEX_JOB: (10, 12, 15, 20), _O.WAGE_SUBSIDY: (12, 15, 20),
              _O.PROTECTED: (8, 10, 12)}
#: Why an internship ended without a hire, besides moving on to another internship.
_NOT_HIRED = (NotHiredReason.HEALTH, NotHiredReason.ANOTHER_COURSE, NotHiredReason.STOPPED, NotHiredReason.MOVED,
              NotHiredReason.OTHER)
#: The internships under way: Ringkøbing-Skjern has one with a missed follow-up, one on track and a plan sent to
#: the mentor login; the others one each (Randers' and Frederikshavn's started too recently for a follow-up).
_CURRENT = {"Ringkøbing-Skjern": ("overdue", "on_track", "sent"), "Aarhus": ("on_track",),
            "Randers": ("recent",), "Frederikshavn": ("recent",)}
#: Days since the start, weeks between follow-ups and the follow-ups held (days after the start) per kind.
_ACTIVE = {"overdue": (75, 4, (29,)), "on_track": (38, 2, (14, 29)), "recent": (19, 4, ())}
_FOLLOW_UP_NOTES = (
    ("Godt i gang; møder til tiden og kender de faste opgaver.", "Prøve en ekstra opgave i næste periode."),
    ("Har haft et par dage med fravær; aftalt at ringe til mentor om morgenen.", "Følge op på fremmødet."),
    ("Mentor er tilfreds; den unge vil gerne op i timer.", "Tale om timetal ved næste opfølgning."),
)
_GOALS = ("Møder til tiden på de aftalte dage.", "Kan selv gå i gang med dagens faste opgaver efter en måned.",
          "Siger til, når en opgave er uklar eller bliver for meget.")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class _History:
    """Deterministic generators for the history, from their own seed so the network and cohort stay as they were."""

    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED + 2))  # nosec B311

    # Measurements ------------------------------------------------------------------------------------------

    def measurement_days(self, start: date, until: date) -> list[date]:
        """The first at the course's start, then about every six months (a little early rather than late)."""
        day = min(start + timedelta(days=self.rng.randint(0, 10)), until)
        days = [day]
        while (following := add_months(day, 6) - timedelta(days=self.rng.randint(0, 21))) <= until:
            days.append(following)
            day = following
        return days

    def trajectory(self, count: int, trend: str) -> list[tuple[int, ...]]:
        """Scores 1–10 that move in small steps and end, in total, higher ("up"), where they began ("flat") or
        lower ("back")."""
        wanted = {"up": 1, "flat": 0, "back": -1}[trend]
        for _attempt in range(50):
            scores = [self.rng.randint(2, 6) for _key in PARAMETER_KEYS]
            result = [tuple(scores)]
            for _step in range(count - 1):
                scores = [max(1, min(10, s + self.rng.choice(_TRENDS[trend]))) for s in scores]
                result.append(tuple(scores))
            change = sum(result[-1]) - sum(result[0])
            if count < 2 or (change > 0) - (change < 0) == wanted:
                break
        return result

    # Internships -------------------------------------------------------------------------------------------

    def schedule(self, kinds: list[Outcome], earliest: date, latest_end: date) -> list[tuple[date, int, date]] | None:
        """Return (start, planned weeks, last day) per internship, one after the other, or None if they do not fit.

        A hire runs its planned length; an internship without a hire often ends early.
        """
        for short in (False, True):
            planned = [13 if short else self.rng.choice((13, 20, 26, 26, 39)) for _kind in kinds]
            weeks = [p if kind.is_hire else self.rng.randint(min(6, p), p) for p, kind in zip(planned, kinds,
                                                                                               strict=True)]
            gaps = [self.rng.randint(14, 45) for _kind in kinds[1:]]
            slack = (latest_end - earliest).days + 1 - sum(w * 7 for w in weeks) - sum(gaps)
            if slack >= 0:
                break
        else:
            return None
        day, result = earliest + timedelta(days=self.rng.randint(0, slack)), []
        for i, (p, w) in enumerate(zip(planned, weeks, strict=True)):
            end = day + timedelta(weeks=w, days=-1)
            result.append((day, p, end))
            if i < len(gaps):
                day = end + timedelta(days=gaps[i] + 1)
        return result

    def weekly_hours(self, participant: Participant, job: JobFunction) -> int:
        low, high = max(participant.hours_min, job.hours_min), min(participant.hours_max, job.hours_max)
        return self.rng.randint(low, high) if low <= high else participant.hours_min


def _targets(partnerships: dict[str, Partnership]) -> int:
    for partnership in partnerships.values():
        save_targets(partnership.id, **DEMO_TARGETS)
    return len(partnerships)


def _measurements(h: _History, people: dict[str, list[Participant]], users: dict[tuple[str, Role], User]) -> int:
    """Measure every young person at the start and about every six months, except one in Ringkøbing-Skjern whose
    latest measurement is more than six months old (so "measurements due" lists someone)."""
    example = MATCHING_EXAMPLE["partnership"]
    late = [p for p in people[example] if p.active and p.name != MATCHING_EXAMPLE["name"]
            and p.course_start <= add_months(h.today, -9)]
    due = h.rng.choice(late) if late else None
    count = 0
    for name, participants in people.items():
        recorder = users.get((name, Role.COORDINATOR))
        schedule = {}
        for participant in participants:
            until = min(h.today, add_years(participant.course_start, participant.course_years) - timedelta(days=1))
            if participant is due:
                until = add_months(h.today, -7)
            schedule[participant.id] = h.measurement_days(participant.course_start, until)
        again = [p for p in participants if len(schedule[p.id]) > 1 and p.name != MATCHING_EXAMPLE["name"]]
        trends = dict(zip((p.id for p in h.rng.sample(again, min(2, len(again)))), ("flat", "back"), strict=False))
        for participant in participants:
            days = schedule[participant.id]
            if participant.name == MATCHING_EXAMPLE["name"]:
                series = list(EXAMPLE_MEASUREMENTS)
                days = days[:len(series)]
            else:
                series = h.trajectory(len(days), trends.get(participant.id, "up"))
            previous = None
            for day, scores in zip(days, series, strict=True):
                if previous is None:
                    comment = _FIRST_MEASUREMENT
                else:
                    step = sum(scores) - sum(previous)
                    comment = h.rng.choice(_MEASUREMENT_COMMENTS[(step > 0) - (step < 0)])
                record_measurement(participant, {"measured_on": day, "comment": comment,
                                                 **dict(zip(PARAMETER_KEYS, scores, strict=True))}, recorder)
                previous = scores
                count += 1
    return count


def _staff(users: dict[tuple[str, Role], User], name: str, participant: Participant | None = None) -> Actor:
    """The person who acts in a partnership's internships: the case's consultant, else a coordinator or admin."""
    user = participant.consultant if participant is not None and participant.consultant else None
    for role in (Role.CONSULTANT, Role.COORDINATOR, Role.ADMIN):
        user = user or users.get((name, role))
    return Actor(user, user.name, False) if user is not None else Actor(None, "demo seed", False)


def _suggestions(participant: Participant, excluded: set[int]) -> list[JobFunction]:
    """The job functions the matching suggests for the young person, best first, outside the worked example; when
    it suggests none, the partnership's job functions nearest first."""
    from placement.matches.services import matches_for_participant

    suggested = [db.session.get(JobFunction, s.subject.id)
                 for s in matches_for_participant(participant, limit=12, excluded=False).suggestions
                 if s.subject.company_id not in excluded]
    if suggested:
        return suggested
    jobs = db.session.scalars(select(JobFunction).join(JobFunction.company).where(
        Company.partnership_id == participant.partnership_id, Company.id.not_in(excluded), JobFunction.active,
        JobFunction.mentor_id.is_not(None)).order_by(JobFunction.id)).all()
    return sorted(jobs, key=lambda j: postcode_distance_km(participant.postcode, j.company.postcode) or 0.0)


def _pick(h: _History, candidates: list[JobFunction], avoid: set[int], fits=lambda _job: True) -> JobFunction | None:
    """One of the first few fitting candidates, preferring companies not in ``avoid``."""
    fitting = [job for job in candidates if fits(job)]
    fresh = [job for job in fitting if job.company_id not in avoid] or fitting
    return h.rng.choice(fresh[:4]) if fresh else None


@dataclass
class _Ended:
    """An earlier internship to import: (start, planned weeks, last day) in ``when``."""

    participant: Participant
    job: JobFunction
    outcome: Outcome
    decision: Decision | None
    reason: NotHiredReason | None
    when: tuple[date, int, date]


def _import(h: _History, row: _Ended, *, actor: Actor, settled: bool) -> Agreement:
    """Import an earlier internship as it ended; ``settled``: a hire's place was re-opened for the next one."""
    (start, planned, ended), kind = row.when, row.outcome
    values = {"state": State.ENDED, "start_date": start, "planned_weeks": planned,
              "weekly_hours": h.weekly_hours(row.participant, row.job), "ended_on": ended, "outcome": kind,
              "not_hired_reason": row.reason, "decision": None, "decision_date": None, "outcome_hours": None,
              "outcome_start": None, "place_after_hire": None}
    if kind.is_hire:
        values["outcome_hours"] = h.rng.choice(_JOB_HOURS[kind])
        values["outcome_start"] = min(ended + timedelta(days=h.rng.randint(1, 21)), h.today)
        values["place_after_hire"] = PlaceAfterHire.REOPENED if settled else None
    if kind.needs_decision and row.decision in (Decision.APPROVED, Decision.REJECTED):
        values["decision"] = row.decision
        values["decision_date"] = min(ended + timedelta(days=h.rng.randint(14, 60)), h.today)
    return history.import_agreement(row.participant, row.job, row.job.mentor, values, actor)


def _plan(h: _History, participant: Participant, job: JobFunction, mentor: Mentor, follow_up_weeks: int) -> dict:
    first = participant.name.split()[0]
    company = job.company
    defaults = plans.plan_defaults(participant, job, h.today)
    return {
        "purpose": f"At {first} afprøver arbejdet som {job.title.lower()} og finder ud af, om det kan blive til "
                   "et job, evt. et fleksjob.",
        "tasks": defaults["tasks"], "support": defaults["support"],
        "works_with": f"{mentor.name} (mentor) og de faste kolleger på stedet.",
        "meeting": f"{company.address}, {company.postcode} {company.town}; mødetid kl. 8.00. Første dag tager "
                   "jobkonsulenten med.",
        "follow_up_plan": f"Opfølgning hver {follow_up_weeks}. uge med {first}, mentor og jobkonsulenten.",
        "follow_up_weeks": follow_up_weeks, "planned_weeks": 26, "weekly_hours": h.weekly_hours(participant, job),
        "schedule": "Mandag til torsdag, faste mødetider.", "goals": list(_GOALS),
    }


def _explanation(participant: Participant, job: JobFunction, on: date) -> dict | None:
    explanation = plans.match_explanation(participant, job, on)
    if explanation is not None:
        explanation["on"] = on.isoformat()
    return explanation


def _dates(today: date, kind: str) -> tuple[date, date, int, tuple[int, ...]]:
    """Return when an internship under way was created and starts, its weeks between follow-ups and the
    follow-ups held (days after the start)."""
    if kind == "sent":
        return today - timedelta(days=2), today + timedelta(days=14), 4, ()
    days, weeks, held = _ACTIVE[kind]
    start = today - timedelta(days=days)
    return start - timedelta(days=21), start, weeks, held


def _current(h: _History, kind: str, participant: Participant, job: JobFunction, mentor: Mentor,
             explanation: dict | None, staff: Actor) -> Agreement:
    """An internship under way, through the workflow: created from a match, sent, confirmed by the mentor through
    the link, started, and followed up; the timeline carries the days it happened. ``sent``: waits for the mentor
    (an e-mail with a fresh link in the outbox)."""
    created, start, weeks, held = _dates(h.today, kind)
    plan = _plan(h, participant, job, mentor, weeks)
    agreement = agreements.new_agreement(participant=participant, job_function=job, mentor=mentor,
                                         consultant=participant.consultant, start_date=start, actor=staff,
                                         match_explanation=explanation, **plan)
    agreement.events[-1].at = _at(created)
    if kind == "sent":
        app = current_app._get_current_object()
        # The link is built from PLACEMENT_BASE_URL; without one (or SERVER_NAME), for the default demo address.
        context = (contextlib.nullcontext() if app.config.get("BASE_URL") or app.config.get("SERVER_NAME")
                   else app.test_request_context(base_url=DEMO_BASE_URL))
        with context:
            agreements.send_to_mentor(agreement, staff)
        return agreement
    agreements.transition(agreement, "send", staff).at = _at(created + timedelta(days=1))
    agreements.transition(agreement, "confirm", Actor(None, f"{mentor.name} (link)", True)).at = _at(
        created + timedelta(days=4), 14)
    agreements.transition(agreement, "start", staff).at = _at(start, 8)
    for i, offset in enumerate(held if staff.user is not None else ()):
        note, next_step = _FOLLOW_UP_NOTES[i % len(_FOLLOW_UP_NOTES)]
        agreements.log_follow_up(agreement, staff.user, start + timedelta(days=offset), note, next_step)
        agreement.events[-1].at = _at(start + timedelta(days=offset), 13)
    return agreement


def _internships(h: _History, people: dict[str, list[Participant]], users: dict[tuple[str, Role], User],
                 companies: dict[str, Company]) -> dict[str, int]:
    """Each partnership's internships of the last two years: most ended in a hire, some not; and those under way.

    Earlier internships are imported as they stand (``agreements.history``); those under way go through the
    workflow. The job functions are the matching's suggestions for the young person (made before any internship
    exists), never the worked example's companies; an internship under way leaves a free place in its job function.
    """
    scenario = {companies[spec.name].id for specs in SCENARIO_COMPANIES.values() for spec in specs}
    counts = {"agreements": 0, "active": 0, "sent": 0}
    for name, participants in people.items():
        example = next((p for p in participants if p.name == MATCHING_EXAMPLE["name"]), None)
        others = [p for p in participants if p is not example]
        suggested = {p.id: _suggestions(p, scenario) for p in others}
        used: set[int] = set()  # companies, for variety

        # Under way: in the course for a while; a free place and a mentor with room.
        current = [p for p in others if p.active and (h.today - p.course_start).days >= 100]
        h.rng.shuffle(current)
        if current:  # the first goes to the one longest in the course: room for an earlier internship
            current.insert(0, current.pop(current.index(min(current, key=lambda p: p.course_start))))
        under_way, mentors, kinds = [], set(), list(_CURRENT[name])
        if "sent" in kinds:  # the mentor login keeps room to confirm the plan sent to them
            mentors.add(companies[MENTOR_LOGIN_COMPANY].mentors[0].id)
            used.add(companies[MENTOR_LOGIN_COMPANY].id)
        for participant in current:
            if not kinds:
                break
            if kinds[0] == "sent":
                company = companies[MENTOR_LOGIN_COMPANY]
                job, mentor = min(company.job_functions, key=lambda j: j.id), company.mentors[0]
            else:
                job = _pick(h, suggested[participant.id], used,
                            lambda j, held=mentors: j.places >= 2 and j.mentor is not None and j.mentor_id not in held)
                if job is None:
                    continue
                mentor = job.mentor
                mentors.add(mentor.id)
            used.add(job.company_id)
            # Scored now, while the network is as it was when the internship was suggested (and still cached).
            kind = kinds.pop(0)
            under_way.append((kind, participant, job, mentor,
                              _explanation(participant, job, _dates(h.today, kind)[0])))

        # Ended: the others each end in a hire (one after a first internship without), the last one without.
        chains = []  # (participant, [(outcome, decision, reason)], latest last day)
        rest = [p for p in others if p not in {u[1] for u in under_way}]
        h.rng.shuffle(rest)
        alone = rest[-1] if len(rest) >= 6 else None
        # The one longest in the course tried another place first.
        veteran = min((p for p in rest if p is not alone), key=lambda p: p.course_start, default=None)
        for participant in rest:
            if participant is alone:
                chain = [(Outcome.NOT_HIRED, None, h.rng.choice(_NOT_HIRED))]
            else:
                chain = [(_HIRE, None, None)]  # which hire: once it is known to fit
                if participant is veteran:
                    chain.insert(0, (Outcome.NOT_HIRED, None, NotHiredReason.ANOTHER_INTERNSHIP))
            end = min(h.today, add_years(participant.course_start, participant.course_years))
            chains.append((participant, chain, end - timedelta(days=21)))
        if under_way:  # the first one under way came after an internship that did not lead to a hire
            kind, participant = under_way[0][:2]
            chains.append((participant, [(Outcome.NOT_HIRED, None, NotHiredReason.ANOTHER_INTERNSHIP)],
                           _dates(h.today, kind)[0] - timedelta(days=14)))

        planned: list[_Ended] = []
        hires = iter(_HIRES[name])
        for participant, chain, latest_end in chains:
            earliest = max(participant.course_start + timedelta(days=14), h.today - timedelta(days=700))
            when = h.schedule([c[0] for c in chain], earliest, latest_end) if earliest < latest_end else None
            if when is None and len(chain) > 1:
                chain = chain[1:]
                when = h.schedule([c[0] for c in chain], earliest, latest_end)
            for (outcome, decision, reason), slot in zip(chain, when or (), strict=False):
                job = _pick(h, suggested[participant.id], used)
                if job is not None:
                    if outcome is _HIRE:
                        outcome, decision = next(hires, (Outcome.ORDINARY_JOB, None))
                    used.add(job.company_id)
                    planned.append(_Ended(participant, job, outcome, decision, reason, slot))
        # Decisions still pending belong to the latest hires.
        hired = sorted((row for row in planned if row.outcome.is_hire), key=lambda row: row.when[2])
        decided = sorted(((row.outcome, row.decision) for row in hired), key=lambda k: k[1] is Decision.PENDING)
        for row, (outcome, decision) in zip(hired, decided, strict=True):
            row.outcome, row.decision = outcome, decision
        if example is not None:
            planned.append(_example_internship(example, companies))
        # The latest hire's place is not settled yet: the start page asks the consultant to agree a new one.
        for row in sorted(planned, key=lambda row: row.when[0]):
            _import(h, row, actor=_staff(users, name, row.participant), settled=not hired or row is not hired[-1])
        counts["agreements"] += len(planned)

        for kind, participant, job, mentor, explanation in under_way:
            _current(h, kind, participant, job, mentor, explanation, _staff(users, name, participant))
            counts["agreements"] += 1
            counts["sent" if kind == "sent" else "active"] += 1
    return counts


#: Why a job ended, as a consultant writes it at a job check (invented).
_JOB_ENDED = ("Prøvetiden blev ikke forlænget; arbejdet var for hårdt fysisk.",
              "Stoppede selv og vil hellere tage en uddannelse.",
              "Virksomheden havde ikke opgaver nok efter sæsonen.",
              "Helbredet slog ikke til med de aftalte timer.")
_UNKNOWN_NOTES = ("Hverken den unge eller mentor har svaret på opkald og sms.",
                  "Den unge er flyttet; mentor kendte ikke status.")
_EMPLOYED_NOTES = ("Talt med mentor i telefonen; det går godt.", "Den unge trives og vil gerne op i timer.", "",
                   "", "")
#: Checks whose due day lies within this many days are often still open (the start page lists them).
_OPEN_DAYS = 45
#: The courses a hire takes after the job's start, in turn per partnership: most stay in the job, some lose it at
#: one of the checks, for some one check's answer is unknown.
_JOB_FATES = ("stay", "lost", "stay", "unknown", "stay", "stay")


def _job_checks(users: dict[tuple[str, Role], User], today: date) -> dict[str, int]:
    """Answer the hires' job checks that are due: the job's consultant records them a few days after the due day.

    Each hire has a course decided up front (``_JOB_FATES``): most stay in the job; some lose it at one of the
    checks (and are still without it at the later ones, for the same reason); for some, one check's answer is
    unknown. A check due lately is often still open, and now and then an older one was forgotten.
    """
    rng = random.Random(SEED + 3)  # nosec B311 - its own seed, so the rest of the demo stays as it was
    names = {p.id: p.name for p in db.session.scalars(select(Partnership))}
    hires = db.session.scalars(select(Agreement).where(retention.COUNTS)
                               .order_by(Agreement.partnership_id, Agreement.outcome_start, Agreement.id)).all()
    counts = {"job_checks": 0, "job_checks_recorded": 0}
    fates: dict[int, int] = {}  # partnership → hires seen: each partnership's hires take the courses in turn
    for agreement in hires:
        staff = _staff(users, names[agreement.partnership_id], agreement.participant)
        checks = retention.checks_of(agreement)
        counts["job_checks"] += len(checks)
        turn = fates[agreement.partnership_id] = fates.get(agreement.partnership_id, -1) + 1
        fate = _JOB_FATES[(turn + agreement.partnership_id) % len(_JOB_FATES)]
        due = max(1, sum(check.due_on <= today for check in checks))
        lost = rng.randrange(due) if fate == "lost" else None  # the check at which the job is gone
        unknown = rng.randrange(due) if fate == "unknown" else None
        reason = rng.choice(_JOB_ENDED)
        for index, check in enumerate(checks):
            if check.due_on > today:
                break
            if ((today - check.due_on).days <= _OPEN_DAYS and rng.random() < 0.6) or rng.random() < 0.05:
                break  # open: the consultant has not asked yet
            checked_on = min(check.due_on + timedelta(days=rng.randint(0, 10)), today)
            if lost is not None and index >= lost:
                answer = {"status": Employment.NOT_EMPLOYED, "reason": reason}
            elif index == unknown:
                answer = {"status": Employment.UNKNOWN, "note": rng.choice(_UNKNOWN_NOTES)}
            else:
                hours = max(1, min(40, agreement.outcome_hours + rng.choice((0, 0, 0, 0, 2, 5, -2))))
                answer = {"status": Employment.EMPLOYED, "hours": hours, "note": rng.choice(_EMPLOYED_NOTES)}
            retention.record(check, checked_on=checked_on, user=staff.user, label=staff.label, today=today,
                             **answer)
            check.recorded_at = agreement.events[-1].at = _at(checked_on, 11)
            counts["job_checks_recorded"] += 1
    db.session.flush()
    return counts


def _example_internship(mikkel: Participant, companies: dict[str, Company]) -> _Ended:
    """Mikkel's earlier internship: a busy canteen kitchen, ended after nine weeks without a hire; he moves on."""
    job = min(companies[EXAMPLE_INTERNSHIP].job_functions, key=lambda j: j.id)
    start = mikkel.course_start + timedelta(days=45)
    return _Ended(mikkel, job, Outcome.NOT_HIRED, None, NotHiredReason.ANOTHER_INTERNSHIP,
                  (start, 26, start + timedelta(weeks=9, days=-1)))


# --- the course around the internship: Mikkel's own goals, a network meeting, status notes (invented) ---------

#: Mikkel's own goals: (days ago written, the four steps, (days ago reached, what we learned) or None, and his
#: self-assessments as (days ago, score 1–5, sentence)). The second follows the first (step 4).
EXAMPLE_GOALS = (
    (200, {"wording": "Jeg vil møde til tiden tre dage om ugen.",
           "activities": "Vi laver en fast morgenplan, og jeg får en sms aftenen før.",
           "activity_owner": "Mikkel og koordinatoren", "measure_how": "Vi tæller sammen de dage, jeg kom til tiden."},
     (95, "Faste tider og en besked aftenen før hjælper mig. Larm om morgenen gør det svært."), ()),
    (90, {"wording": "Jeg vil prøve en praktik med dyr, hvor der er roligt.",
          "activities": "Vi besøger en hestepension sammen, før jeg siger ja.", "activity_owner": "Konsulenten",
          "measure_how": "Efter besøget snakker vi om, hvordan det føltes."},
     None, ((75, 3, "Jeg glæder mig, men jeg er lidt nervøs."), (6, 4, "Besøget gik godt. Hestene var rolige."))),
    (25, {"wording": "Jeg vil tage bussen alene til Tarm.", "activities": "Vi øver turen sammen to gange.",
          "activity_owner": "Mikkel og hans mor",
          "measure_how": "Jeg tager turen alene og fortæller, hvordan det gik."},
     None, ()),
)
EXAMPLE_MEETING = {
    "kind": "network", "starts_at": time(10, 0), "duration_minutes": 90, "place": "Jobcentret i Skjern, mødelokale 2",
    "agenda": "1. Hvordan går morgenerne?\n2. Næste praktik: dyr og ro\n3. Transport til Tarm",
    "minutes": "Mikkel kommer nu til tiden de aftalte dage. Han vil gerne prøve en hestepension og besøge den "
               "først. Moren øver busturen med ham.",
    "others": "Lone Dyrholm, mor"}
#: The action the demo consultant owns (open: it is on their start page), and one for another person by name.
EXAMPLE_ACTIONS = (("Aftale et besøg på hestepensionen sammen med Mikkel.", 7),
                   ("Øve busturen til Tarm med Mikkel to gange.", 21))
#: Mikkel's status notes: the first three final and shared with the caseworker, the fourth (overdue) a draft.
EXAMPLE_FINAL_NOTES = 3
_NOTE_CLOSING = "Gennemgået med Mikkel. Han er enig i beskrivelsen af perioden."


def _course(h: _History, people: dict[str, list[Participant]], users: dict[tuple[str, Role], User]) -> dict:
    """Mikkel's own goals with their self-assessments, a network meeting with actions and his status notes."""
    name = MATCHING_EXAMPLE["partnership"]
    mikkel = next(p for p in people[name] if p.name == MATCHING_EXAMPLE["name"])
    coordinator, consultant = users[name, Role.COORDINATOR], users[name, Role.CONSULTANT]
    earlier, assessments = None, 0
    for days_ago, steps, reached, answers in EXAMPLE_GOALS:
        written = h.today - timedelta(days=days_ago)
        goal = goals.create_goal(mikkel, {**steps, "activity_due": written + timedelta(days=21),
                                          "measure_on": written + timedelta(days=42)}, coordinator,
                                 follows=earlier)
        goal.created_at = goal.events[0].at = _at(written)
        for ago, score, sentence in answers:
            assessment = goals.record_assessment(mikkel, goal, score, sentence)
            assessment.at = _at(h.today - timedelta(days=ago), 15)
            assessments += 1
        if reached is not None:
            ago, learned = reached
            goals.change_state(goal, GoalState.REACHED, coordinator, expected_version=goal.version,
                               comment="Kom til tiden alle aftalte dage i fire uger.")
            goal.learned = learned
            goal.events[-1].at = _at(h.today - timedelta(days=ago))
        earlier = goal if reached is not None else None
        db.session.flush()

    held = h.today - timedelta(days=14)
    while not is_workday(held):
        held -= timedelta(days=1)
    meeting = course.create_meeting(mikkel, {**EXAMPLE_MEETING, "held_on": held,
                                             "user_ids": [consultant.id, coordinator.id]}, consultant)
    (consultant_action, consultant_days), (other_action, other_days) = EXAMPLE_ACTIONS
    course.add_action(meeting, text=consultant_action, owner_id=consultant.id, owner_name="",
                      deadline=h.today + timedelta(days=consultant_days), allowed_owners=[consultant.id])
    course.add_action(meeting, text=other_action, owner_id=None, owner_name="Lone Dyrholm (mor)",
                      deadline=h.today + timedelta(days=other_days), allowed_owners=())

    notes = 0
    for number in range(1, EXAMPLE_FINAL_NOTES + 2):
        note = course.prepare_note(mikkel, number, coordinator, h.today)
        notes += 1
        if number <= EXAMPLE_FINAL_NOTES:
            course.update_text(note, f"{note.text}{_NOTE_CLOSING}\n")
            course.finalise(note, coordinator, note.version)
            course.share(note, coordinator, note.version)
            note.finalised_at = note.shared_at = _at(note.due_on - timedelta(days=3), 14)
    db.session.flush()
    return {"learning_goals": len(EXAMPLE_GOALS), "self_assessments": assessments, "meetings": 1,
            "status_notes": notes}


def has_data() -> bool:
    """Return True when the database has a partnership already (the demo seed then stays away)."""
    return db.session.scalar(select(Partnership.id).limit(1)) is not None


def seed_demo(progress: Callable[[int, int], None] | None = None) -> dict:
    """Create the demo partnerships, company network and logins, and COMMIT them.

    Meant for an empty database (``RuntimeError`` when a partnership exists). ``progress(done, total)``
    is called after each company. Returns counts: partnerships, companies, mentors, job_functions, users,
    participants, companies_per_partnership and participants_per_partnership (name -> count), targets,
    measurements, agreements, agreements_active, agreements_sent, job_checks, job_checks_recorded, learning_goals,
    self_assessments, meetings and status_notes.
    """
    set_actor(None, "demo seed")
    if has_data():
        raise RuntimeError("the database has data already; the demo seed only fills an empty database")
    b = _Builder()
    counts = {"partnerships": 0, "companies": 0, "mentors": 0, "job_functions": 0, "users": 0,
              "participants": 0, "companies_per_partnership": {}, "participants_per_partnership": {}}
    partnerships: dict[str, Partnership] = {}
    companies: dict[str, Company] = {}
    done = 0
    if progress:
        progress(done, COMPANY_TOTAL)
    for spec in PARTNERSHIPS:
        partnership = Partnership(name=spec.name, municipality=spec.municipality,
                                  education_place=spec.education_place, postcode=spec.postcode)
        db.session.add(partnership)
        partnerships[spec.name] = partnership
        counts["partnerships"] += 1
        for company_spec in spec.companies:
            company = _company(b, partnership, company_spec)
            db.session.flush()
            companies[company.name] = company
            counts["companies"] += 1
            counts["mentors"] += len(company.mentors)
            counts["job_functions"] += len(company.job_functions)
            done += 1
            if progress:
                progress(done, COMPANY_TOTAL)
        counts["companies_per_partnership"][spec.name] = len(spec.companies)

    # After the generated network, so that it stays exactly as it was.
    for spec in PARTNERSHIPS:
        for fixed in SCENARIO_COMPANIES.get(spec.name, ()):
            company = _fixed_company(b, partnerships[spec.name], fixed)
            db.session.flush()
            companies[company.name] = company
            counts["companies"] += 1
            counts["mentors"] += len(company.mentors)
            counts["job_functions"] += len(company.job_functions)
            counts["companies_per_partnership"][spec.name] += 1
            done += 1
            if progress:
                progress(done, COMPANY_TOTAL)

    users: dict[tuple[str, Role], User] = {}
    for email, role, partnership_name in DEMO_LOGINS:
        mentor_id = None
        if role is Role.MENTOR:
            mentor = companies[MENTOR_LOGIN_COMPANY].mentors[0]
            mentor_id, name = mentor.id, mentor.name
        else:
            name = _LOGIN_NAMES[email]
        user = create_user(email=email, name=name, password=DEMO_PASSWORD, role=role,
                           partnership=partnerships[partnership_name], mentor_id=mentor_id)
        users.setdefault((partnership_name, role), user)
        counts["users"] += 1

    cohort = _Cohort(local_today())
    young: dict[str, list[Participant]] = {}
    for spec in PARTNERSHIPS:
        partnership, people = partnerships[spec.name], _case_people(users, spec.name)
        added = []
        if spec.name == MATCHING_EXAMPLE["partnership"]:
            added.append(_matching_example(b, cohort, partnership, spec, people))
        size = cohort.rng.randint(8, 10) - len(added)
        added += [_participant(b, cohort, partnership, spec, kind, people) for kind in _disabilities(cohort, size)]
        db.session.flush()
        counts["participants"] += len(added)
        counts["participants_per_partnership"][spec.name] = len(added)
        young[spec.name] = added

    # The history, after the young people (whose data stays exactly as it was), from its own random seed.
    h = _History(cohort.today)
    counts["targets"] = _targets(partnerships)
    counts["measurements"] = _measurements(h, young, users)
    internships = _internships(h, young, users, companies)
    counts["agreements"] = internships["agreements"]
    counts["agreements_active"] = internships["active"]
    counts["agreements_sent"] = internships["sent"]
    counts.update(_job_checks(users, h.today))
    counts.update(_course(h, young, users))
    db.session.commit()
    return counts

