"""An auditor's verification counts as an access wherever it happens (DESIGN.md §2, auditor)."""

import io

from django.urls import reverse

from elections.models import AccessLog
from elections.models.audit import AccessAction
from tests.factories import make_auditor


def test_an_auditors_verification_on_the_shared_pages_enters_their_access_log(
    client, approved, sealed
):
    client.force_login(make_auditor(username="auditor"))
    upload = io.BytesIO(sealed)
    upload.name = "record.pdf"
    assert client.post(reverse("elections:verify"), {"file": upload}).status_code == 200
    assert client.get(reverse("elections:verify_record", args=[approved.pk])).status_code == 200
    entries = list(AccessLog.objects.filter(action=AccessAction.VERIFY).order_by("id"))
    assert [e.username for e in entries] == ["auditor", "auditor"]
    assert all(e.election_id == approved.pk for e in entries)
    assert entries[0].detail["ok"] is True


def test_an_officers_verification_does_not_enter_the_auditors_access_log(
    client, approved, sealed, officer
):
    client.force_login(officer)
    assert client.get(reverse("elections:verify_record", args=[approved.pk])).status_code == 200
    assert not AccessLog.objects.exists()
