"""R9 in the database: PostgreSQL triggers refuse raw SQL that would change an approved record,
its rows, a shown notice or the history (migration 0003)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from elections.constants import Status
from elections.models import Election, ElectionChild, NoticeVersion, Signature
from tests.factories import ElectionFactory, fresh
from tests.supervision import approved

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def refused(statement: str, params=()) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        sql(statement, params)
    assert error.value.__cause__.sqlstate == "23001"  # restrict_violation, raised by a trigger


@pytest.fixture
def locked(officer, witness, supervisor, notices):
    return approved(officer=officer, witness=witness, supervisor=supervisor)


def test_the_triggers_are_installed():
    assert connection.vendor == "postgresql"
    triggers = {
        (table, name)
        for table, name in (
            sql_rows(
                "SELECT event_object_table, trigger_name FROM information_schema.triggers "
                "WHERE trigger_name LIKE 'formsvc_%%'"
            )
        )
    }
    for table in (
        "elections_election",
        "elections_electionchild",
        "elections_signature",
        "elections_interpreter",
        "elections_noticeversion",
        "elections_historicalelection",
        "elections_historicalsignature",
        "elections_approvalattempt",
    ):
        assert any(t == table for t, _name in triggers), table


def sql_rows(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def test_raw_sql_cannot_change_or_delete_an_approved_election(locked):
    refused("UPDATE elections_election SET return_reason = 'x' WHERE id = %s", [locked.pk])
    refused("UPDATE elections_election SET status = 'submitted' WHERE id = %s", [locked.pk])
    refused("DELETE FROM elections_election WHERE id = %s", [locked.pk])
    assert fresh(locked).status == Status.APPROVED


def test_raw_sql_may_only_mark_an_approved_election_superseded_and_nothing_else(locked):
    refused(
        "UPDATE elections_election SET status = 'superseded', superseded_at = now(), "
        "legal_contact_given = 'and this' WHERE id = %s",
        [locked.pk],
    )
    refused("UPDATE elections_election SET status = 'superseded' WHERE id = %s", [locked.pk])
    assert (
        sql(
            "UPDATE elections_election SET status = 'superseded', superseded_at = now(), "
            "updated_at = now() WHERE id = %s",
            [locked.pk],
        )
        == 1
    )
    # And once superseded, nothing at all.
    refused("UPDATE elections_election SET status = 'approved' WHERE id = %s", [locked.pk])
    refused("UPDATE elections_election SET updated_at = now() WHERE id = %s", [locked.pk])


def test_raw_sql_cannot_change_add_or_delete_the_rows_of_an_approved_election(locked):
    item = ElectionChild.objects.get(election=locked)
    refused("UPDATE elections_electionchild SET decision = 'waive' WHERE id = %s", [item.pk])
    refused("DELETE FROM elections_electionchild WHERE id = %s", [item.pk])
    refused(
        "INSERT INTO elections_electionchild (election_id, child_id, position) VALUES (%s, %s, 1)",
        [locked.pk, item.child_id],
    )
    signature = Signature.objects.filter(election=locked).first()
    refused("UPDATE elections_signature SET printed_name = 'x' WHERE id = %s", [signature.pk])
    refused("DELETE FROM elections_signature WHERE election_id = %s", [locked.pk])
    refused(
        "UPDATE elections_signature SET election_id = %s WHERE id = %s", [locked.pk, signature.pk]
    )
    assert ElectionChild.objects.get(pk=item.pk).decision == item.decision


def test_raw_sql_cannot_move_a_row_out_of_an_approved_election(locked, officer, witness):
    draft = ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)
    refused(
        "UPDATE elections_signature SET election_id = %s WHERE election_id = %s",
        [draft.pk, locked.pk],
    )


def test_raw_sql_cannot_change_an_approved_elections_interpreter(
    officer, witness, supervisor, notices
):
    election = approved(officer=officer, witness=witness, supervisor=supervisor, language="mam")
    refused(
        "UPDATE elections_interpreter SET full_name = 'x' WHERE election_id = %s", [election.pk]
    )
    refused("DELETE FROM elections_interpreter WHERE election_id = %s", [election.pk])


def test_raw_sql_still_changes_a_draft(officer, witness, notices):
    draft = ElectionFactory(
        stage="decided", office=officer.staff.office, presented_by=officer, witness=witness
    )
    assert sql("UPDATE elections_election SET legal_contact_given = 'ok' WHERE id = %s", [draft.pk])
    assert sql("UPDATE elections_electionchild SET position = 3 WHERE election_id = %s", [draft.pk])


def test_raw_sql_cannot_change_or_delete_a_notice_shown_to_a_parent(locked):
    notice = NoticeVersion.objects.get(pk=locked.notice_version_id)
    refused("UPDATE elections_noticeversion SET body = 'x' WHERE id = %s", [notice.pk])
    refused("UPDATE elections_noticeversion SET sha256 = 'x' WHERE id = %s", [notice.pk])
    refused("UPDATE elections_noticeversion SET first_shown_at = NULL WHERE id = %s", [notice.pk])
    refused("DELETE FROM elections_noticeversion WHERE id = %s", [notice.pk])
    assert sql("UPDATE elections_noticeversion SET is_current = false WHERE id = %s", [notice.pk])


def test_raw_sql_cannot_change_or_delete_history_even_of_a_draft(officer, witness, notices):
    draft = ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)
    refused(
        "UPDATE elections_historicalelection SET history_change_reason = 'x' WHERE id = %s",
        [draft.pk],
    )
    refused("DELETE FROM elections_historicalelection WHERE id = %s", [draft.pk])
    refused("DELETE FROM elections_historicalparent")
    assert Election.history.filter(id=draft.pk).exists()


def test_raw_sql_cannot_change_or_delete_a_refused_approval_attempt(locked, supervisor):
    sql(
        "INSERT INTO elections_approvalattempt (election_id, actor_id, outcome, attempted_at) "
        "VALUES (%s, %s, 'wrong_password', %s)",
        [locked.pk, supervisor.pk, timezone.now()],
    )
    refused("UPDATE elections_approvalattempt SET outcome = 'no_password'")
    refused("DELETE FROM elections_approvalattempt")
