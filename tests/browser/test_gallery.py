"""The screenshot gallery: every page of every role at the size it is used on, and each page of a
sealed PDF, as PNG files with an index (README.md) that says what each one shows.

``make screens`` runs this module with ``SCREENS_DIR=docs/screens`` and the pictures land in
``docs/screens/``; in ``make test`` they go to a temporary folder. Either way each test checks
that every page it shows was captured, full page, as a PNG as wide as the screen it is used on
and not blank, and that the index lists it.

The data is what a field office sees: an officer signed in on the real sign-in page, a father
with accented names (José Ñúñez Benítez) whose two children are covered, a K'iche' speaker
reading the Spanish notice with an interpreter in the room. Each page is reached by its address
on an election built up to that step, so a change of wording on one page does not stop the
gallery. The parent's screens are in Spanish with the English beside them.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from elections import services, workflow
from elections.constants import Decision, DeliveryMode, Relationship
from elections.models import Election, ExportJob, FieldOffice
from elections.records.sealing import sealed_pdf_bytes
from tests.audit_helpers import Team, el_paso, make_audit_user, off_the_event_loop, without_sealing
from tests.browser.conftest import LAPTOP_VIEWPORT, TABLET_LANDSCAPE, TABLET_VIEWPORT
from tests.browser.test_auditor import year_of_records
from tests.browser.test_auditor_removals import removed
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    birthday_years_ago,
    make_officer,
    make_supervisor,
)
from tests.supervision import approve
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

#: Where ``make screens`` writes the gallery (relative to the project); unset, a temporary folder.
SCREENS_DIR = os.environ.get("SCREENS_DIR", "")
#: The demo PDF's pages, in dots per inch (80: legible, and a page is about 100 kB).
PDF_DPI = 80
SMALL_LAPTOP = {"width": 1180, "height": 820}

TABLET = {"portrait": TABLET_VIEWPORT, "landscape": TABLET_LANDSCAPE}
SUPERVISOR_SCREENS = {"1180": SMALL_LAPTOP, "1440": LAPTOP_VIEWPORT}
LAPTOP = {"1440": LAPTOP_VIEWPORT}


@dataclass(frozen=True)
class Page:
    """One page of the gallery: ``{role}-{number}-{slug}-{screen}.png`` for each screen size."""

    role: str
    number: int
    slug: str
    caption: str
    screens: dict[str, dict]

    def file_name(self, screen: str) -> str:
        return f"{self.role}-{self.number:02d}-{self.slug}-{screen}.png"


def pages(role: str, screens: dict[str, dict], entries: list[tuple[str, str]]) -> list[Page]:
    return [
        Page(role, number, slug, caption, screens)
        for number, (slug, caption) in enumerate(entries, start=1)
    ]


OFFICER = pages(
    "officer",
    TABLET,
    [
        ("sign-in", "The sign-in page, with the choice of English or Spanish before signing in."),
        (
            "home",
            "The officer's home: the A-number to start with, elections to finish (one returned "
            "by the supervisor with its reason), submitted ones and the recently approved.",
        ),
        ("start", "Starting an election for a parent formsvc does not know yet."),
        (
            "step-parent",
            "Step 1, the parent: where the father is held and how his identity was verified.",
        ),
        ("step-children", "Step 2, the children: both children added, and the form for another."),
        (
            "step-notice",
            "Step 3, the notice: Spanish notice, an interpreter in the room, the witness.",
        ),
        (
            "staff-signatures",
            "The staff's signatures after the parent signed: interpreter, witness and officer.",
        ),
        ("review", "Review before submitting: the father, each child's decision, every signature."),
        (
            "submitted",
            "Submitted for the supervisor: the reference only, for the next person to see.",
        ),
        ("summary", "The summary of the submitted election, as the officer can open it later."),
    ],
)
PARENT = pages(
    "parent",
    TABLET,
    [
        ("handover", "The officer hands the tablet to the parent."),
        (
            "notice",
            "The notice in Spanish with the English beside it, and how to get legal help.",
        ),
        ("choices", "The three options for each of the two children; nothing is chosen."),
        ("choices-tapped", "The same screen after the parent tapped an option for each child."),
        ("sign", "Before signing: the choices it covers, what the signature means, how to sign."),
        ("handback", "The parent hands the tablet back; no name is shown."),
    ],
)
SUPERVISOR = pages(
    "supervisor",
    SUPERVISOR_SCREENS,
    [
        (
            "queue",
            "The supervisor's queue: elections awaiting approval, oldest first, with warnings.",
        ),
        (
            "review",
            "Reviewing one election: the checklist and the decision, and the record as it "
            "will be sealed.",
        ),
    ],
)
AUDITOR = pages(
    "auditor",
    LAPTOP,
    [
        ("dashboard", "The dashboard over a year of records in two field offices."),
        ("search", "A search of the El Paso Field Office's elections, with its results."),
        ("record", "One sealed record: its verification, the children, the full history."),
        ("access-log", "The access log: who looked at which record, and when."),
        ("exports", "The auditor's exports: one ready to download, one waiting."),
        ("removals-report", "The report of parents removed without a documented choice."),
        ("flagged-removals", "Removals flagged against what the parent chose."),
        ("verify", "Verifying an uploaded sealed PDF: valid, with what was checked."),
    ],
)
API = pages("api", LAPTOP, [("docs", "The JSON API's documentation (Swagger UI).")])

SECTIONS = [
    ("Officer (tablet, 820x1180 portrait and 1180x820 landscape)", OFFICER),
    ("Parent (the same tablet, in Spanish with English)", PARENT),
    ("Supervisor (the admin queue, 1180x820 and 1440x900)", SUPERVISOR),
    ("Auditor (laptop, 1440x900)", AUDITOR),
    ("API (laptop, 1440x900)", API),
]
PDF_PAGE = re.compile(r"^pdf-page-(\d+)\.png$")

INDEX_HEADER = """\
# Screens

Every page of formsvc at the size it is used on, and each page of a sealed PDF, made by
`make screens` from the browser tests (`tests/browser/test_gallery.py`) on demo data. Full-page
screenshots: a picture taller than the screen is the page scrolled. Do not edit by hand;
run `make screens` again.
"""


class Gallery:
    """The folder the pictures go to, and its index, rewritten after every picture."""

    def __init__(self, folder: Path):
        self.folder = folder
        #: One line per page of the demo PDF, once it is rendered.
        self.pdf_captions: list[str] = []

    def shoot(self, page, file_name: str) -> Path:
        path = self.folder / file_name
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        self.write_index()
        return path

    def pdf_pages(self) -> list[Path]:
        found = [p for p in self.folder.iterdir() if PDF_PAGE.match(p.name)]
        return sorted(found, key=lambda p: int(PDF_PAGE.match(p.name).group(1)))

    def write_index(self) -> None:
        lines = [INDEX_HEADER]
        for title, section in SECTIONS:
            entries = [
                (page.file_name(screen), f"{page.caption} ({size['width']}x{size['height']})")
                for page in section
                for screen, size in page.screens.items()
            ]
            lines += self._section(title, entries)
        captions = self.pdf_captions
        pdf = self.pdf_pages()
        entries = [
            (path.name, captions[i] if i < len(captions) else f"Page {i + 1} of {len(pdf)}.")
            for i, path in enumerate(pdf)
        ]
        lines += self._section(f"The sealed PDF ({PDF_DPI} dpi)", entries)
        (self.folder / "README.md").write_text("\n".join(lines).rstrip() + "\n")

    def _section(self, title: str, entries: list[tuple[str, str]]) -> list[str]:
        present = [(name, caption) for name, caption in entries if (self.folder / name).exists()]
        if not present:
            return []
        return [f"## {title}", "", *(f"- [{n}]({n}): {c}" for n, c in present), ""]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory) -> Gallery:
    if SCREENS_DIR:
        folder = Path(SCREENS_DIR)
        if not folder.is_absolute():
            folder = Path(settings.BASE_DIR) / folder
        folder.mkdir(parents=True, exist_ok=True)
        # A page renamed or dropped leaves no stale picture behind.
        for old in [*folder.glob("*.png"), folder / "README.md"]:
            old.unlink(missing_ok=True)
    else:
        folder = tmp_path_factory.mktemp("screens")
    return Gallery(folder)


def assert_picture(path: Path, *, width: int, min_height: int, slack: int = 0) -> None:
    """A PNG of that width (nothing wider than the screen), at least a screen tall, not blank."""
    assert path.exists(), f"{path.name} was not captured"
    with Image.open(path) as image:
        assert image.format == "PNG", path.name
        assert abs(image.width - width) <= slack, (
            f"{path.name} is {image.width} px wide, not {width}"
        )
        assert image.height >= min_height, f"{path.name} is {image.height} px tall"
        colours = image.convert("RGB").resize((image.width // 4, image.height // 4)).getcolors(64)
    # More than a handful of colours: text and controls, not an empty or one-colour page.
    assert colours is None or len(colours) > 8, f"{path.name} is blank"


def assert_captured(gallery: Gallery, section: list[Page]) -> None:
    index = (gallery.folder / "README.md").read_text()
    for page in section:
        for screen, size in page.screens.items():
            name = page.file_name(screen)
            assert_picture(gallery.folder / name, width=size["width"], min_height=size["height"])
            assert f"[{name}]({name}): {page.caption}" in index, name


# --- Screens in several sizes at once --------------------------------------------------------


class Screens:
    """One signed-in browser page per screen size; ``show`` opens an address on each and
    captures it as ``page``'s picture for that size."""

    def __init__(self, gallery: Gallery, browser, base_url: str, screens: dict[str, dict]):
        self.gallery = gallery
        self.base_url = base_url
        self.pages = {}
        for screen, viewport in screens.items():
            context = browser.new_context(
                viewport=viewport,
                has_touch=viewport["width"] < LAPTOP_VIEWPORT["width"],
                locale="en-US",
                accept_downloads=True,
            )
            tab = context.new_page()
            tab.set_default_timeout(20_000)
            self.pages[screen] = tab

    def url(self, path: str) -> str:
        return self.base_url + path

    def sign_in(self, user, *, shoot: Page | None = None) -> None:
        for screen, tab in self.pages.items():
            tab.goto(self.url("/accounts/login/"))
            if shoot:
                self.gallery.shoot(tab, shoot.file_name(screen))
            tab.locator("input[name=username]").fill(user.get_username())
            tab.locator("input[name=password]").fill(STAFF_PASSWORD)
            tab.locator("input[name=password]").press("Enter")
            expect(tab).not_to_have_url(re.compile(r"/accounts/login/"))
            confirm_second_factor(tab, user)

    def show(self, page: Page, path: str | None, *, then: Callable | None = None) -> None:
        for screen, tab in self.pages.items():
            if path is not None:
                response = tab.goto(self.url(path))
                assert response.ok, (path, response.status)
            if then:
                then(tab)
            self.gallery.shoot(tab, page.file_name(screen))

    def close(self) -> None:
        for tab in self.pages.values():
            tab.context.close()


@pytest.fixture
def open_screens(browser, live_server, gallery):
    opened = []

    def open_(screens: dict[str, dict]) -> Screens:
        screens = Screens(gallery, browser, live_server.url, screens)
        opened.append(screens)
        return screens

    yield open_
    for screens in opened:
        screens.close()


# --- The demo family --------------------------------------------------------------------------

FATHER = "José Ñúñez Benítez"
CHILDREN = ("Ana Sofía Ñúñez López", "Mateo Ñúñez López")
INTERPRETER = services.InterpreterData(
    full_name="Rosa Elena Méndez Ajú",
    id_or_employer="Lionbridge Language Services, badge 44721",
    language="quc",
    operator_id="",
)
OTHER_PARENTS = [
    ("María Guadalupe Pérez Tzul", ["Génesis Abigail Pérez Tzul"]),
    ("Dulce María Ixcoy Chávez", ["Brayan Alexander Ixcoy", "Kimberly Ixcoy Chávez"]),
    ("Wilmer Estuardo Cúmez Ajanel", ["Ángel Cúmez Ajanel"]),
    ("Rosa Elena García Ordóñez", ["Dayana Michelle García"]),
]
numbers = iter(range(212_345_001, 212_399_999))


def family(*, stage: str, office, officer, witness, decisions=None, **kwargs) -> Election:
    """José Ñúñez Benítez and his two children (a K'iche' speaker, the Spanish notice read with
    an interpreter in the room), up to ``stage``. Each call is a new A-number: one election per
    page shown."""
    election = ElectionFactory(
        stage=stage,
        office=office,
        presented_by=officer,
        witness=witness,
        facility=office.facilities.order_by("pk").first(),
        parent=ParentFactory.build(
            a_number=f"A{next(numbers):09d}", full_name=FATHER, primary_language="quc"
        ),
        language="quc",
        notice_language="es",
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
        interpreter=INTERPRETER,
        children=[
            ChildDataFactory(
                full_name=name,
                date_of_birth=birthday_years_ago(age, days=41),
                relationship=Relationship.FATHER,
                evidence_note="Guatemalan birth certificate, folio 2231",
            )
            for name, age in zip(CHILDREN, (9, 6), strict=True)
        ],
        decisions=decisions or [Decision.REUNIFY, Decision.WAIVE],
        identity_document="IDENT fingerprint match, FIN 1187420",
        **kwargs,
    )
    return Election.objects.get(pk=election.pk)


def other_family(index: int, *, stage: str, office, officer, witness, **kwargs) -> Election:
    name, children = OTHER_PARENTS[index % len(OTHER_PARENTS)]
    return ElectionFactory(
        stage=stage,
        office=office,
        presented_by=officer,
        witness=witness,
        facility=office.facilities.order_by("pk").first(),
        parent=ParentFactory.build(a_number=f"A{next(numbers):09d}", full_name=name),
        children=[ChildDataFactory(full_name=child) for child in children],
        **kwargs,
    )


@pytest.fixture
def staff(transactional_db, office, notices):
    return {
        "officer": make_officer(
            office, username="lbenitez", first_name="Laura", last_name="Benítez"
        ),
        "witness": make_officer(office, username="mreed", first_name="Marcus", last_name="Reed"),
        "supervisor": make_supervisor(
            office, username="dokafor", first_name="Diane", last_name="Okafor"
        ),
    }


def team_of(staff, office) -> dict:
    return {"office": office, "officer": staff["officer"], "witness": staff["witness"]}


# --- 1. The officer's pages -------------------------------------------------------------------


def test_every_officer_page_in_both_tablet_orientations(staff, office, open_screens, gallery):
    team = team_of(staff, office)
    # The officer's home as it looks mid-shift: elections to finish, one of them returned,
    # submitted ones, and one approved and sealed with the parent's copy to print.
    other_family(0, stage="children", **team)
    returned = other_family(1, stage="submitted", **team)
    return_to_the_officer(returned, staff["supervisor"])
    other_family(2, stage="submitted", **team)
    approved = other_family(3, stage="submitted", **team)
    off_the_event_loop(approve, approved, staff["supervisor"])

    screens = open_screens(TABLET)
    sign_in, home, start, parent, children, notice, signatures, review, submitted, summary = OFFICER
    screens.sign_in(staff["officer"], shoot=sign_in)
    screens.show(home, "/")
    screens.show(start, "/elections/new/")

    at = {stage: family(stage=stage, **team) for stage in ("parent", "children", "notice")}
    screens.show(parent, f"/elections/{at['parent'].pk}/parent/")
    screens.show(children, f"/elections/{at['children'].pk}/children/")
    screens.show(notice, f"/elections/{at['notice'].pk}/notice/")
    signed = family(stage="parent_signed", **team)
    screens.show(signatures, f"/elections/{signed.pk}/signatures/")
    ready = family(stage="ready", **team)
    screens.show(review, f"/elections/{ready.pk}/review/")
    done = family(stage="submitted", **team)
    screens.show(submitted, f"/elections/{done.pk}/submitted/")
    screens.show(summary, f"/elections/{done.pk}/summary/")

    assert_captured(gallery, OFFICER)


def return_to_the_officer(election, supervisor) -> None:
    workflow.election_return(
        election=election,
        actor=supervisor,
        reason="Name the document checked for identity: write the passport or card number.",
    )


# --- 2. The parent's pages --------------------------------------------------------------------


def tap_a_choice_for_each_child(tab) -> None:
    groups = tab.locator("fieldset.choice-group")
    expect(groups).to_have_count(2)
    for group, decision in zip(groups.all(), ("reunify", "waive"), strict=True):
        group.locator(f'label[for$="_{decision}"]').tap()
        expect(group.locator(f'input[value="{decision}"]')).to_be_checked()


def test_every_parent_page_in_spanish_in_both_tablet_orientations(
    staff, office, open_screens, gallery
):
    team = team_of(staff, office)
    screens = open_screens(TABLET)
    screens.sign_in(staff["officer"])
    handover, notice, choices, tapped, sign, handback = PARENT

    screens.show(handover, f"/elections/{family(stage='notice', **team).pk}/handover/")
    shown = family(stage="shown", **team)
    screens.show(notice, f"/elections/{shown.pk}/for-parent/notice/")
    for tab in screens.pages.values():
        expect(tab.locator("html")).to_have_attribute("lang", "es")
    screens.show(choices, f"/elections/{shown.pk}/for-parent/choices/")
    screens.show(tapped, None, then=tap_a_choice_for_each_child)
    decided = family(stage="decided", **team)
    screens.show(sign, f"/elections/{decided.pk}/for-parent/sign/")
    signed = family(stage="parent_signed", **team)
    screens.show(handback, f"/elections/{signed.pk}/for-parent/thank-you/")

    assert_captured(gallery, PARENT)


# --- 3. The supervisor's queue and review -----------------------------------------------------


def test_the_supervisors_queue_and_review_at_1180_and_1440(staff, office, open_screens, gallery):
    team = team_of(staff, office)
    first = family(stage="submitted", **team)
    for index in range(len(OTHER_PARENTS)):
        other_family(index, stage="submitted", **team)
    queue, review = SUPERVISOR

    screens = open_screens(SUPERVISOR_SCREENS)
    screens.sign_in(staff["supervisor"])
    screens.show(queue, "/admin/elections/election/")
    for tab in screens.pages.values():
        expect(tab.locator("#result_list tbody tr")).to_have_count(1 + len(OTHER_PARENTS))
    screens.show(review, f"/admin/elections/election/{first.pk}/change/")

    assert_captured(gallery, SUPERVISOR)


# --- 4. The auditor's workspace and the API documentation -------------------------------------


def sealed_family(elp: Team | None = None) -> Election:
    """José Ñúñez Benítez's election approved in El Paso (``elp``, else a new team) and sealed."""
    elp = elp or el_paso()
    team = {"office": elp.office, "officer": elp.officer, "witness": elp.witness}
    return approve(family(stage="submitted", **team), elp.supervisor)


def existing_team(code: str, prefix: str) -> Team:
    """A team ``year_of_records`` made (``el_paso()`` again would make its staff twice)."""
    users = get_user_model().objects
    return Team(
        office=FieldOffice.objects.get(code=code),
        officer=users.get(username=f"{prefix}officer"),
        witness=users.get(username=f"{prefix}witness"),
        supervisor=users.get(username=f"{prefix}supervisor"),
    )


def test_every_auditor_page_and_the_api_docs_at_1440(
    transactional_db, notices, open_screens, gallery, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A year of records in two offices, approved without sealing (the figures and lists, not
    # the PDFs); then José Ñúñez Benítez's election, approved and sealed.
    without_sealing(monkeypatch)
    year_of_records(count=30)
    elp, sna = existing_team("ELP", "elp-"), existing_team("SNA", "sna-")
    left_behind = elp.approved(
        children=[
            ChildDataFactory(full_name="Valeria Cac Tuy"),
            ChildDataFactory(full_name="Ángel Cac Tuy"),
        ],
        decisions=[Decision.REUNIFY, Decision.REUNIFY],
    )
    removed(left_behind, children=[left_behind.covered.order_by("position").first().child])
    removed(sna.returned(children=[ChildDataFactory(full_name="Kimberly Reyes Aguilar")]))
    auditor = make_audit_user()
    now = timezone.now()
    ExportJob.objects.create(
        requested_by=auditor,
        query="office=ELP",
        state=ExportJob.State.READY,
        total=31,
        done=31,
        created_at=now - timedelta(minutes=12),
        started_at=now - timedelta(minutes=12),
        finished_at=now - timedelta(minutes=10),
        expires_at=now + timedelta(hours=24, minutes=-10),
        file_name="exports/elp.zip",
        size=2_415_119,
        manifest_sha256="5f1d" * 16,
    )
    ExportJob.objects.create(requested_by=auditor, query="office=SNA&status=approved", total=12)
    monkeypatch.undo()
    sealed = off_the_event_loop(sealed_family, elp)
    pdf = tmp_path / f"{sealed.reference}.pdf"
    pdf.write_bytes(sealed_pdf_bytes(sealed.sealed_record))

    dashboard, search, record, access_log, exports, report, flagged, verify = AUDITOR
    screens = open_screens(LAPTOP)
    screens.sign_in(auditor)
    screens.show(dashboard, "/audit/dashboard/")
    screens.show(search, "/audit/?office=ELP")
    screens.show(record, f"/audit/records/{sealed.pk}/")
    screens.show(exports, "/audit/exports/")
    screens.show(report, "/audit/removals/report/")
    screens.show(flagged, "/audit/removals/")

    def upload(tab):
        tab.goto(screens.url("/audit/verify/"))
        form = tab.locator("main form").filter(has=tab.locator("input[type=file]"))
        form.locator("input[type=file]").set_input_files(str(pdf))
        form.locator("button[type=submit]").click()
        expect(tab.locator(".verify-summary")).to_be_visible()

    screens.show(verify, None, then=upload)
    screens.show(access_log, "/audit/access-log/")
    assert_captured(gallery, AUDITOR)

    (docs,) = API
    screens.show(docs, "/api/v1/docs/", then=lambda tab: tab.wait_for_selector(".opblock"))
    assert_captured(gallery, API)


# --- 5. Each page of a sealed PDF -------------------------------------------------------------


def pdf_points(pdf: Path) -> tuple[int, float, float]:
    """The number of pages of ``pdf`` and its page size in points (poppler's pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    return pages, float(size.group(1)), float(size.group(2))


def page_headings(pdf: Path) -> list[list[str]]:
    """The headings on each page of ``pdf``: its text in a size well above the body's (poppler's
    pdftohtml reads every piece of text with its font)."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], check=True, capture_output=True
    ).stdout
    root = ElementTree.fromstring(xml)
    sizes = {font.get("id"): int(font.get("size")) for font in root.iter("fontspec")}
    body = Counter(sizes[text.get("font")] for text in root.iter("text")).most_common(1)[0][0]
    return [
        [
            "".join(text.itertext()).strip()
            for text in page.iter("text")
            if sizes[text.get("font")] >= body + 3
        ]
        for page in root.iter("page")
    ]


def page_captions(pdf: Path, count: int) -> list[str]:
    """``Page 2 of 5 of the sealed record: Aviso / Notice``, from the headings on each page."""
    captions = []
    for number, headings in enumerate(page_headings(pdf), start=1):
        shown = "; ".join(headings) if headings else "continued from the page before"
        captions.append(f"Page {number} of {count} of the sealed record: {shown}.")
    return captions


def render_pdf_pages(pdf: Path, gallery: Gallery) -> list[Path]:
    """Each page of ``pdf`` as ``pdf-page-NN.png`` in the gallery (poppler's pdftoppm)."""
    folder = gallery.folder
    count, _w, _h = pdf_points(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PDF_DPI), str(pdf), str(folder / "pdf-raw")], check=True
    )
    rendered = sorted(folder.glob("pdf-raw-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(rendered) == count, (count, [p.name for p in rendered])
    pages = []
    for number, raw in enumerate(rendered, start=1):
        pages.append(raw.replace(folder / f"pdf-page-{number:02d}.png"))
    gallery.pdf_captions = page_captions(pdf, count)
    gallery.write_index()
    return pages


def test_each_page_of_a_sealed_pdf_as_a_png(transactional_db, notices, gallery, tmp_path):
    sealed = off_the_event_loop(sealed_family)
    pdf = tmp_path / "demo.pdf"
    pdf.write_bytes(sealed_pdf_bytes(sealed.sealed_record))
    count, width_pt, height_pt = pdf_points(pdf)
    assert count >= 2

    pages = render_pdf_pages(pdf, gallery)

    assert [p.name for p in gallery.pdf_pages()] == [
        f"pdf-page-{n:02d}.png" for n in range(1, count + 1)
    ]
    width = round(width_pt * PDF_DPI / 72)
    height = round(height_pt * PDF_DPI / 72)
    index = (gallery.folder / "README.md").read_text()
    assert "Sealed election record" in gallery.pdf_captions[0]
    for number, path in enumerate(pages, start=1):
        assert_picture(path, width=width, min_height=height - 1, slack=1)
        assert f"[{path.name}]({path.name}): Page {number} of {count} of the sealed record" in index
