"""Bearer tokens of service accounts: ``Authorization: Bearer <token>``, nothing else.

Only the token's SHA-256 is stored (``ApiToken.key_sha256``); a revoked token, or one whose
service account was deactivated, is refused like an unknown one, with its own error code. There is
no session authentication on the API, so no cookie is ever read and no CSRF token is needed.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from elections.models import ApiToken
from elections.models.gate import token_digest

#: ``last_used_at`` is written at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)

KEYWORD = b"bearer"


class TokenMissing(exceptions.NotAuthenticated):
    default_detail = _("Send the token as “Authorization: Bearer <token>”.")
    default_code = "token_missing"


class TokenInvalid(exceptions.AuthenticationFailed):
    default_detail = _("This token is not known.")
    default_code = "token_invalid"


class TokenRevoked(exceptions.AuthenticationFailed):
    default_detail = _("This token was revoked.")
    default_code = "token_revoked"


class BearerTokenAuthentication(BaseAuthentication):
    """``request.user`` is the token's service account, ``request.auth`` the ``ApiToken``."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None  # the scope check answers 401 with TokenMissing
        if parts[0].lower() != KEYWORD or len(parts) != 2:
            raise TokenMissing
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenInvalid from None
        token = (
            ApiToken.objects.select_related("user", "office")
            .filter(key_sha256=token_digest(raw))
            .first()
        )
        if token is None:
            raise TokenInvalid
        if not token.is_active:
            raise TokenRevoked
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # A 401 names the scheme (RFC 6750), which also makes DRF answer 401 rather than 403.
        return 'Bearer realm="formsvc"'


def token_touch(token: ApiToken) -> None:
    """Record the token's use, at most once a minute (one UPDATE, no model save)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
