"""Who may see which participant, duo and meeting (DESIGN.md "Who sees what").

- coordinator: everything of their organisation's programmes;
- coach: the duos they follow (while their coach membership is live);
- mentor: their own duos (the mentee's first name and contact, meetings);
- funder, evaluator: no participant and no duo, ever.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duos.models import Duo, Meeting, Mentee, Mentor
from programmes.access import coordinated_programmes, live_memberships, programmes_for
from programmes.models import Programme, Role


def mentor_profile(user) -> Mentor | None:
    if not (user.is_authenticated and user.is_active):
        return None
    return Mentor.objects.filter(user=user).select_related("programme").first()


def _coach_programme_ids(user):
    return programmes_for(user, [Role.COACH]).values("pk")


def duos_for(user) -> QuerySet[Duo]:
    if not (user.is_authenticated and user.is_active):
        return Duo.objects.none()
    visible = Q(programme__in=coordinated_programmes(user).values("pk"))
    visible |= Q(coach=user, programme__in=_coach_programme_ids(user))
    # Mentors see their proposals too, to agree after the introduction.
    visible |= Q(
        mentor__user=user,
        status__in=[Duo.Status.PROPOSED, Duo.Status.ACTIVE, Duo.Status.ENDED],
    )
    return Duo.objects.filter(visible)


def mentees_for(user) -> QuerySet[Mentee]:
    return Mentee.objects.filter(programme__in=coordinated_programmes(user).values("pk"))


def mentors_for(user) -> QuerySet[Mentor]:
    return Mentor.objects.filter(programme__in=coordinated_programmes(user).values("pk"))


def meetings_for(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(duo__in=duos_for(user).values("pk"))


def related_programmes(user) -> QuerySet[Programme]:
    """Every programme the user has any role in: there a refusal is a 403, not a 404."""
    if not (user.is_authenticated and user.is_active):
        return Programme.objects.none()
    granted = programmes_for(user, [r for r, _label in Role.choices])
    mentored = Programme.objects.filter(mentors__user=user)
    return granted | mentored


def is_member_of_any(user) -> bool:
    return live_memberships(user).exists() or Mentor.objects.filter(user=user).exists()
