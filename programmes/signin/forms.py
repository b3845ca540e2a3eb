import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programmes.validators import NAME_LIMIT, no_control_characters

from . import policy


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form sets the session's lifetime after signing in by
    password; the lifetime is the role's (``programmes.signin.policy``)."""

    def login(self, request, redirect_url=None):
        response = super().login(request, redirect_url)
        if request.user.is_authenticated:
            policy.apply_session_expiry(request, request.user)
        return response


# A phone number as people type it: digits, spaces, +, (, ), -, . and /.
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]+$")


class ProfileForm(forms.Form):
    """The signed-in user's own names, phone number and language."""

    first_name = forms.CharField(
        label=_("First name"), max_length=NAME_LIMIT, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_LIMIT,
        required=False,
        validators=[no_control_characters],
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("For example +32 470 12 34 56."),
    )
    language = forms.ChoiceField(
        label=_("Your language"),
        required=False,
        help_text=_("Screens and e-mails in this language; empty: the browser's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The browser's language")),
            *settings.LANGUAGES,
        ]

    def clean_first_name(self) -> str:
        name = self.cleaned_data["first_name"].strip()
        if not name:
            raise ValidationError(_("Enter your first name."), code="required")
        return name

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if not phone:
            return ""
        digits = sum(c.isdigit() for c in phone)
        if not PHONE_PATTERN.match(phone) or not 6 <= digits <= 15:
            raise ValidationError(
                _("Enter a phone number of digits, for example +32 470 12 34 56."),
                code="invalid_phone",
            )
        return phone
