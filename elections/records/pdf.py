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

#: The PDF flavour of sealed records: PDF/A-3a, archival *and* tagged (Section 508). WeasyPrint 70
#: offers PDF/A-3a and PDF/UA-1 (``pdf/ua-1``) but writes one variant per document. PDF/A-3 is
#: the one that allows the embedded record.json (with its AFRelationship) and keeps an archive's
#: guarantees (output intent, embedded fonts, XMP identification); level "a" adds the structure
#: tree, /MarkInfo, /Lang and DisplayDocTitle, which is what PDF/UA builds on. A PDF/UA
#: identification is not added by hand: no validator has checked the record against PDF/UA, and a
#: sealed record must not claim a conformance nobody verified.
PDF_VARIANT = "pdf/a-3a"
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
    """Render ``html`` to PDF bytes (tagged PDF/A-3a by default) with the restricted fetcher."""
    from weasyprint import HTML, Attachment

    tag_languages()
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


@functools.cache
def tag_languages() -> None:
    """Give each structure element of a tagged PDF the language of its HTML element.

    WeasyPrint 70 writes the document's language (``<html lang>``) on the catalogue only, so a
    screen reader would read the English beside the parent's language with the parent's
    language's voice. Its tree builder (``weasyprint.pdf.tags._build_box_tree``, which calls
    itself through the module) is wrapped once: every element built for an HTML element with a
    ``lang`` attribute carries it as /Lang (its descendants inherit it). The wrapper only
    adds an entry; if a WeasyPrint upgrade renames the builder, nothing is wrapped and
    tests/records/test_pdf_tags.py says so.
    """
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "adds_languages", False):
        return

    import pydyf

    def build_box_tree(box, parent, *args):
        element = getattr(box, "element", None)
        language = element.get("lang") if element is not None and element.tag != "html" else None
        for structure in build(box, parent, *args):
            if language and "Lang" not in structure:
                structure["Lang"] = pydyf.String(language)
            yield structure

    build_box_tree.adds_languages = True
    tags._build_box_tree = build_box_tree
