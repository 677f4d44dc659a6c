"""``manage.py seed_scale``: realistic elections in bulk, shown by the real pages, once per database.

One seeding of 2,000 elections is shared by the module (rolled back at its end); each test runs
inside it in its own savepoint.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.test.utils import override_settings
from django.urls import reverse

from elections import rules
from elections.constants import DeliveryMode, Role, SignatureMethod, Status
from elections.management.scale_names import COMMON_SURNAME
from elections.models import AuditFigure, Election, FieldOffice, Parent, StaffProfile
from elections.names import search_key
from elections.selectors import election_queryset_for_rules

SIZE = 2000
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("seed_scale", elections=SIZE, password="scale-test-pw", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def scale(seeded, db):
    return seeded


def user(username):
    return get_user_model().objects.get(username=username)


def test_it_writes_the_elections_asked_for_and_says_how_fast_and_which_surname_is_common(scale):
    assert Election.objects.count() == SIZE
    assert "elections/s" in scale
    assert f"Common surname: {COMMON_SURNAME}" in scale


def test_every_status_is_there_in_the_proportions_of_a_service_in_use(scale):
    shares = {
        status: n / SIZE
        for status, n in Counter(Election.objects.values_list("status", flat=True)).items()
    }
    assert set(shares) == {s.value for s in Status}
    assert 0.55 < shares[Status.APPROVED] < 0.80
    assert 0.05 < shares[Status.SUBMITTED] < 0.15
    assert 0.07 < shares[Status.DRAFT] < 0.18
    for rare in (Status.RETURNED, Status.SUPERSEDED, Status.VOID):
        assert 0.005 < shares[rare] < 0.06, rare
    # Each superseded election is replaced by an approved one for the same parent.
    for old in Election.objects.filter(status=Status.SUPERSEDED).select_related("superseded_by"):
        assert old.superseded_by.status == Status.APPROVED
        assert old.superseded_by.parent_id == old.parent_id


def test_the_flags_the_auditor_filters_on_are_there_too(scale):
    elections = election_queryset_for_rules().filter(status=Status.APPROVED)
    telephone = elections.filter(delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE).count()
    assert telephone > 10
    fast = [e for e in elections if rules.is_fast_decision(e)]
    assert 0.02 < len(fast) / elections.count() < 0.09
    assert all(any(w["code"] == "fast_decision" for w in e.acknowledged_warnings) for e in fast)
    assert Election.objects.filter(
        signatures__method=SignatureMethod.REFUSED, status=Status.SUBMITTED
    ).exists()
    assert Election.objects.filter(status=Status.APPROVED, returned_at__isnull=False).exists()


def test_staff_are_spread_over_twenty_offices_so_an_officer_has_tens_of_open_elections(scale):
    assert FieldOffice.objects.filter(staff__isnull=False).distinct().count() == 20
    roles = Counter(StaffProfile.objects.values_list("role", flat=True))
    assert roles == {Role.OFFICER: 400, Role.SUPERVISOR: 40, Role.AUDITOR: 10}
    open_share = Election.objects.filter(status__in=OPEN).count() / SIZE
    # At 100,000 elections: tens of open elections per officer, not thousands.
    assert 10 <= open_share * 100_000 / 400 < 100
    per_officer = Counter(Election.objects.values_list("presented_by", flat=True))
    assert max(per_officer.values()) < 4 * SIZE / 400


def test_a_common_surname_names_about_two_percent_of_parents(scale):
    parents = Parent.objects.count()
    common = Parent.objects.filter(search_name__contains=search_key(COMMON_SURNAME)).count()
    assert 0.012 < common / parents < 0.03
    # Accents, compound surnames and more than one given name are there as people write them.
    names = list(Parent.objects.values_list("full_name", flat=True))
    assert any("á" in n or "é" in n or "í" in n or "ó" in n or "ú" in n for n in names)
    assert any(" de " in n or " del " in n for n in names)
    assert len({n.split()[0] for n in names}) > 40


def test_families_have_one_to_four_children_and_open_elections_are_recent(scale):
    counts = Counter(
        Election.objects.filter(status=Status.APPROVED).values_list("covered__election", flat=True)
    )
    assert set(counts.values()) == {1, 2, 3, 4}
    dates = Election.objects.filter(status=Status.APPROVED).values_list("created_at", flat=True)
    assert (max(dates) - min(dates)).days > 600


def test_a_seeded_election_passes_the_rules_and_has_a_history_of_its_events(scale):
    submitted = (
        election_queryset_for_rules()
        .filter(status=Status.SUBMITTED)
        .exclude(signatures__method=SignatureMethod.REFUSED)[:25]
    )
    for election in submitted:
        assert rules.submission_problems(election) == [], election
    approved = Election.objects.filter(
        status=Status.APPROVED, returned_at__isnull=True, supersedes__isnull=True
    ).first()
    reasons = list(
        approved.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[:4] == [
        "election started",
        "parent identity verified",
        "notice, delivery and witness chosen",
        "notice shown to the parent",
    ]
    assert reasons[-2:] == ["submitted for approval", "approved"]
    assert approved.covered.first().history.count() == 2


def test_families_are_recorded_oldest_first_with_a_numbers_issued_in_that_order(scale):
    recorded = list(Parent.objects.order_by("a_number").values_list("created_at", flat=True))
    assert len(recorded) > SIZE * 0.9
    # Never more than the two days an open family's start may move (``Generator.family``).
    latest = recorded[0]
    for at in recorded:
        assert at > latest - timedelta(days=2, hours=1)
        latest = max(latest, at)
    assert (recorded[-1] - recorded[0]).days > 600


def test_the_seeded_accounts_see_the_seeded_data_on_the_real_pages(scale, client):
    officer_id = (
        Election.objects.filter(status__in=OPEN)
        .values_list("presented_by", flat=True)
        .order_by("presented_by")
        .first()
    )
    officer = get_user_model().objects.get(pk=officer_id)
    assert officer.check_password("scale-test-pw")
    client.force_login(officer)
    home = client.get(reverse("elections:home"))
    assert home.status_code == 200
    mine = Election.objects.filter(presented_by=officer, status__in=OPEN).first()
    assert mine.reference in home.content.decode()

    supervisor = StaffProfile.objects.filter(role=Role.SUPERVISOR, office=mine.office).first().user
    client.force_login(supervisor)
    queue = client.get(reverse("admin:elections_election_changelist"))
    assert queue.status_code == 200

    client.force_login(user("scale-auditor-01"))
    assert client.get(reverse("audit:dashboard")).status_code == 200
    search = client.get(reverse("audit:search"), {"name": COMMON_SURNAME})
    assert search.status_code == 200
    assert search.context["rows"]
    approved = Election.objects.filter(status=Status.APPROVED).first()
    record = client.get(reverse("audit:record", args=[approved.pk]))
    assert record.status_code == 200
    assert approved.parent.full_name in record.content.decode()


def test_the_auditor_dashboard_counts_the_seeded_elections(scale, client):
    def total(metric, key):
        figures = AuditFigure.objects.filter(metric=metric, key=key)
        return figures.aggregate(n=Sum("count"))["n"]

    submitted = Election.objects.exclude(submitted_at=None)
    assert total("office", "submitted") == submitted.count() > 0
    assert total("office", "returned") == submitted.exclude(returned_at=None).count() > 0
    assert total("queue", "submitted") == submitted.filter(status=Status.SUBMITTED).count() > 0
    client.force_login(user("scale-auditor-01"))
    dashboard = client.get(reverse("audit:dashboard"))
    assert dashboard.context["as_of"]


def test_it_refuses_to_run_twice_on_the_same_database(scale):
    with pytest.raises(CommandError, match="already run on this database"):
        call_command("seed_scale", elections=10, password="x", stdout=StringIO())
    assert Election.objects.count() == SIZE


@override_settings(DEBUG=False)
def test_without_a_password_it_refuses_when_debug_is_off(scale):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_scale", elections=10, stdout=StringIO())
