"""Matching on the programme's real pool: building the arrays, suggestions for
one mentee with their reasons, and batch runs (drafts → lock → re-solve →
publish, in ``duos.matching.review``). The numbers come from
``duos.matching.engine``."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import numpy as np
from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.matching import engine as matching
from duos.models import (
    AvailableSlot,
    Duo,
    MatchDraft,
    MatchingRun,
    MatchRejection,
    Mentee,
    Mentor,
    PairingExclusion,
    PipelineStatus,
)
from duos.vocab import LANGUAGES, SECTORS
from mentoring.celery import send_task_on_commit
from programmes.models import MatchingWeights, Programme

RUN_TASK = "duos.run_matching"


# --- the pool ------------------------------------------------


def weights_for(programme: Programme) -> MatchingWeights:
    """The programme's current weights; version 1 (the defaults) if none yet."""
    current = programme.weight_versions.order_by("-version").first()
    if current is None:
        current, _created = MatchingWeights.objects.get_or_create(
            programme=programme,
            version=1,
            defaults={"weights": dict(MatchingWeights.DEFAULT_WEIGHTS)},
        )
    return current


def mentee_pool(programme: Programme) -> QuerySet[Mentee]:
    """Mentees waiting, with consent on file, and not already proposed."""
    open_duo = Q(duos__status__in=[Duo.Status.PROPOSED, Duo.Status.ACTIVE])
    return (
        programme.mentees.filter(status=PipelineStatus.READY, consent_given_at__isnull=False)
        .exclude(open_duo)
        .order_by("pk")
    )


def mentor_pool(programme: Programme) -> QuerySet[Mentor]:
    """Mentors screened (and trained where required) with a free slot; ``free`` annotated."""
    mentors = programme.mentors.filter(status__in=[PipelineStatus.READY, PipelineStatus.IN_DUO])
    if programme.training_required:
        mentors = mentors.filter(training_completed_on__isnull=False)
    taken = Count("duos", filter=Q(duos__status__in=[Duo.Status.ACTIVE, Duo.Status.PROPOSED]))
    return mentors.annotate(free=F("capacity") - taken).filter(free__gt=0).order_by("pk")


def forbidden_pairs(programme: Programme) -> set[tuple[int, int]]:
    """Former pairs (never proposed again) and declared conflicts."""
    former = Duo.objects.filter(programme=programme).values_list("mentee_id", "mentor_id")
    declared = PairingExclusion.objects.filter(mentee__programme=programme).values_list(
        "mentee_id", "mentor_id"
    )
    return set(former) | set(declared)


def _multi_hot(rows: list[list[str]], vocabulary: list[str]) -> np.ndarray:
    index = {code: k for k, code in enumerate(vocabulary)}
    matrix = np.zeros((len(rows), len(vocabulary)), dtype=bool)
    for i, codes in enumerate(rows):
        for code in codes:
            if code in index:
                matrix[i, index[code]] = True
    return matrix


def _postcode(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


def build_side(people: list, *, today: dt.date, mentees: bool) -> matching.Side:
    sectors = [code for code, _label in SECTORS]
    languages = sorted({code for code, _l in LANGUAGES} | {c for p in people for c in p.languages})
    side = matching.Side(
        ids=np.array([p.pk for p in people], dtype=np.int64),
        sectors=_multi_hot([p.sectors for p in people], sectors),
        languages=_multi_hot([p.languages for p in people], languages),
        postcode=np.array([_postcode(p.postcode) for p in people], dtype=np.int32),
        availability=_multi_hot([p.available_slots for p in people], list(AvailableSlot.values)),
    )
    if mentees:
        side.waiting_days = np.array([waiting_days(p, today) for p in people], dtype=np.float32)
        side.priority = np.array([p.priority for p in people], dtype=bool)
    else:
        side.capacity = np.array([p.free for p in people], dtype=np.int32)
    return side


def waiting_days(mentee: Mentee, today: dt.date) -> int:
    waited = (today - mentee.waiting_since).days if mentee.waiting_since else 0
    return max(waited, 0) + mentee.rematch_bonus_days


# --- reasons ------------------------------------------------


def components_for(mentee: Mentee, mentor: Mentor, factors: dict, i: int, j: int, weights) -> list:
    """What made the score of one pair, as data (rendered in words by ``explain``)."""
    rows = []
    for name in matching.COMPONENTS:
        points = round(float(weights.get(name, 0)) * float(factors[name][i, j]), 1)
        if points <= 0:
            continue
        detail = ""
        if name == "sector":
            detail = ", ".join(sorted(set(mentee.sectors) & set(mentor.sectors)))
        elif name == "language":
            detail = ", ".join(sorted(set(mentee.languages) & set(mentor.languages)))
        elif name == "proximity":
            detail = {1.0: "municipality", 0.6: "province", 0.3: "region"}.get(
                round(float(factors[name][i, j]), 1), ""
            )
        elif name == "waiting":  # the days really waited; a re-match bonus apart
            bonus = mentee.rematch_bonus_days
            detail = str(waiting_days(mentee, timezone.localdate()) - bonus)
            if bonus:
                rows.append({"component": name, "points": points, "detail": detail, "bonus": bonus})
                continue
        rows.append({"component": name, "points": points, "detail": detail})
    return rows


def explain(components: list[dict]) -> list[str]:
    """Reasons in words: "same sector: logistics +40", "both speak fr, ar +25"."""
    labels = dict(SECTORS) | dict(LANGUAGES)
    words = []
    for row in components:
        name, points, detail = row.get("component"), row.get("points", 0), row.get("detail", "")
        if name not in matching.COMPONENTS:
            continue
        names = ", ".join(str(labels.get(code, code)) for code in detail.split(", ") if code)
        text = {
            "sector": _("same sector: %(detail)s") % {"detail": names},
            "language": _("both speak %(detail)s") % {"detail": names},
            "proximity": {
                "municipality": _("same municipality"),
                "province": _("same province"),
                "region": _("same region"),
            }.get(detail, _("nearby")),
            "availability": _("available at the same times"),
            "waiting": (
                _("waited %(days)s days, back after an early end (%(bonus)s days' bonus)")
                if row.get("bonus")
                else _("waited %(days)s days")
            )
            % {"days": detail, "bonus": row.get("bonus")},
            "priority": _("priority"),
        }[name]
        words.append(f"{text} +{points:g}")
    return words


# --- one mentee ------------------------------------------------


def suggestions_for(mentee: Mentee, *, limit: int = 15) -> dict:
    """Mentors ranked by score with reasons, and the pairs left out with why."""
    programme = mentee.programme
    weights = weights_for(programme)
    mentors = list(mentor_pool(programme))
    if not mentors:
        return {"ranked": [], "left_out": [], "weights": weights}
    today = timezone.localdate()
    mentee_side = build_side([mentee], today=today, mentees=True)
    mentor_side = build_side(mentors, today=today, mentees=False)
    factors = matching.component_factors(mentee_side, mentor_side)
    scores = matching.score_matrix(factors, weights.weights)[0]
    forbidden = forbidden_pairs(programme)
    feasible = matching.feasible_matrix(mentee_side, mentor_side, forbidden_pairs=forbidden)[0]
    declared = set(mentee.exclusions.values_list("mentor_id", flat=True))
    ranked, left_out = [], []
    for j in np.argsort(-scores, kind="stable"):
        mentor = mentors[j]
        if not feasible[j]:
            left_out.append((mentor, _why_left_out(mentee, mentor, declared)))
            continue
        if len(ranked) < limit:
            components = components_for(mentee, mentor, factors, 0, j, weights.weights)
            ranked.append((mentor, round(float(scores[j]), 1), explain(components), components))
    return {"ranked": ranked, "left_out": left_out, "weights": weights}


def _why_left_out(mentee: Mentee, mentor: Mentor, declared: set[int]) -> str:
    if not set(mentee.languages) & set(mentor.languages):
        return _("no shared language")
    if mentor.pk in declared:
        return _("a declared conflict or preference")
    return _("they were already a pair")


# --- batch runs ------------------------------------------------


def inputs_hash(mentees: list[Mentee], mentors: list[Mentor], weights: MatchingWeights) -> str:
    digest = hashlib.sha256(f"w{weights.pk}:{weights.version}".encode())
    for person in [*mentees, *mentors]:
        digest.update(
            f"{type(person).__name__}{person.pk}:{person.updated_at.isoformat()};".encode()
        )
    return digest.hexdigest()


def run_start(actor, *, programme: Programme, previous: MatchingRun | None = None) -> MatchingRun:
    """Queue a batch run. Pairs locked in ``previous`` are kept; the rest is re-solved."""
    with transaction.atomic(), set_actor(actor):
        run = MatchingRun.objects.create(
            programme=programme, weights=weights_for(programme), created_by=actor
        )
        if previous is not None:
            # Rejections follow the run into its re-solves; locked rows are
            # kept, unless published meanwhile (they left the pool).
            MatchRejection.objects.bulk_create(
                MatchRejection(
                    run=run, mentee_id=r.mentee_id, mentor_id=r.mentor_id, created_by=r.created_by
                )
                for r in previous.rejections.all()
            )
            open_duo = Q(mentee__duos__status__in=[Duo.Status.PROPOSED, Duo.Status.ACTIVE])
            locked = previous.drafts.filter(locked=True).exclude(open_duo)
            MatchDraft.objects.bulk_create(
                MatchDraft(
                    run=run,
                    mentee_id=d.mentee_id,
                    mentor_id=d.mentor_id,
                    score=d.score,
                    components=d.components,
                    locked=True,
                )
                for d in locked
            )
        send_task_on_commit(RUN_TASK, kwargs={"run_id": run.pk})
        return run


def run_execute(run_id: int) -> MatchingRun:
    """The task's work: solve the pool minus the locked pairs, write the drafts."""
    run = MatchingRun.objects.select_related("programme", "weights").get(pk=run_id)
    if run.status not in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING):
        return run  # done already: running it twice changes nothing
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.RUNNING, progress=10)
    locked = list(run.drafts.filter(locked=True).values_list("mentee_id", "mentor_id"))
    taken_by_lock: dict[int, int] = {}
    for _mentee, mentor in locked:
        taken_by_lock[mentor] = taken_by_lock.get(mentor, 0) + 1
    locked_mentees = {mentee for mentee, _m in locked}
    mentees = [m for m in mentee_pool(run.programme) if m.pk not in locked_mentees]
    mentors = list(mentor_pool(run.programme))
    for mentor in mentors:
        mentor.free -= taken_by_lock.get(mentor.pk, 0)
    result = _solve(run, mentees, mentors)
    _write_drafts(run, mentees, mentors, result)
    return MatchingRun.objects.get(pk=run.pk)


def _solve(run: MatchingRun, mentees: list[Mentee], mentors: list[Mentor]):
    today = timezone.localdate()
    weights = run.weights.weights
    if not mentees or not mentors:
        return None
    mentee_side = build_side(mentees, today=today, mentees=True)
    mentor_side = build_side(mentors, today=today, mentees=False)
    factors = matching.component_factors(mentee_side, mentor_side)
    scores = matching.score_matrix(factors, weights)
    # A pair rejected in this run is forbidden like a former pair.
    rejected = set(run.rejections.values_list("mentee_id", "mentor_id"))
    feasible = matching.feasible_matrix(
        mentee_side, mentor_side, forbidden_pairs=forbidden_pairs(run.programme) | rejected
    )
    MatchingRun.objects.filter(pk=run.pk).update(progress=50)
    assignment = matching.solve(
        scores, feasible, mentor_side.capacity, min_score=run.weights.min_score
    )
    return assignment, factors, scores


def _write_drafts(run: MatchingRun, mentees, mentors, result) -> None:
    weights = run.weights.weights
    drafts, matched_scores = [], []
    paired = {}
    if result is not None:
        assignment, factors, scores = result
        paired = {i: j for i, j in assignment.pairs}
    for i, mentee in enumerate(mentees):
        if i in paired:
            j = paired[i]
            score = round(float(scores[i, j]), 2)
            matched_scores.append(score)
            components = components_for(mentee, mentors[j], factors, i, j, weights)
            drafts.append(
                MatchDraft(
                    run=run, mentee=mentee, mentor=mentors[j], score=score, components=components
                )
            )
        else:
            drafts.append(MatchDraft(run=run, mentee=mentee))
    locked_scores = [
        float(s) for s in run.drafts.filter(locked=True).values_list("score", flat=True)
    ]
    all_scores = matched_scores + locked_scores
    with transaction.atomic():
        run.drafts.filter(locked=False).delete()
        MatchDraft.objects.bulk_create(drafts)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRun.Status.DONE,
            progress=100,
            inputs_hash=inputs_hash(mentees, mentors, run.weights),
            matched=len(all_scores),
            unmatched=len(mentees) - len(matched_scores),
            mean_score=Decimal(str(round(sum(all_scores) / len(all_scores), 2)))
            if all_scores
            else None,
            objective=result[0].objective if result else None,
            finished_at=timezone.now(),
        )


def run_publish(actor, *, run: MatchingRun) -> list[Duo]:
    """Every row of the run still to publish becomes a proposal. The run's page
    publishes only the rows a coordinator chose and confirmed
    (``duos.matching.review.run_publish``); this is for tools and tests."""
    from duos.matching import review  # review builds on this module

    rows = review.run_rows(run, run.drafts.select_related("mentee", "mentor"))
    chosen = {str(r.draft.mentee.uuid): str(r.draft.mentor.uuid) for r in rows if r.publishable}
    if not chosen:
        review.check_open(run)
    return review.run_publish(actor, run=run, chosen=chosen)
