"""Who may open every address of formsvc (DESIGN.md §5, §9): the permission matrix.

Every URL pattern of ``formsvc.urls`` (the officer's flow, the records, the auditor's workspace,
the whole admin with every ModelAdmin's pages, the API, sign-in, the language switch, the health
check) has a row in ``MATRIX``, which names, for GET and for POST (where the view takes a POST),
the roles that are let in. Every other role must be kept out. A pattern without a row fails
``test_every_url_pattern_has_a_row_in_the_matrix`` with its name: a new address is a decision.

The roles: nobody signed in; an officer and a supervisor of the El Paso office, where every
object in the URLs lives; an officer and a supervisor of another office (the per-object check);
two auditors (an export belongs to the auditor who asked for it); a superuser; and API tokens,
each carrying one scope, plus one with every scope limited to the other office.

What the answers mean:

- **let in**: 2xx, or a redirect to anything but a sign-in page; on a row with an ``effect``, a
  POST must also have done what it asks (the election approved, the token revoked, ...);
- **kept out**: 401, 403, 404, 405, or a redirect to a sign-in page (``/accounts/login/`` or
  ``/admin/login/``); on rows marked ``refusal_redirects`` (approve and return, where the domain
  refuses and the review page says why) also a redirect back, as long as nothing changed.
  A POST that is kept out changes nothing in the database (every table of the project but the
  access log, which records the refusal).

Form posts carry a valid CSRF token (the client enforces CSRF as a browser would); API posts
carry the bearer token and no CSRF token, as a machine client does.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SESSION_KEY
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from elections import intake, rules, workflow
from elections.constants import Decision, SignatureMethod, Status
from elections.models import (
    ApiToken,
    Election,
    ExportJob,
    LegalServiceProvider,
    RegistryDiscrepancy,
    SealedRecord,
)
from elections.records import sealing
from tests.api.support import service_token
from tests.factories import (
    STAFF_PASSWORD,
    ElectionFactory,
    FacilityFactory,
    FieldOfficeFactory,
    birthday_years_ago,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
    today,
)
from tests.supervision import approve, warning_codes
from tests.twofactor import mark_session_verified, second_factor_code

pytestmark = pytest.mark.django_db

# --- The roles ---------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
OFFICER = "officer"
OFFICER_ELSEWHERE = "officer of another office"
SUPERVISOR = "supervisor"
SUPERVISOR_ELSEWHERE = "supervisor of another office"
AUDITOR = "auditor"
OTHER_AUDITOR = "another auditor"
SUPERUSER = "superuser"
TOKEN_CLEARANCE = "token clearance:read"
TOKEN_RECORDS = "token records:read"
TOKEN_REMOVALS = "token removals:write"
TOKEN_FAMILY_UNITS = "token family_units:write"
TOKEN_ELSEWHERE = "token with every scope, limited to another office"

STAFF = (
    OFFICER,
    OFFICER_ELSEWHERE,
    SUPERVISOR,
    SUPERVISOR_ELSEWHERE,
    AUDITOR,
    OTHER_AUDITOR,
    SUPERUSER,
)
TOKENS = (TOKEN_CLEARANCE, TOKEN_RECORDS, TOKEN_REMOVALS, TOKEN_FAMILY_UNITS, TOKEN_ELSEWHERE)
ROLES = (ANONYMOUS, *STAFF, *TOKENS)

EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset(STAFF)
NOBODY = frozenset()
#: Officers and supervisors of the election's own office: the officer's flow (§5).
EDITORS = frozenset({OFFICER, SUPERVISOR})
#: Anyone who starts elections in their own office.
STARTERS = frozenset({OFFICER, OFFICER_ELSEWHERE, SUPERVISOR, SUPERVISOR_ELSEWHERE})
#: Whoever the admin site lets in (supervisors and superusers); a model's page checks more.
ADMIN_SITE = frozenset({SUPERVISOR, SUPERVISOR_ELSEWHERE, SUPERUSER})
AUDITORS = frozenset({AUDITOR, OTHER_AUDITOR})


def roles(*names) -> frozenset:
    return frozenset(names)


# --- The matrix: one row per URL name (an unnamed admin redirect is named by its route) ---------


@dataclass(frozen=True)
class Row:
    """Who is let in on GET, and on POST (None: the view takes no POST)."""

    get: frozenset
    post: frozenset | None = None
    #: Which world object a ``<pk>`` / ``<object_id>`` in the URL is (see ``World.objects``).
    obj: str | None = None
    #: What is posted (a function of the world), as a form unless ``json``.
    data: object = None
    json: bool = False
    #: Whether an allowed POST did what it asks (a function of the world, read after the post).
    effect: object = None
    #: A denied POST may also be answered by a redirect back saying why (nothing changed).
    refusal_redirects: bool = False
    #: The path itself, for a regular-expression route (a function of the world).
    path: object = None
    #: Redirects that keep a role out on this row besides the sign-in pages.
    refused_to: tuple = ()
    #: Error statuses that mean the view itself answered, past every permission check (a passkey
    #: ceremony's completion without its beginning is 400): let in.
    reached: tuple = ()


def _election_became(status):
    return lambda w: Election.objects.get(pk=w.obj("submitted")).status == status


def _ready_became(status):
    return lambda w: Election.objects.get(pk=w.obj("ready")).status == status


def _model_admin_rows(
    prefix: str,
    *,
    view,
    add=NOBODY,
    change=NOBODY,
    delete=NOBODY,
    changelist_post=None,
    obj: str,
    data=None,
):
    """The six pages Django's admin gives every model, with who may use each."""
    name = f"admin:{prefix}"
    return {
        f"{name}_changelist": Row(
            get=view, post=changelist_post if changelist_post is not None else view
        ),
        f"{name}_add": Row(get=add, post=add, data=data),
        f"{name}_history": Row(get=view, obj=obj),
        f"{name}_delete": Row(get=delete, post=delete, obj=obj, data=lambda w: {"post": "yes"}),
        f"{name}_change": Row(get=view, post=change, obj=obj, data=data),
    }


def _redirect_row(route: str, obj: str) -> dict:
    # ``<app>/<model>/<id>/`` redirects to the change page, which checks the model's permission.
    return {route: Row(get=ADMIN_SITE, obj=obj)}


def _approve_data(w):
    election = fresh(Election.objects.get(pk=w.obj("submitted")))
    return {
        "password": STAFF_PASSWORD,
        # The approval asks for the second factor again: a fresh code of the office's supervisor
        # (whoever else posts it is refused before it is looked at).
        "second_factor_code": second_factor_code(w.users[SUPERVISOR]),
        "attestation": "on",
        "acknowledge": warning_codes(election),
        "token": workflow.review_token(election),
    }


def _return_data(w):
    election = Election.objects.get(pk=w.obj("submitted"))
    return {
        "reason": "The witness signed in the wrong box.",
        "token": workflow.review_token(election),
    }


def _family_unit(w):
    parent = w.approved.parent
    return {
        "office": "ELP",
        "parent": {
            "a_number": parent.a_number,
            "name": parent.full_name,
            "date_of_birth": parent.date_of_birth.isoformat(),
            "country": parent.country_of_citizenship,
            "primary_language": parent.primary_language,
        },
        "children": [
            {
                "a_number": "A240000099",
                "name": "Nueva Hija López",
                "date_of_birth": birthday_years_ago(5).isoformat(),
                "location_kind": "orr_shelter",
                "location_name": "Casa Esperanza shelter, San Benito, Texas",
                "relationship": "mother",
                "evidence": "birth_certificate",
            }
        ],
    }


def _removal(w):
    return {
        "a_number": w.approved.parent.a_number,
        "removed_on": today().isoformat(),
        "children_removed": [item.child.a_number for item in w.approved.covered.all()],
        "office": "ELP",
    }


def _parent_form(w):
    election = w.ready
    parent = election.parent
    return {
        "full_name": parent.full_name + " Corregido",
        "date_of_birth": parent.date_of_birth.isoformat(),
        "country_of_citizenship": parent.country_of_citizenship,
        "primary_language": parent.primary_language,
        "facility": election.facility_id,
        "identity_method": election.identity_method,
        "identity_document": election.identity_document,
    }


def _child_form(w):
    return {
        "full_name": "Kevin Josué Pérez",
        "date_of_birth": birthday_years_ago(7).isoformat(),
        "a_number": "A231999001",
        "location_kind": "orr_shelter",
        "location_name": "Casa Esperanza shelter, San Benito, Texas",
        "relationship": "mother",
        "evidence": "birth_certificate",
        "evidence_note": "Birth certificate in the ORR case file",
    }


def _notice_form(w):
    election = w.ready
    return {
        "language": election.notice_language,
        "delivery_mode": election.delivery_mode,
        # Another witness than the one who signed: accepted, it clears the signatures.
        "witness": w.users[SUPERVISOR].pk,
    }


def _choices_form(w):
    return {f"child_{item.pk}": Decision.WAIVE for item in w.ready.covered.all()}


def _parent_sign_form(w):
    return {
        "method": SignatureMethod.REFUSED,
        "reason": "The parent will not sign without a lawyer.",
        "covers": rules.parent_consent_digest(fresh(w.ready)),
    }


def _start_form(w):
    return {
        "a_number": "A-209-555-123",
        "full_name": "Rosa Elena García Ordóñez",
        "date_of_birth": birthday_years_ago(30).isoformat(),
        "country_of_citizenship": "GT",
        "primary_language": "es",
        # The form lists the facilities of the poster's own office; El Paso's is refused
        # elsewhere (the form answers 200 with the error).
        "facility": w.ready.facility_id,
        "identity_method": "fingerprints",
        "identity_document": "IDENT fingerprint match",
    }


def _revoke_data(w):
    return {"action": "revoke_selected", "_selected_action": [w.obj("apitoken")], "index": "0"}


def _password_change(w):
    return {
        "old_password": STAFF_PASSWORD,
        "new_password1": "a long new passphrase for the matrix",
        "new_password2": "a long new passphrase for the matrix",
    }


def _user_password(w):
    return {
        "password1": "a long new passphrase for the matrix",
        "password2": "a long new passphrase for the matrix",
    }


def _history_path(w):
    election = Election.objects.get(pk=w.obj("submitted"))
    version = election.history.order_by("-history_id").first()
    return f"/admin/elections/election/{election.pk}/history/{version.history_id}/"


def _provider_history_path(w):
    provider = LegalServiceProvider.objects.get(pk=w.obj("legalserviceprovider"))
    version = provider.history.order_by("-history_id").first()
    return f"/admin/elections/legalserviceprovider/{provider.pk}/history/{version.history_id}/"


def _verify_upload(w):
    return {"file": ContentFile(w.sealed_pdf, name="record.pdf")}


MATRIX: dict[str, Row] = {
    # --- open to everyone -----------------------------------------------------------------------
    "healthz": Row(get=EVERYONE),
    "login": Row(get=EVERYONE, post=EVERYONE, data=lambda w: {"username": "", "password": ""}),
    # Signing out is a POST; every answer is the sign-in page (checked by its own test below).
    "logout": Row(get=NOBODY, post=NOBODY),
    "set_language": Row(
        get=EVERYONE, post=EVERYONE, data=lambda w: {"language": "es", "next": "/"}
    ),
    # --- the second-factor step (elections/signin/): whoever is signed in; nobody else --------
    # Staff sessions here have passed the second factor (or, officers, need none): the step sends
    # them on to where they were going (a redirect, let in), the enrolment page adds a device,
    # the recovery codes page shows or replaces their codes. Nobody signed in is sent to sign in.
    "second_factor:verify": Row(get=SIGNED_IN, post=SIGNED_IN),
    "second_factor:enrol": Row(get=SIGNED_IN, post=SIGNED_IN),
    "second_factor:recovery_codes": Row(get=SIGNED_IN, post=SIGNED_IN),
    # The passkey ceremonies (posted by static/js/passkey.js with the page's CSRF token).
    "second_factor:passkey_register_begin": Row(get=NOBODY, post=SIGNED_IN),
    "second_factor:passkey_register_complete": Row(get=NOBODY, post=SIGNED_IN, reached=(400,)),
    "second_factor:passkey_auth_begin": Row(get=NOBODY, post=SIGNED_IN),
    "second_factor:passkey_auth_complete": Row(get=NOBODY, post=SIGNED_IN, reached=(400,)),
    # --- the officer's tablet flow: officers and supervisors of the election's office ---------
    "elections:home": Row(get=SIGNED_IN, post=SIGNED_IN),
    "elections:start": Row(get=STARTERS, post=STARTERS, data=_start_form),
    "elections:resume": Row(get=EDITORS, obj="ready"),
    "elections:parent": Row(get=EDITORS, post=EDITORS, obj="ready", data=_parent_form),
    "elections:children": Row(get=EDITORS, post=EDITORS, obj="ready", data=_child_form),
    "elections:remove_child": Row(get=NOBODY, post=EDITORS, obj="draft"),
    "elections:resolve_discrepancy": Row(
        get=NOBODY, post=EDITORS, obj="draft", data=lambda w: {"resolution": "accepted"}
    ),
    "elections:notice": Row(get=EDITORS, post=EDITORS, obj="ready", data=_notice_form),
    "elections:handover": Row(get=EDITORS, post=EDITORS, obj="ready"),
    "elections:parent_notice": Row(get=EDITORS, obj="ready"),
    "elections:parent_choices": Row(get=EDITORS, post=EDITORS, obj="ready", data=_choices_form),
    "elections:parent_sign": Row(get=EDITORS, post=EDITORS, obj="ready", data=_parent_sign_form),
    "elections:handback": Row(get=EDITORS, obj="ready"),
    "elections:staff_sign": Row(get=EDITORS, post=EDITORS, obj="ready"),
    "elections:review": Row(get=EDITORS, obj="ready"),
    "elections:submit": Row(
        get=NOBODY, post=EDITORS, obj="ready", effect=_ready_became(Status.SUBMITTED)
    ),
    "elections:submitted": Row(get=EDITORS, obj="ready"),
    "elections:void": Row(
        get=NOBODY,
        post=EDITORS,
        obj="ready",
        data=lambda w: {"reason": "Started for the wrong parent."},
        effect=_ready_became(Status.VOID),
    ),
    "elections:summary": Row(get=EDITORS, obj="approved"),
    # --- the sealed record ----------------------------------------------------------------------
    # The parent's copy: own office only (auditors download theirs from /audit/).
    "elections:record_pdf": Row(get=EDITORS, obj="approved"),
    # Verification shows a reference, a state and hashes, never the people: anyone signed in.
    "elections:verify": Row(get=SIGNED_IN, post=SIGNED_IN, data=_verify_upload),
    "elections:verify_record": Row(get=SIGNED_IN, obj="approved"),
    # --- the auditor's workspace: auditors only; an export is its requester's -----------------
    "audit:search": Row(get=AUDITORS),
    "audit:search_csv": Row(get=AUDITORS),
    "audit:record": Row(get=AUDITORS, obj="approved"),
    "audit:record_pdf": Row(get=AUDITORS, obj="approved"),
    "audit:exports": Row(get=AUDITORS),
    "audit:export_zip": Row(get=NOBODY, post=AUDITORS, data=lambda w: {"query": ""}),
    "audit:export_job": Row(get=roles(AUDITOR), obj="export"),
    "audit:export_status": Row(get=roles(AUDITOR), obj="export"),
    "audit:export_download": Row(get=roles(AUDITOR), obj="export"),
    "audit:verify": Row(get=AUDITORS, post=AUDITORS, data=_verify_upload),
    "audit:dashboard": Row(get=AUDITORS),
    "audit:removals_flagged": Row(get=AUDITORS),
    "audit:removals_report": Row(get=AUDITORS),
    "audit:removals_report_csv": Row(get=AUDITORS),
    "audit:access_log": Row(get=AUDITORS),
    "audit:access_log_csv": Row(get=AUDITORS),
    # --- the API: a token with the view's scope; an office-limited token sees its office -------
    "api:schema": Row(get=EVERYONE),
    "api:docs": Row(get=EVERYONE),
    "api:election-list": Row(get=roles(TOKEN_RECORDS, TOKEN_ELSEWHERE)),
    "api:election-list-alias": Row(get=roles(TOKEN_RECORDS, TOKEN_ELSEWHERE)),
    "api:election-detail": Row(get=roles(TOKEN_RECORDS), obj="approved"),
    "api:election-detail-alias": Row(get=roles(TOKEN_RECORDS), obj="approved"),
    "api:election-pdf": Row(get=roles(TOKEN_RECORDS), obj="approved"),
    "api:parent-clearance": Row(get=roles(TOKEN_CLEARANCE)),
    "api:parent-clearance-alias": Row(get=roles(TOKEN_CLEARANCE)),
    "api:family-units": Row(
        get=NOBODY, post=roles(TOKEN_FAMILY_UNITS), data=_family_unit, json=True
    ),
    "api:family-units-alias": Row(
        get=NOBODY, post=roles(TOKEN_FAMILY_UNITS), data=_family_unit, json=True
    ),
    "api:removals": Row(get=NOBODY, post=roles(TOKEN_REMOVALS), data=_removal, json=True),
    "api:removals-alias": Row(get=NOBODY, post=roles(TOKEN_REMOVALS), data=_removal, json=True),
    "api:report-removed-undocumented": Row(get=roles(TOKEN_RECORDS, TOKEN_ELSEWHERE)),
    "api:report-removed-undocumented-alias": Row(get=roles(TOKEN_RECORDS, TOKEN_ELSEWHERE)),
    "api:report-removed-undocumented-csv": Row(get=roles(TOKEN_RECORDS, TOKEN_ELSEWHERE)),
    # --- the admin site: supervisors (their queue) and superusers ------------------------------
    "admin:index": Row(get=ADMIN_SITE),
    "admin:login": Row(
        get=EVERYONE, post=EVERYONE, data=lambda w: {"username": "", "password": ""}
    ),
    # Whoever the site does not let in is sent to its index (and from there to sign in); whoever
    # it lets in is signed out onto the sign-in page (checked by its own test below).
    "admin:logout": Row(get=NOBODY, post=NOBODY, refused_to=("/admin/",)),
    "admin:password_change": Row(get=ADMIN_SITE, post=ADMIN_SITE, data=_password_change),
    "admin:password_change_done": Row(get=ADMIN_SITE),
    # No ModelAdmin has an autocomplete field: refused to everyone.
    "admin:autocomplete": Row(get=NOBODY),
    "admin:jsi18n": Row(get=ADMIN_SITE),
    # No model has a public page to send anyone to.
    "admin:view_on_site": Row(get=NOBODY, obj="submitted"),
    "admin:app_list": Row(get=ADMIN_SITE, path=lambda w: "/admin/elections/"),
    # The admin's last pattern: an address no page answers.
    r"admin/(?P<url>.*)$": Row(get=NOBODY, path=lambda w: "/admin/no-such-page/"),
    # The approval queue and review: the supervisor of the office, never one elsewhere (404).
    "admin:elections_election_approve": Row(
        get=NOBODY,
        post=roles(SUPERVISOR),
        obj="submitted",
        data=_approve_data,
        effect=_election_became(Status.APPROVED),
        refusal_redirects=True,
    ),
    "admin:elections_election_return": Row(
        get=NOBODY,
        post=roles(SUPERVISOR),
        obj="submitted",
        data=_return_data,
        effect=_election_became(Status.RETURNED),
        refusal_redirects=True,
    ),
    "admin:elections_election_simple_history": Row(
        get=roles(SUPERVISOR, SUPERUSER), post=NOBODY, path=_history_path
    ),
    "admin:elections_election_changelist": Row(get=ADMIN_SITE, post=ADMIN_SITE),
    "admin:elections_election_add": Row(get=NOBODY, post=NOBODY),
    "admin:elections_election_history": Row(get=roles(SUPERVISOR, SUPERUSER), obj="submitted"),
    "admin:elections_election_delete": Row(
        get=NOBODY, post=NOBODY, obj="submitted", data=lambda w: {"post": "yes"}
    ),
    "admin:elections_election_change": Row(
        get=roles(SUPERVISOR, SUPERUSER), post=NOBODY, obj="submitted"
    ),
    **_redirect_row("admin/elections/election/<path:object_id>/", "submitted"),
    # API tokens: superusers only; issued on the command line, revoked from the list.
    **_model_admin_rows(
        "elections_apitoken",
        view=roles(SUPERUSER),
        obj="apitoken",
        changelist_post=roles(SUPERUSER),
    ),
    **_redirect_row("admin/elections/apitoken/<path:object_id>/", "apitoken"),
    # Legal service providers: superusers keep them; made inactive, never deleted.
    # A past version of a provider can be put back by whoever may change providers.
    "admin:elections_legalserviceprovider_simple_history": Row(
        get=roles(SUPERUSER), post=roles(SUPERUSER), path=_provider_history_path
    ),
    **_model_admin_rows(
        "elections_legalserviceprovider",
        view=roles(SUPERUSER),
        add=roles(SUPERUSER),
        change=roles(SUPERUSER),
        obj="legalserviceprovider",
    ),
    **_redirect_row(
        "admin/elections/legalserviceprovider/<path:object_id>/", "legalserviceprovider"
    ),
    # Django's users and groups: superusers only (supervisors hold no model permission).
    **_model_admin_rows(
        "auth_group",
        view=roles(SUPERUSER),
        add=roles(SUPERUSER),
        change=roles(SUPERUSER),
        delete=roles(SUPERUSER),
        obj="group",
        data=lambda w: {"name": "Matrix group renamed"},
    ),
    **_redirect_row("admin/auth/group/<path:object_id>/", "group"),
    **_model_admin_rows(
        "auth_user",
        # Accounts are made by manage.py commands and deactivated, never deleted, here.
        view=roles(SUPERUSER),
        change=roles(SUPERUSER),
        obj="user",
        data=lambda w: {"username": "renamed-by-matrix"},
    ),
    "admin:auth_user_password_change": Row(
        get=roles(SUPERUSER), post=roles(SUPERUSER), obj="user", data=_user_password
    ),
    **_redirect_row("admin/auth/user/<path:object_id>/", "user"),
    # Second-factor devices (django-otp's admin): superusers only.
    **_model_admin_rows(
        "otp_static_staticdevice",
        view=roles(SUPERUSER),
        add=roles(SUPERUSER),
        change=roles(SUPERUSER),
        delete=roles(SUPERUSER),
        obj="staticdevice",
    ),
    **_redirect_row("admin/otp_static/staticdevice/<path:object_id>/", "staticdevice"),
    **_model_admin_rows(
        "otp_totp_totpdevice",
        view=roles(SUPERUSER),
        add=roles(SUPERUSER),
        change=roles(SUPERUSER),
        delete=roles(SUPERUSER),
        obj="totpdevice",
    ),
    "admin:otp_totp_totpdevice_config": Row(get=roles(SUPERUSER), obj="totpdevice"),
    "admin:otp_totp_totpdevice_qrcode": Row(get=roles(SUPERUSER), obj="totpdevice"),
    **_redirect_row("admin/otp_totp/totpdevice/<path:object_id>/", "totpdevice"),
    # The task worker's results: read-only, superusers only.
    **_model_admin_rows("django_tasks_database_dbtaskresult", view=roles(SUPERUSER), obj="task"),
    **_redirect_row("admin/django_tasks_database/dbtaskresult/<path:object_id>/", "task"),
    # Sign-in attempts and lockouts (django-axes): superusers only, read-only.
    **_model_admin_rows(
        "axes_accessattempt",
        view=roles(SUPERUSER),
        obj="accessattempt",
    ),
    **_redirect_row("admin/axes/accessattempt/<path:object_id>/", "accessattempt"),
    **_model_admin_rows(
        "axes_accesslog",
        view=roles(SUPERUSER),
        obj="accesslog",
    ),
    **_redirect_row("admin/axes/accesslog/<path:object_id>/", "accesslog"),
    **_model_admin_rows(
        "axes_accessfailurelog",
        view=roles(SUPERUSER),
        obj="accessfailurelog",
    ),
    **_redirect_row("admin/axes/accessfailurelog/<path:object_id>/", "accessfailurelog"),
}

# Effects that show an allowed POST did what it asks.
MATRIX["admin:elections_apitoken_changelist"] = Row(
    get=roles(SUPERUSER),
    post=roles(SUPERUSER),
    data=_revoke_data,
    effect=lambda w: ApiToken.objects.get(pk=w.obj("apitoken")).revoked_at is not None,
)


# --- Every URL pattern -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the row's key: the qualified name, or the route of an unnamed pattern
    route: str


def _patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = route
            found.append(Pattern(key=key, route=route))
    return found


PATTERNS = _patterns()


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted({p.key for p in PATTERNS} - set(MATRIX))
    assert not missing, (
        "These URL patterns have no row in tests/test_permission_matrix.py's MATRIX; say who "
        "may open each: " + ", ".join(missing)
    )


def test_every_row_of_the_matrix_is_a_url_pattern():
    stale = sorted(set(MATRIX) - {p.key for p in PATTERNS})
    assert not stale, "Rows for URL patterns that no longer exist: " + ", ".join(stale)


# --- The world: real objects of the first office, built once -----------------------------------


@dataclass
class World:
    office: object
    other_office: object
    users: dict
    tokens: dict  # role -> raw token
    sessions: dict  # role -> session key, signed in once for the module
    ready: Election
    draft: Election
    approved: Election
    sealed_pdf: bytes
    objects: dict = field(default_factory=dict)

    def obj(self, name):
        return self.objects[name]


def _build_world(media) -> World:
    office = FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver")
    FacilityFactory(office=office, name="El Paso Service Processing Center")
    other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    FacilityFactory(office=other, name="South Texas Processing Center")
    officer = make_officer(office, username="officer", first_name="Laura", last_name="Benítez")
    witness = make_officer(office, username="witness", first_name="Marcus", last_name="Reed")
    users = {
        OFFICER: officer,
        OFFICER_ELSEWHERE: make_officer(other, username="sna-officer"),
        SUPERVISOR: make_supervisor(office, username="supervisor"),
        SUPERVISOR_ELSEWHERE: make_supervisor(other, username="sna-supervisor"),
        AUDITOR: make_auditor(username="auditor"),
        OTHER_AUDITOR: make_auditor(username="auditor2"),
    }
    root = get_user_model().objects.create_superuser(
        "root", "root@example.gov", STAFF_PASSWORD, first_name="Ada", last_name="Root"
    )
    users[SUPERUSER] = root

    team = {"office": office, "presented_by": officer, "witness": witness}
    ready = ElectionFactory(stage="ready", **team)
    submitted = ElectionFactory(submitted=True, **team)
    approved = approve(ElectionFactory(submitted=True, **team), users[SUPERVISOR])
    draft = ElectionFactory(stage="children", **team)
    # The case system reports another date of birth for the draft's parent: a discrepancy.
    parent = draft.parent
    intake.register_family_unit(
        data=intake.FamilyUnitData(
            a_number=parent.a_number,
            full_name=parent.full_name,
            date_of_birth=parent.date_of_birth - timedelta(days=1),
            country_of_citizenship=parent.country_of_citizenship,
            primary_language=parent.primary_language,
            children=[
                intake.ChildUnitData(
                    a_number=item.child.a_number,
                    full_name=item.child.full_name,
                    date_of_birth=item.child.date_of_birth,
                    location_kind=item.child.location_kind,
                    location_name=item.child.location_name,
                    relationship=link.relationship,
                    evidence=link.evidence,
                )
                for item in draft.covered.all()
                for link in [draft.parent.child_links.get(child=item.child)]
            ],
            office_code="ELP",
        ),
        source="import",
    )
    discrepancy = RegistryDiscrepancy.objects.get(parent=parent, resolved_at__isnull=True)

    tokens = {}
    for role, scope in (
        (TOKEN_CLEARANCE, "clearance:read"),
        (TOKEN_RECORDS, "records:read"),
        (TOKEN_REMOVALS, "removals:write"),
        (TOKEN_FAMILY_UNITS, "family_units:write"),
    ):
        _token, tokens[role] = service_token(scope, username=f"system-{scope.split(':')[0]}")
    _token, tokens[TOKEN_ELSEWHERE] = service_token(office=other, username="sna-system")
    listed_token, _raw = service_token("records:read", username="listed-system")

    job = ExportJob.objects.create(
        requested_by=users[AUDITOR],
        total=1,
        state=ExportJob.State.READY,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
        file_name=default_storage.save(
            "exports/matrix.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)
        ),
    )
    from django_tasks_db.models import DBTaskResult

    from elections.audit.tasks import export_records_zip

    task = DBTaskResult.objects.get(id=export_records_zip.enqueue(str(job.pk)).id)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    axes_row = {
        "user_agent": "matrix",
        "ip_address": "127.0.0.1",
        "username": "nobody",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    provider = LegalServiceProvider.objects.create(
        office=office,
        name="Las Americas Immigrant Advocacy Center",
        telephone="915-544-5126",
        languages=["es", "en"],
    )
    sessions = {}
    for role, user in users.items():
        client = Client()
        sign_in(client, user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    world = World(
        office=office,
        other_office=other,
        users=users,
        tokens=tokens,
        sessions=sessions,
        ready=fresh(ready),
        draft=fresh(draft),
        approved=fresh(approved),
        sealed_pdf=sealing.sealed_pdf_bytes(SealedRecord.objects.get(election=approved)),
    )
    world.objects = {
        "ready": ready.pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "approved": approved.pk,
        "item": draft.covered.first().pk,
        "discrepancy": discrepancy.pk,
        "export": job.pk,
        "apitoken": listed_token.pk,
        "legalserviceprovider": provider.pk,
        "group": Group.objects.create(name="Matrix group").pk,
        "user": users[OFFICER_ELSEWHERE].pk,
        "task": task.pk,
        "accessattempt": AccessAttempt.objects.create(
            **axes_row, get_data="", post_data="", failures_since_start=1
        ).pk,
        "accesslog": AccessLog.objects.create(**axes_row).pk,
        "accessfailurelog": AccessFailureLog.objects.create(**axes_row).pk,
        "content_type": ContentType.objects.get_for_model(Election).pk,
        "staticdevice": StaticDevice.objects.create(
            user=users[OTHER_AUDITOR], name="Matrix recovery codes", confirmed=True
        ).pk,
        "totpdevice": TOTPDevice.objects.create(
            user=users[OTHER_AUDITOR], name="Matrix app", confirmed=True
        ).pk,
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            yield _build_world(media)
            transaction.set_rollback(True)


# --- Signing in and asking ---------------------------------------------------------------------


def sign_in(client: Client, user) -> None:
    """Sign a staff member in on ``client``: the one place the matrix makes a session. With
    the second factor confirmed (the module's sessions are made before tests/conftest.py
    patches force_login for a test, so say it here)."""
    client.force_login(user)
    mark_session_verified(client, user)


def _csrf(client: Client) -> str:
    """A valid CSRF token for ``client``'s next form post, as the page would have given it."""
    secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    if settings.CSRF_USE_SESSIONS:
        session = client.session
        session[CSRF_SESSION_KEY] = secret
        session.save()
    else:
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return secret


def _client(w: World, role: str) -> tuple[Client, dict]:
    client = Client(enforce_csrf_checks=True)
    headers = {}
    if role in w.sessions:
        # The session signed in once for the module (each request's writes are rolled back).
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    elif role in w.tokens:
        headers["Authorization"] = f"Bearer {w.tokens[role]}"
    return client, headers


_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _path(w: World, pattern: Pattern, row: Row) -> str:
    if row.path is not None:
        return row.path(w)
    values = {
        "pk": lambda: w.obj(row.obj),
        "object_id": lambda: w.obj(row.obj),
        "id": lambda: w.obj(row.obj),
        "item_id": lambda: w.obj("item"),
        "discrepancy_id": lambda: w.obj("discrepancy"),
        "a_number": lambda: w.approved.parent.a_number,
        "content_type_id": lambda: w.obj("content_type"),
    }
    path = _CONVERTER.sub(lambda m: str(values[m["name"]]()), pattern.route)
    assert "^" not in path and "(" not in path, f"{pattern.key}: give the row a path"
    return "/" + path


SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")


def _outcome(response, refused_to=(), reached=()) -> str:
    """``in``, ``sign-in`` (sent to a sign-in page), or ``refused`` (401/403/404/405, or a
    redirect the row names as a refusal); a 5xx or anything else is returned as its status
    code, which matches no expectation."""
    code = response.status_code
    if 300 <= code < 400:
        location = response.get("Location", "")
        if any(page in location for page in SIGN_IN_PAGES):
            return "sign-in"
        if location in refused_to:
            return "refused"
        return "in"
    if 200 <= code < 300:
        return "in"
    if code in reached:
        return "in"
    if code in (401, 403, 404, 405):
        return "refused"
    return str(code)


def _state() -> str:
    """The project's tables, to show a refused POST changed nothing. A model with a history is
    read as its number of rows and of history rows (every write through the domain adds one);
    any other model, users and groups row by row (binary columns left out). The access log
    records each refusal, and a token's last use and a user's last sign-in are stamped whatever
    was asked: those are left out."""
    digest = hashlib.sha256()
    models = [
        m
        for m in apps.get_app_config("elections").get_models()
        # Signing out ends the user's sessions server-side (SignedInSession), as it should.
        if m.__name__ not in ("AccessLog", "SignedInSession")
        and not m.__name__.startswith("Historical")
    ]
    for model in [*models, get_user_model(), Group]:
        history = getattr(model, "history", None)
        if history is not None:
            digest.update(f"{model.__name__}={model.objects.count()}/{history.count()}".encode())
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in ("last_used_at", "last_login")
            and f.get_internal_type() != "BinaryField"
        ]
        for row in model.objects.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _ask(w: World, role: str, method: str, path: str, row: Row):
    client, headers = _client(w, role)
    if method == "GET":
        return client.get(path, headers=headers)
    data = row.data(w) if row.data else {}
    if row.json:
        return client.post(path, json.dumps(data), content_type="application/json", headers=headers)
    return client.post(path, {**data, "csrfmiddlewaretoken": _csrf(client)}, headers=headers)


def _roles_for(pattern: Pattern) -> tuple[str, ...]:
    """Every role on the API; on the screens, the one token with every scope stands for all
    tokens (a bearer token opens no screen: it is nobody signed in)."""
    if pattern.route.startswith("api/"):
        return ROLES
    return (ANONYMOUS, *STAFF, TOKEN_ELSEWHERE)


def _check(w: World, pattern: Pattern, row: Row, method: str) -> list[str]:
    allowed = row.get if method == "GET" else row.post
    path = _path(w, pattern, row)
    wrong = []
    # Every request is rolled back, so the state before each one is this.
    before = _state() if method == "POST" else None
    for role in _roles_for(pattern):
        with transaction.atomic():
            cache.clear()  # the API's rate counts
            response = _ask(w, role, method, path, row)
            outcome = _outcome(response, row.refused_to, row.reached)
            if role in allowed:
                if outcome != "in":
                    wrong.append(
                        f"{method} {path} as {role}: expected let in, got {response.status_code} {response.get('Location', '')}"
                    )
                elif method == "POST" and row.effect is not None and not row.effect(w):
                    wrong.append(
                        f"{method} {path} as {role}: answered {response.status_code} but did nothing"
                    )
            else:
                refused = outcome in ("sign-in", "refused") or (
                    row.refusal_redirects and outcome == "in" and response.status_code == 302
                )
                if not refused:
                    wrong.append(
                        f"{method} {path} as {role}: expected kept out, got {response.status_code} {response.get('Location', '')}"
                    )
                if before is not None and _state() != before:
                    wrong.append(f"{method} {path} as {role}: refused, yet the database changed")
            transaction.set_rollback(True)
    return wrong


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.key)
def test_each_role_is_let_in_or_kept_out_as_the_matrix_says(world, pattern):
    row = MATRIX.get(pattern.key)
    if row is None:
        pytest.fail(f"{pattern.key} has no row in MATRIX")
    wrong = _check(world, pattern, row, "GET")
    if row.post is not None:
        wrong += _check(world, pattern, row, "POST")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("url_name", ["logout", "admin:logout"])
def test_signing_out_ends_the_session_and_lands_on_the_sign_in_page(world, url_name):
    signs_out = STAFF if url_name == "logout" else ADMIN_SITE
    for role in signs_out:
        client, _headers = _client(world, role)
        with transaction.atomic():
            response = client.post(reverse(url_name), {"csrfmiddlewaretoken": _csrf(client)})
            assert _outcome(response) == "sign-in", role
            assert _outcome(client.get(reverse("elections:home"))) == "sign-in", role
            transaction.set_rollback(True)
