"""Test data for the auditor's workspace: two field offices and elections in every state.

Every state is reached through ``elections.services`` and ``elections.workflow`` (via
``tests.factories`` and ``tests.supervision``), never by writing ``status``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from elections import workflow
from elections.constants import Decision, DeliveryMode
from elections.models import AccessLog, Election, FieldOffice
from tests.factories import (
    ChildDataFactory,
    ElectionFactory,
    FacilityFactory,
    FieldOfficeFactory,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
)
from tests.supervision import approve, give_parent_time


def make_audit_user(**kwargs):
    return make_auditor(
        username=kwargs.pop("username", "auditor"),
        first_name="Priya",
        last_name="Natarajan",
        **kwargs,
    )


@dataclass
class Team:
    office: FieldOffice
    officer: object
    witness: object
    supervisor: object

    def election(self, *, stage: str = "submitted", **kwargs) -> Election:
        return ElectionFactory(
            stage=stage,
            office=self.office,
            presented_by=self.officer,
            witness=self.witness,
            **kwargs,
        )

    def approved(self, *, slow: bool = True, **kwargs) -> Election:
        """Approved through the supervisor; ``slow`` gives the parent time (no R13 flag)."""
        election = self.election(stage="submitted", **kwargs)
        if slow:
            election = give_parent_time(election)
        return approve(election, self.supervisor)

    def returned(self, *, resubmit: bool = False, **kwargs) -> Election:
        election = self.election(stage="submitted", **kwargs)
        workflow.election_return(
            election=election, actor=self.supervisor, reason="The witness signed in the wrong box."
        )
        if resubmit:
            workflow.election_submit(election=fresh(election), actor=self.officer)
        return fresh(election)

    def superseding(self, previous: Election, **kwargs) -> Election:
        """A new election for the same parent, approved: ``previous`` becomes superseded."""
        replacement = self.election(stage="submitted", parent=previous.parent, **kwargs)
        assert replacement.supersedes_id == previous.pk
        replacement = approve(give_parent_time(replacement), self.supervisor)
        return replacement


def team(code: str, name: str, time_zone: str, prefix: str) -> Team:
    office = FieldOfficeFactory(code=code, name=name, time_zone=time_zone)
    FacilityFactory(office=office, name=f"{name} Processing Center")
    return Team(
        office=office,
        officer=make_officer(office, username=f"{prefix}officer"),
        witness=make_officer(office, username=f"{prefix}witness"),
        supervisor=make_supervisor(office, username=f"{prefix}supervisor"),
    )


def el_paso() -> Team:
    return team("ELP", "El Paso Field Office", "America/Denver", "elp-")


def san_antonio() -> Team:
    return team("SNA", "San Antonio Field Office", "America/Chicago", "sna-")


def two_children(decisions=(Decision.REUNIFY, Decision.REUNIFY)) -> dict:
    return {"children": [ChildDataFactory(), ChildDataFactory()], "decisions": list(decisions)}


TELEPHONE = {"language": "quc", "delivery_mode": DeliveryMode.INTERPRETER_TELEPHONE}


def statements(client, url, **extra) -> int:
    """SQL statements a GET costs, without the test's SAVEPOINTs."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def last_entry() -> AccessLog:
    return AccessLog.objects.order_by("-id").first()


def without_sealing(monkeypatch) -> None:
    """Approve without rendering the sealed PDF, for tests about search and figures only.

    Rendering and signing take about a second per approval and are tested with the sealing
    itself; an approved election made here has no sealed record.
    """
    monkeypatch.setattr("elections.records.sealing.election_seal", lambda *, election: None)


def sealed_world() -> dict:
    """Sealed records in two offices: one approved (two children) in El Paso, and in San
    Antonio an approved election superseded by a later, approved one: three sealed PDFs, and one
    election awaiting approval."""
    elp, sna = el_paso(), san_antonio()
    first = elp.approved(**two_children((Decision.REUNIFY, Decision.WAIVE)))
    draft = elp.election(stage="submitted")
    old = sna.approved(decisions=Decision.CONSULT)
    new = sna.superseding(old, decisions=Decision.REUNIFY)
    return {
        "elp": elp,
        "sna": sna,
        "first": first,
        "submitted": draft,
        "old": fresh(old),
        "new": new,
    }


def off_the_event_loop(function, *args):
    """Run ``function`` in a thread of its own and return its result.

    Playwright's sync API leaves an asyncio loop marked as running in the main thread (after a
    live-server browser test, for the rest of the session), and sealing a record (pyHanko)
    starts a loop of its own, which asyncio refuses inside another. A test that seals with
    ``transaction=True`` (so other threads see the rows) builds its records here.
    """
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
