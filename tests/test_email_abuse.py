"""No message goes to an address with no account or application behind it,
and none carries text the requester chose (issue 13, item 6)."""

from django.urls import reverse

from tests.duos.test_intake_views import _mentee_post


def test_password_reset_for_an_unknown_address_sends_nothing(client, db, mailoutbox):
    response = client.post(
        reverse("account_reset_password"), {"email": "stranger@duo.invalid"}, follow=True
    )
    assert response.status_code == 200
    assert mailoutbox == []


def test_sign_in_code_for_an_unknown_address_sends_nothing(client, db, mailoutbox):
    response = client.post(
        reverse("account_request_login_code"), {"email": "stranger@duo.invalid"}, follow=True
    )
    assert response.status_code == 200
    assert mailoutbox == []


def test_a_known_account_still_gets_its_reset_link(client, world, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": world.coordinator.email})
    assert [m.to for m in mailoutbox] == [[world.coordinator.email]]


def test_the_application_confirmation_carries_nothing_the_sender_typed(
    client, programme, mailoutbox, django_capture_on_commit_callbacks
):
    """Anyone can type someone else's address into the public form: the e-mail
    must not become a way to send them words of one's choosing."""
    chosen = "Visit evil.example now"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("duos:apply", args=[programme.slug, "mentee"]),
            _mentee_post(first_name=chosen, last_name=chosen, motivation=chosen),
        )
    [message] = mailoutbox
    assert chosen not in message.body and chosen not in message.subject
    assert programme.name in message.subject
