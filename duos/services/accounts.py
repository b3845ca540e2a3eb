"""Mentor accounts: an invitation to sign in, or access taken away."""

from __future__ import annotations

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duos.models import (
    Mentor,
)
from programmes.services import account_for, deactivate_if_unused, send_invitation


def mentor_account_invite(actor, *, mentor: Mentor, request_base: str) -> Mentor:
    """Give a mentor an account: their e-mail is their login."""
    if not mentor.email:
        raise ValidationError(_("Record the mentor's e-mail address first: it is their login."))
    with transaction.atomic(), set_actor(actor):
        mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
        user, _created = account_for(
            email=mentor.email, first_name=mentor.first_name, last_name=mentor.last_name
        )
        other = Mentor.objects.filter(user=user).exclude(pk=mentor.pk).first()
        if other is not None:
            raise ValidationError(
                _("%(email)s already signs in as a mentor of %(programme)s.")
                % {"email": user.email, "programme": other.programme}
            )
        mentor.user = user
        mentor.save(update_fields=["user", "updated_at"])
        if not user.has_usable_password():
            transaction.on_commit(
                lambda: send_invitation(user=user, inviter=actor, request_base=request_base)
            )
        return mentor


def mentor_account_revoke(actor, *, mentor: Mentor) -> Mentor:
    """The mentor loses their account's access to the programme at once."""
    with transaction.atomic(), set_actor(actor):
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to user.
        mentor = (
            Mentor.objects.select_for_update(of=("self",)).select_related("user").get(pk=mentor.pk)
        )
        user = mentor.user
        if user is None:
            return mentor
        mentor.user = None
        mentor.save(update_fields=["user", "updated_at"])
        deactivate_if_unused(type(user).objects.get(pk=user.pk))  # fresh: no cached profile
        return mentor
