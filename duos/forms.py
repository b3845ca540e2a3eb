from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EmploymentStatus, Mentee, Mentor, ReferralSource
from .vocab import LANGUAGES, SECTORS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PARTICIPANT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "gender",
    "postcode",
    "municipality",
    "languages",
    "sectors",
    "education_level",
    "contact_language",
]


class ApplicationForm(forms.ModelForm):
    """The public application. ``website`` is a honeypot: people never see it."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=SECTORS, widget=forms.CheckboxSelectMultiple, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the programme keeps these data to run my mentoring and to report "
            "anonymous figures to its funders, as explained above."
        )
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        fields = PARTICIPANT_FIELDS
        widgets = {"birth_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "birth_date", "postcode"):
            self.fields[name].required = True
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not (postcode.isdigit() and len(postcode) == 4 and postcode[0] != "0"):
            raise forms.ValidationError(_("A Belgian postcode has four digits, e.g. 1080."))
        return postcode

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date and birth_date >= timezone.localdate():
            raise forms.ValidationError(_("The birth date must be in the past."))
        return birth_date

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class MenteeApplicationForm(ApplicationForm):
    special_consent = forms.BooleanField(
        label=_(
            "I agree that the programme records the answers below (migration background, "
            "disability). They are optional and seen only by the coordinators."
        ),
        required=False,
    )

    class Meta(ApplicationForm.Meta):
        model = Mentee
        fields = [*PARTICIPANT_FIELDS, "motivation", "migration_background", "disability"]
        widgets = {
            "birth_date": DATE_INPUT,
            "migration_background": forms.NullBooleanSelect,
            "disability": forms.NullBooleanSelect,
        }


class MentorApplicationForm(ApplicationForm):
    class Meta(ApplicationForm.Meta):
        model = Mentor
        fields = [
            *PARTICIPANT_FIELDS,
            "profession",
            "experience_years",
            "capacity",
            "availability",
            "motivation",
        ]
        widgets = {"birth_date": DATE_INPUT}


class ScreeningForm(forms.Form):
    interviewed_on = forms.DateField(label=_("Interview date"), widget=DATE_INPUT)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason to accept although a rule is not met"), max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"interviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MenteeScreeningForm(ScreeningForm):
    employment_status_at_entry = forms.ChoiceField(
        label=_("Employment status at entry"), choices=EmploymentStatus.choices
    )
    jobseeker_ref = forms.CharField(label=_("Jobseeker reference"), max_length=64, required=False)
    referral_source = forms.ChoiceField(
        label=_("Referred by"), choices=[("", "—"), *ReferralSource.choices], required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TrainingSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors who attended"),
        queryset=Mentor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = mentors
