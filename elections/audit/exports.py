"""Bulk export of sealed records: a ZIP of the stored PDFs, ``manifest.csv`` and its SHA-256.

The same writer serves both ways out: a small export streams straight into the HTTP response, a
large one is written to a file by the background worker (``elections.audit.tasks``). Memory stays flat
whatever the number of records: the records are read in chunks, each PDF is copied from storage
in 64 KiB pieces, and the manifest's rows wait in a temporary file on disk, not in a list.

Layout of the ZIP::

    records/<reference>_<record id>.pdf   the sealed bytes, exactly as stored at approval
    manifest.csv                          one row per PDF (MANIFEST_COLUMNS)
    manifest.csv.sha256                   "<sha256>  manifest.csv", for ``sha256sum -c``
    README.txt                            how to check the files
"""

import csv
import hashlib
import io
import logging
import pickle
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from elections.models import Election, ElectionChild, ExportJob
from elections.models.sealing import SealedRecord
from elections.records import storage

logger = logging.getLogger("formsvc.exports")

CHUNK = 64 * 1024
RECORD_DIR = "records/"
MANIFEST_NAME = "manifest.csv"
MANIFEST_HASH_NAME = "manifest.csv.sha256"
README_NAME = "README.txt"
MANIFEST_COLUMNS = [
    "record_id",
    "reference",
    "status",
    "field_office",
    "parent_a_number",
    "child_a_numbers",
    "decisions",
    "notice_delivered_at",
    "decided_at",
    "submitted_at",
    "approved_at",
    "sealed_at",
    "pdf_file",
    "pdf_size",
    "pdf_sha256",
]
README_TEXT = """\
Sealed election records exported by formsvc.

records/            the sealed PDFs, byte for byte as stored when each election was approved
manifest.csv        one row per PDF: record id, A-numbers, decisions, dates (UTC), SHA-256
manifest.csv.sha256 the SHA-256 of manifest.csv

Check the files with:   sha256sum -c manifest.csv.sha256
                        (then compare each PDF's sha256sum with its manifest row)
or upload this ZIP to the auditor's Verify page, which also checks each PDF's seal and record.
Dates are UTC, ISO 8601. child_a_numbers and decisions list the children in the same order,
separated by "|"; a child without an A-number is "-".
"""


def sealed_record_for(election: Election) -> SealedRecord | None:
    try:
        return election.sealed_record
    except SealedRecord.DoesNotExist:
        return None


def pdf_file_name(election: Election) -> str:
    return f"{election.reference}_{election.pk}.pdf"


def exportable(elections: QuerySet[Election]) -> QuerySet[Election]:
    """The elections of a search that have a sealed PDF (in the search's order)."""
    return elections.filter(sealed_record__isnull=False).prefetch_related(None)


@dataclass(frozen=True)
class CoveredChild:
    a_number: str | None
    decision: str | None
    decided_at: datetime | None


@dataclass
class ExportRow:
    """What the export needs of one sealed election: plain values, no model instances."""

    id: uuid.UUID
    status: str
    office_code: str
    parent_a_number: str
    notice_delivered_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    sealed_at: datetime
    pdf_name: str
    pdf_sha256: str
    children: list[CoveredChild] = field(default_factory=list)

    @property
    def reference(self) -> str:
        # As Election.reference: the first eight hex digits of the id.
        return f"E-{self.id.hex[:8].upper()}"

    @property
    def file_name(self) -> str:
        return f"{self.reference}_{self.id}.pdf"


ROW_FIELDS = (
    "pk",
    "status",
    "office__code",
    "parent__a_number",
    "notice_delivered_at",
    "submitted_at",
    "approved_at",
    "sealed_record__created_at",
    "sealed_record__pdf",
    "sealed_record__pdf_sha256",
)


def export_rows(elections: QuerySet[Election], *, chunk: int = 200) -> Iterator[ExportRow]:
    """The sealed elections of ``elections`` one by one, with their children (A-number,
    decision, time, in the record's order), read with two light queries per ``chunk``.

    Plain values rather than model instances: a model instance with a file field holds a
    reference cycle that only the garbage collector frees, and over ten thousand records the
    memory would creep up between its runs.
    """
    rows = exportable(elections).values_list(*ROW_FIELDS).iterator(chunk_size=chunk)
    while batch := [ExportRow(*values) for values in islice(rows, chunk)]:
        children: dict = {}
        for election_id, a_number, decision, decided_at in (
            ElectionChild.objects.filter(election_id__in=[row.id for row in batch])
            .order_by("election_id", "position", "pk")
            .values_list("election_id", "child__a_number", "decision", "decided_at")
        ):
            children.setdefault(election_id, []).append(
                CoveredChild(a_number, decision, decided_at)
            )
        for row in batch:
            row.children = children.get(row.id, [])
            yield row


def _iso(moment) -> str:
    return (
        moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        if moment
        else ""
    )


def manifest_row(row: ExportRow, *, name: str, size: int, sha256: str) -> list[str]:
    decided = [child.decided_at for child in row.children if child.decided_at]
    return [
        str(row.id),
        row.reference,
        row.status,
        row.office_code,
        row.parent_a_number,
        "|".join(child.a_number or "-" for child in row.children),
        "|".join(child.decision or "-" for child in row.children),
        _iso(row.notice_delivered_at),
        _iso(max(decided)) if decided else "",
        _iso(row.submitted_at),
        _iso(row.approved_at),
        _iso(row.sealed_at),
        name,
        str(size),
        sha256,
    ]


@dataclass
class ExportResult:
    records: int = 0
    manifest_sha256: str = ""
    mismatches: list[str] = field(default_factory=list)


def _zip_time(moment: datetime | None) -> tuple:
    moment = (moment or timezone.now()).astimezone(UTC)
    return (
        max(moment.year, 1980),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


class _SpilledDirectory:
    """The ZIP's central directory, kept in a temporary file instead of a list in memory.

    ``zipfile`` remembers every entry written, to list them all at the end of the archive; for
    tens of thousands of records that is the one thing that would grow with the export. This
    stands in for ``ZipFile.filelist``: each finished entry is pickled to disk, and read back
    once, in order, when the archive is closed.
    """

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        pickle.dump(info, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        self._file.seek(0)
        for _index in range(self._count):
            yield pickle.load(self._file)  # our own file, written just above

    def close(self) -> None:
        self._file.close()


class _NoNames(dict):
    """Stands in for ``ZipFile.NameToInfo``: entry names are unique by construction (record
    ids), so there is nothing to look up and nothing to keep."""

    def __setitem__(self, key, value) -> None:
        pass


class _ExportZipFile(zipfile.ZipFile):
    """A ZipFile for writing only, whose memory does not grow with the number of entries."""

    def __init__(self, file, **kwargs):
        super().__init__(file, mode="w", **kwargs)
        self.filelist = _SpilledDirectory()
        self.NameToInfo = _NoNames()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if isinstance(self.filelist, _SpilledDirectory):
                self.filelist.close()


def write_zip(rows: Iterable[ExportRow], out, result: ExportResult) -> Iterator[int]:
    """Write the export into ``out`` (any binary file object, seekable or not), yielding the
    number of records written after each one so the caller can stream or report progress."""
    now = timezone.now()
    with (
        tempfile.TemporaryFile(mode="w+b") as manifest_file,
        _ExportZipFile(out, allowZip64=True) as archive,
    ):
        manifest = io.TextIOWrapper(manifest_file, encoding="utf-8", newline="")
        writer = csv.writer(manifest, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for row in rows:
            name = RECORD_DIR + row.file_name
            info = zipfile.ZipInfo(name, date_time=_zip_time(row.sealed_at))
            info.compress_type = zipfile.ZIP_STORED  # a PDF is compressed already
            info.external_attr = 0o644 << 16
            digest, size = hashlib.sha256(), 0
            with (
                storage.open_stored(row.pdf_name) as source,
                archive.open(info, mode="w") as target,
            ):
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
                    size += len(chunk)
            sha256 = digest.hexdigest()
            if sha256 != row.pdf_sha256:
                # The stored file no longer matches the hash sealed at approval: export what
                # is there, with its real hash, and say so loudly.
                result.mismatches.append(str(row.id))
                logger.error("export: stored PDF of %s does not match its sealed SHA-256", row.id)
            writer.writerow(manifest_row(row, name=name, size=size, sha256=sha256))
            result.records += 1
            yield result.records
        manifest.flush()
        manifest_file.seek(0)
        digest = hashlib.sha256()
        info = zipfile.ZipInfo(MANIFEST_NAME, date_time=_zip_time(now))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with archive.open(info, mode="w") as target:
            while chunk := manifest_file.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
        result.manifest_sha256 = digest.hexdigest()
        for name, text in (
            (MANIFEST_HASH_NAME, f"{result.manifest_sha256}  {MANIFEST_NAME}\n"),
            (README_NAME, README_TEXT),
        ):
            info = zipfile.ZipInfo(name, date_time=_zip_time(now))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
        manifest.detach()
    yield result.records


class _Sink:
    """A write-only stream for ``zipfile``: it keeps the pieces written until they are drained.

    It has ``tell`` but no ``seek``, so ``zipfile`` writes sizes after each entry (data
    descriptors) instead of seeking back, which is what streaming needs. The pieces are kept as
    written (a stored PDF's 64 KiB reads), never copied into one growing buffer.
    """

    def __init__(self):
        self._pieces: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> list[bytes]:
        pieces, self._pieces = self._pieces, []
        return pieces


def stream_zip(
    elections: QuerySet[Election], result: ExportResult | None = None
) -> Iterator[bytes]:
    """The export as a stream of bytes, for a ``StreamingHttpResponse``."""
    sink = _Sink()
    result = result or ExportResult()
    for _count in write_zip(export_rows(elections), sink, result):
        yield from sink.drain()
    yield from sink.drain()


# --- Background exports ------------------------------------------------------------------------


def _search_for(query: str) -> QuerySet[Election]:
    from .forms import AuditSearchForm
    from .selectors import audit_election_search

    params = QueryDict(query)
    form = AuditSearchForm(params if params else None)
    filters = form.filters() if form.is_bound else AuditSearchForm(None).filters()
    return audit_election_search(filters=filters)


def export_file_name(job: ExportJob) -> str:
    return f"exports/{job.pk}.zip"


def export_job_run(*, job_id) -> ExportJob:
    """Build the ZIP of a queued export into storage, reporting progress on the job row."""
    job = ExportJob.objects.get(pk=job_id)
    if job.state != ExportJob.State.QUEUED:
        return job
    elections = _search_for(job.query)
    total = exportable(elections).count()
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, started_at=timezone.now(), total=total, done=0
    )
    if total > settings.FORMSVC_EXPORT_MAX_RECORDS:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED,
            finished_at=timezone.now(),
            error=_("The search now has %(count)s sealed records; an export holds at most %(max)s.")
            % {"count": f"{total:,}", "max": f"{settings.FORMSVC_EXPORT_MAX_RECORDS:,}"},
        )
        return ExportJob.objects.get(pk=job.pk)
    result = ExportResult()
    step = max(1, min(100, total // 100))
    try:
        scratch = Path(settings.VAR_DIR) / "tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=scratch) as handle:
            for count in write_zip(export_rows(elections), handle, result):
                if count % step == 0:
                    ExportJob.objects.filter(pk=job.pk).update(done=count)
            size = handle.tell()
            handle.seek(0)
            name = default_storage.save(export_file_name(job), File(handle))
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED,
            finished_at=timezone.now(),
            error=_("The export could not be built (%(error)s). Run it again.")
            % {"error": type(error).__name__},
        )
        return ExportJob.objects.get(pk=job.pk)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.READY,
        done=result.records,
        total=result.records,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.FORMSVC_EXPORT_LINK_HOURS),
        file_name=name,
        size=size,
        manifest_sha256=result.manifest_sha256,
        error=(
            _(
                "%(count)s stored PDF(s) no longer match the SHA-256 sealed at approval; the "
                "manifest lists the hash of the bytes exported. Records: %(ids)s"
            )
            % {"count": len(result.mismatches), "ids": ", ".join(result.mismatches[:20])}
            if result.mismatches
            else ""
        ),
    )
    logger.info("export %s ready: %s records, %s bytes", job.pk, result.records, size)
    return ExportJob.objects.get(pk=job.pk)


def export_jobs_expire() -> int:
    """Delete the files of exports whose link has expired; the job rows stay as a record."""
    expired = ExportJob.objects.filter(state=ExportJob.State.READY, expires_at__lte=timezone.now())
    count = 0
    for job in expired:
        if job.file_name:
            default_storage.delete(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.EXPIRED, file_name="")
        count += 1
    return count


def open_export(job: ExportJob) -> storage.StoredFile:
    """The stored ZIP, read from storage as it is sent (its ``size`` is the Content-Length)."""
    return storage.open_stored(job.file_name)
