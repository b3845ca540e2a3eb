"""A programme's eligibility rules, checked and explained in words.

Each check says what was found and what the programme asks, e.g.
"31 years old: this programme takes mentees up to 29."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from duos.models import Mentee, Mentor
from programmes.models import EducationLevel, Programme


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return relativedelta(day, birth_date).years


def _age_checks(person, programme: Programme, *, minimum, maximum, who: str, on: dt.date):
    if minimum is None and maximum is None:
        return []
    if person.birth_date is None:
        return [Check("age", False, _("Birth date unknown: the programme has age rules."))]
    age = age_on(person.birth_date, on)
    if minimum is not None and age < minimum:
        return [
            Check(
                "age",
                False,
                _("%(age)s years old: this programme takes %(who)s from %(min)s.")
                % {"age": age, "who": who, "min": minimum},
            )
        ]
    if maximum is not None and age > maximum:
        return [
            Check(
                "age",
                False,
                _("%(age)s years old: this programme takes %(who)s up to %(max)s.")
                % {"age": age, "who": who, "max": maximum},
            )
        ]
    return [Check("age", True, _("%(age)s years old: within the age rules.") % {"age": age})]


def mentee_checks(mentee: Mentee, *, on: dt.date) -> list[Check]:
    programme = mentee.programme
    checks = _age_checks(
        mentee,
        programme,
        minimum=programme.mentee_min_age,
        maximum=programme.mentee_max_age,
        who=_("mentees"),
        on=on,
    )
    if programme.mentee_migration_background_required:
        if mentee.special_consent_at is None or mentee.migration_background is None:
            checks.append(
                Check(
                    "migration_background",
                    False,
                    _(
                        "Migration background not recorded (it needs the mentee's explicit "
                        "consent): this programme is for jobseekers with a migration background."
                    ),
                )
            )
        elif not mentee.migration_background:
            checks.append(
                Check(
                    "migration_background",
                    False,
                    _("No migration background: this programme is for jobseekers with one."),
                )
            )
        else:
            checks.append(Check("migration_background", True, _("Migration background: yes.")))
    levels = programme.mentee_education_levels
    if levels:
        wanted = ", ".join(str(EducationLevel(level).label) for level in levels)
        if mentee.education_level in levels:
            checks.append(Check("education", True, _("Education level within the target groups.")))
        else:
            found = (
                EducationLevel(mentee.education_level).label
                if mentee.education_level
                else _("unknown")
            )
            checks.append(
                Check(
                    "education",
                    False,
                    _("Education level %(found)s: this programme targets %(wanted)s.")
                    % {"found": found, "wanted": wanted},
                )
            )
    return checks


def mentor_checks(mentor: Mentor, *, on: dt.date) -> list[Check]:
    programme = mentor.programme
    checks = _age_checks(
        mentor, programme, minimum=programme.mentor_min_age, maximum=None, who=_("mentors"), on=on
    )
    minimum = programme.mentor_min_experience_years
    if minimum:
        years = mentor.experience_years
        if years is None or years < minimum:
            checks.append(
                Check(
                    "experience",
                    False,
                    _("%(years)s years of professional experience: this programme asks %(min)s.")
                    % {"years": years if years is not None else "?", "min": minimum},
                )
            )
        else:
            checks.append(
                Check("experience", True, _("%(years)s years of experience.") % {"years": years})
            )
    return checks
