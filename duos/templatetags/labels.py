"""Codes in words: the one place that turns stored codes into labels.

``{{ person.sectors|labels:"sector" }}`` → "Logistics and transport, Retail and
sales"; ``{{ code|label:"language" }}`` → "Arabic". Labels come in the active
language; codes stay in machine formats (CSV/JSON columns, the public import
formats) only. A language code outside the project's list takes Django's
translated name (``django.conf.locale.LANG_INFO``); a code nobody knows is
shown as it is rather than dropped, so a person still sees what was stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.conf.locale import LANG_INFO
from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duos.models import choices
from duos.vocab import LANGUAGES, SECTORS
from programmes import models as programme_models

register = template.Library()

# Languages people declare that are neither in the form's list nor in Django's.
_MORE_LANGUAGES = {
    "ber": _("Berber"),
    "am": _("Amharic"),
}

_CHOICES: dict[str, type[TextChoices]] = {
    "topic": choices.MeetingTopic,
    "mode": choices.MeetingMode,
    "slot": choices.AvailableSlot,
    "gender": choices.Gender,
    "age_band": choices.AgeBand,
    "pipeline": choices.PipelineStatus,
    "employment": choices.EmploymentStatus,
    "referral": choices.ReferralSource,
    "end_reason": choices.EndReason,
    "duo_status": choices.DuoStatus,
    "point": choices.OutcomePoint,
    "outcome": choices.OutcomeStatus,
    "contract": choices.ContractType,
    "source": choices.OutcomeSource,
    "check_in": choices.CheckInKind,
    "risk": choices.Risk,
    "education": programme_models.EducationLevel,
    "region": programme_models.Region,
    "role": programme_models.Role,
}

VOCABULARIES = ("sector", "language", *_CHOICES)


def _language(code: str) -> str:
    known = dict(LANGUAGES)
    if code in known:
        return str(known[code])
    if code in _MORE_LANGUAGES:
        return str(_MORE_LANGUAGES[code])
    info = LANG_INFO.get(code)
    if info and "name" in info:  # Django's catalogue translates its own names
        return gettext(info["name"])
    return code


def code_label(code: str, vocabulary: str) -> str:
    """One code of ``vocabulary`` (see VOCABULARIES) in words, in the active language."""
    code = str(code)
    if vocabulary == "language":
        return _language(code)
    if vocabulary == "sector":
        return str(dict(SECTORS).get(code, code))
    if vocabulary not in _CHOICES:
        raise ValueError(f"unknown vocabulary {vocabulary!r}; one of {VOCABULARIES}")
    return str(dict(_CHOICES[vocabulary].choices).get(code, code))


def code_labels(codes: Iterable[str] | None, vocabulary: str) -> list[str]:
    """Several codes in words, in their stored order."""
    return [code_label(code, vocabulary) for code in codes or () if code != ""]


@register.filter(name="label")
def label_filter(code, vocabulary: str) -> str:
    """``{{ meeting.mode|label:"mode" }}``; empty stays empty (for ``|default``)."""
    if code in (None, ""):
        return ""
    return code_label(code, vocabulary)


@register.filter(name="labels")
def labels_filter(codes, vocabulary: str) -> str:
    """``{{ person.languages|labels:"language" }}``: the labels joined by ", "."""
    if isinstance(codes, str):
        codes = [codes]
    return ", ".join(code_labels(codes, vocabulary))


# Fields that keep a list of codes, wherever a record is listed field by field.
FIELD_VOCABULARIES = {
    "languages": "language",
    "sectors": "sector",
    "topics": "topic",
    "available_slots": "slot",
    "mentee_education_levels": "education",
}


@register.filter(name="in_words")
def in_words(item) -> str:
    """A subject-access item (name, value, shown): its codes in words."""
    vocabulary = FIELD_VOCABULARIES.get(getattr(item, "name", ""))
    if vocabulary and isinstance(item.value, list | tuple) and item.value:
        return labels_filter(item.value, vocabulary)
    return item.shown
