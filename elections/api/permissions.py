"""Scopes: each API view names the one scope a token must carry (``required_scope``)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from .authentication import TokenMissing


class ScopeMissing(exceptions.PermissionDenied):
    default_code = "scope_missing"


class OfficeNotAllowed(exceptions.PermissionDenied):
    default_code = "office_not_allowed"


class ScopeRequired(BasePermission):
    """Refuses a request without a token (401) or whose token lacks the view's scope (403)."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if token is None:
            raise TokenMissing
        scope = getattr(view, "required_scope", None)
        if scope is None:
            # A view that forgot to name its scope is closed, never open.
            raise ScopeMissing(_("This endpoint is not open to any token."))
        if not token.has_scope(scope):
            raise ScopeMissing(
                _("This token does not carry the scope “%(scope)s”.") % {"scope": scope}
            )
        return True


def office_code_check(token, code: str | None) -> None:
    """A token limited to an office may not name another one (403)."""
    if token.office_id is not None and code and code.upper() != token.office.code.upper():
        raise OfficeNotAllowed(
            _("This token is limited to the field office %(office)s.")
            % {"office": token.office.code}
        )
