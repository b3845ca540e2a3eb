"""The publish form: programme's funding, year, language, and ESF+ indicators
(not ticked unless the coordinator ticks it)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from programmes.forms import choose_one

from .publish import FIRST_YEAR, LAST_YEAR


class PublishForm(forms.Form):
    funding = forms.ModelChoiceField(label=_("Funding"), queryset=None, empty_label=_("— choose —"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    language = forms.ChoiceField(label=_("Language of the report"))
    include_esf = forms.BooleanField(
        label=_("Include the ESF+ common indicators of that year"), required=False
    )

    def __init__(self, *args, fundings, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding"].queryset = fundings  # already scoped to the coordinator
        self.fields["funding"].label_from_instance = lambda f: (
            f"{f.funder.name} ({f.starts_on:%Y}–{f.ends_on:%Y})"
        )
        self.fields["language"].choices = choose_one(settings.LANGUAGES)
        if language in dict(settings.LANGUAGES):
            self.fields["language"].initial = language  # the coordinator's own
