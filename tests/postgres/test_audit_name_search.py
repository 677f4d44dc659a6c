"""The auditor's name search on PostgreSQL: accents and case do not count, either way round, and
the fragment is read from the trigram index on the folded name rather than by a scan."""

import pytest
from django.db import connection
from django.urls import reverse

from elections.audit.forms import AuditFilters
from elections.audit.selectors import audit_election_matches, audit_election_search
from tests.audit_helpers import el_paso, make_audit_user, without_sealing
from tests.factories import ChildDataFactory, ParentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_name_is_found_whatever_its_accents_and_case_on_postgresql(client, notices, monkeypatch):
    without_sealing(monkeypatch)
    elp = el_paso()
    parent = elp.election(stage="submitted", parent=ParentFactory(full_name="Rosa Benítez"))
    child = elp.election(
        stage="submitted", children=[ChildDataFactory(full_name="Itzel Canas Ibanez")]
    )
    client.force_login(make_audit_user())

    def found(name):
        response = client.get(reverse("audit:search"), {"name": name})
        assert response.status_code == 200
        return {row["election"].reference for row in response.context["rows"]}

    for typed in ("Benitez", "BENÍTEZ", "benítez"):
        assert found(typed) == {parent.reference}, typed
    for typed in ("Cañas", "IBÁÑEZ", "itzel"):
        assert found(typed) == {child.reference}, typed


def test_the_name_search_reads_the_trigram_indexes_on_the_folded_names(db):
    query = audit_election_search(filters=AuditFilters(name="Benítez")).values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # Only scans an index on the folded names can answer: a GIN (trigram) index is read by
        # a bitmap scan alone, so with sequential and plain index scans off, a plan naming the
        # trigram indexes shows they match the search's expressions, whatever the statistics
        # earlier tests of the run left on these tables say about their size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_parent_search_name_trgm_idx" in plan, plan
    assert "audit_child_search_name_trgm_idx" in plan, plan


def test_a_name_search_finds_its_elections_from_the_indexes_of_parents_and_children(db):
    # The matches of a common surname are thousands at 100,000 elections: each is read from an
    # index that holds the election's id and sort key (a parent's elections) or the elections
    # covering a child, never by reading every election or every child covered.
    matches = audit_election_matches(filters=AuditFilters(name="Benítez"))
    sql, params = matches.values("pk", "created_at").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using election_parent_key_idx" in plan, plan
    assert "Index Only Scan using election_child_by_child_idx" in plan, plan
