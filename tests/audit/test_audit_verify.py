"""Verify an uploaded PDF or an exported ZIP: each file valid, tampered (why) or unknown; bad
uploads (not a PDF, too large, a ZIP bomb, too many files) refused with the reason."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elections.audit import verify_uploads
from elections.models import AccessAction
from elections.records.sealing import sealed_pdf_bytes
from tests.audit_helpers import last_entry, make_audit_user, sealed_world

pytestmark = pytest.mark.django_db

VERIFY = reverse("audit:verify")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def world(notices):
    return sealed_world()


def upload(client, name: str, data: bytes, content_type="application/octet-stream", **extra):
    return client.post(
        VERIFY, {"file": SimpleUploadedFile(name, data, content_type=content_type)}, **extra
    )


def exported_zip(client) -> bytes:
    response = client.post(reverse("audit:export_zip"), {"query": ""})
    return b"".join(response.streaming_content)


def rebuild(data: bytes, change) -> bytes:
    """A copy of a ZIP with ``change(name, bytes) -> bytes | None`` applied (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def outcomes(response) -> dict[str, str]:
    return {f.name: f.outcome for f in response.context["report"].files}


def test_a_sealed_pdf_is_valid_and_the_verification_is_recorded(client, auditor, world):
    election = world["first"]
    client.force_login(auditor)
    response = upload(client, "record.pdf", sealed_pdf_bytes(election.sealed_record))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.kind == "pdf" and [f.outcome for f in report.files] == ["valid"]
    assert report.files[0].election_id == str(election.pk)
    html = response.content.decode()
    assert "1 valid, 0 tampered, 0 unknown." in html
    assert reverse("audit:record", args=[election.pk]) in html
    entry = last_entry()
    assert entry.action == AccessAction.VERIFY and entry.status_code == 200
    assert entry.detail["valid"] == 1 and entry.detail["file"] == "record.pdf"
    assert entry.detail["files"] == [
        {"name": "record.pdf", "outcome": "valid", "record": str(election.pk)}
    ]


def test_a_changed_pdf_is_tampered_with_the_reason(client, auditor, world):
    data = sealed_pdf_bytes(world["first"].sealed_record)
    client.force_login(auditor)
    # Inside the first content stream: covered by the seal, and the file still parses.
    response = upload(client, "record.pdf", flip(data, data.index(b"stream") + 100))
    file = response.context["report"].files[0]
    assert file.outcome == "tampered"
    assert any("seal is broken" in reason for reason in file.reasons)
    assert any("differs from the sealed PDF" in reason for reason in file.reasons)
    assert "Tampered" in response.content.decode()


def test_a_pdf_that_is_not_ours_is_unknown(client, auditor, world):
    client.force_login(auditor)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = upload(client, "other.pdf", pdf)
    file = response.context["report"].files[0]
    assert file.outcome == "unknown" and file.reasons


def test_an_exported_zip_is_checked_file_by_file_and_against_its_manifest(client, auditor, world):
    client.force_login(auditor)
    response = upload(client, "export.zip", exported_zip(client), "application/zip")
    report = response.context["report"]
    assert report.kind == "zip" and report.manifest_ok is True
    assert [f.outcome for f in report.files] == ["valid"] * 3
    assert "3 valid, 0 tampered, 0 unknown." in response.content.decode()
    assert "manifest.csv matches its SHA-256" in response.content.decode()
    entry = last_entry()
    assert entry.detail["kind"] == "zip" and entry.detail["valid"] == 3
    assert entry.detail["manifest_ok"] is True


def test_a_pdf_changed_inside_the_zip_is_tampered_and_the_rest_stay_valid(client, auditor, world):
    client.force_login(auditor)
    target = f"records/{world['old'].reference}_{world['old'].pk}.pdf"
    data = rebuild(
        exported_zip(client),
        lambda name, b: flip(b, b.index(b"stream") + 100) if name == target else b,
    )
    response = upload(client, "export.zip", data)
    result = outcomes(response)
    assert result[target] == "tampered"
    assert sorted(result.values()) == ["tampered", "valid", "valid"]
    tampered = next(f for f in response.context["report"].files if f.name == target)
    assert any("manifest.csv" in reason for reason in tampered.reasons)


def test_an_edited_manifest_is_reported(client, auditor, world):
    client.force_login(auditor)

    def edit(name, data):
        if name != "manifest.csv":
            return data
        rows = list(csv.reader(io.StringIO(data.decode())))
        rows[1][6] = "waive"  # someone rewrites a decision in the manifest
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode()

    response = upload(client, "export.zip", rebuild(exported_zip(client), edit))
    report = response.context["report"]
    assert report.manifest_ok is False
    assert any("manifest.csv was changed" in p for p in report.manifest_problems)
    assert last_entry().detail["manifest_ok"] is False


def test_a_pdf_missing_from_the_zip_or_a_stray_file_is_reported(client, auditor, world):
    client.force_login(auditor)
    dropped = f"records/{world['first'].reference}_{world['first'].pk}.pdf"

    def change(name, data):
        return None if name == dropped else data

    buffer = io.BytesIO(rebuild(exported_zip(client), change))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("notes.txt", "not a record")
    response = upload(client, "export.zip", buffer.getvalue())
    report = response.context["report"]
    assert any(dropped in problem for problem in report.manifest_problems)
    assert outcomes(response)["notes.txt"] == "unknown"


def test_a_file_that_is_neither_pdf_nor_zip_is_refused_with_the_reason(client, auditor):
    client.force_login(auditor)
    response = upload(client, "notes.txt", b"Dear auditor, please trust me.")
    assert response.status_code == 400
    assert "neither a PDF nor a ZIP" in response.content.decode()
    entry = last_entry()
    assert (
        entry.action == AccessAction.VERIFY and "neither a PDF nor a ZIP" in entry.detail["refused"]
    )


def test_a_form_without_a_file_is_refused(client, auditor):
    client.force_login(auditor)
    response = client.post(VERIFY, {})
    assert response.status_code == 400
    assert last_entry().detail == {"refused": True, "reason": "no file"}


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(client, auditor, settings):
    settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES = 1024
    client.force_login(auditor)
    response = upload(client, "big.pdf", b"%PDF-" + b"0" * 200_000)
    assert response.status_code == 413
    assert "larger than the" in response.content.decode()
    entry = last_entry()
    assert entry.action == AccessAction.VERIFY and entry.status_code == 413


def test_an_upload_is_cut_off_while_read_once_it_passes_the_limit(client, auditor, settings):
    # Declared small enough to be read, but the file itself passes the limit: the upload
    # handler stops reading it.
    settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES = 10_000
    client.force_login(auditor)
    response = upload(client, "big.pdf", b"%PDF-" + b"0" * 30_000)
    assert response.status_code == 413
    assert last_entry().detail["refused"] is True


def test_a_pdf_over_the_pdf_limit_is_refused(client, auditor, settings):
    settings.FORMSVC_VERIFY_MAX_PDF_BYTES = 1000
    client.force_login(auditor)
    response = upload(client, "big.pdf", b"%PDF-1.7\n" + b"0" * 5000)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def zip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("records/bomb.pdf", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_without_being_unpacked(client, auditor, monkeypatch):
    read = []
    monkeypatch.setattr(verify_uploads, "_read_entry", lambda *a, **k: read.append(a) or b"")
    client.force_login(auditor)
    bomb = zip_bomb()
    assert len(bomb) < 200_000
    response = upload(client, "export.zip", bomb)
    assert response.status_code == 400
    assert "ZIP bomb" in response.content.decode()
    assert read == []


def test_a_zip_that_would_unpack_beyond_the_limit_is_refused(client, auditor, settings):
    settings.FORMSVC_VERIFY_MAX_UNZIPPED_BYTES = 1024 * 1024
    client.force_login(auditor)
    response = upload(client, "export.zip", zip_bomb(size=2 * 1024 * 1024))
    assert response.status_code == 400
    assert "would unpack to" in response.content.decode()


def test_a_zip_with_too_many_files_is_refused_naming_the_maximum(client, auditor, settings):
    settings.FORMSVC_VERIFY_MAX_FILES = 3
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(5):
            archive.writestr(f"records/{n}.pdf", b"%PDF-1.4")
    client.force_login(auditor)
    response = upload(client, "export.zip", out.getvalue())
    assert response.status_code == 400
    assert "at most 3 can be verified" in response.content.decode()


def test_a_broken_zip_is_refused(client, auditor):
    client.force_login(auditor)
    response = upload(client, "export.zip", b"PK\x03\x04" + b"garbage" * 50)
    assert response.status_code == 400
    assert "cannot be read" in response.content.decode()


def test_an_encrypted_zip_is_refused():
    info = zipfile.ZipInfo("records/a.pdf")
    info.flag_bits = 0x1
    info.file_size = info.compress_size = 10
    assert "encrypted" in verify_uploads._zip_refusal([info])


def test_the_verify_page_checks_csrf(auditor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(auditor)
    response = upload(client, "record.pdf", b"%PDF-1.4")
    assert response.status_code == 403
