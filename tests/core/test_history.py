"""Who did what: every history event names who performed it, and the history pages say it in
words a reader understands, with labels instead of ids, codes or Python values (issue 8)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elections import selectors, workflow
from elections.constants import DeliveryMode, Performer, SignatureRole, Status
from elections.models import Election, ElectionChild, SealedRecord, Signature
from elections.records import verification
from elections.records.snapshot import audit_events, build_chain
from tests.audit_helpers import make_audit_user
from tests.factories import STAFF_PASSWORD, ChildDataFactory, fresh, make_supervisor
from tests.officer.test_views_officer import (
    add_child,
    complete_parent_step,
    covers,
    scribble,
    set_notice,
    start_election,
)
from tests.supervision import submitted, warning_codes
from tests.twofactor import second_factor_code_for

pytestmark = pytest.mark.django_db

INTERPRETER = "Rosa Elena Méndez"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reviewer(office):
    return make_supervisor(office, username="reviewer", first_name="Tomás", last_name="Ruiz")


def walk_the_flow(client, officer, witness) -> Election:
    """One election taken from start to submitted through the officer's own screens, as a
    tablet posts them: an in-person interpreter, the parent leaves the child in the US."""
    client.force_login(officer)
    election = start_election(client)
    complete_parent_step(client, election)
    assert add_child(client, election).status_code == 302
    assert set_notice(client, election, witness, interpreter_name=INTERPRETER).status_code == 302
    assert client.post(reverse("elections:handover", args=[election.pk])).status_code == 302
    item = Election.objects.get(pk=election.pk).covered.get()
    choices = reverse("elections:parent_choices", args=[election.pk])
    assert client.post(choices, {f"child_{item.pk}": "waive"}).status_code == 302
    parent_sign = reverse("elections:parent_sign", args=[election.pk])
    page = client.get(parent_sign).content.decode()
    signed = client.post(
        parent_sign,
        {"method": "drawn", "signature": scribble(1), "reason": "", "covers": covers(page)},
    )
    assert signed.status_code == 302
    sign = reverse("elections:staff_sign", args=[election.pk])
    signatures = {
        "interpreter-signature": scribble(2),
        "witness-username": witness.get_username(),
        "witness-password": STAFF_PASSWORD,
        "witness-signature": scribble(3),
        "officer-password": STAFF_PASSWORD,
        "officer-signature": scribble(4),
    }
    assert client.post(sign, signatures).status_code == 302
    assert client.post(reverse("elections:submit", args=[election.pk])).status_code == 302
    client.logout()
    election = fresh(election)
    assert election.status == Status.SUBMITTED
    return election


def approve_through_the_admin(client, election, supervisor) -> Election:
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(client),
            "attestation": "on",
            "acknowledge": warning_codes(election),
            "token": workflow.review_token(election),
        },
    )
    assert response.status_code == 302
    client.logout()
    election = fresh(election)
    assert election.status == Status.APPROVED
    return election


@pytest.fixture
def walked(client, officer, witness, notices) -> Election:
    return walk_the_flow(client, officer, witness)


def history_section(response) -> str:
    """The history section of a page, as the reader sees its text."""
    body = response.content.decode()
    start = body.index('id="history-heading"')
    section = body[start : body.index("</section>", start)]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", section)))


def sql(statement: str, params: list | None = None) -> None:
    # Going round the application, as an attacker with database access or a row written before
    # performers were kept; on PostgreSQL the append-only triggers are switched off for it.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params or [])


def signature_added(election, role) -> Signature:
    return Signature.history.get(election_id=election.pk, role=role, history_type="+")


# --- who performed each event ----------------------------------------------------------------


def test_the_witness_signature_names_the_witness_who_re_entered_their_password(
    walked, officer, witness
):
    event = signature_added(walked, SignatureRole.WITNESS)
    assert event.history_user == witness
    assert event.history_performed_by == Performer.STAFF_PASSWORD
    # ... on the presenting officer's tablet, where the witness typed the password.
    assert event.history_session_user == officer

    own = signature_added(walked, SignatureRole.OFFICER)
    assert (own.history_user, own.history_performed_by) == (officer, Performer.STAFF_PASSWORD)


def test_the_parents_choices_signature_and_notice_are_the_parents_acts_on_the_officers_tablet(
    walked, officer
):
    chosen = ElectionChild.history.get(election_id=walked.pk, decision="waive")
    signed = signature_added(walked, SignatureRole.PARENT)
    shown = walked.history.filter(notice_delivered_at__isnull=False).earliest("history_date")
    for event in (chosen, signed, shown):
        assert event.history_performed_by == Performer.PARENT
        assert event.history_user == officer
        assert event.history_session_user == officer


def test_an_in_person_interpreters_signature_is_made_by_the_named_interpreter(walked, officer):
    event = signature_added(walked, SignatureRole.INTERPRETER)
    assert event.history_performed_by == Performer.INTERPRETER
    assert event.history_performer_name == INTERPRETER
    assert event.history_user == officer


def test_a_telephone_attestation_is_recorded_by_the_officer(officer, witness, notices):
    election = submitted(
        officer=officer,
        witness=witness,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
    )
    event = signature_added(election, SignatureRole.INTERPRETER)
    assert event.history_performed_by == Performer.STAFF
    assert event.history_user == officer
    assert event.history_performer_name == ""


def test_the_officers_own_steps_and_the_workflow_are_the_signed_in_users_acts(walked, officer):
    started = walked.history.earliest("history_date")
    submission = walked.history.get(history_change_reason="submitted for approval")
    for event in (started, submission):
        assert (event.history_user, event.history_performed_by) == (officer, Performer.STAFF)


# --- what the pages say --------------------------------------------------------------------


def test_the_review_page_says_who_performed_each_event_in_plain_words(client, walked, reviewer):
    client.force_login(reviewer)
    history = history_section(
        client.get(reverse("admin:elections_election_change", args=[walked.pk]))
    )
    assert "Marcus Reed (witness), password re-entered on Laura Benítez's tablet" in history
    assert "Laura Benítez (presenting officer), password re-entered" in history
    assert "the parent, on Laura Benítez's tablet" in history
    assert f"the interpreter {INTERPRETER}, on Laura Benítez's tablet" in history
    assert "the parent chose: Leave my child in the United States" in history


def raw_values(response) -> list[str]:
    """What a reader should never see in a history: ids, codes and Python values. Checked on
    each old -> new change and on the rest of the section's text."""
    body = response.content.decode()
    start = body.index('id="history-heading"')
    section = body[start : body.index("</section>", start)]
    changes = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", item))).strip()
        for item in re.findall(r"<li>(.*?)</li>", section, flags=re.S)
        if "→" in item
    ]
    assert changes, "no change is listed"
    side_patterns = [
        r"^\d+$",  # a foreign key's id
        r"^(?:es|en|quc)$",  # a language code
        r"^(?:True|False|None)$",
    ]
    found = []
    for change in changes:
        sides = [part.strip() for part in change.split(":", 1)[-1].split("→")]
        found += [side for side in sides for p in side_patterns if re.search(p, side)]
    patterns = [
        r"\[\{'|\{'",  # a Python list or dict
        r"\b(?:reunify|waive|consult)\b",  # a decision's code
        r"\b(?:interpreter_in_person|parent_read|fingerprints|drawn|orr_shelter)\b",
        r"[0-9a-f]{64}",  # a whole hash, where a short one is enough
    ]
    text = history_section(response)
    return found + [match.group(0) for p in patterns for match in re.finditer(p, text)]


def test_the_history_shows_labels_never_ids_codes_or_python_values(
    client, walked, reviewer, supervisor, notices
):
    approved = approve_through_the_admin(client, walked, supervisor)
    client.force_login(reviewer)
    review = client.get(reverse("admin:elections_election_change", args=[approved.pk]))
    client.force_login(make_audit_user())
    record = client.get(reverse("audit:record", args=[approved.pk]))
    version = approved.notice_version
    for response in (review, record):
        assert raw_values(response) == []
        history = history_section(response)
        assert f"Spanish notice, version {version.version} (SHA-256 {version.sha256[:12]}…)" in (
            history
        )
        assert "Notice language: — → Spanish" in history
        assert "How the notice was delivered: — → An interpreter in the room" in history
        assert "Decision: — → Leave my child in the United States" in history
        assert "Detention facility: — → El Paso Service Processing Center" in history
        assert "R13 fast decision acknowledged" in history
        assert "Status: Awaiting approval → Approved" in history
        assert "Diane Okafor (supervisor), password re-entered" in history


def test_the_history_reads_in_spanish_for_a_spanish_speaking_reader(
    client, walked, supervisor, notices
):
    approved = approve_through_the_admin(client, walked, supervisor)
    client.force_login(make_audit_user())
    response = client.get(reverse("audit:record", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert raw_values(response) == []
    history = history_section(response)
    assert "el padre o la madre, en la tableta de Laura Benítez" in history
    assert "Marcus Reed (testigo), con su contraseña introducida de nuevo" in history
    assert f"intérprete {INTERPRETER}, en la tableta de Laura Benítez" in history
    assert "Idioma del aviso: — → Español" in history
    assert "R13 decisión rápida, advertencia reconocida" in history
    assert "el padre o la madre eligió: Dejar a mi hijo o hija en los Estados Unidos" in history
    for english in ("password re-entered", "tablet", "added", "changed", "submitted for"):
        assert not re.search(rf"\b{english}\b", history), english


def test_the_history_costs_the_same_queries_for_one_child_or_four(officer, witness, notices):
    def queries(children: int) -> int:
        election = submitted(
            officer=officer,
            witness=witness,
            children=ChildDataFactory.build_batch(children),
        )
        with CaptureQueriesContext(connection) as captured:
            entries = selectors.election_history(election=fresh(election))
            [str(entry["who"]) for entry in entries]
        return len(captured.captured_queries)

    assert queries(1) == queries(4)


# --- the sealed chain ----------------------------------------------------------------------


def test_who_performed_an_event_is_sealed_into_the_chain(client, walked, supervisor, notices):
    approved = approve_through_the_admin(client, walked, supervisor)
    record = SealedRecord.objects.get(election=approved)
    assert verification.verify_stored(record).ok
    event = signature_added(approved, SignatureRole.WITNESS)
    entry = next(
        e
        for e in build_chain(audit_events(approved.pk))
        if e["history_id"] == event.history_id and e["source"] == "signature"
    )
    assert entry["performed_by"] == {
        "kind": Performer.STAFF_PASSWORD,
        "name": "",
        "session_user_id": approved.presented_by_id,
    }
    sql(
        "UPDATE elections_historicalsignature SET history_performed_by = %s WHERE history_id = %s",
        [Performer.PARENT, event.history_id],
    )
    assert verification.verify_stored(record).codes == ["chain_broken"]


def test_a_record_whose_events_were_written_before_performers_were_kept_still_verifies(
    officer, witness, supervisor, notices
):
    election = submitted(officer=officer, witness=witness)
    # The history as it stood before the performer was recorded: no kind, no name, no session.
    for table in ("historicalelection", "historicalelectionchild", "historicalsignature"):
        sql(
            f"UPDATE elections_{table} SET history_performed_by = '', "  # noqa: S608
            "history_performer_name = '', history_session_user_id = NULL"
        )
    events = audit_events(election.pk)
    assert all("performed_by" not in event for event in events)
    assert set(events[0]) == {
        "source", "history_id", "object_id", "type", "at", "user_id", "reason", "fields",
    }  # fmt: skip
    approved = workflow.election_approve(
        election=fresh(election),
        actor=supervisor,
        password=STAFF_PASSWORD,
        attestation_confirmed=True,
        acknowledged_warnings=warning_codes(election),
    )
    assert verification.verify_stored(SealedRecord.objects.get(election=approved)).ok


def test_a_refusal_and_what_it_clears_are_the_parents_acts(officer, witness, notices):
    from elections import services
    from elections.constants import SignatureMethod
    from tests.factories import ElectionFactory

    election = ElectionFactory(
        stage="parent_signed", office=officer.staff.office, presented_by=officer, witness=witness
    )
    services.election_sign_parent(
        election=fresh(election),
        actor=officer,
        method=SignatureMethod.REFUSED,
        image=None,
        reason="Will not sign anything without a lawyer.",
        covers=services.election_consent_digest(election=election),
    )
    cleared = ElectionChild.history.filter(election_id=election.pk).latest("history_date")
    refusal = Signature.history.filter(election_id=election.pk, history_type="+").latest(
        "history_date"
    )
    removed = Signature.history.get(election_id=election.pk, history_type="-")
    for event in (cleared, refusal, removed):
        assert (event.history_user, event.history_performed_by) == (officer, Performer.PARENT)
    assert cleared.history_change_reason == (
        "choice cleared: parent did not sign: no election recorded"
    )
