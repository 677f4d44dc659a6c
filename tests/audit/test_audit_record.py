"""One record as the auditor sees it: the record, its history, its verification, its PDF, and
every election of the same parent."""

import hashlib

import pytest
from django.urls import reverse

from elections.constants import Status
from elections.models import AccessAction
from elections.records.sealing import sealed_pdf_bytes
from tests.audit_helpers import last_entry, make_audit_user, sealed_world, statements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def world(notices):
    return sealed_world()


def record_url(election) -> str:
    return reverse("audit:record", args=[election.pk])


def test_the_record_page_shows_the_record_history_verification_and_download(client, auditor, world):
    election = world["first"]
    client.force_login(auditor)
    response = client.get(record_url(election))
    assert response.status_code == 200
    html = response.content.decode()
    assert election.parent.full_name in html
    for item in election.covered.all():
        assert item.child.full_name in html
    assert "Signatures" in html and "Presenting officer" in html
    assert response.context["verification"].outcome == "valid"
    assert "Valid." in html
    assert election.sealed_record.pdf_sha256 in html
    assert reverse("audit:record_pdf", args=[election.pk]) in html
    reasons = [entry["reason"] for entry in response.context["history"]]
    assert "approved" in reasons and "submitted for approval" in reasons
    assert "Full history" in html


def test_the_chain_lists_every_election_of_the_parent_superseded_ones_included(
    client, auditor, world
):
    old, new = world["old"], world["new"]
    assert old.status == Status.SUPERSEDED
    client.force_login(auditor)
    response = client.get(record_url(new))
    chain = response.context["chain"]
    assert [e.pk for e in chain] == [old.pk, new.pk]
    html = response.content.decode()
    assert record_url(old) in html and "Superseded" in html
    old_page = client.get(record_url(old))
    assert [e.pk for e in old_page.context["chain"]] == [old.pk, new.pk]
    # A superseded record keeps the PDF it was approved with, still valid.
    assert old_page.context["verification"].outcome == "valid"


def test_an_election_never_approved_has_no_pdf(client, auditor, world):
    election = world["submitted"]
    client.force_login(auditor)
    response = client.get(record_url(election))
    assert response.status_code == 200
    assert response.context["sealed"] is None
    assert "No sealed PDF" in response.content.decode()
    pdf = client.get(reverse("audit:record_pdf", args=[election.pk]))
    assert pdf.status_code == 404
    entry = last_entry()
    assert entry.action == AccessAction.PDF and entry.status_code == 404
    assert entry.election_id == election.pk


def test_the_pdf_download_is_the_stored_sealed_bytes_and_is_recorded(client, auditor, world):
    election = world["first"]
    client.force_login(auditor)
    response = client.get(
        reverse("audit:record_pdf", args=[election.pk]), REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.streaming  # from storage, never read whole into memory
    data = b"".join(response.streaming_content)
    assert data == sealed_pdf_bytes(election.sealed_record)
    assert response["Content-Length"] == str(len(data))
    assert hashlib.sha256(data).hexdigest() == response["X-Content-SHA256"]
    entry = last_entry()
    assert entry.action == AccessAction.PDF and entry.election_id == election.pk
    assert entry.detail["sha256"] == election.sealed_record.pdf_sha256
    assert entry.ip_address == "198.51.100.4" and entry.status_code == 200


def test_a_changed_stored_pdf_is_reported_tampered_and_not_served(client, auditor, world):
    election = world["first"]
    path = election.sealed_record.pdf.path
    with open(path, "r+b") as handle:
        handle.seek(400)
        byte = handle.read(1)
        handle.seek(400)
        handle.write(bytes([byte[0] ^ 0x01]))
    client.force_login(auditor)
    page = client.get(record_url(election))
    assert page.context["verification"].outcome == "tampered"
    assert "Tampered." in page.content.decode()
    response = client.get(reverse("audit:record_pdf", args=[election.pk]), follow=True)
    assert response.redirect_chain[-1][0] == record_url(election)
    assert "no longer matches" in response.content.decode()
    refused = [e for e in election.access_log.all() if e.action == AccessAction.PDF]
    assert refused[0].detail["refused"] is True


def test_the_record_page_costs_the_same_queries_for_a_longer_chain(client, auditor, world):
    client.force_login(auditor)
    new = world["new"]
    before = statements(client, record_url(new))
    world["sna"].election(stage="started", parent=new.parent)
    after = statements(client, record_url(new))
    assert after == before


def test_the_parents_copy_button_gives_the_sealed_bytes_through_the_logged_download(
    client, auditor, world
):
    election = world["first"]
    client.force_login(auditor)
    html = client.get(record_url(election)).content.decode()
    officers_copy = reverse("elections:record_pdf", args=[election.pk])
    assert f'href="{officers_copy}"' not in html
    button = html.split("Print the parent&#x27;s copy (sealed PDF)")[0].rsplit("<a ", 1)[1]
    own_download = reverse("audit:record_pdf", args=[election.pk])
    assert f'href="{own_download}"' in button
    response = client.get(own_download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sealed_pdf_bytes(election.sealed_record)
    entry = last_entry()
    assert entry.action == AccessAction.PDF and entry.election_id == election.pk
    assert entry.user == auditor and entry.status_code == 200
