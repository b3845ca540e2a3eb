"""Organisations, programmes and their rules, funding and memberships."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """Rows addressed in URLs by a random UUID, never by their sequential id."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Region(models.TextChoices):
    BRUSSELS = "brussels", _("Brussels-Capital")
    FLANDERS = "flanders", _("Flanders")
    WALLONIA = "wallonia", _("Wallonia")


class Language(models.TextChoices):
    """The programme's working languages (ISO 639-1)."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")
    DE = "de", _("German")


class EducationLevel(models.TextChoices):
    ISCED_0_2 = "isced_0_2", _("At most lower secondary (ISCED 0–2)")
    ISCED_3_4 = "isced_3_4", _("Upper secondary (ISCED 3–4)")
    ISCED_5_8 = "isced_5_8", _("Higher education (ISCED 5–8)")


class OrganisationKind(models.TextChoices):
    OPERATOR = "operator", _("Programme operator")
    FUNDER = "funder", _("Funder")
    PUBLIC_EMPLOYMENT_SERVICE = "public_employment_service", _("Public employment service")
    RESEARCH = "research", _("Research")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    COACH = "coach", _("Mentor-coach")
    FUNDER = "funder", _("Funder")
    EVALUATOR = "evaluator", _("Evaluator")


class Organisation(PublicIdModel):
    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(region="") | Q(region__in=Region.values),
                name="organisation_region_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(PublicIdModel):
    """A mentoring programme and the rules its duos follow."""

    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": OrganisationKind.OPERATOR},
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    sites = models.JSONField(_("sites"), default=list, blank=True, help_text=_("Municipalities."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Rhythm: how long a duo runs and how often it should meet.
    duo_length_weeks = models.PositiveSmallIntegerField(_("duo length (weeks)"), default=26)
    meetings_per_month = models.DecimalField(
        _("expected meetings per month"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("4"),
        help_text=_("Weekly ≈ 4, twice a month = 2."),
    )
    # Mentee eligibility.
    mentee_min_age = models.PositiveSmallIntegerField(
        _("mentee minimum age"), null=True, blank=True
    )
    mentee_max_age = models.PositiveSmallIntegerField(
        _("mentee maximum age"), null=True, blank=True
    )
    mentee_migration_background_required = models.BooleanField(
        _("mentee needs a migration background"), default=False
    )
    mentee_education_levels = models.JSONField(
        _("target groups by education level"),
        default=list,
        blank=True,
        help_text=_("Empty: every level."),
    )
    # Mentor eligibility.
    mentor_min_age = models.PositiveSmallIntegerField(
        _("mentor minimum age"), null=True, blank=True
    )
    mentor_min_experience_years = models.PositiveSmallIntegerField(
        _("mentor minimum professional experience (years)"), null=True, blank=True
    )
    training_required = models.BooleanField(_("mentor training required"), default=True)
    coach_assigned = models.BooleanField(_("a mentor-coach follows each duo"), default=False)
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up horizon (months after the duo ended)"), default=6
    )
    yearly_duo_target = models.PositiveIntegerField(_("yearly duo target"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    retention_years = models.PositiveSmallIntegerField(_("data retention (years)"), default=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__in=Region.values), name="programme_region_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programme_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(duo_length_weeks__gte=1), name="programme_duo_length_positive"
            ),
            models.CheckConstraint(
                condition=Q(meetings_per_month__gt=0) & Q(meetings_per_month__lte=31),
                name="programme_rhythm_positive",
            ),
            models.CheckConstraint(
                condition=Q(mentee_min_age__isnull=True)
                | Q(mentee_max_age__isnull=True)
                | Q(mentee_max_age__gte=F("mentee_min_age")),
                name="programme_mentee_ages_ordered",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_months__gte=1) & Q(follow_up_months__lte=60),
                name="programme_follow_up_in_range",
            ),
            models.CheckConstraint(
                condition=Q(retention_years__gte=1), name="programme_retention_positive"
            ),
        ]

    # The fields that make the programme's rules: each change of one of them
    # writes a new RulesVersion (``programmes.services.rules``).
    RULE_FIELDS = (
        "duo_length_weeks",
        "meetings_per_month",
        "mentee_min_age",
        "mentee_max_age",
        "mentee_migration_background_required",
        "mentee_education_levels",
        "mentor_min_age",
        "mentor_min_experience_years",
        "training_required",
        "coach_assigned",
        "follow_up_months",
        "yearly_duo_target",
        "sites",
        "languages",
        "retention_years",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def expected_interval_days(self) -> float:
        """DESIGN.md "Duo health": 30 ÷ expected meetings per month."""
        return 30 / float(self.meetings_per_month)


class MatchingWeights(models.Model):
    """One version of a programme's matching weights; never edited, only superseded."""

    DEFAULT_WEIGHTS = {
        "sector": 40,
        "language": 25,
        "proximity": 15,
        "availability": 10,
        "waiting": 5,
        "priority": 5,
    }

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="weight_versions",
        verbose_name=_("programme"),
    )
    version = models.PositiveIntegerField(_("version"))
    weights = models.JSONField(_("weights"), default=dict)
    min_score = models.PositiveSmallIntegerField(_("minimum score"), default=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="weights_version_unique"),
            models.CheckConstraint(
                condition=Q(min_score__lte=100), name="weights_min_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.version}"


class RulesVersion(models.Model):
    """One version of a programme's rules (DESIGN.md "Apps and models"): never
    edited, only superseded. A duo keeps the version it started under, and a
    snapshot names the version that applied when it was computed."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="rule_versions",
        verbose_name=_("programme"),
    )
    version = models.PositiveIntegerField(_("version"))
    # The rule fields of the programme at the time, by field name (JSON values).
    rules = models.JSONField(_("rules"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("rules version")
        verbose_name_plural = _("rules versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="rules_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} rules v{self.version}"


class Funding(PublicIdModel):
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        related_name="fundings",
        limit_choices_to={
            "kind__in": [OrganisationKind.FUNDER, OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE]
        },
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="fundings"
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_duos = models.PositiveIntegerField(_("target duos for the period"))

    class Meta:
        ordering = ["programme", "starts_on"]
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="funding_period_ordered"
            ),
        ]
        indexes = [
            # The funder's dashboard: fundings of a programme overlapping a period.
            models.Index(fields=["programme", "starts_on"], name="funding_programme_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} → {self.programme} ({self.starts_on:%Y}–{self.ends_on:%Y})"

    @property
    def planned_cost_per_duo(self) -> Decimal | None:
        """Amount ÷ target duos (the actual cost needs the duos started: a selector)."""
        if not self.target_duos:
            return None
        return (self.amount / self.target_duos).quantize(Decimal("0.01"))


class Membership(PublicIdModel):
    """A user's role in an organisation; funders and evaluators see only granted programmes."""

    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    programmes = models.ManyToManyField(
        Programme,
        blank=True,
        related_name="granted_memberships",
        verbose_name=_("granted programmes"),
        help_text=_("Funders and evaluators see only these programmes."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(revoked_at__isnull=True),
                name="membership_one_live_role_per_organisation",
            ),
        ]
        indexes = [
            # Every request's access check: the live memberships of one user.
            models.Index(fields=["user", "revoked_at"], name="membership_user_live_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class AccessRecord(models.Model):
    """Who exported or viewed what personal or research data, when, with which filter."""

    class What(models.TextChoices):
        PARTICIPANT_EXPORT = "participant_export", _("Export of mentees, mentors or duos")
        FIGURES_EXPORT = "figures_export", _("Export of dashboard figures")
        RESEARCH_EXPORT = "research_export", _("Pseudonymised research export")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=24, choices=What.choices)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    fmt = models.CharField(_("format"), max_length=8, blank=True)
    # Where from: REMOTE_ADDR as the server set it, and the browser (truncated).
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            # The audit screen: one programme's records, newest first.
            models.Index(fields=["programme", "-at"], name="access_programme_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"


class UserProfile(models.Model):
    """What a staff user or mentor sets for themselves: the language of their
    screens and e-mails, and a phone number colleagues can reach them on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Screens and e-mails in this language; empty: the browser's."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["", "nl", "fr", "en"]), name="profile_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}"


class SessionSalt(models.Model):
    """A random value per user, copied into each session at sign-in. "Sign out
    everywhere" replaces it: every session holding the old value is signed out
    at its next request (``mentoring.middleware.SessionPolicyMiddleware``),
    whatever the session backend and however often the key was cycled."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_salt"
    )
    salt = models.CharField(_("salt"), max_length=64)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("session salt")
        verbose_name_plural = _("session salts")

    def __str__(self) -> str:
        return f"{self.user_id}"
