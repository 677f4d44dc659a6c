"""The second factor of supervisors, auditors and admin users.

Who needs one: every user who can open the approval queue, the audit workspace or the admin
(supervisors, auditors, staff and superusers). Officers on shared tablets sign in with their
password only. A user who needs one and has only typed a password is sent to the second-factor
step (``SecondFactorRequiredMiddleware``): to confirm a device they have, or to enrol one if they
have none. Nothing else opens until then.

The devices are django-otp's: an authenticator app (``TOTPDevice``; a code is accepted once, never
again: django-otp keeps the last time step used), one-time recovery codes (``StaticDevice``: each
code is deleted when used), and passkeys (django-otp-webauthn's ``WebAuthnCredential``).

An approval asks again (``confirm_for_approval``): a code typed with the approval, or a passkey
assertion made for this approval moments before it. Each is used once.
"""

import time
from base64 import b32encode
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.shortcuts import redirect
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .selectors import staff_profile_for

RECOVERY_CODE_COUNT = 10
# A passkey assertion made for an approval counts for this approval post only, and only this long.
APPROVAL_PASSKEY_SECONDS = 120
APPROVAL_PASSKEY_SESSION_KEY = "formsvc_approval_passkey_at"
APPROVAL_PASSKEY_PENDING_KEY = "formsvc_approval_passkey_pending"
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_DEVICE_NAME = "Authenticator app"


def required_for(user) -> bool:
    """Whether this user must confirm a second factor: supervisors, auditors, admin users."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    profile = staff_profile_for(user=user)
    return profile is not None and profile.role in (Role.SUPERVISOR, Role.AUDITOR)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def has_device(user) -> bool:
    """A device that can confirm a sign-in: an authenticator app, a passkey or recovery codes."""
    return user_has_device(user, confirmed=True)


def has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalise_code(code: str) -> str:
    """A code as people type it: spaces and dashes dropped, recovery codes in lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def match_code(user, code: str):
    """The device that accepts this code (an authenticator app's or an unused recovery code),
    or None. Each code works once: a TOTP code's time step is kept, a recovery code deleted.
    The devices are locked while checked, so two requests cannot both use one code."""
    code = normalise_code(code)
    if not code or len(code) > 16:
        return None
    # Six digits are the app's code; anything else a recovery code. Each kind is checked by its
    # own devices only, so a mistyped one does not slow down (throttle) the other kind.
    kind = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


# --- Enrolment -------------------------------------------------------------------------------


def new_totp_key() -> str:
    """A new TOTP secret, as TOTPDevice stores it (hex of 20 random bytes)."""
    from django_otp.plugins.otp_totp.models import default_key

    return default_key()


def base32_secret(hex_key: str) -> str:
    """The secret as an authenticator app takes it when typed (RFC 4648 base32, no padding)."""
    return b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


def provisioning_uri(user, hex_key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "formsvc")
    label = quote(f"{issuer}:{user.get_username()}")
    query = urlencode({"secret": base32_secret(hex_key), "issuer": issuer, "digits": 6})
    return f"otpauth://totp/{label}?{query}"


def confirm_totp(user, hex_key: str, code: str) -> TOTPDevice | None:
    """The authenticator app's device, saved, if ``code`` is right for ``hex_key``; else None."""
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=hex_key, confirmed=False)
    try:
        int(normalise_code(code))
    except ValueError:
        return None
    device.save()
    if device.verify_token(normalise_code(code)):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device
    device.delete()
    return None


def set_totp(user, hex_key: str) -> TOTPDevice:
    """A confirmed authenticator-app device with a known secret (the demo accounts)."""
    device, created = TOTPDevice.objects.get_or_create(
        user=user, name=TOTP_DEVICE_NAME, defaults={"key": hex_key, "confirmed": True}
    )
    if not created and (device.key != hex_key or not device.confirmed):
        device.key, device.confirmed, device.last_t = hex_key, True, -1
        device.save(update_fields=["key", "confirmed", "last_t"])
    return device


def hex_key_from_base32(secret: str) -> str:
    """A base32 secret (as typed into an authenticator app) as TOTPDevice stores it."""
    from base64 import b32decode

    text = secret.replace(" ", "").upper()
    return b32decode(text + "=" * (-len(text) % 8)).hex()


def has_recovery_codes(user) -> bool:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).exists()


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """A new set of one-time recovery codes, replacing any earlier set; returned once, to show."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


# --- Approval --------------------------------------------------------------------------------


def approval_passkey_started(request) -> None:
    """A passkey ceremony begins for an approval: its assertion will count for one approval."""
    request.session[APPROVAL_PASSKEY_PENDING_KEY] = True


def approval_passkey_completed(request) -> None:
    """The passkey assertion was verified: if it was made for an approval, the next approval
    post (within APPROVAL_PASSKEY_SECONDS) is confirmed by it."""
    if request.session.pop(APPROVAL_PASSKEY_PENDING_KEY, False):
        request.session[APPROVAL_PASSKEY_SESSION_KEY] = time.time()


def confirm_for_approval(request, code: str) -> bool:
    """Whether this approval post carries a fresh second factor: a code typed with it (checked
    and used up now), or a passkey assertion made for it in the last two minutes (used up now).
    Neither can be used for a second approval."""
    confirmed_at = request.session.pop(APPROVAL_PASSKEY_SESSION_KEY, None)
    if normalise_code(code):
        return match_code(request.user, code) is not None
    return confirmed_at is not None and 0 <= time.time() - confirmed_at <= APPROVAL_PASSKEY_SECONDS


# --- Enforcement -----------------------------------------------------------------------------

# Reachable with a password only: the second-factor step itself (every address under it, the
# passkey ceremonies included), signing out, the language switch, the health check and static
# files. Everything else waits for the second factor.
_OPEN_URL_NAMES = ("second_factor:verify", "login", "logout", "set_language", "healthz")


def _open_paths() -> tuple[str, ...]:
    return _open_paths_of(get_resolver(get_urlconf()), get_script_prefix(), settings.STATIC_URL)


@lru_cache(maxsize=16)
def _open_paths_of(resolver, prefix: str, static_url: str) -> tuple[str, ...]:
    # Reversed once for each URLconf and script prefix (all that reverse() reads), not on every
    # request; a changed URLconf is a new resolver (clear_url_caches), so a new entry.
    urlconf = resolver.urlconf_name
    return (*(reverse(name, urlconf=urlconf) for name in _OPEN_URL_NAMES), static_url)


def step_url(user, next_path: str = "") -> str:
    """The second-factor step for this user: confirm a device, or enrol the first one."""
    name = "second_factor:verify" if has_device(user) else "second_factor:enrol"
    url = reverse(name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_path})}" if next_path else url


class SecondFactorRequiredMiddleware:
    """After OTPMiddleware: a user who needs a second factor and has not confirmed one in this
    session is redirected to the second-factor step, whatever page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The open paths first: /healthz and the sign-in pages never load the session's user.
        if request.path.startswith(_open_paths()):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and required_for(user) and not is_verified(user):
            next_path = request.get_full_path() if request.method == "GET" else ""
            return redirect(step_url(user, next_path))
        return self.get_response(request)
