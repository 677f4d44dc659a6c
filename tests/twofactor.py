"""The second factor in tests (elections/second_factor.py).

Supervisors, auditors and admin users need a second factor after their password. Most tests are
about something else, so:

- ``client.force_login(user)`` (patched for every test by ``tests/conftest.py``) means "signed in
  AND second factor confirmed": for a user who needs one, the session is marked as verified by
  the user's test device (``verified_device``), as django_otp.login would after a right code.
  The real path (password only refused, codes, passkeys) is tested in tests/test_second_factor.py
  and tests/browser/test_second_factor.py, which sign in through the pages.
- ``second_factor_code(user)`` is a fresh one-use code for a form that asks for one (an approval,
  the second-factor step): a recovery-style code on the test device, checked and used up by the
  server as any code is.
- ``confirm_second_factor(page, user)``: in a browser, after the password, passes the
  second-factor step the way a staff user does, with such a code.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from elections import second_factor

TEST_DEVICE_NAME = "Test device"
# A known TOTP secret for tests that type authenticator-app codes (base32, as an app takes it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def verified_device(user) -> StaticDevice:
    """The user's test device: the device a force_login session is verified by."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=TEST_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def mark_session_verified(client, user) -> None:
    """What ``force_login`` means for a user who needs a second factor: verified this session."""
    if not second_factor.required_for(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
    # The cookie names the saved session (with signed-cookie sessions, it is the session).
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def second_factor_code(user) -> str:
    """A fresh code that the server accepts once from this user (an approval, a sign-in)."""
    token = StaticToken.random_token()
    StaticToken.objects.create(device=verified_device(user), token=token)
    return token


def totp_device(user, secret: str = TEST_TOTP_SECRET):
    """The user's authenticator app, with a known secret."""
    return second_factor.set_totp(user, second_factor.hex_key_from_base32(secret))


def totp_code(secret: str = TEST_TOTP_SECRET, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for ``secret`` (or ``steps_ahead`` steps later)."""
    totp = TOTP(bytes.fromhex(second_factor.hex_key_from_base32(secret)))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def confirm_second_factor(page, user) -> None:
    """In a browser just signed in with a password: pass the second-factor step, if it is shown
    (officers have none), with a fresh code, and land where the sign-in was going."""
    from playwright.sync_api import expect

    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state()
    if "/accounts/second-factor/" not in page.url:
        return
    code = second_factor_code(user)
    if "/accounts/second-factor/enrol/" in page.url:
        page.goto(page.url.replace("/enrol/", "/", 1))
    page.locator("#code-form input[name=code]").fill(code)
    page.locator("#code-form [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/second-factor/"))


def second_factor_code_for(client) -> str:
    """A fresh one-use code for the user signed in on this test client."""
    from django.contrib.auth import SESSION_KEY

    return second_factor_code(get_user_model().objects.get(pk=client.session[SESSION_KEY]))


def confirm_code_step(client, response, user):
    """A test client just signed in with a password (``follow=True``) and sent to the
    second-factor step: type a fresh code there, as the user would, and follow on."""
    path = (
        response.redirect_chain[-1][0] if response.redirect_chain else response.request["PATH_INFO"]
    )
    assert "/accounts/second-factor/" in path, path
    if "/enrol/" in path:
        path = path.replace("/enrol/", "/", 1)
    return client.post(path, {"code": second_factor_code(user)}, follow=True)
