"""Sealing at approval (R9): rendered once from what was approved, stored with its SHA-256,
never made again; the snapshot's canonical JSON and the audit hash chain."""

import hashlib
import json

import pytest

from elections import workflow
from elections.constants import Decision
from elections.models import Election, SealedRecord
from elections.models.sealing import SealedRecordWriteOnce
from elections.records import sealing
from elections.records import snapshot as snap
from tests.factories import ChildDataFactory, ElectionFactory, fresh
from tests.records_support import approve, two_child_election


def stored_bytes(election) -> bytes:
    return sealing.sealed_pdf_bytes(SealedRecord.objects.get(election=election))


def test_approval_seals_the_record_and_stores_the_bytes_with_their_sha256(approved):
    record = SealedRecord.objects.get(election=approved)
    data = stored_bytes(approved)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == record.pdf_sha256
    assert record.pdf_size == len(data)
    assert record.language == "es"
    assert record.created_at >= approved.approved_at
    assert record.chain_length == len(snap.audit_events(approved.pk))


def test_the_snapshot_is_the_canonical_json_of_what_was_approved(approved):
    record = SealedRecord.objects.get(election=approved)
    assert hashlib.sha256(record.snapshot_json.encode()).hexdigest() == record.snapshot_sha256
    snapshot = json.loads(record.snapshot_json)
    assert snap.canonical_json(snapshot).decode() == record.snapshot_json
    assert snapshot["schema"] == snap.SCHEMA
    assert snapshot["record"] == snap.normalised(snap.record_facts(fresh(approved)))
    assert snapshot["record"]["election"]["approved_by_id"] == approved.approved_by_id
    assert [c["decision"] for c in snapshot["record"]["children"]] == ["reunify", "waive"]
    assert snapshot["audit_trail"]["head"] == record.chain_head


def test_canonical_json_is_stable_whatever_the_key_order_and_time_zone():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2021, 5, 18, 14, 5, tzinfo=ZoneInfo("America/Denver"))
    one = snap.canonical_json({"b": moment, "a": "María"})
    other = snap.canonical_json({"a": "María", "b": moment.astimezone(UTC)})
    assert one == other == '{"a":"María","b":"2021-05-18T20:05:00.000000Z"}'.encode()


def test_canonical_json_refuses_naive_datetimes_and_binary_data():
    from datetime import datetime

    with pytest.raises(ValueError):
        snap.canonical_json({"at": datetime(2021, 5, 18)})
    with pytest.raises(TypeError):
        snap.canonical_json({"image": b"\x89PNG"})


def test_the_chain_links_every_history_event_to_the_one_before(approved):
    chain = snap.build_chain(snap.audit_events(approved.pk))
    assert chain[0]["prev"] == snap.GENESIS
    for previous, entry in zip(chain, chain[1:], strict=False):
        assert entry["prev"] == previous["hash"]
        assert entry["hash"] == snap.chain_entry_hash(entry)
    sources = {entry["source"] for entry in chain}
    assert sources == {"election", "election_child", "signature"}
    assert chain[-1]["reason"] == "approved"


def test_a_changed_deleted_or_reordered_event_changes_the_head(approved):
    events = snap.normalised(snap.audit_events(approved.pk))
    head = snap.chain_head(snap.build_chain(events))

    changed = json.loads(json.dumps(events))
    changed[3]["reason"] = "something else"
    deleted = events[:3] + events[4:]
    reordered = [events[1], events[0], *events[2:]]
    for variant in (changed, deleted, reordered):
        assert snap.chain_head(snap.build_chain(variant)) != head


def test_the_chain_covers_interpreter_rows_when_there_is_one(
    office, officer, witness, supervisor, notices
):
    election = approve(two_child_election(office, officer, witness, language="quc"), supervisor)
    chain = snap.build_chain(snap.audit_events(election.pk))
    assert "interpreter" in {entry["source"] for entry in chain}
    record = SealedRecord.objects.get(election=election)
    # A K'iche' speaker, served in Spanish through an interpreter: the record is in Spanish.
    assert record.language == "es"


def test_a_sealed_record_can_never_be_changed_or_deleted(approved):
    record = SealedRecord.objects.get(election=approved)
    record.pdf_sha256 = "0" * 64
    with pytest.raises(SealedRecordWriteOnce):
        record.save()
    with pytest.raises(SealedRecordWriteOnce):
        record.delete()
    with pytest.raises(SealedRecordWriteOnce):
        SealedRecord.objects.filter(pk=record.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(SealedRecordWriteOnce):
        SealedRecord.objects.filter(pk=record.pk).delete()
    assert SealedRecord.objects.get(pk=record.pk).pdf_sha256 != "0" * 64


def test_sealing_twice_is_refused(approved):
    from django.db import transaction

    with pytest.raises(sealing.SealingFailed), transaction.atomic():
        sealing.election_seal(election=approved)
    assert SealedRecord.objects.filter(election=approved).count() == 1


def test_sealing_outside_the_approval_transaction_is_refused(approved):
    with pytest.raises(sealing.SealingFailed):
        sealing.election_seal(election=approved)


@pytest.mark.django_db(transaction=True)
def test_when_sealing_fails_the_approval_does_not_take_effect(
    office, officer, witness, supervisor, notices, monkeypatch
):
    election = two_child_election(office, officer, witness)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(sealing, "html_to_pdf", broken)
    with pytest.raises(sealing.SealingFailed):
        approve(election, supervisor)
    election = Election.objects.get(pk=election.pk)
    assert election.status == "submitted"
    assert election.approved_at is None
    assert not SealedRecord.objects.filter(election=election).exists()
    assert not election.history.filter(history_change_reason="approved").exists()


def test_sealing_failure_is_a_transition_error_the_supervisor_sees():
    assert issubclass(sealing.SealingFailed, workflow.TransitionError)


def test_superseding_an_approved_election_keeps_its_pdf(
    office, officer, witness, supervisor, notices
):
    first = approve(two_child_election(office, officer, witness), supervisor)
    sealed = SealedRecord.objects.get(election=first)
    before = stored_bytes(first)

    second = ElectionFactory(
        office=office,
        presented_by=officer,
        witness=witness,
        parent=first.parent,
        submitted=True,
        children=[
            ChildDataFactory(
                full_name=c.child.full_name,
                date_of_birth=c.child.date_of_birth,
                a_number=c.child.a_number,
            )
            for c in first.covered.all()
        ],
        decisions=[Decision.WAIVE, Decision.WAIVE],
    )
    assert second.supersedes_id == first.pk
    second = approve(second, supervisor)

    first = fresh(first)
    assert first.status == "superseded"
    assert SealedRecord.objects.filter(election=first).count() == 1
    again = SealedRecord.objects.get(election=first)
    assert (again.pk, again.pdf_sha256, again.snapshot_sha256) == (
        sealed.pk,
        sealed.pdf_sha256,
        sealed.snapshot_sha256,
    )
    assert stored_bytes(first) == before
    assert SealedRecord.objects.get(election=second).pdf_sha256 != sealed.pdf_sha256


def test_the_record_shows_the_approval_the_supervisor_gave(approved):
    snapshot = json.loads(SealedRecord.objects.get(election=approved).snapshot_json)
    election = snapshot["record"]["election"]
    assert election["approval_attestation"]
    assert snapshot["context"]["people"][str(approved.approved_by_id)]["full_name"] == (
        "Diane Okafor"
    )


def test_a_fast_decision_is_acknowledged_and_sealed_with_its_warning(approved):
    # The factory's parent decides within seconds of the notice: R13 flags it.
    snapshot = json.loads(SealedRecord.objects.get(election=approved).snapshot_json)
    codes = [w["code"] for w in snapshot["record"]["election"]["acknowledged_warnings"]]
    assert "fast_decision" in codes
    assert snapshot["context"]["rules"]["min_decision_minutes"] == 30


def test_history_rows_of_other_elections_are_not_in_the_chain(
    office, officer, witness, supervisor, notices
):
    one = approve(two_child_election(office, officer, witness), supervisor)
    other = ElectionFactory(office=office, presented_by=officer, witness=witness, ready=True)
    chain = snap.build_chain(snap.audit_events(one.pk))
    assert str(other.pk) not in json.dumps(chain)


def test_ensure_signing_key_makes_a_development_certificate_once(settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.FORMSVC_SIGNING_P12 = tmp_path / "signing" / "signing.p12"
    settings.FORMSVC_SIGNING_CA = tmp_path / "signing" / "ca.pem"
    out = io.StringIO()
    call_command("ensure_signing_key", stdout=out)
    assert "Generated a development signing certificate" in out.getvalue()
    assert settings.FORMSVC_SIGNING_P12.exists() and settings.FORMSVC_SIGNING_CA.exists()
    first = settings.FORMSVC_SIGNING_P12.read_bytes()
    out = io.StringIO()
    call_command("ensure_signing_key", stdout=out)
    assert "Using the signing certificate" in out.getvalue()
    assert settings.FORMSVC_SIGNING_P12.read_bytes() == first


def test_without_debug_a_missing_certificate_is_an_error_not_a_new_one(settings, tmp_path):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    settings.TESTING = False
    settings.FORMSVC_SIGNING_P12 = tmp_path / "missing.p12"
    settings.FORMSVC_SIGNING_CA = tmp_path / "missing.pem"
    with pytest.raises(CommandError, match="FORMSVC_SIGNING_P12"):
        call_command("ensure_signing_key")
    assert not settings.FORMSVC_SIGNING_P12.exists()
