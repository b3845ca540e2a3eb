"""Which models keep a change history (django-auditlog): every one that holds
personal data.

Contact fields are masked in the history, and free text (notes, comments,
reasons), special-category data, uploaded files and secrets (token hashes)
are left out: the trail proves that a change happened, when and who made it,
without becoming a second copy of personal data.

Not registered: ``TrainingSession``, ``MatchingRun`` (no personal data);
``MatchDraft`` (a run's throw-away suggestions, pointers to people only);
``ImportedRow`` (the import's bookkeeping: the changes it leads to are recorded
on the people, duos and outcomes themselves); ``PersonAccess`` (the log of
reads: itself a trail).
"""

from auditlog.registry import auditlog

from duos.models import (
    CheckIn,
    Concern,
    DataImport,
    Duo,
    DuoFeedback,
    FollowUpRequest,
    Meeting,
    Mentee,
    Mentor,
    Outcome,
    PairingExclusion,
    Screening,
    TrainingAttendance,
)

_CONTACT = ["first_name", "last_name", "email", "phone", "birth_date", "postcode"]

auditlog.register(
    Mentee, mask_fields=_CONTACT, exclude_fields=["migration_background", "disability"]
)
auditlog.register(Mentor, mask_fields=_CONTACT)
auditlog.register(Duo)
auditlog.register(Meeting, exclude_fields=["note"])
auditlog.register(Outcome)
auditlog.register(DuoFeedback, exclude_fields=["comment"])
auditlog.register(Concern, exclude_fields=["text", "resolution"])
auditlog.register(CheckIn, exclude_fields=["note"])
auditlog.register(FollowUpRequest, mask_fields=["email"], exclude_fields=["token_hash"])
auditlog.register(Screening, exclude_fields=["notes", "checks"])
auditlog.register(TrainingAttendance)
auditlog.register(PairingExclusion, exclude_fields=["reason"])
auditlog.register(DataImport, exclude_fields=["content"])
