from .audit import AccessAction, AccessLog, ExportJob
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
    "AccessAction",
    "AccessLog",
    "ApprovalAttempt",
    "Child",
    "Election",
    "ElectionChild",
    "ExportJob",
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
