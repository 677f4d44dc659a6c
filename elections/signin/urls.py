"""The `second_factor` URL namespace, under /accounts/second-factor/: the only pages (with
sign-in, sign-out and the language switch) a supervisor, auditor or admin user reaches before
confirming their second factor.

- ``second_factor:verify``: confirm this sign-in with a code or a passkey.
- ``second_factor:enrol``: first sign-in: set up an authenticator app or a passkey.
- ``second_factor:recovery_codes``: the one-time recovery codes, shown once; a new set.
- ``second_factor:passkey_register_begin`` / ``passkey_register_complete``: register a passkey
  (JSON, from static/js/passkey.js).
- ``second_factor:passkey_auth_begin`` / ``passkey_auth_complete``: sign in, or confirm an
  approval (``?for=approval``), with a passkey (JSON).
"""

from django.urls import path

from . import views

app_name = "second_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "passkeys/register/begin/",
        views.PasskeyRegisterBegin.as_view(),
        name="passkey_register_begin",
    ),
    path(
        "passkeys/register/complete/",
        views.PasskeyRegisterComplete.as_view(),
        name="passkey_register_complete",
    ),
    path("passkeys/auth/begin/", views.PasskeyAuthBegin.as_view(), name="passkey_auth_begin"),
    path(
        "passkeys/auth/complete/",
        views.PasskeyAuthComplete.as_view(),
        name="passkey_auth_complete",
    ),
]
