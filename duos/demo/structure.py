"""Organisations, the three programmes with their rules, fundings and matching
weights, as published (DESIGN.md "The programmes we serve")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from duos.demo.sync import Tally, sync_rows, upsert
from programmes.models import (
    EducationLevel,
    Funding,
    MatchingWeights,
    Organisation,
    OrganisationKind,
    Programme,
    Region,
)

DUO_FOR_A_JOB = "duo-for-a-job"
TEAM4JOB = "team4job"
MENTORING_NAAR_WERK = "mentoring-naar-werk"

ORGANISATIONS = [
    # slug, name, kind, region
    ("duo-for-a-job-asbl", "DUO for a JOB asbl", OrganisationKind.OPERATOR, Region.BRUSSELS),
    ("team4job", "Team4Job", OrganisationKind.OPERATOR, Region.BRUSSELS),
    (
        "mentoring-naar-werk-gent",
        "Mentoring naar Werk Gent",
        OrganisationKind.OPERATOR,
        Region.FLANDERS,
    ),
    ("actiris", "Actiris", OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE, Region.BRUSSELS),
    ("vdab", "VDAB", OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE, Region.FLANDERS),
    ("esf-vlaanderen", "ESF Vlaanderen", OrganisationKind.FUNDER, Region.FLANDERS),
    ("hiva-ku-leuven", "HIVA – KU Leuven", OrganisationKind.RESEARCH, ""),
]

_COMMON = {
    "duo_length_weeks": 26,
    "follow_up_months": 6,
    "retention_years": 5,
    "ends_on": None,
    "mentee_min_age": None,
    "mentee_max_age": None,
    "mentee_migration_background_required": False,
    "mentee_education_levels": [],
    "mentor_min_age": None,
    "mentor_min_experience_years": None,
    "training_required": True,
    "coach_assigned": False,
}


# Each programme's row (``operator`` as an organisation slug).
RULES = {
    DUO_FOR_A_JOB: _COMMON
    | {
        "name": "DUO for a JOB",
        "operator": "duo-for-a-job-asbl",
        "region": Region.BRUSSELS,
        "sites": ["Bruxelles", "Molenbeek-Saint-Jean", "Schaerbeek", "Anderlecht"],
        "starts_on": dt.date(2013, 9, 1),
        "meetings_per_month": Decimal("4"),
        "mentee_min_age": 18,
        "mentee_max_age": 29,
        "mentee_migration_background_required": True,
        "mentor_min_age": 50,
        "mentor_min_experience_years": 10,
        "yearly_duo_target": 855,
        "languages": ["fr", "nl", "en"],
    },
    TEAM4JOB: _COMMON
    | {
        # No age or nationality condition; mentors meet at their own workplace.
        "name": "Team4Job",
        "operator": "team4job",
        "region": Region.BRUSSELS,
        "sites": ["Bruxelles"],
        "starts_on": dt.date(2016, 1, 1),
        "meetings_per_month": Decimal("2"),
        "mentor_min_experience_years": 5,
        "training_required": False,
        "yearly_duo_target": 60,
        "languages": ["fr", "nl", "en"],
    },
    MENTORING_NAAR_WERK: _COMMON
    | {
        # An ESF project for jobseekers with a migration background and at most
        # secondary education; its two-year period is set from today (programme_rules).
        "name": "Mentoring naar Werk",
        "operator": "mentoring-naar-werk-gent",
        "region": Region.FLANDERS,
        "sites": ["Gent"],
        "meetings_per_month": Decimal("2"),
        "mentee_migration_background_required": True,
        "mentee_education_levels": [EducationLevel.ISCED_0_2, EducationLevel.ISCED_3_4],
        "coach_assigned": True,
        "yearly_duo_target": 40,
        "languages": ["nl", "en"],
    },
}


def programme_rules(today: dt.date) -> dict[str, dict]:
    """slug → field values; the Flemish project runs last year and this one."""
    period = {"starts_on": dt.date(today.year - 1, 1, 1), "ends_on": dt.date(today.year, 12, 31)}
    return RULES | {MENTORING_NAAR_WERK: RULES[MENTORING_NAAR_WERK] | period}


def funding_lines(today: dt.date) -> list[tuple[str, str, str, dt.date, dt.date, int]]:
    """(funder slug, programme slug, amount, starts_on, ends_on, target duos)."""
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    return [
        # Brussels: 7,762,500 EUR until 31-12-2019 for 855 duos a year (2017–2019).
        ("actiris", DUO_FOR_A_JOB, "7762500.00", dt.date(2017, 1, 1), dt.date(2019, 12, 31), 2565),
        # The current year at the same rate: 855 duos × 3,026.32 EUR.
        ("actiris", DUO_FOR_A_JOB, "2587500.00", year_start, year_end, 855),
        ("actiris", TEAM4JOB, "150000.00", year_start, year_end, 60),
        # Mentoring naar Werk: 3.1 M EUR for ~800 jobseekers over all projects; this
        # project takes 80 of them (10 %), co-financed by the ESF (60 %) and VDAB (40 %).
        *(
            (funder, MENTORING_NAAR_WERK, amount, dt.date(today.year - 1, 1, 1), year_end, 80)
            for funder, amount in (("esf-vlaanderen", "186000.00"), ("vdab", "124000.00"))
        ),
    ]


def seed_organisations(tally: Tally) -> dict[str, Organisation]:
    return {
        slug: upsert(
            Organisation,
            tally,
            key={"slug": slug},
            values={"name": name, "kind": kind, "region": region},
        )
        for slug, name, kind, region in ORGANISATIONS
    }


def seed_programmes(
    tally: Tally, *, today: dt.date, organisations: dict[str, Organisation]
) -> dict[str, Programme]:
    programmes = {}
    for slug, rules in programme_rules(today).items():
        values = rules | {"operator": organisations[rules["operator"]]}
        programmes[slug] = upsert(Programme, tally, key={"slug": slug}, values=values)
        # Weights are versioned and never edited: version 1 is only ever created.
        upsert(
            MatchingWeights,
            tally,
            key={"programme": programmes[slug], "version": 1},
            values={"weights": dict(MatchingWeights.DEFAULT_WEIGHTS)},
            create_only=True,
        )
    return programmes


def seed_fundings(
    tally: Tally,
    *,
    today: dt.date,
    organisations: dict[str, Organisation],
    programmes: dict[str, Programme],
) -> None:
    """The demo programmes' fundings become exactly these lines."""
    planned = {}
    for funder, programme, amount, starts_on, ends_on, target in funding_lines(today):
        planned[(organisations[funder].pk, programmes[programme].pk, starts_on)] = {
            "funder": organisations[funder],
            "programme": programmes[programme],
            "amount": Decimal(amount),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "target_duos": target,
        }
    sync_rows(
        Funding,
        tally,
        existing=Funding.objects.filter(programme__in=programmes.values()),
        key=lambda f: (f.funder_id, f.programme_id, f.starts_on),
        planned=planned,
    )
