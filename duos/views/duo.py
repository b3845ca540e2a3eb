"""The duo list and a duo's page, each showing what the reader's role allows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duos import access, selectors
from duos.filters import DuoFilter
from duos.forms import (
    CheckInForm,
    CoachForm,
    ConcernForm,
    DeclineForm,
    IntroductionForm,
    meeting_form_for,
)
from duos.matching.runs import explain
from duos.services import trail
from duos.views.common import PAGE_SIZE, filtered_list
from programmes.access import coaches_of, coordinated_programmes, role_required
from programmes.exports import table_response
from programmes.models import Role

DUO_PEOPLE = (Role.COORDINATOR, Role.COACH, access.MENTOR)


@role_required(*DUO_PEOPLE)
def duo_list(request: HttpRequest) -> HttpResponse:
    duos = selectors.duo_list_for(request.user)
    if coordinated_programmes(request.user).exists():
        filterset = DuoFilter(request.GET or None, queryset=duos, request=request)
        return filtered_list(
            request,
            filterset=filterset,
            template="duos/duo_list.html",
            export=lambda qs, fmt: table_response(
                filename="duos", fmt=fmt, **selectors.duo_table(qs)
            ),
            decorate=selectors.duo_rows,
        )
    page = Paginator(duos, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.duo_rows(page.object_list)
    return render(request, "duos/duo_list.html", {"page": page})


MEETINGS_PER_PAGE = 25


def _timeline_page(request: HttpRequest, duo, view) -> dict:
    """A page of the timeline (``?meetings=N``): 25 meetings, and the other events
    dated between this page's oldest meeting and the previous page's, so that a
    duo with 500 meetings does not send them all, and each event shows once."""
    meetings = selectors.duo_meetings(duo)
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("meetings"))
    rows = list(page.object_list)
    until = None
    if page.number > 1:
        until = meetings.values_list("date", flat=True)[page.start_index() - 2]
    after = rows[-1].date if rows and page.has_next() else None
    timeline = selectors.duo_timeline(
        duo, view=view, reader=request.user, meetings=rows, after=after, until=until
    )
    return {"timeline": timeline, "meetings_page": page}


@role_required(*DUO_PEOPLE)
def duo_detail(request: HttpRequest, uuid) -> HttpResponse:
    duo, view = access.duo_or_deny(
        request.user, uuid, queryset=selectors.with_last_contact(access.duos_for(request.user))
    )
    trail.duo_viewed(request.user, duo=duo, where=trail.Where.of(request))
    duo.health = selectors.duo_health(duo)
    context = {
        "duo": duo,
        "can": view,
        **_timeline_page(request, duo, view),
        "progress": selectors.mentor_progress(duo),
        "feedback": selectors.duo_feedback(duo) if view.feedback else [],
    }
    if view.log_meeting:
        last = selectors.last_meeting_logged_by(request.user)
        context["meeting_form"] = meeting_form_for(duo, last_meeting=last)
    if view.raise_concern:
        context["concern_form"] = ConcernForm()
    if view.check_in:
        context["check_in_form"] = CheckInForm()
    if view.manage:
        context["coach_form"] = CoachForm(
            initial={"coach": duo.coach_id}, coaches=coaches_of(duo.programme)
        )
        context["introduction_form"] = IntroductionForm(
            initial={"introduction_on": duo.introduction_on}
        )
        context["decline_form"] = DeclineForm()
        # Why the pair was proposed, in words (DESIGN.md "Matching" 4).
        context["reasons"] = explain(duo.score_components or [])
    return render(request, "duos/duo_detail.html", context)
