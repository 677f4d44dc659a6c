"""Every page that shows an election's record answers at every stage of the flow, and an
approved record's pages show what was approved, not what the shared rows say today (R9).

A draft started by mistake must be readable and voidable like any other; an approved record's
screens read from the snapshot sealed at approval, as its PDF does.
"""

import html
import re

import pytest
from django.urls import reverse

from elections import services, workflow
from elections.constants import Decision, DeliveryMode, SignatureMethod, Status
from elections.models import Child, Election
from elections.records.sealed_state import SealedStandIn, election_as_shown
from elections.records.sealing import sealed_pdf_bytes
from tests.factories import (
    STAGES,
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    fresh,
    make_auditor,
    parent_data,
)
from tests.records_support import pdf_text
from tests.supervision import approve

pytestmark = pytest.mark.django_db

#: A fresh draft has nothing but the parent: no facility, no children, no notice, no witness.
FLOW_STAGES = (*STAGES, "returned", "approved", "superseded", "void", "void_returned")
PAGES = (
    "officer_review",
    "officer_summary",
    "admin_change",
    "admin_history",
    "audit_record",
    "officer_pdf",
    "audit_pdf",
)
SEALED = {"approved", "superseded"}


@pytest.fixture
def auditor(db):
    return make_auditor(username="auditor")


def _election(stage, *, officer, witness, supervisor, **kwargs) -> Election:
    def build(stage_name, **extra):
        return ElectionFactory(
            stage=stage_name,
            office=officer.staff.office,
            presented_by=officer,
            witness=witness,
            **{**kwargs, **extra},
        )

    if stage in STAGES:
        return build(stage)
    if stage == "void":
        election = build("started")
        workflow.election_void(election=election, actor=officer, reason="Started by mistake.")
        return fresh(election)
    election = build("submitted")
    if stage in ("returned", "void_returned"):
        workflow.election_return(election=election, actor=supervisor, reason="Wrong child.")
        if stage == "void_returned":
            workflow.election_void(
                election=fresh(election), actor=officer, reason="The parent was released."
            )
        return fresh(election)
    election = approve(election, supervisor)
    if stage == "superseded":
        later = ElectionFactory(
            submitted=True,
            office=officer.staff.office,
            presented_by=officer,
            witness=witness,
            parent=election.parent,
        )
        approve(later, supervisor)
        election = fresh(election)
        assert election.status == Status.SUPERSEDED
    return election


def _page(page, election, *, officer, supervisor, auditor):
    """(user, url) of a record page, as the user who reads it there."""
    pk = [election.pk]
    return {
        "officer_review": (officer, reverse("elections:review", args=pk)),
        "officer_summary": (officer, reverse("elections:summary", args=pk)),
        "admin_change": (supervisor, reverse("admin:elections_election_change", args=pk)),
        "admin_history": (supervisor, reverse("admin:elections_election_history", args=pk)),
        "audit_record": (auditor, reverse("audit:record", args=pk)),
        "officer_pdf": (officer, reverse("elections:record_pdf", args=pk)),
        "audit_pdf": (auditor, reverse("audit:record_pdf", args=pk)),
    }[page]


def _expected_status(page, election) -> int:
    if page == "officer_review" and not election.is_editable:
        return 302  # to the summary: a locked record is read there
    if page in ("officer_pdf", "audit_pdf") and election.status not in SEALED:
        return 404  # only an approved election has a sealed PDF
    return 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("stage", FLOW_STAGES)
def test_every_record_page_answers_at_every_stage_of_the_flow(
    client, officer, witness, supervisor, auditor, notices, stage, page
):
    election = _election(stage, officer=officer, witness=witness, supervisor=supervisor)
    user, url = _page(page, election, officer=officer, supervisor=supervisor, auditor=auditor)
    client.force_login(user)
    response = client.get(url)
    expected = _expected_status(page, election)
    assert response.status_code == expected, (stage, page, response.status_code)
    if expected == 302:
        assert response["Location"] == reverse("elections:summary", args=[election.pk])
    elif expected == 200 and page.endswith("_pdf"):
        assert response["Content-Type"] == "application/pdf"
        data = b"".join(response.streaming_content) if response.streaming else response.content
        assert data == sealed_pdf_bytes(election.sealed_record)
    elif expected == 200:
        assert election.reference in response.content.decode()


#: Records that leave parts of the page empty or take another branch of it.
FLAVOURS = {
    "telephone_interpreter": {
        "language": "quc",
        "delivery_mode": DeliveryMode.INTERPRETER_TELEPHONE,
    },
    "parent_refused_to_sign": {"parent_signs": SignatureMethod.REFUSED},
    "consult_and_waive": {
        "children": lambda: [ChildDataFactory(), ChildDataFactory()],
        "decisions": [Decision.CONSULT, Decision.WAIVE],
    },
}


@pytest.mark.parametrize(
    "page", ["officer_review", "officer_summary", "admin_change", "audit_record"]
)
@pytest.mark.parametrize("stage", ["notice", "decided", "ready", "returned", "approved"])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_record_pages_answer_for_interpreters_refusals_and_mixed_decisions(
    client, officer, witness, supervisor, auditor, notices, flavour, stage, page
):
    options = {k: v() if callable(v) else v for k, v in FLAVOURS[flavour].items()}
    election = _election(stage, officer=officer, witness=witness, supervisor=supervisor, **options)
    user, url = _page(page, election, officer=officer, supervisor=supervisor, auditor=auditor)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == _expected_status(page, election), (flavour, stage, page)


@pytest.mark.parametrize("stage", ["started", "ready", "approved", "void"])
def test_every_past_version_in_the_admin_history_opens(
    client, officer, witness, supervisor, notices, stage
):
    election = _election(stage, officer=officer, witness=witness, supervisor=supervisor)
    client.force_login(supervisor)
    for version in election.history.all():
        url = reverse(
            "admin:elections_election_simple_history", args=[election.pk, version.history_id]
        )
        assert client.get(url).status_code == 200, (stage, version.history_change_reason)


def test_an_officer_voids_a_draft_started_by_mistake_from_its_review_page(
    client, officer, witness, supervisor, notices
):
    election = _election("started", officer=officer, witness=witness, supervisor=supervisor)
    client.force_login(officer)
    review = client.get(reverse("elections:review", args=[election.pk]))
    assert review.status_code == 200
    void_url = reverse("elections:void", args=[election.pk])
    assert void_url in review.content.decode()
    response = client.post(void_url, {"reason": "Started for the wrong parent."})
    assert response.status_code == 302
    assert fresh(election).status == Status.VOID
    summary = client.get(reverse("elections:summary", args=[election.pk]))
    assert "Started for the wrong parent." in summary.content.decode()


# --- An approved record shows what was approved (class 7) --------------------------------------


def _text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


OLD_PARENT = "María Guadalupe Pérez López"
NEW_PARENT = "María Guadalupe Pérez de Ixcoy"
OLD_CHILD = "Emily Sofía Pérez López"
NEW_CHILD = "Emily Sofía Ixcoy Pérez"
OLD_PLACE = "Casa Esperanza shelter, San Benito, Texas"
NEW_PLACE = "Southwest Key Casa Montezuma, Houston, Texas"
OLD_EVIDENCE = "Guatemalan birth certificate, registry 1234-5678"
NEW_EVIDENCE = "Consular birth record, registry 8765-4321"


@pytest.fixture
def corrected_after_approval(officer, witness, supervisor, notices):
    """Election A approved for a parent and child; then election B for the same parent, where
    the officer corrects the parent's name, the child's placement and how the relationship was
    verified, as on the parent and children steps, and the child's name is corrected on the
    child's row (no screen renames a recorded child: the case system's correction)."""
    child = ChildDataFactory(
        full_name=OLD_CHILD, location_name=OLD_PLACE, evidence_note=OLD_EVIDENCE
    )
    first = ElectionFactory(
        submitted=True,
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        children=[child],
        decisions=Decision.WAIVE,
        parent=ParentFactory.build(full_name=OLD_PARENT, primary_language="es"),
    )
    first = approve(first, supervisor)
    second, created = services.election_start(actor=officer, parent=parent_data(first.parent))
    assert created and second.supersedes_id == first.pk
    corrected = parent_data(first.parent)
    corrected.full_name = NEW_PARENT
    services.election_update_parent(
        election=fresh(second),
        actor=officer,
        parent=corrected,
        facility=first.facility,
        identity_method=first.identity_method,
        identity_document=first.identity_document,
    )
    services.election_add_child(
        election=fresh(second),
        actor=officer,
        data=ChildDataFactory(
            full_name=OLD_CHILD,
            date_of_birth=child.date_of_birth,
            a_number=child.a_number,
            location_name=NEW_PLACE,
            evidence_note=NEW_EVIDENCE,
        ),
    )
    renamed = Child.objects.get(a_number=child.a_number)
    renamed.full_name = NEW_CHILD
    renamed._history_user = officer
    renamed._change_reason = "name corrected from the case file"
    renamed.save()
    first, second = fresh(first), fresh(second)
    # The rows A and B share now say the corrected values.
    assert first.parent.full_name == NEW_PARENT
    assert [item.child.full_name for item in first.covered.all()] == [NEW_CHILD]
    return first, second


OLD = (OLD_PARENT, OLD_CHILD, OLD_PLACE, OLD_EVIDENCE)
NEW = (NEW_PARENT, NEW_CHILD, NEW_PLACE, NEW_EVIDENCE)


def test_an_approved_record_shows_the_names_it_was_approved_with_after_a_later_correction(
    client, officer, supervisor, auditor, corrected_after_approval
):
    first, _second = corrected_after_approval
    pdf = " ".join(pdf_text(sealed_pdf_bytes(first.sealed_record)).split())
    for value in OLD:
        assert value in pdf
    for page in ("officer_summary", "admin_change", "audit_record"):
        user, url = _page(page, first, officer=officer, supervisor=supervisor, auditor=auditor)
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, page
        text = _text(response)
        for value in OLD:
            assert value in text, (page, value)
        assert "This is the record as it was approved and sealed on" in text, page
        record = text.split("History", 1)[0] if page == "admin_change" else text
        if page == "audit_record":
            record = text.split("Full history", 1)[0]
        for value in NEW:
            # The history panels list the later corrections; the record itself never does.
            assert value not in record, (page, value)


def test_the_auditor_still_finds_the_corrected_record_valid(
    client, auditor, corrected_after_approval
):
    first, _second = corrected_after_approval
    client.force_login(auditor)
    response = client.get(reverse("audit:record", args=[first.pk]))
    assert response.context["verification"].outcome == "valid"


def test_the_election_being_corrected_shows_the_corrected_names(
    client, officer, supervisor, corrected_after_approval
):
    _first, second = corrected_after_approval
    for user, url in (
        (officer, reverse("elections:review", args=[second.pk])),
        (supervisor, reverse("admin:elections_election_change", args=[second.pk])),
    ):
        client.force_login(user)
        text = _text(client.get(url))
        for value in NEW:
            assert value in text, (url, value)


def test_an_approved_record_names_the_staff_as_they_were_named_when_it_was_approved(
    client, officer, witness, supervisor, notices
):
    election = _election("approved", officer=officer, witness=witness, supervisor=supervisor)
    sealed_name = witness.get_full_name()
    type(witness).objects.filter(pk=witness.pk).update(first_name="Marcus", last_name="Okonkwo")
    client.force_login(officer)
    text = _text(client.get(reverse("elections:summary", args=[election.pk])))
    assert f"Witness {sealed_name}" in text
    assert "Okonkwo" not in text


def test_an_approved_record_as_shown_cannot_be_written_back(officer, witness, supervisor, notices):
    election = _election("approved", officer=officer, witness=witness, supervisor=supervisor)
    shown = election_as_shown(election)
    assert shown is not election
    for instance in (shown, shown.parent, shown.covered.all()[0].child, shown.presented_by):
        with pytest.raises(SealedStandIn):
            instance.save()
    assert fresh(election).parent.full_name == election.parent.full_name
