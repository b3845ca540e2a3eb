"""The six demo accounts: one per role, each with a verified primary e-mail."""

from __future__ import annotations

from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from duos.demo.structure import DUO_FOR_A_JOB, TEAM4JOB
from duos.demo.sync import Tally, upsert
from programmes.models import Membership, Organisation, Programme, Role

User = get_user_model()


class Account(NamedTuple):
    key: str
    email: str
    first_name: str
    last_name: str
    role: str  # as shown in the summary
    organisation: str | None  # organisation slug of the membership
    grants: tuple[str, ...] = ()  # programme slugs (funders, evaluators)


ACCOUNTS = (
    Account(
        "coordinator",
        "coordinator@example.org",
        "Claire",
        "Vandenberghe",
        Role.COORDINATOR,
        "duo-for-a-job-asbl",
    ),
    Account("coach", "coach@example.org", "Karim", "Haddouchi", Role.COACH, "duo-for-a-job-asbl"),
    Account("mentor", "mentor@example.org", "Marc", "Dubois", "mentor", None),
    Account(
        "funder",
        "funder@example.org",
        "Sofie",
        "Claes",
        Role.FUNDER,
        "actiris",
        (DUO_FOR_A_JOB, TEAM4JOB),
    ),
    Account(
        "evaluator",
        "evaluator@example.org",
        "Pieter",
        "Wouters",
        Role.EVALUATOR,
        "hiva-ku-leuven",
        (DUO_FOR_A_JOB,),
    ),
    Account("admin", "admin@example.org", "Sam", "Janssens", "admin", None),
)


def _user(tally: Tally, account: Account, *, password: str):
    admin = account.key == "admin"
    user = upsert(
        User,
        tally,
        key={"username": account.email},
        values={
            "email": account.email,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "is_active": True,
            "is_staff": admin,
            "is_superuser": admin,
        },
    )
    # Checked first so that an unchanged password keeps its hash (and salt).
    if not user.check_password(password):
        if user.password:  # a new user is counted as created already
            tally.add(User, "updated")
        user.set_password(password)
        user.save(update_fields=["password"])
    upsert(
        EmailAddress,
        tally,
        key={"user": user, "email": account.email},
        values={"verified": True, "primary": True},
    )
    return user


def _membership(
    tally: Tally, user, *, organisation: Organisation, role: str, grants: list[Programme]
) -> Membership:
    membership = upsert(
        Membership,
        tally,
        key={"user": user, "organisation": organisation, "role": role, "revoked_at": None},
        values={},
    )
    granted = set(membership.programmes.values_list("pk", flat=True))
    if granted != {p.pk for p in grants}:
        membership.programmes.set(grants)
        if granted:  # a new membership is counted as created already
            tally.add(Membership, "updated")
    return membership


def seed_accounts(
    tally: Tally,
    *,
    password: str,
    organisations: dict[str, Organisation],
    programmes: dict[str, Programme],
) -> dict[str, object]:
    """Account key ("coordinator", "coach", ...) → user."""
    users = {}
    for account in ACCOUNTS:
        users[account.key] = user = _user(tally, account, password=password)
        if account.organisation:
            _membership(
                tally,
                user,
                organisation=organisations[account.organisation],
                role=account.role,
                grants=[programmes[slug] for slug in account.grants],
            )
    return users
