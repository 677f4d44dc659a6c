"""A family the case system registered, taken to Submitted on the tablet, interactions counted.

The case system registers a mother and her two children through the API (``register``: a POST
to ``/api/v1/family-units/`` with a service account's token). The officer
signs in, types the mother's A-number and taps Start: everything is filled in, so the officer
only records the identity check, chooses an interpreter in the room, and hands the tablet over.
The mother reads the Spanish notice beside the English one, chooses for each child on her own
screens and signs by drawing; the interpreter, the witness and the officer sign in one form.

Every interaction of the officer and the parent goes through ``flow.act`` (each field typed,
each select, each tap, each signature drawn, each page submitted) and is counted; signing in is
not. The count is printed and must stay within 25.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from elections.constants import DeliveryMode, SignatureMethod, SignatureRole, Status
from elections.models import ApiToken, Election
from tests.browser.conftest import assert_accessible
from tests.browser.test_officer_flow import flow, signatures_of
from tests.factories import birthday_years_ago

pytestmark = pytest.mark.browser

__all__ = ["flow"]  # the fixture, shared with the officer's flow

BUDGET = 25
SHOTS = Path(os.environ.get("FORMSVC_SHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))
MOTHER = "María Fernanda López Cruz"
CHILDREN = ["Ana Sofía López Cruz", "José Luis López Cruz"]


def register(flow) -> dict:
    """The case system registers the family unit through the API, as it would in production:
    an HTTP POST to the live server with a bearer token carrying ``family_units:write``."""
    account = get_user_model().objects.create_user("case-system")
    account.set_unusable_password()
    account.save()
    _token, raw = ApiToken.issue(user=account, scopes=["family_units:write"], office=flow.office)
    body = {
        "office": flow.office.code,
        "parent": {
            "a_number": "A-212-345-678",
            "name": MOTHER,
            "date_of_birth": birthday_years_ago(35, days=40).isoformat(),
            "country": "GT",
            "primary_language": "es",
            "home_country_contact": "Aldea Chuicutama, Sololá; tel. +502 5555 0101",
        },
        "children": [
            {
                "a_number": a_number,
                "name": name,
                "date_of_birth": born.isoformat(),
                "location_kind": "orr_shelter",
                "location_name": "Casa Esperanza shelter, San Benito, Texas",
                "relationship": "mother",
                "evidence": "birth_certificate",
                "evidence_note": "Guatemalan birth certificate in the ORR case file",
            }
            for a_number, name, born in (
                ("A221000001", CHILDREN[0], birthday_years_ago(9, days=20)),
                ("A221000002", CHILDREN[1], birthday_years_ago(6, days=75)),
            )
        ],
    }
    request = urllib.request.Request(
        flow.url("/api/v1/family-units/"),
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the live server)
        assert response.status == 201
        return json.loads(response.read())


def shoot(page, name: str) -> None:
    """The screen at the tablet's two orientations, for a person to look at."""
    if os.environ.get("FORMSVC_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((820, 1180), (1180, 820)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})


def test_a_registered_two_child_family_in_spanish_with_an_interpreter_takes_at_most_25(
    flow, capsys
):
    page, act = flow.page, flow.act
    registered = register(flow)
    assert [c["created"] for c in registered["children"]] == [True, True]
    flow.sign_in()  # not counted
    shoot(page, "home")

    flow.look_up("A-212-345-678", check=True)
    expect(page).to_have_url(re.compile(r"/elections/[0-9a-f-]+/parent/$"))
    election = Election.objects.get(parent__a_number="A212345678")

    # Everything the case system registered is filled in; the children are listed to confirm.
    expect(page.get_by_label("Parent's full name")).to_have_value(MOTHER)
    expect(page.get_by_label("Country of citizenship")).to_have_value("GT")
    expect(page.get_by_label("Primary language")).to_have_value("es")
    recorded = page.locator("section[aria-labelledby=recorded-children] tbody tr")
    expect(recorded).to_have_count(2)
    for row, name in zip(recorded.all(), CHILDREN, strict=True):
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("Casa Esperanza shelter")
        expect(row).to_contain_text("Birth certificate")
    assert_accessible(page)
    shoot(page, "parent-step-registered")
    # Confirming goes past the children step: nothing is missing there.
    flow.parent_step(then=r"/notice/$")

    flow.notice_step(mode="An interpreter in the room", interpreter="Rosa Elena Méndez Ajú")
    flow.parent_notice()
    flow.choose({CHILDREN[0]: "reunify", CHILDREN[1]: "waive"})
    flow.parent_signs()
    assert_accessible(page)
    shoot(page, "signatures")
    flow.staff_sign()
    flow.review_and_submit(check=True)

    with capsys.disabled():  # printed past pytest's capture, in every run
        print(f"\ninteractions (family registered through the API): {act.count}")
    assert act.count <= BUDGET, str(act)

    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    assert election.parent.registered_at is not None
    decisions = {item.child.full_name: item.decision for item in election.covered.all()}
    assert decisions == {CHILDREN[0]: "reunify", CHILDREN[1]: "waive"}
    assert election.notice_language == "es"
    assert election.delivery_mode == DeliveryMode.INTERPRETER_IN_PERSON
    assert election.facility.name == "El Paso Service Processing Center"
    assert election.identity_verified_by == flow.officer
    signatures = signatures_of(election)
    assert set(signatures) == {role.value for role in SignatureRole}
    for signature in signatures.values():
        assert signature.method == SignatureMethod.DRAWN
        assert bytes(signature.image).startswith(b"\x89PNG")
    assert signatures["witness"].signer == flow.witness and signatures["witness"].password_confirmed
    assert signatures["officer"].signer == flow.officer and signatures["officer"].password_confirmed
