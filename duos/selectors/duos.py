"""Duos: lists, health, the programme's pipeline, a duo's timeline, mentors' duos."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from duos import access
from duos.health import Health, expected_interval, health, rhythm_of
from duos.models import (
    CheckIn,
    Duo,
    DuoFeedback,
    Meeting,
    Mentee,
    Mentor,
    PipelineStatus,
    Risk,
)
from programmes.models import Programme, RulesVersion


def with_last_contact(duos: QuerySet[Duo]) -> QuerySet[Duo]:
    """Annotate ``last_meeting`` and ``last_contact`` (the last meeting, else the start)."""
    # Correlated subqueries on meeting_duo_date_idx, not a join with GROUP BY: on a
    # sorted, paginated list PostgreSQL evaluates them only for the page's rows
    # (a join grouped every meeting of every duo in scope first: 2.7 s at 2 M meetings).
    meetings = Meeting.objects.filter(duo=OuterRef("pk")).order_by()
    return duos.annotate(
        last_meeting=Subquery(meetings.order_by("-date").values("date")[:1]),
        meeting_count=Coalesce(
            Subquery(meetings.values("duo").annotate(n=Count("pk")).values("n")), 0
        ),
    ).annotate(last_contact=Coalesce("last_meeting", "started_on"))


def duo_health(duo: Duo, today: dt.date | None = None) -> Health | None:
    if duo.status != Duo.Status.ACTIVE:
        return None
    rules = duo.rules_version.rules if duo.rules_version_id else None
    return health(
        last_contact=duo.last_contact,
        meetings_per_month=rhythm_of(rules, duo.programme.meetings_per_month),
        today=today or timezone.localdate(),
    )


def _rhythm_groups(programme_ids=None) -> dict[Decimal, Q]:
    """Duos grouped by the rhythm they run under (``duos.health.rhythm_of``: their
    rules version's, else their programme's), as one Q per rhythm. Read from the
    programmes and rules versions (a few rows each), never from the duos."""
    programmes = Programme.objects.order_by()
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=programme_ids)
    versions: dict[Decimal, list[int]] = {}
    keyless: list[int] = []  # versions without a rhythm: the programme's applies
    for pk, rules in RulesVersion.objects.order_by().values_list("pk", "rules"):
        if (rules or {}).get("meetings_per_month") in (None, ""):
            keyless.append(pk)
        else:
            versions.setdefault(rhythm_of(rules, 0), []).append(pk)
    own: dict[Decimal, list[int]] = {}
    for pk, programme_rhythm in programmes.values_list("pk", "meetings_per_month"):
        own.setdefault(rhythm_of(None, programme_rhythm), []).append(pk)
    by_programme = Q(rules_version__isnull=True) | Q(rules_version_id__in=keyless)
    groups = {}
    for rhythm in versions.keys() | own.keys():
        groups[rhythm] = Q(rules_version_id__in=versions.get(rhythm, [])) | (
            by_programme & Q(programme_id__in=own.get(rhythm, []))
        )
    return groups


def health_q(value: str, *, today: dt.date, programme_ids=None) -> Q:
    """A Q over duos annotated by ``with_last_contact`` that holds exactly where
    ``duos.health.health`` gives ``value``: for each rhythm, its thresholds turned
    into dates (days since contact is a whole number, so "days <= interval + 3"
    is "days <= floor(interval + 3)"). Health is then worked out by the database
    for the rows it reads, not in Python over every active duo."""
    matching = Q(pk__in=[])
    for rhythm, duos in _rhythm_groups(programme_ids).items():
        interval = expected_interval(rhythm)
        on_track_days = math.floor(interval + 3)  # on track: days <= this
        silent_after = math.floor(2 * interval)  # silent: days > this
        recent = today - dt.timedelta(days=on_track_days)
        old = today - dt.timedelta(days=silent_after)
        if value == Health.ON_TRACK:
            condition = Q(last_contact__gte=recent)
        elif value == Health.SILENT:
            condition = Q(last_contact__lt=old)
        else:  # slipping: neither
            condition = Q(last_contact__lt=recent, last_contact__gte=old)
        matching |= duos & condition
    return matching & Q(status=Duo.Status.ACTIVE, last_contact__isnull=False)


def filter_by_health(
    duos: QuerySet[Duo], value: str, today: dt.date | None = None
) -> QuerySet[Duo]:
    """The active duos of ``duos`` whose health is ``value`` (each duo's rhythm:
    its rules version's, else its programme's), filtered in the database."""
    today = today or timezone.localdate()
    if value not in Health.values:
        return duos.none()
    if "last_contact" not in duos.query.annotations:
        duos = with_last_contact(duos)
    return duos.filter(health_q(value, today=today))


def duo_list_for(user, *, statuses=None) -> QuerySet[Duo]:
    duos = access.duos_for(user)
    if statuses:
        duos = duos.filter(status__in=statuses)
    return with_last_contact(
        duos.select_related("programme", "mentee", "mentor", "coach", "rules_version").order_by(
            "status", "-started_on", "-created_at"
        )
    )


def duos_with_health(duos: QuerySet[Duo]) -> list[Duo]:
    today = timezone.localdate()
    rows = list(duos)
    for duo in rows:
        duo.health = duo_health(duo, today)
        duo.days_since_contact = (today - duo.last_contact).days if duo.last_contact else None
    return rows


# The columns the duo tables show (duos/_duo_table.html) and health needs: a list
# page loads these, not every column of five joined tables (the mentee's and
# mentor's JSON lists and dates cost half the Python time of a page of 50 duos).
DUO_ROW_FIELDS = (
    "uuid",
    "status",
    "started_on",
    "programme__name",
    "programme__meetings_per_month",
    "mentee__first_name",
    "mentor__first_name",
    "rules_version__rules",
)


def duo_rows(duos: QuerySet[Duo]) -> list[Duo]:
    """A page of ``duo_list_for`` (sliced or not) as table rows: the columns the
    table shows, with their health."""
    rows = duos.select_related(None).select_related(
        "programme", "mentee", "mentor", "rules_version"
    )
    return duos_with_health(rows.only(*DUO_ROW_FIELDS))


RISK_ORDER = {"high": 0, "low": 1}
HEALTH_ORDER = {Health.SILENT: 0, Health.SLIPPING: 1}


def coached_duos(user) -> list[Duo]:
    """The coach's active duos with their health and the risk of their latest
    check-in (``latest_risk``): at-risk first, then silent, then slipping."""
    latest = CheckIn.objects.filter(duo=OuterRef("pk")).order_by("-on", "-created_at")
    duos = duo_list_for(user, statuses=[Duo.Status.ACTIVE]).filter(coach=user)
    rows = duo_rows(duos.annotate(latest_risk=Subquery(latest.values("risk")[:1])))
    for duo in rows:
        duo.risk_label = Risk(duo.latest_risk).label if duo.latest_risk in RISK_ORDER else ""
    return sorted(
        rows,
        key=lambda d: (
            RISK_ORDER.get(d.latest_risk, 2),
            HEALTH_ORDER.get(d.health, 2),
            -(d.days_since_contact or 0),
        ),
    )


def active_mentor_duos(mentor: Mentor) -> int:
    return Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count()


@dataclass
class PipelineCounts:
    waiting_mentees: int = 0
    available_mentors: int = 0
    active_duos: int = 0
    silent_duos: int = 0


def pipeline_counts(programmes: QuerySet[Programme]) -> dict[int, PipelineCounts]:
    """Per programme: waiting mentees, mentors with a free slot, active and silent duos.

    Four queries whatever the number of programmes or rows."""
    ids = list(programmes.values_list("pk", flat=True))
    counts = {pk: PipelineCounts() for pk in ids}
    waiting = (
        Mentee.objects.filter(programme__in=ids, status=PipelineStatus.READY)
        .values("programme_id")
        .annotate(n=Count("pk"))
    )
    for row in waiting:
        counts[row["programme_id"]].waiting_mentees = row["n"]
    active = Subquery(
        Duo.objects.filter(mentor=OuterRef("pk"), status=Duo.Status.ACTIVE)
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    available = (
        Mentor.objects.filter(
            programme__in=ids, status__in=[PipelineStatus.READY, PipelineStatus.IN_DUO]
        )
        .annotate(active=Coalesce(active, Value(0)))
        .filter(capacity__gt=F("active"))
        .values("programme_id")
        .annotate(n=Count("pk"))
    )
    for row in available:
        counts[row["programme_id"]].available_mentors = row["n"]
    # Active and silent duos per programme in one aggregate: health worked out
    # by the database (``health_q``), not in Python over every active duo.
    silent = health_q(Health.SILENT, today=timezone.localdate(), programme_ids=ids)
    active_duos = (
        with_last_contact(Duo.objects.filter(programme__in=ids, status=Duo.Status.ACTIVE))
        .values("programme_id")
        .annotate(n=Count("pk"), silent=Count("pk", filter=silent))
    )
    for row in active_duos:
        counts[row["programme_id"]].active_duos = row["n"]
        counts[row["programme_id"]].silent_duos = row["silent"]
    return counts


def programme_pipeline(programme: Programme) -> PipelineCounts:
    return pipeline_counts(Programme.objects.filter(pk=programme.pk))[programme.pk]


def programme_duo_counts(programme: Programme) -> dict[str, int]:
    """Aggregates safe for any member of the programme (no names): duos by status."""
    rows = Duo.objects.filter(programme=programme).values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in Duo.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


DUO_COLUMNS = ["status", "proposed_on", "started_on", "planned_end_on", "ended_on", "end_reason"]


def duo_table(duos: QuerySet[Duo]) -> dict:
    duos = duos.select_related("programme", "mentee", "mentor")
    rows = (
        [d.programme.slug, d.mentee.ref, str(d.mentee), d.mentor.ref, str(d.mentor)]
        + [getattr(d, c) for c in DUO_COLUMNS]
        for d in duos.iterator(chunk_size=500)
    )
    header = ["programme", "mentee_ref", "mentee", "mentor_ref", "mentor", *DUO_COLUMNS]
    return {"header": header, "rows": rows}


def duo_meetings(duo: Duo):
    return duo.meetings.select_related("logged_by").order_by("-date", "-created_at")


@dataclass
class Event:
    on: dt.date
    kind: str  # meeting, status, outcome, check_in, concern
    obj: object = None
    label: str = ""


def duo_timeline(
    duo: Duo,
    *,
    view: access.DuoView,
    reader,
    meetings=None,
    after: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Event]:
    """Meetings and status changes for everyone who sees the duo; outcomes,
    check-ins and every concern only where ``view`` allows them; a mentor's own
    concerns, to see whether they were handled. Meeting notes a reader may not
    read are left out of the events. A fixed number of queries.

    A page of the timeline: ``meetings`` (a page of ``duo_meetings``) and the
    other events dated after ``after`` and up to ``until`` (None: no bound)."""
    events = []
    for meeting in duo_meetings(duo) if meetings is None else meetings:
        meeting.note_shown = view.all_meeting_notes or meeting.logged_by_id == reader.pk
        meeting.editable = meeting.logged_by_id == reader.pk
        events.append(Event(meeting.date, "meeting", meeting))
    if view.outcomes:
        events += [Event(o.date, "outcome", o) for o in duo.outcomes.all()]
    declined_on = timezone.localtime(duo.updated_at).date() if duo.decline_reason else None
    for on, label in (
        (duo.proposed_on, _("Proposed")),
        (duo.introduction_on if duo.status != Duo.Status.PROPOSED else None, _("Introduction")),
        (declined_on, _("Declined: %(reason)s") % {"reason": duo.decline_reason}),
        (duo.started_on, _("Started")),
        (duo.ended_on, _("Ended: %(reason)s") % {"reason": duo.get_end_reason_display()}),
    ):
        if on:
            events.append(Event(on, "status", label=label))
    if view.support:
        events += [Event(c.on, "check_in", c) for c in duo.check_ins.select_related("author")]
    concerns = duo.concerns.select_related("raised_by", "handled_by")
    if not view.support:
        concerns = concerns.filter(raised_by=reader)
    events += [Event(timezone.localtime(c.created_at).date(), "concern", c) for c in concerns]
    events = [
        e
        for e in events
        if e.kind == "meeting"
        or ((after is None or e.on > after) and (until is None or e.on <= until))
    ]
    return sorted(events, key=lambda e: e.on, reverse=True)


def duo_feedback(duo: Duo) -> QuerySet[DuoFeedback]:
    return duo.feedback.order_by("respondent")


def last_meeting_logged_by(user) -> Meeting | None:
    """The minutes and place this person used last time prefill the form."""
    return Meeting.objects.filter(logged_by=user).order_by("-created_at").first()


def mentor_duos(user, *, status: str) -> QuerySet[Duo]:
    """The duos the user mentors, in ``status``: the part of ``access.duos_for``
    a mentor's home shows, without reading the user's coordinated and coached
    programmes first (two queries on the page every mentor opens most)."""
    if not (user.is_authenticated and user.is_active):
        return Duo.objects.none()
    return Duo.objects.filter(mentor__user=user, status=status)


def mentor_home_duos(user) -> QuerySet[Duo]:
    """The mentor's active duos as ``duo_list_for`` gives them."""
    return with_last_contact(
        mentor_duos(user, status=Duo.Status.ACTIVE)
        .select_related("programme", "mentee", "mentor", "coach", "rules_version")
        .order_by("status", "-started_on", "-created_at")
    )


def mentor_proposals(user) -> QuerySet[Duo]:
    return mentor_duos(user, status=Duo.Status.PROPOSED).select_related("mentee")
