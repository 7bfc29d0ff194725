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
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from placement.audit.services import set_actor
from placement.auth.models import Partnership, Role, User
from placement.auth.services import create_user
from placement.extensions import db
from placement.geo.postcodes import lookup
from placement.network.cvr import make_valid_cvr
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Disruption, Participant, Transport
from placement.participants.services import add_years, local_today
from placement.profile import DIMENSION_KEYS, SCALE_MAX, SCALE_MIN

__all__ = ["COMPANY_TOTAL", "DEMO_LOGINS", "DEMO_PASSWORD", "MATCHING_EXAMPLE", "PARTNERSHIPS", "SCENARIO_COMPANIES",
           "has_data", "seed_demo"]

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


def has_data() -> bool:
    """Return True when the database has a partnership already (the demo seed then stays away)."""
    return db.session.scalar(select(Partnership.id).limit(1)) is not None


def seed_demo(progress: Callable[[int, int], None] | None = None) -> dict:
    """Create the demo partnerships, company network and logins, and COMMIT them.

    Meant for an empty database (``RuntimeError`` when a partnership exists). ``progress(done, total)``
    is called after each company. Returns counts: partnerships, companies, mentors, job_functions, users,
    participants, companies_per_partnership and participants_per_partnership (name -> count).
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
    db.session.commit()
    return counts

