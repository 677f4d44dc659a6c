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
from .sealing import SealedRecord
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
    "SealedRecord",
    "Signature",
    "StaffProfile",
]
