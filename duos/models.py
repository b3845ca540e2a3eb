"""Participants, duos, meetings and outcomes (DESIGN.md "Apps and models")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.models import EducationLevel, Programme, PublicIdModel


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


class Participant(PublicIdModel):
    """What mentees and mentors share: identity, contact, pipeline, consent."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, verbose_name=_("programme"))
    ref = models.CharField(
        _("reference"), max_length=64, blank=True, help_text=_("The programme's own reference.")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, default=Gender.NOT_STATED
    )
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=16, choices=EducationLevel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PipelineStatus.choices, default=PipelineStatus.APPLIED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    withdrawal_reason = models.CharField(_("withdrawal reason"), max_length=200, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=32, blank=True)
    special_consent_at = models.DateTimeField(
        _("consent to special-category data given at"), null=True, blank=True
    )
    origin = models.CharField(
        _("origin"), max_length=16, choices=Origin.choices, default=Origin.COORDINATOR
    )
    contact_language = models.CharField(
        _("language for e-mails"),
        max_length=2,
        choices=ContactLanguage.choices,
        default=ContactLanguage.NL,
    )
    motivation = models.TextField(_("motivation"), blank=True)
    available_slots = models.JSONField(
        _("available"), default=list, blank=True, help_text=_("Day-parts: see AvailableSlot.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.ref

    @classmethod
    def participant_constraints(cls, prefix: str) -> list:
        return [
            models.UniqueConstraint(
                fields=["programme", "ref"],
                condition=~Q(ref=""),
                name=f"{prefix}_ref_unique_in_programme",
            ),
            _choice_check("gender", Gender, f"{prefix}_gender_valid"),
            _choice_check("status", PipelineStatus, f"{prefix}_status_valid"),
            _choice_check(
                "education_level", EducationLevel, f"{prefix}_education_valid", blank=True
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-9][0-9]{3}$"),
                name=f"{prefix}_postcode_belgian",
            ),
            _choice_check("origin", Origin, f"{prefix}_origin_valid"),
            _choice_check("contact_language", ContactLanguage, f"{prefix}_contact_language_valid"),
        ]


class Mentee(Participant):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="mentees", verbose_name=_("programme")
    )
    # Situation at entry: recorded at intake, never overwritten.
    employment_status_at_entry = models.CharField(
        _("employment status at entry"), max_length=24, choices=EmploymentStatus.choices, blank=True
    )
    age_band_at_entry = models.CharField(
        _("age band at entry"), max_length=16, choices=AgeBand.choices, blank=True
    )
    jobseeker_ref = models.CharField(_("jobseeker reference"), max_length=64, blank=True)
    referral_source = models.CharField(
        _("referral source"), max_length=24, choices=ReferralSource.choices, blank=True
    )
    # Special category (GDPR art. 9): only with recorded consent.
    migration_background = models.BooleanField(_("migration background"), null=True, blank=True)
    disability = models.BooleanField(_("disability"), null=True, blank=True)
    priority = models.BooleanField(_("priority"), default=False)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    rematch_bonus_days = models.PositiveSmallIntegerField(
        _("waiting bonus (days)"),
        default=0,
        help_text=_("Added to the waiting time after a duo ended early."),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("mentee")
        verbose_name_plural = _("mentees")
        constraints = [
            *Participant.participant_constraints("mentee"),
            _choice_check(
                "employment_status_at_entry",
                EmploymentStatus,
                "mentee_employment_valid",
                blank=True,
            ),
            _choice_check("age_band_at_entry", AgeBand, "mentee_age_band_valid", blank=True),
            _choice_check("referral_source", ReferralSource, "mentee_referral_valid", blank=True),
            models.CheckConstraint(
                condition=(Q(migration_background__isnull=True) & Q(disability__isnull=True))
                | Q(special_consent_at__isnull=False),
                name="mentee_special_category_needs_consent",
            ),
        ]
        indexes = [
            # Pipeline lists and the matching pool: mentees of a programme by status.
            models.Index(fields=["programme", "status"], name="mentee_programme_status_idx"),
            # Outcome import by the employment service's jobseeker reference.
            models.Index(fields=["programme", "jobseeker_ref"], name="mentee_jobseeker_ref_idx"),
        ]


class Mentor(Participant):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="mentors", verbose_name=_("programme")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profile",
        verbose_name=_("user account"),
    )
    profession = models.CharField(_("profession"), max_length=120, blank=True)
    experience_years = models.PositiveSmallIntegerField(
        _("professional experience (years)"), null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (concurrent duos)"), default=1)
    training_completed_on = models.DateField(_("training completed on"), null=True, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            *Participant.participant_constraints("mentor"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=10), name="mentor_capacity_in_range"
            ),
        ]
        indexes = [
            # Pipeline lists and the matching pool: mentors of a programme by status.
            models.Index(fields=["programme", "status"], name="mentor_programme_status_idx"),
        ]


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


class Duo(PublicIdModel):
    Status = DuoStatus

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="duos", verbose_name=_("programme")
    )
    mentee = models.ForeignKey(
        Mentee, on_delete=models.PROTECT, related_name="duos", verbose_name=_("mentee")
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, related_name="duos", verbose_name=_("mentor")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_duos",
        verbose_name=_("mentor-coach"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DuoStatus.choices, default=DuoStatus.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=EndReason.choices, blank=True
    )
    decline_reason = models.CharField(_("decline reason"), max_length=200, blank=True)
    match_score = models.DecimalField(
        _("match score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_components = models.JSONField(_("score components"), default=list, blank=True)
    introduction_on = models.DateField(_("introduction meeting"), null=True, blank=True)
    mentee_agreed_at = models.DateTimeField(_("mentee agreed at"), null=True, blank=True)
    mentor_agreed_at = models.DateTimeField(_("mentor agreed at"), null=True, blank=True)
    # The silence episode already reminded: the last contact date it started from.
    silence_reminded_for = models.DateField(_("silence reminder sent for"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("duo")
        verbose_name_plural = _("duos")
        constraints = [
            _choice_check("status", DuoStatus, "duo_status_valid"),
            _choice_check("end_reason", EndReason, "duo_end_reason_valid", blank=True),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "declined"]) | Q(started_on__isnull=False),
                name="duo_started_when_active_or_ended",
            ),
            models.CheckConstraint(
                condition=(Q(status="ended") & Q(ended_on__isnull=False) & ~Q(end_reason=""))
                | (~Q(status="ended") & Q(ended_on__isnull=True) & Q(end_reason="")),
                name="duo_end_date_and_reason_iff_ended",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="duo_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="duo_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("started_on")),
                name="duo_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(match_score__isnull=True)
                | (Q(match_score__gte=0) & Q(match_score__lte=100)),
                name="duo_match_score_in_range",
            ),
            # A mentee is in at most one running duo at a time.
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(status="active"), name="duo_one_active_per_mentee"
            ),
            # The historical import's key: (mentee, started_on).
            models.UniqueConstraint(
                fields=["mentee", "started_on"],
                condition=Q(started_on__isnull=False),
                name="duo_mentee_start_unique",
            ),
        ]
        indexes = [
            # Duo lists and home counts: duos of a programme by status.
            models.Index(fields=["programme", "status"], name="duo_programme_status_idx"),
            # Capacity check on activation: active duos of one mentor.
            models.Index(fields=["mentor", "status"], name="duo_mentor_status_idx"),
            # The coach's workspace: duos a coach follows, by status.
            models.Index(fields=["coach", "status"], name="duo_coach_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} × {self.mentor}"


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


class Meeting(PublicIdModel):
    Topic = MeetingTopic
    Mode = MeetingMode

    MAX_DAYS_AFTER_END = 7
    EDITABLE_DAYS = 14

    duo = models.ForeignKey(
        Duo, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("duo")
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    mode = models.CharField(_("mode"), max_length=16, choices=MeetingMode.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logged by"),
    )
    # The form's one-time token: a double submit finds the meeting already there.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            _choice_check("mode", MeetingMode, "meeting_mode_valid"),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=720), name="meeting_minutes_in_range"
            ),
        ]
        indexes = [
            # A duo's meetings by date: the timeline, the meeting list and
            # "days since the last meeting" for duo health.
            models.Index(fields=["duo", "-date"], name="meeting_duo_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duo} · {self.date}"


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


class OutcomeSource(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    COORDINATOR = "coordinator", _("Coordinator")
    EMPLOYMENT_SERVICE = "employment_service", _("Employment service")
    EMPLOYER = "employer", _("Employer")


class Outcome(PublicIdModel):
    Source = OutcomeSource
    Contract = ContractType
    Status = OutcomeStatus
    Point = OutcomePoint

    duo = models.ForeignKey(
        Duo, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("duo")
    )
    point = models.CharField(_("point"), max_length=16, choices=OutcomePoint.choices)
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=OutcomeStatus.choices)
    contract_type = models.CharField(
        _("contract"), max_length=16, choices=ContractType.choices, blank=True
    )
    source = models.CharField(_("source"), max_length=24, choices=OutcomeSource.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["duo", "point"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            # Also the index for "the outcome of this duo at this point".
            models.UniqueConstraint(fields=["duo", "point"], name="outcome_one_per_duo_and_point"),
            _choice_check("point", OutcomePoint, "outcome_point_valid"),
            _choice_check("status", OutcomeStatus, "outcome_status_valid"),
            _choice_check("source", OutcomeSource, "outcome_source_valid"),
            _choice_check("contract_type", ContractType, "outcome_contract_valid", blank=True),
            models.CheckConstraint(
                condition=Q(contract_type="") | Q(status="employed"),
                name="outcome_contract_only_when_employed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duo} · {self.get_point_display()}: {self.get_status_display()}"


class Screening(PublicIdModel):
    """The intake interview of one mentee or mentor, and the eligibility verdict.

    ``checks`` keeps each rule's verdict in words as shown at the time; an
    ineligible person is accepted only with an ``override_reason``."""

    mentee = models.ForeignKey(
        Mentee, null=True, blank=True, on_delete=models.CASCADE, related_name="screenings"
    )
    mentor = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.CASCADE, related_name="screenings"
    )
    interviewed_on = models.DateField(_("interview date"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    notes = models.TextField(_("notes"), blank=True)
    eligible = models.BooleanField(_("eligible by the programme's rules"))
    checks = models.JSONField(_("eligibility checks"), default=list)
    override_reason = models.CharField(_("reason to accept anyway"), max_length=300, blank=True)

    class Meta:
        ordering = ["-interviewed_on", "-created_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(mentee__isnull=False) & Q(mentor__isnull=True))
                | (Q(mentee__isnull=True) & Q(mentor__isnull=False)),
                name="screening_of_one_person",
            ),
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(override_reason=""),
                name="screening_ineligible_needs_override",
            ),
        ]


class TrainingSession(PublicIdModel):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="training_sessions",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Mentor, through="TrainingAttendance", related_name="training_sessions"
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [
            # The programme's sessions, newest first.
            models.Index(fields=["programme", "-date"], name="training_programme_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField(_("attended"), default=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mentor"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} @ {self.session}"


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    DUOS = "duos", _("Historical duos")
    OUTCOMES = "outcomes", _("Outcomes")


class DataImport(PublicIdModel):
    """An uploaded spreadsheet kept between its preview and its confirmation."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="imports", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [_choice_check("kind", ImportKind, "import_kind_valid")]

    def __str__(self) -> str:
        return self.filename


class PairingExclusion(PublicIdModel):
    """A declared conflict or preference: this mentee is never proposed this mentor."""

    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="exclusions")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="exclusions")
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pairing exclusion")
        verbose_name_plural = _("pairing exclusions")
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="exclusion_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ≠ {self.mentor}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")


class MatchingRun(PublicIdModel):
    """One batch matching of a programme's pool, its inputs and its result."""

    Status = RunStatus

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="matching_runs",
        verbose_name=_("programme"),
    )
    weights = models.ForeignKey(
        "programmes.MatchingWeights", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    mean_score = models.DecimalField(
        _("mean score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    objective = models.FloatField(_("objective"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            _choice_check("status", RunStatus, "matching_run_status_valid"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="matching_run_progress_pct"
            ),
        ]
        indexes = [
            # The programme's matching page: its latest runs.
            models.Index(fields=["programme", "-created_at"], name="matching_run_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.created_at:%Y-%m-%d %H:%M}"


class MatchDraft(models.Model):
    """A run's suggestion for one mentee: a mentor, or none (left to a human)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="drafts")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    components = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="draft_once_per_mentee"),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(mentor__isnull=False), name="draft_locked_has_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor or '—'}"


class Respondent(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class DuoFeedback(models.Model):
    """A short feedback at closing, from each side."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="feedback")
    respondent = models.CharField(_("from"), max_length=8, choices=Respondent.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    would_recommend = models.BooleanField(_("would recommend"), null=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["duo", "respondent"], name="feedback_once_per_side"),
            _choice_check("respondent", Respondent, "feedback_respondent_valid"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="feedback_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duo} · {self.respondent}: {self.satisfaction}/5"


class Concern(PublicIdModel):
    """Raised by a mentor; the coach and the coordinators handle it."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    text = models.TextField(_("what is going on?"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("how it was handled"), blank=True)

    class Meta:
        ordering = ["-urgent", "-created_at"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        indexes = [
            # Open concerns on the coach's and coordinators' homes.
            models.Index(fields=["duo", "handled_at"], name="concern_duo_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duo}: {self.text[:40]}"


class CheckInKind(models.TextChoices):
    INTAKE_CALL = "intake_call", _("Intake call")
    MID_TERM = "mid_term", _("Mid-term check-in")
    CLOSING = "closing", _("Closing check-in")
    OTHER = "other", _("Other note")


class Risk(models.TextChoices):
    NONE = "none", _("No risk")
    LOW = "low", _("Some risk")
    HIGH = "high", _("High risk")


class CheckIn(PublicIdModel):
    """A coach's check-in with a duo: notes for coaches and coordinators only."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CheckInKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.NONE)

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            _choice_check("kind", CheckInKind, "checkin_kind_valid"),
            _choice_check("risk", Risk, "checkin_risk_valid"),
        ]
        indexes = [
            # A duo's timeline: its check-ins by date.
            models.Index(fields=["duo", "-on"], name="checkin_duo_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duo} · {self.get_kind_display()} {self.on}"


class FollowUpRequest(PublicIdModel):
    """A single-use, expiring link sent to the mentee at the follow-up date: one
    question, no sign-in; the answer becomes the follow-up outcome (source mentee).
    Only the token's hash is stored."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="follow_up_requests")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("sent to"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow-up request")
        verbose_name_plural = _("follow-up requests")

    def __str__(self) -> str:
        return f"{self.duo} · {self.created_at:%Y-%m-%d}"
