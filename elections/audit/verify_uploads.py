"""Verification of what an auditor uploads: one PDF, or a ZIP exported by this service.

The cryptographic and database checks of a PDF are ``verification.verify_pdf``'s; this module
only gets the files out of the upload safely and says, for each, **valid**, **tampered** (with
the reasons) or **unknown** (not a record sealed here). For an export it also checks
``manifest.csv`` against ``manifest.csv.sha256`` and every PDF against its manifest row.

Bounded in memory and time: the upload's size is checked before the body is read and again
while it is read; a ZIP is opened from the temporary file on disk and its directory is checked
(number of files, total unpacked size, compression ratio) before anything is unpacked; each
entry is read in pieces up to a limit, so a ZIP bomb is refused, never expanded.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from elections.records import verification

from . import exports

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
#: Room for the multipart envelope around the file (boundaries, headers, the CSRF token).
ENVELOPE_BYTES = 64 * 1024


class UploadTooLarge(Exception):
    pass


class UploadLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (when no Content-Length said so)."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(_too_large_message(self.limit))
        return raw_data

    def file_complete(self, file_size):
        return None


def _size(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size)).replace("\xa0", " ")


def _too_large_message(limit: int) -> str:
    return _("The file is larger than the %(max)s that can be verified at once.") % {
        "max": _size(limit)
    }


def refuse_oversized_upload(request) -> str | None:
    """Before Django reads the body: refuse by the declared length, or arm the byte counter."""
    limit = settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + ENVELOPE_BYTES:
        return _too_large_message(limit)
    request.upload_handlers.insert(0, UploadLimitHandler(request, limit=limit))
    return None


# --- Results -----------------------------------------------------------------------------------

VALID, TAMPERED, UNKNOWN = "valid", "tampered", "unknown"


@dataclass
class FileReport:
    name: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    election_id: str | None = None
    reference: str = ""

    def outcome_label(self) -> str:
        return {
            VALID: _("Valid"),
            TAMPERED: _("Tampered"),
            UNKNOWN: _("Unknown"),
        }[self.outcome]


@dataclass
class Report:
    name: str
    kind: str = ""  # "pdf" or "zip"
    files: list[FileReport] = field(default_factory=list)
    refusal: str | None = None
    manifest_problems: list[str] = field(default_factory=list)
    manifest_sha256: str = ""
    manifest_ok: bool | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def valid(self) -> int:
        return self.count(VALID)

    @property
    def tampered(self) -> int:
        return self.count(TAMPERED)

    @property
    def unknown(self) -> int:
        return self.count(UNKNOWN)

    def log_detail(self) -> dict:
        """What the access log keeps of a verification: the file, the totals and each outcome."""
        return {
            "file": self.name[:200],
            "kind": self.kind,
            "refused": self.refusal,
            "valid": self.valid,
            "tampered": self.tampered,
            "unknown": self.unknown,
            "manifest_ok": self.manifest_ok,
            "files": [
                {"name": f.name[:200], "outcome": f.outcome, "record": f.election_id}
                for f in self.files[:1000]
            ],
        }


def _reasons(result: verification.VerificationResult) -> list[str]:
    return [
        f"{problem.message} ({problem.detail})" if problem.detail else problem.message
        for problem in result.problems
    ]


def report_pdf(name: str, data: bytes) -> FileReport:
    """One PDF through ``verification.verify_pdf``: valid, tampered or unknown."""
    result = verification.verify_pdf(data)
    report = FileReport(
        name=name,
        outcome=VALID,
        sha256=result.pdf_sha256 or hashlib.sha256(data).hexdigest(),
        size=len(data),
        election_id=result.election_id,
    )
    if result.record is not None:
        report.reference = result.record.election.reference
    if result.ok and result.record is not None:
        return report
    report.reasons = _reasons(result)
    # Tampered: it names a record sealed here but is not what was sealed (or the database no
    # longer says what was). Unknown: nothing here matches it.
    report.outcome = TAMPERED if result.record is not None else UNKNOWN
    return report


# --- Uploads -------------------------------------------------------------------------------


def _read_head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def verify_upload(upload) -> Report:
    report = Report(name=upload.name or "")
    if upload.size > settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES:
        report.refusal = _too_large_message(settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES)
        return report
    head = _read_head(upload)
    if head.startswith(PDF_MAGIC):
        report.kind = "pdf"
        if upload.size > settings.FORMSVC_VERIFY_MAX_PDF_BYTES:
            report.refusal = _("A PDF larger than %(max)s is not a record of ours.") % {
                "max": _size(settings.FORMSVC_VERIFY_MAX_PDF_BYTES)
            }
            return report
        upload.seek(0)
        report.files.append(report_pdf(report.name, upload.read()))
        return report
    if head.startswith(ZIP_MAGIC):
        report.kind = "zip"
        _verify_zip(upload, report)
        return report
    report.refusal = _(
        "This file is neither a PDF nor a ZIP (it does not start like one), so there is "
        "nothing to verify."
    )
    return report


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, read in pieces; None as soon as it passes ``limit``."""
    out = io.BytesIO()
    with archive.open(info) as handle:
        while chunk := handle.read(64 * 1024):
            out.write(chunk)
            if out.tell() > limit:
                return None
    return out.getvalue()


def _zip_refusal(infos: list[zipfile.ZipInfo]) -> str | None:
    if len(infos) > settings.FORMSVC_VERIFY_MAX_FILES:
        return _("The ZIP holds %(n)s files; at most %(max)s can be verified at once.") % {
            "n": f"{len(infos):,}",
            "max": f"{settings.FORMSVC_VERIFY_MAX_FILES:,}",
        }
    total = sum(info.file_size for info in infos)
    if total > settings.FORMSVC_VERIFY_MAX_UNZIPPED_BYTES:
        return _("The ZIP would unpack to %(size)s, more than the %(max)s allowed.") % {
            "size": _size(total),
            "max": _size(settings.FORMSVC_VERIFY_MAX_UNZIPPED_BYTES),
        }
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > settings.FORMSVC_VERIFY_MAX_RATIO:
            return _(
                "“%(name)s” in the ZIP is compressed %(ratio)s to 1, which only a ZIP bomb "
                "does; the ZIP was not unpacked."
            ) % {"name": info.filename[:120], "ratio": f"{ratio:,.0f}"}
        if info.flag_bits & 0x1:
            return _("The ZIP is encrypted; an export from this service never is.")
    return None


def _verify_zip(upload, report: Report) -> None:
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        report.refusal = _("The ZIP cannot be read: %(error)s") % {"error": str(error)[:200]}
        return
    refusal = _zip_refusal(infos)
    if refusal:
        report.refusal = refusal
        return
    by_name = {info.filename: info for info in infos}
    manifest_rows = _check_manifest(archive, by_name, report)
    max_pdf = settings.FORMSVC_VERIFY_MAX_PDF_BYTES
    seen = set()
    for info in infos:
        name = info.filename
        if name in (exports.MANIFEST_NAME, exports.MANIFEST_HASH_NAME, exports.README_NAME):
            continue
        try:
            data = _read_entry(archive, info, max_pdf)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            report.files.append(FileReport(name=name, outcome=UNKNOWN, reasons=[str(error)[:200]]))
            continue
        if data is None:
            report.files.append(
                FileReport(
                    name=name,
                    outcome=UNKNOWN,
                    reasons=[
                        _("Larger than %(max)s: not a record of ours.") % {"max": _size(max_pdf)}
                    ],
                    size=info.file_size,
                )
            )
            continue
        if not data.startswith(PDF_MAGIC):
            report.files.append(
                FileReport(
                    name=name,
                    outcome=UNKNOWN,
                    reasons=[_("Not a PDF.")],
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                )
            )
            continue
        file_report = report_pdf(name, data)
        if manifest_rows is not None:
            seen.add(name)
            row = manifest_rows.get(name)
            if row is None:
                file_report.reasons.append(_("Not listed in manifest.csv."))
                if file_report.outcome == VALID:
                    file_report.outcome = TAMPERED
            elif row.get("pdf_sha256") != file_report.sha256:
                file_report.reasons.append(
                    _("Its SHA-256 differs from the one in manifest.csv (%(sha)s).")
                    % {"sha": (row.get("pdf_sha256") or "")[:64]}
                )
                if file_report.outcome == VALID:
                    file_report.outcome = TAMPERED
        report.files.append(file_report)
    if manifest_rows is not None:
        for missing in sorted(set(manifest_rows) - seen):
            report.manifest_problems.append(
                _("manifest.csv lists %(name)s, which is not in the ZIP.") % {"name": missing}
            )
    if report.manifest_problems:
        report.manifest_ok = False


def _check_manifest(archive, by_name, report: Report) -> dict[str, dict] | None:
    """manifest.csv against manifest.csv.sha256; its rows by PDF name (None if absent)."""
    info = by_name.get(exports.MANIFEST_NAME)
    if info is None:
        report.manifest_problems.append(
            _("The ZIP has no manifest.csv: it is not an export from this service as it was made.")
        )
        return None
    data = _read_entry(archive, info, settings.FORMSVC_VERIFY_MAX_PDF_BYTES)
    if data is None:
        report.manifest_problems.append(_("manifest.csv is too large to be ours."))
        return None
    report.manifest_sha256 = hashlib.sha256(data).hexdigest()
    hash_info = by_name.get(exports.MANIFEST_HASH_NAME)
    stated = ""
    if hash_info is not None:
        stated_bytes = _read_entry(archive, hash_info, 1024) or b""
        stated = stated_bytes.decode("ascii", "replace").split(" ", 1)[0].strip().lower()
    if not stated:
        report.manifest_problems.append(_("manifest.csv.sha256 is missing."))
    elif stated != report.manifest_sha256:
        report.manifest_problems.append(
            _("manifest.csv was changed: its SHA-256 is %(actual)s, the export said %(stated)s.")
            % {"actual": report.manifest_sha256, "stated": stated[:64]}
        )
    report.manifest_ok = not report.manifest_problems
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
    except (UnicodeDecodeError, csv.Error) as error:
        report.manifest_problems.append(
            _("manifest.csv cannot be read: %(error)s") % {"error": str(error)[:200]}
        )
        report.manifest_ok = False
        return None
    return {row.get("pdf_file", ""): row for row in rows if row.get("pdf_file")}


def verify_stored(sealed) -> FileReport:
    """The stored PDF of a record, checked as an upload of it would be (the record page)."""
    result = verification.verify_stored(sealed)
    report = FileReport(
        name=exports.pdf_file_name(sealed.election),
        outcome=VALID if result.ok else TAMPERED,
        reasons=_reasons(result),
        sha256=result.pdf_sha256,
        size=sealed.pdf_size,
        election_id=str(sealed.election_id),
        reference=sealed.election.reference,
    )
    return report
