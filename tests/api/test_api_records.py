"""Records through the API: the elections list with its filters and cursor pages, one election,
and its sealed PDF, byte for byte; each look logged with the token, like an auditor's."""

import hashlib

import pytest
from django.utils import timezone

from elections.constants import Decision, Status
from elections.identifiers import format_a_number
from elections.models import AccessAction, AccessLog
from elections.records.sealing import sealed_pdf_bytes
from tests.api.support import assert_error
from tests.audit_helpers import sealed_world
from tests.factories import load_project_notices

pytestmark = pytest.mark.django_db

LIST = "/api/v1/elections/"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (sealing each record takes a while), rolled back after it."""
    from django.db import transaction
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_project_notices()
            yield sealed_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def detail_url(election) -> str:
    return f"/api/v1/elections/{election.pk}"


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_list_shows_each_election_with_its_parent_children_and_sealed_pdf(make_api, world):
    first = world["first"]
    body = make_api("records:read").get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    row = next(r for r in body["results"] if r["id"] == str(first.pk))
    assert row["reference"] == first.reference
    assert row["status"] == Status.APPROVED
    assert row["office"] == "ELP"
    assert row["parent"] == {"a_number": first.parent.a_number, "name": first.parent.full_name}
    assert [c["decision"] for c in row["children"]] == [Decision.REUNIFY, Decision.WAIVE]
    assert {c["a_number"] for c in row["children"]} == {
        item.child.a_number for item in first.covered.all()
    }
    assert row["pdf_sha256"] == first.sealed_record.pdf_sha256
    assert row["approved_at"] is not None
    submitted = next(r for r in body["results"] if r["id"] == str(world["submitted"].pk))
    assert submitted["pdf_sha256"] is None and submitted["approved_at"] is None


def test_the_list_filters_by_status_decision_office_and_a_number(make_api, world):
    api = make_api("records:read")
    assert ids(api.get(LIST, {"status": "approved"})) == {
        str(world["first"].pk),
        str(world["new"].pk),
    }
    assert ids(api.get(LIST, {"status": "superseded"})) == {str(world["old"].pk)}
    assert ids(api.get(LIST, {"decision": "waive"})) == {str(world["first"].pk)}
    assert ids(api.get(LIST, {"office": "sna"})) == {str(world["old"].pk), str(world["new"].pk)}
    parent = world["old"].parent
    # The A-number as typed on paper: dashes, no leading zero, lower case.
    typed = format_a_number(parent.a_number).lower()
    assert ids(api.get(LIST, {"a_number": typed})) == {str(world["old"].pk), str(world["new"].pk)}
    child = world["first"].covered.first().child
    assert ids(api.get(LIST, {"a_number": child.a_number})) == {str(world["first"].pk)}


def test_the_list_filters_by_approval_time(make_api, world):
    api = make_api("records:read")
    new = world["new"]
    assert ids(api.get(LIST, {"approved_after": new.approved_at.isoformat()})) == {str(new.pk)}
    day = new.approved_at.date().isoformat()
    assert str(new.pk) in ids(api.get(LIST, {"approved_after": day}))
    assert ids(api.get(LIST, {"approved_after": "2999-01-01"})) == set()


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"a_number": "12-34"}, "a_number_format", "a_number"),
        ({"approved_after": "last tuesday"}, "invalid_date", "approved_after"),
        ({"approved_after": "2026-02-30"}, "invalid_date", "approved_after"),
        ({"status": "pending"}, "invalid", "status"),
        ({"decision": "maybe"}, "invalid", "decision"),
        ({"office": "NOPE"}, "unknown_office", "office"),
    ],
)
def test_a_malformed_filter_is_a_400_naming_the_field(make_api, world, params, code, field):
    body = assert_error(make_api("records:read").get(LIST, params), 400, code)
    assert field in body["fields"]


def test_a_malformed_a_number_names_the_expected_form(make_api, world):
    body = assert_error(
        make_api("records:read").get(LIST, {"a_number": "B-1"}), 400, "a_number_format"
    )
    assert "A012345678" in body["detail"] and "8 or 9 digits" in body["detail"]


def test_pages_follow_next_through_every_election_once(make_api, world):
    api = make_api("records:read")
    seen, url, params = [], LIST, {"page_size": 1}
    while url:
        response = api.get(url, params)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 4
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    assert len(seen) == 4 and len(set(seen)) == 4


def test_a_cursor_the_api_did_not_give_is_a_json_404(make_api, world):
    assert_error(make_api("records:read").get(LIST, {"cursor": "bogus"}), 404, "not_found")


def test_a_token_limited_to_an_office_sees_only_that_office(make_api, world):
    api = make_api("records:read", office=world["sna"].office)
    assert ids(api.get(LIST)) == {str(world["old"].pk), str(world["new"].pk)}
    assert api.get(LIST).json()["count"] == 2
    assert api.get(detail_url(world["new"])).status_code == 200
    assert_error(api.get(detail_url(world["first"])), 404, "not_found")
    assert_error(api.get(detail_url(world["first"]) + "/record.pdf"), 404, "not_found")


def test_a_token_limited_to_an_office_may_not_ask_for_another_office(make_api, world):
    api = make_api("records:read", office=world["sna"].office)
    body = assert_error(api.get(LIST, {"office": "ELP"}), 403, "office_not_allowed")
    assert "SNA" in body["detail"]
    assert api.get(LIST, {"office": "SNA"}).status_code == 200


def test_one_election_shows_its_notice_delivery_signatures_and_times(make_api, world):
    first = world["first"]
    body = make_api("records:read").get(detail_url(first)).json()
    assert body["id"] == str(first.pk)
    assert body["status"] == "approved"
    assert body["office"] == "ELP" and body["office_name"] == first.office.name
    assert body["notice_language"] == first.notice_language
    assert body["notice_version"] == first.notice_version.version
    assert body["delivery_mode"] == first.delivery_mode
    roles = {s["role"] for s in body["signatures"]}
    assert {"parent", "officer", "witness"} <= roles
    assert all(s["method"] and s["signed_at"] for s in body["signatures"])
    assert body["submitted_at"] and body["approved_at"] and body["created_at"]
    assert body["record_pdf"] == detail_url(first) + "/record.pdf"
    assert body["pdf_sha256"] == first.sealed_record.pdf_sha256


def test_a_superseded_election_names_the_one_that_replaced_it(make_api, world):
    api = make_api("records:read")
    assert api.get(detail_url(world["old"])).json()["superseded_by"] == str(world["new"].pk)
    assert api.get(detail_url(world["new"])).json()["supersedes"] == str(world["old"].pk)


def test_the_pdf_is_the_stored_sealed_bytes_with_their_sha256(make_api, world):
    first = world["first"]
    response = make_api("records:read").get(detail_url(first) + "/record.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    stored = sealed_pdf_bytes(first.sealed_record)
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Length"] == str(len(stored))
    sha256 = hashlib.sha256(stored).hexdigest()
    assert response["X-Content-SHA256"] == sha256 == first.sealed_record.pdf_sha256
    assert response["ETag"] == f'"{sha256}"'
    assert "attachment" in response["Content-Disposition"]
    assert first.reference in response["Content-Disposition"]


def test_an_election_never_approved_has_no_pdf_404(make_api, world):
    response = make_api("records:read").get(detail_url(world["submitted"]) + "/record.pdf")
    body = assert_error(response, 404, "not_found")
    assert "never approved" in body["detail"]


def test_a_pdf_that_no_longer_matches_its_sha256_is_not_served(make_api, world):
    record = world["first"].sealed_record
    stored = sealed_pdf_bytes(record)
    try:
        with record.pdf.open("wb") as handle:
            handle.write(b"%PDF-1.7 altered")
        response = make_api("records:read").get(detail_url(world["first"]) + "/record.pdf")
        assert_error(response, 503, "record_unavailable")
    finally:
        with record.pdf.open("wb") as handle:
            handle.write(stored)


def test_each_look_is_logged_with_the_token_like_an_auditors(make_api, world):
    api = make_api("records:read")
    first = world["first"]
    api.get(LIST, {"status": "approved"})
    api.get(detail_url(first))
    api.get(detail_url(first) + "/record.pdf")
    entries = list(AccessLog.objects.filter(token=api.token).order_by("id"))
    assert [e.action for e in entries] == [AccessAction.PAGE, AccessAction.PAGE, AccessAction.PDF]
    assert all(e.user == api.token.user and e.role == "service" for e in entries)
    assert entries[0].detail["filters"] == {"status": "approved"}
    assert entries[1].election == first and entries[1].status_code == 200
    assert entries[2].election == first
    assert entries[2].detail["sha256"] == first.sealed_record.pdf_sha256


def test_a_look_at_an_election_that_is_not_there_is_logged_too(make_api, world):
    api = make_api("records:read", office=world["sna"].office)
    api.get(detail_url(world["first"]))
    entry = AccessLog.objects.get(token=api.token)
    assert entry.status_code == 404 and entry.election is None


def test_an_offset_sent_with_an_unencoded_plus_is_read_back(make_api, world):
    new = world["new"]
    moment = new.approved_at.astimezone(timezone.get_fixed_timezone(60)).isoformat()
    assert "+01:00" in moment
    api = make_api("records:read")
    # What a client sends when it forgets to encode "+": the server receives a space.
    response = api.get(LIST + "?approved_after=" + moment.replace("+", "%20"))
    assert ids(response) == {str(new.pk)}
