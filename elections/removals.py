"""Removals as they happened, checked against the clearance of that moment.

A removal is recorded whatever it was, since it happened: one that matches the clearance is
accepted as it stands; one that does not (no clearance, a child to travel with the parent left
behind, a child to stay taken) is recorded all the same, with flags that the auditor's dashboard
and the report of parents removed without a documented choice show. What cannot be recorded is
input that cannot be true: a removal in the future, before the election it is checked against, of
a child not recorded for the parent, or the same removal twice.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import clearance as gate
from .constants import Status
from .identifiers import format_a_number, normalize_a_number
from .models import Election, FieldOffice, Parent, Removal, RemovalFlag


@dataclass
class RemovalData:
    a_number: str
    removed_on: date
    office_code: str
    children_removed: list[str] = field(default_factory=list)


class DuplicateRemoval(Exception):
    """The parent's removal on that date is already recorded (HTTP 409)."""

    def __init__(self, removal: Removal):
        self.removal = removal
        self.message = _("The removal of %(a_number)s on %(date)s is already recorded.") % {
            "a_number": removal.parent.a_number_display,
            "date": removal.removed_on.isoformat(),
        }
        super().__init__(str(self.message))


@dataclass
class _Checked:
    parent: Parent
    office: FieldOffice
    children: list
    removed_on: date


def _check(data: RemovalData) -> _Checked:
    """Everything that makes the removal impossible to record, all at once (ValidationError with a
    message per field), or what it is about. ``Parent.DoesNotExist`` for an unknown parent."""
    errors: dict[str, list] = {}
    office = FieldOffice.objects.filter(code=(data.office_code or "").strip().upper()).first()
    if office is None:
        errors["office"] = [
            _("No field office has the code “%(code)s”.") % {"code": data.office_code or ""}
        ]
    a_number = normalize_a_number(data.a_number)  # raises the A-number's own message
    parent = Parent.objects.get(a_number=a_number)
    linked = {
        link.child.a_number: link.child for link in parent.child_links.select_related("child")
    }
    children = []
    for raw in data.children_removed:
        try:
            child_a_number = normalize_a_number(raw)
        except ValidationError as error:
            errors.setdefault("children_removed", []).extend(error.messages)
            continue
        child = linked.get(child_a_number)
        if child is None:
            errors.setdefault("children_removed", []).append(
                _("%(a_number)s is not a child recorded for this parent.")
                % {"a_number": format_a_number(child_a_number)}
            )
        elif child in children:
            errors.setdefault("children_removed", []).append(
                _("%(a_number)s is listed twice.") % {"a_number": format_a_number(child_a_number)}
            )
        else:
            children.append(child)
    tz = office.tz if office is not None else timezone.get_current_timezone()
    if data.removed_on > timezone.localdate(timezone=tz):
        errors.setdefault("removed_on", []).append(_("A removal cannot be dated in the future."))
    latest = (
        Election.objects.filter(parent=parent)
        .exclude(status=Status.VOID)
        .select_related("office")
        .order_by("-created_at")
        .first()
    )
    if latest is not None:
        started = timezone.localdate(latest.created_at, latest.office.tz)
        approved = (
            timezone.localdate(latest.approved_at, latest.office.tz) if latest.approved_at else None
        )
        if data.removed_on < started or (approved is not None and data.removed_on < approved):
            errors.setdefault("removed_on", []).append(
                _(
                    "The removal is dated before election %(reference)s, started on %(started)s, "
                    "that it would be checked against."
                )
                % {"reference": latest.reference, "started": started.isoformat()}
            )
    if errors:
        raise ValidationError(errors)
    return _Checked(parent=parent, office=office, children=children, removed_on=data.removed_on)


def removal_problems(data: RemovalData) -> list[str]:
    """Why this removal could not be recorded, without writing anything: empty when it could."""
    try:
        checked = _check(data)
    except Parent.DoesNotExist:
        return [str(_("No parent with this A-number is recorded."))]
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return [f"{key}: {m}" for key, messages in error.message_dict.items() for m in messages]
        return list(error.messages)
    existing = _recorded(checked)
    return [str(DuplicateRemoval(existing).message)] if existing is not None else []


def _recorded(checked: _Checked) -> Removal | None:
    """The removal of this parent on that date, if it is already recorded."""
    return Removal.objects.filter(parent=checked.parent, removed_on=checked.removed_on).first()


def removal_flags(answer: gate.Clearance, taken: list) -> list[dict]:
    """Where the removal departs from the clearance: one flag each, with the child it concerns."""
    taken_ids = {child.a_number for child in taken}
    flags = []
    if not answer.cleared:
        flags.append(
            {
                "code": RemovalFlag.NOT_CLEARED.value,
                "child": "",
                "detail": "; ".join(answer.reason_texts()),
            }
        )
    for child in answer.children:
        if not child.minor:
            continue
        went = child.a_number in taken_ids
        if child.removal == gate.WITH_PARENT and not went:
            code = RemovalFlag.REUNIFY_LEFT_BEHIND
        elif child.removal == gate.STAYS and went:
            code = RemovalFlag.WAIVE_TAKEN
        elif child.removal == gate.BLOCKED and went:
            code = RemovalFlag.BLOCKED_TAKEN
        else:
            continue
        flags.append(
            {
                "code": code.value,
                "child": child.a_number or "",
                "detail": f"{child.name}: {code.label}",
            }
        )
    return flags


def record_removal(*, data: RemovalData, source: str, token=None) -> Removal:
    """Record a removal and how it compares with the clearance formsvc gives now.

    Raises ``ValidationError`` for input that cannot be true, ``Parent.DoesNotExist`` for an
    unknown parent and ``DuplicateRemoval`` when it is already recorded.
    """
    with transaction.atomic():
        checked = _check(data)
        existing = _recorded(checked)
        if existing is not None:
            raise DuplicateRemoval(existing)
        # Stored in English, the record's own language, whatever the caller's.
        with translation.override("en"):
            answer = gate.parent_clearance(checked.parent)
            snapshot = answer.as_dict()
            flags = removal_flags(answer, checked.children)
        removal = Removal(
            parent=checked.parent,
            removed_on=checked.removed_on,
            office=checked.office,
            election_id=answer.election_id,
            clearance=snapshot,
            cleared=answer.cleared,
            flags=flags,
            source=source,
            token=token,
        )
        try:
            with transaction.atomic():
                removal.save()
        except IntegrityError:
            # Two systems reported it at the same moment: the first one stands.
            raise DuplicateRemoval(_recorded(checked)) from None
        removal.children_removed.set(checked.children)
        return removal
