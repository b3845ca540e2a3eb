"""The flattened widget templates (mentoring/forms.py) give Django's HTML byte
for byte: every widget kind, bound and unbound, with groups, attributes and
choices checked or not."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from duos.forms import MeetingForm
from mentoring.forms import FormRenderer

CHOICES = [("a", "Á & <b>"), ("b", "Bee"), ("c", "Sea")]
GROUPED = [("Group 1", [("x", "X"), ("y", "Y")]), ("z", "Zed")]


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text", help_text="Help", max_length=5)
    number = forms.IntegerField(min_value=1, max_value=9, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    pick = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    radio_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


def _html(form_class, renderer, **kwargs) -> str:
    form = form_class(renderer=renderer, **kwargs)
    form.is_bound and form.is_valid()
    fields = "".join(f"{f.label_tag()}{f.legend_tag()}{f.errors}{f}" for f in form)
    return form.as_div() + form.as_p() + fields + str(form.non_field_errors())


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"initial": {"pick": "b", "radio": "c", "boxes": ["a", "c"], "many": ["b"]}},
        {
            "data": {
                "text": "toolongtext",
                "radio": "a",
                "boxes": ["b"],
                "grouped": "y",
                "radio_grouped": "x",
                "flag": "on",
            }
        },
    ],
)
def test_flattened_widgets_render_django_html(kwargs):
    assert _html(EveryWidget, FormRenderer(), **kwargs) == _html(
        EveryWidget, DjangoTemplates(), **kwargs
    )


def test_meeting_form_renders_django_html():
    initial = {"date": "2026-11-30", "minutes": 45, "mode": "video", "topics": ["cv"]}
    ours = _html(MeetingForm, FormRenderer(), initial=initial, prefix="duo-7")
    theirs = _html(MeetingForm, DjangoTemplates(), initial=initial, prefix="duo-7")
    assert ours == theirs
    assert 'type="radio"' in ours and 'type="checkbox"' in ours


def test_settings_use_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "mentoring.forms.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def test_the_flattened_templates_are_the_ones_read():
    renderer = FormRenderer()
    for name in (
        "widgets/radio.html",
        "widgets/checkbox_select.html",
        "widgets/select.html",
        "widgets/input.html",
        "label.html",
        "errors/list/default.html",
    ):
        origin = renderer.get_template(f"django/forms/{name}").origin.name
        assert "/templates/django/forms/" in origin and "site-packages" not in origin
