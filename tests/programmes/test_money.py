from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from programmes.templatetags.money import euro


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "7.762.500\xa0€"), ("fr", "7\u202f762\u202f500\xa0€"), ("en", "€7,762,500")],
)
def test_amounts_use_the_languages_thousands_separator(language, expected):
    with translation.override(language):
        assert euro(Decimal("7762500.00")) == expected


def test_cents_when_asked_and_nothing_for_no_amount():
    with translation.override("nl"):
        assert euro("107812.5", 2) == "107.812,50\xa0€"
        assert euro(None) == ""
        assert euro("not a number") == ""


def test_the_template_filter():
    with translation.override("fr"):
        rendered = Template("{% load money %}{{ amount|euro }}").render(
            Context({"amount": Decimal("855")})
        )
    assert rendered == "855\xa0€"
