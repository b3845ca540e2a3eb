"""A language per user (issue 16, part 2): screens follow the profile's language
whatever the browser says, every e-mail goes out in its recipient's language,
allauth's e-mails are signed with the site's name and link to SITE_URL, and
dates and numbers are written the Belgian way (day-month-year in English)."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone, translation

from duos.models import Concern
from programmes.models import Role, UserProfile
from programmes.services import membership_invite
from programmes.services.profile import language_for
from tests import factories

PASSWORD = "duo-test-password"


def t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def set_language(user, language: str) -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"language": language})


def sign_in(client, user, *, browser: str) -> None:
    """Through allauth's form, as a person does (MFA is off in the test settings)."""
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=browser,
    )
    assert response.status_code == 302, response.content.decode()[:500]


def page_language(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


# --- screens --------------------------------------------------------------------------


def test_the_profile_language_wins_over_a_dutch_browser(client, world):
    set_language(world.coach, "en")
    sign_in(client, world.coach, browser="nl")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    page = response.content.decode()
    assert page_language(response) == "en"
    assert "Sign out" in page
    assert t("nl", "Sign out") not in page
    assert response["Content-Language"] == "en"


def test_without_a_profile_language_the_browser_decides(client, world):
    sign_in(client, world.coach, browser="nl")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert page_language(response) == "nl"
    assert t("nl", "Sign out") in response.content.decode()


def test_anonymous_visitors_keep_the_browsers_language(client, world):
    set_language(world.coach, "en")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page_language(response) == "fr"


def test_switching_language_while_signed_in_is_kept_for_the_next_sign_in(client, world):
    sign_in(client, world.coordinator, browser="en")
    response = client.post(
        reverse("programmes:language"), {"language": "fr", "next": reverse("home")}
    )
    assert response.status_code == 302
    assert UserProfile.objects.get(user=world.coordinator).language == "fr"
    assert page_language(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")) == "fr"

    client.post(reverse("account_logout"))
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # another computer
    assert page_language(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")) == "en"
    sign_in(client, world.coordinator, browser="en")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(response) == "fr"
    assert t("fr", "Sign out") in response.content.decode()


def test_the_switch_is_shown_in_the_header_and_posts_to_the_wrapper(client, world):
    client.force_login(world.coach)
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("programmes:language")}"' in page
    assert f'href="{reverse("programmes:profile")}"' in page


def test_an_anonymous_switch_sets_only_the_cookie(client, db):
    response = client.post(reverse("programmes:language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert page_language(client.get("/")) == "fr"
    assert not UserProfile.objects.exists()


def test_the_switch_changes_nothing_on_get_or_with_an_unknown_language(client, world):
    client.force_login(world.coach)
    assert client.get(reverse("programmes:language")).status_code == 405
    client.post(reverse("programmes:language"), {"language": "de", "next": "/"})
    assert not UserProfile.objects.filter(user=world.coach).exists()


def test_a_mentor_gets_their_language_too(client, world):
    set_language(world.mentor_user, "fr")
    client.force_login(world.mentor_user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert page_language(response) == "fr"


# --- the profile page ------------------------------------------------------------------


def test_the_owner_edits_their_profile(client, world):
    client.force_login(world.coach)
    page = client.get(reverse("programmes:profile"))
    assert page.status_code == 200
    assert world.coach.email in page.content.decode()
    response = client.post(
        reverse("programmes:profile"),
        {
            "first_name": " Sofie ",
            "last_name": "Peeters",
            "phone": "+32 470 12 34 56",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    world.coach.refresh_from_db()
    assert (world.coach.first_name, world.coach.last_name) == ("Sofie", "Peeters")
    profile = UserProfile.objects.get(user=world.coach)
    assert (profile.phone, profile.language) == ("+32 470 12 34 56", "nl")
    page = client.get(reverse("programmes:profile"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page_language(page) == "nl"
    assert t("nl", "Your profile is saved.") in text
    assert 'value="+32 470 12 34 56"' in text


def test_an_empty_language_follows_the_browser_again(client, world):
    set_language(world.coach, "fr")
    client.force_login(world.coach)
    client.post(
        reverse("programmes:profile"),
        {"first_name": "Sofie", "last_name": "", "phone": "", "language": ""},
    )
    assert UserProfile.objects.get(user=world.coach).language == ""
    assert page_language(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")) == "nl"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call me maybe", "Enter a phone number of digits, for example +32 470 12 34 56."),
        ("phone", "12", "Enter a phone number of digits, for example +32 470 12 34 56."),
        (
            "first_name",
            "Sofie\nBcc: x@example.com",
            "Use letters, spaces and punctuation only (no line breaks).",
        ),
        ("first_name", "   ", "This field is required."),
        ("last_name", "x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("language", "de", "Select a valid choice. de is not one of the available choices."),
    ],
)
def test_bad_input_on_the_profile_gets_a_message(client, world, field, value, message):
    client.force_login(world.coach)
    data = {"first_name": "Sofie", "last_name": "Peeters", "phone": "", "language": "en"}
    response = client.post(reverse("programmes:profile"), {**data, field: value})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    world.coach.refresh_from_db()
    assert world.coach.first_name != "Sofie"
    assert not UserProfile.objects.filter(user=world.coach).exists()


def test_a_mentor_has_a_profile_page(client, world):
    client.force_login(world.mentor_user)
    response = client.post(
        reverse("programmes:profile"),
        {"first_name": "Marc", "last_name": "Dubois", "phone": "0470/12.34.56", "language": "fr"},
    )
    assert response.status_code == 302
    assert UserProfile.objects.get(user=world.mentor_user).language == "fr"


def test_the_profile_page_wants_a_signed_in_member(client, db):
    url = reverse("programmes:profile")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    nobody = factories.UserFactory()  # an account with no role left
    client.force_login(nobody)
    assert client.get(url).status_code == 403


# --- e-mails -----------------------------------------------------------------------------


def test_the_concern_alert_reaches_each_in_their_language(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    set_language(world.coach, "en")
    set_language(world.coordinator, "nl")
    client.force_login(world.mentor_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("duos:concern_raise", args=[world.duo.uuid]),
            {"text": "Ze antwoordt niet meer", "urgent": "on"},
        )
    assert Concern.objects.count() == 1
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    assert set(by_recipient) == {(world.coach.email,), (world.coordinator.email,)}
    english = by_recipient[(world.coach.email,)]
    dutch = by_recipient[(world.coordinator.email,)]
    assert english.subject.startswith("URGENT")
    assert "Open the duo:" in english.body
    assert t("nl", "Open the duo:") not in english.body
    assert dutch.subject.startswith(t("nl", "URGENT"))
    assert t("nl", "Open the duo:") in dutch.body
    assert "Open the duo:" not in dutch.body


def test_staff_without_a_profile_language_get_the_sites_language(world):
    assert language_for(world.coach) == settings.LANGUAGE_CODE
    set_language(world.coach, "fr")
    world.coach.refresh_from_db()
    assert language_for(world.coach) == "fr"


def test_a_mentor_is_written_to_in_their_contact_language_unless_they_chose(world):
    world.mentor.contact_language = "fr"
    world.mentor.save()
    assert language_for(world.mentor) == "fr"
    assert language_for(world.mentor_user) == "fr"
    set_language(world.mentor_user, "nl")
    world.mentor_user.refresh_from_db()
    world.mentor.refresh_from_db()
    assert language_for(world.mentor_user) == "nl"
    assert language_for(world.mentor) == "nl"


def test_the_invitation_goes_out_in_the_invitees_language(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:team"),
            {
                "email": "amelie@duo.invalid",
                "first_name": "Amélie",
                "last_name": "Lambert",
                "role": Role.COACH,
                "organisation": world.programme.operator.pk,
                "language": "fr",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["amelie@duo.invalid"]
    assert message.subject == t("fr", "You are invited to Duo")
    assert "You are invited" not in message.subject
    invitee = get_user_model().objects.get(email="amelie@duo.invalid")
    assert UserProfile.objects.get(user=invitee).language == "fr"


def test_the_invitation_form_offers_the_languages_starting_with_the_inviters(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("programmes:team"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    select = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="nl" selected>', select)
    assert {"nl", "fr", "en"} <= set(re.findall(r'<option value="([a-z]+)"', select))


def test_an_invitation_without_a_language_keeps_the_inviters(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        membership_invite(
            world.coordinator,
            email="jan@duo.invalid",
            first_name="Jan",
            last_name="",
            organisation=world.programme.operator,
            role=Role.COACH,
            request_base="http://testserver/",
        )
    [message] = mailoutbox
    assert message.subject == t("nl", "You are invited to Duo")


def test_an_invitation_does_not_override_a_language_the_person_chose(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    set_language(world.coach, "en")
    with django_capture_on_commit_callbacks(execute=True):
        membership_invite(
            world.coordinator,
            email=world.coach.email,
            first_name=world.coach.first_name,
            last_name="",
            organisation=factories.OrganisationFactory(),
            role=Role.COORDINATOR,
            request_base="http://testserver/",
            language="nl",
        )
    assert UserProfile.objects.get(user=world.coach).language == "en"
    [message] = mailoutbox
    assert message.subject == "You are invited to Duo"


def _account(first_name: str, language: str):
    user = factories.UserFactory(first_name=first_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    factories.MembershipFactory(user=user, role=Role.COACH)
    if language:
        set_language(user, language)
    return user


def test_the_password_reset_e_mail_is_translated_and_links_to_site_url(client, db, mailoutbox):
    user = _account("Nadia", "nl")
    response = client.post(
        reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject == f"[{settings.SITE_NAME}] " + t("nl", "Password Reset Email")
    body = message.body
    assert "testserver" not in body
    assert (
        f"{settings.SITE_NAME}!" in body
    )  # "Hallo van Duo!", signed "Bedankt voor het gebruik van Duo!"
    assert "You're receiving this email" not in body
    link = re.search(re.escape(settings.SITE_URL) + r"/accounts/password/reset/key/\S+", body)
    assert link, body
    # The link works on the site.
    landing = client.get(link.group(0).removeprefix(settings.SITE_URL))
    assert landing.status_code == 302
    assert client.get(landing["Location"]).status_code == 200


def test_the_sign_in_code_e_mail_is_in_the_recipients_language(client, db, mailoutbox):
    user = _account("Luc", "fr")
    response = client.post(
        reverse("account_request_login_code"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.subject == f"[{settings.SITE_NAME}] " + t("fr", "Sign-In Code")
    assert t(
        "fr", "Your sign-in code is listed below. Please enter it in your open browser window."
    ) in (message.body)
    assert re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", message.body, re.M)
    assert settings.SITE_URL in message.body
    assert "testserver" not in message.body


def test_allauths_e_mail_follows_the_page_when_the_person_chose_nothing(client, db, mailoutbox):
    user = _account("Eva", "")
    client.post(
        reverse("account_request_login_code"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    [message] = mailoutbox
    assert message.subject.endswith(t("nl", "Sign-In Code"))


# --- formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "long", "short", "number"),
    [
        ("nl", "30 november 2026", "30/11/2026", "1.234.567,5"),
        ("fr", "30 novembre 2026", "30/11/2026", "1\u202f234\u202f567,5"),
        ("en", "30 Nov 2026", "30/11/2026", "1,234,567.5"),
    ],
)
def test_dates_and_numbers_are_written_the_belgian_way(language, long, short, number):
    day = dt.date(2026, 11, 30)
    with translation.override(language):
        assert formats.date_format(day) == long
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == short
        assert formats.number_format(1234567.5, 1, force_grouping=True) == number


def test_typed_english_dates_are_read_day_first(db):
    from django import forms

    class DateForm(forms.Form):
        on = forms.DateField()

    with translation.override("en"):
        form = DateForm({"on": "03/11/2026"})
        assert form.is_valid()
        assert form.cleaned_data["on"] == dt.date(2026, 11, 3)
        assert DateForm({"on": "2026-11-03"}).is_valid()  # what date inputs send


def test_an_english_page_shows_day_month_year(client, world):
    concern = Concern.objects.create(duo=world.duo, raised_by=world.mentor_user, text="Silent")
    when = timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0))
    Concern.objects.filter(pk=concern.pk).update(created_at=when)
    set_language(world.coach, "en")
    client.force_login(world.coach)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Silent" in page
    assert "30/11/2026" in page
    assert "11/30/2026" not in page


def test_a_mentors_invitation_is_in_their_contact_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from duos.services.accounts import mentor_account_invite

    mentor = factories.MentorFactory(
        programme=world.programme, email="marc@duo.invalid", contact_language="fr"
    )
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        mentor_account_invite(world.coordinator, mentor=mentor, request_base="http://testserver/")
    [message] = mailoutbox
    assert message.to == ["marc@duo.invalid"]
    assert message.subject == t("fr", "You are invited to Duo")
