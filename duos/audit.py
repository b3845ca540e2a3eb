"""Which models keep a change history (django-auditlog).

Contact fields are masked in the history: the trail proves that a change
happened and who made it without becoming a second copy of personal data.
"""

from auditlog.registry import auditlog

from duos.models import Duo, Meeting, Mentee, Mentor, Outcome

_CONTACT = ["first_name", "last_name", "email", "phone", "birth_date", "postcode"]

auditlog.register(
    Mentee, mask_fields=_CONTACT, exclude_fields=["migration_background", "disability"]
)
auditlog.register(Mentor, mask_fields=_CONTACT)
auditlog.register(Duo)
auditlog.register(Meeting, exclude_fields=["note"])
auditlog.register(Outcome)
