"""Synthetic mentees and mentors: who they are and their situation at intake.

Pure planning: nothing here touches the database, so that the same random
sequence always yields the same people."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from duos.demo import vocab
from duos.demo.profiles import Profile
from duos.models import AgeBand, EmploymentStatus, Gender, Origin, ReferralSource
from programmes.models import EducationLevel, Programme

DEMO_DOMAIN = "demo.invalid"


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local (Europe/Brussels) moment of that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Person:
    kind: str  # "mentee" | "mentor"
    ref: str
    fate: str  # what the plan does with them: "applied", "pool", "done", ...
    entry: dt.date  # applied on
    values: dict  # model fields fixed at intake
    status: str = ""
    status_on: dt.date | None = None
    withdrawal_reason: str = ""
    waiting_since: dt.date | None = None
    available_from: dt.date | None = None  # mentors: may start a duo from
    account: str | None = None  # demo account linked as the mentor's user
    busy: list = field(default_factory=list)  # mentors: (start, end) of duos held

    @property
    def languages(self) -> list[str]:
        return self.values["languages"]

    @property
    def sectors(self) -> list[str]:
        return self.values["sectors"]


_TRANSLIT = str.maketrans({"ı": "i", "ł": "l", "'": "", " ": "-"})


def _ascii(name: str) -> str:
    name = unicodedata.normalize("NFKD", name.lower().translate(_TRANSLIT))
    return name.encode("ascii", "ignore").decode()


class Namer:
    """Names, unique fake e-mails (on demo.invalid) and fake phone numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()
        self.count = 0

    def identity(self, origins) -> tuple[dict, vocab.Origin]:
        """Name, gender and contact of someone of one of the weighted ``origins``."""
        rng = self.rng
        origin = vocab.ORIGINS[pick(rng, origins)]
        gender = pick(
            rng,
            (
                (Gender.FEMALE, 48),
                (Gender.MALE, 48),
                (Gender.NON_BINARY, 1),
                (Gender.NOT_STATED, 3),
            ),
        )
        firsts = {Gender.FEMALE: origin.female, Gender.MALE: origin.male}.get(
            gender, origin.female + origin.male
        )
        first, last = rng.choice(firsts), rng.choice(origin.last)
        return {
            "first_name": first,
            "last_name": last,
            "gender": gender,
            "email": self.email(first, last),
            "phone": self.phone(),
        }, origin

    def email(self, first: str, last: str) -> str:
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, n = f"{base}@{DEMO_DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{DEMO_DOMAIN}"
        self.emails.add(email)
        return email

    def phone(self) -> str:
        self.count += 1
        return f"+32 470 00 {self.count // 100 % 100:02d} {self.count % 100:02d}"


def birth_date(rng: random.Random, *, entry: dt.date, age: int) -> dt.date:
    """Someone exactly ``age`` years old on ``entry``."""
    return entry - relativedelta(years=age) - dt.timedelta(days=rng.randint(0, 360))


def _languages(rng: random.Random, origin: vocab.Origin, profile: Profile, *, share=0.3):
    """The region's language, the origin's, and maybe the other national one and English."""
    other = "nl" if profile.language == "fr" else "fr"
    extra = [other] if rng.random() < share else []
    extra += ["en"] if rng.random() < share + 0.1 else []
    return list(dict.fromkeys([profile.language, *origin.languages, *extra]))


def _sectors(rng: random.Random) -> list[str]:
    first = pick(rng, vocab.SECTOR_WEIGHTS)
    second = pick(rng, vocab.SECTOR_WEIGHTS) if rng.random() < 0.4 else first
    return list(dict.fromkeys([first, second]))


def _place(rng: random.Random, profile: Profile, kind: str) -> dict:
    places = vocab.PLACES[f"{profile.region}_{kind}"]
    postcode, municipality, _weight = rng.choices(places, weights=[w for *_, w in places])[0]
    return {"postcode": postcode, "municipality": municipality}


def _consent(rng: random.Random, entry: dt.date) -> dict:
    return {
        "consent_given_at": aware(entry, 9 + rng.randint(0, 7), rng.choice((0, 15, 30, 45))),
        "consent_version": f"{entry.year}-01",
    }


def _record_origin(rng: random.Random, entry: dt.date, today: dt.date) -> str:
    if (today - entry).days > 365:
        return Origin.IMPORT  # from the spreadsheet kept before Duo
    return Origin.APPLICATION if rng.random() < 0.6 else Origin.COORDINATOR


def _special_category(rng, programme: Programme, *, origin_key: str, fate: str, consent_at):
    """Migration background and disability: recorded only with explicit consent."""
    if programme.mentee_migration_background_required:
        consented = fate != "applied" or rng.random() < 0.5
    else:
        consented = rng.random() < 0.6
    if not consented:
        return {"special_consent_at": None, "migration_background": None, "disability": None}
    return {
        "special_consent_at": consent_at,
        "migration_background": not origin_key.startswith("belgian"),
        "disability": True if rng.random() < 0.05 else None,
    }


def _situation(rng: random.Random, profile: Profile, *, n: int, age: int) -> dict:
    referral = pick(
        rng,
        (
            (ReferralSource.EMPLOYMENT_SERVICE, 40),
            (ReferralSource.SELF, 20),
            (ReferralSource.SOCIAL_SERVICE, 15),
            (ReferralSource.PARTNER, 15),
            (ReferralSource.WORD_OF_MOUTH, 10),
        ),
    )
    registered = referral == ReferralSource.EMPLOYMENT_SERVICE or rng.random() < 0.75
    return {
        "employment_status_at_entry": pick(
            rng,
            (
                (EmploymentStatus.UNEMPLOYED, 52),
                (EmploymentStatus.LONG_TERM_UNEMPLOYED, 33),
                (EmploymentStatus.INACTIVE, 15),
            ),
        ),
        "age_band_at_entry": AgeBand.for_age(age).value,
        "referral_source": referral,
        "jobseeker_ref": f"{profile.jobseeker_prefix}{400000 + n:07d}" if registered else "",
        "priority": rng.random() < 0.1,
    }


def make_mentee(
    rng, namer: Namer, profile: Profile, programme: Programme, *, n: int, fate, entry, today
) -> Person:
    """Mentee number ``n`` of the programme, who applied on ``entry``."""
    origin_key = pick(rng, vocab.MENTEE_ORIGINS[profile.mentee_origins])
    identity, origin = namer.identity(((origin_key, 1),))
    age = rng.randint(*profile.mentee_ages)
    consent = _consent(rng, entry)
    languages = _languages(rng, origin, profile)
    values = identity | _place(rng, profile, "mentee") | consent
    values |= {
        "birth_date": birth_date(rng, entry=entry, age=age),
        "languages": languages,
        "sectors": _sectors(rng),
        "education_level": pick(rng, profile.mentee_education),
        "contact_language": "en" if "en" in languages and rng.random() < 0.25 else profile.language,
        "origin": _record_origin(rng, entry, today),
    }
    values |= _situation(rng, profile, n=n, age=age)
    values |= _special_category(
        rng, programme, origin_key=origin_key, fate=fate, consent_at=consent["consent_given_at"]
    )
    return Person("mentee", f"{profile.prefix}-ME-{n:03d}", fate, entry, values)


def _mentor_profile(rng, programme: Programme, *, sectors, age: int, entry, today) -> dict:
    age_now = age + (today - entry).days // 365
    return {
        "profession": rng.choice(vocab.PROFESSIONS[sectors[0]]),
        "experience_years": max(
            age - 22 - rng.randint(0, 8), programme.mentor_min_experience_years or 0
        ),
        "capacity": 2 if rng.random() < 0.25 else 1,
        "availability": vocab.AVAILABILITY[3]
        if age_now >= 65
        else rng.choice(vocab.AVAILABILITY[:3] + vocab.AVAILABILITY[4:]),
    }


def make_mentor(
    rng, namer: Namer, profile: Profile, programme: Programme, *, n: int, fate, entry, today
) -> Person:
    """Mentor number ``n``; a mentor in the pool is trained (where required) after intake."""
    identity, origin = namer.identity(vocab.MENTOR_ORIGINS[profile.region])
    age = rng.randint(*profile.mentor_ages)
    sectors = _sectors(rng)
    trained = None
    if programme.training_required and fate in ("pool", "withdrawn"):
        trained = entry + dt.timedelta(days=rng.randint(14, 45))
    values = identity | _place(rng, profile, "mentor") | _consent(rng, entry)
    values |= {
        "birth_date": birth_date(rng, entry=entry, age=age),
        "languages": _languages(rng, origin, profile, share=0.5),
        "sectors": sectors,
        "education_level": pick(
            rng,
            (
                (EducationLevel.ISCED_5_8, 60),
                (EducationLevel.ISCED_3_4, 35),
                (EducationLevel.ISCED_0_2, 5),
            ),
        ),
        "contact_language": profile.language,
        "origin": _record_origin(rng, entry, today),
        "training_completed_on": trained,
    }
    values |= _mentor_profile(rng, programme, sectors=sectors, age=age, entry=entry, today=today)
    mentor = Person("mentor", f"{profile.prefix}-MR-{n:03d}", fate, entry, values)
    mentor.available_from = trained or entry + dt.timedelta(days=10)
    return mentor


def demo_mentor(rng, namer: Namer, profile: Profile, *, entry: dt.date) -> Person:
    """The mentor who signs in as mentor@example.org: their profile's e-mail is their login."""
    trained = entry + dt.timedelta(days=21)
    values = _consent(rng, entry) | {
        "first_name": "Marc",
        "last_name": "Dubois",
        "gender": Gender.MALE,
        "email": "mentor@example.org",
        "phone": namer.phone(),
        "birth_date": birth_date(rng, entry=entry, age=61),
        "postcode": "1180",
        "municipality": "Uccle",
        "languages": ["fr", "nl", "en"],
        "sectors": ["logistics", "retail"],
        "education_level": EducationLevel.ISCED_5_8,
        "contact_language": "fr",
        "origin": Origin.COORDINATOR,
        "training_completed_on": trained,
        "profession": "Logistics manager",
        "experience_years": 36,
        "capacity": 2,
        "availability": "Tuesday and Thursday afternoons",
    }
    mentor = Person("mentor", f"{profile.prefix}-MR-001", "pool", entry, values, account="mentor")
    mentor.available_from = trained
    return mentor
