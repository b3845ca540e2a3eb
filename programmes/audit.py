"""Change history (django-auditlog) of the programme-level models and the
accounts. Names and e-mail addresses are masked; passwords (their hashes) and
sign-in times are left out."""

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model

from .models import Funding, MatchingWeights, Membership, Organisation, Programme, RulesVersion

auditlog.register(Programme)
auditlog.register(Funding)
auditlog.register(Organisation)
auditlog.register(RulesVersion)
auditlog.register(MatchingWeights)
auditlog.register(Membership, m2m_fields={"programmes"})
auditlog.register(
    get_user_model(),
    mask_fields=["username", "email", "first_name", "last_name"],
    exclude_fields=["password", "last_login"],
)
