"""The form renderer (settings.FORM_RENDERER): Django's own, reading the
project's copies of a few widget templates first.

Django renders a radio button or checkbox through four nested ``{% include %}``
(the option, the labelled input, the input, its attributes) and a select's
options through two, and every field's label and (even empty) error list
through one more; on a mentor's home (a meeting form per duo) and the lists'
filter forms that was most of the page's time. templates/django/forms/ holds
the same templates with those includes written inline (generated from Django
5.2's, same HTML byte for byte: tests/test_form_renderer.py)."""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property


class FormRenderer(DjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(django.forms.__file__).parent / self.backend.app_dirname,
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
