"""The draft-editing services refuse bad input with a clear message and leave the record as it was.

``snapshot`` captures everything stored about an election (its row, parent, children, choices,
signatures, interpreter and history count) so "nothing changed" is checked, not assumed.
"""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from elections import rules, services, signature_images
from elections.constants import Decision, DeliveryMode, SignatureMethod, SignatureRole
from elections.models import Child, ElectionChild, Signature
from elections.workflow import TransitionError
from tests.factories import (
    ChildDataFactory,
    ElectionFactory,
    FieldOfficeFactory,
    birthday_years_ago,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
    parent_data,
    scribble_png,
    signature_image,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(office, officer, witness):
    def make(**kwargs):
        return ElectionFactory(office=office, presented_by=officer, witness=witness, **kwargs)

    return make


def assert_refused(election, call, *, error=ValidationError, code=None, says=None):
    """``call()`` raises ``error`` (with ``code``, mentioning ``says``) and changes nothing."""
    before = snapshot(election)
    with pytest.raises(error) as caught:
        call()
    if code is not None:
        assert caught.value.code == code
    message = " ".join(caught.value.messages) if error is ValidationError else str(caught.value)
    assert message.strip()
    if says is not None:
        assert says in message
    assert snapshot(election) == before
    return caught.value


# --- children (R2) ----------------------------------------------------------------------------


def test_a_child_18_or_older_on_the_decision_date_is_refused(make, officer):
    election = make(stage="parent")
    data = ChildDataFactory(full_name="Kevin Josué Pérez", date_of_birth=birthday_years_ago(18))
    children_before = Child.objects.count()
    assert_refused(
        election,
        lambda: services.election_add_child(election=election, actor=officer, data=data),
        code="not_minor",
        says="18",
    )
    assert Child.objects.count() == children_before


def test_a_child_one_day_short_of_18_is_added(make, officer):
    election = make(stage="parent")
    born = birthday_years_ago(18) + timedelta(days=1)
    item = services.election_add_child(
        election=election, actor=officer, data=ChildDataFactory(date_of_birth=born)
    )
    assert item.child.date_of_birth == born
    assert [c.child_id for c in fresh(election).covered.all()] == [item.child_id]


def test_a_date_of_birth_in_the_future_is_refused(make, officer):
    election = make(stage="parent")
    data = ChildDataFactory(date_of_birth=timezone.localdate() + timedelta(days=3))
    assert_refused(
        election,
        lambda: services.election_add_child(election=election, actor=officer, data=data),
        code="dob_future",
    )


def test_the_same_child_twice_is_refused_by_a_number(make, officer):
    first = ChildDataFactory()
    election = make(stage="children", children=[first])
    again = ChildDataFactory(a_number=first.a_number, full_name="Someone Else")
    assert_refused(
        election,
        lambda: services.election_add_child(election=election, actor=officer, data=again),
        code="duplicate",
        says=first.full_name,
    )


def test_the_same_child_twice_is_refused_by_name_and_birth_date(make, officer):
    first = ChildDataFactory()
    election = make(stage="children", children=[first])
    again = ChildDataFactory(
        a_number=None, full_name=f"  {first.full_name.upper()} ", date_of_birth=first.date_of_birth
    )
    assert_refused(
        election,
        lambda: services.election_add_child(election=election, actor=officer, data=again),
        code="duplicate",
    )


def test_adding_a_child_after_the_notice_means_the_parent_hears_it_again(make, officer):
    election = make(stage="decided")
    assert election.notice_delivered_at is not None
    services.election_add_child(election=election, actor=officer, data=ChildDataFactory())
    election = fresh(election)
    assert election.notice_delivered_at is None
    assert [item.decision for item in election.covered.all()] == [None, None]


# --- the notice, interpreter and witness (R3, R4, R6) -----------------------------------------


@pytest.mark.parametrize(
    ("language", "notice_language", "mode"),
    [
        ("quc", "es", DeliveryMode.PARENT_READ),
        ("quc", "es", DeliveryMode.OFFICER_READ),
        ("quc", "en", DeliveryMode.PARENT_READ),
        ("mam", "en", DeliveryMode.OFFICER_READ),
    ],
)
def test_a_notice_not_in_the_parents_language_without_an_interpreter_is_refused(
    make, officer, witness, language, notice_language, mode
):
    election = make(stage="children", language=language)
    assert_refused(
        election,
        lambda: services.election_set_notice(
            election=election,
            actor=officer,
            language=notice_language,
            delivery_mode=mode,
            interpreter=None,
            witness=witness,
        ),
        code="interpreter_required",
    )


def test_an_interpreted_notice_without_the_interpreter_is_refused(make, officer, witness):
    election = make(stage="children", language="quc")
    assert_refused(
        election,
        lambda: services.election_set_notice(
            election=election,
            actor=officer,
            language="es",
            delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
            interpreter=None,
            witness=witness,
        ),
        code="interpreter_missing",
    )


def test_a_notice_in_a_language_with_no_written_notice_is_refused(make, officer, witness):
    election = make(stage="children", language="quc")
    assert_refused(
        election,
        lambda: services.election_set_notice(
            election=election,
            actor=officer,
            language="quc",
            delivery_mode=DeliveryMode.PARENT_READ,
            interpreter=None,
            witness=witness,
        ),
    )


def test_a_witness_who_is_the_presenting_officer_is_refused(make, officer):
    election = make(stage="children")
    assert_refused(
        election,
        lambda: services.election_set_notice(
            election=election,
            actor=officer,
            language="es",
            delivery_mode=DeliveryMode.PARENT_READ,
            interpreter=None,
            witness=officer,
        ),
        code="witness_is_presenter",
    )


@pytest.mark.parametrize("who", ["other_office", "auditor"])
def test_a_witness_from_another_office_or_an_auditor_is_refused(make, officer, who):
    election = make(stage="children")
    stranger = make_officer(FieldOfficeFactory()) if who == "other_office" else make_auditor()
    assert_refused(
        election,
        lambda: services.election_set_notice(
            election=election,
            actor=officer,
            language="es",
            delivery_mode=DeliveryMode.PARENT_READ,
            interpreter=None,
            witness=stranger,
        ),
    )


def test_a_supervisor_of_the_office_may_witness(make, officer, supervisor):
    election = make(stage="children")
    services.election_set_notice(
        election=election,
        actor=officer,
        language="es",
        delivery_mode=DeliveryMode.PARENT_READ,
        interpreter=None,
        witness=supervisor,
    )
    assert fresh(election).witness_id == supervisor.pk


# --- signatures (R6, §9) ----------------------------------------------------------------------


def png(image: Image.Image, **save) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def test_a_drawn_signature_is_re_encoded_as_a_clean_png():
    # A colour profile a canvas may carry: accepted, and not kept (text chunks are refused:
    # tests/core/test_signature_images.py).
    raw = png(Image.open(io.BytesIO(scribble_png(5))), icc_profile=b"<script>alert(1)</script>")
    assert b"iCCP" in raw
    cleaned = signature_images.clean_png(raw)
    assert cleaned.startswith(signature_images.PNG_MAGIC)
    assert b"iCCP" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG"
        assert image.size == (400, 150)


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!",
        png(Image.new("RGB", (10, 10)))[:8] + b"not really a png at all",
        b"",
        b"%PDF-1.7\n",
    ],
    ids=["gif", "png-magic-then-garbage", "empty", "pdf"],
)
def test_a_signature_image_that_is_not_a_png_is_refused(data):
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(data)
    assert caught.value.code in ("not_png", "blank")
    assert caught.value.messages[0]


def test_a_jpeg_signature_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (200, 80), "black").save(out, format="JPEG")
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(out.getvalue())
    assert caught.value.code == "not_png"


def test_a_signature_image_too_large_in_bytes_is_refused(settings):
    data = scribble_png(6)
    settings.FORMSVC_SIGNATURE_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(data)
    assert caught.value.code == "too_large"
    settings.FORMSVC_SIGNATURE_MAX_BYTES = len(data)
    assert signature_images.clean_png(data)


@pytest.mark.parametrize("size", [(4001, 20), (20, 4001)])
def test_a_signature_image_wider_or_taller_than_allowed_is_refused(size):
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(png(Image.new("L", size, 0)))
    assert caught.value.code == "too_many_pixels"


def test_a_signature_image_with_too_many_pixels_is_refused(settings):
    data = scribble_png(7, width=400, height=150)
    settings.FORMSVC_SIGNATURE_MAX_PIXELS = 400 * 150 - 1
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(data)
    assert caught.value.code == "too_many_pixels"
    settings.FORMSVC_SIGNATURE_MAX_PIXELS = 400 * 150
    assert signature_images.clean_png(data)


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGBA", (400, 150), (0, 0, 0, 0)),  # an untouched pad
        Image.new("RGB", (400, 150), "white"),
        Image.new("RGBA", (400, 150), (0, 0, 0, 10)),  # almost transparent ink everywhere
    ],
    ids=["transparent", "white", "faint"],
)
def test_a_blank_signature_image_is_refused(image):
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(png(image))
    assert caught.value.code == "blank"


def test_a_tap_on_the_pad_is_not_a_signature():
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    for x in range(5):
        image.putpixel((100 + x, 70), (0, 0, 0, 255))
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(png(image))
    assert caught.value.code == "blank"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "blank"),
        ("data:image/jpeg;base64,AAAA", "not_png"),
        ("data:image/png;base64,@@@not base64@@@", "not_png"),
    ],
)
def test_a_bad_data_url_from_the_pad_is_refused(value, code):
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_data_url(value)
    assert caught.value.code == code


def test_a_data_url_too_long_is_refused_before_decoding(settings):
    settings.FORMSVC_SIGNATURE_MAX_BYTES = 30
    with pytest.raises(ValidationError) as caught:
        signature_images.decode_data_url(signature_images.DATA_URL_PREFIX + "A" * 100)
    assert caught.value.code == "too_large"


def test_a_good_data_url_gives_the_clean_png_and_its_hash():
    value = signature_images.as_data_url(scribble_png(8))
    cleaned, digest = signature_images.clean_data_url(value)
    assert digest == hashlib.sha256(cleaned).hexdigest()
    assert signature_images.as_data_url(cleaned).startswith("data:image/png;base64,")


def test_a_parent_signature_with_an_empty_pad_is_refused(make, officer):
    election = make(stage="decided")
    assert_refused(
        election,
        lambda: services.election_sign_parent(
            election=election,
            actor=officer,
            method=SignatureMethod.DRAWN,
            image=None,
            reason="",
            covers=services.election_consent_digest(election=election),
        ),
        code="blank",
    )


def test_a_staff_signature_with_the_wrong_password_is_refused(make, officer, witness):
    election = make(stage="parent_signed")
    assert_refused(
        election,
        lambda: services.election_sign_staff(
            election=election,
            actor=officer,
            role=SignatureRole.WITNESS,
            signer_username=witness.username,
            password="not the password",
            image=signature_image(),
        ),
        code="password",
    )


def test_a_staff_signature_by_someone_other_than_the_witness_is_refused(make, officer, office):
    election = make(stage="parent_signed")
    other = make_supervisor(office)
    assert_refused(
        election,
        lambda: services.election_sign_staff(
            election=election,
            actor=officer,
            role=SignatureRole.WITNESS,
            signer_username=other.username,
            password="formsvc-test-password",
            image=signature_image(),
        ),
        code="password",
    )


# --- decisions (R5, R11, R12) -----------------------------------------------------------------


def test_a_child_with_no_choice_is_refused(make, officer):
    election = make(stage="shown", children=[ChildDataFactory(), ChildDataFactory()])
    first, second = fresh(election).covered.all()
    error = assert_refused(
        election,
        lambda: services.election_record_decisions(
            election=election, actor=officer, decisions={first.pk: Decision.REUNIFY}
        ),
        code="no_decision",
    )
    assert second.child.full_name in error.messages[0]
    assert first.child.full_name not in error.messages[0]


@pytest.mark.parametrize("bad", ["", "maybe", "REUNIFY", None])
def test_a_choice_that_is_not_one_of_the_three_options_is_refused(make, officer, bad):
    election = make(stage="shown")
    item = fresh(election).covered.get()
    assert_refused(
        election,
        lambda: services.election_record_decisions(
            election=election, actor=officer, decisions={item.pk: bad}
        ),
        code="no_decision",
    )


def test_choices_before_the_notice_is_shown_are_refused(make, officer):
    election = make(stage="notice")
    item = fresh(election).covered.get()
    assert_refused(
        election,
        lambda: services.election_record_decisions(
            election=election, actor=officer, decisions={item.pk: Decision.WAIVE}
        ),
    )


def test_changing_choices_clears_the_signatures(make, officer):
    election = make(ready=True)
    assert fresh(election).signatures.count() == 3
    item = fresh(election).covered.get()
    services.election_record_decisions(
        election=election, actor=officer, decisions={item.pk: Decision.WAIVE}
    )
    election = fresh(election)
    assert list(election.signatures.all()) == []
    assert election.covered.get().decision == Decision.WAIVE
    reasons = set(
        Signature.history.filter(election_id=election.pk, history_type="-").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {"signature cleared: choices changed"}
    assert ("R6", "parent_signature") in {
        (p.rule, p.code) for p in rules.submission_problems(election)
    }


def test_recording_the_same_choices_again_keeps_the_signatures(make, officer):
    election = make(ready=True)
    item = fresh(election).covered.get()
    services.election_record_decisions(
        election=election, actor=officer, decisions={item.pk: item.decision}
    )
    assert fresh(election).signatures.count() == 3


def test_a_refusal_to_sign_clears_the_decisions_and_records_no_waiver(make, officer):
    election = make(stage="decided", decisions=Decision.WAIVE)
    assert fresh(election).covered.get().decision == Decision.WAIVE
    signature = services.election_sign_parent(
        election=election,
        actor=officer,
        method=SignatureMethod.REFUSED,
        image=None,
        reason="Said three times he wants his daughter with him; will not sign.",
        covers=services.election_consent_digest(election=election),
    )
    election = fresh(election)
    assert signature.method == SignatureMethod.REFUSED
    assert signature.image is None
    assert "not a waiver" in signature.meaning
    item = election.covered.get()
    assert (item.decision, item.decided_at) == (None, None)
    assert not ElectionChild.objects.filter(election=election, decision=Decision.WAIVE).exists()
    assert rules.records_no_election(election)
    history = ElectionChild.history.filter(id=item.pk).order_by("history_date")
    assert history.last().history_change_reason == (
        "choice cleared: parent did not sign: no election recorded"
    )


def test_a_refusal_after_the_parent_had_signed_replaces_the_signature(make, officer):
    election = make(ready=True, decisions=Decision.WAIVE)
    services.election_sign_parent(
        election=election,
        actor=officer,
        method=SignatureMethod.REFUSED,
        image=None,
        reason="Changed their mind and asked for a lawyer before signing anything.",
        covers=services.election_consent_digest(election=election),
    )
    election = fresh(election)
    assert [(s.role, s.method) for s in election.signatures.all()] == [
        (SignatureRole.PARENT, SignatureMethod.REFUSED)
    ]
    assert [item.decision for item in election.covered.all()] == [None]


def test_a_refusal_without_a_reason_is_refused(make, officer):
    election = make(stage="decided")
    assert_refused(
        election,
        lambda: services.election_sign_parent(
            election=election,
            actor=officer,
            method=SignatureMethod.REFUSED,
            image=None,
            reason=" ",
            covers=services.election_consent_digest(election=election),
        ),
        code="reason",
    )


# --- who may edit -----------------------------------------------------------------------------


def test_another_field_offices_election_is_refused(make):
    election = make(stage="shown")
    item = fresh(election).covered.get()
    outsider = make_officer(FieldOfficeFactory(code="SNA", time_zone="America/Chicago"))
    calls = [
        lambda: services.election_record_notice_shown(election=election, actor=outsider),
        lambda: services.election_record_decisions(
            election=election, actor=outsider, decisions={item.pk: Decision.REUNIFY}
        ),
        lambda: services.election_add_child(
            election=election, actor=outsider, data=ChildDataFactory()
        ),
        lambda: services.election_remove_child(election=election, actor=outsider, item_id=item.pk),
    ]
    for call in calls:
        assert_refused(election, call, error=TransitionError)


def test_an_auditor_cannot_edit_or_start_an_election(make):
    election = make(stage="parent")
    auditor = make_auditor()
    assert_refused(
        election,
        lambda: services.election_add_child(
            election=election, actor=auditor, data=ChildDataFactory()
        ),
        error=TransitionError,
    )
    with pytest.raises(TransitionError):
        services.election_start(actor=auditor, parent=parent_data(election.parent))


def test_a_submitted_election_can_no_longer_be_changed(make, officer):
    election = make(submitted=True)
    assert_refused(
        election,
        lambda: services.election_add_child(
            election=election, actor=officer, data=ChildDataFactory()
        ),
        error=TransitionError,
    )


def test_starting_an_election_for_a_parent_with_one_open_resumes_it(make, officer):
    election = make(stage="children")
    again, created = services.election_start(actor=officer, parent=parent_data(election.parent))
    assert (again.pk, created) == (election.pk, False)


def test_the_a_number_of_an_election_cannot_be_changed(make, officer):
    election = make(stage="parent")
    data = parent_data(election.parent)
    data.a_number = "A099999999"
    assert_refused(
        election,
        lambda: services.election_update_parent(
            election=election,
            actor=officer,
            parent=data,
            facility=election.facility,
            identity_method=election.identity_method,
            identity_document=election.identity_document,
        ),
    )


def test_a_child_a_number_already_recorded_under_another_name_is_refused(make, officer):
    known = ChildDataFactory()
    make(stage="children", children=[known])  # recorded through one election
    election = make(stage="children", children=[])
    typo = ChildDataFactory(a_number=known.a_number, full_name="Otro Niño Distinto")
    assert_refused(
        election,
        lambda: services.election_add_child(election=election, actor=officer, data=typo),
        code="a_number_taken",
        says=known.full_name,
    )
    assert Child.objects.get(a_number=known.a_number).full_name == known.full_name


def test_starting_an_election_normalises_the_a_number_or_refuses_it(officer, notices):
    data = services.ParentData(
        a_number="a 12-345-678",
        full_name="Juana Pérez",
        date_of_birth=timezone.localdate() - timedelta(days=30 * 365),
        country_of_citizenship="HN",
        primary_language="es",
    )
    election, created = services.election_start(actor=officer, parent=data)
    assert created and election.parent.a_number == "A012345678"
    data.a_number = "12-34"
    with pytest.raises(ValidationError) as caught:
        services.election_start(actor=officer, parent=data)
    assert caught.value.code == "a_number_format"
