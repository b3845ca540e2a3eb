"""Dutch, French and English ship together; the switcher changes the language."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Aanmelden"), ("fr", "Se connecter"), ("en", "Sign in")],
)
def test_the_landing_page_in_each_language(client, db, language, text):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()


def test_language_switcher(client, db):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert "Se connecter" in client.get("/").content.decode()


def test_every_message_is_translated():
    import polib
    from django.conf import settings

    for language in ("nl", "fr", "en"):
        po = polib.pofile(str(settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"))
        assert po.percent_translated() == 100, language
        assert not [e for e in po if "fuzzy" in e.flags], language
