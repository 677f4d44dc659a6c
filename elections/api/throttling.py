"""Each token's request rate, through DRF's throttling: ``settings.API_RATE`` per token."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str | None:
        # Read at every request (not DRF's cached THROTTLE_RATES), so the setting can change.
        return getattr(settings, "API_RATE", "600/min") or None

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if token is None:
            return None  # refused before this; nothing to count
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
