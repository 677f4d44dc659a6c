"""The history indexes on PostgreSQL, where the auditor's figures add one of their own
(tests/core/test_history_indexes.py)."""

import pytest

from tests.core.test_history_indexes import (  # noqa: F401 (collected here as well)
    test_a_history_is_indexed_only_by_what_it_is_searched_by,
)

pytestmark = [pytest.mark.postgres]
