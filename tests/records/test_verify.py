"""Verifying a sealed record: ``manage.py verify_record`` and the verification page find an
intact record valid, and report each kind of tampering with its own reason."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from elections import services
from elections.models import SealedRecord
from elections.records import sealing, verification
from elections.selectors import election_queryset_for_rules
from tests.factories import ElectionFactory, make_auditor, make_officer, parent_data
from tests.records_support import (
    approve,
    local_tsa,
    make_keyset,
    two_child_election,
    use_keyset,
)


@pytest.fixture
def record(approved):
    return SealedRecord.objects.get(election=approved)


@pytest.fixture
def sealed(record) -> bytes:
    return sealing.sealed_pdf_bytes(record)


def run_command(path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_record", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def sql(statement: str, params: list) -> None:
    # An attacker with database access, going round the application and its guards. On
    # PostgreSQL the lock triggers refuse this; a superuser can switch them off for a session.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)


# --- Valid --------------------------------------------------------------------------------------


def test_an_untouched_record_is_valid(sealed, record, tmp_path):
    result = verification.verify_pdf(sealed)
    assert result.ok, result.problems
    assert result.record == record
    assert result.chain_head == record.chain_head

    path = tmp_path / "record.pdf"
    path.write_bytes(sealed)
    code, out, err = run_command(path)
    assert code == 0, err
    assert out.startswith("VALID")
    assert record.election.reference in out
    assert record.pdf_sha256 in out


def test_the_stored_copy_verifies(record):
    assert verification.verify_stored(record).ok


def test_a_superseded_record_still_verifies(office, officer, witness, supervisor, notices):
    first = approve(two_child_election(office, officer, witness), supervisor)
    second = ElectionFactory(
        office=office, presented_by=officer, witness=witness, parent=first.parent, submitted=True
    )
    approve(second, supervisor)
    result = verification.verify_stored(SealedRecord.objects.get(election=first))
    assert result.ok, result.problems
    assert any("after sealing" in note for note in result.notes)


def test_a_later_correction_of_the_shared_parent_row_does_not_invalidate_the_record(
    approved, office, officer, witness, supervisor
):
    # A new election for the same parent corrects their name through the application (with
    # history); the sealed record still says, and proves, what was approved.
    draft = ElectionFactory(
        office=office, presented_by=officer, witness=witness, parent=approved.parent
    )
    data = parent_data(approved.parent)
    data.full_name = "María Guadalupe Pérez de León"
    services.election_update_parent(
        election=draft,
        actor=officer,
        parent=data,
        facility=approved.facility,
        identity_method=approved.identity_method,
        identity_document=approved.identity_document,
    )
    assert verification.verify_stored(SealedRecord.objects.get(election=approved)).ok


def test_a_timestamped_record_verifies_with_its_timestamp(
    office, officer, witness, supervisor, notices, settings, tmp_path
):
    with local_tsa(tmp_path / "tsa") as tsa:
        settings.FORMSVC_TSA_URL = tsa.url
        settings.FORMSVC_TSA_CA = str(tsa.ca)
        election = approve(two_child_election(office, officer, witness), supervisor)
    record = SealedRecord.objects.get(election=election)
    path = tmp_path / "record.pdf"
    path.write_bytes(sealing.sealed_pdf_bytes(record))
    result = verification.verify_pdf(path.read_bytes())
    assert result.ok, result.problems
    assert result.timestamp_at is not None
    code, out, _err = run_command(path)
    assert code == 0
    assert "timestamp:" in out

    # Verified where the timestamp authority's root is not trusted, the timestamp is not.
    settings.FORMSVC_TSA_CA = ""
    assert verification.verify_pdf(path.read_bytes()).codes == ["timestamp_invalid"]


# --- Tampered -----------------------------------------------------------------------------------


def test_one_flipped_byte_breaks_the_seal(sealed, tmp_path):
    position = sealed.index(b"WeasyPrint")  # inside the signed document information
    tampered = bytearray(sealed)
    tampered[position] ^= 0x01
    result = verification.verify_pdf(bytes(tampered))
    assert result.codes[0] == "signature_broken"
    assert "bytes_differ" in result.codes
    # Sealed with our certificate: the file is reported altered, not "not ours".
    assert "untrusted_certificate" not in result.codes

    path = tmp_path / "flipped.pdf"
    path.write_bytes(bytes(tampered))
    code, out, err = run_command(path)
    assert code == 1
    assert "INVALID" in err
    assert "signature_broken" in err
    assert "The seal is broken" in err
    assert "untrusted_certificate" not in err and "not made with our certificate" not in err


def test_a_damaged_embedded_record_is_still_reported_against_its_record(sealed, record):
    # The flipped byte is inside the compressed record.json: the file can no longer say which
    # record it is from its content, but its PDF identifier still does.
    attachment = sealed.index(b"stream", sealed.index(b"/EmbeddedFile"))
    tampered = bytearray(sealed)
    tampered[attachment + 200] ^= 0xFF
    result = verification.verify_pdf(bytes(tampered))
    assert result.record == record
    assert result.codes[0] == "signature_broken"
    assert "not_a_record" in result.codes and "bytes_differ" in result.codes
    assert "untrusted_certificate" not in result.codes


def test_an_appended_incremental_update_is_reported(sealed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    info = writer.trailer["/Info"].get_object()
    info[generic.NameObject("/Title")] = generic.TextStringObject("Altered record")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(sealed)

    result = verification.verify_pdf(tampered)
    assert result.codes[0] == "modified_after_sealing"
    assert "bytes_differ" in result.codes
    path = tmp_path / "appended.pdf"
    path.write_bytes(tampered)
    code, _out, err = run_command(path)
    assert code == 1
    assert "modified_after_sealing" in err


def test_a_changed_database_row_is_reported(approved, sealed, tmp_path):
    item = approved.covered.first()
    sql("UPDATE elections_electionchild SET decision = %s WHERE id = %s", ["waive", item.pk])
    result = verification.verify_pdf(sealed)
    assert result.codes == ["record_changed"]
    assert "children[0].decision" in result.problems[0].detail

    path = tmp_path / "record.pdf"
    path.write_bytes(sealed)
    code, _out, err = run_command(path)
    assert code == 1
    assert "record_changed" in err
    assert "children[0].decision" in err


@pytest.mark.postgres
def test_on_postgresql_tampering_past_the_triggers_is_still_detected(approved, sealed):
    from elections.models import Signature

    if connection.vendor != "postgresql":
        pytest.skip("runs against the PostgreSQL cluster (make test-postgres)")
    item = approved.covered.first()
    sql("UPDATE elections_electionchild SET decision = %s WHERE id = %s", ["waive", item.pk])
    event = Signature.history.filter(election_id=approved.pk).order_by("history_id").first()
    sql(
        "UPDATE elections_historicalsignature SET history_change_reason = %s WHERE history_id = %s",
        ["nothing to see", event.history_id],
    )
    result = verification.verify_pdf(sealed)
    assert result.codes == ["record_changed", "chain_broken"]
    assert "children[0].decision" in result.problems[0].detail


def test_a_shared_row_changed_around_the_application_is_reported(approved, sealed):
    parent_id = approved.parent_id if connection.vendor == "postgresql" else approved.parent_id.hex
    sql("UPDATE elections_parent SET full_name = %s WHERE id = %s", ["Someone Else", parent_id])
    result = verification.verify_pdf(sealed)
    assert result.codes == ["record_changed"]
    assert "changed without history: parent" in result.problems[0].detail


def test_an_edited_audit_event_breaks_the_chain(approved, sealed, tmp_path):
    from elections.models import Signature

    event = Signature.history.filter(election_id=approved.pk).order_by("history_id").first()
    sql(
        "UPDATE elections_historicalsignature SET history_change_reason = %s WHERE history_id = %s",
        ["nothing to see", event.history_id],
    )
    result = verification.verify_pdf(sealed)
    assert result.codes == ["chain_broken"]
    assert "was changed" in result.problems[0].detail

    path = tmp_path / "record.pdf"
    path.write_bytes(sealed)
    code, _out, err = run_command(path)
    assert code == 1
    assert "chain_broken" in err


def test_a_deleted_audit_event_breaks_the_chain(approved, sealed):
    from elections.models import ElectionChild

    event = ElectionChild.history.filter(election_id=approved.pk).order_by("history_id").first()
    sql(
        "DELETE FROM elections_historicalelectionchild WHERE history_id = %s",
        [event.history_id],
    )
    result = verification.verify_pdf(sealed)
    assert result.codes == ["chain_broken"]
    assert "was deleted" in result.problems[0].detail


def test_a_reordered_audit_event_breaks_the_chain(approved, sealed):
    from elections.models import Election

    events = list(Election.history.filter(id=approved.pk).order_by("history_date"))
    sql(
        "UPDATE elections_historicalelection SET history_date = %s WHERE history_id = %s",
        [events[-1].history_date, events[0].history_id],
    )
    result = verification.verify_pdf(sealed)
    assert result.codes == ["chain_broken"]


def test_a_pdf_sealed_with_another_certificate_is_not_ours(
    office, officer, witness, supervisor, notices, settings, tmp_path
):
    ours = (
        settings.FORMSVC_SIGNING_P12,
        settings.FORMSVC_SIGNING_P12_PASSWORD,
        settings.FORMSVC_SIGNING_CA,
    )
    use_keyset(settings, make_keyset(tmp_path / "impostor", "Impostor"))
    election = approve(two_child_election(office, officer, witness), supervisor)
    data = sealing.sealed_pdf_bytes(SealedRecord.objects.get(election=election))
    (
        settings.FORMSVC_SIGNING_P12,
        settings.FORMSVC_SIGNING_P12_PASSWORD,
        settings.FORMSVC_SIGNING_CA,
    ) = ours
    result = verification.verify_pdf(data)
    assert result.codes == ["untrusted_certificate"]
    assert "Impostor seal" in result.problems[0].detail


def test_a_regenerated_pdf_is_not_the_stored_record(approved, sealed):
    # Sealed with our certificate and saying the same, but made again: not the approved bytes.
    again = sealing.render_and_seal(election_queryset_for_rules().get(pk=approved.pk))
    result = verification.verify_pdf(again.pdf)
    assert result.codes == ["bytes_differ"]


def test_a_sealed_pdf_of_an_election_never_approved_is_unknown(office, officer, witness, notices):
    election = two_child_election(office, officer, witness)
    made = sealing.render_and_seal(election_queryset_for_rules().get(pk=election.pk))
    result = verification.verify_pdf(made.pdf)
    assert result.codes == ["unknown_record"]
    assert result.record is None


def flip_stored_byte(record, position: int) -> None:
    with open(record.pdf.path, "r+b") as handle:
        handle.seek(position)
        byte = handle.read(1)[0]
        handle.seek(position)
        handle.write(bytes([byte ^ 0xFF]))


def test_a_changed_stored_file_is_reported(record, sealed):
    flip_stored_byte(record, len(sealed) // 2)
    assert "stored_file_changed" in verification.verify_pdf(sealed).codes
    assert "stored_file_changed" in verification.verify_stored(record).codes


def test_files_that_are_not_sealed_records_are_reported(tmp_path):
    from elections.records.pdf import html_to_pdf

    assert verification.verify_pdf(b"not a pdf at all").codes == ["unreadable"]
    unsigned = html_to_pdf("<p>hello</p>", variant=None)
    assert verification.verify_pdf(unsigned).codes == ["unsigned"]
    path = tmp_path / "plain.pdf"
    path.write_bytes(unsigned)
    code, _out, err = run_command(path)
    assert code == 1
    assert "unsigned" in err


def test_the_command_reports_a_missing_file(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("verify_record", str(tmp_path / "missing.pdf"))


# --- The pages ----------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def test_the_verification_page_finds_an_uploaded_record_valid(client, office, sealed, record):
    someone = make_officer(username="elsewhere")  # another field office: verifying is open
    login(client, someone)
    page = client.get(reverse("elections:verify"))
    assert page.status_code == 200
    upload = io.BytesIO(sealed)
    upload.name = "record.pdf"
    response = client.post(reverse("elections:verify"), {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valid: this is the sealed record, unaltered." in body
    assert record.election.reference in body
    assert record.election.parent.full_name not in body  # no personal data on this page


def test_the_verification_page_reports_tampering(client, sealed):
    login(client, make_auditor(username="auditor"))
    tampered = bytearray(sealed)
    tampered[sealed.index(b"WeasyPrint")] ^= 0x01
    upload = io.BytesIO(bytes(tampered))
    upload.name = "record.pdf"
    body = client.post(reverse("elections:verify"), {"file": upload}).content.decode()
    assert "Not valid" in body
    assert 'data-code="signature_broken"' in body


def test_the_verification_page_refuses_what_is_not_a_pdf(client, office):
    login(client, make_officer(office))
    upload = io.BytesIO(b"hello")
    upload.name = "notes.txt"
    response = client.post(reverse("elections:verify"), {"file": upload})
    assert "This file is not a PDF." in response.content.decode()


def test_the_qr_code_leads_to_the_stored_record_verified(client, approved, record):
    snapshot_url = json.loads(record.snapshot_json)["seal"]["verify_url"]
    assert snapshot_url.endswith(reverse("elections:verify_record", args=[approved.pk]))
    login(client, make_auditor(username="auditor"))
    response = client.get(reverse("elections:verify_record", args=[approved.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valid: this is the sealed record, unaltered." in body
    assert record.chain_head in body


def test_verification_needs_a_signed_in_user(client, approved):
    response = client.get(reverse("elections:verify_record", args=[approved.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_unknown_record_id_is_not_found(client, office):
    import uuid

    login(client, make_officer(office))
    assert client.get(reverse("elections:verify_record", args=[uuid.uuid4()])).status_code == 404


def test_an_officer_prints_the_parents_copy_as_the_stored_bytes(client, officer, approved, sealed):
    login(client, officer)
    response = client.get(reverse("elections:record_pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.streaming  # from storage, never read whole into memory
    assert b"".join(response.streaming_content) == sealed
    assert response["Content-Length"] == str(len(sealed))
    assert approved.reference in response["Content-Disposition"]


def test_the_summary_page_offers_the_parents_copy(client, officer, approved):
    login(client, officer)
    body = client.get(reverse("elections:summary", args=[approved.pk])).content.decode()
    assert reverse("elections:record_pdf", args=[approved.pk]) in body


def test_staff_of_another_office_cannot_download_the_pdf(client, approved):
    login(client, make_officer(username="elsewhere"))
    assert client.get(reverse("elections:record_pdf", args=[approved.pk])).status_code == 404


def test_a_draft_has_no_pdf(client, office, officer, witness, notices):
    election = ElectionFactory(office=office, presented_by=officer, witness=witness)
    login(client, officer)
    assert client.get(reverse("elections:record_pdf", args=[election.pk])).status_code == 404


def test_a_stored_file_that_no_longer_matches_is_not_served(client, officer, approved, record):
    flip_stored_byte(record, 100)
    login(client, officer)
    response = client.get(reverse("elections:record_pdf", args=[approved.pk]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")


def test_a_supervisor_of_the_office_downloads_it_too(client, approved, supervisor):
    login(client, supervisor)
    assert client.get(reverse("elections:record_pdf", args=[approved.pk])).status_code == 200


def test_an_auditor_does_not_get_the_parents_copy_here(client, approved):
    login(client, make_auditor(username="auditor"))
    assert client.get(reverse("elections:record_pdf", args=[approved.pk])).status_code == 404
