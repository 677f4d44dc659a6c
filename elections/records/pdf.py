"""HTML to archival PDF with WeasyPrint, fetching nothing but the project's own files (§9).

WeasyPrint is imported inside the functions (ruff bans it at module level): it loads native
libraries that no other process needs.

Names, reasons and every other text typed by people reach the template escaped, so they print as
text. The fetcher is the second wall: whatever URL a document asks for, it answers only files
under the project's ``static/`` folder (stylesheets, the shipped fonts) and inline PNG data (the
re-encoded signature images). Anything else (``file:///etc/passwd``, ``http://...``, a path that
climbs out of ``static/``) is refused and logged, and WeasyPrint prints the document without it.
"""

import base64
import binascii
import functools
import gc
import logging
import mimetypes
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

from django.conf import settings

logger = logging.getLogger("formsvc.pdf")

#: The PDF flavour of sealed records: archival, with embedded files allowed (the record's JSON).
PDF_VARIANT = "pdf/a-3b"
PNG_DATA_PREFIX = "data:image/png;base64,"
#: An inline image larger than this is not a signature; refuse it rather than decode it.
MAX_INLINE_IMAGE_BYTES = 2_000_000


class FetchRefused(ValueError):
    """A URL the record's renderer will not fetch."""


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def base_url() -> str:
    """Relative URLs in the record's HTML and CSS resolve inside ``static/``."""
    return static_root().as_uri() + "/"


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFilesFetcher(URLFetcher):
        """Serves files under ``roots`` and inline PNGs; refuses everything else."""

        def __init__(self, roots: list[Path]):
            # Not URLFetcher.__init__: it installs HTTP(S) handlers, loading the system's CA
            # store on every render, for a fetcher that never opens a connection. These are the
            # attributes WeasyPrint reads.
            request.OpenerDirector.__init__(self)
            self._timeout = 1
            self._http_headers = {}
            self._allowed_protocols = {"file", "data"}
            self._fail_on_errors = False
            self._request = None
            self.roots = [root.resolve() for root in roots]
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                response = self._serve(url)
            except FetchRefused:
                self.refused.append(url)
                logger.warning("PDF renderer refused to fetch %r", url[:200])
                raise
            self.served.append(url if not url.startswith("data:") else "data:")
            return response

        def _serve(self, url: str):
            if url.startswith(PNG_DATA_PREFIX):
                encoded = url[len(PNG_DATA_PREFIX) :]
                if len(encoded) > MAX_INLINE_IMAGE_BYTES * 4 // 3 + 4:
                    raise FetchRefused("inline image too large")
                try:
                    body = base64.b64decode(encoded, validate=True)
                except (binascii.Error, ValueError):
                    raise FetchRefused("inline image is not base64") from None
                return URLFetcherResponse(url, body, {"Content-Type": "image/png"})
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"not a project file: {url[:200]}")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
                raise FetchRefused(f"outside the project's static files: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return ProjectFilesFetcher


def project_fetcher():
    """A fresh fetcher (it keeps the lists of what it served and refused for one document)."""
    return _fetcher_class()([static_root()])


@dataclass(frozen=True)
class EmbeddedFile:
    name: str
    data: bytes
    description: str
    #: PDF/A-3 AFRelationship: ``Data`` for a machine-readable copy of what the pages show.
    relationship: str = "Data"


def html_to_pdf(
    html: str,
    *,
    attachments: tuple[EmbeddedFile, ...] = (),
    created: datetime | None = None,
    identifier: bytes | None = None,
    fetcher=None,
    variant: str | None = PDF_VARIANT,
) -> bytes:
    """Render ``html`` to PDF bytes (PDF/A-3b by default) with the restricted fetcher."""
    from weasyprint import HTML, Attachment

    fetcher = fetcher or project_fetcher()
    embedded = [
        Attachment(
            string=item.data,
            name=item.name,
            description=item.description,
            created=created,
            modified=created,
            relationship=item.relationship,
            url_fetcher=fetcher,
        )
        for item in attachments
    ]
    with collector_paused():
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher)
        return document.write_pdf(
            pdf_variant=variant,
            attachments=embedded or None,
            pdf_identifier=identifier,
            finisher=_one_reference_per_associated_file,
            font_config=font_configuration(),
        )


_thread = threading.local()


def font_configuration():
    """This thread's WeasyPrint font configuration, kept from one record to the next.

    A fresh one per document rebuilds fontconfig's view of the fonts and registers the
    record's @font-face files again (about a seventh of a record's render); WeasyPrint skips a
    face it has registered already. One per thread: Pango's font maps are not shared between
    threads.
    """
    config = getattr(_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _thread.font_config = FontConfiguration()
    return config


@contextmanager
def collector_paused():
    """No cyclic garbage collection while WeasyPrint lays out a record.

    WeasyPrint allocates hundreds of thousands of short-lived objects; every collection they
    trigger also walks the whole application's heap (Django, pyHanko, ...), which made a record
    about a quarter slower in a web or worker process. What the render leaves is collected when
    the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _one_reference_per_associated_file(document, pdf) -> None:
    # WeasyPrint 70 lists each embedded file twice in the catalogue's /AF (once from the name
    # tree, once from the file specification itself); PDF/A-3 wants each associated file once.
    import pydyf

    associated = pdf.catalog.get("AF")
    if associated:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(associated))


def bare_html_to_pdf(html: str) -> bytes:
    """WeasyPrint with its defaults, for the benchmark's reference figure only."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url()).write_pdf()
