"""The second factor in Chromium: a supervisor with only a password is held at the second-factor
step; the first sign-in registers a passkey (Chromium's virtual authenticator, through the
DevTools protocol) or an authenticator app; the next sign-in and an approval are confirmed
with it. Every screen in English and Spanish, at 1440 px and on the 820x1180 tablet, axe clean.

Passkeys belong to a domain name, never an IP address: these tests use the live server as
http://localhost:<port>.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from elections import second_factor
from elections.constants import Status
from elections.models import Election
from tests.audit_helpers import without_sealing
from tests.browser.conftest import LAPTOP_VIEWPORT, TABLET_VIEWPORT, assert_accessible
from tests.factories import STAFF_PASSWORD
from tests.supervision import submitted
from tests.twofactor import totp_code

pytestmark = pytest.mark.django_db(transaction=True)

#: Set FORMSVC_SECOND_FACTOR_SHOTS to a folder to keep a screenshot of every screen.
SHOTS = os.environ.get("FORMSVC_SECOND_FACTOR_SHOTS")


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def base_url(live_server, settings):
    url = live_server.url.replace("127.0.0.1", "localhost")
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [url]
    return url


def new_page(browser, *, viewport=LAPTOP_VIEWPORT, locale="en-US"):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def with_virtual_authenticator(page) -> None:
    """A platform authenticator (fingerprint reader) that always says yes, as Chromium's
    DevTools protocol makes one."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def password_sign_in(page, base_url, user, *, next_path="/admin/elections/election/"):
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))


def sign_out(page):
    page.locator("form[action='/accounts/logout/'] button, #logout-form button").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_supervisor_registers_a_passkey_signs_in_and_approves_with_it(
    browser, base_url, supervisor, officer, witness, notices, monkeypatch
):
    without_sealing(monkeypatch)  # the second factor, not the PDF, is under test here
    election = submitted(officer=officer, witness=witness)
    context, page = new_page(browser)
    with_virtual_authenticator(page)

    # A password only: the queue does not open; the first sign-in goes to enrolment.
    password_sign_in(page, base_url, supervisor)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))
    page.goto(f"{base_url}/admin/elections/election/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))

    page.get_by_role("button", name="Register a passkey").click()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/recovery-codes/"))
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert second_factor.has_passkey(supervisor)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.goto(f"{base_url}/admin/elections/election/")
    expect(page.locator("#changelist")).to_be_visible()

    # The next sign-in: the passkey, nothing typed.
    page.goto(f"{base_url}/")
    sign_out(page)
    password_sign_in(page, base_url, supervisor)
    expect(page.get_by_role("button", name="Use my passkey")).to_be_visible()
    assert_accessible(page)
    shoot(page, "verify-passkey-1440")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page).to_have_url(re.compile(r"/admin/elections/election/$"))

    # An approval asks again: the password alone does not approve.
    page.goto(f"{base_url}/admin/elections/election/{election.pk}/change/")
    for box in page.locator("input[name=acknowledge]").all():
        box.check()
    page.locator("#id_attestation").check()
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#approve-errors")).to_contain_text(
        "Confirm the approval with your second factor"
    )
    assert Election.objects.get(pk=election.pk).status == Status.SUBMITTED
    assert_accessible(page)
    shoot(page, "approval-second-factor-1440")

    # With the passkey, after the password: approved.
    for box in page.locator("input[name=acknowledge]").all():
        box.check()
    page.locator("#id_attestation").check()
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Or approve with my passkey").click()
    expect(page).to_have_url(re.compile(r"/admin/elections/election/$"))
    expect(page.locator(".messagelist")).to_contain_text("is approved")
    assert Election.objects.get(pk=election.pk).status == Status.APPROVED
    context.close()


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [(LAPTOP_VIEWPORT, "en-US"), (TABLET_VIEWPORT, "es-US")],
    ids=["laptop-english", "tablet-spanish"],
)
def test_an_auditor_enrols_an_authenticator_app_and_signs_in_with_its_codes(
    browser, base_url, auditor_user, viewport, locale
):
    size = f"{viewport['width']}x{viewport['height']}-{locale[:2]}"
    context, page = new_page(browser, viewport=viewport, locale=locale)
    password_sign_in(page, base_url, auditor_user, next_path="/audit/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))
    expect(page.locator(".enrol-qr img")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"enrol-{size}")

    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    page.locator("#id_code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.locator("#code-form [type=submit]").click()
    expect(page.locator("#code-error")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"enrol-wrong-code-{size}")

    enrolled_with = totp_code(secret)
    page.locator("#id_code").fill(enrolled_with)
    page.locator("#code-form [type=submit]").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert_accessible(page)
    shoot(page, f"recovery-codes-{size}")
    recovery = page.locator("[data-recovery-codes] li").first.inner_text()
    page.locator("a.btn-primary").click()
    expect(page).to_have_url(re.compile(r"/audit/"))

    # The next sign-in: the code already used at enrolment is refused; a recovery code works.
    sign_out(page)
    password_sign_in(page, base_url, auditor_user, next_path="/audit/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?"))
    assert_accessible(page)
    shoot(page, f"verify-{size}")
    page.locator("#id_code").fill(enrolled_with)
    page.locator("#code-form [type=submit]").click()
    expect(page.locator("#code-error")).to_be_visible()
    shoot(page, f"verify-refused-{size}")
    page.locator("#id_code").fill(recovery)
    page.locator("#code-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/audit/"))
    assert second_factor.recovery_codes_left(auditor_user) == 9

    page.goto(f"{base_url}/accounts/second-factor/recovery-codes/")
    assert_accessible(page)
    shoot(page, f"recovery-codes-later-{size}")
    context.close()


@pytest.fixture
def auditor_user(db):
    from tests.factories import make_auditor

    return make_auditor(username="auditor", first_name="Priya", last_name="Natarajan")
