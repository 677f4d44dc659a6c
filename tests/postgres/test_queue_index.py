"""The queue's first page is read from election_queue_order_idx, not sorted: the queue's order
and the index must stay the same expression (DESIGN.md §8, queue page at 100,000 elections)."""

import pytest
from django.db import connection
from django.test import RequestFactory

from elections.models import Election
from elections.review.admin import ElectionAdmin
from tests.supervision import submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_queue_page_query_uses_the_queue_order_index(officer, witness, supervisor, notices):
    from django.contrib import admin

    submitted(officer=officer, witness=witness)
    model_admin: ElectionAdmin = admin.site._registry[Election]
    request = RequestFactory().get("/admin/elections/election/")
    request.user = supervisor
    changelist = model_admin.get_changelist_instance(request)
    page = changelist.queryset[: model_admin.list_per_page]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        # With sorting priced out, a plan without a Sort node exists only if the index matches.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "election_queue_order_idx" in plan, plan
    assert " Sort " not in plan and "Sort Key" not in plan, plan
