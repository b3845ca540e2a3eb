"""Duos, their meetings, outcomes, feedback, concerns, check-ins and follow-up requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duos.models.choices import (
    CheckInKind,
    ContractType,
    DuoStatus,
    EndReason,
    MeetingMode,
    MeetingTopic,
    OutcomePoint,
    OutcomeSource,
    OutcomeStatus,
    Respondent,
    Risk,
    _choice_check,
)
from duos.models.participants import Mentee, Mentor
from programmes.models import Programme, PublicIdModel, RulesVersion
from programmes.validators import TEXT_LIMIT


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
    introduction_held_at = models.DateTimeField(
        _("introduction held (marked) at"), null=True, blank=True
    )
    # A coordinator started the duo without the introduction or an agreement.
    start_override_reason = models.CharField(
        _("started without introduction or agreement, because"), max_length=200, blank=True
    )
    # The silence episode already reminded: the last contact date it started from.
    silence_reminded_for = models.DateField(_("silence reminder sent for"), null=True, blank=True)
    # The programme's rules this duo runs under (length, rhythm, follow-up horizon):
    # set when it is proposed, so a later change of the rules never rewrites it.
    rules_version = models.ForeignKey(
        RulesVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rules version"),
    )

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
            # The duo list in its default order (duos.selectors.duo_list_for), a page
            # at a time: read in index order instead of sorting every duo in scope.
            models.Index(
                fields=["status", "-started_on", "-created_at"], name="duo_list_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} × {self.mentor}"


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
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMIT)
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
    # ESF+ result indicator "participants gaining a qualification upon leaving":
    # None when not asked or not known (counted as missing, never guessed).
    qualification_gained = models.BooleanField(_("gained a qualification"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMIT)
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


class DuoFeedback(models.Model):
    """A short feedback at closing, from each side."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="feedback")
    respondent = models.CharField(_("from"), max_length=8, choices=Respondent.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    would_recommend = models.BooleanField(_("would recommend"), null=True)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_LIMIT)
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
    text = models.TextField(_("what is going on?"), max_length=TEXT_LIMIT)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("how it was handled"), blank=True, max_length=TEXT_LIMIT)

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


class CheckIn(PublicIdModel):
    """A coach's check-in with a duo: notes for coaches and coordinators only."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CheckInKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMIT)
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
    question, no sign-in. The answer fills an empty follow-up outcome (source
    mentee); where one was recorded already and says otherwise, the answer is
    kept here for the coordinators to decide (DESIGN.md "Outcome").
    Only the token's hash is stored."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="follow_up_requests")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("sent to"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=20, choices=OutcomeStatus.choices, blank=True, default=""
    )
    # Set when the answer differed from a recorded outcome: the coordinators'
    # to-do until one of them decides (``decided_at``).
    needs_decision = models.BooleanField(_("to decide"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow-up request")
        verbose_name_plural = _("follow-up requests")

    def __str__(self) -> str:
        return f"{self.duo} · {self.created_at:%Y-%m-%d}"
