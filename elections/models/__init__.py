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

__all__ = [
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
