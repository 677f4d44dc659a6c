"""The parent's screens attacked the way a browser lies: back and forward, reload, the page's
own memory of earlier taps, a signing page replayed after the choices changed, an edited form,
and a tablet handed from one officer to the next.

Each test drives the real screens with real taps and pointer strokes, and checks the database
afterwards: nothing the parent did not do on that screen is ever recorded as theirs.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from elections import services
from elections.constants import Decision, SignatureRole
from elections.models import Election
from tests.browser.test_officer_flow import FIRST_CHILD, PARENT, SECOND_CHILD, flow, prepared
from tests.factories import make_officer

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
