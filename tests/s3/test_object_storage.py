"""Sealed PDFs and exports in a real S3 bucket (SeaweedFS, started by tests/s3server.py).

The whole run has FORMSVC_STORAGE=s3, so everything here goes through django-storages and boto3
to the throwaway server; the tests look into the bucket with their own boto3 client, behind the
application's back, as an administrator (or an intruder) would.
"""

import hashlib
import io
import os
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from elections import workflow
from elections.audit import exports
from elections.constants import Status
from elections.models import AccessAction, AccessLog, ExportJob
from elections.models.sealing import SealedRecord
from tests.api.support import ApiClient, assert_error, service_token
from tests.audit_helpers import make_audit_user
from tests.factories import STAFF_PASSWORD, fresh
from tests.records_support import approve, two_child_election
from tests.twofactor import second_factor_code_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_on_disk(settings, tmp_path):
    # Were anything written to the folder instead of the bucket, it would land here.
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    assert not list((tmp_path / "media").rglob("*.*")), "a file was written to MEDIA_ROOT"


@pytest.fixture
def bucket(s3_server):
    client = s3_server.client()

    class Bucket:
        def keys(self, prefix: str) -> list[str]:
            answer = client.list_objects_v2(Bucket=s3_server.bucket, Prefix=prefix)
            return [item["Key"] for item in answer.get("Contents", [])]

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=s3_server.bucket, Key=key)["Body"].read()

        def write(self, key: str, data: bytes) -> None:
            client.put_object(Bucket=s3_server.bucket, Key=key, Body=data)

    return Bucket()


@pytest.fixture
def approved(office, officer, witness, supervisor, notices):
    return approve(two_child_election(office, officer, witness), supervisor)


@pytest.fixture
def auditor(db):
    return make_audit_user()


def record_of(election) -> SealedRecord:
    return SealedRecord.objects.get(election=election)


def body(response) -> bytes:
    assert response.streaming, "the download is not streamed"
    return b"".join(response.streaming_content)


def test_the_storage_in_use_is_the_s3_bucket(s3_server):
    storage = storages["default"]
    assert type(storage).__module__ == "storages.backends.s3"
    assert storage.bucket_name == s3_server.bucket


def test_approval_puts_the_sealed_pdf_in_the_bucket_with_its_recorded_hash(approved, bucket):
    record = record_of(approved)
    keys = bucket.keys(f"records/{approved.pk}/")
    assert keys == [record.pdf.name]
    stored = bucket.read(record.pdf.name)
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == record.pdf_sha256
    assert len(stored) == record.pdf_size


def test_the_parent_copy_streams_the_stored_bytes_with_their_length_and_hash(
    client, officer, approved, bucket
):
    record = record_of(approved)
    client.force_login(officer)
    response = client.get(reverse("elections:record_pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert body(response) == bucket.read(record.pdf.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(record.pdf_size)
    assert response["X-Content-SHA256"] == record.pdf_sha256
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == f'inline; filename="record-{approved.reference}.pdf"'


def test_the_auditor_and_the_api_download_the_same_stored_bytes(client, auditor, approved, bucket):
    record = record_of(approved)
    stored = bucket.read(record.pdf.name)
    client.force_login(auditor)
    response = client.get(reverse("audit:record_pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert body(response) == stored
    assert response["Content-Length"] == str(len(stored))
    assert response["Content-Disposition"].startswith("attachment;")

    token, raw = service_token("records:read")
    api = ApiClient(token=token, raw=raw)
    response = api.get(f"/api/v1/elections/{approved.pk}/record.pdf")
    assert response.status_code == 200
    assert body(response) == stored
    assert response["Content-Length"] == str(len(stored))
    assert response["ETag"] == f'"{record.pdf_sha256}"'


def test_no_page_or_download_gives_the_browser_an_address_in_the_store(
    client, officer, approved, s3_server
):
    client.force_login(officer)
    pages = [
        client.get(reverse("elections:summary", args=[approved.pk])),
        client.get(reverse("elections:record_pdf", args=[approved.pk])),
    ]
    link = reverse("elections:record_pdf", args=[approved.pk])
    assert f'href="{link}"' in pages[0].content.decode()
    for response in pages:
        content = response.content if not response.streaming else b"".join(response)
        head = str(response.headers).encode()
        for leak in (s3_server.endpoint_url.encode(), b"X-Amz-", s3_server.bucket.encode()):
            assert leak not in content and leak not in head


def tamper(bucket, record) -> bytes:
    """Overwrite the stored object, as someone with access to the bucket could."""
    original = bucket.read(record.pdf.name)
    altered = original.replace(b"reunify", b"waive!!", 1)
    if altered == original:
        altered = original + b"\n%% altered\n"
    bucket.write(record.pdf.name, altered)
    return altered


def test_a_pdf_altered_in_the_bucket_is_refused_to_the_officer_in_their_language_and_logged(
    client, officer, approved, bucket
):
    record = record_of(approved)
    altered = tamper(bucket, record)
    client.force_login(officer)
    url = reverse("elections:record_pdf", args=[approved.pk])
    response = client.get(url)
    assert response.status_code == 503
    assert not response.streaming and b"%PDF" not in response.content
    assert "does not match the fingerprint recorded when it was sealed" in response.content.decode()
    entry = AccessLog.objects.filter(action=AccessAction.PDF).latest("at")
    assert entry.status_code == 503 and entry.detail["refused"] is True
    assert entry.detail["integrity"] == "pdf_sha256_mismatch"
    assert entry.detail["sha256"] == hashlib.sha256(altered).hexdigest()
    assert entry.detail["sealed_sha256"] == record.pdf_sha256

    with translation.override("es"):
        client.cookies["django_language"] = "es"
        spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 503
    assert "no coincide con la huella" in spanish.content.decode()


def test_a_pdf_altered_in_the_bucket_is_refused_to_the_auditor_and_the_api_and_shown_in_the_log(
    client, auditor, approved, bucket
):
    record = record_of(approved)
    tamper(bucket, record)
    client.force_login(auditor)
    response = client.get(reverse("audit:record_pdf", args=[approved.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("audit:record", args=[approved.pk])
    assert "no longer matches the SHA-256 recorded when it was sealed" in page

    token, raw = service_token("records:read")
    refused = ApiClient(token=token, raw=raw).get(f"/api/v1/elections/{approved.pk}/record.pdf")
    assert_error(refused, 503, "record_unavailable")
    assert refused["Content-Type"].startswith("application/json")

    alarms = AccessLog.objects.filter(detail__integrity="pdf_sha256_mismatch")
    assert alarms.count() == 2
    log = client.get(reverse("audit:access_log")).content.decode()
    assert log.count("stored PDF altered") == 2


def test_a_large_export_is_stored_in_the_bucket_and_downloads_from_it(
    client, auditor, approved, bucket, settings
):
    settings.FORMSVC_EXPORT_STREAM_MAX = 0  # built by the worker, kept in storage
    client.force_login(auditor)
    response = client.post(reverse("audit:export_zip"), {"query": ""})
    assert response.status_code == 302
    job = exports.export_job_run(job_id=ExportJob.objects.get().pk)
    assert job.state == ExportJob.State.READY, job.error
    assert bucket.keys("exports/") and job.file_name in bucket.keys("exports/")
    stored = bucket.read(job.file_name)
    assert len(stored) == job.size

    download = client.get(reverse("audit:export_download", args=[job.pk]))
    assert download.status_code == 200
    data = body(download)
    assert data == stored
    assert download["Content-Length"] == str(len(stored))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    record = record_of(approved)
    [pdf_name] = [n for n in archive.namelist() if n.startswith("records/")]
    assert archive.read(pdf_name) == bucket.read(record.pdf.name)


def approve_in_the_admin(client, election, *, language: str = "en"):
    client.cookies["django_language"] = language
    return client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(client),
            "attestation": "on",
            "acknowledge": ["fast_decision"],
            "token": workflow.review_token(election),
        },
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_with_the_store_down_an_approval_does_not_happen_and_the_supervisor_is_told_why(
    client, office, officer, witness, supervisor, notices, bucket, approved, s3_store_down
):
    election = two_child_election(office, officer, witness)
    # A PDF already sealed cannot be read meanwhile: a page that says so, a JSON error.
    as_officer = Client()
    as_officer.force_login(officer)
    page = as_officer.get(reverse("elections:record_pdf", args=[approved.pk]))
    assert page.status_code == 503
    assert "The record store cannot be reached right now" in page.content.decode()
    token, raw = service_token("records:read")
    refused = ApiClient(token=token, raw=raw).get(f"/api/v1/elections/{approved.pk}/record.pdf")
    assert_error(refused, 503, "store_unavailable")
    client.force_login(supervisor)
    for language, said in [
        ("es", "No se pudo conectar con el almacén de registros"),
        ("en", "The record store could not be reached"),
    ]:
        response = approve_in_the_admin(client, election, language=language)
        assert any(said in message for message in messages_of(response)), messages_of(response)
        assert fresh(election).status == Status.SUBMITTED
        assert not SealedRecord.objects.filter(election=election).exists()
    s3_store_down.start()
    assert bucket.keys(f"records/{election.pk}/") == []
    # Once the store is back, the same approval goes through, with its PDF.
    approve_in_the_admin(client, fresh(election))
    assert fresh(election).status == Status.APPROVED
    assert bucket.keys(f"records/{election.pk}/") == [record_of(election).pdf.name]


def test_a_pdf_stored_for_an_approval_that_then_fails_is_removed_from_the_bucket(
    office, officer, witness, supervisor, notices, bucket, monkeypatch
):
    election = two_child_election(office, officer, witness)

    def refuse(self, *args, **kwargs):
        raise RuntimeError("the database refused the row")

    monkeypatch.setattr(SealedRecord, "save", refuse)
    with pytest.raises(workflow.TransitionError):
        approve(election, supervisor)
    assert fresh(election).status == Status.SUBMITTED
    assert not SealedRecord.objects.filter(election=election).exists()
    assert bucket.keys(f"records/{election.pk}/") == []


def test_a_large_stored_export_downloads_in_pieces_without_being_held_in_memory(
    client, auditor, bucket, s3_server
):
    size = 8 * 1024 * 1024
    job = ExportJob.objects.create(
        requested_by=auditor,
        query="",
        total=1,
        state=ExportJob.State.READY,
        file_name=f"exports/big-{auditor.pk}.zip",
        size=size,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    data = os.urandom(size)
    bucket.write(job.file_name, data)
    client.force_login(auditor)
    url = reverse("audit:export_download", args=[job.pk])
    # A first download warms up what loads once (modules, botocore's service model: megabytes).
    first = client.get(url)
    assert sum(len(piece) for piece in first.streaming_content) == size
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming
        assert response["Content-Length"] == str(size)
        digest, received = hashlib.sha256(), 0
        for piece in response.streaming_content:
            digest.update(piece)
            received += len(piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == size and digest.hexdigest() == hashlib.sha256(data).hexdigest()
    # Streamed: the peak is a few pieces of 64 KiB, far from the 8 MiB of the file.
    assert peak < size // 4, f"peak {peak} bytes while downloading {size}"
