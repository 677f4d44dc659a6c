"""The sealed PDF read back: what it shows (R1-R13, both languages), how it is built (PDF/A-3a,
shipped fonts, embedded JSON), its seal (PAdES, trusted, whole file, B-T with a timestamp
authority), and that rendering fetches nothing but the project's own files."""

import io
import json
import re
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from elections.models import SealedRecord
from elections.records import pdf, sealing
from elections.records import snapshot as snap
from elections.records.signing_keys import configured_files
from tests.factories import ElectionFactory, ParentFactory, fresh
from tests.records_support import (
    approve,
    local_tsa,
    make_keyset,
    pdf_text,
    two_child_election,
    use_keyset,
)


def sealed_bytes(election) -> bytes:
    return sealing.sealed_pdf_bytes(SealedRecord.objects.get(election=election))


def validate(data: bytes, *, roots: list[Path] | None = None):
    """pyHanko's own verdict on the file's one signature, trusting only ``roots``."""
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = roots or [configured_files().ca]
    context = ValidationContext(
        trust_roots=list(load_certs_from_pemder([str(p) for p in roots])),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, context)


# --- What it shows ------------------------------------------------------------------------------


def test_the_pdf_shows_the_names_decisions_in_both_languages_and_spanish_dates(approved):
    text = pdf_text(sealed_bytes(approved))
    flat = " ".join(text.split())
    assert approved.parent.full_name in flat
    for item in approved.covered.all():
        assert item.child.full_name in flat
    assert approved.reference in flat
    assert str(approved.pk) in flat
    # Each decision in the parent's language and in English, in the notice's own words.
    for spanish, english in (
        ("Llevar a mi hijo o hija conmigo.", "Take my child with me."),
        ("Dejar a mi hijo o hija en los Estados Unidos.", "Leave my child in the United States."),
    ):
        assert spanish in flat
        assert english in flat
    assert "reunify" in flat and "waive" in flat
    # Dates the Spanish way (Babel), and the office's UTC offset.
    local = approved.approved_at.astimezone(approved.office.tz)
    months = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    month = (months + " diciembre").split()[local.month - 1]
    assert f"{local.day} de {month} de {local.year}" in flat
    assert "(UTC-07:00)" in flat or "(UTC-06:00)" in flat


def test_the_pdf_shows_the_notice_side_by_side_and_its_hashes(approved):
    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    notice, english = approved.notice_version, approved.notice_version_en
    assert notice.sha256 in flat and english.sha256 in flat
    assert notice.version in flat
    # The full text of both, down to the legal help at the end.
    assert "Por favor, escuche con atención." in flat
    assert "Please listen carefully." in flat
    assert "También puede llamar al consulado de su país." in flat


def test_the_pdf_shows_signatures_approval_and_the_audit_trail(approved):
    record = SealedRecord.objects.get(election=approved)
    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    for signature in approved.signatures.all():
        assert signature.printed_name in flat
    assert "Diane Okafor" in flat  # the approving supervisor
    assert record.chain_head in flat
    assert record.snapshot_sha256 in flat
    trail = flat[flat.index("Audit trail") :]
    assert "Laura Benítez" in trail
    # Each event says who performed it and why, in the record's language (Spanish here), never
    # as the stored technical phrase.
    assert "Diane Okafor (supervisor), con su contraseña introducida de nuevo" in trail
    assert "el padre o la madre, en la tableta de Laura Benítez" in trail
    assert "firma del padre o la madre: firmó en la tableta" in trail
    assert "parent signature: drawn" not in trail


def test_an_interpreted_election_shows_the_interpreter(
    office, officer, witness, supervisor, notices
):
    election = approve(two_child_election(office, officer, witness, language="quc"), supervisor)
    flat = " ".join(pdf_text(sealed_bytes(election)).split())
    assert "Lucía Ixcoy Tambriz" in flat
    assert "Kʼicheʼ" in flat or "K’iche’" in flat or "quc" in flat


def test_a_record_in_english_has_no_english_beside_itself(
    office, officer, witness, supervisor, notices
):
    election = approve(two_child_election(office, officer, witness, language="en"), supervisor)
    record = SealedRecord.objects.get(election=election)
    assert record.language == "en"
    flat = " ".join(pdf_text(sealed_bytes(election)).split())
    assert flat.count("Take my child with me.") == 2  # the decision and the notice, once each


def test_every_value_is_laid_out_beside_its_label(approved):
    """A label wrapping onto two lines must not let later values drift up beside other labels."""
    from weasyprint import HTML

    html = sealing.render_and_seal(fresh(approved)).html
    document = HTML(string=html, base_url=pdf.base_url(), url_fetcher=pdf.project_fetcher())
    pairs = 0
    for page in document.render().pages:
        # In the record every <dt> is followed by its <dd>; a pair split across pages is skipped.
        # A dt's or dd's line and text boxes carry its tag too: only the first box counts.
        label = None
        for box in page._page_box.descendants():
            if box.element_tag == "dt" and label is None:
                label = box
            elif box.element_tag == "dd" and label is not None:
                assert abs(box.position_y - label.position_y) < 0.5, "".join(box.element.itertext())
                pairs += 1
                label = None
    assert pairs > 20


# --- How it is built ----------------------------------------------------------------------------


def test_the_pdf_is_pdfa_3a_with_language_title_and_the_embedded_record(approved):
    data = sealed_bytes(approved)
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")A", xmp)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert approved.reference in reader.metadata.title
    (associated,) = reader.trailer["/Root"]["/AF"]
    assert associated.get_object()["/AFRelationship"] == "/Data"
    assert associated.get_object()["/UF"] == "record.json"


def test_the_embedded_json_matches_the_database(approved):
    record = SealedRecord.objects.get(election=approved)
    (embedded,) = PdfReader(io.BytesIO(sealed_bytes(approved))).attachments["record.json"]
    assert embedded.decode() == record.snapshot_json
    snapshot = json.loads(embedded)
    election = fresh(approved)
    assert snapshot["record"] == snap.normalised(snap.record_facts(election))
    assert snapshot["record"]["parent"]["a_number"] == election.parent.a_number
    assert [c["child"]["full_name"] for c in snapshot["record"]["children"]] == [
        item.child.full_name for item in election.covered.all()
    ]
    assert snapshot["audit_trail"]["entries"] == snap.build_chain(snap.audit_events(election.pk))


def test_only_the_fonts_shipped_in_the_repository_are_embedded(approved):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.pdf"
        path.write_bytes(sealed_bytes(approved))
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
    fonts = listing.splitlines()[2:]
    assert fonts
    for line in fonts:
        # The @font-face family of the record's stylesheet, over static/fonts/NotoSans-*.ttf.
        assert "+Record-Sans" in line, line
        assert " yes yes " in line  # embedded and subset


def test_documents_rendered_one_after_another_share_the_fonts_but_not_the_glyphs(tmp_path):
    style = (
        '<style>@font-face { font-family: "Record Sans"; src: url(fonts/NotoSans-Regular.ttf); }'
        'body { font-family: "Record Sans"; }</style>'
    )
    first = pdf.html_to_pdf(f"<html>{style}<p>plain ascii</p></html>", variant=None)
    second = pdf.html_to_pdf(f"<html>{style}<p>Kʼicheʼ, Qʼanjobʼal, ñandú</p></html>", variant=None)
    assert pdf.font_configuration() is pdf.font_configuration()
    assert "plain ascii" in pdf_text(first)
    assert "Kʼicheʼ, Qʼanjobʼal, ñandú" in pdf_text(second)
    path = tmp_path / "second.pdf"
    path.write_bytes(second)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "+Record-Sans" in listing


# --- The seal -----------------------------------------------------------------------------------


def test_pyhanko_finds_the_seal_intact_valid_trusted_and_covering_the_whole_file(approved):
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = validate(sealed_bytes(approved))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok is not False
    assert status.timestamp_validity is None  # no timestamp authority configured: PAdES B-B


def test_the_seal_is_not_trusted_against_another_ca(approved, tmp_path):
    other = make_keyset(tmp_path / "other", "someone else's")
    status = validate(sealed_bytes(approved), roots=[other.ca])
    assert status.intact and status.valid
    assert not status.trusted


def test_with_a_timestamp_authority_the_seal_carries_a_trusted_rfc3161_timestamp(
    office, officer, witness, supervisor, notices, settings, tmp_path
):
    with local_tsa(tmp_path / "tsa") as tsa:
        settings.FORMSVC_TSA_URL = tsa.url
        settings.FORMSVC_TSA_CA = str(tsa.ca)
        election = approve(two_child_election(office, officer, witness), supervisor)
        assert tsa.requests, "the timestamp authority was asked"
    record = SealedRecord.objects.get(election=election)
    assert record.timestamped
    status = validate(sealed_bytes(election), roots=[configured_files().ca, tsa.ca])
    assert status.bottom_line
    timestamp = status.timestamp_validity
    assert timestamp is not None
    assert timestamp.intact and timestamp.valid and timestamp.trusted
    assert abs((timestamp.timestamp - record.created_at).total_seconds()) < 120
    flat = " ".join(pdf_text(sealed_bytes(election)).split())
    assert "RFC 3161" in flat


def test_an_unreachable_timestamp_authority_fails_the_approval(
    office, officer, witness, supervisor, notices, settings
):
    settings.FORMSVC_TSA_URL = "http://127.0.0.1:9/"
    settings.FORMSVC_TSA_TIMEOUT = 2
    election = two_child_election(office, officer, witness)
    with pytest.raises(sealing.SealingFailed):
        approve(election, supervisor)
    assert fresh(election).status == "submitted"


# --- Safety: nothing fetched but our own files --------------------------------------------------


def test_the_fetcher_serves_project_fonts_and_inline_pngs_only():
    fetcher = pdf.project_fetcher()
    font = pdf.static_root() / "fonts" / "NotoSans-Regular.ttf"
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    png = "data:image/png;base64,iVBORw0KGgo="
    assert fetcher.fetch(png).read() == b"\x89PNG\r\n\x1a\n"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/font.ttf",
        pdf.static_root().as_uri() + "/../formsvc/settings.py",
        "data:text/html;base64,PGI+aGk8L2I+",
        "ftp://example.org/x",
    ):
        with pytest.raises(pdf.FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


@pytest.fixture
def listener():
    """A local HTTP server that records any request made to it."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_rendering_html_that_asks_for_other_files_fetches_nothing(listener):
    url, hits = listener
    fetcher = pdf.project_fetcher()
    html = (
        f'<html><head><link rel="stylesheet" href="{url}/evil.css"></head><body>'
        '<img src="file:///etc/passwd"><img src="../../formsvc/settings.py">'
        f'<img src="{url}/tracker.png"><p style="background: url({url}/bg.png)">x</p>'
        "</body></html>"
    )
    data = pdf.html_to_pdf(html, fetcher=fetcher, variant=None)
    assert data.startswith(b"%PDF-")
    assert hits == []
    assert len(fetcher.refused) == 5
    assert not any("passwd" in served for served in fetcher.served)


def test_names_and_free_text_are_printed_as_text_and_fetch_nothing(
    office, officer, witness, supervisor, notices, listener, monkeypatch
):
    url, hits = listener
    hostile = f'<img src="file:///etc/passwd"><img src="{url}/x.png">'
    parent = ParentFactory.build(full_name=f"Ana {hostile}", primary_language="es")
    fetchers = []
    make_fetcher = pdf.project_fetcher

    def spying_fetcher():
        fetchers.append(make_fetcher())
        return fetchers[-1]

    monkeypatch.setattr(pdf, "project_fetcher", spying_fetcher)
    election = ElectionFactory(
        office=office, presented_by=officer, witness=witness, parent=parent, submitted=True,
        identity_document=f"Passport {hostile}",
    )  # fmt: skip
    election = approve(election, supervisor)
    squashed = "".join(pdf_text(sealed_bytes(election)).split())
    assert "".join(f"Ana {hostile}".split()) in squashed
    assert "".join(f"Passport {hostile}".split()) in squashed
    assert hits == []
    (fetcher,) = fetchers
    assert fetcher.refused == []
    assert all(
        served == "data:" or served.startswith(pdf.static_root().as_uri())
        for served in fetcher.served
    )


# --- The parent's copy, for the README ---------------------------------------------------------


def test_page_one_renders_to_an_image(approved, tmp_path):
    path = tmp_path / "record.pdf"
    path.write_bytes(sealed_bytes(approved))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    (image,) = tmp_path.glob("page-*.png")
    assert image.read_bytes().startswith(b"\x89PNG")
    assert image.stat().st_size > 10_000


def test_a_foreign_certificate_can_seal_when_configured(
    office, officer, witness, supervisor, notices, settings, tmp_path
):
    keys = make_keyset(tmp_path / "agency", "Agency")
    use_keyset(settings, keys)
    election = approve(two_child_election(office, officer, witness), supervisor)
    status = validate(sealed_bytes(election), roots=[keys.ca])
    assert status.trusted
    assert "Agency seal" in status.signing_cert.subject.human_friendly


# --- Read as a court reads it: both languages, whole signature boxes, a legible trail ----------


def _english_date(moment) -> str:
    months = (
        "January February March April May June July August September October November December"
    ).split()
    return f"{months[moment.month - 1]} {moment.day}, {moment.year}"


def test_every_timestamp_reads_with_its_time_and_offset_in_spanish_and_in_english(approved):
    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    local = approved.approved_at.astimezone(approved.office.tz)
    offset = local.strftime("%z")
    zone = f"(UTC{offset[:3]}:{offset[3:]})"
    months = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    month = (months + " diciembre").split()[local.month - 1]
    spanish = f"{local.day} de {month} de {local.year}, {local:%H:%M} {zone}"
    english = f"{_english_date(local)}, {local:%H:%M} {zone}"
    assert f"{spanish} / {english}" in flat
    # The English side of a timestamp never stops at the date: everything that happened on the
    # day of the approval (started, notice, decisions, signatures, approval, seal) has its time.
    after_date = re.findall(re.escape(_english_date(local)) + r"(.{0,20})", flat)
    assert len(after_date) >= 8
    assert all(re.match(r", \d\d:\d\d(:\d\d)? \(UTC[+-]\d\d:\d\d\)", tail) for tail in after_date)
    # The audit trail's times too, one Spanish and one English per event.
    trail = flat[flat.index("Pista de auditoría / Audit trail") :]
    short = re.findall(r"\w{3} \d{1,2}, \d{4}, \d\d:\d\d:\d\d \(UTC[+-]\d\d:\d\d\)", trail)
    assert len(short) == SealedRecord.objects.get(election=approved).chain_length


def test_dates_without_a_time_stay_dates_in_both_languages(approved):
    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    born = approved.parent.date_of_birth
    assert re.search(re.escape(_english_date(born)) + r"(?!, \d\d:\d\d)", flat)


def test_staff_signature_meanings_and_the_attestation_read_in_spanish_beside_the_english(
    approved,
):
    from django.utils import translation

    from elections import services, workflow
    from elections.constants import SignatureRole

    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    texts = [
        services.SIGNATURE_MEANINGS[SignatureRole.WITNESS],
        services.SIGNATURE_MEANINGS[SignatureRole.OFFICER],
        workflow.APPROVAL_ATTESTATION,
    ]
    for text in texts:
        with translation.override("es"):
            spanish = str(text)
        with translation.override("en"):
            english = str(text)
        assert spanish != english
        # The Spanish, word for word from the catalogue, then the English the signer read.
        assert f"{spanish} {english}" in flat
    assert "Estuve presente cuando se entregó el aviso" in flat
    assert "He revisado este registro en su totalidad." in flat


def test_the_audit_trail_reads_each_event_in_spanish_and_in_english(approved):
    flat = " ".join(pdf_text(sealed_bytes(approved)).split())
    trail = flat[flat.index("Pista de auditoría / Audit trail") :]
    for spanish, english in (
        (
            "el padre o la madre, en la tableta de Laura Benítez",
            "the parent, on Laura Benítez's tablet",
        ),
        (
            "firma del padre o la madre: firmó en la tableta",
            "parent's signature: signed on the tablet",
        ),
        (
            "Diane Okafor (supervisor), con su contraseña",
            "Diane Okafor (supervisor), password re-entered",
        ),
        ("Firma (creación) (Testigo)", "Signature added (Witness)"),
    ):
        assert spanish in trail
        assert english in trail
    assert "submitted for approval" in trail and "enviada para aprobación" in trail


def _page_texts(data: bytes) -> list[str]:
    return [" ".join(page.split()) for page in pdf_text(data).split("\f")]


@pytest.mark.parametrize("children", [2, 3, 5])
def test_no_signature_box_is_split_across_two_pages(
    children, office, officer, witness, supervisor, notices
):
    from tests.factories import ChildDataFactory

    election = approve(
        two_child_election(
            office,
            officer,
            witness,
            children=[ChildDataFactory() for _ in range(children)],
            decisions=(["reunify", "waive"] * 3)[:children],
        ),
        supervisor,
    )
    data = sealed_bytes(election)
    pages = _page_texts(data)
    assert len(pages) >= 4
    signatures = list(election.signatures.all())
    assert len(signatures) == 3  # the parent, the witness, the presenting officer
    for signature in signatures:
        # The box's first line (role and name) and its last (the English of what it means).
        first = f"{signature.get_role_display()}: {signature.printed_name}"
        last = " ".join(signature.meaning.split()[-6:])
        holding_first = [n for n, page in enumerate(pages) if first in page]
        holding_last = [n for n, page in enumerate(pages) if last in page]
        assert holding_first and holding_first == holding_last, (
            signature.role,
            holding_first,
            holding_last,
        )


def test_the_audit_trail_pages_print_nothing_smaller_than_8_pt(approved):
    reader = PdfReader(io.BytesIO(sealed_bytes(approved)))
    first = next(
        n for n, page in enumerate(reader.pages) if "Pista de auditoría" in page.extract_text()
    )
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append((round(abs(size * tm[3] * cm[3]), 1), text))

    for page in reader.pages[first:]:
        page.extract_text(visitor_text=visit)
    assert len(sizes) > 20
    assert min(size for size, _text in sizes) >= 8, min(sizes)
