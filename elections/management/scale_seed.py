"""``seed_scale``: realistic elections in bulk, for benchmarks and for trying the product at size.

What it writes, per batch of elections and in one transaction per batch, with ``bulk_create``
(no ``save()``, no signals, no per-row password hashing):

- the parents (names from ``scale_names``' frequency lists), their 1-4 children and the
  relationship rows; the elections with every child covered, the decisions, the signatures and,
  when the notice was interpreted, the interpreter;
- the history of each of those rows, written here as simple-history would have written it event
  by event (``election started``, ``parent identity verified``, ``notice shown to the parent``,
  ``parent chose reunify``, ``submitted for approval``, ``approved``...), with the accountable
  user and the performer of each event, so a record's history page reads like a real one.

The reference data comes first, once: 20 field offices in their own time zones with two
detention facilities and legal service providers each, 400 officers (20 per office), 40
supervisors (2 per office) and 10 auditors, every account with the same password hashed once.

Statuses in the proportions of a service in use for two years (``PROFILES``): most elections
approved (some with a consult pending, some after a return and a correction), some superseded by
the approved election that replaced them, some submitted, returned, void, and drafts at every
step of the officer's flow. The open ones are recent; the closed ones spread over two years, at
office hours in the office's time zone. Flags in proportion too: telephone interpreters, fast
decisions (acknowledged at approval), relationships not yet verified, parents who refused to sign.

Order of insertion, so that no guard or PostgreSQL trigger (migration 0003) is bypassed: a
locked (approved, superseded, void) election's rows may not be added once it is locked, so each
batch inserts the children covered, signatures and interpreters first, then the elections
already in their final status. Foreign keys are checked at commit (Django creates them
``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL and SQLite), so this order is valid.

Sealed records: approval seals a PDF in the approval's transaction; making 70,000 PDFs would take
hours. ``seed_scale`` writes no ``SealedRecord`` rows: its approved and superseded elections are
shown from their rows, as every page already does for an election with no sealed record (see
``records.sealed_state.election_as_shown``), the auditor's record page says it has no sealed PDF
and the PDF link answers 404. They are test data, not records, and read as such.
"""

import hashlib
import json
import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation

from elections import services
from elections.constants import (
    Decision,
    DeliveryMode,
    IdentityMethod,
    Performer,
    Relationship,
    RelationshipEvidence,
    Role,
    SignatureMethod,
    SignatureRole,
    Status,
)
from elections.management import scale_names as names
from elections.models import (
    Child,
    Election,
    ElectionChild,
    Facility,
    FieldOffice,
    Interpreter,
    LegalServiceProvider,
    NoticeVersion,
    Parent,
    ParentChild,
    Signature,
    StaffProfile,
)
from elections.names import search_key

USERNAME_PREFIX = "scale-"
OFFICERS_PER_OFFICE = 20
SUPERVISORS_PER_OFFICE = 2
AUDITORS = 10
HISTORY_DAYS = 730
OPEN_DAYS = 21

# ICE's field offices (without El Paso and San Antonio, which seed_demo uses).
OFFICES = [
    ("ATL", "Atlanta Field Office", "America/New_York"),
    ("BAL", "Baltimore Field Office", "America/New_York"),
    ("BOS", "Boston Field Office", "America/New_York"),
    ("BUF", "Buffalo Field Office", "America/New_York"),
    ("CHI", "Chicago Field Office", "America/Chicago"),
    ("DAL", "Dallas Field Office", "America/Chicago"),
    ("DEN", "Denver Field Office", "America/Denver"),
    ("DET", "Detroit Field Office", "America/Detroit"),
    ("HLG", "Harlingen Field Office", "America/Chicago"),
    ("HOU", "Houston Field Office", "America/Chicago"),
    ("LOS", "Los Angeles Field Office", "America/Los_Angeles"),
    ("MIA", "Miami Field Office", "America/New_York"),
    ("NOL", "New Orleans Field Office", "America/Chicago"),
    ("NYC", "New York City Field Office", "America/New_York"),
    ("NEW", "Newark Field Office", "America/New_York"),
    ("PHI", "Philadelphia Field Office", "America/New_York"),
    ("PHO", "Phoenix Field Office", "America/Phoenix"),
    ("SND", "San Diego Field Office", "America/Los_Angeles"),
    ("SEA", "Seattle Field Office", "America/Los_Angeles"),
    ("SLC", "Salt Lake City Field Office", "America/Denver"),
]
OFFICE_CODES = [code for code, _name, _tz in OFFICES]

# (profile, weight): what happened to one family's election. "supersede" is two elections.
PROFILES = [
    ("approved", 600),
    ("approved_consult", 40),
    ("approved_after_return", 40),
    ("supersede", 35),
    ("submitted", 75),
    ("submitted_after_return", 10),
    ("submitted_refused", 8),
    ("returned", 30),
    ("void", 20),
    ("draft", 110),
]
DRAFT_STAGES = [("started", 3), ("children", 3), ("notice", 2), ("decided", 2), ("signed", 1),
                ("ready", 2)]  # fmt: skip
STAGE_ORDER = ["started", "children", "notice", "decided", "signed", "ready", "submitted"]

RETURN_REASONS = [
    "The document checked for the parent's identity is not named: write its type and number.",
    "The relationship evidence for the second child is not described; add what was seen.",
    "The interpreter's ID number is missing.",
    "The child's placement is not the one in the ORR case file; check it with the parent.",
]
VOID_REASONS = [
    "Started for the wrong parent: the A-number belongs to another detainee.",
    "Duplicate: the election was already being recorded on another tablet.",
    "The parent was transferred before the notice was given.",
]
IDENTITY_DOCUMENTS = {
    IdentityMethod.FINGERPRINTS: "IDENT fingerprint match to the booking record",
    IdentityMethod.PHOTO_ID: "National identity card (DPI/DUI) seen",
    IdentityMethod.BOOKING_PHOTO: "Booking photograph compared with the detainee",
    IdentityMethod.CONSULAR_DOCUMENT: "Consular identity document issued by the consulate",
}
EVIDENCE_NOTES = {
    RelationshipEvidence.BIRTH_CERTIFICATE: "Birth certificate from the national registry seen",
    RelationshipEvidence.DNA: "Rapid DNA result in the ORR case file",
    RelationshipEvidence.ORR_RECORD: "ORR case manager confirmed the parent named by the child",
    RelationshipEvidence.CONSISTENT_STATEMENTS: "Parent and child named each other separately",
    RelationshipEvidence.NOT_VERIFIED: "",
}
EVIDENCE = [
    (RelationshipEvidence.BIRTH_CERTIFICATE, 45),
    (RelationshipEvidence.ORR_RECORD, 30),
    (RelationshipEvidence.CONSISTENT_STATEMENTS, 15),
    (RelationshipEvidence.DNA, 6),
    (RelationshipEvidence.NOT_VERIFIED, 4),
]
LEGAL_CONTACT = (
    "List of free legal service providers for this facility, given on paper; the parent was "
    "shown how to call them from the housing unit telephone."
)
REFUSAL_REASON = (
    "The parent said they want their child with them but will not sign any paper before "
    "talking to a lawyer."
)
INTERPRETER_SERVICES = [
    "Contract telephone interpretation service, ID {n}",
    "Mayan Languages Interpreting Cooperative, badge {n}",
    "Court-certified interpreter, registry no. {n}",
]
FACILITIES = ["Processing Center", "Detention Center", "County Jail"]
STAFF_FIRST = ["Laura", "Marcus", "Diane", "Daniel", "Karen", "Robert", "Priya", "Luis",
               "Angela", "Kevin", "Maribel", "Thomas", "Sarah", "Jorge", "Michelle", "David",
               "Rosa", "James", "Teresa", "Brian"]  # fmt: skip
STAFF_LAST = ["Benítez", "Reed", "Okafor", "Trujillo", "Whitfield", "Castañeda", "Natarajan",
              "Nguyen", "Johnson", "Martínez", "O'Brien", "Kowalski", "Washington", "Ibarra",
              "Chen", "Murphy", "Alvarado", "Schmidt", "Patel", "Brooks"]  # fmt: skip
# The share of parents' children whose A-number the case system has.
CHILD_A_NUMBER_SHARE = 0.8


def scale_usernames() -> dict[str, list[str]]:
    """The accounts seed_scale creates, by role, in the order they are made."""
    officers = [
        f"{USERNAME_PREFIX}officer-{code.lower()}-{n:02d}"
        for code in OFFICE_CODES
        for n in range(1, OFFICERS_PER_OFFICE + 1)
    ]
    supervisors = [
        f"{USERNAME_PREFIX}supervisor-{code.lower()}-{n}"
        for code in OFFICE_CODES
        for n in range(1, SUPERVISORS_PER_OFFICE + 1)
    ]
    auditors = [f"{USERNAME_PREFIX}auditor-{n:02d}" for n in range(1, AUDITORS + 1)]
    return {Role.OFFICER: officers, Role.SUPERVISOR: supervisors, Role.AUDITOR: auditors}


def parent_a_number(index: int) -> str:
    """Parent ``index``'s A-number: A3 and eight digits, a permutation of the index (unique)."""
    return f"A3{(index * 73_939_133 + 19_283_746) % 100_000_000:08d}"


def child_a_number(index: int) -> str:
    return f"A4{(index * 91_234_567 + 7_654_321) % 100_000_000:08d}"


class AlreadySeeded(Exception):
    pass


def already_seeded() -> int:
    """How many seed_scale accounts exist (0 on a database it has not run on)."""
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).count()


@contextmanager
def stamps_as_given():
    """Let bulk_create keep the created/updated times given, instead of now."""
    fields = [
        Election._meta.get_field("created_at"),
        Election._meta.get_field("updated_at"),
        Parent._meta.get_field("created_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- History rows ---------------------------------------------------------------------------

_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "history_performed_by",
    "history_performer_name",
    "history_session_user_id",
}
_TRACKED: dict[type, list[str]] = {}
_HISTORY_MODELS: dict[type, type] = {}


def history_model(model):
    """The historical model of ``model`` (reading ``model.history`` builds a manager each time)."""
    if model not in _HISTORY_MODELS:
        _HISTORY_MODELS[model] = model.history.model
    return _HISTORY_MODELS[model]


def tracked_fields(model) -> list[str]:
    if model not in _TRACKED:
        fields = history_model(model)._meta.fields
        _TRACKED[model] = [f.attname for f in fields if f.attname not in _HISTORY_OWN]
    return _TRACKED[model]


def values_of(obj) -> dict:
    return {name: getattr(obj, name) for name in tracked_fields(type(obj))}


def history_row(model, values: dict, *, at, kind="+", reason="", user, performer, session=None,
                performer_name=""):  # fmt: skip
    return history_model(model)(
        **values,
        history_date=at,
        history_type=kind,
        history_change_reason=reason,
        history_user_id=user,
        history_performed_by=performer,
        history_performer_name=performer_name,
        history_session_user_id=user if session is None else session,
    )


# --- Reference data ---------------------------------------------------------------------------


@dataclass
class Staff:
    id: int
    name: str


@dataclass
class Reference:
    offices: list[FieldOffice]
    facilities: dict[int, list[int]]
    officers: dict[int, list[Staff]]
    supervisors: dict[int, list[Staff]]
    notice_en: NoticeVersion
    notice_es: NoticeVersion
    signatures: list[tuple[bytes, str]]
    meanings: dict[tuple[str, str], tuple[str, str]]


def make_reference(
    *, password: str, rng: random.Random, write, load_notices, signature_image
) -> Reference:
    load_notices()
    notice_en = NoticeVersion.objects.filter(language="en", is_current=True).order_by("-pk")[0]
    notice_es = NoticeVersion.objects.filter(language="es", is_current=True).order_by("-pk")[0]
    NoticeVersion.objects.filter(
        pk__in=[notice_en.pk, notice_es.pk], first_shown_at__isnull=True
    ).update(first_shown_at=timezone.now() - timedelta(days=HISTORY_DAYS + 1))

    offices = FieldOffice.objects.bulk_create(
        [FieldOffice(code=code, name=name, time_zone=tz) for code, name, tz in OFFICES]
    )
    offices = list(FieldOffice.objects.filter(code__in=OFFICE_CODES).order_by("code"))
    facilities = Facility.objects.bulk_create(
        [
            Facility(office=office, name=f"{office.name.removesuffix(' Field Office')} {kind}")
            for office in offices
            for kind in FACILITIES[:2]
        ]
    )
    LegalServiceProvider.objects.bulk_create(
        [
            LegalServiceProvider(
                office=office,
                name=f"{office.name.removesuffix(' Field Office')} {label} (demo)",
                telephone=f"(555) 555-01{n:02d}",
                languages=languages,
                order=order,
            )
            for n, office in enumerate(offices)
            for order, (label, languages) in enumerate(
                [
                    ("Immigrant Legal Aid", ["en", "es"]),
                    ("Red Maya de Defensa Legal", ["es", "mam", "quc", "kjb"]),
                ],
                start=1,
            )
        ]
    )
    by_office_facilities: dict[int, list[int]] = {}
    for facility in facilities:
        by_office_facilities.setdefault(facility.office_id, []).append(facility.pk)

    # One hash for every account: hashing is what made seed_demo slow.
    encoded = make_password(password)
    User = get_user_model()
    usernames = scale_usernames()
    users, profiles = [], []
    office_by_code = {office.code: office for office in offices}
    for role, names_of_role in usernames.items():
        for username in names_of_role:
            users.append(
                User(
                    username=username,
                    first_name=STAFF_FIRST[rng.randrange(len(STAFF_FIRST))],
                    last_name=STAFF_LAST[rng.randrange(len(STAFF_LAST))],
                    email=f"{username}@formsvc.example",
                    is_staff=role == Role.SUPERVISOR,
                    password=encoded,
                )
            )
    User.objects.bulk_create(users, batch_size=500)
    created = {u.username: u for u in User.objects.filter(username__startswith=USERNAME_PREFIX)}
    officers: dict[int, list[Staff]] = {}
    supervisors: dict[int, list[Staff]] = {}
    titles = {
        Role.OFFICER: "Deportation Officer",
        Role.SUPERVISOR: "Supervisory Detention and Deportation Officer",
        Role.AUDITOR: "Records Compliance Auditor",
    }
    for role, names_of_role in usernames.items():
        for username in names_of_role:
            user = created[username]
            office = None
            if role != Role.AUDITOR:
                office = office_by_code[username.split("-")[2].upper()]
                target = officers if role == Role.OFFICER else supervisors
                target.setdefault(office.pk, []).append(
                    Staff(user.pk, f"{user.first_name} {user.last_name}")
                )
            profiles.append(
                StaffProfile(user=user, role=role, office=office, job_title=titles[role])
            )
    StaffProfile.objects.bulk_create(profiles, batch_size=500)
    now = timezone.now()
    for model, rows in ((StaffProfile, profiles), (FieldOffice, offices)):
        history_model(model).objects.bulk_create(
            [history_row(model, values_of(row), at=now, user=None, performer="") for row in rows],
            batch_size=500,
        )
    write(f"{len(offices)} field offices, {len(users)} accounts (one password hash)")

    meanings = {}
    for role, text in services.SIGNATURE_MEANINGS.items():
        for language in ("en", "es"):
            with translation.override("en"):
                english = str(text)
            with translation.override(language):
                meanings[(role, language)] = (english, str(text))
    for language in ("en", "es"):
        with translation.override("en"):
            english = str(services.PARENT_NO_SIGNATURE_MEANING)
        with translation.override(language):
            meanings[("refused", language)] = (english, str(services.PARENT_NO_SIGNATURE_MEANING))
    images = [signature_image(random.Random(n)) for n in range(12)]
    return Reference(
        offices=offices,
        facilities=by_office_facilities,
        officers=officers,
        supervisors=supervisors,
        notice_en=notice_en,
        notice_es=notice_es,
        signatures=images,
        meanings=meanings,
    )


# --- One batch of elections ---------------------------------------------------------------------


@dataclass
class Batch:
    parents: list = field(default_factory=list)
    children: list = field(default_factory=list)
    links: list = field(default_factory=list)
    elections: list = field(default_factory=list)
    covered: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    interpreters: list = field(default_factory=list)
    history: dict = field(default_factory=dict)
    # History of rows whose id the database gives: (model, row, overrides, history_row kwargs).
    later: list = field(default_factory=list)

    def log(self, model, row) -> None:
        self.history.setdefault(model, []).append(row)

    def log_later(self, model, row, overrides=None, **kwargs) -> None:
        self.later.append((model, row, overrides or {}, kwargs))

    def write(self, batch_size: int = 2000) -> None:
        """One transaction; the rows of an election before the election (module docstring)."""
        with transaction.atomic():
            Parent.objects.bulk_create(self.parents, batch_size=batch_size)
            Child.objects.bulk_create(self.children, batch_size=batch_size)
            ParentChild.objects.bulk_create(self.links, batch_size=batch_size)
            ElectionChild.objects.bulk_create(self.covered, batch_size=batch_size)
            Signature.objects.bulk_create(self.signatures, batch_size=batch_size)
            Interpreter.objects.bulk_create(self.interpreters, batch_size=batch_size)
            # Within a batch, a replaced election before the one that replaces it.
            Election.objects.bulk_create(self.elections, batch_size=batch_size)
            for model, row, overrides, kwargs in self.later:
                self.log(model, history_row(model, {**values_of(row), **overrides}, **kwargs))
            for model, rows in self.history.items():
                history_model(model).objects.bulk_create(rows, batch_size=batch_size)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _office_hours(rng: random.Random, day: date, tz: ZoneInfo) -> datetime:
    """A moment of a working day at the office (07:00-18:59 local), in UTC."""
    local = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59),
                     rng.randint(0, 59), rng.randint(0, 999_999), tzinfo=tz)  # fmt: skip
    return local.astimezone(UTC)


def _years_before(today: date, years: int, days: int) -> date:
    try:
        born = today.replace(year=today.year - years)
    except ValueError:
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


def consent_digest(election: Election, covered: list, children: dict) -> str:
    """``rules.parent_consent_digest`` from the rows in memory (no query)."""

    def notice(version):
        return None if version is None else [str(version.pk), version.language, version.sha256]

    facts = {
        "election": str(election.pk),
        "notice": notice(election.notice_version),
        "notice_en": notice(election.notice_version_en),
        "language": election.notice_language,
        "delivery": election.delivery_mode,
        "children": sorted(
            [str(item.child_id), children[item.child_id].full_name, item.decision or ""]
            + [item.decided_at.isoformat() if item.decided_at else ""]
            for item in covered
        ),
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Generator:
    """Draws families and their elections, deterministically from ``seed``."""

    def __init__(self, reference: Reference, *, seed: int, now: datetime):
        self.ref = reference
        self.rng = random.Random(seed)
        self.now = now
        self.parent_index = 0
        self.child_index = 0
        self.profiles = names.Weighted(PROFILES)
        self.stages = names.Weighted(DRAFT_STAGES)
        self.evidence = names.Weighted(EVIDENCE)

    # -- people --

    def parent(self, batch: Batch, office, officer: Staff, at: datetime):
        rng = self.rng
        country, language = names.ORIGINS.draw(rng)
        woman = rng.random() < 0.62
        if country in names.OTHER_NAMES:
            given, surname = names.other_name(rng, country, woman)
            full_name = f"{given} {surname}"
            child_surname = surname
        else:
            given = names.given_names(rng, woman)
            first, second = names.hispanic_surnames(rng, mayan=language not in ("es", "en"))
            full_name = f"{given} {first} {second}"
            # The children's second surname is the other parent's.
            other, _unused = names.hispanic_surnames(rng)
            child_surname = f"{first} {other}" if not woman else f"{other} {first}"
        today = at.date()
        parent = Parent(
            id=_uuid(rng),
            a_number=parent_a_number(self.parent_index),
            full_name=full_name,
            search_name=search_key(full_name),
            date_of_birth=_years_before(today, rng.randint(20, 48), rng.randint(0, 364)),
            country_of_citizenship=country,
            primary_language=language,
            created_at=at,
        )
        self.parent_index += 1
        batch.parents.append(parent)
        batch.log(
            Parent,
            history_row(
                Parent,
                values_of(parent),
                at=at,
                reason="parent recorded",
                user=officer.id,
                performer=Performer.STAFF,
            ),  # fmt: skip
        )
        count = rng.choices((1, 2, 3, 4), weights=(45, 33, 15, 7))[0]
        children, used = [], set()
        relationship = Relationship.MOTHER if woman else Relationship.FATHER
        if rng.random() < 0.02:
            relationship = Relationship.LEGAL_GUARDIAN
        for _n in range(count):
            girl = rng.random() < 0.5
            first_name = names.child_given_name(rng, girl, used)
            used.add(first_name)
            kind, place = names.PLACE.draw(rng)
            name = f"{first_name} {child_surname}"
            child = Child(
                id=_uuid(rng),
                a_number=(
                    child_a_number(self.child_index)
                    if rng.random() < CHILD_A_NUMBER_SHARE
                    else None
                ),
                full_name=name,
                search_name=search_key(name),
                date_of_birth=_years_before(today, rng.randint(0, 17), rng.randint(1, 364)),
                location_kind=kind,
                location_name=place,
            )
            self.child_index += 1
            evidence = self.evidence.draw(rng)
            link = ParentChild(
                parent_id=parent.id,
                child_id=child.id,
                relationship=relationship,
                evidence=evidence,
                evidence_note=EVIDENCE_NOTES[evidence],
            )
            batch.children.append(child)
            batch.links.append(link)
            batch.log(
                Child,
                history_row(
                    Child,
                    values_of(child),
                    at=at,
                    reason="child recorded",
                    user=officer.id,
                    performer=Performer.STAFF,
                ),  # fmt: skip
            )
            children.append((child, link))
        return parent, children

    # -- one family --

    def family(self, batch: Batch, *, pair_allowed: bool = True) -> int:
        """One family's election(s); returns how many elections were written."""
        rng = self.rng
        profile = self.profiles.draw(rng)
        if profile == "supersede" and not pair_allowed:
            profile = "approved"
        office = self.ref.offices[rng.randrange(len(self.ref.offices))]
        tz = ZoneInfo(office.time_zone)
        team = self.ref.officers[office.pk]
        officer, witness = rng.sample(team, 2)
        supervisor = rng.choice(self.ref.supervisors[office.pk])
        is_open = profile.startswith(("submitted", "returned", "draft"))
        days_ago = rng.randint(0, OPEN_DAYS) if is_open else rng.randint(3, HISTORY_DAYS)
        day = (self.now - timedelta(days=days_ago)).astimezone(tz).date()
        start = _office_hours(rng, day, tz)
        if start > self.now - timedelta(hours=6):
            start = self.now - timedelta(hours=rng.randint(6, 48))
        parent, children = self.parent(batch, office, officer, start)
        stage = "submitted"
        if profile == "draft":
            stage = self.stages.draw(rng)
        elif profile == "void":
            stage = rng.choice(["started", "children", "notice"])
        consult = profile in ("approved_consult", "supersede") or (
            profile in ("submitted", "draft") and rng.random() < 0.06
        )
        first = self.election(
            batch,
            office=office,
            parent=parent,
            children=children,
            officer=officer,
            witness=witness,
            supervisor=supervisor,
            start=start,
            stage=stage,
            profile=profile,
            consult=consult,
        )
        if profile != "supersede":
            return 1
        # The parent spoke with a lawyer: a new election replaces the approved consult.
        later = first.approved_at + timedelta(days=rng.randint(2, 30))
        later = _office_hours(rng, later.astimezone(tz).date(), tz)
        later = min(later, self.now - timedelta(hours=2))
        later = max(later, first.approved_at + timedelta(hours=1))
        self.election(
            batch,
            office=office,
            parent=parent,
            children=children,
            officer=officer,
            witness=witness,
            supervisor=supervisor,
            start=later,
            stage="submitted",
            profile="approved",
            consult=False,
            replaces=first,
        )
        return 2

    def election(self, batch, *, office, parent, children, officer, witness, supervisor, start,
                 stage, profile, consult, replaces=None) -> Election:  # fmt: skip
        rng = self.rng
        ref = self.ref
        reached = STAGE_ORDER.index(stage)
        language = parent.primary_language
        interpreted = language not in ("es", "en")
        notice_language = (
            "en" if language == "en" or language in ("ht", "pt", "pa", "ro", "ar") else "es"
        )
        if interpreted:
            delivery = rng.choices(
                [DeliveryMode.INTERPRETER_TELEPHONE, DeliveryMode.INTERPRETER_IN_PERSON],
                weights=(70, 30),
            )[0]
        else:
            delivery = rng.choices(
                [DeliveryMode.PARENT_READ, DeliveryMode.OFFICER_READ], weights=(70, 30)
            )[0]
        method = rng.choice(list(IdentityMethod))
        election = Election(
            id=_uuid(rng),
            office_id=office.pk,
            facility_id=rng.choice(ref.facilities[office.pk]),
            parent_id=parent.id,
            status=Status.DRAFT,
            presented_by_id=officer.id,
            created_at=start,
            identity_method=method,
            identity_document=IDENTITY_DOCUMENTS[method],
            identity_verified_by_id=officer.id,
            identity_verified_at=start + timedelta(minutes=rng.uniform(1, 6)),
            supersedes=replaces,
        )
        t = election.identity_verified_at
        if reached >= STAGE_ORDER.index("notice"):
            election.notice_language = notice_language
            election.notice_version = ref.notice_es if notice_language == "es" else ref.notice_en
            election.notice_version_en = ref.notice_en if notice_language == "es" else None
            election.delivery_mode = delivery
            election.witness_id = witness.id
            election.notice_delivered_at = t + timedelta(minutes=rng.uniform(4, 12))
        fast = rng.random() < 0.05
        decided_at = None
        if election.notice_delivered_at is not None:
            minutes = rng.uniform(8, 28) if fast else rng.uniform(32, 140)
            decided_at = election.notice_delivered_at + timedelta(minutes=minutes)
        covered = []
        child_rows = {}
        for position, (child, _link) in enumerate(children):
            child_rows[child.id] = child
            item = ElectionChild(election_id=election.id, child_id=child.id, position=position)
            if reached >= STAGE_ORDER.index("decided"):
                item.decision = (
                    Decision.CONSULT
                    if consult
                    else rng.choices([Decision.REUNIFY, Decision.WAIVE], weights=(78, 22))[0]
                )
                item.decided_at = decided_at + timedelta(seconds=rng.randint(0, 180) * position)
            covered.append(item)
        if consult and reached >= STAGE_ORDER.index("decided"):
            election.legal_contact_given = LEGAL_CONTACT
        # The events of the election's history: (time, reason, performer, user, updates).
        events = []
        added = start + timedelta(minutes=rng.uniform(0.5, 1))
        signed_at = None
        if reached >= STAGE_ORDER.index("notice"):
            events.append((election.notice_delivered_at - timedelta(minutes=1),
                           "notice, delivery and witness chosen", Performer.STAFF, officer.id,
                           ["notice_language", "notice_version_id", "notice_version_en_id",
                            "delivery_mode", "witness_id"]))  # fmt: skip
            events.append((election.notice_delivered_at, "notice shown to the parent",
                           Performer.PARENT, officer.id, ["notice_delivered_at"]))  # fmt: skip
        if election.legal_contact_given:
            events.append((decided_at, "legal contact recorded", Performer.STAFF, officer.id,
                           ["legal_contact_given"]))  # fmt: skip
        interpreter = None
        if interpreted and reached >= STAGE_ORDER.index("notice"):
            telephone = delivery == DeliveryMode.INTERPRETER_TELEPHONE
            interpreter = Interpreter(
                election_id=election.id,
                full_name=" ".join(
                    [names.given_names(rng, rng.random() < 0.5), *names.hispanic_surnames(rng)]
                ),
                id_or_employer=rng.choice(INTERPRETER_SERVICES).format(n=rng.randint(100, 399999)),
                language=language,
                operator_id=f"OP-{rng.randint(10000, 99999)}" if telephone else "",
            )
            batch.interpreters.append(interpreter)
            batch.log_later(
                Interpreter, interpreter,
                            at=election.notice_delivered_at - timedelta(seconds=30),
                            reason="interpreter recorded", user=officer.id,
                            performer=Performer.STAFF)  # fmt: skip
        refused = profile == "submitted_refused"
        signatures = []
        if reached >= STAGE_ORDER.index("signed"):
            signed_at = max(item.decided_at for item in covered) + timedelta(
                minutes=rng.uniform(1, 4)
            )
            image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
            shown = election.notice_language
            key = "refused" if refused else SignatureRole.PARENT
            english, translated = ref.meanings[(key, shown)]
            signatures.append(
                (
                    Signature(
                        election_id=election.id,
                        role=SignatureRole.PARENT,
                        method=SignatureMethod.REFUSED if refused else SignatureMethod.DRAWN,
                        printed_name=parent.full_name,
                        image=None if refused else image,
                        image_sha256="" if refused else sha,
                        reason=REFUSAL_REASON if refused else "",
                        meaning=english,
                        meaning_translated=translated,
                        signed_at=signed_at,
                    ),
                    f"parent signature: {'refused' if refused else 'drawn'}",
                    Performer.PARENT,
                    officer.id,
                )
            )
            if interpreter is not None:
                telephone = delivery == DeliveryMode.INTERPRETER_TELEPHONE
                image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
                english, translated = ref.meanings[(SignatureRole.INTERPRETER, shown)]
                signatures.append(
                    (
                        Signature(
                            election_id=election.id,
                            role=SignatureRole.INTERPRETER,
                            method=SignatureMethod.TELEPHONE
                            if telephone
                            else SignatureMethod.DRAWN,
                            printed_name=interpreter.full_name,
                            signer_id=officer.id if telephone else None,
                            image=None if telephone else image,
                            image_sha256="" if telephone else sha,
                            reason=(
                                f"Attested by telephone, operator ID {interpreter.operator_id}"
                                if telephone
                                else ""
                            ),
                            meaning=english,
                            meaning_translated=translated,
                            signed_at=signed_at + timedelta(minutes=1),
                        ),
                        "interpreter attestation",
                        Performer.STAFF if telephone else Performer.INTERPRETER,
                        officer.id,
                    )
                )
        if reached >= STAGE_ORDER.index("ready"):
            for role, person, minutes in (
                (SignatureRole.WITNESS, witness, rng.uniform(2, 5)),
                (SignatureRole.OFFICER, officer, rng.uniform(6, 9)),
            ):
                image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
                english, _shown = ref.meanings[(role, "en")]
                signatures.append(
                    (
                        Signature(
                            election_id=election.id,
                            role=role,
                            method=SignatureMethod.DRAWN,
                            printed_name=person.name,
                            signer_id=person.id,
                            image=image,
                            image_sha256=sha,
                            password_confirmed=True,
                            meaning=english,
                            meaning_translated=english,
                            signed_at=signed_at + timedelta(minutes=minutes),
                        ),
                        f"{role} signed with password",
                        Performer.STAFF_PASSWORD,
                        person.id,
                    )
                )
        if signatures and signatures[0][0].method == SignatureMethod.DRAWN:
            signatures[0][0].covers_sha256 = consent_digest(election, covered, child_rows)
        # The supervisor's side.
        last = signatures[-1][0].signed_at if signatures else None
        if reached >= STAGE_ORDER.index("submitted"):
            submitted = last + timedelta(minutes=rng.uniform(1, 15))
            events.append((submitted, "submitted for approval", Performer.STAFF, officer.id,
                           {"status": Status.SUBMITTED, "submitted_at": submitted,
                            "submitted_by_id": officer.id}))  # fmt: skip
            election.status = Status.SUBMITTED
            election.submitted_at = submitted
            election.submitted_by_id = officer.id
            if profile in ("returned", "approved_after_return", "submitted_after_return"):
                returned = submitted + timedelta(hours=rng.uniform(1, 30))
                reason = rng.choice(RETURN_REASONS)
                election.status = Status.RETURNED
                election.returned_at = returned
                election.returned_by_id = supervisor.id
                election.return_reason = reason
                events.append((returned, f"returned: {reason}", Performer.STAFF, supervisor.id,
                               {"status": Status.RETURNED, "returned_at": returned,
                                "returned_by_id": supervisor.id,
                                "return_reason": reason}))  # fmt: skip
                if profile != "returned":
                    again = returned + timedelta(hours=rng.uniform(1, 20))
                    election.status = Status.SUBMITTED
                    election.submitted_at = again
                    events.append((again, "resubmitted after correction", Performer.STAFF,
                                   officer.id, {"status": Status.SUBMITTED,
                                                "submitted_at": again}))  # fmt: skip
            if profile.startswith("approved") or profile == "supersede":
                approved = election.submitted_at + timedelta(hours=rng.uniform(0.5, 40))
                approved = min(approved, self.now - timedelta(minutes=30))
                approved = max(approved, election.submitted_at + timedelta(minutes=5))
                warnings = []
                if fast:
                    n = int((max(i.decided_at for i in covered) - election.notice_delivered_at)
                            / timedelta(minutes=1))  # fmt: skip
                    warnings.append({"rule": "R13", "code": "fast_decision",
                                     "message": f"The parent decided {n} minutes after the "
                                     f"notice; the minimum is 30."})  # fmt: skip
                if delivery == DeliveryMode.INTERPRETER_TELEPHONE:
                    warnings.append({"rule": "R4", "code": "telephone_interpreter",
                                     "message": "The notice was interpreted by telephone."})  # fmt: skip
                for child, link in children:
                    if link.evidence == RelationshipEvidence.NOT_VERIFIED:
                        warnings.append({"rule": "R2", "code": "relationship_unverified",
                                         "message": f"The relationship to {child.full_name} "
                                         "is not verified."})  # fmt: skip
                from elections.workflow import APPROVAL_ATTESTATION

                with translation.override("en"):
                    attestation = str(APPROVAL_ATTESTATION)
                election.status = Status.APPROVED
                election.approved_at = approved
                election.approved_by_id = supervisor.id
                election.approval_attestation = attestation
                election.acknowledged_warnings = warnings
                events.append((approved, "approved", Performer.STAFF_PASSWORD, supervisor.id,
                               {"status": Status.APPROVED, "approved_at": approved,
                                "approved_by_id": supervisor.id,
                                "approval_attestation": attestation,
                                "acknowledged_warnings": warnings}))  # fmt: skip
        if profile == "void":
            voided = (election.notice_delivered_at or election.identity_verified_at) + timedelta(
                minutes=rng.uniform(3, 40)
            )
            reason = rng.choice(VOID_REASONS)
            election.status = Status.VOID
            election.voided_at = voided
            election.voided_by_id = officer.id
            election.void_reason = reason
            events.append((voided, f"voided: {reason}", Performer.STAFF, officer.id,
                           {"status": Status.VOID, "voided_at": voided, "voided_by_id": officer.id,
                            "void_reason": reason}))  # fmt: skip
        if replaces is not None:
            # The replaced election, approved until now, is superseded (allowed by the triggers
            # as a change of status, superseded_at and updated_at only; here written final).
            replaces.status = Status.SUPERSEDED
            replaces.superseded_at = election.approved_at
            replaces.updated_at = election.approved_at
            batch.log(
                Election,
                history_row(
                    Election,
                    values_of(replaces),
                    at=election.approved_at,
                    kind="~",
                    reason=f"superseded by {election.reference}",
                    user=supervisor.id,
                    performer=Performer.STAFF_PASSWORD,
                ),  # fmt: skip
            )
        # History of the election: from "started" to its last event, each row the state then.
        final = values_of(election)
        state = dict(final)
        state.update(
            status=Status.DRAFT, notice_language="", notice_version_id=None,
            notice_version_en_id=None, delivery_mode="", witness_id=None,
            notice_delivered_at=None, legal_contact_given="", submitted_at=None,
            submitted_by_id=None, returned_at=None, returned_by_id=None, return_reason="",
            approved_at=None, approved_by_id=None, approval_attestation="",
            acknowledged_warnings=[], voided_at=None, voided_by_id=None, void_reason="",
            superseded_at=None, identity_method="", identity_document="",
            identity_verified_by_id=None, identity_verified_at=None, updated_at=start,
        )  # fmt: skip
        opening = (
            f"election started to replace {replaces.reference}" if replaces else "election started"
        )
        rows = [history_row(Election, dict(state), at=start, reason=opening, user=officer.id,
                            performer=Performer.STAFF)]  # fmt: skip
        identity = ["identity_method", "identity_document", "identity_verified_by_id",
                    "identity_verified_at"]  # fmt: skip
        events.insert(0, (election.identity_verified_at, "parent identity verified",
                          Performer.STAFF, officer.id, identity))  # fmt: skip
        for at, reason, performer, user, updates in events:
            if isinstance(updates, list):
                updates = {name: final[name] for name in updates}
            state.update(updates, updated_at=at)
            rows.append(history_row(Election, dict(state), at=at, kind="~", reason=reason,
                                    user=user, performer=performer, session=user))  # fmt: skip
        for row in rows:
            # Signed in on the device: the supervisor at review, the officer on the tablet.
            row.history_session_user_id = (
                supervisor.id if row.history_user_id == supervisor.id else officer.id
            )
        election.updated_at = rows[-1].history_date
        for row in rows:
            batch.log(Election, row)
        for _child, link in children:
            batch.log_later(ParentChild, link, at=start,
                            reason="relationship to parent recorded", user=officer.id,
                            performer=Performer.STAFF)  # fmt: skip
        if reached >= STAGE_ORDER.index("children"):
            for position, item in enumerate(covered):
                batch.covered.append(item)
                batch.log_later(ElectionChild, item, {"decision": None, "decided_at": None},
                                at=added + timedelta(seconds=20 * position),
                                reason="child added to election", user=officer.id,
                                performer=Performer.STAFF)  # fmt: skip
                if item.decision:
                    batch.log_later(ElectionChild, item, at=item.decided_at, kind="~",
                                    reason=f"parent chose {item.decision}", user=officer.id,
                                    performer=Performer.PARENT)  # fmt: skip
        for sig, reason, performer, user in signatures:
            batch.signatures.append(sig)
            batch.log_later(Signature, sig, at=sig.signed_at, reason=reason,
                            user=user, performer=performer, session=officer.id)  # fmt: skip
        batch.elections.append(election)
        return election


def seed(
    *,
    elections: int,
    seed: int,
    password: str,
    batch_size: int,
    write,
    load_notices,
    signature_image,
) -> dict:
    """Write ``elections`` elections; returns what was made and how fast.

    ``load_notices()`` loads the notice versions; ``signature_image(rng)`` draws one signature
    (PNG bytes, SHA-256): a dozen are drawn and shared by every signature."""
    if already_seeded():
        raise AlreadySeeded
    began = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        reference = make_reference(
            password=password,
            rng=rng,
            write=write,
            load_notices=load_notices,
            signature_image=signature_image,
        )
    generator = Generator(reference, seed=seed, now=timezone.now())
    made = 0
    with stamps_as_given():
        while made < elections:
            batch = Batch()
            target = min(batch_size, elections - made)
            count = 0
            while count < target:
                count += generator.family(batch, pair_allowed=target - count > 1)
            batch.write()
            made += count
            write(f"{made} elections")
    seconds = time.perf_counter() - began
    return {"elections": made, "parents": generator.parent_index, "seconds": seconds}
