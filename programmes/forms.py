from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Programme, Role
from .validators import NAME_LIMIT, no_control_characters


def choose_one(choices) -> list[tuple[str, str]]:
    """Choices with an empty first entry, so that nothing is recorded for the
    user by default: a required field then asks for an explicit choice."""
    return [("", _("— choose —")), *choices]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(
        label=_("First name"), max_length=NAME_LIMIT, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_LIMIT,
        required=False,
        validators=[no_control_characters],
    )
    role = forms.ChoiceField(label=_("Role"), choices=choose_one(Role.choices))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes (funders and evaluators)"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped choices: the dropdowns never list what the coordinator may not see.
        self.fields["organisation"].queryset = organisations
        self.fields["programmes"].queryset = programmes
