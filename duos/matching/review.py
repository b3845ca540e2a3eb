"""A coordinator's review of a batch run before anything is sent (DESIGN.md
"Matching" 6): reject a suggested pair, swap in another mentor, and publish
only the rows chosen, after a confirmation that names who is told what.

A run is open for review while it is done and no newer run of its programme
exists (re-solving makes a new run: the old one is then stale). Rejections
belong to a run and follow it into its re-solves, so a rejected pair is never
proposed again in that chain of runs; swapped rows are locked, so re-solving
keeps them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.matching import engine as matching
from duos.matching import runs
from duos.models import Duo, MatchDraft, MatchingRun, MatchRejection, Mentee, Mentor
from duos.services import duo_propose

OPEN_DUO = (Duo.Status.PROPOSED, Duo.Status.ACTIVE)


# --- reads ------------------------------------------------------------------------


def rejected_pairs(run: MatchingRun) -> set[tuple[int, int]]:
    return set(run.rejections.values_list("mentee_id", "mentor_id"))


def is_superseded(run: MatchingRun) -> bool:
    """A newer run of the same programme exists: this one is stale."""
    return (
        MatchingRun.objects.filter(programme_id=run.programme_id, created_at__gt=run.created_at)
        .exclude(status=MatchingRun.Status.FAILED)
        .exists()
    )


def proposed_pairs(run: MatchingRun) -> set[tuple[int, int]]:
    """Pairs of this run's mentees already proposed (or started) since the run."""
    return set(
        Duo.objects.filter(
            programme_id=run.programme_id,
            status__in=OPEN_DUO,
            created_at__gte=run.created_at,
            mentee_id__in=run.drafts.values("mentee_id"),
        ).values_list("mentee_id", "mentor_id")
    )


@dataclass
class Row:
    """One row of the run's page, with what the coordinator may do with it."""

    draft: MatchDraft
    reasons: list[str]
    rejected: bool  # the suggested pair itself was rejected
    proposed: bool  # published already
    rejected_mentors: list[Mentor]  # pairs of this mentee rejected in this run

    @property
    def publishable(self) -> bool:
        return self.draft.mentor_id is not None and not self.rejected and not self.proposed


def run_rows(run: MatchingRun, drafts: Iterable[MatchDraft]) -> list[Row]:
    """The run's drafts as rows: reasons in words, rejected and published flags."""
    rejections = list(run.rejections.select_related("mentor"))
    rejected = {(r.mentee_id, r.mentor_id) for r in rejections}
    by_mentee: dict[int, list[Mentor]] = {}
    for rejection in rejections:
        by_mentee.setdefault(rejection.mentee_id, []).append(rejection.mentor)
    proposed = proposed_pairs(run)
    return [
        Row(
            draft=d,
            reasons=runs.explain(d.components) if d.mentor_id else [],
            rejected=(d.mentee_id, d.mentor_id) in rejected,
            proposed=(d.mentee_id, d.mentor_id) in proposed,
            rejected_mentors=by_mentee.get(d.mentee_id, []),
        )
        for d in drafts
    ]


def check_open(run: MatchingRun) -> None:
    if run.status == MatchingRun.Status.PUBLISHED:
        raise ValidationError(_("Every pair of this run was published already."))
    if run.status != MatchingRun.Status.DONE:
        raise ValidationError(_("This run is not finished: wait for it, or start a new one."))
    if is_superseded(run):
        raise ValidationError(
            _("A newer run of this programme exists: this one is out of date. Work on the newest.")
        )


def _locked_run(run: MatchingRun) -> MatchingRun:
    """The run's row, locked: two coordinators' changes to one run happen one by one."""
    run = (
        MatchingRun.objects.select_for_update(of=("self",))
        .select_related("programme", "weights")
        .get(pk=run.pk)
    )
    check_open(run)
    return run


# --- lock, re-solve -------------------------------------------------------------------


def draft_lock(actor, *, draft: MatchDraft, locked: bool) -> MatchDraft:
    """A locked row is kept as it is when the rest is solved again."""
    with transaction.atomic(), set_actor(actor):
        run = _locked_run(draft.run)
        draft = MatchDraft.objects.select_for_update().get(pk=draft.pk)
        if locked and draft.mentor_id is None:
            raise ValidationError(_("Only a suggested pair can be locked."))
        if locked and (draft.mentee_id, draft.mentor_id) in rejected_pairs(run):
            raise ValidationError(_("A rejected pair cannot be locked: undo the rejection first."))
        draft.locked = locked
        draft.save(update_fields=["locked"])
        return draft


def run_resolve(actor, *, run: MatchingRun) -> MatchingRun:
    """A new run keeping this one's locked rows and rejections; this one is then stale."""
    with transaction.atomic():
        run = _locked_run(run)
        return runs.run_start(actor, programme=run.programme, previous=run)


# --- reject and un-reject ---------------------------------------------------------


def draft_reject(actor, *, draft: MatchDraft) -> MatchRejection:
    """The suggested pair is rejected: never proposed again in this run (and its
    re-solves). The row stays, unlocked, until the rest is solved again."""
    with transaction.atomic(), set_actor(actor):
        _locked_run(draft.run)
        draft = MatchDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.mentor_id is None:
            raise ValidationError(_("Only a suggested pair can be rejected."))
        if (draft.mentee_id, draft.mentor_id) in proposed_pairs(draft.run):
            raise ValidationError(_("This pair was published already: decline it on its page."))
        rejection, _created = MatchRejection.objects.get_or_create(
            run_id=draft.run_id,
            mentee_id=draft.mentee_id,
            mentor_id=draft.mentor_id,
            defaults={"created_by": actor},
        )
        if draft.locked:
            draft.locked = False
            draft.save(update_fields=["locked"])
        return rejection


def rejection_undo(actor, *, run: MatchingRun, mentee: Mentee, mentor: Mentor) -> None:
    """The pair may be suggested again by the next re-solve."""
    with transaction.atomic(), set_actor(actor):
        _locked_run(run)
        pair = MatchRejection.objects.filter(run=run, mentee=mentee, mentor=mentor)
        deleted, _rows = pair.delete()
        if not deleted:
            raise ValidationError(_("This pair was not rejected in this run."))


# --- swap another mentor in ---------------------------------------------------------


@dataclass
class Option:
    mentor: Mentor
    score: float
    reasons: list[str]
    components: list[dict]


def swap_options(run: MatchingRun, *, draft: MatchDraft) -> list[Option]:
    """The mentee's eligible mentors, best first: in the pool, with a slot left
    once this run's other suggested rows are counted, and neither a forbidden
    pair nor a pair rejected in this run. The current mentor is left out."""
    mentee = draft.mentee
    # Slots the run's other rows take; published rows are counted by the pool
    # already, and a rejected row will give its mentor back.
    skip = proposed_pairs(run) | rejected_pairs(run)
    used = Counter(
        mentor_id
        for mentee_id, mentor_id in run.drafts.filter(mentor__isnull=False)
        .exclude(pk=draft.pk)
        .values_list("mentee_id", "mentor_id")
        if (mentee_id, mentor_id) not in skip
    )
    mentors = [
        m
        for m in runs.mentor_pool(run.programme)
        if m.free - used.get(m.pk, 0) > 0 and m.pk != draft.mentor_id
    ]
    if not mentors:
        return []
    today = timezone.localdate()
    mentee_side = runs.build_side([mentee], today=today, mentees=True)
    mentor_side = runs.build_side(mentors, today=today, mentees=False)
    factors = matching.component_factors(mentee_side, mentor_side)
    weights = run.weights.weights
    scores = matching.score_matrix(factors, weights)[0]
    forbidden = runs.forbidden_pairs(run.programme) | rejected_pairs(run)
    feasible = matching.feasible_matrix(mentee_side, mentor_side, forbidden_pairs=forbidden)[0]
    options = []
    for j in np.argsort(-scores, kind="stable"):
        if feasible[j]:
            components = runs.components_for(mentee, mentors[j], factors, 0, j, weights)
            options.append(
                Option(
                    mentor=mentors[j],
                    score=round(float(scores[j]), 1),
                    reasons=runs.explain(components),
                    components=components,
                )
            )
    return options


def draft_swap(actor, *, draft: MatchDraft, mentor: Mentor) -> MatchDraft:
    """The row gets ``mentor`` (one of ``swap_options``) and is locked, so that
    re-solving keeps it."""
    with transaction.atomic(), set_actor(actor):
        run = _locked_run(draft.run)
        draft = (
            MatchDraft.objects.select_for_update(of=("self",))
            .select_related("mentee")
            .get(pk=draft.pk)
        )
        if (draft.mentee_id, draft.mentor_id) in proposed_pairs(run):
            raise ValidationError(_("This pair was published already: decline it on its page."))
        if not runs.mentee_pool(run.programme).filter(pk=draft.mentee_id).exists():
            raise ValidationError(
                _("%(name)s is no longer waiting for a mentor.") % {"name": draft.mentee}
            )
        chosen = next((o for o in swap_options(run, draft=draft) if o.mentor.pk == mentor.pk), None)
        if chosen is None:
            raise ValidationError(_("This mentor cannot be proposed to this mentee now."))
        draft.mentor = chosen.mentor
        draft.score = round(chosen.score, 2)
        draft.components = chosen.components
        draft.locked = True
        draft.save(update_fields=["mentor", "score", "components", "locked"])
        _refresh_totals(run)
        return draft


def _refresh_totals(run: MatchingRun) -> None:
    """The run's matched / unmatched and mean score, from its rows as they are
    now (a swap changes a row's mentor and score)."""
    totals = run.drafts.aggregate(
        matched=Count("pk", filter=Q(mentor__isnull=False)),
        unmatched=Count("pk", filter=Q(mentor__isnull=True)),
        mean=Avg("score", filter=Q(mentor__isnull=False)),
    )
    MatchingRun.objects.filter(pk=run.pk).update(
        matched=totals["matched"],
        unmatched=totals["unmatched"],
        mean_score=None if totals["mean"] is None else round(Decimal(totals["mean"]), 2),
    )


# --- publish the chosen rows ------------------------------------------------------


@dataclass
class Planned:
    """One proposal to be made, and who is told by e-mail."""

    draft: MatchDraft
    told: list  # people with an e-mail address
    untold: list  # people without one: the coordinator tells them


def _uuids(values: Iterable[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(str(v)) for v in values]
    except ValueError:
        raise ValidationError(_("The chosen rows could not be read: choose them again.")) from None


def publish_plan(run: MatchingRun, *, mentee_uuids: Iterable[str]) -> list[Planned]:
    """What publishing the chosen rows would do; a ValidationError if one of
    them cannot be published (nothing is then published)."""
    check_open(run)
    wanted = set(_uuids(mentee_uuids))
    if not wanted:
        raise ValidationError(_("Choose at least one pair to publish."))
    drafts = list(
        run.drafts.filter(mentee__uuid__in=wanted)
        .select_related("mentee", "mentor")
        .order_by("mentee__last_name", "mentee__first_name")
    )
    if len(drafts) != len(wanted):
        raise ValidationError(_("One of the chosen rows is not part of this run."))
    rows = {row.draft.pk: row for row in run_rows(run, drafts)}
    for draft in drafts:
        row = rows[draft.pk]
        if draft.mentor_id is None:
            raise ValidationError(
                _("%(name)s has no suggested mentor: nothing to publish.") % {"name": draft.mentee}
            )
        if row.proposed:
            raise ValidationError(
                _("%(mentee)s with %(mentor)s was published already.")
                % {"mentee": draft.mentee, "mentor": draft.mentor}
            )
        if row.rejected:
            raise ValidationError(
                _("%(mentee)s with %(mentor)s was rejected: it cannot be published.")
                % {"mentee": draft.mentee, "mentor": draft.mentor}
            )
    _check_pool(run, drafts)
    return [
        Planned(
            draft=d,
            told=[p for p in (d.mentee, d.mentor) if p.email],
            untold=[p for p in (d.mentee, d.mentor) if not p.email],
        )
        for d in drafts
    ]


def _check_pool(run: MatchingRun, drafts: list[MatchDraft]) -> None:
    """Mentees still waiting, and no mentor given more pairs than free slots."""
    waiting = set(
        runs.mentee_pool(run.programme)
        .filter(pk__in=[d.mentee_id for d in drafts])
        .values_list("pk", flat=True)
    )
    free = {m.pk: m.free for m in runs.mentor_pool(run.programme)}
    wanted = Counter(d.mentor_id for d in drafts)
    for draft in drafts:
        if draft.mentee_id not in waiting:
            raise ValidationError(
                _("%(name)s is no longer waiting for a mentor: leave this row out.")
                % {"name": draft.mentee}
            )
        if wanted[draft.mentor_id] > free.get(draft.mentor_id, 0):
            raise ValidationError(
                _("%(name)s has fewer free places than the pairs chosen for them.")
                % {"name": draft.mentor}
            )


def run_publish(actor, *, run: MatchingRun, chosen: Mapping[str, str]) -> list[Duo]:
    """The chosen rows (mentee uuid → the mentor uuid confirmed for them) become
    proposals through ``duo_propose``; all of them or none. The other rows stay
    drafts; the run counts as published once no row is left to publish."""
    with transaction.atomic(), set_actor(actor):
        run = _locked_run(run)
        plan = publish_plan(run, mentee_uuids=chosen.keys())
        confirmed = dict(zip(_uuids(chosen.keys()), _uuids(chosen.values()), strict=True))
        for planned in plan:
            if confirmed[planned.draft.mentee.uuid] != planned.draft.mentor.uuid:
                raise ValidationError(
                    _("The run changed after you chose the pairs: check them again.")
                )
        duos = [
            duo_propose(
                actor,
                mentee=p.draft.mentee,
                mentor=p.draft.mentor,
                match_score=p.draft.score,
                score_components=p.draft.components,
            )
            for p in plan
        ]
        if not any(row.publishable for row in run_rows(run, run.drafts.all())):
            run.status = MatchingRun.Status.PUBLISHED
            run.save(update_fields=["status", "updated_at"])
        return duos
