from __future__ import annotations

import uuid as uuidlib

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from duos.models import (
    AvailableSlot,
    CheckInKind,
    ContractType,
    EmploymentStatus,
    EndReason,
    MeetingMode,
    MeetingTopic,
    Mentee,
    Mentor,
    OutcomeStatus,
    ReferralSource,
    Risk,
    contract_problem,
)
from duos.services import consent
from duos.services.outcomes import KEEP_QUALIFICATION
from duos.vocab import LANGUAGES, SECTORS
from programmes.forms import choose_one
from programmes.validators import TEXT_LIMIT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

QUALIFICATION_CHOICES = [
    ("yes", _("Yes")),
    ("no", _("No")),
    ("not_known", _("Not known")),
]
QUALIFICATION_VALUES = {"yes": True, "no": False, "not_known": None}


def qualification_field() -> forms.TypedChoiceField:
    """ESF+ "gaining a qualification upon leaving", asked with the exit situation:
    Yes / No / Not known, nothing preselected. The cleaned value is True, False or
    None ("Not known"); left empty it is ``KEEP_QUALIFICATION``, so a correction
    never erases what was recorded."""
    return forms.TypedChoiceField(
        label=_("Gained a qualification?"),
        help_text=_(
            "A certificate, diploma or recognised qualification obtained during the "
            "mentoring or by its end (ESF+ indicator)."
        ),
        choices=choose_one(QUALIFICATION_CHOICES),
        coerce=QUALIFICATION_VALUES.__getitem__,
        empty_value=KEEP_QUALIFICATION,
        required=False,
    )


def qualification_initial(value: bool | None) -> str:
    """The choice showing a recorded value; nothing for None (asked again)."""
    return {True: "yes", False: "no"}.get(value, "")


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
    "available_slots",
]


class ApplicationForm(forms.ModelForm):
    """The public application. ``website`` is a honeypot: people never see it."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=SECTORS, widget=forms.CheckboxSelectMultiple, required=False
    )
    available_slots = forms.MultipleChoiceField(
        label=_("When can you meet? (optional)"),
        choices=AvailableSlot.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Used to propose someone who can meet at the same times."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the programme keeps these data to run my mentoring and to report "
            "anonymous figures to its funders, as explained above."
        )
    )
    website = forms.CharField(
        max_length=TEXT_LIMIT, required=False, label=_("Leave this field empty")
    )

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
        if not (
            postcode.isascii() and postcode.isdigit() and len(postcode) == 4 and postcode[0] != "0"
        ):
            raise forms.ValidationError(_("A Belgian postcode has four digits, e.g. 1080."))
        return postcode

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date and birth_date >= timezone.localdate():
            raise forms.ValidationError(_("The birth date must be in the past."))
        if birth_date and birth_date.year < 1900:
            raise forms.ValidationError(_("Check the year of the birth date."))
        return birth_date

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class MenteeApplicationForm(ApplicationForm):
    # The special-category consent comes right before the questions it covers.
    field_order = [
        *PARTICIPANT_FIELDS,
        "employment_status_at_entry",
        "motivation",
        "consent",
        "special_consent",
    ]

    special_consent = forms.BooleanField(
        label=_(
            "I agree that the programme records the answers below (migration background, "
            "disability). They are optional and seen only by the coordinators."
        ),
        required=False,
    )

    # The situation at entry (ESF+): asked with nothing preselected; recorded once,
    # the intake interview then shows it instead of asking again.
    employment_status_at_entry = forms.ChoiceField(
        label=_("Your situation today"),
        choices=choose_one(EmploymentStatus.choices),
        required=False,
        help_text=_(
            "Unemployed: without work and looking for work. Inactive: without work and "
            "not looking for work now (studies, illness, care…)."
        ),
    )

    class Meta(ApplicationForm.Meta):
        model = Mentee
        fields = [
            *PARTICIPANT_FIELDS,
            "employment_status_at_entry",
            "motivation",
            "migration_background",
            "disability",
        ]
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
        max_length=TEXT_LIMIT,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason to accept although a rule is not met"), max_length=300, required=False
    )

    def __init__(self, *args, person=None, **kwargs):
        kwargs.setdefault("initial", {"interviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MenteeScreeningForm(ScreeningForm):
    employment_status_at_entry = forms.ChoiceField(
        label=_("Employment status at entry"), choices=choose_one(EmploymentStatus.choices)
    )
    jobseeker_ref = forms.CharField(label=_("Jobseeker reference"), max_length=64, required=False)
    referral_source = forms.ChoiceField(
        label=_("Referred by"), choices=[("", "—"), *ReferralSource.choices], required=False
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, person=person, **kwargs)
        # Recorded once, never overwritten: once known it is shown, not asked again.
        self.recorded_status = ""
        if person is not None and person.employment_status_at_entry:
            self.recorded_status = person.get_employment_status_at_entry_display()
            del self.fields["employment_status_at_entry"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ConsentWithdrawForm(forms.Form):
    """Which consent the person withdrew; ``confirmed`` is the second step."""

    scope = forms.ChoiceField(label=_("The person withdrew"), widget=forms.RadioSelect)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(consent.ALL, _("their whole consent: erase their data (keeping the figures)"))]
        if isinstance(person, Mentee):
            choices.insert(
                0,
                (
                    consent.SPECIAL,
                    _("their consent to special-category data (migration background, disability)"),
                ),
            )
        self.fields["scope"].choices = choices


class TrainingSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class MentorChoiceField(forms.ModelMultipleChoiceField):
    """Namesakes told apart: the name, then the municipality and the e-mail."""

    def label_from_instance(self, mentor) -> str:
        where = ", ".join(part for part in (mentor.municipality, mentor.email) if part)
        return f"{mentor} ({where})" if where else str(mentor)


class AttendanceForm(forms.Form):
    mentors = MentorChoiceField(
        label=_("Mentors who attended"),
        queryset=Mentor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = mentors


class WeightsForm(forms.Form):
    """A new version of the matching weights (they must add up to 100)."""

    sector = forms.IntegerField(label=_("Same sector"), min_value=0, max_value=100)
    language = forms.IntegerField(label=_("Shared languages"), min_value=0, max_value=100)
    proximity = forms.IntegerField(label=_("Proximity"), min_value=0, max_value=100)
    availability = forms.IntegerField(label=_("Availability"), min_value=0, max_value=100)
    waiting = forms.IntegerField(label=_("Waiting time"), min_value=0, max_value=100)
    priority = forms.IntegerField(label=_("Priority"), min_value=0, max_value=100)
    min_score = forms.IntegerField(
        label=_("Minimum score to propose a pair"), min_value=0, max_value=100
    )

    WEIGHT_FIELDS = ("sector", "language", "proximity", "availability", "waiting", "priority")

    def clean(self):
        data = super().clean()
        if all(name in data for name in self.WEIGHT_FIELDS):
            total = sum(data[name] for name in self.WEIGHT_FIELDS)
            if total != 100:
                raise forms.ValidationError(
                    _("The weights add up to %(total)s; they must add up to 100.")
                    % {"total": total}
                )
        return data


class IntroductionForm(forms.Form):
    introduction_on = forms.DateField(label=_("Introduction meeting on"), widget=DATE_INPUT)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why was it declined?"), max_length=200)


class CoachForm(forms.Form):
    coach = forms.ModelChoiceField(
        label=_("Mentor-coach"), queryset=None, required=False, empty_label=_("— none —")
    )

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["coach"].label_from_instance = lambda u: u.get_full_name() or u.email


SATISFACTION = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class CloseForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_INPUT)
    end_reason = forms.ChoiceField(label=_("End reason"), choices=choose_one(EndReason.choices))
    exit_status = forms.ChoiceField(
        label=_("Situation at exit"), choices=choose_one(OutcomeStatus.choices)
    )
    exit_contract = forms.ChoiceField(
        label=_("Contract (if employed)"),
        choices=[("", "—"), *ContractType.choices],
        required=False,
    )
    qualification_gained = qualification_field()
    mentor_satisfaction = forms.TypedChoiceField(
        label=_("Mentor's satisfaction (1–5)"), choices=SATISFACTION, coerce=int, required=False
    )
    mentor_recommend = forms.NullBooleanField(
        label=_("Mentor would recommend"), required=False, widget=forms.NullBooleanSelect
    )
    mentor_comment = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Mentor's comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mentee_satisfaction = forms.TypedChoiceField(
        label=_("Mentee's satisfaction (1–5)"), choices=SATISFACTION, coerce=int, required=False
    )
    mentee_recommend = forms.NullBooleanField(
        label=_("Mentee would recommend"), required=False, widget=forms.NullBooleanSelect
    )
    mentee_comment = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Mentee's comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rematch = forms.BooleanField(
        label=_("Return the mentee to the pool for a new mentor (early end)"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        problem = contract_problem(
            status=data.get("exit_status", ""), contract_type=data.get("exit_contract", "")
        )
        if problem:
            self.add_error("exit_contract", capfirst(problem) + ".")
        return data

    def feedback(self) -> list[dict]:
        answers = []
        for side in ("mentor", "mentee"):
            if self.cleaned_data.get(f"{side}_satisfaction"):
                answers.append(
                    {
                        "respondent": side,
                        "satisfaction": self.cleaned_data[f"{side}_satisfaction"],
                        "would_recommend": self.cleaned_data.get(f"{side}_recommend"),
                        "comment": self.cleaned_data.get(f"{side}_comment", ""),
                    }
                )
        return answers


class MeetingForm(forms.Form):
    """Logged from a phone in seconds: everything has a sensible default."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=720)
    mode = forms.ChoiceField(
        label=_("Where"), choices=MeetingMode.choices, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics (optional)"),
        choices=MeetingTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    same_day_ok = forms.BooleanField(widget=forms.HiddenInput, required=False)


def meeting_form_for(duo, *, last_meeting=None) -> MeetingForm:
    """Today, and the minutes and place this person used last time."""
    return MeetingForm(
        initial={
            "date": timezone.localdate(),
            "minutes": last_meeting.minutes if last_meeting else 60,
            "mode": last_meeting.mode if last_meeting else MeetingMode.WORKPLACE,
            "client_token": uuidlib.uuid4(),
        },
        prefix=f"duo-{duo.pk}",
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("What is going on?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("How was it handled?"), max_length=2000)


class CheckInForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choose_one(CheckInKind.choices))
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    risk = forms.ChoiceField(label=_("Risk"), choices=choose_one(Risk.choices))
    note = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Note (coaches and coordinators only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
