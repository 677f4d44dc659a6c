"""Family-unit intake: the case system registers a parent and children (elections.intake).

The same report twice changes nothing; a report that contradicts the record is kept as a
discrepancy for an officer to resolve and never overwrites it, least of all what an approved
election shows; bad input is refused with the payload path of each problem, nothing written.
"""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from elections import clearance, intake
from elections.constants import (
    ChildLocationKind,
    Decision,
    Relationship,
    RelationshipEvidence,
    Status,
)
from elections.intake import ChildUnitData, FamilyUnitData
from elections.models import (
    ApiToken,
    Child,
    DiscrepancyResolution,
    Parent,
    ParentChild,
    RegistryDiscrepancy,
)
from elections.records.verification import verify_stored
from tests.factories import (
    ChildDataFactory,
    ElectionFactory,
    FieldOfficeFactory,
    ParentFactory,
    UserFactory,
    birthday_years_ago,
    fresh,
    make_auditor,
    make_officer,
)
from tests.supervision import approve

pytestmark = pytest.mark.django_db

PARENT_A = "A012345678"


def child_unit(n: int = 0, **overrides) -> ChildUnitData:
    values = {
        "a_number": f"A0987654{n:02d}",
        "full_name": ["Emily Sofía Pérez", "Kevin Josué Pérez", "Ashley Nicole Pérez"][n % 3],
        "date_of_birth": birthday_years_ago(6 + n, days=30),
        "location_kind": ChildLocationKind.ORR_SHELTER,
        "location_name": "Casa Esperanza shelter, San Benito, Texas",
        "relationship": Relationship.MOTHER,
        "evidence": RelationshipEvidence.BIRTH_CERTIFICATE,
        "evidence_note": "Birth certificate in the ORR case file",
    }
    return ChildUnitData(**{**values, **overrides})


def family_unit(children=None, **overrides) -> FamilyUnitData:
    values = {
        "a_number": "A-012-345-678",
        "full_name": "María Guadalupe Pérez López",
        "date_of_birth": birthday_years_ago(31, days=97),
        "country_of_citizenship": "GT",
        "primary_language": "es",
        "home_country_contact": "Aldea San José, Huehuetenango; sister Rosa, +502 5555 0101",
        "office_code": "ELP",
        "children": children if children is not None else [child_unit(0), child_unit(1)],
    }
    return FamilyUnitData(**{**values, **overrides})


@pytest.fixture
def token(office):
    account = UserFactory(username="case-system")
    issued, _raw = ApiToken.issue(user=account, scopes=["family_units:write"], name="case system")
    return issued


def register(data=None, **kwargs):
    return intake.register_family_unit(data=data or family_unit(), **kwargs)


def errors_of(data) -> dict:
    with pytest.raises(ValidationError) as caught:
        register(data)
    return caught.value.message_dict


def nothing_written() -> bool:
    return not (
        Parent.objects.exists()
        or Child.objects.exists()
        or ParentChild.objects.exists()
        or RegistryDiscrepancy.objects.exists()
    )


# --- Registering ---------------------------------------------------------------------------


def test_a_new_family_is_recorded_with_its_office_and_time_of_registration(office, token):
    result = register(token=token)
    parent = Parent.objects.get()
    assert result.created and parent.a_number == PARENT_A
    assert parent.registered_office == office and parent.registered_at is not None
    assert parent.home_country_contact.startswith("Aldea San José")
    assert [created for _child, created in result.children] == [True, True]
    links = ParentChild.objects.filter(parent=parent).order_by("child__a_number")
    assert [link.child.full_name for link in links] == ["Emily Sofía Pérez", "Kevin Josué Pérez"]
    assert {link.relationship for link in links} == {Relationship.MOTHER}
    assert parent.history.get().history_user == token.user


def test_the_result_says_what_was_created(office):
    result = register().as_dict()
    assert result == {
        "parent": {"a_number": PARENT_A, "name": "María Guadalupe Pérez López", "created": True},
        "children": [
            {"a_number": "A098765400", "name": "Emily Sofía Pérez", "created": True},
            {"a_number": "A098765401", "name": "Kevin Josué Pérez", "created": True},
        ],
        "discrepancies": [],
    }


def test_the_same_family_twice_changes_nothing(office, token):
    register(token=token)
    before = (
        Parent.history.count(),
        Child.history.count(),
        ParentChild.history.count(),
    )
    again = register(token=token)
    assert not again.created and not again.changed
    assert [created for _child, created in again.children] == [False, False]
    assert again.discrepancies == []
    assert (Parent.objects.count(), Child.objects.count(), ParentChild.objects.count()) == (1, 2, 2)
    assert not RegistryDiscrepancy.objects.exists()
    assert (Parent.history.count(), Child.history.count(), ParentChild.history.count()) == before


def test_the_same_family_in_other_shapes_is_the_same_family(office):
    register()
    again = register(
        family_unit(
            a_number="12345678",
            full_name="MARÍA GUADALUPE PÉREZ LÓPEZ",
            country_of_citizenship="gt",
            children=[child_unit(0, a_number="a 098 765 400", full_name="emily sofía pérez")],
        )
    )
    assert not again.changed and not RegistryDiscrepancy.objects.exists()
    assert Parent.objects.get().full_name == "María Guadalupe Pérez López"


def test_a_new_child_for_a_known_parent_is_created_and_linked(office):
    register()
    result = register(family_unit(children=[child_unit(0), child_unit(2)]))
    assert [created for _child, created in result.children] == [False, True]
    assert Parent.objects.get().child_links.count() == 3


def test_a_registered_family_is_not_cleared_for_removal_until_each_child_has_a_choice(office):
    register()
    answer = clearance.clearance_for_a_number(PARENT_A).as_dict()
    assert answer["cleared"] is False
    assert sorted((c["a_number"], c["removal"]) for c in answer["children"]) == [
        ("A098765400", "blocked"),
        ("A098765401", "blocked"),
    ]


def test_a_value_the_record_lacks_is_filled_in(office):
    register(family_unit(home_country_contact=""))
    result = register()
    assert (None, "home_country_contact") in result.filled
    assert Parent.objects.get().home_country_contact.startswith("Aldea San José")
    assert not RegistryDiscrepancy.objects.exists()


def test_a_parent_typed_in_by_an_officer_is_registered_and_their_child_gets_its_a_number(
    office, officer, witness
):
    election = ElectionFactory(
        stage="children",
        office=office,
        presented_by=officer,
        witness=witness,
        parent=ParentFactory.build(a_number=PARENT_A, full_name="María Guadalupe Pérez López"),
        children=[
            ChildDataFactory(
                a_number="",
                full_name="Emily Sofía Pérez",
                date_of_birth=child_unit(0).date_of_birth,
            )
        ],
    )
    result = register(family_unit(children=[child_unit(0)]))
    child = fresh(election).covered.get().child
    assert child.a_number == "A098765400"
    assert [created for _c, created in result.children] == [False]
    assert Parent.objects.get().registered_at is not None
    assert Child.objects.count() == 1


# --- Contradictions are discrepancies, never overwrites -------------------------------------


def test_another_date_of_birth_is_a_discrepancy_not_an_overwrite(office, token):
    register()
    born = Parent.objects.get().date_of_birth
    other = born - timedelta(days=365)
    result = register(family_unit(date_of_birth=other), token=token)
    assert Parent.objects.get().date_of_birth == born
    discrepancy = RegistryDiscrepancy.objects.get()
    assert (discrepancy.child, discrepancy.field) == (None, "date_of_birth")
    assert discrepancy.recorded_value == born.isoformat()
    assert discrepancy.reported_value == other.isoformat()
    assert discrepancy.token == token
    assert result.as_dict()["discrepancies"] == [
        {
            "child": None,
            "field": "date_of_birth",
            "recorded": born.isoformat(),
            "reported": other.isoformat(),
        }
    ]


def test_the_same_contradiction_reported_twice_is_one_discrepancy(office):
    register()
    report = family_unit(full_name="María Pérez de Ixcoy")
    register(report)
    again = register(report)
    assert RegistryDiscrepancy.objects.count() == 1
    assert len(again.discrepancies) == 1 and again.new_discrepancies == []


@pytest.mark.parametrize(
    ("change", "field", "reported"),
    [
        ({"full_name": "Emily Ixcoy"}, "full_name", "Emily Ixcoy"),
        ({"location_kind": ChildLocationKind.SPONSOR}, "location_kind", "sponsor"),
        ({"location_name": "Casa Montezuma, Houston"}, "location_name", "Casa Montezuma, Houston"),
        ({"relationship": Relationship.LEGAL_GUARDIAN}, "relationship", "legal_guardian"),
        ({"evidence": RelationshipEvidence.DNA}, "evidence", "dna"),
    ],
)
def test_another_fact_about_a_child_is_a_discrepancy_for_that_child(
    office, change, field, reported
):
    register()
    before = {
        "child": list(Child.objects.values().order_by("a_number")),
        "links": list(ParentChild.objects.values().order_by("child__a_number")),
    }
    register(family_unit(children=[child_unit(0, **change), child_unit(1)]))
    discrepancy = RegistryDiscrepancy.objects.get()
    assert discrepancy.child.a_number == "A098765400"
    assert (discrepancy.field, discrepancy.reported_value) == (field, reported)
    assert before == {
        "child": list(Child.objects.values().order_by("a_number")),
        "links": list(ParentChild.objects.values().order_by("child__a_number")),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country_of_citizenship": "HN"}, "country_of_citizenship"),
        ({"primary_language": "mam"}, "primary_language"),
    ],
)
def test_another_country_or_language_is_a_discrepancy(office, change, field):
    register()
    register(family_unit(**change))
    assert RegistryDiscrepancy.objects.get().field == field
    assert (
        getattr(Parent.objects.get(), field)
        == {"country_of_citizenship": "GT", "primary_language": "es"}[field]
    )


def test_a_child_a_number_recorded_for_another_child_is_a_discrepancy_not_a_new_person(office):
    other_parent = family_unit(a_number="A111111111", children=[child_unit(0)])
    register(other_parent)
    register(
        family_unit(
            children=[
                child_unit(
                    0, full_name="Brayan Alexander Cruz", date_of_birth=birthday_years_ago(4)
                )
            ]
        )
    )
    assert Child.objects.count() == 1
    child = Child.objects.get()
    assert child.full_name == "Emily Sofía Pérez"
    fields = set(RegistryDiscrepancy.objects.filter(child=child).values_list("field", flat=True))
    assert fields == {"full_name", "date_of_birth"}
    assert RegistryDiscrepancy.objects.filter(parent__a_number=PARENT_A).count() == 2


def test_a_known_child_reported_with_another_a_number_is_a_discrepancy_not_a_second_child(
    office,
):
    register()
    result = register(family_unit(children=[child_unit(0, a_number="A555555555"), child_unit(1)]))
    assert Child.objects.count() == 2
    discrepancy = RegistryDiscrepancy.objects.get()
    assert (discrepancy.field, discrepancy.recorded_value, discrepancy.reported_value) == (
        "a_number",
        "A098765400",
        "A555555555",
    )
    assert [c.a_number for c, _created in result.children] == ["A098765400", "A098765401"]


def test_accepting_an_a_number_another_child_has_is_refused(office, officer):
    register()
    register(family_unit(children=[child_unit(0, a_number="A555555555"), child_unit(1)]))
    discrepancy = RegistryDiscrepancy.objects.get()
    register(family_unit(a_number="A777777777", children=[child_unit(2, a_number="A555555555")]))
    with pytest.raises(ValidationError) as caught:
        intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    assert "already recorded for another child" in caught.value.messages[0]
    assert fresh_discrepancy(discrepancy).is_open
    assert Child.objects.filter(a_number="A098765400").exists()


def test_a_token_limited_to_an_office_registers_with_that_office_only(office, token):
    token.office = office
    token.save()
    register(family_unit(office_code=None), token=token)
    assert Parent.objects.get().registered_office == office
    other = FieldOfficeFactory(code="SNA", time_zone="America/New_York")
    errors = errors_of_with(family_unit(a_number="A444444444", office_code=other.code), token)
    assert list(errors) == ["office"] and "ELP only" in errors["office"][0]
    assert not Parent.objects.filter(a_number="A444444444").exists()


def errors_of_with(data, token) -> dict:
    with pytest.raises(ValidationError) as caught:
        register(data, token=token)
    return caught.value.message_dict


def test_open_discrepancies_lists_the_parents_and_their_childrens(office):
    register()
    register(
        family_unit(
            full_name="María Pérez de Ixcoy",
            children=[child_unit(0, location_kind=ChildLocationKind.SPONSOR), child_unit(1)],
        )
    )
    # A discrepancy raised through the other parent of the same child is the child's too.
    register(
        family_unit(
            a_number="A222222222",
            full_name="Edwin Rolando Chávez Tzul",
            children=[
                child_unit(1, location_name="Casa Montezuma, Houston", relationship="father")
            ],
        )
    )
    register(family_unit(a_number="A333333333", children=[child_unit(2)]))
    found = intake.open_discrepancies(Parent.objects.get(a_number=PARENT_A))
    assert [(d.child.a_number if d.child else None, d.field) for d in found] == [
        (None, "full_name"),
        ("A098765400", "location_kind"),
        ("A098765401", "location_name"),
    ]


# --- An approved election shows what was approved --------------------------------------------


@pytest.fixture
def approved_family(office, officer, witness, supervisor, notices, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    election = ElectionFactory(
        submitted=True,
        office=office,
        presented_by=officer,
        witness=witness,
        parent=ParentFactory.build(a_number=PARENT_A, full_name="María Guadalupe Pérez López"),
        children=[
            ChildDataFactory(
                a_number="A098765400",
                full_name="Emily Sofía Pérez",
                date_of_birth=child_unit(0).date_of_birth,
            )
        ],
        decisions=Decision.REUNIFY,
    )
    return approve(election, supervisor)


def _page_text(client, user, url) -> str:
    client.force_login(user)
    body = client.get(url).content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_a_contradiction_never_changes_what_an_approved_election_shows(
    client, approved_family, token
):
    election = approved_family
    record = election.sealed_record
    sealed = (record.snapshot_json, record.pdf_sha256, record.chain_head)
    auditor = make_auditor(username="auditor")
    page = reverse("audit:record", args=[election.pk])
    assert "María Guadalupe Pérez López" in _page_text(client, auditor, page)
    parent_before = list(Parent.objects.values())
    child_before = list(Child.objects.values())

    register(
        family_unit(
            full_name="María Pérez de Ixcoy",
            date_of_birth=birthday_years_ago(40),
            children=[
                child_unit(
                    0,
                    full_name="Emily Ixcoy",
                    date_of_birth=birthday_years_ago(3),
                    location_kind=ChildLocationKind.SPONSOR,
                )
            ],
        ),
        token=token,
    )

    assert RegistryDiscrepancy.objects.count() == 5
    assert list(Parent.objects.values("full_name", "date_of_birth")) == [
        {k: parent_before[0][k] for k in ("full_name", "date_of_birth")}
    ]
    assert list(Child.objects.values()) == child_before
    election = fresh(election)
    assert election.status == Status.APPROVED
    record = election.sealed_record
    assert (record.snapshot_json, record.pdf_sha256, record.chain_head) == sealed
    text = _page_text(client, auditor, page)
    assert "María Guadalupe Pérez López" in text and "Ixcoy" not in text
    assert verify_stored(record).ok


def test_accepting_a_reported_value_after_approval_keeps_the_sealed_record_valid(
    client, approved_family, officer
):
    register(family_unit(full_name="María Pérez de Ixcoy", children=[child_unit(0)]))
    discrepancy = RegistryDiscrepancy.objects.get(field="full_name")
    intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    assert Parent.objects.get().full_name == "María Pérez de Ixcoy"
    election = fresh(approved_family)
    assert verify_stored(election.sealed_record).ok
    text = _page_text(
        client, make_auditor(username="auditor"), reverse("audit:record", args=[election.pk])
    )
    assert "María Guadalupe Pérez López" in text


# --- Resolving ---------------------------------------------------------------------------------


def _discrepancy(field="date_of_birth", **change):
    register()
    register(family_unit(**change) if change else family_unit(date_of_birth=birthday_years_ago(40)))
    return RegistryDiscrepancy.objects.get(field=field)


def test_keeping_the_recorded_value_stamps_the_resolution_and_changes_nothing(office, officer):
    discrepancy = _discrepancy()
    born = Parent.objects.get().date_of_birth
    resolved = intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=False)
    assert resolved.resolution == DiscrepancyResolution.KEPT
    assert resolved.resolved_by == officer and resolved.resolved_at is not None
    assert Parent.objects.get().date_of_birth == born
    assert intake.open_discrepancies(Parent.objects.get()) == []
    assert resolved.history.count() == 2


def test_a_kept_value_is_not_asked_again_by_the_same_report(office, officer):
    discrepancy = _discrepancy()
    intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=False)
    register(family_unit(date_of_birth=birthday_years_ago(40)))
    assert RegistryDiscrepancy.objects.count() == 1


def test_accepting_applies_the_reported_value_with_history(office, officer):
    discrepancy = _discrepancy()
    resolved = intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    parent = Parent.objects.get()
    assert parent.date_of_birth == birthday_years_ago(40)
    assert resolved.resolution == DiscrepancyResolution.ACCEPTED
    latest = parent.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == officer
    assert latest.history_change_reason == "case system's value accepted"


@pytest.mark.parametrize(
    ("change", "model", "field", "value"),
    [
        (
            {"location_name": "Casa Montezuma, Houston"},
            Child,
            "location_name",
            "Casa Montezuma, Houston",
        ),
        (
            {"relationship": Relationship.LEGAL_GUARDIAN},
            ParentChild,
            "relationship",
            "legal_guardian",
        ),
    ],
)
def test_accepting_a_childs_fact_changes_the_child_or_its_link(
    office, officer, change, model, field, value
):
    register()
    register(family_unit(children=[child_unit(0, **change), child_unit(1)]))
    intake.discrepancy_resolve(
        discrepancy=RegistryDiscrepancy.objects.get(), actor=officer, accept=True
    )
    row = model.objects.get(
        **{"child__a_number" if model is ParentChild else "a_number": "A098765400"}
    )
    assert getattr(row, field) == value


def test_a_resolved_discrepancy_cannot_be_resolved_again(office, officer):
    discrepancy = _discrepancy()
    intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=False)
    with pytest.raises(ValidationError):
        intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    assert Parent.objects.get().date_of_birth != birthday_years_ago(40)


def test_only_an_officer_of_the_familys_office_resolves(office):
    discrepancy = _discrepancy()
    for user in (make_auditor(username="auditor"), make_officer(username="elsewhere")):
        with pytest.raises(PermissionDenied):
            intake.discrepancy_resolve(discrepancy=discrepancy, actor=user, accept=True)
    assert fresh_discrepancy(discrepancy).is_open


def test_a_childs_discrepancy_is_resolved_at_the_office_of_either_parent(office):
    sna = FieldOfficeFactory(code="SNA", time_zone="America/Chicago")
    register(family_unit(children=[child_unit(0)]))
    register(
        family_unit(
            a_number="A222222222",
            office_code="SNA",
            children=[child_unit(0, relationship=Relationship.FATHER)],
        )
    )
    register(family_unit(children=[child_unit(0, location_name="Casa Montezuma, Houston")]))
    discrepancy = RegistryDiscrepancy.objects.get()
    assert discrepancy.parent.a_number == PARENT_A
    other_parent = Parent.objects.get(a_number="A222222222")
    assert intake.open_discrepancies(other_parent) == [discrepancy]
    with pytest.raises(PermissionDenied):
        intake.discrepancy_resolve(
            discrepancy=discrepancy, actor=make_officer(username="elsewhere"), accept=True
        )
    intake.discrepancy_resolve(
        discrepancy=discrepancy, actor=make_officer(sna, username="san-antonio"), accept=True
    )
    assert Child.objects.get().location_name == "Casa Montezuma, Houston"


def fresh_discrepancy(discrepancy):
    return RegistryDiscrepancy.objects.get(pk=discrepancy.pk)


def test_accepting_while_an_election_awaits_approval_is_refused(office, officer, witness, notices):
    ElectionFactory(
        submitted=True,
        office=office,
        presented_by=officer,
        witness=witness,
        parent=ParentFactory.build(a_number=PARENT_A, full_name="María Guadalupe Pérez López"),
    )
    register(family_unit(full_name="María Pérez de Ixcoy"))
    discrepancy = RegistryDiscrepancy.objects.get(field="full_name")
    with pytest.raises(ValidationError):
        intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    assert fresh_discrepancy(discrepancy).is_open
    assert Parent.objects.get().full_name == "María Guadalupe Pérez López"


def test_accepting_for_a_signed_draft_means_the_parent_hears_and_signs_again(
    office, officer, witness, notices
):
    election = ElectionFactory(
        stage="ready",
        office=office,
        presented_by=officer,
        witness=witness,
        parent=ParentFactory.build(a_number=PARENT_A, full_name="María Guadalupe Pérez López"),
    )
    assert fresh(election).signatures.exists()
    register(family_unit(full_name="María Pérez de Ixcoy"))
    discrepancy = RegistryDiscrepancy.objects.get(field="full_name")
    intake.discrepancy_resolve(discrepancy=discrepancy, actor=officer, accept=True)
    election = fresh(election)
    assert election.status == Status.DRAFT
    assert election.notice_delivered_at is None and not election.signatures.exists()


# --- Bad input: refused with its path, nothing written -----------------------------------------


def test_a_malformed_a_number_is_refused_naming_the_expected_form(office):
    errors = errors_of(family_unit(a_number="A12-34"))
    assert "A followed by 8 or 9 digits" in errors["parent.a_number"][0]
    errors = errors_of(family_unit(children=[child_unit(0), child_unit(1, a_number="X99")]))
    assert "A followed by 8 or 9 digits" in errors["children[1].a_number"][0]
    assert nothing_written()


def test_a_child_who_is_18_today_in_the_offices_time_zone_is_refused(office):
    today = timezone.localdate(timezone=office.tz)
    eighteen = (
        today.replace(year=today.year - 18)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 18, day=28)
    )
    errors = errors_of(family_unit(children=[child_unit(0), child_unit(1, date_of_birth=eighteen)]))
    assert list(errors) == ["children[1].date_of_birth"]
    assert "18 or older" in errors["children[1].date_of_birth"][0]
    assert nothing_written()
    register(family_unit(children=[child_unit(0, date_of_birth=eighteen + timedelta(days=1))]))


def test_the_age_is_taken_on_the_offices_date_not_the_servers(office, monkeypatch):
    # 03:00 UTC on 15 June is still 14 June in El Paso (America/Denver).
    moment = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert office.time_zone == "America/Denver"
    turns_18_in_utc_today = date(2008, 6, 15)
    register(family_unit(children=[child_unit(0, date_of_birth=turns_18_in_utc_today)]))
    errors = errors_of(
        family_unit(
            a_number="A222222222", children=[child_unit(1, date_of_birth=date(2008, 6, 14))]
        )
    )
    assert "18 or older" in errors["children[0].date_of_birth"][0]


def test_a_child_listed_twice_is_refused(office):
    errors = errors_of(family_unit(children=[child_unit(0), child_unit(1, a_number="098765400")]))
    assert list(errors) == ["children[1].a_number"]
    assert "listed twice" in errors["children[1].a_number"][0]
    assert nothing_written()


def test_the_parents_own_a_number_as_a_childs_is_refused(office):
    errors = errors_of(family_unit(children=[child_unit(0, a_number=PARENT_A)]))
    assert "the parent's own A-number" in errors["children[0].a_number"][0]
    assert nothing_written()


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (family_unit(country_of_citizenship="XX"), "parent.country"),
        (family_unit(primary_language="klingon"), "parent.primary_language"),
        (family_unit(children=[child_unit(0, location_kind="jail")]), "children[0].location_kind"),
        (family_unit(children=[child_unit(0, relationship="uncle")]), "children[0].relationship"),
        (family_unit(children=[child_unit(0, evidence="hearsay")]), "children[0].evidence"),
        (family_unit(office_code="NOPE"), "office"),
        (family_unit(children=[]), "children"),
        (family_unit(full_name="  \u200b "), "parent.name"),
        (family_unit(children=[child_unit(0, location_name="")]), "children[0].location_name"),
        (family_unit(date_of_birth="31/12/1990"), "parent.date_of_birth"),
    ],
)
def test_unknown_codes_and_missing_values_are_refused_with_their_path(office, data, path):
    errors = errors_of(data)
    assert list(errors) == [path]
    assert nothing_written()


@pytest.mark.parametrize("path", ["parent.date_of_birth", "children[0].date_of_birth"])
def test_a_date_of_birth_in_the_future_is_refused(office, path):
    tomorrow = timezone.localdate(timezone=office.tz) + timedelta(days=1)
    if path.startswith("parent"):
        data = family_unit(date_of_birth=tomorrow)
    else:
        data = family_unit(children=[child_unit(0, date_of_birth=tomorrow)])
    errors = errors_of(data)
    assert "future" in errors[path][0]
    assert nothing_written()


def test_a_child_with_nothing_filled_in_is_refused_field_by_field(office):
    empty = ChildUnitData(
        a_number=None,
        full_name=None,
        date_of_birth=None,
        location_kind=None,
        location_name=None,
        relationship=None,
        evidence=None,
        evidence_note=None,
    )
    errors = errors_of(family_unit(children=[empty]))
    assert set(errors) == {
        f"children[0].{name}"
        for name in (
            "a_number",
            "name",
            "date_of_birth",
            "location_kind",
            "location_name",
            "relationship",
            "evidence",
        )
    }
    assert nothing_written()


def test_every_problem_is_reported_at_once(office):
    errors = errors_of(
        family_unit(
            a_number="bad",
            office_code="NOPE",
            children=[child_unit(0, relationship="uncle"), child_unit(1, a_number="?")],
        )
    )
    assert set(errors) == {
        "office",
        "parent.a_number",
        "children[0].relationship",
        "children[1].a_number",
    }


def test_a_bad_child_leaves_a_known_family_as_it_was(office):
    register()
    before = (Parent.history.count(), Child.history.count(), ParentChild.history.count())
    errors_of(
        family_unit(
            full_name="María Pérez de Ixcoy",
            children=[child_unit(2), child_unit(1, relationship="uncle")],
        )
    )
    assert not RegistryDiscrepancy.objects.exists() and Child.objects.count() == 2
    assert (Parent.history.count(), Child.history.count(), ParentChild.history.count()) == before


def test_messages_are_in_spanish_for_a_spanish_reader(office):
    from django.utils import translation

    with translation.override("es"):
        errors = errors_of(family_unit(children=[child_unit(0, relationship="uncle")]))
    assert "no es una relación" in errors["children[0].relationship"][0]
