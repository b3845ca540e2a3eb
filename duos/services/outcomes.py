"""Outcomes at exit and at follow-up: recorded and corrected, audited."""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from duos.models import Duo, Outcome, contract_problem
from duos.rules import duo_rules
from duos.services.figures import figures_changed


def follow_up_date(duo: Duo) -> dt.date | None:
    """The follow-up point: the duo's end plus the horizon of the rules it ran under."""
    if duo.ended_on is None:
        return None
    return duo.ended_on + relativedelta(months=duo_rules(duo).follow_up_months)


# ``qualification_gained`` not given: a recorded answer stays as it is (an
# import, a mentee's follow-up answer or a form left empty never erases it).
KEEP_QUALIFICATION = object()


def outcome_record(
    actor,
    *,
    duo: Duo,
    point: str,
    status: str,
    source: str,
    date: dt.date | None = None,
    contract_type: str = "",
    note: str = "",
    qualification_gained: bool | None | object = KEEP_QUALIFICATION,
) -> Outcome:
    """Record the duo's outcome at a point; a second call for the same point corrects it.

    ``qualification_gained`` (ESF+, at exit): True, False or None (not known)."""
    errors: dict[str, str] = {}
    if point not in Outcome.Point.values:
        errors["point"] = _("'%(value)s' is not an outcome point.") % {"value": point}
    if status not in Outcome.Status.values:
        errors["status"] = _("'%(value)s' is not a status.") % {"value": status}
    if source not in Outcome.Source.values:
        errors["source"] = _("'%(value)s' is not an outcome source.") % {"value": source}
    if contract_type and contract_type not in Outcome.Contract.values:
        errors["contract_type"] = _("'%(value)s' is not a contract type.") % {
            "value": contract_type
        }
    elif problem := contract_problem(status=status, contract_type=contract_type):
        errors["contract_type"] = capfirst(problem) + "."
    if qualification_gained not in (True, False, None, KEEP_QUALIFICATION):
        errors["qualification_gained"] = _("Answer yes, no or not known.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), set_actor(actor):
        duo = Duo.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duo.pk)
        if duo.status != Duo.Status.ENDED:
            raise ValidationError(_("Outcomes are recorded once the duo has ended."))
        if date is None:
            date = duo.ended_on if point == Outcome.Point.EXIT else follow_up_date(duo)
        if date < duo.started_on:
            raise ValidationError({"date": _("An outcome cannot be dated before the duo started.")})
        outcome, _created = Outcome.objects.update_or_create(
            duo=duo,
            point=point,
            defaults={
                "date": date,
                "status": status,
                "contract_type": contract_type,
                "source": source,
                "note": note.strip(),
                "recorded_by": actor,
                **(
                    {}
                    if qualification_gained is KEEP_QUALIFICATION
                    else {"qualification_gained": qualification_gained}
                ),
            },
        )
        figures_changed(duo.programme_id)
        return outcome
