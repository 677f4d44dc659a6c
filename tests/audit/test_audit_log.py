"""The access log: append-only, one entry per look an auditor takes, browsable and exportable."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from elections.models import AccessAction, AccessLog
from elections.models.audit import AccessLogIsAppendOnly
from tests.audit_helpers import el_paso, last_entry, make_audit_user

pytestmark = pytest.mark.django_db

LOG = reverse("audit:access_log")
LOG_CSV = reverse("audit:access_log_csv")


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def entry(auditor):
    return AccessLog.objects.create(
        user=auditor,
        username="auditor",
        role="auditor",
        action=AccessAction.PAGE,
        method="GET",
        path="/audit/",
    )


def test_an_entry_cannot_be_changed_through_the_model(entry):
    entry.path = "/somewhere-else/"
    with pytest.raises(AccessLogIsAppendOnly):
        entry.save()
    assert AccessLog.objects.get(pk=entry.pk).path == "/audit/"


def test_an_entry_cannot_be_deleted_through_the_model(entry):
    with pytest.raises(AccessLogIsAppendOnly):
        entry.delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_queryset_refuses_bulk_changes_and_deletes(entry):
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.filter(pk=entry.pk).update(path="/x/")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.all().delete()
    entry.path = "/y/"
    with pytest.raises(AccessLogIsAppendOnly), transaction.atomic():
        AccessLog.objects.bulk_update([entry], ["path"])
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.bulk_create(
            [AccessLog(**{**_fields(entry), "id": entry.pk})],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["path"],
        )
    assert AccessLog.objects.get(pk=entry.pk).path == "/audit/"


def _fields(entry) -> dict:
    return {
        f.attname: getattr(entry, f.attname) for f in AccessLog._meta.concrete_fields if f.attname
    }


def test_the_database_refuses_a_raw_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE elections_accesslog SET path = '/forged/' WHERE id = %s", [entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).path == "/audit/"


@pytest.mark.postgres
def test_postgresql_refuses_a_raw_update_or_delete(entry):
    assert connection.vendor == "postgresql"
    for sql in (
        "UPDATE elections_accesslog SET path = '/forged/' WHERE id = %s",
        "DELETE FROM elections_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).path == "/audit/"


def test_the_log_page_lists_entries_newest_first_and_records_its_own_opening(client, auditor):
    client.force_login(auditor)
    client.get(reverse("audit:dashboard"))
    client.get(reverse("audit:search"), {"office": "ELP"})
    response = client.get(LOG)
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [e.path for e in entries[:2]] == ["/audit/?office=ELP", "/audit/dashboard/"]
    assert last_entry().path == LOG
    html = response.content.decode()
    assert "/audit/?office=ELP" in html and "Opened a page" in html


def test_the_log_filters_by_user_action_and_date(client, auditor):
    other = make_audit_user(username="auditor2")
    client.force_login(other)
    client.get(reverse("audit:dashboard"))
    client.force_login(auditor)
    client.get(reverse("audit:search_csv"))
    by_user = client.get(LOG, {"username": "auditor2"}).context["page"].object_list
    assert {e.username for e in by_user} == {"auditor2"}
    by_action = client.get(LOG, {"action": "export_csv"}).context["page"].object_list
    assert [e.action for e in by_action] == [AccessAction.EXPORT_CSV]
    bad = client.get(LOG, {"date_from": "yesterday", "action": ["pdf", "teleport"]})
    problems = " ".join(bad.context["filter_problems"])
    assert "teleport" in problems and "not a date" in problems


def test_the_log_exports_as_csv_including_the_export_itself(client, auditor):
    client.force_login(auditor)
    client.get(reverse("audit:dashboard"), REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox")
    response = client.get(LOG_CSV)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["Action"] for r in rows] == ["Exported the access log", "Opened a page"]
    dashboard = rows[1]
    assert dashboard["User"] == "auditor" and dashboard["IP address"] == "192.0.2.7"
    assert dashboard["Browser"] == "Firefox" and dashboard["Address"] == "/audit/dashboard/"
    assert dashboard["When (UTC)"].endswith("+00:00")
    assert last_entry().action == AccessAction.LOG_EXPORT


def test_a_page_that_is_not_found_is_still_recorded(client, auditor):
    client.force_login(auditor)
    url = reverse("audit:record", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
    entry = last_entry()
    assert entry.path == url and entry.status_code == 404


def test_a_record_page_is_recorded_with_its_election(client, auditor, notices):
    election = el_paso().election(stage="submitted")
    client.force_login(auditor)
    assert client.get(reverse("audit:record", args=[election.pk])).status_code == 200
    entry = last_entry()
    assert entry.action == AccessAction.PAGE and entry.election_id == election.pk


def test_a_forwarded_for_header_is_not_trusted_as_the_address(client, auditor):
    client.force_login(auditor)
    client.get(reverse("audit:search"), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert last_entry().ip_address == "10.0.0.5"


def test_officers_leave_no_auditor_entries(client, notices):
    team = el_paso()
    client.force_login(team.officer)
    client.get(reverse("elections:home"))
    assert not AccessLog.objects.exists()
