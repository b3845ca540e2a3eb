"""Mentees and mentors, their screening, training and declared exclusions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duos.models.choices import (
    AgeBand,
    AvailableSlot,
    ContactLanguage,
    EmploymentStatus,
    Gender,
    Origin,
    PipelineStatus,
    ReferralSource,
    _choice_check,
)
from programmes.models import EducationLevel, Programme, PublicIdModel
from programmes.validators import NAME_LIMIT, TEXT_LIMIT, no_control_characters


class Participant(PublicIdModel):
    """What mentees and mentors share: identity, contact, pipeline, consent."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, verbose_name=_("programme"))
    ref = models.CharField(
        _("reference"), max_length=64, blank=True, help_text=_("The programme's own reference.")
    )
    first_name = models.CharField(
        _("first name"), max_length=NAME_LIMIT, validators=[no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=NAME_LIMIT, blank=True, validators=[no_control_characters]
    )
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
    motivation = models.TextField(_("motivation"), blank=True, max_length=TEXT_LIMIT)
    available_slots = models.JSONField(
        _("available"), default=list, blank=True, help_text=_("Day-parts: see AvailableSlot.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.ref

    @property
    def available_slot_labels(self) -> list[str]:
        labels = dict(AvailableSlot.choices)
        return [str(labels[slot]) for slot in self.available_slots if slot in labels]

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
            # The mentee list in its default order (duos.selectors.mentee_list_for:
            # status, last name, first name), a page at a time: read in index order
            # and filtered by the scope's programmes, instead of sorting every mentee
            # in scope (26 -> 1 ms for 14,000 mentees in scope). The programme is not
            # its first column: the scope is a list of programmes, so an index led by
            # the programme gives no single order to read.
            models.Index(
                fields=["status", "last_name", "first_name", "id"], name="mentee_list_order_idx"
            ),
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
            # The mentor list in its default order (duos.selectors.mentor_list_for),
            # a page at a time, as mentee_list_order_idx.
            models.Index(
                fields=["status", "last_name", "first_name", "id"], name="mentor_list_order_idx"
            ),
        ]


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
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_LIMIT)
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
