"""Change history (django-auditlog) of the programme-level models."""

from auditlog.registry import auditlog

from .models import Funding, Membership, Programme

auditlog.register(Programme)
auditlog.register(Funding)
auditlog.register(Membership, m2m_fields={"programmes"})
