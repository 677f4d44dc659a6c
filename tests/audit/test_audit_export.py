"""Bulk export: a ZIP of the sealed PDFs with manifest.csv and its SHA-256; small exports stream
at once, large ones are built by the background worker; memory stays flat."""

import csv
import hashlib
import io
import tracemalloc
import warnings
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from elections.audit import exports
from elections.models import AccessAction, AccessLog, Election, ExportJob
from elections.records.sealing import sealed_pdf_bytes
from tests.audit_helpers import last_entry, make_audit_user, off_the_event_loop, sealed_world

EXPORT = reverse("audit:export_zip")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def world(notices):
    return sealed_world()


def zip_of(response) -> zipfile.ZipFile:
    body = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(body))


def manifest_rows(archive: zipfile.ZipFile) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))


@pytest.mark.django_db
def test_a_small_export_streams_the_sealed_pdfs_with_a_manifest_and_its_hash(
    client, auditor, world
):
    client.force_login(auditor)
    response = client.post(EXPORT, {"query": ""})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    archive = zip_of(response)
    assert archive.testzip() is None
    sealed = [world["first"], world["old"], world["new"]]
    pdfs = sorted(n for n in archive.namelist() if n.startswith("records/"))
    assert pdfs == sorted(f"records/{exports.pdf_file_name(e)}" for e in sealed)
    rows = {row["record_id"]: row for row in manifest_rows(archive)}
    assert set(rows) == {str(e.pk) for e in sealed}
    for election in sealed:
        row = rows[str(election.pk)]
        data = archive.read(row["pdf_file"])
        assert data == sealed_pdf_bytes(election.sealed_record)
        assert row["pdf_sha256"] == hashlib.sha256(data).hexdigest()
        assert row["pdf_sha256"] == election.sealed_record.pdf_sha256
        assert row["pdf_size"] == str(len(data))
        assert row["parent_a_number"] == election.parent.a_number
        assert row["child_a_numbers"] == "|".join(
            item.child.a_number for item in election.covered.all()
        )
        assert row["decisions"] == "|".join(item.decision for item in election.covered.all())
        assert row["approved_at"].endswith("Z") and row["status"] == election.status
    first = rows[str(world["first"].pk)]
    assert first["decisions"] == "reunify|waive"
    stated = archive.read("manifest.csv.sha256").decode()
    assert stated == f"{hashlib.sha256(archive.read('manifest.csv')).hexdigest()}  manifest.csv\n"
    assert "sha256sum -c" in archive.read("README.txt").decode()


@pytest.mark.django_db
def test_the_export_takes_the_search_and_is_recorded(client, auditor, world):
    client.force_login(auditor)
    response = client.post(EXPORT, {"query": "office=SNA"}, REMOTE_ADDR="203.0.113.9")
    rows = manifest_rows(zip_of(response))
    assert {r["record_id"] for r in rows} == {str(world["old"].pk), str(world["new"].pk)}
    entry = last_entry()
    assert entry.action == AccessAction.EXPORT_ZIP
    assert entry.detail == {
        "query": "office=SNA",
        "records": 2,
        "maximum": 50000,
        "mode": "streamed",
    }
    assert entry.ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_a_search_without_sealed_records_is_refused(client, auditor, world):
    client.force_login(auditor)
    response = client.post(EXPORT, {"query": "status=submitted"}, follow=True)
    assert "No record in this search has a sealed PDF" in response.content.decode()
    refused = AccessLog.objects.get(action=AccessAction.EXPORT_ZIP)
    assert refused.detail["refused"] is True and refused.detail["records"] == 0


@pytest.mark.django_db
def test_an_export_beyond_the_maximum_is_refused_naming_the_maximum(
    client, auditor, world, settings
):
    settings.FORMSVC_EXPORT_MAX_RECORDS = 2
    client.force_login(auditor)
    response = client.post(EXPORT, {"query": "office=ELP&office=SNA"})
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:search") + "?office=ELP&office=SNA"
    entry = last_entry()
    assert entry.action == AccessAction.EXPORT_ZIP
    assert entry.detail["refused"] is True and entry.detail["maximum"] == 2
    page = client.get(response["Location"])
    assert "an export holds at most 2" in page.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_the_zip_writer_keeps_memory_flat_whatever_the_number_of_records(world):
    election = world["first"]
    (row,) = exports.export_rows(Election.objects.filter(pk=election.pk))

    def peak(count: int) -> int:
        sink = exports._Sink()
        result = exports.ExportResult()
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the same PDF under the same name, many times
            for _ in exports.write_zip([row] * count, sink, result):
                sink.drain()
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert result.records == count
        return top

    small, large = peak(5), peak(150)
    # Holding the PDFs, or anything per record, would add 145 of each; the ZIP's directory
    # waits on disk (exports._SpilledDirectory).
    assert large - small < election.sealed_record.pdf_size
    assert large - small < 64 * 1024


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_built_by_the_worker_with_progress_and_a_download(
    client, auditor, notices, settings
):
    settings.FORMSVC_EXPORT_STREAM_MAX = 2
    world = off_the_event_loop(sealed_world)
    client.force_login(auditor)
    response = client.post(EXPORT, {"query": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:export_job", args=[job.pk])
    assert job.state == ExportJob.State.QUEUED and job.total == 3 and job.task_result_id
    entry = last_entry()
    assert entry.detail["mode"] == "background" and entry.detail["job"] == str(job.pk)

    page = client.get(response["Location"])
    assert b"<progress" in page.content
    status = client.get(reverse("audit:export_status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["download_url"] is None

    with CaptureQueriesContext(connection) as ctx:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    progress_updates = [
        q["sql"]
        for q in ctx.captured_queries
        if "elections_exportjob" in q["sql"] and '"done"' in q["sql"]
    ]
    assert len(progress_updates) >= 3  # one per record here, then the finish

    job.refresh_from_db()
    assert job.state == ExportJob.State.READY, job.error
    assert job.done == job.total == 3 and job.size > 0
    cleanup = DBTaskResult.objects.get(task_path="elections.audit.tasks.expire_exports")
    assert cleanup.status == "READY" and cleanup.run_after == job.expires_at
    assert job.expires_at - job.finished_at == timedelta(hours=settings.FORMSVC_EXPORT_LINK_HOURS)
    status = client.get(reverse("audit:export_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["download_url"]

    download = client.get(status["download_url"])
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    rows = manifest_rows(archive)
    assert {r["record_id"] for r in rows} == {str(world[n].pk) for n in ("first", "old", "new")}
    assert job.manifest_sha256 == hashlib.sha256(archive.read("manifest.csv")).hexdigest()
    assert last_entry().action == AccessAction.EXPORT_DOWNLOAD

    listing = client.get(reverse("audit:exports"))
    assert str(job.pk) in listing.content.decode()


@pytest.mark.django_db
def test_an_expired_export_is_gone_and_its_file_deleted(client, auditor, world, settings):
    from django.core.files.storage import default_storage

    settings.FORMSVC_EXPORT_STREAM_MAX = 1
    client.force_login(auditor)
    client.post(EXPORT, {"query": ""})
    job = ExportJob.objects.get()
    exports.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.READY and default_storage.exists(job.file_name)
    stored = job.file_name
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("audit:export_download", args=[job.pk]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED and not default_storage.exists(stored)
    entry = last_entry()
    assert entry.action == AccessAction.EXPORT_DOWNLOAD and entry.status_code == 410


@pytest.mark.django_db
def test_another_auditors_export_is_not_found(client, auditor, world, settings):
    settings.FORMSVC_EXPORT_STREAM_MAX = 1
    client.force_login(auditor)
    client.post(EXPORT, {"query": ""})
    job = ExportJob.objects.get()
    client.force_login(make_audit_user(username="auditor2"))
    for name in ("audit:export_job", "audit:export_status", "audit:export_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_worker_refuses_a_queued_export_that_has_grown_beyond_the_maximum(
    auditor, world, settings
):
    job = ExportJob.objects.create(requested_by=auditor, query="", total=1)
    settings.FORMSVC_EXPORT_MAX_RECORDS = 2
    job = exports.export_job_run(job_id=job.pk)
    assert job.state == ExportJob.State.FAILED
    assert "at most 2" in job.error


@pytest.mark.django_db
def test_the_expiry_task_deletes_expired_export_files(auditor, world, settings):
    from django.core.files.storage import default_storage

    from elections.audit.tasks import expire_exports

    job = ExportJob.objects.create(requested_by=auditor, query="office=SNA", total=2)
    job = exports.export_job_run(job_id=job.pk)
    stored = job.file_name
    assert default_storage.exists(stored)
    assert expire_exports.call() == {"expired": 0}
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_exports.call() == {"expired": 1}
    assert not default_storage.exists(stored)
    assert ExportJob.objects.get(pk=job.pk).state == ExportJob.State.EXPIRED
