"""``manage.py seed_demo`` (DESIGN.md §7): demo accounts and records, idempotent, development only."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from elections import rules
from elections.constants import (
    Decision,
    DeliveryMode,
    Role,
    SignatureMethod,
    SignatureRole,
    Status,
)
from elections.models import (
    Child,
    Election,
    FieldOffice,
    LegalServiceProvider,
    NoticeVersion,
    Parent,
    ParentChild,
    StaffProfile,
)
from elections.selectors import election_queryset_for_rules

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "officer": (Role.OFFICER, "ELP"),
    "officer2": (Role.OFFICER, "SNA"),
    "witness": (Role.OFFICER, "ELP"),
    "witness2": (Role.OFFICER, "SNA"),
    "supervisor": (Role.SUPERVISOR, "ELP"),
    "supervisor2": (Role.SUPERVISOR, "SNA"),
    "auditor": (Role.AUDITOR, None),
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table of the project, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("elections", "auth")
    }


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as caught:
        seed()
    assert "DEBUG" in str(caught.value)
    assert not get_user_model().objects.exists()
    assert not Election.objects.exists()


def test_running_seed_demo_twice_changes_nothing(debug):
    seed(parents=12)
    first = row_counts()
    snapshot = sorted(
        Election.objects.values_list("parent__a_number", "status", "updated_at", "office__code")
    )
    output = seed(parents=12)
    assert row_counts() == first
    assert (
        sorted(
            Election.objects.values_list("parent__a_number", "status", "updated_at", "office__code")
        )
        == snapshot
    )
    assert "0 new demo parent" in output
    assert first["elections.Election"] == 12


def test_seed_demo_creates_the_accounts_in_their_offices(debug):
    seed(parents=0)
    assert set(FieldOffice.objects.values_list("code", "time_zone")) == {
        ("ELP", "America/Denver"),
        ("SNA", "America/Chicago"),
    }
    for office in FieldOffice.objects.all():
        assert office.facilities.count() == 2
    for username, (role, office) in ACCOUNTS.items():
        profile = StaffProfile.objects.select_related("user", "office").get(user__username=username)
        assert profile.role == role
        assert (profile.office.code if profile.office else None) == office
        assert profile.user.first_name and profile.user.last_name and profile.job_title
        assert profile.user.check_password("formsvc-demo")
        assert profile.user.is_staff == (role == Role.SUPERVISOR)
    assert set(NoticeVersion.objects.values_list("language", flat=True)) == {"en", "es"}


def test_every_demo_office_lists_its_legal_service_providers(debug):
    seed(parents=0)
    for office in FieldOffice.objects.all():
        providers = list(LegalServiceProvider.objects.shown_for(office))
        assert len(providers) >= 2, office
        for provider in providers:
            assert "555-01" in provider.telephone  # fictional numbers only
            provider.full_clean()  # known language codes
            assert provider.languages and "es" in provider.languages


def test_the_demo_password_comes_from_demo_password(debug, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass-42")
    seed(parents=2)
    officer = get_user_model().objects.get(username="officer")
    assert officer.check_password("another-demo-pass-42")
    assert not officer.check_password("formsvc-demo")


def test_more_parents_are_added_without_touching_the_first_ones(debug):
    seed(parents=4)
    before = set(Election.objects.values_list("pk", "updated_at"))
    seed(parents=6)
    after = set(Election.objects.values_list("pk", "updated_at"))
    assert before < after
    assert len(after) == 6


def test_the_demo_records_show_every_case_the_demo_is_for(debug):
    seed()
    elections = list(election_queryset_for_rules())
    statuses = {e.status for e in elections}
    assert {Status.DRAFT, Status.SUBMITTED} <= statuses
    submitted = [e for e in elections if e.status == Status.SUBMITTED]
    for election in submitted:
        # Submitted through the workflow, so every rule held.
        assert rules.submission_problems(election) == []
        assert election.history.filter(history_change_reason="submitted for approval").exists()

    def any_with(predicate):
        return any(predicate(e) for e in submitted)

    assert any_with(lambda e: e.notice_language == "es" and e.parent.primary_language == "es")
    assert any_with(lambda e: e.notice_language == "en")
    assert any_with(
        lambda e: (
            e.parent.primary_language == "quc"
            and e.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
        )
    )
    assert any_with(lambda e: e.delivery_mode == DeliveryMode.INTERPRETER_IN_PERSON)
    assert any_with(rules.records_no_election)
    assert any_with(lambda e: any(c.decision == Decision.CONSULT for c in e.covered.all()))
    assert any_with(lambda e: any(c.decision == Decision.WAIVE for c in e.covered.all()))
    assert {e.office.code for e in submitted} == {"ELP", "SNA"}

    drafts = [e for e in elections if e.status == Status.DRAFT]
    steps = {len(rules.submission_problems(e)) for e in drafts}
    assert len(steps) >= 3, "drafts stop at different steps of the flow"

    for election in elections:
        for signature in election.signatures.all():
            if signature.method == SignatureMethod.DRAWN:
                assert bytes(signature.image).startswith(b"\x89PNG")
            if signature.role in (SignatureRole.WITNESS, SignatureRole.OFFICER):
                assert signature.password_confirmed


def test_the_demo_data_is_the_same_on_every_run(debug):
    seed(parents=5)
    people = sorted(Election.objects.values_list("parent__a_number", "parent__full_name"))
    Election.objects.all().delete()
    ParentChild.objects.all().delete()
    Child.objects.all().delete()
    Parent.objects.all().delete()
    seed(parents=5)
    assert sorted(Election.objects.values_list("parent__a_number", "parent__full_name")) == people


# --- The removal gate's demo ------------------------------------------------------------------
# Seeded once for these last tests (after every test above, which start from an empty database),
# without sealing the approved records: the clearance, not the PDFs, is under test.


@pytest.fixture(scope="module")
def gate_demo(django_db_setup, django_db_blocker):
    from django.db import transaction
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("elections.records.sealing.election_seal", lambda *, election: None)
        atomic = transaction.atomic()
        atomic.__enter__()
        output = seed()
        yield output
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def clearances() -> dict:
    from elections.clearance import parent_clearance

    return {parent.a_number: parent_clearance(parent) for parent in Parent.objects.all()}


def test_the_demo_parents_are_in_every_clearance_outcome(gate_demo):
    from elections.clearance import STAYS, WITH_PARENT, Reason

    answers = clearances()
    seen = {code for answer in answers.values() for code in answer.as_dict()["reason_codes"]}
    assert seen == {reason.value for reason in Reason}
    cleared = [a for a in answers.values() if a.cleared]
    removals_of = {c.removal for a in cleared for c in a.children}
    assert {WITH_PARENT, STAYS} <= removals_of
    # A child who has turned 18 beside a cleared minor sibling: noted, the parent still cleared.
    assert any(
        any(Reason.TURNED_18 in c.reasons for c in a.children)
        and any(c.minor and not c.blocks for c in a.children)
        for a in cleared
    )
    assert "Clearance: 5 parent(s) cleared" in gate_demo
    assert "no_election 2" in gate_demo


def test_a_registered_family_has_no_election_and_its_children_are_linked(gate_demo):
    registered = Parent.objects.filter(registered_at__isnull=False, elections__isnull=True)
    assert registered.count() == 2
    for parent in registered:
        assert parent.registered_office is not None
        assert parent.home_country_contact
        assert ParentChild.objects.filter(parent=parent).exists()
    assert set(registered.values_list("registered_office__code", flat=True)) == {"ELP", "SNA"}


def test_the_demo_has_flagged_removals_and_one_that_matched(gate_demo):
    from elections.models import Removal, RemovalFlag, RemovalSource

    flagged = Removal.objects.flagged()
    codes = {flag["code"] for removal in flagged for flag in removal.flags}
    assert {RemovalFlag.NOT_CLEARED, RemovalFlag.REUNIFY_LEFT_BEHIND} <= codes
    # A flagged removal of a parent who was cleared (a child who was to go left behind).
    assert flagged.filter(cleared=True).exists()
    assert Removal.objects.filter(cleared=True, flags=[]).count() == 1
    assert set(Removal.objects.values_list("source", flat=True)) == {RemovalSource.IMPORT}


def test_seeding_again_records_no_second_removal_or_family(gate_demo):
    from elections.models import Removal

    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "0 new demo parent" in output
    assert Removal.objects.count() == 5


def test_the_clearance_command_and_the_api_answer_alike_for_every_seeded_parent(gate_demo):
    import json

    from django.contrib.auth import get_user_model
    from django.test import Client

    from elections.clearance import clearance_for_a_number
    from elections.models import ApiToken

    account = get_user_model().objects.create_user("removal-scheduler")
    _token, raw = ApiToken.issue(user=account, scopes=["clearance:read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    parents = list(Parent.objects.order_by("a_number"))
    assert len(parents) == 24
    for parent in parents:
        response = api.get(f"/api/v1/parents/{parent.a_number_display}/clearance")
        assert response.status_code == 200, parent.a_number
        by_api = response.json()
        by_api.pop("as_of")
        out = StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("clearance", parent.a_number_display, "--json", stdout=out)
        answer = json.loads(out.getvalue())
        expected = clearance_for_a_number(parent.a_number).as_dict()
        assert exited.value.code == (0 if expected["cleared"] else 1)
        answer.pop("as_of")
        expected.pop("as_of")
        assert answer == expected, parent.a_number
        assert by_api == answer, parent.a_number
