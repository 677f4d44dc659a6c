"""Fixtures of the API tests: service-account tokens and a client that sends them."""

import pytest
from django.core.cache import cache

from tests.api.support import ApiClient, service_token


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    # The rate limit counts in the cache: each test starts with every token's count at zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_api(db):
    """``make_api("records:read", office=...)``: a client carrying a new token with those scopes
    (every scope when none is named)."""

    def make(*scopes, office=None, username="case-system"):
        token, raw = service_token(*scopes, office=office, username=username)
        return ApiClient(token=token, raw=raw)

    return make
