"""The codes shared by models, forms and importers (DESIGN.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_STATED = "not_stated", _("Not stated")


class PipelineStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    READY = "ready", _("Ready")  # mentee: waiting; mentor: available
    IN_DUO = "in_duo", _("In a duo")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EmploymentStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed (12 months or more)")
    INACTIVE = "inactive", _("Inactive")
    EMPLOYED = "employed", _("Employed")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("Under 25")
    FROM_25_TO_54 = "25_54", _("25–54")
    OVER_54 = "over_54", _("Over 54")

    @classmethod
    def for_age(cls, age: int) -> AgeBand:
        if age < 25:
            return cls.UNDER_25
        if age <= 54:
            return cls.FROM_25_TO_54
        return cls.OVER_54


class ReferralSource(models.TextChoices):
    SELF = "self", _("Applied on their own")
    EMPLOYMENT_SERVICE = "employment_service", _("Public employment service")
    SOCIAL_SERVICE = "social_service", _("Public social welfare centre (CPAS/OCMW)")
    PARTNER = "partner", _("Partner organisation")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    OTHER = "other", _("Other")


def _choice_check(field: str, choices: type[models.TextChoices], name: str, *, blank: bool = False):
    condition = Q(**{f"{field}__in": choices.values})
    if blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


class Origin(models.TextChoices):
    APPLICATION = "application", _("Public application form")
    IMPORT = "import", _("Spreadsheet import")
    COORDINATOR = "coordinator", _("Entered by a coordinator")


class ContactLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")


class AvailableSlot(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_daytime", _("Weekdays, daytime")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed (ran its course)")
    GOAL_REACHED = "goal_reached", _("Goal reached (ended early: work, training or internship)")
    MENTEE_WITHDREW = "mentee_withdrew", _("Mentee withdrew")
    MENTOR_WITHDREW = "mentor_withdrew", _("Mentor withdrew")
    MISMATCH = "mismatch", _("Mismatch")
    OTHER = "other", _("Other")


class DuoStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class MeetingMode(models.TextChoices):
    WORKPLACE = "workplace", _("At the mentor's workplace")
    IN_PERSON = "in_person", _("Elsewhere in person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")


class MeetingTopic(models.TextChoices):
    CV = "cv", _("CV")
    APPLICATIONS = "applications", _("Applications")
    INTERVIEW = "interview", _("Interview practice")
    NETWORK = "network", _("Network")
    ORIENTATION = "orientation", _("Orientation")
    TRAINING = "training", _("Training")
    LANGUAGE = "language", _("Language")
    ADMINISTRATION = "administration", _("Administration")
    WELLBEING = "wellbeing", _("Wellbeing")


class OutcomePoint(models.TextChoices):
    EXIT = "exit", _("At exit")
    FOLLOW_UP = "follow_up", _("At follow-up")


class OutcomeStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    TRAINING = "training", _("Training")
    STUDIES = "studies", _("Studies")
    INTERNSHIP = "internship", _("Internship")
    STILL_SEARCHING = "still_searching", _("Still searching")
    INACTIVE = "inactive", _("Inactive (illness, care, moved)")
    UNKNOWN = "unknown", _("Unknown (not reachable)")


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    TEMPORARY_AGENCY = "temporary_agency", _("Temporary agency work")
    SOCIAL_ECONOMY = "social_economy", _("Social economy (art. 60 and the like)")
    OTHER = "other", _("Other")


def contract_problem(*, status: str, contract_type: str) -> str | None:
    """The rule "a contract type only goes with employed", written once: forms,
    importers and services call it (the model constraint
    ``outcome_contract_only_when_employed`` holds it in the database). None when
    the pair is allowed, else the problem as a phrase that fits after
    "column exit_contract: " (``capfirst`` it for a sentence of its own)."""
    if contract_type and status != OutcomeStatus.EMPLOYED:
        return str(_("a contract type goes only with the status 'employed'"))
    return None


class OutcomeSource(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    COORDINATOR = "coordinator", _("Coordinator")
    EMPLOYMENT_SERVICE = "employment_service", _("Employment service")
    EMPLOYER = "employer", _("Employer")


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    DUOS = "duos", _("Historical duos")
    OUTCOMES = "outcomes", _("Outcomes")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")


class Respondent(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class CheckInKind(models.TextChoices):
    INTAKE_CALL = "intake_call", _("Intake call")
    MID_TERM = "mid_term", _("Mid-term check-in")
    CLOSING = "closing", _("Closing check-in")
    OTHER = "other", _("Other note")


class Risk(models.TextChoices):
    NONE = "none", _("No risk")
    LOW = "low", _("Some risk")
    HIGH = "high", _("High risk")
