"""Each event writes a history row; the history is read by the row's id, by an election's id and
by time (elections/history.py, records/snapshot.py, figures.py), so those are the only columns
its rows are indexed by: every other index would be updated at every event and never read."""

import pytest
from django.db import connection

from elections.models import Child, Election, ElectionChild, Parent, ParentChild, Signature

# Besides each history's own key, time, user and signed-in user, what its rows are found by.
SEARCHED = {
    Election: {("id",)},
    ElectionChild: {("id",), ("election_id",)},
    Signature: {("id",), ("election_id",)},
    Parent: {("id",)},
    Child: {("id",)},
    ParentChild: {("id",)},
}
OWN = {("history_id",), ("history_date",), ("history_user_id",), ("history_session_user_id",)}
# The auditor's figures count returns by office (migration 0005, on PostgreSQL only).
POSTGRESQL = {Election: {("status", "office_id")}}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(SEARCHED), ids=lambda model: model.__name__)
def test_a_history_is_indexed_only_by_what_it_is_searched_by(model):
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {
        tuple(found["columns"])
        for found in constraints.values()
        if (found["index"] or found["primary_key"] or found["unique"]) and found["columns"]
    }
    expected = SEARCHED[model] | OWN
    if connection.vendor == "postgresql":
        expected |= POSTGRESQL.get(model, set())
    assert indexed == expected
