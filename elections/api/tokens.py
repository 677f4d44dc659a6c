"""Service accounts and their tokens: issued by ``manage.py create_api_token``, revoked there or
from the admin's token list. A service account has no password and no staff profile, so it can
never sign in on a screen; it exists only to own tokens."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elections.models import API_SCOPES, ApiToken, FieldOffice
from elections.selectors import staff_profile_for


class TokenRefused(ValueError):
    """Why a token cannot be issued, in words."""


def scopes_parse(raw: str) -> list[str]:
    scopes = sorted({part.strip() for part in raw.split(",") if part.strip()})
    if not scopes:
        raise TokenRefused(
            _("Name at least one scope: %(scopes)s.") % {"scopes": ", ".join(API_SCOPES)}
        )
    unknown = [scope for scope in scopes if scope not in API_SCOPES]
    if unknown:
        raise TokenRefused(
            _("Unknown scope %(unknown)s; the scopes are %(scopes)s.")
            % {"unknown": ", ".join(unknown), "scopes": ", ".join(API_SCOPES)}
        )
    return scopes


@transaction.atomic
def token_issue(
    *, username: str, scopes: list[str], office_code: str | None = None, name: str = ""
):
    """A new token for the service account ``username`` (created if missing).

    Returns ``(token, raw, created_account)``; ``raw`` is the only copy of the token.
    """
    office = None
    if office_code:
        office = FieldOffice.objects.filter(code__iexact=office_code.strip()).first()
        if office is None:
            raise TokenRefused(
                _("There is no field office with the code “%(code)s”.") % {"code": office_code}
            )
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if created:
        user = user_model(username=username)
        user.set_unusable_password()
        user.save()
    elif user.is_staff or user.is_superuser or staff_profile_for(user=user) is not None:
        raise TokenRefused(
            _(
                "%(username)s is a person's account; a token belongs to a service account of its own."
            )
            % {"username": username}
        )
    elif not user.is_active:
        raise TokenRefused(_("The account %(username)s is deactivated.") % {"username": username})
    token, raw = ApiToken.issue(user=user, scopes=scopes, office=office, name=name)
    return token, raw, created


def tokens_revoke(queryset) -> int:
    """Revoke every token of ``queryset`` not yet revoked; returns how many."""
    return queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
