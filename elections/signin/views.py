"""The second-factor pages. A user who needs a second factor reaches them with a password only
(SecondFactorRequiredMiddleware lets nothing else through); one who does not is sent home."""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp_webauthn import views as webauthn_views

from elections import auth, second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "form-control form-control-lg code-input",
            }
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _confirmed(request, device):
    """This session is now confirmed by ``device``: a new session id, as at sign-in."""
    auth.session_key_cycled(request)
    otp_login(request, device)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """Confirm this sign-in: a code from the authenticator app or a recovery code, or a passkey."""
    user = request.user
    if not second_factor.required_for(user) or second_factor.is_verified(user):
        return redirect(_next_url(request))
    if not second_factor.has_device(user):
        return redirect(second_factor.step_url(user, request.GET.get(REDIRECT_FIELD_NAME, "")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.match_code(user, form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                _(
                    "That code is not correct, or it was already used. Type the code your "
                    "authenticator app shows now, or an unused recovery code."
                ),
            )
        else:
            _confirmed(request, device)
            if device.name == second_factor.RECOVERY_DEVICE_NAME:
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d is left. Make new ones on the "
                        "recovery codes page if you are running out.",
                        "You used a recovery code: %(count)d are left. Make new ones on the "
                        "recovery codes page if you are running out.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
    return render(
        request,
        "second_factor/verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_passkey": second_factor.has_passkey(user),
            "has_totp": second_factor.has_totp(user),
        },
    )


TOTP_KEY_SESSION_KEY = "formsvc_enrol_totp_key"


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in: set up an authenticator app (scan the QR code or type the secret, then
    confirm a code) or register a passkey. Once a device exists, only a confirmed session may
    add another: a password alone never enrols a device for an account that has one."""
    user = request.user
    if not second_factor.required_for(user):
        return redirect(_next_url(request))
    if second_factor.has_device(user) and not second_factor.is_verified(user):
        return redirect(second_factor.step_url(user, request.GET.get(REDIRECT_FIELD_NAME, "")))
    key = request.session.get(TOTP_KEY_SESSION_KEY)
    if not key:
        key = second_factor.new_totp_key()
        request.session[TOTP_KEY_SESSION_KEY] = key
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs["inputmode"] = "numeric"
    if request.method == "POST" and form.is_valid():
        device = second_factor.confirm_totp(user, key, form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                _(
                    "That code does not match. Check that the app shows formsvc and type the "
                    "six digits it shows now."
                ),
            )
        else:
            request.session.pop(TOTP_KEY_SESSION_KEY, None)
            if not second_factor.is_verified(user):
                _confirmed(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("second_factor:recovery_codes")
    uri = second_factor.provisioning_uri(user, key)
    secret = second_factor.base32_secret(key)
    return render(
        request,
        "second_factor/enrol.html",
        {
            "form": form,
            "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": _next_url(request),
            "adding": second_factor.has_device(user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The one-time recovery codes: made and shown once, right after enrolment; afterwards only
    how many are left, and a button that replaces them with a new set (shown once too)."""
    user = request.user
    if not second_factor.required_for(user):
        return redirect(_next_url(request))
    if not second_factor.is_verified(user):
        # A password alone never sees or replaces the codes: they would pass the second factor.
        return redirect(second_factor.step_url(user))
    codes = None
    if request.method == "POST" or not second_factor.has_recovery_codes(user):
        codes = second_factor.new_recovery_codes(user)
    return render(
        request,
        "second_factor/recovery_codes.html",
        {
            "codes": codes,
            "left": second_factor.recovery_codes_left(user),
            "next": resolve_url(settings.LOGIN_REDIRECT_URL),
        },
    )


# --- Passkeys (JSON, called by static/js/passkey.js) ------------------------------------------


class PasskeyRegisterBegin(webauthn_views.BeginCredentialRegistrationView):
    """Refused (403) to a session with a password only when the account has a device already."""


class PasskeyRegisterComplete(webauthn_views.CompleteCredentialRegistrationView):
    pass


class PasskeyAuthBegin(webauthn_views.BeginCredentialAuthenticationView):
    """``?for=approval``: the assertion will confirm the next approval (second_factor)."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if self.request.GET.get("for") == "approval":
            second_factor.approval_passkey_started(self.request)
        else:
            self.request.session.pop(second_factor.APPROVAL_PASSKEY_PENDING_KEY, None)
        return response


class PasskeyAuthComplete(webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        signing_in = not second_factor.is_verified(self.request.user)
        if signing_in:
            auth.session_key_cycled(self.request)
        super().complete_auth(device)
        second_factor.approval_passkey_completed(self.request)
