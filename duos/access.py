"""Who may see and do what on participants, duos and everything under them:
the one place that decides it (DESIGN.md "Who sees what").

- coordinator: everything of their organisation's programmes;
- coach: the duos they follow (while their coach membership is live): both
  people's first names and contacts, meetings, check-ins, concerns, health;
- mentor: their own duos: the mentee's first name, and the mentee's contact
  while the duo is proposed or active; meetings; the concerns they raised and
  whether they were handled. Never outcomes, feedback, check-ins or others'
  concerns;
- funder, evaluator: no participant and no duo, ever (figures only).

Two kinds of answer:
- scoped querysets (``duos_for(user)``, ``outcomes_for(user)``, …) for every
  kind of record; views and tasks read through them, so an unscoped
  ``Model.objects`` never meets a user's input;
- for one user and one duo, :class:`DuoView`: what they may see and do there,
  handed to templates as plain flags.

``*_or_deny`` fetch one record: outsiders get 404, members of the programme
without the right get 403 (``programmes.access.get_or_deny``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from duos.models import (
    CheckIn,
    Concern,
    DataImport,
    Duo,
    DuoFeedback,
    FollowUpRequest,
    MatchingRun,
    Meeting,
    Mentee,
    Mentor,
    Outcome,
    TrainingSession,
)
from programmes.access import (
    coordinated_programmes,
    get_or_deny,
    programmes_for,
    register_role,
)
from programmes.models import Programme, Role

MENTOR = "mentor"


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_mentor(user) -> bool:
    return _signed_in(user) and Mentor.objects.filter(user=user).exists()


register_role(MENTOR, is_mentor)


# --- programmes --------------------------------------------------------------------


def related_programmes(user) -> QuerySet[Programme]:
    """Every programme the user has any role in: there a refusal is a 403, not a 404."""
    if not _signed_in(user):
        return Programme.objects.none()
    granted = programmes_for(user, [r for r, _label in Role.choices])
    mentored = Programme.objects.filter(mentors__user=user)
    return granted | mentored


def _coordinated_ids(user):
    return coordinated_programmes(user).values("pk")


def _coached_ids(user):
    return programmes_for(user, [Role.COACH]).values("pk")


# --- scoped querysets --------------------------------------------------------------


def duos_for(user) -> QuerySet[Duo]:
    """Coordinators: their programmes' duos; coaches: the duos they follow in
    the programmes they coach; mentors: their own (proposals too, to agree
    after the introduction). The user's programmes and mentor profiles are
    read first (three small queries), so the duos are filtered by short lists
    of ids that PostgreSQL reads through the programme, coach and mentor
    indexes, instead of joining every duo to its mentor to test an OR of
    sub-selects (a sequential scan: 60 ms at 100,000 duos)."""
    if not _signed_in(user):
        return Duo.objects.none()
    coordinated = list(_coordinated_ids(user).values_list("pk", flat=True))
    coached = list(_coached_ids(user).values_list("pk", flat=True))
    mentors = list(Mentor.objects.filter(user=user).values_list("pk", flat=True))
    visible = Q(pk__in=[])
    if coordinated:
        visible |= Q(programme_id__in=coordinated)
    if coached:
        visible |= Q(coach=user, programme_id__in=coached)
    if mentors:
        visible |= Q(
            mentor_id__in=mentors,
            status__in=[Duo.Status.PROPOSED, Duo.Status.ACTIVE, Duo.Status.ENDED],
        )
    return Duo.objects.filter(visible)


def coordinated_duos(user) -> QuerySet[Duo]:
    """Duos a coordinator manages (close, outcomes, coach, proposals)."""
    return Duo.objects.filter(programme__in=_coordinated_ids(user))


def supported_duos(user) -> QuerySet[Duo]:
    """Duos whose private side (check-ins, concerns, health) the user sees:
    coordinators' and the ones they coach."""
    if not _signed_in(user):
        return Duo.objects.none()
    return Duo.objects.filter(
        Q(programme__in=_coordinated_ids(user)) | Q(coach=user, programme__in=_coached_ids(user))
    )


def mentees_for(user) -> QuerySet[Mentee]:
    return Mentee.objects.filter(programme__in=_coordinated_ids(user))


def mentors_for(user) -> QuerySet[Mentor]:
    return Mentor.objects.filter(programme__in=_coordinated_ids(user))


def meetings_for(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(duo__in=duos_for(user).values("pk"))


def outcomes_for(user) -> QuerySet[Outcome]:
    return Outcome.objects.filter(duo__programme__in=_coordinated_ids(user))


def feedback_for(user) -> QuerySet[DuoFeedback]:
    return DuoFeedback.objects.filter(duo__programme__in=_coordinated_ids(user))


def check_ins_for(user) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(duo__in=supported_duos(user).values("pk"))


def concerns_for(user) -> QuerySet[Concern]:
    """Coordinators and coaches see every concern of their duos; a mentor the
    ones they raised (to see whether they were handled)."""
    if not _signed_in(user):
        return Concern.objects.none()
    return Concern.objects.filter(
        Q(duo__in=supported_duos(user).values("pk"))
        | Q(raised_by=user, duo__in=duos_for(user).values("pk"))
    )


def follow_up_requests_for(user) -> QuerySet[FollowUpRequest]:
    return FollowUpRequest.objects.filter(duo__programme__in=_coordinated_ids(user))


def runs_for(user) -> QuerySet[MatchingRun]:
    return MatchingRun.objects.filter(programme__in=_coordinated_ids(user))


def imports_for(user) -> QuerySet[DataImport]:
    return DataImport.objects.filter(programme__in=_coordinated_ids(user))


def training_sessions_for(user) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(programme__in=_coordinated_ids(user))


# The path from each kind of record to its programme: what makes a refusal a
# 403 (a member of that programme) rather than a 404.
_PROGRAMME_PATH = {
    Duo: "programme",
    Mentee: "programme",
    Mentor: "programme",
    TrainingSession: "programme",
    MatchingRun: "programme",
    DataImport: "programme",
    Meeting: "duo__programme",
    Outcome: "duo__programme",
    Concern: "duo__programme",
    CheckIn: "duo__programme",
    FollowUpRequest: "duo__programme",
}


def related_records(user, model: type[Model]) -> QuerySet:
    """Records of ``model`` in the programmes the user has any role in."""
    path = _PROGRAMME_PATH[model]
    return model._default_manager.filter(**{f"{path}__in": related_programmes(user).values("pk")})


def object_or_deny(user, allowed: QuerySet, **lookup):
    """One record of ``allowed``; 403 for a member of its programme, else 404."""
    return get_or_deny(allowed=allowed, related=related_records(user, allowed.model), **lookup)


def programme_or_deny(user, uuid) -> Programme:
    """A programme the user coordinates."""
    return get_or_deny(
        allowed=coordinated_programmes(user).select_related("operator"),
        related=related_programmes(user),
        uuid=uuid,
    )


def run_or_deny(user, uuid) -> MatchingRun:
    return object_or_deny(user, runs_for(user).select_related("programme", "weights"), uuid=uuid)


def person_or_deny(user, model: type[Mentee] | type[Mentor], uuid) -> Mentee | Mentor:
    scoped = mentees_for if model is Mentee else mentors_for
    return object_or_deny(user, scoped(user).select_related("programme"), uuid=uuid)


def sees_trail(user, person: Mentee | Mentor) -> bool:
    """Who saw a person's record and how it changed (the access trail and the
    change history): only the coordinators of the person's programme. Nobody
    else, whatever else they see of the person."""
    return _signed_in(user) and coordinated_programmes(user).filter(pk=person.programme_id).exists()


# --- one duo -----------------------------------------------------------------------


@dataclass(frozen=True)
class DuoView:
    """What one user may see and do on one duo; templates read these flags."""

    coordinator: bool = False
    coach: bool = False
    mentor: bool = False
    status: str = ""

    @property
    def mentee_full_name(self) -> bool:
        return self.coordinator

    @property
    def mentee_contact(self) -> bool:
        live = self.status in (Duo.Status.PROPOSED, Duo.Status.ACTIVE)
        return self.coordinator or self.coach or (self.mentor and live)

    @property
    def mentor_contact(self) -> bool:
        return self.coordinator or self.coach

    @property
    def outcomes(self) -> bool:
        return self.coordinator

    @property
    def feedback(self) -> bool:
        return self.coordinator

    @property
    def support(self) -> bool:
        """Check-ins, every concern, health: the coach's and coordinator's side."""
        return self.coordinator or self.coach

    @property
    def all_meeting_notes(self) -> bool:
        """A mentor reads the notes of the meetings they logged only."""
        return self.coordinator or self.coach

    @property
    def log_meeting(self) -> bool:
        return self.status == Duo.Status.ACTIVE and (self.mentor or self.coordinator)

    @property
    def raise_concern(self) -> bool:
        return self.status == Duo.Status.ACTIVE and (self.mentor or self.coordinator or self.coach)

    @property
    def check_in(self) -> bool:
        return self.support

    @property
    def handle_concern(self) -> bool:
        return self.support

    @property
    def manage(self) -> bool:
        """Coach, introduction, agreements, closing and outcomes."""
        return self.coordinator

    @property
    def close(self) -> bool:
        return self.coordinator and self.status == Duo.Status.ACTIVE

    @property
    def record_outcome(self) -> bool:
        return self.coordinator and self.status == Duo.Status.ENDED

    @property
    def answer_proposal(self) -> bool:
        """Agree (as the mentor) or decline a proposal."""
        return self.status == Duo.Status.PROPOSED and (self.coordinator or self.mentor)


def duo_view(user, duo: Duo) -> DuoView:
    if not _signed_in(user):
        return DuoView(status=duo.status)
    coordinator = coordinated_programmes(user).filter(pk=duo.programme_id).exists()
    coach = duo.coach_id == user.pk and _coached_ids(user).filter(pk=duo.programme_id).exists()
    mentor = duo.mentor.user_id == user.pk
    return DuoView(coordinator=coordinator, coach=coach, mentor=mentor, status=duo.status)


def duo_or_deny(
    user, uuid, *, may: str | None = None, queryset: QuerySet[Duo] | None = None
) -> tuple[Duo, DuoView]:
    """A duo the user sees, and what they may do there; 403 when ``may`` (a
    :class:`DuoView` flag) is false for them."""
    allowed = duos_for(user) if queryset is None else queryset & duos_for(user)
    duo = object_or_deny(
        user, allowed.select_related("programme", "mentee", "mentor", "coach"), uuid=uuid
    )
    view = duo_view(user, duo)
    if may is not None and not getattr(view, may):
        raise PermissionDenied
    return duo, view
