"""Names and other printed text that look empty (R1, R2, R4, R5, R6; issue 8, class 4).

A child named only a zero-width space, a Hangul filler or a braille blank was accepted and the
approved waiver printed no name. These tests attack from the officer's side (the real screens,
in English and Spanish), from the API's side (the services without forms) and from the database
(a row written around both), and feed arbitrary Unicode to the name inputs.
"""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elections import rules, services, workflow
from elections.constants import Decision, DeliveryMode, SignatureMethod, SignatureRole
from elections.models import Child, Election, ElectionChild, Interpreter, Parent, Signature
from elections.names import (
    clean_person_name,
    clean_printed_text,
    is_invisible_char,
    is_readable_text,
    is_visible_name,
    name_key,
    normalize_text,
)
from elections.officer.forms import ChildForm
from tests.factories import (
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    default_interpreter,
    fresh,
    make_officer,
    parent_data,
)
from tests.officer.test_views_officer import (
    add_child,
    child_data,
    complete_parent_step,
    identity_fields,
    set_notice,
    start_election,
)
from tests.supervision import approve, submitted

#: The three names of the issue: each looks like nothing at all on the page and in the PDF.
ISSUE_EXAMPLES = ["\u200b", "\u3164", "\u2800"]

EMPTY_LOOKING = [
    *ISSUE_EXAMPLES,
    "",
    "   ",
    "\t\n\r",
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width space, joiners, word joiner, BOM
    "\u115f\u1160\uffa0",  # the other Hangul fillers
    "\u034f",  # combining grapheme joiner
    "\u17b4\u17b5",  # Khmer inherent vowels
    "\u180e",  # Mongolian vowel separator
    "\u00ad\u00ad",  # soft hyphens
    "\u202e\u202d\u2066\u2069",  # bidi override, isolates
    "\U000e0041\U000e0062",  # tag characters
    "\ufe0f\U000e0100",  # variation selectors
    "\u3000\u2003\u00a0\u2028",  # ideographic, em, no-break space, line separator
    "\U0001d159\ufffc",  # musical null notehead, object replacement
    "\x00\x07\x1b",  # control characters
    "\ue000\U000f0000",  # private use
    "\u0378",  # unassigned
]
NOT_A_NAME = ["12345", "---", "'.", "\u0301\u0308", "ʻʻ", "★ ✓", "\u3164 12 \u2800"]

LEGITIMATE_NAMES = [
    "José María Pérez-Núñez",
    "O'Brien",
    "Nguyễn Văn An",
    "Juan K'iche' Tzul",
    "Ajpop Bʼalam",  # K'iche' spelling with the modifier-letter apostrophe
    "محمد عبد الله",
    "देवनागरी शर्मा",
    "王秀英",
    "می\u200cخواهم",  # Persian: ZWNJ between letters
    "क्\u200dष",  # Devanagari half form: ZWJ after the virama
    "അവന്\u200d",  # Malayalam chillu in the older encoding: ZWJ after the virama, word end
    "Mary-Kate Smith Jr.",
    "Łukasz Żółć",
    "Zoë Ærøskøbing",
]


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


def name_problems(election) -> list[rules.Problem]:
    election = fresh(election)
    return [
        p
        for p in [*rules.check_parent(election), *rules.check_children(election)]
        if p.code in ("name", "child_name")
    ]


# --- the domain function ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", EMPTY_LOOKING + NOT_A_NAME)
def test_a_name_that_looks_empty_or_has_no_letter_is_refused_with_a_translated_message(typed):
    assert not is_visible_name(typed)
    with pytest.raises(ValidationError) as caught:
        clean_person_name(typed, field=services.PRINTED_FIELDS["child_name"])
    assert caught.value.code == "name_unreadable"
    assert caught.value.messages == [
        "The child's full name must be written with letters: spaces, invisible characters, "
        "digits or symbols alone are not a name."
    ]
    with translation.override("es"):
        assert caught.value.messages[0].startswith(
            "El nombre completo del hijo o hija debe escribirse con letras"
        )


@pytest.mark.parametrize("name", LEGITIMATE_NAMES)
def test_real_names_in_every_script_survive_unchanged(name):
    assert clean_person_name(name) == name
    assert is_visible_name(name)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jose\u0301 Mari\u0301a Pe\u0301rez-Nu\u0301n\u0303ez", "José María Pérez-Núñez"),
        ("Nguye\u0302\u0303n Va\u0306n An", "Nguyễn Văn An"),
        ("e\u200b\u0301lodie", "élodie"),  # the mark joins its letter once the space is gone
    ],
)
def test_a_decomposed_name_is_stored_in_its_composed_form(typed, stored):
    assert clean_person_name(typed) == stored
    assert unicodedata.is_normalized("NFC", clean_person_name(typed))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ana\u200b Sofía", "Ana Sofía"),
        ("\u202eAna López", "Ana López"),
        ("\ufeffAna\u00adLópez", "AnaLópez"),
        ("Ana\u3164 \u2800López", "Ana López"),
        ("\u0301Ana", "Ana"),  # a mark with nothing under it
        ("\u00a0Ana\u3000\u2003María\t\nLópez\u2028", "Ana María López"),
        ("  Ana   María  ", "Ana María"),
        ("\u200cAna\u200d López\u200d", "Ana López"),  # joiners outside a word
        ("می\u200c\u200c\u200cخواهم", "می\u200cخواهم"),  # a run of joiners keeps one
        ("Ana\U000e0041\U000e007f López", "Ana López"),
    ],
)
def test_invisible_characters_are_removed_and_every_space_becomes_one_space(typed, stored):
    assert clean_person_name(typed) == stored


def test_names_are_compared_cleaned_and_case_folded():
    assert name_key("ANA SOFI\u0301A\u200b  LÓPEZ") == name_key("ana sofía lópez")
    assert name_key("Ana") != name_key("Ana\u200cMaría")


def test_other_printed_text_needs_letters_or_digits_and_keeps_its_lines():
    assert clean_printed_text("A-12345\u200b", field="ID", digits_suffice=True) == "A-12345"
    assert clean_printed_text("12345", field="ID", digits_suffice=True) == "12345"
    assert not is_readable_text("12345") and is_readable_text("12345", digits_suffice=True)
    for typed in ("\u200b", "--- / ---", "\u3164\u2800"):
        with pytest.raises(ValidationError) as caught:
            clean_printed_text(typed, field="The telephone operator ID", digits_suffice=True)
        assert caught.value.code == "text_unreadable"
    legal = "Las Americas\u200b\r\n\r\n\r\n  915-544-5126 \u2028Room 3\n\n"
    assert normalize_text(legal, multiline=True) == "Las Americas\n\n915-544-5126\nRoom 3"


INTERESTING = st.sampled_from(
    [*"".join(EMPTY_LOOKING), *"aZéñ中ب क्", "\u0301", "\u094d", "\u200c", "\u200d", "ʻ", "1"]
)
#: Any text at all, surrogates included (a Python caller can pass them) ...
ANY_TEXT = st.one_of(
    st.text(), st.text(alphabet=st.one_of(INTERESTING, st.characters()), max_size=30)
)
#: ... and any text a browser can send or a database can hold: all of Unicode but surrogates.
ANY_UTF8 = st.one_of(
    st.text(), st.text(alphabet=st.one_of(INTERESTING, st.characters(codec="utf-8")), max_size=30)
)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_whatever_is_typed_a_name_is_refused_or_clean_visible_and_stable(typed):
    try:
        name = clean_person_name(typed)
    except ValidationError as error:
        assert error.code == "name_unreadable"
        assert not is_visible_name(typed)
        return
    assert is_visible_name(typed) and is_visible_name(name)
    assert any(unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lo") for char in name)
    assert clean_person_name(name) == name  # cleaning twice changes nothing
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip() and "  " not in name
    assert not any(is_invisible_char(char) and char not in "\u200c\u200d" for char in name)


# --- the officer's screens ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ISSUE_EXAMPLES)
def test_a_child_named_only_an_invisible_character_is_refused_and_the_form_keeps_the_rest(
    tablet, officer, notices, typed
):
    election = start_election(tablet)
    response = add_child(tablet, election, full_name=typed, evidence_note="Seen at intake")
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [
        "The child's full name must be written with letters: spaces, invisible characters, "
        "digits or symbols alone are not a name."
    ]
    body = response.content.decode()
    assert "must be written with letters" in body
    assert 'value="Casa Esperanza, San Benito TX"' in body
    assert 'value="Seen at intake"' in body
    assert 'value="2016-07-15"' in body
    assert not election.covered.exists() and not Child.objects.exists()


@pytest.mark.parametrize("typed", ISSUE_EXAMPLES)
def test_the_same_refusal_reads_in_spanish_for_a_spanish_speaking_officer(
    tablet, officer, notices, typed
):
    election = start_election(tablet)
    response = tablet.post(
        reverse("elections:children", args=[election.pk]),
        child_data(full_name=typed),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "El nombre completo del hijo o hija debe escribirse con letras" in body
    assert 'value="Casa Esperanza, San Benito TX"' in body
    assert not election.covered.exists()


def test_a_name_with_invisible_characters_in_it_is_stored_clean_and_composed(
    tablet, officer, notices
):
    election = start_election(tablet)
    response = add_child(
        tablet,
        election,
        full_name="\u200bAna\u3164 Sofi\u0301a\u00a0 López\u202e",
        a_number="A012\u200b345\u2013679",
    )
    assert response.status_code == 302
    child = election.covered.get().child
    assert child.full_name == "Ana Sofía López"
    assert child.a_number == "A012345679"


def test_a_child_typed_again_with_invisible_characters_is_the_same_child(tablet, officer, notices):
    election = start_election(tablet)
    assert add_child(tablet, election).status_code == 302
    response = add_child(tablet, election, full_name="ANA\u200b SOFI\u0301A  LÓPEZ")
    assert "already on this election" in response.content.decode()
    assert election.covered.count() == 1


def test_a_parent_named_only_an_invisible_character_cannot_be_started(tablet, office):
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": "A-012-345-678",
            "full_name": "\u3164",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": "es",
        },
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["full_name"][0]
        .startswith("The parent's full name must be written with letters")
    )
    assert 'value="A-012-345-678"' in response.content.decode()
    assert not Parent.objects.exists()


def test_fullwidth_and_pasted_a_numbers_start_the_same_parent(tablet, office):
    response = tablet.post(
        reverse("elections:start"),
        {
            "a_number": "Ａ０１２\u200b３４５６７８",
            "full_name": "María Fernanda López Cruz",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": "es",
            **identity_fields(tablet),
        },
    )
    assert response.status_code == 302
    assert Parent.objects.get().a_number == "A012345678"


def test_the_parent_step_refuses_an_invisible_name_and_keeps_the_recorded_one(
    tablet, officer, notices
):
    election = start_election(tablet)
    facility = election.office.facilities.first()
    response = tablet.post(
        reverse("elections:parent", args=[election.pk]),
        {
            "full_name": "\u2800",
            "date_of_birth": "1990-04-02",
            "country_of_citizenship": "GT",
            "primary_language": "es",
            "facility": facility.pk,
            "identity_method": "fingerprints",
            "identity_document": "IDENT match 2026-11-20",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "El nombre completo del padre o la madre debe escribirse con letras" in body
    assert 'value="IDENT match 2026-11-20"' in body
    assert Parent.objects.get().full_name == "María Fernanda López Cruz"


def test_an_interpreter_named_only_an_invisible_character_is_refused(
    tablet, officer, witness, notices
):
    election = start_election(tablet, language="mam")
    complete_parent_step(tablet, election)
    assert add_child(tablet, election).status_code == 302
    response = set_notice(tablet, election, witness, interpreter_name="\u200b\u3164")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["interpreter_name"] == [
        "The interpreter's full name must be written with letters: spaces, invisible "
        "characters, digits or symbols alone are not a name."
    ]
    assert 'value="Lionbridge #44721"' in response.content.decode()
    assert not Interpreter.objects.exists()


def test_a_telephone_operator_id_of_invisible_characters_is_refused(
    tablet, officer, witness, notices
):
    election = start_election(tablet, language="mam")
    complete_parent_step(tablet, election)
    assert add_child(tablet, election).status_code == 302
    response = set_notice(
        tablet,
        election,
        witness,
        delivery_mode="interpreter_telephone",
        operator_id="\u200b\u2060",
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["operator_id"][0]
        .startswith("The telephone operator ID must have letters or digits")
    )
    assert not Interpreter.objects.exists()


def test_a_legal_contact_that_looks_empty_is_refused_on_the_signatures_step(
    tablet, officer, witness, notices
):
    election = ElectionFactory(
        stage="parent_signed",
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        decisions=Decision.CONSULT,
        legal_contact="",
    )
    url = reverse("elections:staff_sign", args=[election.pk])
    response = tablet.post(url, {"legal-legal_contact": "\u3164\u200b\u2800"})
    assert response.status_code == 200
    assert (
        response.context["forms"]["legal"]
        .errors["legal_contact"][0]
        .startswith("The legal contact must be written with letters")
    )
    assert Election.objects.get(pk=election.pk).legal_contact_given == ""
    # The legal contact is saved even though the signatures on the same form are still to do.
    response = tablet.post(url, {"legal-legal_contact": "Las Americas\u200b, 915-544-5126"})
    assert response.status_code == 200
    still_to_do = {part["key"] for part, _messages in response.context["errors"]}
    assert still_to_do and "legal" not in still_to_do
    assert Election.objects.get(pk=election.pk).legal_contact_given == "Las Americas, 915-544-5126"


# --- the services, as the API calls them --------------------------------------------------------


@pytest.mark.parametrize("typed", ISSUE_EXAMPLES)
def test_the_service_refuses_an_invisible_child_name_without_any_form(officer, notices, typed):
    election = ElectionFactory(stage="parent", office=officer.staff.office, presented_by=officer)
    with pytest.raises(ValidationError) as caught:
        services.election_add_child(
            election=election, actor=officer, data=ChildDataFactory(full_name=typed)
        )
    assert caught.value.code == "name_unreadable"
    assert not election.covered.exists()


def test_the_service_refuses_an_invisible_parent_name_at_start_and_on_correction(officer, notices):
    parent = ParentFactory.build(full_name="\u200b")
    with pytest.raises(ValidationError):
        services.election_start(actor=officer, parent=parent_data(parent))
    assert not Parent.objects.filter(a_number=parent.a_number).exists()

    election = ElectionFactory(stage="parent", office=officer.staff.office, presented_by=officer)
    typed = parent_data(election.parent)
    typed.full_name = "\u3164"
    with pytest.raises(ValidationError):
        services.election_update_parent(
            election=election,
            actor=officer,
            parent=typed,
            facility=election.facility,
            identity_method=election.identity_method,
            identity_document=election.identity_document,
        )
    assert Parent.objects.get(pk=election.parent_id).full_name == election.parent.full_name


def test_the_service_stores_the_cleaned_names_and_refuses_unreadable_details(officer, notices):
    election = ElectionFactory(stage="parent", office=officer.staff.office, presented_by=officer)
    item = services.election_add_child(
        election=election,
        actor=officer,
        data=ChildDataFactory(
            full_name="Ana\u200b Sofi\u0301a", a_number="Ａ２３１\u200b０００９９９"
        ),
    )
    assert (item.child.full_name, item.child.a_number) == ("Ana Sofía", "A231000999")
    for field in ("location_name", "a_number"):
        with pytest.raises(ValidationError):
            services.election_add_child(
                election=election, actor=officer, data=ChildDataFactory(**{field: "\u2800-"})
            )
    for document in ("\u200b", "---"):
        with pytest.raises(ValidationError):
            services.election_update_parent(
                election=election,
                actor=officer,
                parent=parent_data(election.parent),
                facility=election.facility,
                identity_method=election.identity_method,
                identity_document=document,
            )


@pytest.mark.parametrize(
    ("field", "value"),
    [("full_name", "\u2800"), ("id_or_employer", "\u200b"), ("operator_id", "\u3164")],
)
def test_the_service_refuses_an_interpreter_that_cannot_be_read(
    officer, witness, notices, field, value
):
    election = ElectionFactory(
        stage="children", office=officer.staff.office, presented_by=officer, language="mam"
    )
    interpreter = default_interpreter("mam", DeliveryMode.INTERPRETER_TELEPHONE)
    setattr(interpreter, field, value)
    with pytest.raises(ValidationError):
        services.election_set_notice(
            election=election,
            actor=officer,
            language="es",
            delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
            interpreter=interpreter,
            witness=witness,
        )
    assert not Interpreter.objects.exists()


def test_the_service_refuses_a_legal_contact_and_a_refusal_reason_without_letters(
    officer, witness, notices
):
    election = ElectionFactory(
        stage="decided",
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        decisions=Decision.CONSULT,
        legal_contact="",
    )
    for text in ("\u200b", "915-544-5126"):
        with pytest.raises(ValidationError):
            services.election_record_legal_contact(election=election, actor=officer, text=text)
    with pytest.raises(ValidationError):
        services.election_sign_parent(
            election=election,
            actor=officer,
            method=SignatureMethod.REFUSED,
            image=None,
            reason="\u3164\u200b",
            covers=services.election_consent_digest(election=election),
        )
    assert not Signature.objects.filter(election=election).exists()
    with pytest.raises(workflow.TransitionError):
        workflow.election_void(election=election, actor=officer, reason="\u2800")


def test_a_supervisor_cannot_return_an_election_with_a_reason_that_looks_empty(
    officer, witness, supervisor
):
    election = submitted(officer=officer, witness=witness)
    with pytest.raises(workflow.TransitionError):
        workflow.election_return(election=election, actor=supervisor, reason="\u200b\u3164 ")
    assert Election.objects.get(pk=election.pk).returned_at is None


def test_a_staff_member_whose_full_name_looks_empty_signs_under_their_user_name(office, notices):
    officer = make_officer(office, username="officer", first_name="Laura", last_name="Benítez")
    witness = make_officer(office, username="mreed", first_name="\u3164", last_name="\u200b")
    election = ElectionFactory(ready=True, office=office, presented_by=officer, witness=witness)
    printed = {s.role: s.printed_name for s in election.signatures.all()}
    assert printed[SignatureRole.WITNESS] == "mreed"
    assert printed[SignatureRole.OFFICER] == "Laura Benítez"


def test_a_staff_member_with_nothing_readable_to_print_cannot_sign(office, notices):
    officer = make_officer(office, username="officer")
    witness = make_officer(office, username="\u3164", first_name="\u2800", last_name="")
    with pytest.raises(ValidationError) as caught:
        ElectionFactory(ready=True, office=office, presented_by=officer, witness=witness)
    assert caught.value.code == "staff_name_unreadable"


# --- the rules, for rows written around the forms and services ----------------------------------


@pytest.mark.parametrize("typed", ISSUE_EXAMPLES)
def test_a_stored_invisible_child_name_blocks_submission(office, officer, witness, typed):
    election = ElectionFactory(ready=True, office=office, presented_by=officer, witness=witness)
    signed_for = Child.objects.get(elections_covering__election=election).full_name
    Child.objects.filter(elections_covering__election=election).update(full_name=typed)
    assert [(p.rule, p.code) for p in name_problems(election)] == [("R2", "child_name")]
    with pytest.raises(workflow.RulesNotMet) as caught:
        workflow.election_submit(election=election, actor=officer)
    assert "A child's full name is missing or cannot be read." in [
        p.message for p in caught.value.problems
    ]
    # The name the parent saw and signed for, put back: nothing else stands in the way.
    Child.objects.filter(elections_covering__election=election).update(full_name=signed_for)
    assert not rules.submission_problems(fresh(election))


def test_a_stored_invisible_name_blocks_approval(office, officer, witness, supervisor):
    election = submitted(officer=officer, witness=witness)
    Parent.objects.filter(pk=election.parent_id).update(full_name="\u200b\u3164")
    with pytest.raises(workflow.RulesNotMet) as caught:
        approve(election, supervisor)
    assert ("R1", "name") in {(p.rule, p.code) for p in caught.value.problems}
    assert Election.objects.get(pk=election.pk).approved_at is None


def test_a_stored_interpreter_or_legal_contact_that_looks_empty_is_a_problem(
    office, officer, witness
):
    election = ElectionFactory(
        ready=True,
        office=office,
        presented_by=officer,
        witness=witness,
        language="mam",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
        decisions=Decision.CONSULT,
    )
    assert not rules.submission_problems(fresh(election))
    Interpreter.objects.filter(election=election).update(full_name="\u2800", operator_id="\u200b")
    Election.objects.filter(pk=election.pk).update(legal_contact_given="\u3164")
    found = {(p.rule, p.code) for p in rules.submission_problems(fresh(election))}
    assert {("R4", "interpreter_identity"), ("R4", "operator_id"), ("R5", "legal_contact")} <= (
        found
    )


# --- arbitrary Unicode through the real screen --------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=ANY_UTF8, language=st.sampled_from(["en", "es"]))
def test_whatever_is_typed_as_a_child_name_the_screen_answers_with_a_translated_error_or_a_name(
    tablet, officer, notices, typed, language
):
    election = Election.objects.first() or start_election(tablet)
    data = child_data(full_name=typed)
    response = tablet.post(
        reverse("elections:children", args=[election.pk]), data, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(response.context["form"].errors) == ["full_name"]
        with translation.override("en"):
            english = [str(m) for m in ChildForm(data).errors["full_name"]]
        with translation.override(language):
            shown = [str(m) for m in ChildForm(data).errors["full_name"]]
        assert shown and all(escape(m) in response.content.decode() for m in shown)
        if language == "es":
            assert not set(shown) & set(english)
        assert not election.covered.exists()
        return
    item = ElectionChild.objects.get(election=election)
    assert is_visible_name(item.child.full_name)
    assert item.child.full_name == clean_person_name(typed.strip())
    assert not [p for p in rules.check_children(fresh(election)) if p.code == "child_name"]
    services.election_remove_child(election=election, actor=officer, item_id=item.pk)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stored=ANY_UTF8)
def test_a_stored_name_is_a_rule_problem_exactly_when_it_looks_empty(office, officer, stored):
    election = Election.objects.first() or ElectionFactory(
        stage="children", office=office, presented_by=officer
    )
    Child.objects.filter(elections_covering__election=election).update(full_name=stored)
    Parent.objects.filter(pk=election.parent_id).update(full_name=stored)
    codes = {p.code for p in name_problems(election)}
    visible = is_visible_name(stored)
    assert ("child_name" in codes) is not visible
    assert ("name" in codes) is not visible
