"""The parent's screens attacked the way a browser lies: back and forward, reload, the page's
own memory of earlier taps, a signing page replayed after the choices changed, an edited form,
and a tablet handed from one officer to the next.

Each test drives the real screens with real taps and pointer strokes, and checks the database
afterwards: nothing the parent did not do on that screen is ever recorded as theirs.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from playwright.sync_api import expect

from elections import services
from elections.constants import Decision, SignatureRole
from elections.models import Election, LegalServiceProvider
from tests.browser.conftest import ORIENTATION_IDS, TABLET_ORIENTATIONS, assert_accessible
from tests.browser.test_officer_flow import FIRST_CHILD, PARENT, SECOND_CHILD, flow, prepared
from tests.factories import (
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    birthday_years_ago,
    make_officer,
)

pytestmark = pytest.mark.browser
__all__ = ["flow"]  # the fixture, shared with the officer's flow

CHECKED = "fieldset.choice-group input[type=radio]:checked"
SIGN_FORM = "form[data-signing-form]"


def tap_card(flow, child: str, decision: str):
    radio, card = flow.card(child, decision)
    card.tap()
    expect(radio).to_be_checked()


def parent_signature(election):
    return Election.objects.get(pk=election.pk).signatures.filter(role=SignatureRole.PARENT).first()


def tap_sign_with_finger(page):
    page.locator('label[for="id_method_0"]').tap()
    expect(page.locator('input[name="method"][value="drawn"]')).to_be_checked()


# --- 1. A choice the parent did not make never comes back selected (R11) ---------------------


def test_a_tapped_choice_never_comes_back_after_back_forward_reload_or_the_notice(flow):
    page = flow.page
    election = prepared(flow, stage="shown", children=[FIRST_CHILD, SECOND_CHILD])
    flow.open_parent_screens(election)
    expect(page.locator(CHECKED)).to_have_count(0)

    # Tap, do not continue, go back to the notice with the page's own link, continue again.
    tap_card(flow, FIRST_CHILD, "waive")
    page.locator('a[href$="/for-parent/notice/"]').click()
    expect(page).to_have_url(re.compile(r"/for-parent/notice/$"))
    page.locator('a[href$="/for-parent/choices/"]').click()
    expect(page).to_have_url(re.compile(r"/for-parent/choices/$"))
    expect(page.locator("fieldset.choice-group").first).to_be_visible()
    expect(page.locator(CHECKED)).to_have_count(0)

    # The browser's back and forward buttons.
    tap_card(flow, FIRST_CHILD, "waive")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/for-parent/notice/$"))
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/for-parent/choices/$"))
    expect(page.locator("fieldset.choice-group").first).to_be_visible()
    expect(page.locator(CHECKED)).to_have_count(0)

    # A reload.
    tap_card(flow, SECOND_CHILD, "reunify")
    page.reload()
    expect(page.locator("fieldset.choice-group").first).to_be_visible()
    expect(page.locator(CHECKED)).to_have_count(0)
    assert page.evaluate("JSON.stringify(sessionStorage)").find("waive") == -1

    assert [item.decision for item in Election.objects.get(pk=election.pk).covered.all()] == [
        None,
        None,
    ]


def test_the_signing_method_and_the_drawing_are_never_preset_or_restored(flow):
    page = flow.page
    election = prepared(flow, stage="shown", children=[FIRST_CHILD])
    flow.open_parent_screens(election)
    flow.choose({FIRST_CHILD: "reunify"})
    expect(page.locator('input[name="method"]:checked')).to_have_count(0)

    tap_sign_with_finger(page)
    pad = page.locator(f"{SIGN_FORM} [data-signature-pad]")
    flow.draw_signature(pad)

    # "Change my choices", then the browser's back button to the signing page.
    page.get_by_role("link", name=re.compile("Cambiar mis decisiones")).click()
    expect(page).to_have_url(re.compile(r"/for-parent/choices/$"))
    expect(page.locator(CHECKED)).to_have_count(0)  # the stored choice is not preset either
    page.go_back()
    expect(page).to_have_url(re.compile(r"/for-parent/sign/$"))
    expect(page.locator('input[name="method"]:checked')).to_have_count(0)
    expect(page.locator(f"{SIGN_FORM} [data-signature-input]")).to_have_value("")
    assert parent_signature(election) is None

    # A reload after drawing gives back nothing either.
    tap_sign_with_finger(page)
    flow.draw_signature(pad)
    page.reload()
    expect(page.locator('input[name="method"]:checked')).to_have_count(0)
    expect(page.locator(f"{SIGN_FORM} [data-signature-input]")).to_have_value("")


# --- 2. A signature never carries over to a different decision (R6, R12) ----------------------


def test_a_drawing_made_for_reunify_never_becomes_the_signature_of_a_waiver(flow):
    page = flow.page
    election = prepared(flow, stage="shown", children=[FIRST_CHILD])
    flow.open_parent_screens(election)
    flow.choose({FIRST_CHILD: "reunify"})
    tap_sign_with_finger(page)
    flow.draw_signature(page.locator(f"{SIGN_FORM} [data-signature-pad]"))
    drawn_for_reunify = page.evaluate(
        """() => {
          const form = document.querySelector("form[data-signing-form]");
          return {covers: form.covers.value, signature: form.signature.value};
        }"""
    )

    page.get_by_role("link", name=re.compile("Cambiar mis decisiones")).click()
    flow.choose({FIRST_CHILD: "waive"})

    # Finish without drawing again: the pad is empty, nothing is recorded.
    tap_sign_with_finger(page)
    page.locator(f"{SIGN_FORM} button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/sign/$"))
    expect(page.locator(SIGN_FORM)).to_contain_text("El recuadro de firma está vacío")
    assert parent_signature(election) is None

    # The old page's drawing and digest put back into the form (a replay or an edited form):
    # the server refuses it, in the parent's language.
    tap_sign_with_finger(page)
    page.evaluate(
        """(old) => {
          const form = document.querySelector("form[data-signing-form]");
          form.covers.value = old.covers;
          form.signature.value = old.signature;
          form.submit();
        }""",
        drawn_for_reunify,
    )
    expect(page.locator("main")).to_contain_text("Las decisiones cambiaron")
    assert parent_signature(election) is None

    # The drawing put back with the new page's digest is still the same pixels, but now it is
    # drawn on the page that shows "waive": the parent draws again and that is what counts.
    expect(page.locator(f"{SIGN_FORM} [data-signature-input]")).to_have_value("")
    tap_sign_with_finger(page)
    flow.draw_signature(page.locator(f"{SIGN_FORM} [data-signature-pad]"))
    page.locator(f"{SIGN_FORM} button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/thank-you/$"))

    election = Election.objects.get(pk=election.pk)
    assert [item.decision for item in election.covered.all()] == [Decision.WAIVE]
    signature = parent_signature(election)
    assert signature.covers_sha256 == services.election_consent_digest(election=election)
    assert signature.covers_sha256 != drawn_for_reunify["covers"]


def test_a_double_tap_on_finish_records_one_signature(flow):
    page = flow.page
    election = prepared(flow, stage="shown", children=[FIRST_CHILD])
    flow.open_parent_screens(election)
    flow.choose({FIRST_CHILD: "waive"})
    tap_sign_with_finger(page)
    flow.draw_signature(page.locator(f"{SIGN_FORM} [data-signature-pad]"))
    page.locator(f"{SIGN_FORM} button[type=submit]").dblclick()
    expect(page).to_have_url(re.compile(r"/for-parent/thank-you/$"))
    election = Election.objects.get(pk=election.pk)
    assert election.signatures.filter(role=SignatureRole.PARENT).count() == 1


# --- 9. What the browser keeps belongs to the user who typed it -------------------------------


def test_a_draft_left_by_an_expired_session_is_never_shown_to_the_next_officer(flow):
    page = flow.page
    flow.sign_in()
    page.goto(flow.url("/elections/new/"))  # the form for a parent not yet recorded
    page.get_by_label("Parent's A-number").fill(PARENT["a_number"])
    page.get_by_label("Parent's full name").fill(PARENT["full_name"])
    kept = json.dumps(page.evaluate("Object.assign({}, sessionStorage)"), ensure_ascii=False)
    assert PARENT["full_name"] in kept

    # The session expires with the draft on the tablet; a colleague picks the tablet up.
    page.context.clear_cookies()
    page.reload()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    colleague = make_officer(flow.office, username="jsmith", first_name="Jo", last_name="Smith")
    flow.sign_in(colleague)
    expect(page.get_by_role("heading", name="Start a new election")).to_be_visible()
    expect(page.get_by_label("Parent's full name")).to_have_value("")
    expect(page.get_by_label("Parent's A-number")).to_have_value("")
    expect(page.locator("#connection-banner")).to_be_hidden()
    kept = json.dumps(page.evaluate("Object.assign({}, sessionStorage)"), ensure_ascii=False)
    assert PARENT["full_name"] not in kept and "212-345-678" not in kept

    # What the colleague types is theirs: the first officer, back on the tablet, does not see it.
    page.get_by_label("Parent's full name").fill("Pedro Pablo Ramírez")
    page.context.clear_cookies()
    page.reload()
    flow.sign_in()
    expect(page.get_by_label("Parent's full name")).to_have_value("")


# --- 10. Every word the parent reads, in their language and in English --------------------------

# A name with a tilde, an acute accent and a diaeresis, and one whose accent is a combining mark
# (typed as "e" followed by U+0301): each shown as the election lists it.
ACCENTED_CHILD = "Nicolás Ñúñez-Ü"
COMBINING_CHILD = "Zoe\u0301 Martínez Peña"
PROVIDERS = [
    ("Centro Legal Fronterizo", "(915) 555-0142", ["es", "en"]),
    ("Red Maya de Defensa", "(575) 555-0116", ["es", "mam"]),
]
# Everything on a parent's screen that must speak both languages: headings, instructions, the
# options' titles, the signing methods and every button (the notice's own text is data, shown
# in full in each language beside it).
MUST_BE_BILINGUAL = (
    "main h1, main h2:not(.notice-text h2), main h3, main legend, main .parent-instruction,"
    " main .btn, main button, main .choice-title, .parent-header .fw-semibold,"
    " .signature-pad .form-label"
)
MEASURE_BILINGUAL = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length || el.closest('[data-show-for-method]'))
  .map((el) => {
    const parts = [...el.querySelectorAll(':scope .bilingual-part')]
      .filter((p) => !p.parentElement.closest('.bilingual-part'));
    const style = (p) => getComputedStyle(p);
    return {
      what: el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 60),
      langs: parts.map((p) => p.lang),
      texts: parts.map((p) => p.textContent.trim()),
      sizes: parts.map((p) => style(p).fontSize),
      weights: parts.map((p) => style(p).fontWeight),
    };
  })"""
TOO_SMALL = """() => [...document.querySelectorAll(
    'main a.btn, main button, main label.choice-card, main textarea, main select')]
  .filter((el) => el.getClientRects().length)
  .map((el) => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 44 || box.height < 44)
  .map(([text, box]) => `${text}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def with_providers(office, providers=PROVIDERS):
    for order, (name, telephone, languages) in enumerate(providers, start=1):
        LegalServiceProvider.objects.create(
            office=office, name=name, telephone=telephone, languages=languages, order=order
        )


def parent_election(flow, *, language: str, children: list[str], stage: str = "shown"):
    """An election of the officer's office for a parent who speaks ``language``."""
    election = ElectionFactory(
        stage=stage,
        language=language,
        office=flow.office,
        presented_by=flow.officer,
        witness=flow.witness,
        facility=flow.office.facilities.get(),
        parent=ParentFactory.build(
            a_number="A212345678", full_name=PARENT["full_name"], primary_language=language
        ),
        children=[
            ChildDataFactory(full_name=name, date_of_birth=birthday_years_ago(6 + i))
            for i, name in enumerate(children)
        ],
    )
    return Election.objects.get(pk=election.pk)


def open_screen(flow, election, screen: str, viewport: dict):
    page = flow.page
    page.set_viewport_size(viewport)
    if "/accounts/login/" in page.url or page.url == "about:blank":
        flow.sign_in()
    page.goto(flow.url(f"/elections/{election.pk}/for-parent/{screen}/"))
    expect(page.locator("main h1")).to_be_visible()
    return page


def assert_spanish_and_english_alike(page):
    measured = page.evaluate(MEASURE_BILINGUAL, MUST_BE_BILINGUAL)
    assert len(measured) >= 4, measured
    for element in measured:
        assert element["langs"] == ["es", "en"], element
        assert all(element["texts"]), element
        assert element["texts"][0] != element["texts"][1], element  # really translated
        assert len(set(element["sizes"])) == 1, element
        assert len(set(element["weights"])) == 1, element
    return {tuple(element["texts"]) for element in measured}


def assert_targets_large_enough(page):
    assert page.evaluate(TOO_SMALL) == []


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
def test_every_heading_instruction_and_button_is_in_spanish_and_english_at_the_same_size(
    flow, viewport
):
    with_providers(flow.office)
    election = parent_election(flow, language="es", children=[FIRST_CHILD])

    page = open_screen(flow, election, "notice", viewport)
    texts = assert_spanish_and_english_alike(page)
    assert ("Lo que usted necesita saber", "What you need to know") in texts
    assert ("Cómo conseguir ayuda legal", "How to get legal help") in texts
    assert any(en == "I understand. Continue to my choice" for _es, en in texts)
    assert_targets_large_enough(page)

    page.locator('a[href$="/for-parent/choices/"]').click()
    expect(page.locator("fieldset.choice-group").first).to_be_visible()
    texts = assert_spanish_and_english_alike(page)
    assert ("Llevar a mi hijo o hija conmigo", "Take my child with me") in texts
    assert any(en == "Continue" for _es, en in texts)
    assert any(en == "Back to the notice" for _es, en in texts)
    assert_targets_large_enough(page)

    tap_card(flow, FIRST_CHILD, "consult")
    page.locator("form.flow-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/sign/$"))
    texts = assert_spanish_and_english_alike(page)
    assert any(en == "Please check your choices and sign" for _es, en in texts)
    assert any(en == "Change my choices" for _es, en in texts)
    assert any(en == "Finish" for _es, en in texts)
    assert any(en == "Clear and sign again" for _es, en in texts)
    assert_targets_large_enough(page)


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
def test_each_option_has_its_number_and_bold_title_and_the_tapped_card_stays_readable(
    flow, viewport
):
    election = parent_election(flow, language="es", children=[FIRST_CHILD])
    page = open_screen(flow, election, "choices", viewport)
    group = page.locator("fieldset.choice-group").filter(has_text=FIRST_CHILD)
    expect(group.locator(".choice-number")).to_have_text(["1", "2", "3"])
    titles = group.locator(".choice-title")
    expect(titles).to_have_text(
        [
            re.compile(r"Llevar a mi hijo o hija conmigo\s*Take my child with me"),
            re.compile(r"Dejar a mi hijo o hija en los Estados Unidos\s*Leave my child in the"),
            re.compile(r"Hablar con un abogado antes de decidir\s*Speak with a lawyer before"),
        ]
    )
    weights = titles.evaluate_all("(els) => els.map((el) => +getComputedStyle(el).fontWeight)")
    body = group.locator(".choice-text").first.evaluate("(el) => +getComputedStyle(el).fontWeight")
    assert all(weight >= 700 for weight in weights) and body < 700
    # The full text of each option, in Spanish and in English, at the same size.
    sizes = group.locator(".choice-text").evaluate_all(
        "(els) => els.map((el) => [el.lang, getComputedStyle(el).fontSize])"
    )
    assert [lang for lang, _size in sizes] == ["es", "en"] * 3
    assert len({size for _lang, size in sizes}) == 1, sizes

    for decision in ("reunify", "waive", "consult"):
        tap_card(flow, FIRST_CHILD, decision)
        _radio, card = flow.card(FIRST_CHILD, decision)
        expect(card.locator(".choice-chosen")).to_be_visible()
        assert_accessible(page)  # axe's colour-contrast rule on the tapped card among the rest


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
def test_the_notice_names_each_child_and_lists_the_offices_legal_help(flow, viewport):
    with_providers(flow.office)
    LegalServiceProvider.objects.create(
        office=flow.office, name="Closed Clinic", telephone="(915) 555-0199", is_active=False
    )
    election = parent_election(flow, language="es", children=[ACCENTED_CHILD, COMBINING_CHILD])
    listed = [item.child.full_name for item in election.covered.all()]
    assert "Zoé Martínez Peña" in listed  # kept composed (NFC), as the record lists it

    page = open_screen(flow, election, "notice", viewport)
    children = page.locator(".notice-children")
    expect(children.get_by_role("heading")).to_contain_text("Este aviso trata de sus hijos:")
    expect(children.get_by_role("heading")).to_contain_text("This notice is about your children:")
    expect(children.locator(".notice-child-name")).to_have_text(listed)

    help_section = page.locator("section.legal-help")
    expect(help_section.get_by_role("heading", level=2)).to_have_text(
        re.compile(r"Cómo conseguir ayuda legal\s*How to get legal help")
    )
    providers = help_section.locator(".provider")
    expect(providers).to_have_count(2)
    expect(providers.locator(".provider-name")).to_have_text([p[0] for p in PROVIDERS])
    expect(providers.locator(".provider-number")).to_have_text([p[1] for p in PROVIDERS])
    expect(providers.nth(0)).to_contain_text("Idiomas: español, inglés")
    expect(providers.nth(0)).to_contain_text("Languages: Spanish, English")
    expect(providers.nth(1)).to_contain_text("Idiomas: español, mam")
    expect(help_section).not_to_contain_text("Closed Clinic")
    assert_accessible(page)


def test_an_office_with_no_legal_service_provider_says_so_in_both_languages_and_to_the_officer(
    flow,
):
    election = parent_election(flow, language="es", children=[FIRST_CHILD], stage="notice")
    page = flow.page
    flow.sign_in()
    page.goto(flow.url(f"/elections/{election.pk}/handover/"))
    expect(page.get_by_role("status").filter(has_text="no legal service provider")).to_be_visible()

    page.get_by_role("button", name="Start the parent's screens").click()
    expect(page).to_have_url(re.compile(r"/for-parent/notice/$"))
    notice = page.locator(".no-providers")
    expect(notice).to_contain_text("Esta oficina todavía no tiene en su lista ningún proveedor")
    expect(notice).to_contain_text("No free legal service provider is listed for this office yet.")
    expect(notice.locator(".officer-note")).to_contain_text(
        f"Officer: {flow.office.name} has no legal service provider on its list."
    )
    assert_accessible(page)
    if folder := os.environ.get("PARENT_SCREENS_DIR"):
        notice.screenshot(path=f"{folder}/es-portrait-1-notice-no-providers.png")
    # Not a dead end: the parent goes on to the choice.
    page.locator('a[href$="/for-parent/choices/"]').click()
    expect(page.locator("fieldset.choice-group").first).to_be_visible()


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_parent_screen_passes_axe_with_large_targets(flow, viewport, language, tmp_path):
    """Each parent screen in Spanish and in English (the languages with a notice), both ways
    round; a screenshot of each is kept in PARENT_SCREENS_DIR when it is set."""
    with_providers(flow.office)
    election = parent_election(flow, language=language, children=[ACCENTED_CHILD, FIRST_CHILD])
    folder = os.environ.get("PARENT_SCREENS_DIR")
    orientation = "portrait" if viewport["width"] < viewport["height"] else "landscape"

    def check(name):
        assert_accessible(page)
        assert_targets_large_enough(page)
        if folder:
            page.screenshot(path=f"{folder}/{language}-{orientation}-{name}.png", full_page=True)

    page = open_screen(flow, election, "notice", viewport)
    if language == "en":  # shown once, not twice
        assert page.locator(".bilingual-part").count() == 0
        expect(page.locator("main h1")).to_have_text("What you need to know")
    check("1-notice")
    page.locator('a[href$="/for-parent/choices/"]').click()
    expect(page.locator("fieldset.choice-group").first).to_be_visible()
    tap_card(flow, ACCENTED_CHILD, "waive")
    check("2-choices")
    tap_card(flow, FIRST_CHILD, "reunify")
    page.locator("form.flow-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/sign/$"))
    tap_sign_with_finger(page)
    check("3-sign")
    flow.draw_signature(page.locator(f"{SIGN_FORM} [data-signature-pad]"))
    page.locator(f"{SIGN_FORM} button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/for-parent/thank-you/$"))
    check("4-thank-you")
