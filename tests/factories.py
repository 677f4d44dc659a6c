"""Test data, built the way the application builds it.

Reference rows (offices, staff, notices) come straight from the ORM. Elections are built only
through ``elections.staging`` (the walk the demo data uses too): ``elections.services`` and
``elections.workflow``, one step of the officer's flow at a time, so a factory-made record carries
the same history, timestamps and side effects as one made on a tablet. ``ElectionFactory`` has one trait per state that can be reached:

- ``draft``: just started, nothing but the parent (the default);
- ``ready``: every step done and signed; passes ``rules.submission_problems``; still a draft;
- ``submitted``: ``ready``, then ``workflow.election_submit``.

``stage=...`` stops anywhere in between (see ``STAGES``).
"""

import hashlib
import io
import json
import random
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image, ImageDraw

from elections import services, staging
from elections.constants import (
    ChildLocationKind,
    Decision,
    DeliveryMode,
    IdentityMethod,
    Relationship,
    RelationshipEvidence,
    Role,
    SignatureMethod,
    SignatureRole,
)
from elections.models import (
    Child,
    Election,
    Facility,
    FieldOffice,
    NoticeVersion,
    Parent,
    ParentChild,
    StaffProfile,
)
from elections.notices import notice_load_file
from elections.selectors import election_queryset_for_rules
from elections.signature_images import clean_png

#: Every factory-made staff member has this password; they sign with it (R6).
STAFF_PASSWORD = "formsvc-test-password"

NOTICE_DIR = Path(settings.BASE_DIR) / "fixtures" / "notices"

#: The steps of the officer's flow, in order; ``stage`` stops after the named one.
STAGES = staging.STAGES

#: Which drawing each signer's image is, so a factory-made record always carries the same ones.
SIGNATURE_SEEDS = {
    SignatureRole.PARENT: 1,
    SignatureRole.INTERPRETER: 2,
    SignatureRole.WITNESS: 3,
    SignatureRole.OFFICER: 4,
}


# The tests' offices are in US time zones; "today" is the date in the conftest office's zone, so
# that between midnight UTC and midnight there a date of today is not in the office's future.
TEST_OFFICE_ZONE = ZoneInfo("America/Denver")


def today() -> date:
    return timezone.localdate(timezone=TEST_OFFICE_ZONE)


def birthday_years_ago(years: int, *, days: int = 0) -> date:
    """A date of birth ``years`` years (and ``days`` days) before today, 29 February safe."""
    now = today()
    try:
        born = now.replace(year=now.year - years)
    except ValueError:
        born = now.replace(year=now.year - years, day=28)
    return born - timedelta(days=days)


def scribble_png(seed: int = 0, *, width: int = 400, height: int = 150) -> bytes:
    """A PNG of a hand-drawn looking stroke on a transparent background, as a pad would send."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, y = 20, height // 2
    points = [(x, y)]
    while x < width - 30:
        x += rng.randint(8, 24)
        y = max(15, min(height - 15, y + rng.randint(-30, 30)))
        points.append((x, y))
    draw.line(points, fill=(20, 20, 60, 255), width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_image(seed: int = 0) -> tuple[bytes, str]:
    """A cleaned signature as the services take it: the re-encoded PNG and its SHA-256."""
    png = clean_png(scribble_png(seed))
    return png, hashlib.sha256(png).hexdigest()


def load_project_notices() -> dict[str, NoticeVersion]:
    """Load fixtures/notices/*.json through the same code as ``manage.py load_notices``."""
    loaded = {}
    for name in ("en.json", "es.json"):
        for version, _created in notice_load_file(NOTICE_DIR / name):
            loaded[version.language] = version
    return loaded


# --- reference data -------------------------------------------------------------------------


class FieldOfficeFactory(DjangoModelFactory):
    class Meta:
        model = FieldOffice
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Test Field Office {o.code}")
    time_zone = "America/Chicago"


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("office", "name")

    office = factory.SubFactory(FieldOfficeFactory)
    name = factory.Sequence(lambda n: f"Processing Center {n}")


class UserFactory(DjangoModelFactory):
    """A user with no staff profile: signed in, but allowed to do nothing."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov")
    password = factory.django.Password(STAFF_PASSWORD)


class StaffProfileFactory(DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    office = factory.SubFactory(FieldOfficeFactory)
    job_title = "Deportation Officer"


class StaffFactory(UserFactory):
    """A user with a staff profile. ``StaffFactory(supervisor=True, office=...)``; the default is
    an officer of a new field office."""

    class Params:
        role = Role.OFFICER
        # Auditors work across offices (StaffProfile's constraint); everyone else has one.
        office = factory.LazyAttribute(
            lambda o: None if o.role == Role.AUDITOR else FieldOfficeFactory()
        )
        job_title = "Deportation Officer"
        officer = factory.Trait(role=Role.OFFICER, job_title="Deportation Officer")
        supervisor = factory.Trait(
            role=Role.SUPERVISOR, job_title="Supervisory Detention and Deportation Officer"
        )
        auditor = factory.Trait(role=Role.AUDITOR, job_title="Records Auditor")

    is_staff = factory.LazyAttribute(lambda o: o.role == Role.SUPERVISOR)
    profile = factory.RelatedFactory(
        StaffProfileFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        office=factory.SelfAttribute("..office"),
        job_title=factory.SelfAttribute("..job_title"),
    )


def make_officer(office: FieldOffice | None = None, **kwargs):
    return StaffFactory(officer=True, office=office or FieldOfficeFactory(), **kwargs)


def make_supervisor(office: FieldOffice | None = None, **kwargs):
    return StaffFactory(supervisor=True, office=office or FieldOfficeFactory(), **kwargs)


def make_auditor(**kwargs):
    return StaffFactory(auditor=True, **kwargs)


class NoticeVersionFactory(DjangoModelFactory):
    """A notice version with its SHA-256 computed the way the model verifies it."""

    class Meta:
        model = NoticeVersion
        django_get_or_create = ("language", "version")

    language = "en"
    version = factory.Sequence(lambda n: f"test-{n}")
    title = "Your choice for your children"
    body = "The officer must ask you what you want for each of your children."
    option_reunify = "Take my child with me."
    option_waive = "Leave my child in the United States."
    option_consult = "Speak with a lawyer before I decide."
    legal_help = "The officer will give you a list of free legal service providers."
    is_current = True
    sha256 = factory.LazyAttribute(
        lambda o: NoticeVersion(
            **{name: getattr(o, name) for name in NoticeVersion.CONTENT_FIELDS}
        ).compute_sha256()
    )


# --- people ---------------------------------------------------------------------------------

PARENT_NAMES = [
    "María Guadalupe Pérez López",
    "José Antonio Hernández Cruz",
    "Ana Lucía Ramírez Morales",
    "Juan Carlos Martínez Reyes",
    "Rosa Elena García Ordóñez",
    "Edwin Rolando Chávez Tzul",
    "Dina Marisol Castillo Aguilar",
    "Santos Ernesto Mejía Flores",
]
CHILD_NAMES = [
    "Emily Sofía",
    "Kevin Josué",
    "Ashley Nicole",
    "Brayan Alexander",
    "Génesis Abigail",
    "Jefferson David",
    "Dayana Michelle",
    "Anderson Javier",
]


class ParentFactory(DjangoModelFactory):
    class Meta:
        model = Parent
        django_get_or_create = ("a_number",)

    a_number = factory.Sequence(lambda n: f"A{201_000_000 + n:09d}")
    full_name = factory.Sequence(lambda n: PARENT_NAMES[n % len(PARENT_NAMES)])
    date_of_birth = factory.LazyFunction(lambda: birthday_years_ago(31, days=97))
    country_of_citizenship = "GT"
    primary_language = "es"


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    a_number = factory.Sequence(lambda n: f"A{221_000_000 + n:09d}")
    full_name = factory.Sequence(lambda n: f"{CHILD_NAMES[n % len(CHILD_NAMES)]} Pérez")
    date_of_birth = factory.LazyFunction(lambda: birthday_years_ago(9, days=40))
    location_kind = ChildLocationKind.ORR_SHELTER
    location_name = "Casa Esperanza shelter, San Benito, Texas"


class ParentChildFactory(DjangoModelFactory):
    class Meta:
        model = ParentChild

    parent = factory.SubFactory(ParentFactory)
    child = factory.SubFactory(ChildFactory)
    relationship = Relationship.MOTHER
    evidence = RelationshipEvidence.BIRTH_CERTIFICATE
    evidence_note = "Guatemalan birth certificate seen, registry number 1234-5678"


class ChildDataFactory(factory.Factory):
    """What the officer types on the children step (``services.ChildData``)."""

    class Meta:
        model = services.ChildData

    full_name = factory.Sequence(lambda n: f"{CHILD_NAMES[n % len(CHILD_NAMES)]} Pérez {n}")
    date_of_birth = factory.Sequence(lambda n: birthday_years_ago(4 + n % 12, days=n % 300))
    a_number = factory.Sequence(lambda n: f"A{231_000_000 + n:09d}")
    location_kind = ChildLocationKind.ORR_SHELTER
    location_name = "Casa Esperanza shelter, San Benito, Texas"
    relationship = Relationship.MOTHER
    evidence = RelationshipEvidence.BIRTH_CERTIFICATE
    evidence_note = "Birth certificate in the ORR case file"


parent_data = staging.parent_data


# --- elections ------------------------------------------------------------------------------


def default_interpreter(language: str, delivery_mode: str) -> services.InterpreterData | None:
    """The interpreter a delivery mode needs, interpreting into the parent's language (R4)."""
    if delivery_mode not in (
        DeliveryMode.INTERPRETER_IN_PERSON,
        DeliveryMode.INTERPRETER_TELEPHONE,
    ):
        return None
    telephone = delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
    return services.InterpreterData(
        full_name="Lucía Ixcoy Tambriz",
        id_or_employer="Language services contractor, badge 40211",
        language=language,
        operator_id="OP-77310" if telephone else "",
    )


class ElectionFactory(DjangoModelFactory):
    """An election built through the services, up to ``stage``.

    The parent speaks ``language``; the notice is in that language when there is one, otherwise
    Spanish through an interpreter. ``decisions`` is one decision for every child or a list, one
    per child; ``parent_signs`` is a ``SignatureMethod`` (``refused``/``unable`` record no
    election, R12). The project's notices are loaded if they are not yet.
    """

    class Meta:
        model = Election

    class Params:
        draft = factory.Trait(stage="started")
        ready = factory.Trait(stage="ready")
        submitted = factory.Trait(stage="submitted")

    office = factory.SubFactory(FieldOfficeFactory)
    presented_by = factory.SubFactory(
        StaffFactory, officer=True, office=factory.SelfAttribute("..office")
    )
    witness = factory.SubFactory(
        StaffFactory, officer=True, office=factory.SelfAttribute("..office")
    )
    facility = factory.SubFactory(FacilityFactory, office=factory.SelfAttribute("..office"))
    parent = factory.LazyAttribute(lambda o: ParentFactory.build(primary_language=o.language))

    # Not model fields: how far to go and what happens on the way (popped in _create).
    stage = "started"
    language = "es"
    notice_language = factory.LazyAttribute(
        lambda o: o.language if o.language in ("en", "es") else "es"
    )
    delivery_mode = factory.LazyAttribute(
        lambda o: (
            DeliveryMode.PARENT_READ
            if o.notice_language == o.language
            else DeliveryMode.INTERPRETER_IN_PERSON
        )
    )
    interpreter = factory.LazyAttribute(lambda o: default_interpreter(o.language, o.delivery_mode))
    children = factory.LazyAttribute(lambda o: [ChildDataFactory()])
    decisions = Decision.REUNIFY
    legal_contact = "Free legal service providers list (EOIR), given on paper by the officer"
    parent_signs = SignatureMethod.DRAWN
    refusal_reason = "The parent said they will not sign any paper without a lawyer."
    identity_method = IdentityMethod.FINGERPRINTS
    identity_document = "IDENT fingerprint match to the booking record"

    EXTRA = (
        "stage",
        "language",
        "notice_language",
        "delivery_mode",
        "interpreter",
        "children",
        "decisions",
        "legal_contact",
        "parent_signs",
        "refusal_reason",
        "identity_method",
        "identity_document",
        "witness",
        "facility",
    )

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        for name in cls.EXTRA:
            kwargs.pop(name, None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        options = {name: kwargs.pop(name) for name in cls.EXTRA}
        return build_election(
            office=kwargs["office"],
            officer=kwargs["presented_by"],
            parent=kwargs["parent"],
            **options,
        )


def build_election(
    *,
    office,
    officer,
    parent,
    stage="started",
    witness=None,
    facility=None,
    notice_language="es",
    delivery_mode=DeliveryMode.PARENT_READ,
    interpreter=None,
    children=(),
    decisions=Decision.REUNIFY,
    legal_contact="",
    parent_signs=SignatureMethod.DRAWN,
    refusal_reason="",
    identity_method=IdentityMethod.FINGERPRINTS,
    identity_document="IDENT fingerprint match",
    password=STAFF_PASSWORD,
    **_ignored,
) -> Election:
    """Walk the officer's flow through the services up to ``stage`` (``staging.election_build``);
    return the election as the rules read it."""
    if not NoticeVersion.objects.filter(language="en", is_current=True).exists():
        load_project_notices()
    if facility is None and staging.stage_reached(stage, "parent"):
        facility = FacilityFactory(office=office)
    plan = staging.ElectionPlan(
        parent=parent_data(parent),
        signature_image=lambda role: signature_image(SIGNATURE_SEEDS[role]),
        facility=facility,
        identity_method=identity_method,
        identity_document=identity_document,
        children=children,
        notice_language=notice_language,
        delivery_mode=delivery_mode,
        interpreter=interpreter,
        witness=witness,
        decisions=decisions,
        legal_contact=legal_contact,
        parent_signs=parent_signs,
        refusal_reason=refusal_reason,
        password=password,
    )
    return staging.election_build(actor=officer, plan=plan, stage=stage)


def record_decisions(election, actor, decisions, *, legal_contact: str = "") -> Election:
    """The parent's choices: one decision for all children, or a list, one per child."""
    election = fresh(election)
    staging.record_decisions(
        election, actor=actor, decisions=decisions, legal_contact=legal_contact
    )
    return fresh(election)


def fresh(election: Election) -> Election:
    """The election re-read with everything the rules look at, as the workflow reads it."""
    return election_queryset_for_rules().get(pk=election.pk)


def snapshot(election: Election) -> str:
    """Everything stored about an election, to compare before and after a refused change."""
    election = fresh(election)
    rows = {
        "election": {
            f.attname: str(getattr(election, f.attname)) for f in Election._meta.concrete_fields
        },
        "parent": {
            f.attname: str(getattr(election.parent, f.attname)) for f in Parent._meta.fields
        },
        "covered": [
            [str(item.child_id), item.decision, str(item.decided_at)]
            for item in election.covered.all()
        ],
        "children": sorted(
            [str(c.pk), c.full_name, str(c.date_of_birth)]
            for c in Child.objects.filter(parent_links__parent=election.parent)
        ),
        "signatures": sorted(
            [s.role, s.method, s.printed_name, str(s.signed_at)] for s in election.signatures.all()
        ),
        "interpreter": str(getattr(election, "interpreter", None)),
        "history": Election.history.filter(id=election.pk).count(),
    }
    return json.dumps(rows, sort_keys=True)
