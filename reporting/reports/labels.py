"""The words of the yearly report, shared by the PDF and the XLSX (translated in
the report's language when they are drawn: call inside ``translation.override``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from duos.models import OutcomeStatus
from programmes.suppression import HIDDEN, NO_RATE, SMALL


def group_label(group: str) -> str:
    return {
        "employed": _("Employed (incl. self-employed)"),
        "training": _("Training or studies"),
        "internship": _("Internship"),
        "positive": _("Positive (employed, training, internship)"),
        "still_searching": _("Still searching"),
        "other": _("Other (inactive, unknown)"),
    }[group]


def status_label(status: str) -> str:
    return str(OutcomeStatus(status).label)


def column_label(point: str, denominator: str) -> str:
    return {
        ("exit", "completed"): _("At exit, over the completed"),
        ("exit", "started"): _("At exit, over the started"),
        ("follow_up", "completed"): _("At follow-up, over the completed"),
        ("follow_up", "started"): _("At follow-up, over the started"),
    }[(point, denominator)]


def title(programme: str, funder: str, year: int) -> str:
    return _("%(programme)s — yearly report %(year)s for %(funder)s") % {
        "programme": programme,
        "year": year,
        "funder": funder,
    }


def provenance(data: dict) -> str:
    snapshot = data["snapshot"]
    if snapshot["rules_version"] is None:
        return _("Figures of snapshot version %(version)s, computed on %(when)s.") % {
            "version": snapshot["version"],
            "when": snapshot["computed_text"],
        }
    return _(
        "Figures of snapshot version %(version)s, computed on %(when)s under the "
        "programme's rules version %(rules)s."
    ) % {
        "version": snapshot["version"],
        "when": snapshot["computed_text"],
        "rules": snapshot["rules_version"],
    }


def publication(data: dict) -> str:
    return _("Report version %(version)s, published on %(when)s.") % {
        "version": data["version"],
        "when": data["published_text"],
    }


def actual_cost_label(so_far: bool) -> str:
    if so_far:
        return _("Actual cost per duo so far (amount ÷ duos started until now)")
    return _("Actual cost per duo (amount ÷ duos started in the funding period)")


def definitions() -> list[tuple[str, str]]:
    """Each marker the report can show, and what it means."""
    return [
        (
            "*",
            _(
                "Provisional: some trajectories counted here have not yet reached "
                "their follow-up date (the end of their last duo plus the "
                "programme's follow-up horizon); the figure can still change."
            ),
        ),
        (SMALL, _("A count from 1 to 4, hidden so that no person can be recognised.")),
        (
            NO_RATE,
            _("No rate: fewer than 10 trajectories (n < 10), n hidden, or nothing to count."),
        ),
        (
            pgettext("marker", "<5 of n"),
            _("A rate whose count is from 1 to 4: shown as a count, never as a percentage."),
        ),
        (
            pgettext("marker", "x of n"),
            _(
                "A rate shown as its count, because the percentage would give a "
                "count of 1 to 4 back."
            ),
        ),
        (
            HIDDEN,
            _("Hidden so that a small count cannot be worked out from the other figures."),
        ),
        (
            _("so far"),
            _(
                "The funding period is still running: the actual cost per duo is "
                "the amount divided by the duos started until now, not a final figure."
            ),
        ),
    ]


def about() -> list[str]:
    """How the figures are defined (the dashboard's definitions)."""
    return [
        _(
            "A trajectory is one mentee in this programme with all their duos; its "
            "cohort is the year its first duo started, and its last duo decides "
            "everything else. The outcomes of this report are those of the "
            "trajectories of the report's year (its cohort)."
        ),
        _(
            "Started: every trajectory whose last duo has ended, for whatever "
            "reason. Completed: those whose last duo ran its course or ended early "
            "because the goal was reached. A missing outcome counts as unknown."
        ),
        _(
            "Employed = employed + self-employed; training = training + studies; "
            "positive = employed + training + internship; other = inactive + "
            "unknown. Percentages are rounded half up to one decimal."
        ),
        _(
            "Planned cost per duo = the funding's amount ÷ its target duos; actual "
            "cost per duo = the amount ÷ the duos started in the funding period."
        ),
    ]
