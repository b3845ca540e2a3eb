"""Invitations and revocations of people (memberships and accounts)."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes.models import (
    AccessRecord,
    Membership,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
)
from programmes.services.profile import invitee_language_set, language_for, profile_language

User = get_user_model()

# Which kind of organisation each role belongs to.
ROLE_ORGANISATION_KINDS = {
    Role.COORDINATOR: {OrganisationKind.OPERATOR},
    Role.COACH: {OrganisationKind.OPERATOR},
    Role.FUNDER: {OrganisationKind.FUNDER, OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE},
    Role.EVALUATOR: {OrganisationKind.RESEARCH, OrganisationKind.OPERATOR},
}


def account_for(*, email: str, first_name: str = "", last_name: str = "") -> tuple[User, bool]:
    """The user with this e-mail, made (without a password) if there is none yet.

    A previously revoked account is reactivated: the invitation is its way back in."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def send_invitation(*, user: User, inviter, request_base: str, language: str | None = None) -> None:
    """E-mail a link to set a password (allauth's password-reset-from-key page),
    in ``language``, else the invitee's own (their profile), else the page's."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    language = language or language_for(user, fallback=translation.get_language())
    with translation.override(language):
        context = {
            "user": user,
            "inviter": inviter,
            "link": request_base.rstrip("/") + path,
            "login": request_base.rstrip("/") + reverse("account_login"),
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
        subject = _("You are invited to Duo")
        body = render_to_string("programmes/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def membership_invite(
    actor,
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    programmes: list[Programme] | None = None,
    request_base: str,
    language: str = "",
) -> Membership:
    """``language``: the invited person's, for their screens and e-mails (this
    invitation's included); blank: the inviter's page's language for the e-mail."""
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            {
                "organisation": _("A %(role)s cannot belong to %(organisation)s.")
                % {"role": Role(role).label.lower(), "organisation": organisation}
            }
        )
    if role in (Role.FUNDER, Role.EVALUATOR) and not programmes:
        raise ValidationError({"programmes": _("Grant at least one programme.")})
    with transaction.atomic(), set_actor(actor):
        user, _created = account_for(email=email, first_name=first_name, last_name=last_name)
        if language and not (user.has_usable_password() and profile_language(user)):
            # Chosen by the inviter for someone not in yet (or who never chose).
            invitee_language_set(user=user, language=language)
        live = Membership.objects.filter(
            user=user, organisation=organisation, role=role, revoked_at__isnull=True
        ).first()
        if live is not None and not user.has_usable_password():
            # Invited before and not yet in: a fresh link (the grants are added).
            if programmes and role in (Role.FUNDER, Role.EVALUATOR):
                live.programmes.add(*programmes)
            _invite_on_commit(user=user, inviter=actor, request_base=request_base)
            return live
        if live is not None:
            raise ValidationError(
                {
                    "email": _("%(email)s is already a %(role)s of %(organisation)s.")
                    % {
                        "email": user.email,
                        "role": Role(role).label.lower(),
                        "organisation": organisation,
                    }
                }
            )
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        if programmes and role in (Role.FUNDER, Role.EVALUATOR):
            membership.programmes.set(programmes)
        # Always a fresh link, also for someone coming back after a revocation.
        _invite_on_commit(user=user, inviter=actor, request_base=request_base)
        return membership


def _invite_on_commit(*, user: User, inviter, request_base: str) -> None:
    # The invitee's language (their profile), else the inviter's page's, read now.
    language = language_for(user, fallback=translation.get_language())
    transaction.on_commit(
        lambda: send_invitation(
            user=user, inviter=inviter, request_base=request_base, language=language
        )
    )


def deactivate_if_unused(user: User) -> None:
    """An account with no role left is switched off: its next request is refused.

    A mentor profile (``duos``) still linked to the account counts as a role; it
    is looked up by its reverse accessor so that this app imports nothing above it."""
    if user.is_superuser:
        return
    if Membership.objects.filter(user=user, revoked_at__isnull=True).exists():
        return
    if getattr(user, "mentor_profile", None) is not None:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])


def membership_revoke(
    actor, *, membership: Membership, own_programmes: QuerySet[Programme] | None = None
) -> Membership:
    """Revoke a membership, or only the grants of ``own_programmes``.

    A coordinator manages the grants of their own programmes (DESIGN.md "Who
    sees what"): for a funder or evaluator of another organisation, pass the
    coordinator's programmes and only those grants go; the membership ends
    when no grant is left, and the account is switched off only when the
    person has no access left at all."""
    with transaction.atomic(), set_actor(actor):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if own_programmes is not None and membership.role in (Role.FUNDER, Role.EVALUATOR):
            membership.programmes.remove(*own_programmes.filter(pk__in=membership.programmes.all()))
            if membership.programmes.exists():
                # Unused links die with any change of access (programmes.tokens).
                Membership.objects.filter(pk=membership.pk).update(updated_at=timezone.now())
                return membership
        if membership.revoked_at is None:
            membership.revoked_at = timezone.now()
            membership.save(update_fields=["revoked_at", "updated_at"])
        deactivate_if_unused(membership.user)
        return membership


def access_record(
    actor,
    *,
    what: str,
    programme: Programme | None,
    filters: dict,
    rows: int,
    fmt: str,
    ip: str | None = None,
    user_agent: str = "",
):
    """Leave a trace of an export (our own log: django-auditlog records writes only).

    ``ip`` and ``user_agent``: where from (REMOTE_ADDR as the server set it, the browser)."""
    return AccessRecord.objects.create(
        user=actor if getattr(actor, "pk", None) else None,
        what=what,
        programme=programme,
        filters={
            _printable(k): _printable(v)
            for k, v in filters.items()
            if k not in ("csrfmiddlewaretoken",)
        },
        rows=rows,
        fmt=fmt,
        ip=ip,
        user_agent=_printable(user_agent)[: AccessRecord._meta.get_field("user_agent").max_length],
    )


FILTER_VALUE_LIMIT = 200


def _printable(value) -> str:
    """A filter as typed in an address can hold anything, NUL included, which
    PostgreSQL refuses in text and JSON: keep printable characters, a few hundred."""
    text = "".join(c for c in str(value) if c.isprintable())
    return text[:FILTER_VALUE_LIMIT]
