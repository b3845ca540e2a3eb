"""Participants, duos, meetings and outcomes (DESIGN.md "Apps and models").

One module per concern; every model and code list is re-exported here, so
``duos.models.Duo`` keeps working.
"""

from duos.models.choices import (  # noqa: F401
    AgeBand,
    AvailableSlot,
    CheckInKind,
    ContactLanguage,
    ContractType,
    DuoStatus,
    EmploymentStatus,
    EndReason,
    Gender,
    ImportKind,
    MeetingMode,
    MeetingTopic,
    Origin,
    OutcomePoint,
    OutcomeSource,
    OutcomeStatus,
    PipelineStatus,
    ReferralSource,
    Respondent,
    Risk,
    RunStatus,
    contract_problem,
)
from duos.models.duos import CheckIn, Concern, Duo, DuoFeedback, FollowUpRequest, Meeting, Outcome  # noqa: F401
from duos.models.imports import DataImport, ImportedRow  # noqa: F401
from duos.models.matching import MatchDraft, MatchingRun, MatchRejection  # noqa: F401
from duos.models.participants import (  # noqa: F401
    Mentee,
    Mentor,
    PairingExclusion,
    Participant,
    Screening,
    TrainingAttendance,
    TrainingSession,
)
from duos.models.trail import AccessKind, PersonAccess  # noqa: F401
