"""What the parent signs is what the parent saw (R6, R10, R11, R12), attacked through the screens.

The browser is not trusted: a signing page replayed after the choices changed, a form posted with
no digest, a record changed beneath a signature, an English notice chosen for a Spanish speaker,
a page that would preset or restore a choice. Each is refused on the server, in the parent's or
the officer's language, with nothing else lost.
"""

import re

import pytest
from django.urls import reverse

from elections import rules, services, workflow
from elections.constants import Decision, DeliveryMode, SignatureRole, Status
from elections.models import Election, ElectionChild
from tests.factories import ChildDataFactory, ElectionFactory, fresh, make_officer
from tests.officer.test_views_officer import covers, scribble
from tests.supervision import approve, give_parent_time


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def shown(office, officer, witness, notices):
    """A Spanish-speaking parent with two children, the Spanish notice just shown to them."""
    return ElectionFactory(
        stage="shown",
        office=office,
        presented_by=officer,
        witness=witness,
        children=[ChildDataFactory(), ChildDataFactory()],
    )


def url(name, election):
    return reverse(f"elections:{name}", args=[election.pk])


def choose(tablet, election, decision):
    items = list(Election.objects.get(pk=election.pk).covered.all())
    response = tablet.post(
        url("parent_choices", election), {f"child_{item.pk}": decision for item in items}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def parent_signature(election):
    return fresh(election).signatures.filter(role=SignatureRole.PARENT).first()


# --- 2. A signature never carries over to a different decision -------------------------------


def test_a_signing_page_replayed_after_the_choices_changed_records_no_signature(tablet, shown):
    choose(tablet, shown, Decision.REUNIFY)
    reunify_page = tablet.get(url("parent_sign", shown)).content.decode()
    drawn_for_reunify = {
        "method": "drawn",
        "signature": scribble(1),
        "reason": "",
        "covers": covers(reunify_page),
    }

    # "Change my choices": the parent now leaves the children in the United States.
    choose(tablet, shown, Decision.WAIVE)
    response = tablet.post(url("parent_sign", shown), drawn_for_reunify)

    assert response.status_code == 200
    body = response.content.decode()
    # The parent's screen speaks Spanish: the choices changed, check them and sign again.
    assert "Las decisiones cambiaron después de que se mostró esta página" in body
    assert parent_signature(shown) is None
    # The page shown again lists the choices as they now stand, with their own digest, and an
    # empty pad: the drawing made for "reunify" is not offered back.
    assert covers(body) != drawn_for_reunify["covers"]
    assert covers(body) == services.election_consent_digest(election=shown)
    assert drawn_for_reunify["signature"] not in body
    assert all(item.decision == Decision.WAIVE for item in fresh(shown).covered.all())

    waive_page = tablet.get(url("parent_sign", shown)).content.decode()
    response = tablet.post(
        url("parent_sign", shown), {**drawn_for_reunify, "covers": covers(waive_page)}
    )
    assert response.status_code == 302
    signature = parent_signature(shown)
    assert signature.covers_sha256 == covers(waive_page)
    assert not [p for p in rules.check_signatures(fresh(shown)) if p.code.startswith("parent")]


def test_a_signature_posted_without_the_pages_digest_is_refused(tablet, shown):
    choose(tablet, shown, Decision.WAIVE)
    for forged in ({}, {"covers": ""}, {"covers": "0" * 64}, {"covers": "x" * 500}):
        response = tablet.post(
            url("parent_sign", shown),
            {"method": "drawn", "signature": scribble(2), "reason": "", **forged},
        )
        assert response.status_code == 200
        assert parent_signature(shown) is None


def test_a_changed_decision_beneath_a_signature_blocks_submission_and_approval(
    office, officer, witness, supervisor, notices
):
    election = ElectionFactory(
        ready=True, office=office, presented_by=officer, witness=witness, decisions="reunify"
    )
    assert rules.submission_problems(fresh(election)) == []
    # Someone changes the decision in the database after the parent signed for "reunify".
    ElectionChild.objects.filter(election=election).update(decision=Decision.WAIVE)

    problems = {(p.rule, p.code) for p in rules.submission_problems(fresh(election))}
    assert ("R6", "parent_signature_stale") in problems
    with pytest.raises(workflow.RulesNotMet):
        workflow.election_submit(election=election, actor=officer)

    # Submitted first, then changed: the supervisor cannot approve it either.
    other = ElectionFactory(submitted=True, office=office, presented_by=officer, witness=witness)
    other = give_parent_time(other)
    ElectionChild.objects.filter(election=other).update(decision=Decision.CONSULT)
    with pytest.raises(workflow.RulesNotMet):
        approve(other, supervisor)
    assert fresh(other).status == Status.SUBMITTED


def test_a_refusal_is_bound_to_the_record_it_leaves(tablet, shown):
    choose(tablet, shown, Decision.WAIVE)
    page = tablet.get(url("parent_sign", shown)).content.decode()
    response = tablet.post(
        url("parent_sign", shown),
        {"method": "refused", "reason": "No firmará sin un abogado.", "covers": covers(page)},
    )
    assert response.status_code == 302
    election = fresh(shown)
    assert [item.decision for item in election.covered.all()] == [None, None]
    assert parent_signature(shown).covers_sha256 == rules.parent_consent_digest(election)
    assert not [p for p in rules.check_decisions(election) if p.rule == "R12"]


# --- 1. Nothing preset or restored on the parent's screens -----------------------------------


def test_the_parents_screens_preset_nothing_and_are_never_kept_by_the_browser(tablet, shown):
    choose(tablet, shown, Decision.REUNIFY)
    for name in ("parent_notice", "parent_choices", "parent_sign"):
        response = tablet.get(url(name, shown))
        body = response.content.decode()
        # No bfcache or disk cache copy to come back to with an earlier tap in it.
        assert "no-store" in response.headers["Cache-Control"]
        assert "data-keep" not in body
        assert " checked" not in body, name
    sign_page = tablet.get(url("parent_sign", shown)).content.decode()
    assert re.search(
        r'<form[^>]*data-signing-form[^>]*autocomplete="off"|<form[^>]*autocomplete="off"[^>]*data-signing-form',
        sign_page,
    )


def test_a_signing_page_shown_again_after_an_error_gives_the_drawing_back_to_nobody(tablet, shown):
    choose(tablet, shown, Decision.WAIVE)
    page = tablet.get(url("parent_sign", shown)).content.decode()
    drawing = scribble(3)
    # No method tapped: the page asks how the parent signs, and the pad starts empty again.
    response = tablet.post(
        url("parent_sign", shown), {"signature": drawing, "reason": "", "covers": covers(page)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Toque cómo va a firmar." in body
    assert drawing not in body
    assert re.search(r'name="signature"[^>]*value=""', body)
    assert parent_signature(shown) is None


# --- 3. The notice in the parent's own language (R10) ----------------------------------------


def english_with_interpreter(witness):
    return {
        "language": "en",
        "delivery_mode": DeliveryMode.INTERPRETER_IN_PERSON,
        "interpreter_name": "Rosa Elena Méndez",
        "interpreter_id": "Lionbridge #44721",
        "interpreter_language": "es",
        "operator_id": "",
        "witness": witness.pk,
    }


def test_a_spanish_speaker_cannot_be_given_the_english_notice_through_an_interpreter(
    tablet, office, officer, witness, notices
):
    election = ElectionFactory(stage="children", office=office, presented_by=officer)
    assert election.parent.primary_language == "es"

    page = tablet.get(url("notice", election)).content.decode()
    offered = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    assert 'value="es"' in offered and 'value="en"' not in offered

    response = tablet.post(url("notice", election), english_with_interpreter(witness))
    assert response.status_code == 200
    assert fresh(election).notice_version_id is None

    # Nor through the domain layer, whatever calls it.
    with pytest.raises(Exception) as caught:
        services.election_set_notice(
            election=election,
            actor=officer,
            language="en",
            delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
            interpreter=services.InterpreterData("Rosa Elena Méndez", "Lionbridge", "es", ""),
            witness=witness,
        )
    assert caught.value.code == "notice_not_in_parent_language"
    assert "Spanish" in " ".join(caught.value.messages)


def test_an_english_notice_recorded_for_a_spanish_speaker_is_never_approved(
    office, officer, witness, supervisor, notices
):
    election = ElectionFactory(
        submitted=True,
        office=office,
        presented_by=officer,
        witness=witness,
        notice_language="es",
    )
    election = give_parent_time(election)
    english = notices["en"]
    Election.objects.filter(pk=election.pk).update(
        notice_language="en", notice_version=english, delivery_mode="interpreter_in_person"
    )
    problems = {(p.rule, p.code) for p in rules.submission_problems(fresh(election))}
    assert ("R10", "notice_not_in_parent_language") in problems
    with pytest.raises(workflow.RulesNotMet):
        approve(election, supervisor)


def test_a_kiche_speaker_hears_a_written_notice_through_an_interpreter(
    tablet, office, officer, witness, notices
):
    election = ElectionFactory(
        stage="children", office=office, presented_by=officer, language="quc"
    )
    page = tablet.get(url("notice", election)).content.decode()
    offered = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    assert 'value="es"' in offered and 'value="en"' in offered
    data = {**english_with_interpreter(witness), "language": "es", "interpreter_language": "quc"}
    response = tablet.post(url("notice", election), data)
    assert response.status_code == 302
    assert not rules.check_notice_language(fresh(election))


# --- 9. What the browser keeps belongs to the user who typed it ------------------------------


def test_each_user_gets_their_own_draft_owner_and_the_sign_in_page_none(client, office, officer):
    other = make_officer(office, username="officer-b")
    page = client.get(reverse("login")).content.decode()
    assert 'data-draft-owner=""' in page
    owners = []
    for user in (officer, other, officer):
        client.force_login(user)
        body = client.get(reverse("elections:home")).content.decode()
        owners.append(re.search(r'data-draft-owner="([0-9a-f]+)"', body).group(1))
        client.logout()
    assert owners[0] == owners[2] != owners[1]
