from .audit import AccessAction, AccessLog, AuditFigure, ElectionFigures, ExportJob
from .gate import (
    API_SCOPES,
    ApiToken,
    DiscrepancyResolution,
    RegistryDiscrepancy,
    Removal,
    RemovalFlag,
    RemovalSource,
)
from .legal_help import LegalServiceProvider
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
from .sessions import SignedInSession
from .supervision import ApprovalAttempt

__all__ = [
    "API_SCOPES",
    "ApiToken",
    "DiscrepancyResolution",
    "RegistryDiscrepancy",
    "Removal",
    "RemovalFlag",
    "RemovalSource",
    "AccessAction",
    "AccessLog",
    "AuditFigure",
    "ElectionFigures",
    "ApprovalAttempt",
    "Child",
    "Election",
    "ElectionChild",
    "ExportJob",
    "Facility",
    "FieldOffice",
    "Interpreter",
    "LegalServiceProvider",
    "NoticeVersion",
    "Parent",
    "ParentChild",
    "SealedRecord",
    "Signature",
    "SignedInSession",
    "StaffProfile",
]
