"""Setting a programme up in the app: the programme and its rules, its
fundings, the organisations that fund or study it, its matching weights.

Every write takes the acting user first, runs in one transaction and is
audited (django-auditlog, with the actor set). Bad input raises
``ValidationError`` keyed by the field at fault, never an IntegrityError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from programmes.models import (
    EducationLevel,
    Funding,
    Language,
    MatchingWeights,
    Organisation,
    OrganisationKind,
    Programme,
    Region,
)
from programmes.services.rules import rules_current, rules_record

# What a coordinator sets on a programme: its identity, its period, its rules.
PROGRAMME_FIELDS = ("name", "slug", "region", "starts_on", "ends_on", *Programme.RULE_FIELDS)
FUNDER_KINDS = (OrganisationKind.FUNDER, OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE)
# Organisations a coordinator may add next to their programme.
ADDABLE_KINDS = (*FUNDER_KINDS, OrganisationKind.RESEARCH)
WEIGHTS_TOTAL = 100


# --- the rules of a programme, written once -------------------------------------------


def programme_problems(data: dict) -> dict[str, str]:
    """What is wrong with a programme's values, by field (empty: nothing). The
    form and the services both ask this function."""
    problems: dict[str, str] = {}
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = _("The programme ends before it starts: check the dates.")
    low, high = data.get("mentee_min_age"), data.get("mentee_max_age")
    if low is not None and high is not None and low > high:
        problems["mentee_max_age"] = _(
            "The maximum age (%(high)s) is below the minimum age (%(low)s)."
        ) % {"high": high, "low": low}
    if data.get("region") is not None and data.get("region") not in Region.values:
        problems["region"] = _("Choose a region.")
    unknown = set(data.get("languages") or []) - set(Language.values)
    if unknown:
        problems["languages"] = _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
    unknown = set(data.get("mentee_education_levels") or []) - set(EducationLevel.values)
    if unknown:
        problems["mentee_education_levels"] = _("Unknown education level.")
    rhythm = data.get("meetings_per_month")
    if rhythm is not None and not (Decimal(0) < Decimal(str(rhythm)) <= 31):
        problems["meetings_per_month"] = _("Between 0.25 and 31 meetings a month.")
    horizon = data.get("follow_up_months")
    if horizon is not None and not 1 <= horizon <= 60:
        problems["follow_up_months"] = _("Between 1 and 60 months after the duo ended.")
    for name in ("duo_length_weeks", "retention_years"):
        if data.get(name) is not None and data[name] < 1:
            problems[name] = _("At least 1.")
    return problems


def _slug_taken(slug: str, *, exclude: Programme | None = None) -> bool:
    taken = Programme.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.exists()


def _slug_error(slug: str) -> ValidationError:
    return ValidationError(
        {"slug": _("The address name “%(slug)s” is taken: choose another.") % {"slug": slug}}
    )


def _clean(data: dict) -> dict:
    values = {f: data[f] for f in PROGRAMME_FIELDS if f in data}
    for name in ("languages", "mentee_education_levels"):
        if name in values:
            values[name] = sorted(set(values[name] or []))
    if "sites" in values:
        values["sites"] = [s.strip() for s in values["sites"] or [] if s and s.strip()]
    return values


# --- programmes -------------------------------------------------------------------------


def programme_create(actor, *, operator: Organisation, data: dict) -> Programme:
    """A programme of ``operator`` with its rules as version 1 and the default
    matching weights as version 1."""
    if operator.kind != OrganisationKind.OPERATOR:
        raise ValidationError(_("Only a programme operator runs programmes."))
    values = _clean(data)
    problems = programme_problems(values)
    if problems:
        raise ValidationError(problems)
    if _slug_taken(values.get("slug", "")):
        raise _slug_error(values["slug"])
    try:
        with transaction.atomic(), set_actor(actor):
            programme = Programme.objects.create(operator=operator, **values)
            rules_record(actor, programme=programme)
            MatchingWeights.objects.create(
                programme=programme,
                version=1,
                weights=dict(MatchingWeights.DEFAULT_WEIGHTS),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:  # the slug, taken meanwhile
        raise _slug_error(values.get("slug", "")) from exc
    return programme


def programme_update(actor, *, programme: Programme, data: dict) -> Programme:
    """Save the programme; a new rules version only when a rule field changed."""
    values = _clean(data)
    problems = programme_problems(values)
    if problems:
        raise ValidationError(problems)
    if "slug" in values and _slug_taken(values["slug"], exclude=programme):
        raise _slug_error(values["slug"])
    try:
        with transaction.atomic(), set_actor(actor):
            programme = Programme.objects.select_for_update().get(pk=programme.pk)
            rules_current(programme, actor=actor)  # the rules before: version 1 if none
            changed = [f for f, v in values.items() if getattr(programme, f) != v]
            if changed:
                for name, value in values.items():
                    setattr(programme, name, value)
                programme.save()
            rules_record(actor, programme=programme)
    except IntegrityError as exc:
        raise _slug_error(values.get("slug", "")) from exc
    return programme


# --- organisations and fundings --------------------------------------------------------


def unique_organisation_slug(name: str) -> str:
    base = (slugify(name) or "organisation")[:70]
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_create(actor, *, name: str, kind: str, region: str = "") -> Organisation:
    """A funder, public employment service or research organisation; its slug
    is made from its name."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the organisation's name.")})
    if kind not in ADDABLE_KINDS:
        raise ValidationError(
            {"kind": _("Choose a funder, a public employment service or a research organisation.")}
        )
    if region and region not in Region.values:
        raise ValidationError({"region": _("Choose a region.")})
    if Organisation.objects.filter(name__iexact=name, kind=kind).exists():
        raise ValidationError(
            {"name": _("%(name)s is already an organisation of this kind.") % {"name": name}}
        )
    for _attempt in range(3):
        try:
            with transaction.atomic(), set_actor(actor):
                return Organisation.objects.create(
                    name=name, slug=unique_organisation_slug(name), kind=kind, region=region
                )
        except IntegrityError:  # the same slug made meanwhile: try the next one
            continue
    raise ValidationError({"name": _("This name cannot be used now; try again.")})


def _funding_problems(
    *, funder: Organisation, amount: Decimal, starts_on: dt.date, ends_on: dt.date, target: int
) -> dict[str, str]:
    problems = {}
    if funder.kind not in FUNDER_KINDS:
        problems["funder"] = _("Choose a funder or a public employment service.")
    if amount is None or amount < 0:
        problems["amount"] = _("The amount cannot be negative.")
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = _("The funding ends before it starts: check the dates.")
    if target is None or target < 0:
        problems["target_duos"] = _("Give the number of duos this funding is for.")
    return problems


def funding_save(
    actor,
    *,
    programme: Programme,
    funder: Organisation,
    amount: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    target_duos: int,
    funding: Funding | None = None,
) -> Funding:
    """Add a funding to ``programme``, or correct ``funding`` (one of its own)."""
    problems = _funding_problems(
        funder=funder, amount=amount, starts_on=starts_on, ends_on=ends_on, target=target_duos
    )
    if problems:
        raise ValidationError(problems)
    if funding is not None and funding.programme_id != programme.pk:
        raise ValidationError(_("This funding belongs to another programme."))
    values = {
        "funder": funder,
        "amount": amount,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "target_duos": target_duos,
    }
    with transaction.atomic(), set_actor(actor):
        if funding is None:
            return Funding.objects.create(programme=programme, **values)
        funding = Funding.objects.select_for_update().get(pk=funding.pk)
        for name, value in values.items():
            setattr(funding, name, value)
        funding.save()
        return funding


# --- matching weights ------------------------------------------------------------------


def weights_save(
    actor, *, programme: Programme, weights: dict[str, int], min_score: int
) -> MatchingWeights | None:
    """A new version of the matching weights, which must add up to 100; None
    when they are the current ones (an unchanged save writes nothing)."""
    total = sum(weights.values())
    if total != WEIGHTS_TOTAL:
        raise ValidationError(
            _("The weights add up to %(total)s; they must add up to %(needed)s.")
            % {"total": total, "needed": WEIGHTS_TOTAL}
        )
    with transaction.atomic(), set_actor(actor):
        # Lock the programme: two saves at once cannot take the same version number.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        current = programme.weight_versions.order_by("-version").first()
        if current is not None and current.weights == weights and current.min_score == min_score:
            return None
        return MatchingWeights.objects.create(
            programme=programme,
            version=(current.version + 1) if current else 1,
            weights=dict(weights),
            min_score=min_score,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
