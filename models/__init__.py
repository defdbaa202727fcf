"""Typed SQLAlchemy models; importing this package registers every table on `Base.metadata`."""

from models.access import AuditEntry, Invite, Role, RoleGrant
from models.base import Base, utcnow
from models.broadcast import Broadcast, BroadcastStatus
from models.community import Community, CommunityKind, CommunityMeeting, CommunityMember, MemberStatus
from models.course import CourseForm, CourseRecord, CourseStatus
from models.diagnosis import (
    Activity,
    ActivityForm,
    AreaResult,
    AttemptStatus,
    ContentVersion,
    DiagnosisAnswer,
    DiagnosisAttempt,
)
from models.event import Event, EventFeedback, EventFormat, EventRegistration, EventStatus, RegistrationStatus
from models.fsm import FsmRecord
from models.lesson import LessonStatus, LessonVisit, OpenLesson, VisitStatus
from models.mentoring import CheckIn, MentorPair, PairStatus, PairType, ProposalStatus, RouteComment, StepProposal
from models.objective_check import LessonReviewRequest, ObjectiveCheck, ReviewRequestStatus
from models.organization import Organization, OrgKind
from models.outbox import OutboxMessage, OutboxStatus
from models.practice import Practice, PracticeQuestion, PracticeStatus, PracticeUse
from models.route import Route, RouteStatus, RouteStep, StepStatus
from models.user import Position, User
from models.webhook import ProcessedUpdate

__all__ = [
    "LessonReviewRequest",
    "ObjectiveCheck",
    "ReviewRequestStatus",
    "CourseForm",
    "CourseRecord",
    "CourseStatus",
    "LessonStatus",
    "LessonVisit",
    "OpenLesson",
    "VisitStatus",
    "Practice",
    "PracticeQuestion",
    "PracticeStatus",
    "PracticeUse",
    "ProcessedUpdate",
    "Broadcast",
    "BroadcastStatus",
    "CheckIn",
    "Community",
    "CommunityKind",
    "CommunityMeeting",
    "CommunityMember",
    "MemberStatus",
    "MentorPair",
    "PairStatus",
    "PairType",
    "ProposalStatus",
    "RouteComment",
    "StepProposal",
    "Activity",
    "ActivityForm",
    "AreaResult",
    "AttemptStatus",
    "ContentVersion",
    "DiagnosisAnswer",
    "DiagnosisAttempt",
    "Route",
    "RouteStatus",
    "RouteStep",
    "StepStatus",
    "AuditEntry",
    "Base",
    "Event",
    "EventFeedback",
    "EventFormat",
    "EventRegistration",
    "EventStatus",
    "FsmRecord",
    "Invite",
    "OrgKind",
    "Organization",
    "OutboxMessage",
    "OutboxStatus",
    "Position",
    "RegistrationStatus",
    "Role",
    "RoleGrant",
    "User",
    "utcnow",
]
