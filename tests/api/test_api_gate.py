"""The removal gate through the API: the clearance answer, removals as they happened (flagged
when they depart from it), and the report of parents removed without a documented choice. Each
answer is logged with the token that asked."""

import csv
import io
from datetime import timedelta

import pytest

from elections.clearance import parent_clearance
from elections.identifiers import format_a_number
from elections.models import AccessAction, AccessLog, Removal
from elections.undocumented import CSV_HEADER, report_entries
from tests.api.support import assert_error
from tests.audit_helpers import without_sealing
from tests.factories import (
    ChildDataFactory,
    ChildFactory,
    ElectionFactory,
    FieldOfficeFactory,
    ParentChildFactory,
    today,
)
from tests.supervision import approved_family

pytestmark = pytest.mark.django_db

REMOVALS = "/api/v1/removals/"
REPORT = "/api/v1/reports/removed-undocumented"


def clearance_url(a_number: str) -> str:
    return f"/api/v1/parents/{a_number}/clearance"


@pytest.fixture(autouse=True)
def _quick_approval(monkeypatch):
    without_sealing(monkeypatch)  # the answers, not the PDFs, are under test


@pytest.fixture
def family(officer, witness, supervisor):
    """Approved in El Paso: Ana goes with her mother, José stays."""
    return approved_family(officer=officer, witness=witness, supervisor=supervisor)


@pytest.fixture
def pending(officer, witness):
    """Awaiting approval in El Paso: not cleared."""
    return ElectionFactory(
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        submitted=True,
        children=[ChildDataFactory(full_name="Luz Ramírez", a_number="A231000009")],
    )


def without_time(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "as_of"}


# --- Clearance ---------------------------------------------------------------------------------


def test_the_clearance_is_the_gates_answer_for_an_a_number_in_any_shape(make_api, family):
    typed = format_a_number(family.parent.a_number)  # A231-…, as printed
    response = make_api("clearance:read").get(clearance_url(typed))
    assert response.status_code == 200
    body = response.json()
    assert without_time(body) == without_time(parent_clearance(family.parent).as_dict())
    assert body["cleared"] is True
    assert {c["a_number"]: c["removal"] for c in body["children"]} == {
        "A231000001": "with_parent",
        "A231000002": "stays",
    }


def test_a_parent_not_cleared_is_told_why(make_api, pending):
    body = make_api("clearance:read").get(clearance_url(pending.parent.a_number)).json()
    assert body["cleared"] is False
    assert body["children"][0]["removal"] == "blocked"
    assert "awaiting_approval" in body["reason_codes"]
    assert any("awaiting" in reason for reason in body["reasons"])


def test_a_malformed_a_number_is_a_400_naming_the_expected_form(make_api, db):
    body = assert_error(
        make_api("clearance:read").get(clearance_url("12-34")), 400, "a_number_format"
    )
    assert "A012345678" in body["detail"]


def test_an_unknown_parent_is_a_404(make_api, db):
    assert_error(make_api("clearance:read").get(clearance_url("A099999999")), 404, "unknown_parent")


def test_a_token_limited_to_another_office_may_not_ask_about_the_parent(make_api, family):
    other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    api = make_api("clearance:read", office=other)
    assert_error(api.get(clearance_url(family.parent.a_number)), 403, "office_not_allowed")
    own = make_api("clearance:read", office=family.office, username="elp-system")
    assert own.get(clearance_url(family.parent.a_number)).status_code == 200


def test_a_token_of_the_office_that_registered_the_parent_may_ask(make_api, db):
    office = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    link = ParentChildFactory(child=ChildFactory())
    link.parent.registered_office = office
    link.parent.save()
    body = make_api("clearance:read", office=office).get(clearance_url(link.parent.a_number))
    assert body.status_code == 200
    assert body.json()["reason_codes"] == ["no_election"]


def test_every_clearance_answer_is_logged_with_the_token_and_what_it_said(make_api, family):
    api = make_api("clearance:read")
    body = api.get(clearance_url(family.parent.a_number)).json()
    api.get(clearance_url("A099999999"))
    answered, unknown = AccessLog.objects.filter(token=api.token).order_by("id")
    assert answered.action == AccessAction.CLEARANCE and answered.status_code == 200
    assert answered.detail == body
    assert answered.user == api.token.user
    assert unknown.action == AccessAction.CLEARANCE and unknown.status_code == 404


# --- Removals ----------------------------------------------------------------------------------


def removal_body(parent, *children, on=None, office="ELP") -> dict:
    body = {
        "a_number": parent.a_number,
        "removed_on": (on or today()).isoformat(),
        "children_removed": list(children),
    }
    if office:
        body["office"] = office
    return body


def test_a_removal_that_matches_the_clearance_is_201_without_flags(make_api, family):
    api = make_api("removals:write")
    response = api.post(REMOVALS, removal_body(family.parent, "A231-000-001"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cleared"] is True and body["matches_clearance"] is True and body["flags"] == []
    assert body["clearance"]["cleared"] is True
    removal = Removal.objects.get(pk=body["id"])
    assert removal.token == api.token and removal.source == "api"
    assert [c.a_number for c in removal.children_removed.all()] == ["A231000001"]


def test_a_removal_that_departs_from_the_clearance_is_recorded_and_flagged(make_api, family):
    response = make_api("removals:write").post(REMOVALS, removal_body(family.parent))
    assert response.status_code == 201
    body = response.json()
    assert body["matches_clearance"] is False
    assert [(f["code"], f["child"]) for f in body["flags"]] == [
        ("reunify_left_behind", "A231000001")
    ]


def test_the_same_removal_twice_is_a_409_and_recorded_once(make_api, family):
    api = make_api("removals:write")
    assert api.post(REMOVALS, removal_body(family.parent, "A231000001")).status_code == 201
    assert_error(api.post(REMOVALS, removal_body(family.parent)), 409, "duplicate_removal")
    assert Removal.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"removed_on": (today() + timedelta(days=2)).isoformat()}, "removed_on"),
        ({"removed_on": (today() - timedelta(days=400)).isoformat()}, "removed_on"),
        ({"children_removed": ["A999000001"]}, "children_removed"),
        ({"children_removed": ["A231000001", "A231-000-001"]}, "children_removed"),
        ({"removed_on": "yesterday"}, "removed_on"),
        ({"children_removed": "A231000001"}, "children_removed"),
        ({"office": "XXX"}, "office"),
    ],
)
def test_a_removal_that_cannot_be_true_is_a_400_and_nothing_is_written(
    make_api, family, change, field
):
    body = {**removal_body(family.parent), **change}
    answer = assert_error(make_api("removals:write").post(REMOVALS, body), 400, "invalid")
    assert field in answer["fields"], answer
    assert not Removal.objects.exists()


def test_a_removal_with_a_malformed_a_number_names_the_expected_form(make_api, family):
    body = {**removal_body(family.parent), "a_number": "A12"}
    answer = assert_error(make_api("removals:write").post(REMOVALS, body), 400, "a_number_format")
    assert "8 or 9 digits" in answer["detail"]


def test_a_removal_of_an_unknown_parent_is_a_404(make_api, db):
    FieldOfficeFactory(code="ELP", name="El Paso Field Office")
    body = {"a_number": "A099999999", "removed_on": today().isoformat(), "children_removed": [],
            "office": "ELP"}  # fmt: skip
    assert_error(make_api("removals:write").post(REMOVALS, body), 404, "unknown_parent")


def test_a_removal_names_its_office_unless_the_token_is_limited_to_one(make_api, family):
    body = removal_body(family.parent, "A231000001", office=None)
    answer = assert_error(make_api("removals:write").post(REMOVALS, body), 400, "invalid")
    assert "office" in answer["fields"]
    limited = make_api("removals:write", office=family.office, username="elp-system")
    response = limited.post(REMOVALS, body)
    assert response.status_code == 201
    assert Removal.objects.get().office == family.office


def test_a_token_limited_to_an_office_records_removals_of_that_office_only(make_api, family):
    other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    limited = make_api("removals:write", office=family.office)
    body = removal_body(family.parent, "A231000001", office="SNA")
    assert_error(limited.post(REMOVALS, body), 403, "office_not_allowed")
    elsewhere = make_api("removals:write", office=other, username="sna-system")
    assert_error(
        elsewhere.post(REMOVALS, removal_body(family.parent, office=None)),
        403,
        "office_not_allowed",
    )
    assert not Removal.objects.exists()


def test_each_removal_is_logged_with_the_token(make_api, family):
    api = make_api("removals:write")
    removal_id = api.post(REMOVALS, removal_body(family.parent)).json()["id"]
    entry = AccessLog.objects.get(token=api.token)
    assert entry.action == AccessAction.REMOVAL and entry.status_code == 201
    assert entry.detail["removal_id"] == removal_id
    assert entry.detail["flags"] == ["reunify_left_behind"]


# --- The report --------------------------------------------------------------------------------


@pytest.fixture
def removed_pending(make_api, pending):
    """The pending parent removed with Luz anyway: in the report."""
    response = make_api("removals:write", username="removal-system").post(
        REMOVALS, removal_body(pending.parent, "A231000009")
    )
    assert response.status_code == 201
    return pending


def test_the_report_lists_parents_removed_without_a_documented_choice(
    make_api, removed_pending, family
):
    make_api("removals:write", username="other").post(
        REMOVALS, removal_body(family.parent, "A231000001")
    )
    body = make_api("records:read").get(REPORT).json()
    assert body["count"] == 1
    (entry,) = body["results"]
    assert entry == report_entries()[0].as_dict()
    assert entry["parent"]["a_number"] == removed_pending.parent.a_number
    assert entry["children"][0]["removed_with_parent"] is True
    assert entry["flags"] == ["not_cleared", "blocked_taken"]


@pytest.mark.parametrize("how", ["query", "suffix"])
def test_the_report_comes_as_csv_one_row_per_child(make_api, removed_pending, how):
    api = make_api("records:read")
    response = api.get(REPORT, {"format": "csv"}) if how == "query" else api.get(REPORT + ".csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 2
    assert rows[1][CSV_HEADER.index("child_a_number")] == "A231-000-009"


def test_the_report_of_a_token_limited_to_an_office_shows_that_office_only(
    make_api, removed_pending
):
    other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    assert make_api("records:read", office=other).get(REPORT).json()["count"] == 0
    own = make_api("records:read", office=removed_pending.office, username="elp-system")
    assert own.get(REPORT).json()["count"] == 1


def test_the_report_refuses_an_unknown_format(make_api, db):
    answer = assert_error(make_api("records:read").get(REPORT, {"format": "xlsx"}), 400, "invalid")
    assert "format" in answer["fields"]


def test_each_look_at_the_report_is_logged(make_api, removed_pending):
    api = make_api("records:read")
    api.get(REPORT)
    api.get(REPORT + ".csv")
    entries = AccessLog.objects.filter(token=api.token, action=AccessAction.REPORT).order_by("id")
    assert [(e.detail["format"], e.detail["parents"]) for e in entries] == [("json", 1), ("csv", 1)]
