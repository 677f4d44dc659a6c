"""The supervisor's approval queue and review page in the admin (R7, DESIGN.md §2, §5)."""

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from elections import rules, workflow
from elections.constants import (
    ChildLocationKind,
    Decision,
    DeliveryMode,
    Relationship,
    RelationshipEvidence,
    SignatureMethod,
    Status,
)
from elections.models import (
    ApprovalAttempt,
    Child,
    Election,
    ElectionChild,
    Parent,
    ParentChild,
)
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    FieldOfficeFactory,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
    snapshot,
)
from tests.supervision import approve, approved, give_parent_time, submitted
from tests.twofactor import confirm_code_step, second_factor_code_for

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:elections_election_changelist")


def review_url(election) -> str:
    return reverse("admin:elections_election_change", args=[election.pk])


def rows(response) -> list[str]:
    """The queue's rows, in order, as the references they show."""
    return re.findall(r"E-[0-9A-F]{8}", response.content.decode().split('id="result_list"')[1])


def text(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def supervisor2(office):
    return make_supervisor(office, username="supervisor2", first_name="Tomás", last_name="Ruiz")


@pytest.fixture
def other_office(db):
    return FieldOfficeFactory(
        code="SNA", name="San Antonio Field Office", time_zone="America/Chicago"
    )


@pytest.fixture
def elsewhere(other_office, notices):
    """An election awaiting approval in another field office."""
    officer = make_officer(other_office, username="sa-officer")
    witness = make_officer(other_office, username="sa-witness")
    return submitted(officer=officer, witness=witness)


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


# --- who gets in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "auditor", "staff-flagged officer"])
def test_officers_and_auditors_are_refused_by_the_admin(client, office, role):
    if role == "auditor":
        user = make_auditor(username="auditor")
    else:
        user = make_officer(office, username="an-officer")
    if role == "staff-flagged officer":
        user.is_staff = True
        user.save()
    client.force_login(user)
    for url in (reverse("admin:index"), QUEUE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_supervisor_and_a_superuser_get_in(client, supervisor, django_user_model):
    client.force_login(supervisor)
    assert client.get(QUEUE).status_code == 200
    root = django_user_model.objects.create_superuser("root", password=STAFF_PASSWORD)
    client.force_login(root)
    assert client.get(QUEUE).status_code == 200


def test_a_supervisor_opening_admin_lands_on_the_queue(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert client.get(response["Location"]).status_code == 200


def test_a_superuser_keeps_the_admin_index_with_the_api_tokens(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=STAFF_PASSWORD)
    client.force_login(root)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert QUEUE in index.content.decode()
    assert "token" in index.content.decode().lower()


def test_signing_in_at_admin_as_a_supervisor_lands_on_the_queue(client, supervisor):
    response = client.post(
        reverse("admin:login"),
        {"username": supervisor.get_username(), "password": STAFF_PASSWORD, "next": "/admin/"},
        follow=True,
    )
    response = confirm_code_step(client, response, supervisor)
    assert response.redirect_chain[-1][0] == QUEUE
    assert response.status_code == 200


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_shows_only_the_supervisors_office_awaiting_approval_first_oldest_first(
    as_supervisor, officer, witness, supervisor2, elsewhere, notices
):
    older = submitted(officer=officer, witness=witness)
    done = approved(officer=officer, witness=witness, supervisor=supervisor2)
    newer = submitted(officer=officer, witness=witness)
    Election.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    Election.objects.filter(pk=newer.pk).update(submitted_at=timezone.now() - timedelta(hours=1))

    response = as_supervisor.get(QUEUE)
    assert rows(response) == [older.reference, newer.reference, done.reference]
    assert elsewhere.reference not in response.content.decode()


def test_the_queue_shows_what_a_supervisor_decides_from(as_supervisor, officer, witness, notices):
    election = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
        children=[ChildDataFactory(full_name="Kevin Josué Tzul"), ChildDataFactory()],
        decisions=[Decision.WAIVE, Decision.CONSULT],
    )
    Election.objects.filter(pk=election.pk).update(
        submitted_at=timezone.now() - timedelta(hours=3, minutes=5)
    )
    page = text(as_supervisor.get(QUEUE))
    parent = election.parent
    for expected in (
        parent.full_name,
        parent.a_number_display,
        "Kevin Josué Tzul: Leave my child in the United States",
        "Speak with a lawyer before deciding",
        "Spanish",
        "An interpreter by telephone: Lucía Ixcoy Tambriz",
        "0 min to decide · R13: too fast",
        "The notice was interpreted by telephone.",
        "Laura Benítez",
        "Awaiting approval submitted December",
        "waiting 3 hours, 5 minutes",
    ):
        assert expected in page, expected
    # Six columns, so that none is cut off on a tablet held sideways or a laptop.
    headers = re.findall(
        r'<th scope="col" class="[^"]*column-(\w+)', as_supervisor.get(QUEUE).content.decode()
    )
    assert headers == [
        "parent_column",
        "children_column",
        "notice_column",
        "flags_column",
        "officer_column",
        "status_column",
    ]
    for header in (
        "Parent",
        "Children and decisions",
        "Notice and time to decide",
        "Flags",
        "Officer",
        "Status and waiting",
    ):
        assert header in page, header


def test_a_decision_given_time_is_not_flagged(as_supervisor, officer, witness, notices):
    give_parent_time(submitted(officer=officer, witness=witness), minutes=42)
    page = text(as_supervisor.get(QUEUE))
    assert "42 min to decide" in page
    assert "R13: too fast" not in page


def row_of(response, election) -> str:
    """The queue's row of ``election``, as HTML."""
    table = response.content.decode().split('id="result_list"')[1]
    return next(row for row in table.split("<tr>") if election.reference in row)


def flags_of(response, election) -> list[str]:
    cell = re.search(r'<td class="field-flags_column">(.*?)</td>', row_of(response, election))
    return [
        html.unescape(flag)
        for flag in re.findall(r"<span class='queue-flag'>(.*?)</span>", cell[1])
    ]


def test_each_row_flags_every_warning_the_review_asks_to_acknowledge_and_a_return(
    as_supervisor, officer, witness, supervisor2, notices
):
    telephone = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
    )
    one_of_two_unverified = give_parent_time(
        submitted(
            officer=officer,
            witness=witness,
            children=[
                ChildDataFactory(full_name="Mateo Unverified Cux"),
                ChildDataFactory(
                    full_name="Sofía Sin Verificar Cux", evidence=RelationshipEvidence.NOT_VERIFIED
                ),
            ],
        )
    )
    did_not_sign = submitted(officer=officer, witness=witness, parent_signs=SignatureMethod.REFUSED)
    returned = give_parent_time(submitted(officer=officer, witness=witness))
    workflow.election_return(election=returned, actor=supervisor2, reason="Correct the name.")
    clean = give_parent_time(submitted(officer=officer, witness=witness))

    response = as_supervisor.get(QUEUE)
    for election in (telephone, one_of_two_unverified, did_not_sign, returned, clean):
        expected = [str(warning.message) for warning in rules.warnings(fresh(election))]
        if election == returned:
            expected.append("returned before")
        assert flags_of(response, election) == expected, election
    assert flags_of(response, telephone)[0].startswith("The parent decided 0 minutes")
    assert flags_of(response, telephone)[1:] == ["The notice was interpreted by telephone."]
    assert flags_of(response, one_of_two_unverified) == [
        "The relationship to Sofía Sin Verificar Cux is not verified."
    ]
    assert flags_of(response, did_not_sign)[-1].startswith("The parent did not sign")
    # Nothing to flag: the admin's mark for an empty value.
    assert flags_of(response, clean) == []
    assert '<td class="field-flags_column">-</td>' in row_of(response, clean)


def test_a_rows_link_opens_the_review_and_keeps_the_queues_filters(
    as_supervisor, officer, witness, notices
):
    election = submitted(officer=officer, witness=witness)
    row = row_of(as_supervisor.get(QUEUE, {"flag": "fast", "o": "1"}), election)
    link = re.search(r'<th class="field-parent_column"><a href="([^"]+)">', row)[1]
    assert html.unescape(link) == f"{review_url(election)}?_changelist_filters=flag%3Dfast%26o%3D1"
    assert as_supervisor.get(html.unescape(link)).status_code == 200


@pytest.fixture
def assorted(officer, witness, supervisor2, notices):
    """One election per flag, all in the supervisor's office."""
    return {
        "fast": submitted(officer=officer, witness=witness, decisions=Decision.REUNIFY),
        "telephone": give_parent_time(
            submitted(
                officer=officer,
                witness=witness,
                language="quc",
                delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
                decisions=Decision.WAIVE,
            )
        ),
        "unverified": give_parent_time(
            submitted(
                officer=officer,
                witness=witness,
                children=[ChildDataFactory(evidence=RelationshipEvidence.NOT_VERIFIED)],
                decisions=Decision.WAIVE,
            )
        ),
        "consult_pending": approve(
            give_parent_time(
                submitted(officer=officer, witness=witness, decisions=Decision.CONSULT)
            ),
            supervisor2,
        ),
    }


@pytest.mark.parametrize("flag", ["fast", "telephone", "unverified", "consult_pending"])
def test_the_queue_filters_by_flag(as_supervisor, assorted, flag):
    assert rows(as_supervisor.get(QUEUE, {"flag": flag})) == [assorted[flag].reference]


def test_the_queue_filters_by_status_and_decision(as_supervisor, assorted):
    by_status = rows(as_supervisor.get(QUEUE, {"status__exact": "approved"}))
    assert by_status == [assorted["consult_pending"].reference]
    waive = set(rows(as_supervisor.get(QUEUE, {"decision": "waive"})))
    assert waive == {assorted["telephone"].reference, assorted["unverified"].reference}
    assert rows(as_supervisor.get(QUEUE, {"decision": "consult"})) == [
        assorted["consult_pending"].reference
    ]


def test_the_consult_pending_list_is_linked_from_the_queue(as_supervisor, assorted):
    page = as_supervisor.get(QUEUE).content.decode()
    assert 'href="?flag=consult_pending"' in page


@pytest.mark.parametrize(
    "typed",
    ["{a}", "{a_lower}", "{dashed}", "{digits}", "{spaced}"],
    ids=["stored", "lowercase", "dashes", "digits-only", "spaces"],
)
def test_the_queue_searches_by_a_number_typed_in_any_shape(
    as_supervisor, officer, witness, notices, typed
):
    wanted = submitted(officer=officer, witness=witness)
    submitted(officer=officer, witness=witness)
    a = wanted.parent.a_number
    term = typed.format(
        a=a,
        a_lower=a.lower(),
        dashed=wanted.parent.a_number_display,
        digits=a[1:],
        spaced=f"A {a[1:4]} {a[4:7]} {a[7:]}",
    )
    assert rows(as_supervisor.get(QUEUE, {"q": term})) == [wanted.reference]


def test_the_queue_searches_by_a_childs_a_number_and_by_names(
    as_supervisor, officer, witness, notices
):
    wanted = submitted(
        officer=officer,
        witness=witness,
        children=[ChildDataFactory(full_name="Génesis Abigail Chávez", a_number="A099888777")],
    )
    # Another family, named so that no generated name can match the search by chance.
    submitted(officer=officer, witness=witness, children=[ChildDataFactory(full_name="Iker Ramos")])
    assert rows(as_supervisor.get(QUEUE, {"q": "099-888-777"})) == [wanted.reference]
    assert rows(as_supervisor.get(QUEUE, {"q": "Génesis Abigail"})) == [wanted.reference]
    assert rows(as_supervisor.get(QUEUE, {"q": wanted.parent.full_name})) == [wanted.reference]


def bulk_elections(*, office, officer, witness, approver, count: int, offset: int) -> None:
    """``count`` elections, each with a child and a decision, half approved: written in bulk
    because the ORM one by one would take minutes for ten thousand."""
    now = timezone.now()
    parents = Parent.objects.bulk_create(
        Parent(
            a_number=f"A{400_000_000 + offset + i:09d}",
            full_name=f"Bulk Parent {offset + i}",
            date_of_birth=date(1990, 1, 1),
            country_of_citizenship="GT",
            primary_language="es",
        )
        for i in range(count)
    )
    children = Child.objects.bulk_create(
        Child(
            full_name=f"Bulk Child {offset + i}",
            date_of_birth=date(2016, 1, 1),
            location_kind=ChildLocationKind.ORR_SHELTER,
            location_name="Shelter",
        )
        for i in range(count)
    )
    ParentChild.objects.bulk_create(
        ParentChild(
            parent=p,
            child=c,
            relationship=Relationship.FATHER,
            evidence=RelationshipEvidence.BIRTH_CERTIFICATE,
        )
        for p, c in zip(parents, children, strict=True)
    )
    elections = Election.objects.bulk_create(
        Election(
            office=office,
            parent=p,
            presented_by=officer,
            witness=witness,
            status=Status.SUBMITTED,
            submitted_at=now - timedelta(minutes=i),
            notice_language="es",
            delivery_mode=DeliveryMode.PARENT_READ,
            notice_delivered_at=now - timedelta(hours=2),
        )
        for i, p in enumerate(parents)
    )
    ElectionChild.objects.bulk_create(
        ElectionChild(
            election=e, child=c, decision=Decision.REUNIFY, decided_at=now - timedelta(hours=1)
        )
        for e, c in zip(elections, children, strict=True)
    )
    # Approved last: rows of an approved election cannot be added any more.
    Election.objects.filter(pk__in=[e.pk for e in elections[::2]]).update(
        status=Status.APPROVED,
        approved_at=now,
        approved_by=approver,
        approval_attestation="attested",
    )


def queue_queries(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    # Each test runs inside a transaction, so a session save shows up wrapped in
    # SAVEPOINT/RELEASE statements that a production request does not send; the session itself is
    # written at most once a minute (elections.middleware.IdleExpiryMiddleware), so by whichever
    # request comes first: no page's own cost.
    return [
        q["sql"]
        for q in queries.captured_queries
        if "SAVEPOINT" not in q["sql"] and not q["sql"].startswith('UPDATE "django_session"')
    ]


def test_the_queue_costs_the_same_queries_at_100_and_at_10000_elections(
    as_supervisor, office, officer, witness, supervisor2, notices
):
    submitted(officer=officer, witness=witness)  # one built the real way, with signatures
    common = {"office": office, "officer": officer, "witness": witness, "approver": supervisor2}
    bulk_elections(count=99, offset=0, **common)
    assert Election.objects.count() == 100
    at_100 = {name: queue_queries(as_supervisor, **p) for name, p in QUEUE_VIEWS.items()}

    bulk_elections(count=9_900, offset=100, **common)
    assert Election.objects.count() == 10_000
    at_10000 = {name: queue_queries(as_supervisor, **p) for name, p in QUEUE_VIEWS.items()}

    for name in QUEUE_VIEWS:
        assert len(at_10000[name]) == len(at_100[name]), name
        # One more than without the second factor: the device that verified this session.
        assert len(at_10000[name]) <= 11, (name, at_10000[name])


QUEUE_VIEWS = {
    "queue": {},
    "second page": {"p": "2"},
    "flag": {"flag": "fast"},
    "search": {"q": "Bulk Parent 42"},
    "decision": {"decision": "reunify"},
}


# --- another office does not exist ---------------------------------------------------------------


def test_every_admin_url_of_another_offices_election_is_a_404(as_supervisor, elsewhere):
    before = snapshot(elsewhere)
    first = elsewhere.history.order_by("history_date").first()
    token = workflow.review_token(elsewhere)
    for method, url, data in (
        ("get", review_url(elsewhere), None),
        ("get", reverse("admin:elections_election_history", args=[elsewhere.pk]), None),
        (
            "get",
            reverse("admin:elections_election_simple_history", args=[elsewhere.pk, first.pk]),
            None,
        ),
        ("get", reverse("admin:elections_election_delete", args=[elsewhere.pk]), None),
        (
            "post",
            reverse("admin:elections_election_approve", args=[elsewhere.pk]),
            {"password": STAFF_PASSWORD, "attestation": "on", "token": token},
        ),
        (
            "post",
            reverse("admin:elections_election_return", args=[elsewhere.pk]),
            {"reason": "Not yours", "token": token},
        ),
    ):
        response = getattr(as_supervisor, method)(url, data)
        assert response.status_code == 404, url
    assert snapshot(elsewhere) == before
    assert ApprovalAttempt.objects.count() == 0


def test_a_malformed_or_unknown_id_is_a_404(as_supervisor):
    for pk in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert as_supervisor.get(f"{QUEUE}{pk}/change/").status_code == 404
        assert as_supervisor.get(f"{QUEUE}{pk}/history/").status_code == 404


# --- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_the_record_the_checklist_warnings_and_history(
    as_supervisor, officer, witness, notices
):
    election = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
        children=[ChildDataFactory(evidence=RelationshipEvidence.NOT_VERIFIED)],
    )
    response = as_supervisor.get(review_url(election))
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()

    # The record: the same include the sealed PDF uses, in the language the PDF prints it in
    # (the parent's), with English beside it (R10).
    assert "records/includes/_record.html" in [t.name for t in response.templates]
    assert response.context["record_language"] == "es"
    assert response.context["english_beside"] is True
    assert re.search(r'<div lang="es">\s*<div class="record">', html)
    assert election.notice_version.sha256 in page
    assert election.parent.full_name in page
    # The checklist: every rule, with its state and evidence.
    states = dict(re.findall(r'data-rule="(R\d+)" data-state="(\w+)"', html))
    assert list(states) == [f"R{n}" for n in range(1, 14)]
    assert states["R13"] == "warn"
    assert states["R4"] == "warn"
    assert states["R2"] == "warn"
    assert states["R7"] == "pending"
    assert states["R1"] == "pass"
    assert "Interpreter: Lucía Ixcoy Tambriz" in page
    # The warnings to acknowledge, one checkbox each.
    assert sorted(re.findall(r'name="acknowledge" value="(\w+)"', html)) == [
        "fast_decision",
        "relationship_unverified",
        "telephone_interpreter",
    ]
    assert str(workflow.APPROVAL_ATTESTATION) in page
    assert 'name="password"' in html
    # The history with what each entry changed.
    assert "submitted for approval" in page
    assert "Status: Draft → Awaiting approval" in page
    assert "How the notice was delivered: — → An interpreter by telephone" in page


def test_the_review_page_refuses_to_offer_a_decision_to_the_presenting_or_witnessing_supervisor(
    client, officer, supervisor, notices
):
    election = submitted(officer=officer, witness=supervisor)
    client.force_login(supervisor)
    response = client.get(review_url(election))
    assert b'id="approve-form"' not in response.content
    assert "You witnessed this election; another supervisor must review it." in text(response)
    assert 'data-rule="R7" data-state="fail"' in response.content.decode()


def test_a_supervisor_approves_through_the_admin(as_supervisor, officer, witness, notices):
    election = submitted(officer=officer, witness=witness)
    response = as_supervisor.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(as_supervisor),
            "attestation": "on",
            "acknowledge": ["fast_decision"],
            "token": workflow.review_token(election),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert fresh(election).status == Status.APPROVED
    assert any("is approved" in m for m in messages_of(response))
    page = as_supervisor.get(review_url(election))
    assert b'id="approve-form"' not in page.content
    assert "This record can no longer be changed." in text(page)


def approve_post(client, election, **data):
    data.setdefault("second_factor_code", second_factor_code_for(client))
    return client.post(reverse("admin:elections_election_approve", args=[election.pk]), data)


def missing_parts(response) -> list[str]:
    assert response.status_code == 200
    return response.context["approve_errors"]


@pytest.mark.parametrize(
    ("password", "outcome", "said"),
    [
        ("", "no_password", "Re-enter your password to approve."),
        ("wrong-password", "wrong_password", "That password is not correct."),
    ],
    ids=["no-password", "wrong-password"],
)
def test_approving_in_the_admin_without_the_right_password_is_refused_and_recorded(
    as_supervisor, officer, witness, supervisor, notices, password, outcome, said
):
    election = submitted(officer=officer, witness=witness)
    before = snapshot(election)
    response = approve_post(
        as_supervisor,
        election,
        password=password,
        attestation="on",
        acknowledge=["fast_decision"],
        token=workflow.review_token(election),
    )
    assert [part[: len(said)] for part in missing_parts(response)] == [said]
    assert snapshot(election) == before
    assert ApprovalAttempt.objects.get().outcome == outcome
    # The review page again, the refusal beside the password and in its history.
    page = text(response)
    assert said in page
    assert "Refused approval attempts" in page
    assert b'id="approve-form"' in response.content


def test_approving_in_the_admin_without_acknowledging_a_warning_is_refused(
    as_supervisor, officer, witness, notices
):
    election = submitted(officer=officer, witness=witness)
    before = snapshot(election)
    response = approve_post(
        as_supervisor,
        election,
        password=STAFF_PASSWORD,
        attestation="on",
        token=workflow.review_token(election),
    )
    assert missing_parts(response) == [
        "Acknowledge the warning R13: The parent decided 0 minutes after the notice; "
        "the minimum is 30."
    ]
    assert snapshot(election) == before
    # A right password is not a refused attempt.
    assert ApprovalAttempt.objects.count() == 0


def test_an_approval_that_misses_everything_lists_every_missing_part_at_once(
    as_supervisor, officer, witness, notices
):
    election = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
        children=[ChildDataFactory(evidence=RelationshipEvidence.NOT_VERIFIED)],
    )
    before = snapshot(election)
    response = approve_post(
        as_supervisor,
        election,
        password="not-my-password",
        acknowledge=["telephone_interpreter"],
        token=workflow.review_token(election),
    )
    parts = missing_parts(response)
    assert len(parts) == 4, parts
    assert parts[0].startswith("Acknowledge the warning R13: The parent decided 0 minutes")
    assert parts[1].startswith("Acknowledge the warning R2: ")
    assert parts[2:] == [
        "Confirm the attestation to approve.",
        "That password is not correct. The attempt was recorded.",
    ]
    page = text(response)
    assert "Not approved: 4 parts are missing." in page
    for part in parts:
        assert part in page
    # What the supervisor did tick stays ticked; the rest is for them to tick.
    html = response.content.decode()
    assert re.search(r'value="telephone_interpreter" id="ack-telephone_interpreter" checked', html)
    assert re.search(r'value="fast_decision" id="ack-fast_decision">', html)
    assert snapshot(election) == before
    assert ApprovalAttempt.objects.get().outcome == "wrong_password"


def test_with_every_part_given_after_a_refusal_the_election_is_approved(
    as_supervisor, officer, witness, notices
):
    election = submitted(officer=officer, witness=witness)
    token = workflow.review_token(election)
    first = approve_post(as_supervisor, election, token=token)
    assert len(missing_parts(first)) == 3  # the warning, the attestation, the password
    response = approve_post(
        as_supervisor,
        election,
        password=STAFF_PASSWORD,
        attestation="on",
        acknowledge=["fast_decision"],
        token=first.context["approve_form"]["token"].value(),
    )
    assert response["Location"] == QUEUE
    assert fresh(election).status == Status.APPROVED


def test_the_approve_form_collects_each_unacknowledged_warning_and_the_attestation():
    from elections.review.admin import ApproveForm

    warnings = [
        {"code": "fast_decision", "rule": "R13", "messages": ["Decided fast."]},
        {"code": "telephone_interpreter", "rule": "R4", "messages": ["By telephone."]},
    ]
    form = ApproveForm({"acknowledge": ["telephone_interpreter"]}, warnings=warnings)
    assert not form.is_valid()
    assert form.every_error() == [
        "Acknowledge the warning R13: Decided fast.",
        "Confirm the attestation to approve.",
    ]
    complete = ApproveForm(
        {"acknowledge": ["fast_decision", "telephone_interpreter"], "attestation": "on"},
        warnings=warnings,
    )
    assert complete.is_valid(), complete.errors
    assert ApproveForm({"attestation": "on"}, warnings=[]).is_valid()


@pytest.mark.parametrize(
    ("role", "said"),
    [
        ("presented", "You presented this election; another supervisor must review it."),
        ("witnessed", "You witnessed this election; another supervisor must review it."),
    ],
)
def test_a_supervisor_who_presented_or_witnessed_is_told_exactly_that(
    client, office, officer, witness, supervisor, supervisor2, notices, role, said
):
    if role == "presented":
        election = submitted(officer=supervisor, witness=witness)
    else:
        election = submitted(officer=officer, witness=supervisor)
    # The page they have open is out of date too: what they did is still what they are told.
    token = workflow.review_token(election)
    workflow.election_return(election=election, actor=supervisor2, reason="Add the facility")
    workflow.election_submit(election=election, actor=election.presented_by)
    client.force_login(supervisor)

    page = client.get(review_url(election))
    assert said in text(page)
    assert b'id="approve-form"' not in page.content
    assert "changed after you opened it" not in text(page)

    before = snapshot(election)
    response = approve_post(
        client,
        election,
        password="not-my-password",
        attestation="on",
        acknowledge=["fast_decision"],
        token=token,
    )
    assert response["Location"] == review_url(election)
    assert messages_of(response) == [said]
    response = client.post(
        reverse("admin:elections_election_return", args=[election.pk]),
        {"reason": "Mine", "token": token},
    )
    assert response["Location"] == review_url(election)
    assert messages_of(response)[-1] == said
    assert snapshot(election) == before
    # Refused before the password is looked at: nothing to record.
    assert ApprovalAttempt.objects.count() == 0

    with pytest.raises(workflow.TransitionError) as refused:
        workflow.election_approve(
            election=fresh(election),
            actor=supervisor,
            password=STAFF_PASSWORD,
            attestation_confirmed=True,
            acknowledged_warnings=["fast_decision"],
            seen_token=token,
        )
    assert refused.value.message == said


def test_a_supervisor_who_signed_as_the_interpreter_is_told_so(
    officer, witness, supervisor, notices
):
    from elections.constants import SignatureRole

    election = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
    )
    election.signatures.filter(role=SignatureRole.INTERPRETER).update(signer=supervisor)
    assert workflow.reviewer_conflict(fresh(election), supervisor) == (
        "You interpreted this election; another supervisor must review it."
    )
    assert workflow.reviewer_conflict(fresh(election), witness) == (
        "You witnessed this election; another supervisor must review it."
    )


def test_the_exact_reason_is_told_in_spanish(client, officer, supervisor, notices):
    from django.utils import translation

    election = submitted(officer=officer, witness=supervisor)
    with translation.override("es"):
        assert str(workflow.reviewer_conflict(election, supervisor)) == (
            "Usted fue testigo de esta elección; otro supervisor debe revisarla."
        )


def test_a_stale_review_page_posted_after_another_supervisor_acted_is_refused(
    as_supervisor, officer, witness, supervisor2, notices
):
    election = submitted(officer=officer, witness=witness)
    token = workflow.review_token(election)  # the page the first supervisor has open
    workflow.election_return(election=election, actor=supervisor2, reason="Wrong facility")
    before = snapshot(election)

    response = as_supervisor.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(as_supervisor),
            "attestation": "on",
            "acknowledge": ["fast_decision"],
            "token": token,
        },
    )
    assert response["Location"] == review_url(election)
    [message] = messages_of(response)
    assert message.startswith("This election was returned to the officer by Tomás Ruiz on ")
    assert snapshot(election) == before


def test_a_return_through_the_admin_needs_a_reason_and_reaches_the_officer(
    client, as_supervisor, officer, witness, notices
):
    election = submitted(officer=officer, witness=witness)
    url = reverse("admin:elections_election_return", args=[election.pk])
    token = workflow.review_token(election)

    response = as_supervisor.post(url, {"reason": "  ", "token": token})
    assert response["Location"] == review_url(election)
    assert any("Give the reason" in m for m in messages_of(response))
    assert fresh(election).status == Status.SUBMITTED

    response = as_supervisor.post(url, {"reason": "Record the <b>operator</b> ID.", "token": token})
    assert response["Location"] == QUEUE
    assert fresh(election).status == Status.RETURNED

    client.force_login(officer)
    home = client.get(reverse("elections:home")).content.decode()
    assert "Record the &lt;b&gt;operator&lt;/b&gt; ID." in home


def test_approve_and_return_only_accept_posts(as_supervisor, officer, witness, notices):
    election = submitted(officer=officer, witness=witness)
    for name in ("approve", "return"):
        url = reverse(f"admin:elections_election_{name}", args=[election.pk])
        assert as_supervisor.get(url).status_code == 405
    assert as_supervisor.post(review_url(election), {}).status_code == 405
    assert fresh(election).status == Status.SUBMITTED
