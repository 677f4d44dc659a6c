from .records import (
    Child,
    Election,
    ElectionChild,
    Facility,
    FieldOffice,
    Interpreter,
    NoticeVersion,
    Parent,
    ParentChild,
    Signature,
    StaffProfile,
)
from .supervision import ApprovalAttempt

__all__ = [
    "ApprovalAttempt",
    "Child",
    "Election",
    "ElectionChild",
    "Facility",
    "FieldOffice",
    "Interpreter",
    "NoticeVersion",
    "Parent",
    "ParentChild",
    "Signature",
    "StaffProfile",
]
