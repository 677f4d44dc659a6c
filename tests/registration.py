"""A family unit registered by the case system, for the officer's tests.

``register_family`` is the one place a test registers a family: through
``elections.intake.register_family_unit`` when it is there, else by writing the rows the intake
writes (Parent with ``registered_at``, Child, ParentChild). The browser test may switch it to a
POST to ``/api/v1/family-units/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from elections import intake
from elections.models import Child, Parent, ParentChild, RegistryDiscrepancy


@dataclass
class RegisteredChild:
    a_number: str
    full_name: str
    date_of_birth: date
    location_kind: str = "orr_shelter"
    location_name: str = "Casa Esperanza shelter, San Benito, Texas"
    relationship: str = "mother"
    evidence: str = "birth_certificate"
    evidence_note: str = "Guatemalan birth certificate, folio 2231"


@dataclass
class RegisteredFamily:
    a_number: str
    full_name: str
    date_of_birth: date
    children: list[RegisteredChild] = field(default_factory=list)
    country_of_citizenship: str = "GT"
    primary_language: str = "es"
    home_country_contact: str = "Hermana: Lucía López, Huehuetenango, +502 5555 0101"


def register_family(family: RegisteredFamily, *, office=None) -> Parent:
    """Register ``family`` as the case system does; returns the recorded parent."""
    register = getattr(intake, "register_family_unit", None)
    if register is not None:
        data = intake.FamilyUnitData(
            a_number=family.a_number,
            full_name=family.full_name,
            date_of_birth=family.date_of_birth,
            country_of_citizenship=family.country_of_citizenship,
            primary_language=family.primary_language,
            home_country_contact=family.home_country_contact,
            office_code=office.code if office else None,
            children=[intake.ChildUnitData(**child.__dict__) for child in family.children],
        )
        return register(data=data).parent
    parent = Parent.objects.create(
        a_number=family.a_number,
        full_name=family.full_name,
        date_of_birth=family.date_of_birth,
        country_of_citizenship=family.country_of_citizenship,
        primary_language=family.primary_language,
        home_country_contact=family.home_country_contact,
        registered_at=timezone.now(),
        registered_office=office,
    )
    for item in family.children:
        child = Child.objects.create(
            a_number=item.a_number,
            full_name=item.full_name,
            date_of_birth=item.date_of_birth,
            location_kind=item.location_kind,
            location_name=item.location_name,
        )
        ParentChild.objects.create(
            parent=parent,
            child=child,
            relationship=item.relationship,
            evidence=item.evidence,
            evidence_note=item.evidence_note,
        )
    return parent


def link_recorded_child(parent: Parent, item: RegisteredChild) -> Child:
    """A child recorded for the parent outside this registration (say for an earlier election,
    since grown up): written directly, as the case system would refuse an adult."""
    child = Child.objects.create(
        a_number=item.a_number,
        full_name=item.full_name,
        date_of_birth=item.date_of_birth,
        location_kind=item.location_kind,
        location_name=item.location_name,
    )
    ParentChild.objects.create(
        parent=parent,
        child=child,
        relationship=item.relationship,
        evidence=item.evidence,
        evidence_note=item.evidence_note,
    )
    return child


def report_discrepancy(parent: Parent, field: str, reported: str, *, child=None):
    """What a later registration reports differently from the record, as intake keeps it."""
    row = child or parent
    if field in ("relationship", "evidence", "evidence_note"):
        row = ParentChild.objects.get(parent=parent, child=child)
    return RegistryDiscrepancy.objects.create(
        parent=parent,
        child=child,
        field=field,
        recorded_value=str(getattr(row, field)),
        reported_value=reported,
    )
