"""What the programmes views share (a view module never imports another)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form


def add_errors(form: Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where it names one
    of the form's, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
