"""The public application forms on a phone, in Dutch and in French: a person
fills every required field, consents, sends, and lands on the thank-you page
(STYLE.md "Tests": every page reached without signing in)."""

import re

import pytest
from playwright.sync_api import expect

from duos.forms import MenteeApplicationForm, MentorApplicationForm
from duos.models import Mentee, Mentor
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FORMS = {"mentee": (MenteeApplicationForm, Mentee), "mentor": (MentorApplicationForm, Mentor)}
HEADING = {
    ("mentee", "nl"): "Inschrijven bij DUO Brussel",
    ("mentee", "fr"): "S'inscrire à DUO Brussel",
    ("mentor", "nl"): "Mentor worden bij DUO Brussel",
    ("mentor", "fr"): "Devenir mentor avec DUO Brussel",
}
THANKS = {"nl": "Dank je", "fr": "Merci"}
BORN = {"mentee": "1999-04-12", "mentor": "1964-09-30"}


@pytest.fixture
def programme(transactional_db):
    return factories.ProgrammeFactory(name="DUO Brussel")


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_application_on_a_phone(phone, programme, mailoutbox, kind, screenshot):
    form_class, model = FORMS[kind]
    fields = form_class().fields
    required = [name for name, field in fields.items() if field.required]
    email = f"{kind}.{phone.language}@duo.invalid"
    page = phone.page

    page.goto(f"/apply/{programme.slug}/{kind}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING[kind, phone.language])
    phone.check()

    def field(name: str):
        return page.get_by_label(phone.label(fields[name].label))

    filled = {
        "first_name": lambda: field("first_name").fill("Amina"),
        "email": lambda: field("email").fill(email),
        "birth_date": lambda: field("birth_date").fill(BORN[kind]),
        "gender": lambda: field("gender").select_option("female"),
        "postcode": lambda: field("postcode").fill("1080"),
        "languages": lambda: (
            page.get_by_role("group", name=phone.label(fields["languages"].label))
            .get_by_label(phone.t("Arabic"))
            .check()
        ),
        "contact_language": lambda: field("contact_language").select_option(phone.language),
        "capacity": lambda: field("capacity").fill("2"),
        "consent": lambda: field("consent").check(),
    }
    assert set(required) <= set(filled), "a new required field: teach this test to fill it"
    for name in required:
        filled[name]()
    screenshot(page, f"{kind}-{phone.language}-filled")
    page.get_by_role("button", name=phone.t("Send my application")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS[phone.language])
    expect(page).to_have_url(re.compile(rf"/apply/{programme.slug}/thanks/$"))
    phone.check()
    screenshot(page, f"{kind}-{phone.language}-thanks")
    applicant = model.objects.get(programme=programme, email=email)
    assert (applicant.first_name, applicant.contact_language) == ("Amina", phone.language)
    assert applicant.languages == ["ar"]
    assert [m.to for m in mailoutbox] == [[email]]  # the confirmation
    phone.assert_clean()
