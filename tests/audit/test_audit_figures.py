"""The dashboard's kept figures: changed with each transition, equal to a count from scratch."""

import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from elections import figures, services, workflow
from elections.audit import selectors as selectors_audit
from elections.constants import Decision, Status
from elections.errors import RulesNotMet
from elections.models import AuditFigure, Election, Parent
from tests.audit_helpers import (
    el_paso,
    make_audit_user,
    san_antonio,
    two_children,
    without_sealing,
)
from tests.factories import fresh
from tests.supervision import approve, give_parent_time

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return figures.figures_snapshot()


def _step(rng: random.Random, teams, elections: list) -> str:
    """One transition a user could make, chosen at random among those the records allow."""
    team = rng.choice(teams)
    choices = ["new"]
    by_status = {}
    for election in elections:
        by_status.setdefault(fresh(election).status, []).append(election)
    choices += [status for status in by_status if status not in (Status.VOID, Status.SUPERSEDED)]
    what = rng.choice(choices)
    if what == "new":
        decisions = rng.choice(
            [Decision.REUNIFY, Decision.WAIVE, Decision.CONSULT, (Decision.REUNIFY, Decision.WAIVE)]
        )
        kwargs = two_children(decisions) if isinstance(decisions, tuple) else {}
        if not kwargs:
            kwargs = {"decisions": decisions}
        elections.append(team.election(stage=rng.choice(["submitted", "started"]), **kwargs))
        return "new"
    election = fresh(rng.choice(by_status[what]))
    owner = teams[0] if election.office_id == teams[0].office.pk else teams[1]
    if what == Status.SUBMITTED:
        if rng.random() < 0.5:
            approve(give_parent_time(election), owner.supervisor)
            return "approve"
        workflow.election_return(election=election, actor=owner.supervisor, reason="Again.")
        return "return"
    elif what == Status.RETURNED:
        if rng.random() < 0.25:
            workflow.election_void(election=election, actor=owner.officer, reason="Duplicate.")
            return "void"
        if rng.random() < 0.6:
            try:
                workflow.election_submit(election=election, actor=owner.officer)
                return "resubmit"
            except RulesNotMet:  # its notice is to be given again: the officer edits on
                pass
        # The officer corrects the parent's language: the notice and choices start again.
        parent = Parent.objects.get(pk=election.parent_id)
        data = services.parent_data_of(parent)
        data.primary_language = rng.choice(["es", "quc", "mam", "en"])
        services.election_update_parent(
            election=election,
            actor=owner.officer,
            parent=data,
            facility=election.facility,
            identity_method=election.identity_method,
            identity_document=election.identity_document,
        )
        return "language"
    if what == Status.APPROVED:
        # A new election for the same parent, approved: this one becomes superseded.
        decision = rng.choice([Decision.REUNIFY, Decision.WAIVE])
        elections.append(owner.superseding(election, decisions=decision))
        return "supersede"
    workflow.election_void(election=election, actor=owner.officer, reason="Started twice.")
    return "void"


def test_the_kept_figures_equal_a_rebuild_after_random_transitions(notices, monkeypatch):
    without_sealing(monkeypatch)
    teams = [el_paso(), san_antonio()]
    rng = random.Random(12)
    elections: list[Election] = []
    done = [_step(rng, teams, elections) for _ in range(18)]
    kept = _snapshot()
    assert {"approve", "return", "resubmit", "language", "supersede", "void"} <= set(done), done
    assert kept, "the transitions counted nothing"
    counted = figures.figures_rebuild()
    assert counted == Election.objects.filter(submitted_at__isnull=False).count()
    assert _snapshot() == kept


def test_a_return_and_an_approval_move_the_figures_at_once(notices, monkeypatch):
    without_sealing(monkeypatch)
    elp = el_paso()
    election = elp.election(stage="submitted", decisions=Decision.CONSULT)
    queue = selectors_audit.approval_queue_age()
    assert sum(queue["counts"].values()) == 1
    workflow.election_return(election=election, actor=elp.supervisor, reason="The date.")
    assert sum(selectors_audit.approval_queue_age()["counts"].values()) == 0
    office = {r["office"].code: r for r in selectors_audit.returns_per_office()}["ELP"]
    assert (office["returned"], office["returns"]) == (1, 1)
    workflow.election_submit(election=fresh(election), actor=elp.officer)
    approve(give_parent_time(fresh(election)), elp.supervisor)
    assert sum(selectors_audit.approval_queue_age()["counts"].values()) == 0
    backlog = selectors_audit.consult_pending_backlog()
    assert dict(backlog["counts"]) == {("lt1d", "ELP"): 1}


def test_a_draft_never_submitted_counts_nowhere(notices):
    el_paso().election(stage="started")
    assert not AuditFigure.objects.exists()
    assert selectors_audit.decision_time_distribution()["total"] == 0


def test_decision_bins_are_fine_near_the_minimum_and_coarse_in_the_tail():
    assert figures.decision_bin(29.9) == 29
    assert figures.decision_bin(30) == 30
    assert figures.decision_bin(-3) == 0
    assert figures.decision_bin(133) == 130
    assert figures.decision_bin(1519) == 1500
    assert figures.decision_bin(10 * 10**6) == figures.decision_bin(figures.DECISION_BIN_CAP)


def test_the_rebuild_command_counts_elections_written_around_the_workflow(notices, monkeypatch):
    without_sealing(monkeypatch)
    elp = el_paso()
    elp.election(stage="submitted")
    AuditFigure.objects.all().delete()  # as after a bulk import
    assert selectors_audit.returns_per_office()[0]["submitted"] == 0
    call_command("rebuild_audit_summary", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert selectors_audit.returns_per_office()[0]["submitted"] == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_dashboard_says_when_its_figures_were_counted_in_each_office_time(
    client, notices, monkeypatch, language
):
    without_sealing(monkeypatch)
    elp, _sna = el_paso(), san_antonio()
    elp.election(stage="submitted")
    moment = figures.figures_as_of()
    client.force_login(make_audit_user())
    response = client.get(reverse("audit:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    with translation.override(language):
        from elections.templatetags.formsvc import local_time

        denver = local_time(moment, "America/Denver", language)
        chicago = local_time(moment, "America/Chicago", language)
    assert denver in html and chicago in html
    assert "(El Paso Field Office)" in html and "(San Antonio Field Office)" in html
    intro = {
        "en": "Figures as of the last change to a submitted election:",
        "es": "Cifras a la fecha del último cambio en una elección enviada:",
    }[language]
    assert intro in html


def test_an_empty_dashboard_says_nothing_was_counted_yet(client):
    client.force_login(make_audit_user())
    html = client.get(reverse("audit:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Todavía no se ha contado ninguna elección enviada." in html


def _as_kept_per_day() -> None:
    """The figures as they were kept before they were kept per month: each election's submitted
    bucket on a day of its month (three days apart), the totals summed per day."""
    from collections import Counter
    from datetime import datetime, timedelta

    from elections.models import ElectionFigures

    days, stamps = Counter(), {}
    for index, kept in enumerate(ElectionFigures.objects.order_by("pk")):
        buckets = []
        for office, period, metric, key, n in kept.buckets:
            if metric == "submitted":
                period = (datetime.fromisoformat(period) + timedelta(days=index % 3)).isoformat()
                days[(office, period, key)] += n
            buckets.append([office, period, metric, key, n])
        kept.buckets = buckets
        kept.save(update_fields=["buckets"])
    latest = figures.figures_as_of()
    AuditFigure.objects.filter(metric="submitted").delete()
    for index, ((office, period, key), n) in enumerate(sorted(days.items())):
        stamps[period] = latest - timedelta(minutes=index)
        AuditFigure.objects.create(
            office_id=office,
            period=datetime.fromisoformat(period),
            metric="submitted",
            key=key,
            count=n,
            updated_at=stamps[period],
        )


def test_figures_kept_per_day_are_moved_to_their_month_as_a_rebuild_counts_them(
    notices, monkeypatch
):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from elections.models import ElectionFigures

    without_sealing(monkeypatch)
    teams = [el_paso(), san_antonio()]
    rng = random.Random(3)
    elections: list[Election] = []
    for _ in range(10):
        _step(rng, teams, elections)
    for _ in range(4):  # four in one bucket, spread over three days
        teams[0].election(stage="submitted", decisions=Decision.REUNIFY)
    figures.figures_rebuild()
    expected = _snapshot()
    expected_kept = dict(ElectionFigures.objects.values_list("election_id", "buckets"))
    as_of = figures.figures_as_of()
    _as_kept_per_day()
    assert AuditFigure.objects.filter(metric="submitted").count() > len(
        [b for b in expected if b[2] == "submitted"]
    )
    migration = importlib.import_module("elections.migrations.0017_audit_figures_by_month")
    migration.by_month(apps, SimpleNamespace(connection=connection))
    assert _snapshot() == expected
    assert dict(ElectionFigures.objects.values_list("election_id", "buckets")) == expected_kept
    assert figures.figures_as_of() == as_of
