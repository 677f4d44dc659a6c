"""Family-unit intake: the case system registers a parent and children before the officer starts.

``register_family_unit`` records the parent, the children and how each is related to the parent,
so the officer's flow starts from the A-number with everything filled in. It is idempotent on the
A-numbers: the same family reported twice changes nothing. A report that contradicts what formsvc
already holds (another date of birth, another name) never overwrites it: it is kept as a
``RegistryDiscrepancy`` that an officer resolves on the tablet (``open_discrepancies``,
``discrepancy_resolve``); only a value the record lacks (the home-country contact, a child's
A-number) is filled in. An approved election reads what it showed from its sealed snapshot and,
for verification, from the history as it stood at sealing, so nothing it shows changes.

Bad input raises ``ValidationError`` whose ``message_dict`` is keyed by the payload's paths
(``parent.date_of_birth``, ``children[1].a_number``, ``office``); nothing is written then.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .constants import (
    EDITABLE_STATUSES,
    ChildLocationKind,
    Relationship,
    RelationshipEvidence,
    Status,
)
from .identifiers import format_a_number, normalize_a_number
from .languages import ALL_COUNTRY_CODES, ALL_LANGUAGE_CODES
from .models import (
    Child,
    DiscrepancyResolution,
    Election,
    FieldOffice,
    Parent,
    ParentChild,
    RegistryDiscrepancy,
)
from .names import clean_person_name, clean_printed_text, name_key, normalize_text
from .selectors import EDITOR_ROLES, staff_profile_for
from .services import PRINTED_FIELDS, _reset_notice_delivery, staff_printed_name

#: The longest home-country contact kept (it must fit a discrepancy's reported value).
CONTACT_MAX_LENGTH = 300


@dataclass
class ChildUnitData:
    a_number: str  # required for a registered child (idempotency key), any typed shape
    full_name: str
    date_of_birth: date
    location_kind: str  # constants.ChildLocationKind value
    location_name: str
    relationship: str  # constants.Relationship value
    evidence: str  # constants.RelationshipEvidence value
    evidence_note: str = ""


@dataclass
class FamilyUnitData:
    a_number: str
    full_name: str
    date_of_birth: date
    country_of_citizenship: str  # ISO 3166 alpha-2, as languages.ALL_COUNTRY_CODES
    primary_language: str  # as languages.ALL_LANGUAGE_CODES
    children: list[ChildUnitData]
    home_country_contact: str = ""
    office_code: str | None = None  # FieldOffice.code the family is registered with


@dataclass
class IntakeResult:
    parent: Parent
    created: bool
    #: Each reported child, in the order reported, and whether it was created now.
    children: list[tuple[Child, bool]] = field(default_factory=list)
    #: The open discrepancies this report stands behind: raised now, or already open.
    discrepancies: list[RegistryDiscrepancy] = field(default_factory=list)
    #: Those of ``discrepancies`` raised by this report.
    new_discrepancies: list[RegistryDiscrepancy] = field(default_factory=list)
    #: Values the record lacked and this report filled in: (child A-number or None, field).
    filled: list[tuple[str | None, str]] = field(default_factory=list)
    #: Children linked to the parent by this report (new or already recorded elsewhere).
    linked: list[Child] = field(default_factory=list)

    @property
    def updated(self) -> bool:
        """A recorded parent's family gained something: a child, a link, a missing value."""
        return bool(any(created for _child, created in self.children) or self.filled or self.linked)

    @property
    def changed(self) -> bool:
        """This report wrote anything at all, a new discrepancy included."""
        return bool(self.created or self.updated or self.new_discrepancies)

    def as_dict(self) -> dict:
        return {
            "parent": {
                "a_number": self.parent.a_number,
                "name": self.parent.full_name,
                "created": self.created,
            },
            "children": [
                {"a_number": child.a_number, "name": child.full_name, "created": created}
                for child, created in self.children
            ],
            "discrepancies": [
                {
                    "child": d.child.a_number if d.child_id else None,
                    "field": d.field,
                    "recorded": d.recorded_value,
                    "reported": d.reported_value,
                }
                for d in self.discrepancies
            ],
        }


# --- Validation ------------------------------------------------------------------------------


@dataclass
class _CleanChild:
    a_number: str
    full_name: str
    date_of_birth: date
    location_kind: str
    location_name: str
    relationship: str
    evidence: str
    evidence_note: str


@dataclass
class _CleanFamily:
    a_number: str
    full_name: str
    date_of_birth: date
    country_of_citizenship: str
    primary_language: str
    home_country_contact: str
    office: FieldOffice | None
    children: list[_CleanChild]


class _Errors:
    def __init__(self):
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message) -> None:
        self.by_path.setdefault(path, []).append(str(message))

    def run(self, path: str, clean, *args, **kwargs):
        """``clean(*args, **kwargs)``, or None with its messages noted under ``path``."""
        try:
            return clean(*args, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                self.add(path, message)
            return None


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError(
            _("Enter the date as YYYY-MM-DD, for example 2015-03-27."), code="date_format"
        ) from None


def _past_date(value, *, today: date) -> date:
    born = _as_date(value)
    if born > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="dob_future")
    return born


def _choice(value, choices, *, message: str) -> str:
    code = str(value or "").strip()
    if code not in choices.values:
        raise ValidationError(
            message % {"value": code, "allowed": ", ".join(choices.values)}, code="invalid_choice"
        )
    return code


def _country(value) -> str:
    code = str(value or "").strip().upper()
    if code not in ALL_COUNTRY_CODES:
        raise ValidationError(
            _("“%(value)s” is not a country code: use the two letters of ISO 3166, such as GT.")
            % {"value": str(value or "")},
            code="unknown_country",
        )
    return code


def _language(value) -> str:
    code = str(value or "").strip().lower()
    if code not in ALL_LANGUAGE_CODES:
        raise ValidationError(
            _("“%(value)s” is not a language formsvc offers: use its ISO 639 code, such as es.")
            % {"value": str(value or "")},
            code="unknown_language",
        )
    return code


def _optional(value, *, max_length: int, multiline: bool = False) -> str:
    text = normalize_text(value, multiline=multiline)
    if len(text) > max_length:
        raise ValidationError(
            _("This text is %(length)d characters long; at most %(max)d are kept.")
            % {"length": len(text), "max": max_length},
            code="max_length",
        )
    return text


def _office(code) -> FieldOffice | None:
    if code is None or not str(code).strip():
        return None
    office = FieldOffice.objects.filter(code=str(code).strip().upper()).first()
    if office is None:
        office = FieldOffice.objects.filter(code=str(code).strip()).first()
    if office is None:
        raise ValidationError(
            _("“%(value)s” is not the code of a field office.") % {"value": str(code)},
            code="unknown_office",
        )
    return office


def _clean(data: FamilyUnitData, *, token=None) -> _CleanFamily:
    errors = _Errors()
    office = errors.run("office", _office, data.office_code)
    limit = getattr(token, "office", None)
    if limit is not None:
        # A token limited to a field office registers families with that office only.
        if office is None and not errors.by_path:
            office = limit
        elif office is not None and office.pk != limit.pk:
            errors.add(
                "office",
                _("This token registers families with %(office)s only.") % {"office": limit.code},
            )
    tz = office.tz if office is not None else None
    today = timezone.localdate(timezone=tz) if tz else timezone.localdate()
    parent_a = errors.run("parent.a_number", normalize_a_number, data.a_number)
    family = _CleanFamily(
        a_number=parent_a,
        full_name=errors.run(
            "parent.name",
            clean_person_name,
            data.full_name,
            field=PRINTED_FIELDS["parent_name"],
            max_length=200,
        ),
        date_of_birth=errors.run(
            "parent.date_of_birth", _past_date, data.date_of_birth, today=today
        ),
        country_of_citizenship=errors.run("parent.country", _country, data.country_of_citizenship),
        primary_language=errors.run("parent.primary_language", _language, data.primary_language),
        home_country_contact=errors.run(
            "parent.home_country_contact",
            _optional,
            data.home_country_contact,
            max_length=CONTACT_MAX_LENGTH,
            multiline=True,
        ),
        office=office,
        children=[],
    )
    if not data.children:
        errors.add("children", _("A family unit lists at least one child."))
    seen: dict[str, int] = {}
    for index, raw in enumerate(data.children or []):
        path = f"children[{index}]"
        a_number = errors.run(f"{path}.a_number", normalize_a_number, raw.a_number)
        if a_number is not None:
            if a_number == parent_a:
                errors.add(
                    f"{path}.a_number",
                    _("%(a_number)s is the parent's own A-number, not a child's.")
                    % {"a_number": format_a_number(a_number)},
                )
            elif a_number in seen:
                errors.add(
                    f"{path}.a_number",
                    _("%(a_number)s is listed twice: it is already child %(position)d.")
                    % {"a_number": format_a_number(a_number), "position": seen[a_number] + 1},
                )
            else:
                seen[a_number] = index
        born = errors.run(f"{path}.date_of_birth", _past_date, raw.date_of_birth, today=today)
        if born is not None and rules.age_on(born, today) >= 18:
            errors.add(
                f"{path}.date_of_birth",
                _("This child is 18 or older; the election covers minor children only."),
            )
        family.children.append(
            _CleanChild(
                a_number=a_number,
                full_name=errors.run(
                    f"{path}.name",
                    clean_person_name,
                    raw.full_name,
                    field=PRINTED_FIELDS["child_name"],
                    max_length=200,
                ),
                date_of_birth=born,
                location_kind=errors.run(
                    f"{path}.location_kind",
                    _choice,
                    raw.location_kind,
                    ChildLocationKind,
                    message=_("“%(value)s” is not a kind of placement: use one of %(allowed)s."),
                ),
                location_name=errors.run(
                    f"{path}.location_name",
                    clean_printed_text,
                    raw.location_name,
                    field=PRINTED_FIELDS["location_name"],
                    max_length=200,
                ),
                relationship=errors.run(
                    f"{path}.relationship",
                    _choice,
                    raw.relationship,
                    Relationship,
                    message=_("“%(value)s” is not a relationship: use one of %(allowed)s."),
                ),
                evidence=errors.run(
                    f"{path}.evidence",
                    _choice,
                    raw.evidence,
                    RelationshipEvidence,
                    message=_(
                        "“%(value)s” is not a way of verifying the relationship: use one of "
                        "%(allowed)s."
                    ),
                ),
                evidence_note=errors.run(
                    f"{path}.evidence_note", _optional, raw.evidence_note, max_length=300
                ),
            )
        )
    if errors.by_path:
        raise ValidationError(errors.by_path)
    return family


def family_unit_problems(data: FamilyUnitData, *, token=None) -> dict[str, list[str]]:
    """What ``register_family_unit`` would refuse in ``data``, by payload path; writes nothing."""
    try:
        _clean(data, token=token)
    except ValidationError as error:
        return error.message_dict
    return {}


# --- Writing ---------------------------------------------------------------------------------


def _save(instance, *, user, reason: str, fields: list[str] | None = None) -> None:
    """Save with its history entry: the reason, under the service account (None for a command
    run on the server)."""
    instance._change_reason = reason
    instance._history_user = user
    try:
        instance.save(update_fields=fields) if fields else instance.save()
    finally:
        del instance._change_reason
        del instance._history_user


def _shown(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


class _Writer:
    def __init__(self, *, parent: Parent, token, result: IntakeResult):
        self.parent = parent
        self.token = token
        self.user = token.user if token is not None else None
        self.result = result

    def contradiction(self, *, child: Child | None, name: str, recorded, reported) -> None:
        recorded, reported = _shown(recorded), _shown(reported)
        if child is None:
            target = Q(parent=self.parent, child=None)
        elif name in dict(LINK_FACTS):
            target = Q(parent=self.parent, child=child)  # this parent's link to the child
        else:
            target = Q(child=child)  # the child's own facts, whichever parent reported them
        same = RegistryDiscrepancy.objects.filter(target, field=name, reported_value=reported)
        existing = same.filter(resolved_at__isnull=True).first()
        if (
            existing is None
            and same.filter(resolution=DiscrepancyResolution.KEPT, recorded_value=recorded).exists()
        ):
            # An officer already decided formsvc's value is right; the same report again
            # asks nothing new.
            return
        if existing is None:
            discrepancy = RegistryDiscrepancy(
                parent=self.parent,
                child=child,
                field=name,
                recorded_value=recorded,
                reported_value=reported,
                token=self.token,
            )
            try:
                with transaction.atomic():
                    _save(discrepancy, user=self.user, reason="reported by the case system")
            except IntegrityError:
                # Raised at the same moment by another report of the same fact (or, for a
                # link, already open through the child's other parent).
                unique = Q(child=child) if child is not None else Q(parent=self.parent, child=None)
                existing = RegistryDiscrepancy.objects.get(
                    unique, field=name, reported_value=reported, resolved_at__isnull=True
                )
            else:
                self.result.new_discrepancies.append(discrepancy)
                existing = discrepancy
        self.result.discrepancies.append(existing)

    def compare(self, instance, *, child: Child | None, name: str, reported, key=None) -> bool:
        """Note a contradiction of ``instance.name``; True when the record lacks the value and
        it should be filled in."""
        recorded = getattr(instance, name)
        if recorded in (None, ""):
            return reported not in (None, "")
        if reported in (None, ""):
            return False
        key = key or (lambda v: v)
        if key(recorded) != key(reported):
            self.contradiction(child=child, name=name, recorded=recorded, reported=reported)
        return False


def _new_parent(family: _CleanFamily, *, user) -> Parent:
    parent = Parent(
        a_number=family.a_number,
        full_name=family.full_name,
        date_of_birth=family.date_of_birth,
        country_of_citizenship=family.country_of_citizenship,
        primary_language=family.primary_language,
        home_country_contact=family.home_country_contact,
        registered_at=timezone.now(),
        registered_office=family.office,
    )
    _save(parent, user=user, reason="parent registered by the case system")
    return parent


def _known_parent(writer: _Writer, family: _CleanFamily) -> None:
    parent = writer.parent
    fill: list[str] = []
    for name, key in (
        ("full_name", name_key),
        ("date_of_birth", None),
        ("country_of_citizenship", None),
        ("primary_language", None),
        ("home_country_contact", None),
    ):
        if writer.compare(parent, child=None, name=name, reported=getattr(family, name), key=key):
            fill.append(name)
    if parent.registered_at is None:
        parent.registered_at = timezone.now()
        parent.registered_office = family.office
        fill += ["registered_at", "registered_office"]
    if fill:
        for name in fill:
            if name not in ("registered_at", "registered_office"):
                setattr(parent, name, getattr(family, name))
                writer.result.filled.append((None, name))
        _save(parent, user=writer.user, reason="parent details filled in by the case system")


def _find_child(parent: Parent, data: _CleanChild) -> Child | None:
    """The recorded child the report is about: the one with its A-number, else this parent's
    child with the same name and date of birth (typed in without an A-number, or with another
    one: the same person either way, never a second record of them)."""
    child = Child.objects.select_for_update().filter(a_number=data.a_number).first()
    if child is not None:
        return child
    same_person = (name_key(data.full_name), data.date_of_birth)
    for link in parent.child_links.select_related("child").order_by("child__a_number"):
        if (name_key(link.child.full_name), link.child.date_of_birth) == same_person:
            return Child.objects.select_for_update().get(pk=link.child_id)
    return None


CHILD_FACTS = (
    ("full_name", name_key),
    ("date_of_birth", None),
    ("location_kind", None),
    ("location_name", name_key),
)
LINK_FACTS = (("relationship", None), ("evidence", None), ("evidence_note", None))


def _register_child(writer: _Writer, data: _CleanChild) -> None:
    parent, user = writer.parent, writer.user
    child = _find_child(parent, data)
    created = child is None
    if created:
        child = Child(
            a_number=data.a_number,
            full_name=data.full_name,
            date_of_birth=data.date_of_birth,
            location_kind=data.location_kind,
            location_name=data.location_name,
        )
        _save(child, user=user, reason="child registered by the case system")
    else:
        for name, key in CHILD_FACTS:
            writer.compare(child, child=child, name=name, reported=getattr(data, name), key=key)
        if writer.compare(child, child=child, name="a_number", reported=data.a_number):
            child.a_number = data.a_number
            _save(child, user=user, reason="child's A-number filled in by the case system")
            writer.result.filled.append((data.a_number, "a_number"))
    writer.result.children.append((child, created))
    link = ParentChild.objects.select_for_update().filter(parent=parent, child=child).first()
    if link is None:
        link = ParentChild(
            parent=parent,
            child=child,
            relationship=data.relationship,
            evidence=data.evidence,
            evidence_note=data.evidence_note,
        )
        _save(link, user=user, reason="relationship registered by the case system")
        if not created:
            writer.result.linked.append(child)
        return
    fill = [
        name
        for name, key in LINK_FACTS
        if writer.compare(link, child=child, name=name, reported=getattr(data, name), key=key)
    ]
    if fill:
        for name in fill:
            setattr(link, name, getattr(data, name))
            writer.result.filled.append((child.a_number, name))
        _save(link, user=user, reason="relationship details filled in by the case system")


def _register(family: _CleanFamily, *, token) -> IntakeResult:
    user = token.user if token is not None else None
    parent = Parent.objects.select_for_update().filter(a_number=family.a_number).first()
    created = parent is None
    if created:
        parent = _new_parent(family, user=user)
    result = IntakeResult(parent=parent, created=created)
    writer = _Writer(parent=parent, token=token, result=result)
    if not created:
        _known_parent(writer, family)
    for child in family.children:
        _register_child(writer, child)
    return result


def register_family_unit(*, data: FamilyUnitData, token=None, source: str = "api") -> IntakeResult:
    """Record the family the case system reports; see the module's docstring.

    ``token`` is the API token that reported it (its service account is the history's user), or
    None for ``manage.py import_family_units`` (``source="import"``).
    """
    family = _clean(data, token=token)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _register(family, token=token)
        except IntegrityError:
            # Another report created the same parent or child at the same moment: once more,
            # now finding it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- The officer's side ----------------------------------------------------------------------


def open_discrepancies(parent: Parent) -> list[RegistryDiscrepancy]:
    """The open discrepancies an election for this parent must settle, oldest first: the
    parent's own facts and each linked child's (``rules.discrepancies_about``)."""
    children = list(parent.child_links.values_list("child_id", flat=True))
    rows = (
        RegistryDiscrepancy.objects.filter(resolved_at__isnull=True)
        .filter(Q(parent=parent, child__isnull=True) | Q(child_id__in=children))
        .select_related("parent", "child")
    )
    return rules.discrepancies_about(parent, rows)


#: The recorded facts a discrepancy can name, by the row that holds them.
PARENT_FACT_NAMES = frozenset(
    {
        "full_name",
        "date_of_birth",
        "country_of_citizenship",
        "primary_language",
        "home_country_contact",
    }
)
CHILD_FACT_NAMES = frozenset(
    {"full_name", "date_of_birth", "location_kind", "location_name", "a_number"}
)
#: Facts that are not part of what the parent is told: changing them keeps the notice delivery.
FACTS_NOT_SHOWN = frozenset({"home_country_contact"})
_FACT_CHOICES = {
    "country_of_citizenship": ALL_COUNTRY_CODES,
    "primary_language": ALL_LANGUAGE_CODES,
    "location_kind": frozenset(ChildLocationKind.values),
    "relationship": frozenset(Relationship.values),
    "evidence": frozenset(RelationshipEvidence.values),
}


def _unusable(discrepancy) -> ValidationError:
    return ValidationError(
        _(
            "What the case system reports (%(value)s) cannot be recorded as it is: keep what is "
            "recorded, or correct it on this step."
        )
        % {"value": discrepancy.reported_value},
        code="reported_unusable",
    )


def _reported_value(discrepancy: RegistryDiscrepancy):
    """The reported value as the recorded row would hold it, checked as if the officer typed it."""
    name, raw = discrepancy.field, discrepancy.reported_value
    if name == "date_of_birth":
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise _unusable(discrepancy) from None
        if value > timezone.localdate():
            raise _unusable(discrepancy)
        return value
    if name == "full_name":
        label = PRINTED_FIELDS["child_name" if discrepancy.child_id else "parent_name"]
        return clean_person_name(raw, field=label, max_length=200)
    if name == "location_name":
        return clean_printed_text(raw, field=PRINTED_FIELDS["location_name"], max_length=200)
    if name in _FACT_CHOICES:
        if raw not in _FACT_CHOICES[name]:
            raise _unusable(discrepancy)
        return raw
    if name == "a_number":
        try:
            return normalize_a_number(raw)
        except ValidationError:
            raise _unusable(discrepancy) from None
    if name == "home_country_contact":
        return _optional(raw, max_length=CONTACT_MAX_LENGTH, multiline=True)
    if name == "evidence_note":
        return _optional(raw, max_length=300)
    raise _unusable(discrepancy)


def _recorded_row(discrepancy: RegistryDiscrepancy):
    """The Parent, Child or ParentChild row that holds the fact the discrepancy names, locked,
    and the elections that show it."""
    name = discrepancy.field
    if discrepancy.child_id is None and name in PARENT_FACT_NAMES:
        row = Parent.objects.select_for_update().get(pk=discrepancy.parent_id)
        return row, Election.objects.filter(parent=row)
    if name in rules.LINK_FACTS:
        row = (
            ParentChild.objects.select_for_update()
            .filter(parent_id=discrepancy.parent_id, child_id=discrepancy.child_id)
            .first()
        )
        if row is None:
            raise ValidationError(_("This child is no longer linked to the parent."))
        return row, Election.objects.filter(
            parent_id=discrepancy.parent_id, covered__child_id=discrepancy.child_id
        )
    if discrepancy.child_id is not None and name in CHILD_FACT_NAMES:
        row = Child.objects.select_for_update().get(pk=discrepancy.child_id)
        return row, Election.objects.filter(covered__child_id=discrepancy.child_id)
    raise _unusable(discrepancy)


def _apply(discrepancy: RegistryDiscrepancy, *, actor) -> None:
    row, elections = _recorded_row(discrepancy)
    value = _reported_value(discrepancy)
    if elections.filter(status=Status.SUBMITTED).exists():
        raise ValidationError(
            _(
                "An election showing this value awaits approval. Accept the case system's "
                "value after the supervisor approves or returns it."
            ),
            code="awaiting_approval",
        )
    if getattr(row, discrepancy.field) == value:
        return
    setattr(row, discrepancy.field, value)
    try:
        with transaction.atomic():
            _save(row, user=actor, reason="case system's value accepted")
    except IntegrityError:
        # Only an A-number can collide: another child is recorded with it.
        raise ValidationError(
            _("A-number %(a_number)s is already recorded for another child.")
            % {"a_number": format_a_number(value)},
            code="a_number_taken",
        ) from None
    if discrepancy.field in FACTS_NOT_SHOWN:
        return
    # A draft the parent already heard or signed must be heard and signed again.
    for election in elections.filter(status__in=EDITABLE_STATUSES).distinct():
        _reset_notice_delivery(election, actor=actor, why="case system details accepted")


def _family_offices(discrepancy: RegistryDiscrepancy) -> set[int]:
    """The offices of the family: of the parent it was reported for and, for a child's fact, of
    every parent of the child (it is on each of their tablets)."""
    parents = Q(pk=discrepancy.parent_id)
    if discrepancy.child_id:
        parents |= Q(child_links__child_id=discrepancy.child_id)
    family = Parent.objects.filter(parents)
    offices = set(Election.objects.filter(parent__in=family).values_list("office_id", flat=True))
    return offices | {
        office for office in family.values_list("registered_office_id", flat=True) if office
    }


def discrepancy_resolve(
    *, discrepancy: RegistryDiscrepancy, actor, accept: bool
) -> RegistryDiscrepancy:
    """The officer decides: formsvc's value stands (``accept=False``) or the case system's
    value replaces it (``accept=True``), checked as if typed on the tablet. Every draft that
    shows the value is told again; an election awaiting approval keeps it until it is approved
    or returned. Stamped with who and when; history kept."""
    profile = staff_profile_for(user=actor)
    if profile is None or profile.role not in EDITOR_ROLES:
        raise PermissionDenied(_("Only officers and supervisors can resolve a discrepancy."))
    with transaction.atomic():
        locked = (
            RegistryDiscrepancy.objects.select_for_update(of=("self",))
            .select_related("parent", "child", "resolved_by")
            .get(pk=discrepancy.pk)
        )
        offices = _family_offices(locked)
        if offices and profile.office_id not in offices:
            raise PermissionDenied(_("This family is not registered with your field office."))
        if not locked.is_open:
            raise ValidationError(
                _("This discrepancy was already resolved by %(who)s.")
                % {"who": staff_printed_name(locked.resolved_by)},
                code="already_resolved",
            )
        if accept:
            _apply(locked, actor=actor)
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution = DiscrepancyResolution.ACCEPTED if accept else DiscrepancyResolution.KEPT
        _save(
            locked,
            user=actor,
            reason="case system's value accepted" if accept else "recorded value kept",
        )
        return locked
