"""Family units through the API: the case system registers a parent and children (201), again
without change (200), with a contradiction kept as a discrepancy, never an overwrite; bad input
is a 400 naming each field by its path, and nothing is written."""

import pytest

from elections.models import AccessAction, AccessLog, Child, Parent, RegistryDiscrepancy
from tests.api.support import assert_error
from tests.factories import FieldOfficeFactory, birthday_years_ago

pytestmark = pytest.mark.django_db

URL = "/api/v1/family-units/"


def family(**parent) -> dict:
    return {
        "office": "ELP",
        "parent": {
            "a_number": "A-240-000-001",
            "name": "María Elena López",
            "date_of_birth": birthday_years_ago(32).isoformat(),
            "country": "GT",
            "primary_language": "es",
            "home_country_contact": "Hermana: Rosa López, +502 5555 0101, Quetzaltenango",
            **parent,
        },
        "children": [
            child("A240000011", "Ana Sofía López", 9),
            child("A240000012", "José Luis López", 6),
        ],
    }


def child(a_number: str, name: str, years: int, **extra) -> dict:
    return {
        "a_number": a_number,
        "name": name,
        "date_of_birth": birthday_years_ago(years).isoformat(),
        "location_kind": "orr_shelter",
        "location_name": "Casa Esperanza shelter, San Benito, Texas",
        "relationship": "mother",
        "evidence": "birth_certificate",
        "evidence_note": "Birth certificate in the ORR case file",
        **extra,
    }


def test_a_new_family_is_registered_with_201(make_api, office):
    response = make_api("family_units:write").post(URL, family())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == {
        "a_number": "A240000001",
        "name": "María Elena López",
        "created": True,
    }
    assert [(c["a_number"], c["created"]) for c in body["children"]] == [
        ("A240000011", True),
        ("A240000012", True),
    ]
    assert body["discrepancies"] == []
    parent = Parent.objects.get(a_number="A240000001")
    assert parent.registered_office == office
    assert sorted(link.child.a_number for link in parent.child_links.all()) == [
        "A240000011",
        "A240000012",
    ]


def test_the_same_family_again_is_200_and_changes_nothing(make_api, office):
    api = make_api("family_units:write")
    api.post(URL, family())
    response = api.post(URL, family())
    assert response.status_code == 200
    body = response.json()
    assert body["parent"]["created"] is False
    assert not any(c["created"] for c in body["children"])
    assert Child.objects.count() == 2


def test_a_contradiction_is_kept_as_a_discrepancy_not_an_overwrite(make_api, office):
    api = make_api("family_units:write")
    api.post(URL, family())
    recorded = Parent.objects.get(a_number="A240000001").date_of_birth
    other = birthday_years_ago(40).isoformat()
    response = api.post(URL, family(date_of_birth=other))
    assert response.status_code == 200
    (discrepancy,) = response.json()["discrepancies"]
    assert discrepancy["child"] is None and discrepancy["field"] == "date_of_birth"
    assert Parent.objects.get(a_number="A240000001").date_of_birth == recorded
    assert RegistryDiscrepancy.objects.filter(resolved_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"children": [child("A240000011", "Ana Sofía López", 18)]}, "children[0].date_of_birth"),
        (
            {"children": [child("A240000011", "Ana", 9), child("A-240-000-011", "Ana", 9)]},
            "children[1].a_number",
        ),
        ({"children": []}, "children"),
        (
            {"children": [child("A240000011", "Ana", 9, location_kind="hotel")]},
            "children[0].location_kind",
        ),  # fmt: skip
        (
            {"children": [child("A240000011", "Ana", 9, date_of_birth="27/03/2015")]},
            "children[0].date_of_birth",
        ),  # fmt: skip
        ({"office": "XXX"}, "office"),
    ],
)
def test_a_family_that_cannot_be_registered_is_a_400_naming_the_field(
    make_api, office, change, path
):
    response = make_api("family_units:write").post(URL, {**family(), **change})
    assert response.status_code == 400, response.content
    body = response.json()
    assert path in body["fields"], body
    assert not Parent.objects.exists() and not Child.objects.exists()


@pytest.mark.parametrize(
    ("parent", "path"),
    [
        ({"country": "XX"}, "parent.country"),
        ({"primary_language": "klingon"}, "parent.primary_language"),
    ],
)
def test_an_unknown_country_or_language_is_a_400(make_api, office, parent, path):
    response = make_api("family_units:write").post(URL, family(**parent))
    assert path in assert_error(response, 400, "invalid")["fields"]


def test_a_malformed_parent_a_number_names_the_expected_form(make_api, office):
    response = make_api("family_units:write").post(URL, family(a_number="A12"))
    body = assert_error(response, 400, "a_number_format")
    assert "parent.a_number" in body["fields"] and "8 or 9 digits" in body["detail"]


def test_a_token_limited_to_an_office_registers_there_only(make_api, office):
    FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    api = make_api("family_units:write", office=office)
    assert_error(api.post(URL, {**family(), "office": "SNA"}), 403, "office_not_allowed")
    body = family()
    del body["office"]
    assert api.post(URL, body).status_code == 201
    assert Parent.objects.get().registered_office == office


def test_a_token_limited_to_an_office_cannot_report_on_another_offices_family(make_api, office):
    make_api("family_units:write").post(URL, family())  # registered in El Paso
    other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    api = make_api("family_units:write", office=other, username="sna-system")
    body = {**family(date_of_birth=birthday_years_ago(40).isoformat()), "office": "SNA"}
    assert_error(api.post(URL, body), 403, "office_not_allowed")
    assert not RegistryDiscrepancy.objects.exists()


def test_each_registration_is_logged_with_the_token(make_api, office):
    api = make_api("family_units:write")
    api.post(URL, family())
    entry = AccessLog.objects.get(token=api.token)
    assert entry.action == AccessAction.FAMILY_UNIT and entry.status_code == 201
    assert entry.detail["a_number"] == "A240000001"
    assert entry.detail["children"] == ["A240000011", "A240000012"]
