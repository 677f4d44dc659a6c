"""Every API error is JSON ``{"error": code, "detail": message}`` with its documented status.

``api_exception_handler`` is DRF's EXCEPTION_HANDLER: DRF's own exceptions keep their status and
get a stable code; Django's ``Http404``, ``PermissionDenied`` and ``ValidationError`` (the
domain's refusals) become 404, 403 and 400; a 400 also lists each bad field under ``fields``
(keys are payload paths such as ``children[1].a_number``). Anything else is a defect: it is
logged and answered as a JSON 500, never as an HTML page. ``not_found`` and ``server_error``
are the site's 404 and 500 handlers, which answer JSON under ``/api/`` (an address no view
matches, a malformed id in the path). A database that cannot be reached is not a defect but an
outage: every page, the API included, answers 503 (``database_unavailable``), the page in both
languages, the JSON with ``"error": "service_unavailable"``.
"""

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("formsvc.api")

API_PREFIX = "/api/"

#: What Django raises when PostgreSQL is stopped, restarting or out of reach (a lost connection,
#: a refused one, a server shutting down).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

#: DRF's field-level codes: a body of the wrong shape, answered as "invalid".
SHAPE_CODES = frozenset(
    {
        "invalid",
        "required",
        "null",
        "blank",
        "max_length",
        "min_length",
        "invalid_choice",
        "not_a_list",
        "empty",
        "date",
        "datetime",
        "max_value",
        "min_value",
        "max_string_length",
        "format",
        "not_a_dict",
        "max_digits",
        "unique",
    }
)

#: DRF's codes renamed where ours say more.
CODE_NAMES = {
    "throttled": "rate_limited",
    "not_authenticated": "token_missing",
    "authentication_failed": "token_invalid",
    "permission_denied": "forbidden",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This conflicts with what is already recorded.")
    default_code = "conflict"


class Invalid(exceptions.ValidationError):
    """A 400 with one code for the whole answer (``a_number_format``, ``unknown_office``)."""

    def __init__(self, detail, *, code: str, field: str | None = None):
        super().__init__({field: [detail]} if field else [detail], code=code)
        self.error_code = code


def _flatten(detail, prefix: str = "") -> list[tuple[str, exceptions.ErrorDetail]]:
    """Nested serializer errors as (payload path, message) pairs."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            # A list's errors come keyed by index (DRF's ListSerializer): children[1].
            key = f"[{key}]" if isinstance(key, int) else str(key)
            path = (
                key
                if not prefix
                else (f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}")
            )
            if key == "non_field_errors":
                path = prefix
            pairs.extend(_flatten(value, path))
        return pairs
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [(prefix, item) for item in detail]
        pairs = []
        for index, item in enumerate(detail):
            if item:
                pairs.extend(_flatten(item, f"{prefix}[{index}]"))
        return pairs
    return [(prefix, detail)]


def _from_django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if key == "__all__" else key): [
                exceptions.ErrorDetail(message, code=error.code or "invalid")
                for error in errors
                for message in error.messages
            ]
            for key, errors in exc.error_dict.items()
        }
    else:
        detail = [
            exceptions.ErrorDetail(message, code=error.code or "invalid")
            for error in exc.error_list
            for message in error.messages
        ]
    return exceptions.ValidationError(detail)


def error_body(code: str, detail: str, **extra) -> dict:
    return {"error": code, "detail": str(detail), **extra}


def validation_body(exc: exceptions.ValidationError) -> dict:
    pairs = _flatten(exc.detail)
    codes = {getattr(message, "code", "invalid") or "invalid" for _, message in pairs}
    # One specific reason names the answer (a_number_format); a mix of shape errors is "invalid".
    code = getattr(exc, "error_code", None)
    if code is None:
        single = codes.pop() if len(codes) == 1 else None
        code = single if single and single not in SHAPE_CODES else "invalid"
    fields: dict[str, list[str]] = {}
    for path, message in pairs:
        fields.setdefault(path or "non_field_errors", []).append(str(message))
    text = "; ".join(f"{path}: {message}" if path else str(message) for path, message in pairs)
    return error_body(code, text or _("The request is not valid."), fields=fields)


def api_exception_handler(exc, context):
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.error("API request failed: the database is unavailable", exc_info=exc)
        return database_unavailable(context["request"])
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None, code=getattr(exc, "code", None))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API request failed", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side; nothing was saved.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(CODE_NAMES.get(code, code), exc.detail)
    return response


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            error_body("not_found", _("There is nothing at this address.")), status=404
        )
    return defaults.page_not_found(request, exception)


def database_unavailable(request):
    """The database cannot be reached (stopped, restarting, unreachable): a 503 that says so.

    Rendered without a request context: the context processors and the signed-in user would
    need the database that is missing. No stack trace, nothing about the service's insides.
    """
    if _is_api(request):
        response = JsonResponse(
            error_body(
                "service_unavailable",
                _("The service is unavailable for a moment; nothing was saved. Try again."),
            ),
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    # Django calls the 500 handler inside its ``except`` block, so the failure is at hand: a
    # database that cannot be reached is an outage to wait out, not a defect.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side; nothing was saved.")),
            status=500,
        )
    return defaults.server_error(request)
