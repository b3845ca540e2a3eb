from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import (
    EducationLevel,
    Language,
    Organisation,
    OrganisationKind,
    Programme,
    Region,
    Role,
)
from .services.setup import programme_problems
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
    language = forms.ChoiceField(
        label=_("Their language"),
        required=False,
        help_text=_("Of their screens and e-mails, this invitation included."),
    )

    def __init__(self, *args, organisations, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped choices: the dropdowns never list what the coordinator may not see.
        self.fields["organisation"].queryset = organisations
        self.fields["programmes"].queryset = programmes
        # The coordinator's own language to start with: most invite colleagues.
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["language"].initial = translation.get_language()


# --- setting a programme up (programmes.views.setup) ------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SITE_LIMIT = 100


class SitesField(forms.CharField):
    """One municipality per line, kept as a list (blank lines and repeats dropped)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        sites: list[str] = []
        for line in text.splitlines():
            site = " ".join(line.split())
            if not site or site in sites:
                continue
            if len(site) > SITE_LIMIT:
                raise forms.ValidationError(
                    _("A municipality has at most %(n)s characters: %(site)s")
                    % {"n": SITE_LIMIT, "site": site[:40]}
                )
            no_control_characters(site)
            sites.append(site)
        return sites


class ProgrammeForm(forms.Form):
    """A programme and its rules, as its coordinators set them."""

    operator = forms.ModelChoiceField(
        label=_("Operator"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200, validators=[no_control_characters])
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        help_text=_(
            "Lower-case letters, digits and hyphens; used in the application form's address."
        ),
    )
    region = forms.ChoiceField(label=_("Region"), choices=choose_one(Region.choices))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT, required=False)
    sites = SitesField(label=_("Sites"), required=False, help_text=_("One municipality per line."))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, widget=forms.CheckboxSelectMultiple
    )
    # Mentees.
    mentee_min_age = forms.IntegerField(
        label=_("Mentee minimum age"), min_value=14, max_value=99, required=False
    )
    mentee_max_age = forms.IntegerField(
        label=_("Mentee maximum age"), min_value=14, max_value=99, required=False
    )
    mentee_migration_background_required = forms.BooleanField(
        label=_("Mentees need a migration background"), required=False
    )
    mentee_education_levels = forms.MultipleChoiceField(
        label=_("Mentees' education levels"),
        choices=EducationLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every level."),
    )
    # Mentors.
    mentor_min_age = forms.IntegerField(
        label=_("Mentor minimum age"), min_value=16, max_value=99, required=False
    )
    mentor_min_experience_years = forms.IntegerField(
        label=_("Mentor minimum professional experience (years)"),
        min_value=0,
        max_value=60,
        required=False,
    )
    training_required = forms.BooleanField(label=_("Mentor training required"), required=False)
    coach_assigned = forms.BooleanField(label=_("A mentor-coach follows each duo"), required=False)
    # Rhythm, follow-up, targets.
    duo_length_weeks = forms.IntegerField(
        label=_("Duo length (weeks)"), min_value=1, max_value=260, initial=26
    )
    meetings_per_month = forms.DecimalField(
        label=_("Expected meetings per month"),
        min_value=Decimal("0.25"),
        max_value=31,
        max_digits=4,
        decimal_places=2,
        initial=4,
        help_text=_("Weekly ≈ 4, twice a month = 2."),
    )
    follow_up_months = forms.IntegerField(
        label=_("Follow-up horizon (months after the duo ended)"),
        min_value=1,
        max_value=60,
        initial=6,
    )
    yearly_duo_target = forms.IntegerField(
        label=_("Yearly duo target"), min_value=0, max_value=100000, required=False
    )
    retention_years = forms.IntegerField(
        label=_("Data retention (years)"), min_value=1, max_value=30, initial=5
    )

    def __init__(self, *args, operators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if operators is None:  # editing: the operator stays
            del self.fields["operator"]
        else:
            self.fields["operator"].queryset = operators

    SECTIONS = (
        (
            _("The programme"),
            ("operator", "name", "slug", "region", "starts_on", "ends_on", "sites", "languages"),
        ),
        (
            _("Mentees"),
            (
                "mentee_min_age",
                "mentee_max_age",
                "mentee_migration_background_required",
                "mentee_education_levels",
            ),
        ),
        (
            _("Mentors"),
            (
                "mentor_min_age",
                "mentor_min_experience_years",
                "training_required",
                "coach_assigned",
            ),
        ),
        (
            _("Duos, follow-up and data"),
            (
                "duo_length_weeks",
                "meetings_per_month",
                "follow_up_months",
                "yearly_duo_target",
                "retention_years",
            ),
        ),
    )

    def sections(self) -> list[tuple[str, list]]:
        """The fields in groups, for the page's headings."""
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def clean(self):
        data = super().clean()
        for field, message in programme_problems(data).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def values(self) -> dict:
        """The programme's fields (the operator apart)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "operator"}


def programme_initial(programme: Programme) -> dict:
    return {
        name: getattr(programme, name) for name in ProgrammeForm.base_fields if name != "operator"
    }


class FundingForm(forms.Form):
    funder = forms.ModelChoiceField(
        label=_("Funder"), queryset=Organisation.objects.none(), empty_label=_("— choose —")
    )
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=0, max_digits=14, decimal_places=2
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    target_duos = forms.IntegerField(
        label=_("Target duos for the period"), min_value=0, max_value=1000000
    )

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The funding ends before it starts: check the dates."))
        return data


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[no_control_characters])
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=choose_one(
            [
                (k, OrganisationKind(k).label)
                for k in (
                    OrganisationKind.FUNDER,
                    OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE,
                    OrganisationKind.RESEARCH,
                )
            ]
        ),
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("— none —")), *Region.choices], required=False
    )


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where it names one
    of the form's, else above the form. Every app's views use this one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
