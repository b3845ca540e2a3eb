"""How many demo people each programme gets, and what they look like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duos.demo.structure import DUO_FOR_A_JOB, MENTORING_NAAR_WERK, TEAM4JOB
from duos.models import MeetingMode, OutcomeStatus
from programmes.models import EducationLevel

Weighted = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Profile:
    slug: str
    prefix: str  # of the participants' references
    mentees: int
    mentors: int
    region: str  # vocab key: "brussels" | "flanders"
    mentee_origins: str  # vocab.MENTEE_ORIGINS key
    language: str  # the region's language
    mentee_ages: tuple[int, int]  # at entry
    mentor_ages: tuple[int, int]  # at entry
    mentee_education: Weighted
    jobseeker_prefix: str
    meeting_modes: Weighted
    follow_up: Weighted  # at follow-up, for those not already in work at exit
    history_years: int = 3  # past calendar years with cohorts
    demo_mentor: bool = False  # mentor@example.org mentors here
    coach_account: str | None = None  # the demo coach follows duos here
    recorder_account: str | None = None  # who records the outcomes

    def history_start(self, *, today: dt.date, programme_start: dt.date) -> dt.date:
        return max(dt.date(today.year - self.history_years, 1, 1), programme_start)


_ALL_LEVELS = (
    (EducationLevel.ISCED_0_2, 25),
    (EducationLevel.ISCED_3_4, 40),
    (EducationLevel.ISCED_5_8, 35),
)
_S = OutcomeStatus

PROFILES = (
    Profile(
        slug=DUO_FOR_A_JOB,
        prefix="DFJ",
        mentees=70,
        mentors=45,
        region="brussels",
        mentee_origins="brussels",
        language="fr",
        mentee_ages=(18, 29),
        mentor_ages=(51, 70),  # "over 50"
        mentee_education=_ALL_LEVELS,
        jobseeker_prefix="ACT",
        demo_mentor=True,
        coach_account="coach",
        recorder_account="coordinator",
        meeting_modes=(
            (MeetingMode.IN_PERSON, 50),
            (MeetingMode.VIDEO, 18),
            (MeetingMode.PHONE, 17),
            (MeetingMode.WORKPLACE, 15),
        ),
        # Published, 12 months after the start: 55 % employed, 19 % training or
        # internship, 1 in 4 still searching. Most who work at exit still do (activity).
        follow_up=(
            (_S.EMPLOYED, 34),
            (_S.SELF_EMPLOYED, 3),
            (_S.TRAINING, 12),
            (_S.STUDIES, 4),
            (_S.INTERNSHIP, 10),
            (_S.STILL_SEARCHING, 33),
            (_S.INACTIVE, 2),
            (_S.UNKNOWN, 4),
        ),
    ),
    Profile(
        slug=TEAM4JOB,
        prefix="T4J",
        mentees=50,
        mentors=32,
        region="brussels",
        mentee_origins="brussels_open",
        language="fr",
        mentee_ages=(19, 58),  # no age condition
        mentor_ages=(30, 62),  # professionals in work
        mentee_education=_ALL_LEVELS,
        jobseeker_prefix="ACT",
        meeting_modes=(
            (MeetingMode.WORKPLACE, 75),
            (MeetingMode.VIDEO, 10),
            (MeetingMode.PHONE, 10),
            (MeetingMode.IN_PERSON, 5),
        ),
        follow_up=(
            (_S.EMPLOYED, 27),
            (_S.SELF_EMPLOYED, 5),
            (_S.TRAINING, 12),
            (_S.STUDIES, 4),
            (_S.INTERNSHIP, 10),
            (_S.STILL_SEARCHING, 35),
            (_S.INACTIVE, 2),
            (_S.UNKNOWN, 5),
        ),
    ),
    Profile(
        slug=MENTORING_NAAR_WERK,
        prefix="MNW",
        mentees=45,
        mentors=28,
        region="flanders",
        mentee_origins="flanders",
        language="nl",
        mentee_ages=(19, 52),
        mentor_ages=(35, 70),
        # The project's target group: at most secondary education.
        mentee_education=((EducationLevel.ISCED_0_2, 45), (EducationLevel.ISCED_3_4, 55)),
        jobseeker_prefix="VDAB",
        meeting_modes=(
            (MeetingMode.IN_PERSON, 65),
            (MeetingMode.PHONE, 15),
            (MeetingMode.VIDEO, 10),
            (MeetingMode.WORKPLACE, 10),
        ),
        follow_up=(
            (_S.EMPLOYED, 25),
            (_S.SELF_EMPLOYED, 2),
            (_S.TRAINING, 16),
            (_S.STUDIES, 4),
            (_S.INTERNSHIP, 10),
            (_S.STILL_SEARCHING, 36),
            (_S.INACTIVE, 3),
            (_S.UNKNOWN, 4),
        ),
    ),
)
