"""The PeerDesk domain model: SQLAlchemy ORM classes only."""

from peerdesk.models.base import Base, Occurrence
from peerdesk.models.accounts import AuditEvent, Role, Setting, User, UserRole
from peerdesk.models.people import Cohort, PeerStatus, PeerSupporter
from peerdesk.models.workplaces import (
    Briefing,
    BriefingAttendee,
    ContactKind,
    Manager,
    ManagerTenure,
    OnboardingStage,
    Workplace,
    WorkplaceKind,
    WorkplaceStageChange,
)
from peerdesk.models.funding import FunderKind, Grant, GrantCoverage, GrantReport
from peerdesk.models.employment import ContinuationDecision, ContractPeriod, EmploymentForm, Placement, ToldHow
from peerdesk.models.supervision import (
    AttendanceStatus,
    CheckInAttendance,
    CheckInMeeting,
    SessionForm,
    SessionParticipant,
    SupervisionSession,
    SupervisionTopic,
    SupervisorAssignment,
    session_topic,
)
from peerdesk.models.consent import Consent, InformantRole, StaffProfession, Study
from peerdesk.models.alerts import AlertAck
from peerdesk.models.consent import ConsentForm, ReportRun, ReportRunConsent
from peerdesk.models.group_letters import GroupLetter
from peerdesk.models.evaluation import (
    Answer,
    GROUP_KINDS,
    TRANSCRIPT_ORDER,
    EvaluationRound,
    GuideQuestion,
    Instrument,
    InstrumentItem,
    Interview,
    InterviewGuide,
    InterviewKind,
    InterviewParticipant,
    QuestionnaireResponse,
    Quote,
    QuoteStatus,
    ReportSection,
    SectionPlacement,
    RoundStatus,
    RoundWorkplace,
    SurveyLogistics,
    Theme,
    TranscriptStatus,
)
from peerdesk.models.publication import Publication
from peerdesk.models.recruitment import Applicant, ApplicantDecision, ApplicantInterviewer, ApplicantSource
from peerdesk.models.training import Certification, CourseAttendance, CourseDay, CourseTrainer

__all__ = [name for name in dir() if not name.startswith("_")]
