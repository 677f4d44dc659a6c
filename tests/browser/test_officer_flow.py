"""The officer's tablet flow in a real browser, the way it is used in a facility.

The officer signs in on the real login page, walks the steps, hands the tablet to the parent for
the bilingual notice, the choices and the signature, and takes it back for the interpreter's, the
witness's and their own signatures. Signatures are drawn with real pointer strokes on the pads.
Every page on the way is checked with axe-core; the parent's screen is measured for touch targets;
a dropped connection and an expired session lose nothing.

Set ``FORMSVC_SCREENSHOTS=1`` to refresh ``docs/parent-choice.png`` (the parent's choice screen,
Spanish with English, two children, nothing chosen) from the first test.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from elections.constants import DeliveryMode, SignatureMethod, SignatureRole, Status
from elections.models import Election
from tests.browser.conftest import TABLET_VIEWPORT, assert_accessible
from tests.browser.interactions import Interactions
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    birthday_years_ago,
    make_officer,
)

pytestmark = pytest.mark.browser

SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "parent-choice.png"
PORTRAIT = {"width": 768, "height": 1024}
MIN_TOUCH_PX = 44
DATA_URL = re.compile(r"^data:image/png;base64,.{200,}")

PARENT = {
    "a_number": "A-212-345-678",
    "full_name": "María Fernanda López Cruz",
    "date_of_birth": "1990-04-02",
    "country": "GT",
}
FIRST_CHILD = "Ana Sofía López Cruz"
SECOND_CHILD = "José Luis López Cruz"


@pytest.fixture
def flow(transactional_db, live_server, make_tablet, office, notices):
    """An English-speaking officer's tablet pointed at the live server, and a colleague to witness."""
    officer = make_officer(office, username="lbenitez", first_name="Laura", last_name="Benítez")
    witness = make_officer(office, username="mreed", first_name="Marcus", last_name="Reed")
    page = make_tablet()
    page.set_default_timeout(10_000)
    return Flow(page, live_server.url, office=office, officer=officer, witness=witness)


class Flow:
    """Steps of the officer's flow as the officer performs them on the tablet."""

    def __init__(self, page, base_url, *, office, officer, witness):
        self.page = page
        self.base_url = base_url
        self.office = office
        self.officer = officer
        self.witness = witness
        # What the officer and the parent do, counted (signing in is not).
        self.act = Interactions()

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- the officer's steps -------------------------------------------------------------------

    def sign_in(self, user=None, *, check=False):
        page = self.page
        user = user or self.officer
        if "/accounts/login/" not in page.url:
            page.goto(self.url("/accounts/login/"))
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        if check:
            assert_accessible(page)
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    def look_up(self, a_number: str, *, check=False):
        """The home page's one question: the parent's A-number, and Start."""
        page = self.page
        expect(page.get_by_role("heading", name="Your elections")).to_be_visible()
        if check:
            assert_accessible(page)
        self.act.fill(page.get_by_label("Parent's A-number"), a_number)
        self.act.submit(page.get_by_role("button", name="Start", exact=True))

    def start(self, *, language: str, check=False, on_page=None):
        """Look the parent up, and record them on the start page (``on_page(page)`` first)."""
        page = self.page
        self.look_up(PARENT["a_number"], check=check)
        # An A-number formsvc does not know: the start form, with the A-number kept.
        expect(page.get_by_role("heading", name="Start a new election")).to_be_visible()
        expect(page.get_by_label("Parent's A-number")).to_have_value("A212-345-678")
        if check:
            assert_accessible(page)
        if on_page is not None:
            on_page(page)
        self.act.fill(page.get_by_label("Parent's full name"), PARENT["full_name"])
        self.act.fill(page.get_by_label("Date of birth"), PARENT["date_of_birth"])
        self.act.select(page.get_by_label("Country of citizenship"), PARENT["country"])
        self.act.select(page.get_by_label("Primary language"), language)
        # Where the parent is held and how their identity was verified, on the same page: the
        # parent step has nothing left to ask, and the flow goes on to the children.
        self.fill_parent_step()
        self.act.submit(page.get_by_role("button", name="Save and continue"))
        expect(page).to_have_url(re.compile(r"/elections/[0-9a-f-]+/children/$"))
        return Election.objects.get(parent__a_number="A212345678")

    def fill_parent_step(self):
        page = self.page
        # The office's only facility is proposed.
        expect(page.get_by_label("Facility where the parent is held")).to_have_value(
            str(self.office.facilities.get(name="El Paso Service Processing Center").pk)
        )
        self.act.select(page.get_by_label("How the parent's identity was verified"), "fingerprints")
        self.act.fill(
            page.get_by_label("Document or record checked"), "IDENT fingerprint match, FIN 1187420"
        )

    def parent_step(self, *, check=False, then=r"/children/$"):
        expect(self.page.get_by_role("heading", name="The parent and how")).to_be_visible()
        if check:
            assert_accessible(self.page)
        self.fill_parent_step()
        self.act.submit(self.page.get_by_role("button", name="Save and continue"))
        expect(self.page).to_have_url(re.compile(then))

    def fill_child(self, name: str, *, age: int, proposed: bool = False):
        """One child's fields. ``proposed``: the form for a brother or sister already proposes
        the placement and the relationship of the child added before; they are checked, not
        typed again."""
        page, act = self.page, self.act
        act.fill(page.get_by_label("Child's full name"), name)
        act.fill(page.get_by_label("Child's date of birth"), birthday_years_ago(age).isoformat())
        placement = {
            "Where the child is held": "orr_shelter",
            "Name and city of the placement": "Casa Esperanza shelter, San Benito, Texas",
            "Relationship to the parent": "mother",
            "How the relationship was verified": "birth_certificate",
        }
        if proposed:
            for label, value in placement.items():
                expect(page.get_by_label(label)).to_have_value(value)
        else:
            for label, value in placement.items():
                field = page.get_by_label(label)
                if field.evaluate("el => el.tagName") == "SELECT":
                    act.select(field, value)
                else:
                    act.fill(field, value)
        act.fill(
            page.get_by_label("Verification details"), f"Guatemalan birth certificate, folio {age}"
        )

    def add_child(self, name: str, *, age: int, last: bool, proposed: bool = False):
        self.fill_child(name, age=age, proposed=proposed)
        button = "Add this child and continue" if last else "Add this child and another"
        self.act.submit(self.page.get_by_role("button", name=button))
        expect(self.page.get_by_role("status").filter(has_text=f"{name} was added")).to_be_visible()

    def children_step(self, names: list[str], *, check=False):
        expect(
            self.page.get_by_role("heading", name="Children this election covers")
        ).to_be_visible()
        if check:
            assert_accessible(self.page)
        for index, name in enumerate(names):
            self.add_child(name, age=9 + index, last=index == len(names) - 1, proposed=index > 0)
        expect(self.page).to_have_url(re.compile(r"/notice/$"))

    def notice_step(self, *, mode: str, interpreter: str = "", operator_id: str = "", check=False):
        page = self.page
        expect(page.get_by_role("heading", name="The notice, the interpreter")).to_be_visible()
        if check:
            assert_accessible(page)
        act = self.act
        # The Spanish notice (the only one for a Spanish speaker, else the proposed one) and the
        # office's only possible witness are already chosen.
        expect(page.get_by_label("Language of the notice shown to the parent")).to_have_value("es")
        expect(page.get_by_label("Witness")).to_have_value(str(self.witness.pk))
        act.check(page.get_by_label(mode, exact=True))
        if interpreter:
            act.fill(page.get_by_label("Interpreter's full name"), interpreter)
            act.fill(
                page.get_by_label("Interpreter ID number or employer"),
                "Lionbridge Language Services, badge 44721",
            )
        if operator_id:
            act.fill(page.get_by_label("Telephone operator ID"), operator_id)
        else:
            expect(page.get_by_label("Telephone operator ID")).to_be_hidden()
        # Saving hands the tablet over: the parent's screens start, no page in between.
        act.submit(page.get_by_role("button", name="Save and hand the tablet to the parent"))
        expect(page).to_have_url(re.compile(r"/for-parent/notice/$"))

    # --- the parent's screens ------------------------------------------------------------------

    def parent_notice(self, *, check=False):
        page = self.page
        # R10: the Spanish notice with the English one beside it, each marked with its language.
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator('section.notice-text[lang="es"]')).to_be_visible()
        expect(page.locator('section.notice-text[lang="en"]')).to_be_visible()
        expect(page.locator('section[lang="es"] h2')).to_contain_text("Su decisión sobre sus hijos")
        if check:
            assert_accessible(page)
        self.act.click(page.locator('a[href$="/for-parent/choices/"]'))
        expect(page).to_have_url(re.compile(r"/for-parent/choices/$"))

    def card(self, child: str, decision: str):
        group = self.page.locator("fieldset.choice-group").filter(has_text=child)
        return group.locator(f'input[value="{decision}"]'), group.locator(
            f'label[for$="_{decision}"]'
        )

    def choose(self, choices: dict[str, str]):
        for child, decision in choices.items():
            radio, card = self.card(child, decision)
            self.act.tap(card)
            expect(radio).to_be_checked()
        self.act.submit(self.page.locator("form.flow-form button[type=submit]"))
        expect(self.page).to_have_url(re.compile(r"/for-parent/sign/$"))

    def draw_signature(self, pad):
        """Several pointer strokes across the pad's canvas, as a finger or stylus would make."""
        page = self.page
        canvas = pad.locator("canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, box
        left, top, width, height = box["x"], box["y"], box["width"], box["height"]
        for stroke in range(3):
            x = left + width * (0.1 + 0.27 * stroke)
            page.mouse.move(x, top + height * 0.55)
            page.mouse.down()
            for step in range(1, 13):
                page.mouse.move(
                    x + step * width * 0.018,
                    top + height * (0.55 + 0.22 * math.sin(step * 0.9 + stroke)),
                    steps=2,
                )
            page.mouse.up()
        # signature_pad's endStroke put the drawing into the hidden field as a PNG data URL.
        expect(pad.locator("[data-signature-input]")).to_have_value(DATA_URL)

    def parent_signs(self, *, check=False):
        page = self.page
        # R11: nothing is preset, not even how the parent signs; the parent taps it.
        expect(page.locator('input[name="method"]:checked')).to_have_count(0)
        if check:
            assert_accessible(page)
        act = self.act
        act.tap(page.locator('label[for="id_method_0"]'))
        expect(page.locator('input[name="method"][value="drawn"]')).to_be_checked()
        act.draw(self.draw_signature, page.locator("form[data-signing-form] [data-signature-pad]"))
        act.submit(page.locator("form[data-signing-form] button[type=submit]"))
        expect(page).to_have_url(re.compile(r"/for-parent/thank-you/$"))
        act.click(page.get_by_role("link", name="Officer: continue"))
        expect(page).to_have_url(re.compile(r"/signatures/$"))

    # --- signatures, review, submit ------------------------------------------------------------

    def staff_sign(self, *, interpreter: bool = True, attest: bool = False, legal: str = ""):
        """Everything left to sign, in one form with one submit, then the review page.

        The in-person interpreter draws on the pad (or the officer ticks a telephone
        interpreter's attestation); a legal contact is written when a parent chose to consult;
        the witness (named on the notice step, username prefilled) and the presenting officer
        each type their password and draw.
        """
        page, act = self.page, self.act
        expect(page.get_by_role("heading", name="Signatures of the staff")).to_be_visible()
        if legal:
            act.fill(page.locator("section#legal").get_by_label("Legal contact given"), legal)
        box = page.locator("section#interpreter")
        if attest:
            expect(box.locator("[data-signature-pad]")).to_have_count(0)
            act.check(box.get_by_label("The interpreter confirmed, by telephone"))
        elif interpreter:
            act.draw(self.draw_signature, box.locator("[data-signature-pad]"))
        witness = page.locator("section#witness")
        expect(witness.get_by_label("Username")).to_have_value(self.witness.get_username())
        act.fill(witness.get_by_label("Password"), STAFF_PASSWORD)
        act.draw(self.draw_signature, witness.locator("[data-signature-pad]"))
        officer = page.locator("section#officer")
        expect(officer).to_contain_text(self.officer.get_username())
        act.fill(officer.get_by_label("Password"), STAFF_PASSWORD)
        act.draw(self.draw_signature, officer.locator("[data-signature-pad]"))
        act.submit(page.get_by_role("button", name="Sign and continue to review"))
        expect(page).to_have_url(re.compile(r"/review/$"))

    def review_and_submit(self, *, check=False):
        page = self.page
        expect(page.get_by_role("heading", name="Children and decisions")).to_be_visible()
        expect(page.get_by_text("This election cannot be submitted yet")).to_have_count(0)
        if check:
            assert_accessible(page)
        self.act.submit(page.get_by_role("button", name="Submit for supervisor approval"))
        expect(
            page.get_by_role("heading", name="Submitted for supervisor approval")
        ).to_be_visible()
        expect(page).to_have_url(re.compile(r"/submitted/$"))

    def open_parent_screens(self, election):
        """Sign in and go straight to the parent's choice screen of a prepared election."""
        self.sign_in()
        self.page.goto(self.url(f"/elections/{election.pk}/for-parent/choices/"))
        expect(self.page.locator("fieldset.choice-group").first).to_be_visible()


def prepared(flow, *, stage: str, children: list[str], **kwargs):
    """An election of the signed-in officer's office, built through the services up to ``stage``."""
    election = ElectionFactory(
        stage=stage,
        office=flow.office,
        presented_by=flow.officer,
        witness=flow.witness,
        facility=flow.office.facilities.get(),
        parent=ParentFactory.build(
            a_number="A212345678", full_name=PARENT["full_name"], primary_language="es"
        ),
        children=[
            ChildDataFactory(full_name=name, date_of_birth=birthday_years_ago(7 + i))
            for i, name in enumerate(children)
        ],
        **kwargs,
    )
    return Election.objects.get(pk=election.pk)


def signatures_of(election) -> dict[str, object]:
    return {s.role: s for s in election.signatures.all()}


# --- 1. Two children, Spanish, an interpreter in the room; axe on every page ------------------


def test_two_children_in_spanish_with_an_interpreter_in_the_room_to_submitted(flow, capsys):
    page = flow.page
    page.goto(flow.url("/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    flow.sign_in(check=True)
    election = flow.start(language="es", check=True)
    flow.children_step([FIRST_CHILD, SECOND_CHILD], check=True)
    flow.notice_step(
        mode="An interpreter in the room",
        interpreter="Rosa Elena Méndez Ajú",
        check=True,
    )
    flow.parent_notice(check=True)

    # R11: nothing is chosen for the parent.
    radios = page.locator("fieldset.choice-group input[type=radio]")
    expect(radios).to_have_count(6)
    expect(page.locator("fieldset.choice-group input[type=radio]:checked")).to_have_count(0)
    if os.environ.get("FORMSVC_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 1024, "height": 768})
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.set_viewport_size(TABLET_VIEWPORT)
    assert_accessible(page)

    # Continuing with nothing chosen asks for a choice for each child, and stays accessible.
    page.locator("form.flow-form button[type=submit]").click()
    expect(page.locator("fieldset.choice-group.is-invalid")).to_have_count(2)
    expect(page.locator("fieldset.choice-group input[type=radio]:checked")).to_have_count(0)
    assert_accessible(page)

    flow.choose({FIRST_CHILD: "reunify", SECOND_CHILD: "waive"})
    flow.parent_signs(check=True)

    assert_accessible(page)
    flow.staff_sign()
    flow.review_and_submit(check=True)
    # The hand-back screen shows the reference only: the tablet goes to the next person.
    expect(page.locator("main")).to_contain_text(election.reference)
    expect(page.locator("main")).not_to_contain_text("López")

    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    # R1: where the parent is held and how their identity was verified, taken on the start page.
    assert election.facility == flow.office.facilities.get()
    assert election.identity_method == "fingerprints"
    assert election.identity_document == "IDENT fingerprint match, FIN 1187420"
    assert election.identity_verified_by == flow.officer
    assert election.identity_verified_at is not None
    decisions = {item.child.full_name: item.decision for item in election.covered.all()}
    assert decisions == {FIRST_CHILD: "reunify", SECOND_CHILD: "waive"}
    # R2: the second child's placement and relationship, proposed from the first, are recorded
    # for that child as for the first; the verification details are each child's own.
    links = {link.child.full_name: link for link in election.parent.child_links.all()}
    for age, item in enumerate(election.covered.all(), start=9):
        child = item.child
        assert child.location_kind == "orr_shelter"
        assert child.location_name == "Casa Esperanza shelter, San Benito, Texas"
        link = links[child.full_name]
        assert (link.relationship, link.evidence) == ("mother", "birth_certificate")
        assert link.evidence_note == f"Guatemalan birth certificate, folio {age}"
    assert election.notice_delivered_at is not None
    assert election.notice_language == "es"
    assert election.delivery_mode == DeliveryMode.INTERPRETER_IN_PERSON
    assert election.interpreter.full_name == "Rosa Elena Méndez Ajú"
    signatures = signatures_of(election)
    assert set(signatures) == {role.value for role in SignatureRole}
    for signature in signatures.values():
        assert signature.method == SignatureMethod.DRAWN
        assert bytes(signature.image).startswith(b"\x89PNG")
        assert len(signature.image_sha256) == 64
    assert signatures["witness"].signer == flow.witness
    assert signatures["officer"].signer == flow.officer
    assert signatures["witness"].password_confirmed and signatures["officer"].password_confirmed

    # The family typed in by hand (no case-system registration). The deliberate empty submit on
    # the choice screen above is a check, not part of the count. Printed past pytest's capture.
    with capsys.disabled():
        print(f"\ninteractions (family typed in): {flow.act.count}")
    assert flow.act.count <= 40, str(flow.act)


# --- 2. K'iche' through a telephone interpreter; consult needs the legal contact --------------


def test_a_kiche_speaker_through_a_telephone_interpreter_asks_for_a_lawyer(flow):
    page = flow.page
    flow.sign_in()
    election = flow.start(language="quc")
    flow.children_step([FIRST_CHILD])
    flow.notice_step(
        mode="An interpreter by telephone",
        interpreter="Juan Tzunún Xiloj",
        operator_id="OP-55120",
    )
    flow.parent_notice()
    flow.choose({FIRST_CHILD: "consult"})
    flow.parent_signs()

    # The telephone interpreter attests through the officer, with a checkbox; a parent who wants
    # a lawyer is given one, and the contact is part of the record (R5). All in the one form.
    interpreter = page.locator("section#interpreter")
    expect(interpreter).to_contain_text("operator ID OP-55120")
    expect(page.locator("section#legal")).to_be_visible()
    contact = "Las Américas Immigrant Advocacy Center, El Paso, (915) 544-5126"
    flow.staff_sign(attest=True, legal=contact)
    flow.review_and_submit()

    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    assert election.parent.primary_language == "quc"
    assert election.notice_language == "es"
    assert election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
    assert election.interpreter.language == "quc"
    assert election.interpreter.operator_id == "OP-55120"
    assert election.legal_contact_given == contact
    assert list(election.covered.values_list("decision", flat=True)) == ["consult"]
    signatures = signatures_of(election)
    assert signatures["interpreter"].method == SignatureMethod.TELEPHONE
    assert signatures["parent"].image


# --- 3. A refusal to sign is never a waiver (R12) ---------------------------------------------


def test_a_refusal_to_sign_records_no_waiver(flow):
    page = flow.page
    election = prepared(flow, stage="shown", children=[FIRST_CHILD, SECOND_CHILD])
    flow.open_parent_screens(election)
    flow.choose({FIRST_CHILD: "waive", SECOND_CHILD: "waive"})

    # The officer records the refusal on the parent's screen: "I do not want to sign".
    page.locator('label[for="id_method_2"]').tap()
    expect(page.locator('input[name="method"][value="refused"]')).to_be_checked()
    expect(page.locator("form[data-signing-form] [data-signature-pad]")).to_be_hidden()
    page.locator('textarea[name="reason"]').fill(
        "Dice que no firmará ningún papel sin hablar antes con un abogado."
    )
    page.locator("form[data-signing-form] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/thank-you/$"))
    page.get_by_role("link", name="Officer: continue").click()
    flow.staff_sign(interpreter=False)

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row).to_contain_text("No election recorded")
    expect(page.locator("table")).not_to_contain_text("Leave my child")
    expect(page.locator(".signature-block").filter(has_text="Refused to sign")).to_contain_text(
        "sin hablar antes con un abogado"
    )
    page.get_by_role("button", name="Submit for supervisor approval").click()
    expect(page.get_by_role("heading", name="Submitted for supervisor approval")).to_be_visible()

    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    parent = signatures_of(election)["parent"]
    assert parent.method == SignatureMethod.REFUSED
    assert not parent.image
    assert list(election.covered.values_list("decision", flat=True)) == [None, None]

    page.goto(flow.url(f"/elections/{election.pk}/summary/"))
    for row in page.locator("table tbody tr").all():
        expect(row).to_contain_text("No election recorded")


# --- 5. Touch targets on the parent's screen, tablet portrait ---------------------------------


def test_the_parents_choice_screen_has_large_touch_targets_in_portrait(flow):
    page = flow.page
    page.set_viewport_size(PORTRAIT)
    election = prepared(flow, stage="shown", children=[FIRST_CHILD, SECOND_CHILD])
    flow.open_parent_screens(election)

    cards = page.locator("label.choice-card")
    expect(cards).to_have_count(6)
    buttons = page.locator("form.flow-form .btn-xl")
    expect(buttons).to_have_count(2)  # back to the notice, continue
    for target in [*cards.all(), *buttons.all()]:
        box = target.bounding_box()
        assert box["height"] >= MIN_TOUCH_PX and box["width"] >= MIN_TOUCH_PX, (
            target.inner_text(),
            box,
        )

    page.goto(flow.url(f"/elections/{election.pk}/for-parent/notice/"))
    box = page.locator('a[href$="/for-parent/choices/"]').bounding_box()
    assert box["height"] >= MIN_TOUCH_PX and box["width"] >= MIN_TOUCH_PX, box


# --- 6. A dropped connection and an expired session lose nothing ------------------------------


def test_a_dropped_connection_keeps_the_child_being_added(flow):
    page = flow.page
    election = prepared(flow, stage="parent", children=[])
    flow.sign_in()
    page.goto(flow.url(f"/elections/{election.pk}/children/"))
    flow.fill_child(FIRST_CHILD, age=9)

    page.context.set_offline(True)
    page.get_by_role("button", name="Add this child and another").click()
    banner = page.locator("#connection-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("No connection. Nothing you entered is lost")
    expect(page).to_have_url(re.compile(r"/children/$"))
    expect(page.get_by_label("Child's full name")).to_have_value(FIRST_CHILD)
    expect(page.get_by_label("Verification details")).to_have_value(
        "Guatemalan birth certificate, folio 9"
    )
    assert election.covered.count() == 0

    page.context.set_offline(False)
    expect(banner).to_be_hidden()
    page.get_by_role("button", name="Add this child and another").click()
    expect(page.get_by_role("status").filter(has_text=f"{FIRST_CHILD} was added")).to_be_visible()
    covered = Election.objects.get(pk=election.pk).covered.all()
    assert [item.child.full_name for item in covered] == [FIRST_CHILD]
    # The saved child's draft is gone: the form is empty for the next child.
    expect(page.get_by_label("Child's full name")).to_have_value("")


@pytest.mark.parametrize("lost", ["session cookie", "all cookies"])
def test_an_expired_session_brings_the_officer_back_to_the_step_with_what_was_typed(flow, lost):
    page = flow.page
    election = prepared(flow, stage="started", children=[])
    flow.sign_in()
    step = f"/elections/{election.pk}/parent/"
    page.goto(flow.url(step))
    flow.fill_parent_step()

    # The session ends (idle timeout) while the officer is typing; or the tablet loses every
    # cookie, the CSRF cookie too: the post is refused and the officer signs in again either way.
    if lost == "session cookie":
        page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    else:
        page.context.clear_cookies()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + re.escape(step) + "$"))
    election.refresh_from_db()
    assert election.identity_document == ""

    flow.sign_in()
    expect(page).to_have_url(flow.url(step))
    expect(page.locator("#connection-banner")).to_contain_text("were restored")
    expect(page.get_by_label("Facility where the parent is held")).to_have_value(
        str(flow.office.facilities.get().pk)
    )
    expect(page.get_by_label("How the parent's identity was verified")).to_have_value(
        "fingerprints"
    )
    expect(page.get_by_label("Document or record checked")).to_have_value(
        "IDENT fingerprint match, FIN 1187420"
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/children/$"))
    election.refresh_from_db()
    assert election.identity_method == "fingerprints"
    assert election.identity_document == "IDENT fingerprint match, FIN 1187420"


def test_signing_out_leaves_nothing_typed_on_the_tablet_for_the_next_officer(flow):
    page = flow.page
    flow.sign_in()
    page.goto(flow.url("/elections/new/"))  # the form for a parent not yet recorded
    page.get_by_label("Parent's A-number").fill(PARENT["a_number"])
    page.get_by_label("Parent's full name").fill(PARENT["full_name"])
    page.get_by_role("button", name="Sign out").click()

    flow.sign_in(flow.witness)
    page.goto(flow.url("/elections/new/"))  # the form for a parent not yet recorded
    expect(page.get_by_label("Parent's full name")).to_have_value("")
    expect(page.get_by_label("Parent's A-number")).to_have_value("")
    expect(page.locator("#connection-banner")).to_be_hidden()
    # Only the marker of whose tablet session this is; no draft of anyone's.
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k !== 'formsvc:owner')") == []
