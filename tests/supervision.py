"""Helpers for the supervisor's side: elections awaiting approval, approved, returned.

Every state is reached through ``elections.workflow``, as in production.
"""

from datetime import timedelta

from elections import rules, workflow
from elections.constants import Decision
from elections.models import Election
from tests.factories import STAFF_PASSWORD, ChildDataFactory, ElectionFactory, fresh


def submitted(*, officer, witness, **kwargs) -> Election:
    """An election awaiting approval in the officer's office."""
    return ElectionFactory(
        submitted=True,
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        **kwargs,
    )


def warning_codes(election: Election) -> list[str]:
    return sorted({w.code for w in rules.warnings(fresh(election))})


def approve(election: Election, supervisor, **overrides) -> Election:
    """Approve as a careful supervisor would: password, attestation, every warning acknowledged."""
    arguments = {
        "election": election,
        "actor": supervisor,
        "password": STAFF_PASSWORD,
        "attestation_confirmed": True,
        "acknowledged_warnings": warning_codes(election),
        **overrides,
    }
    workflow.election_approve(**arguments)
    return fresh(election)


def approved(*, officer, witness, supervisor, **kwargs) -> Election:
    return approve(submitted(officer=officer, witness=witness, **kwargs), supervisor)


def give_parent_time(election: Election, minutes: int = 45) -> Election:
    """Move the notice earlier so the parent had ``minutes`` to decide (no R13 warning).

    Only for an election that is not yet locked; the choices and signatures keep their times.
    """
    Election.objects.filter(pk=election.pk).update(
        notice_delivered_at=election.notice_delivered_at - timedelta(minutes=minutes)
    )
    return fresh(election)


def approved_family(*, officer, witness, supervisor) -> Election:
    """Approved in the officer's office: Ana (A231000001) goes with her mother, José
    (A231000002) stays in the United States."""
    return approved(
        officer=officer,
        witness=witness,
        supervisor=supervisor,
        children=[
            ChildDataFactory(full_name="Ana Sofía López", a_number="A231000001"),
            ChildDataFactory(full_name="José Luis López", a_number="A231000002"),
        ],
        decisions=[Decision.REUNIFY, Decision.WAIVE],
    )
