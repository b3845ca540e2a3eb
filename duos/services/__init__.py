"""Writes: every change that touches more than one row or has side effects.

Each service takes the acting user first and keyword-only arguments, runs in
one transaction (all or nothing) and leaves an audit entry through
django-auditlog with the actor set. Rule violations raise
``django.core.exceptions.ValidationError`` with messages a user can act on.

The duo lifecycle, meetings, outcomes and mentor accounts are re-exported here
so that views call ``services.duo_activate(...)``; intake, follow-up requests
and the workspace (concerns, check-ins, reminders) are modules of their own.
"""

from duos.services.accounts import mentor_account_invite, mentor_account_revoke
from duos.services.duos import (
    EARLY_END_REASONS,
    REMATCH_BONUS_DAYS,
    CapacityError,
    duo_activate,
    duo_assign_coach,
    duo_close,
    duo_decline,
    duo_end,
    duo_mark_introduction_held,
    duo_plan_introduction,
    duo_propose,
    duo_record_agreement,
    duo_start_override,
    introduction_held,
    start_agreed_proposals,
)
from duos.services.figures import RECOMPUTE_TASK, figures_changed
from duos.services.meetings import meeting_record, meeting_update
from duos.services.outcomes import follow_up_date, outcome_record

__all__ = [
    "EARLY_END_REASONS",
    "RECOMPUTE_TASK",
    "REMATCH_BONUS_DAYS",
    "CapacityError",
    "duo_activate",
    "duo_assign_coach",
    "duo_close",
    "duo_decline",
    "duo_end",
    "duo_mark_introduction_held",
    "duo_plan_introduction",
    "duo_propose",
    "duo_record_agreement",
    "duo_start_override",
    "introduction_held",
    "start_agreed_proposals",
    "figures_changed",
    "follow_up_date",
    "meeting_record",
    "meeting_update",
    "mentor_account_invite",
    "mentor_account_revoke",
    "outcome_record",
]
