"""Reading sealed PDFs and exports back from storage (STORAGES["default"]: a folder, or a private
S3 bucket when FORMSVC_STORAGE=s3), in pieces, never whole in memory.

``open_stored`` gives a plain binary stream over a stored file. On S3 it is the body of one GET,
read as it arrives (django-storages' own ``open`` downloads the whole object into memory first).

``checked_pdf`` is how every download of a sealed PDF gets its bytes: it reads the stored PDF once,
in 64 KiB pieces, into a private temporary file while hashing them, and only then says whether
they are the bytes sealed at approval. The caller refuses a mismatch before sending one byte, and
otherwise streams that temporary file: the bytes sent are exactly the bytes hashed, read with one
request to the store. (Hashing in a first pass and streaming from the store in a second would
read the object twice and leave a moment in which it could change between the check and the
send.) A sealed PDF is bounded in size (tens of kilobytes to a few megabytes), so the copy costs
little; it is deleted when the response closes it.
"""

import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import default_storage

logger = logging.getLogger("formsvc.storage")

CHUNK = 64 * 1024


class StoreUnavailable(OSError):
    """The object store (or folder) could not be read or written: down, refusing, or missing a file."""


def _is_s3(storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages is in requirements.txt; a folder needs none of it
        return False
    return isinstance(storage, S3Storage)


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "the store failed", for callers that turn them into a message."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


class StoredFile(io.RawIOBase):
    """A stored file being read from the store: ``read(n)`` as it arrives, ``size`` known up
    front (Content-Length), closed by whoever consumes it (``FileResponse`` does)."""

    def __init__(self, source, size: int, name: str):
        self._source = source
        self.size = size
        # Not ``name``: FileResponse would take that for a path on this machine.
        self.storage_name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._source.read(None if size is None or size < 0 else size)
        except store_errors() as error:  # the connection dropped half-way
            logger.error("storage: reading %s failed: %r", self.storage_name, error)
            raise StoreUnavailable(f"{self.storage_name} could not be read from storage") from error

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._source.close()
            finally:
                super().close()


def open_stored(name: str, storage=None) -> StoredFile:
    """A binary stream over the stored file ``name``, read from the store as it is consumed.

    Raises ``StoreUnavailable`` when the store cannot be reached or has no such file.
    """
    storage = storage or default_storage
    try:
        if _is_s3(storage):
            from storages.utils import clean_name

            key = storage._normalize_name(clean_name(name))
            answer = storage.connection.meta.client.get_object(Bucket=storage.bucket_name, Key=key)
            return StoredFile(answer["Body"], int(answer["ContentLength"]), name)
        handle = storage.open(name, "rb")
        return StoredFile(handle, handle.size, name)
    except store_errors() as error:
        logger.error("storage: %s could not be read: %r", name, error)
        raise StoreUnavailable(f"{name} could not be read from storage") from error


@dataclass
class CheckedPdf:
    """A stored PDF read once and hashed: ``file`` holds its bytes (at the start), to stream."""

    file: IO[bytes]
    sha256: str
    size: int
    expected_sha256: str

    @property
    def matches(self) -> bool:
        return self.sha256 == self.expected_sha256

    def close(self) -> None:
        self.file.close()


def checked_pdf(record) -> CheckedPdf:
    """Read ``record``'s stored PDF into a private temporary file, hashing it on the way.

    Raises ``StoreUnavailable`` when it cannot be read; the caller refuses a copy that does not
    match (``matches``) and closes it.
    """
    copy = tempfile.TemporaryFile()
    digest, size = hashlib.sha256(), 0
    try:
        with open_stored(record.pdf.name) as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return CheckedPdf(
        file=copy, sha256=digest.hexdigest(), size=size, expected_sha256=record.pdf_sha256
    )


def pdf_response(checked: CheckedPdf, *, filename: str, as_attachment: bool):
    """Stream a checked PDF's copy: Content-Length from the bytes read, never cached."""
    from django.http import FileResponse

    response = FileResponse(
        checked.file,
        content_type="application/pdf",
        as_attachment=as_attachment,
        filename=filename,
    )
    response.block_size = CHUNK
    response["Content-Length"] = str(checked.size)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = checked.sha256
    return response


def integrity_detail(checked: CheckedPdf) -> dict:
    """The access log's entry for a refused copy: what was found, what was sealed. The
    auditor's access log marks it as an integrity alarm (``integrity``)."""
    return {
        "sha256": checked.sha256,
        "size": checked.size,
        "refused": True,
        "integrity": "pdf_sha256_mismatch",
        "sealed_sha256": checked.expected_sha256,
    }
