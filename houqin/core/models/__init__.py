from .approvals import (
    ApprovalDecision,
    ApprovalLevel,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    Decision,
    DocumentDuty,
    Duty,
)
from .attachments import Attachment
from .base import SchoolOwned, SchoolScopedQuerySet
from .changelog import ChangeAction, ChangeLogEntry
from .notifications import Notification
from .numbering import DocumentSequence
from .org import Department, School, SchoolKind
from .places import Building, Campus, Room, RoomKind
from .rules import RuleOverride
from .semesters import Semester, Term
from .users import Membership, Role, RolePermissionOverride, User

__all__ = [
    "ApprovalDecision",
    "ApprovalLevel",
    "ApprovalPolicy",
    "ApprovalRequest",
    "ApprovalStatus",
    "ApprovalStep",
    "Attachment",
    "Building",
    "Campus",
    "ChangeAction",
    "ChangeLogEntry",
    "Decision",
    "Department",
    "DocumentDuty",
    "DocumentSequence",
    "Duty",
    "Membership",
    "Notification",
    "Role",
    "RolePermissionOverride",
    "Room",
    "RoomKind",
    "RuleOverride",
    "School",
    "SchoolKind",
    "SchoolOwned",
    "SchoolScopedQuerySet",
    "Semester",
    "Term",
    "User",
]
