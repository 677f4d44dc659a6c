"""``seed_scale``: realistic elections in bulk, for benchmarks and for trying the product at size.

What it writes, per batch of elections (``--batch``, 2,000, whole families) and in one
transaction per batch, as plain rows inserted many at a time (``scale_rows``: binary COPY on
PostgreSQL, ``executemany`` on SQLite; no model instances, no ``save()``, no signals, no per-row
password hashing):

- the parents (names from ``scale_names``' frequency lists), their 1-4 children and the
  relationship rows; the elections with every child covered, the decisions, the signatures and,
  when the notice was interpreted, the interpreter;
- the history of each of those rows, written here as simple-history would have written it event
  by event (``election started``, ``parent identity verified``, ``notice shown to the parent``,
  ``parent chose reunify``, ``submitted for approval``, ``approved``...), with the accountable
  user, the performer and the signed-in user of each event, so a record's history reads like a
  real one (six to nine rows for an approved election).

The reference data comes first, once, through the ORM: 20 field offices in their own time zones
with two detention facilities and two legal service providers each, 400 officers (20 per
office), 40 supervisors (2 per office) and 10 auditors (``scale-officer-atl-01``,
``scale-supervisor-atl-1``, ``scale-auditor-01``...), every account with the same password,
hashed once.

Statuses in the proportions of a service in use for two years (``PROFILES``): most elections
approved (some with a consult pending, some after a return and a correction), some superseded by
the approved election that replaced them, some submitted, returned, void, and drafts at every
step of the officer's flow. The open ones are from the last three weeks; the closed ones spread
over two years, at office hours in the office's time zone. Flags in proportion too: telephone
interpreters, fast decisions (acknowledged at approval), relationships not yet verified, parents
who refused to sign. A submitted election passes ``rules.submission_problems`` (the parent's
signature covers its decisions: ``consent_digest``).

Oldest first: what happens to each family and the day it began are drawn first for the whole run
(``Generator.plan``), then the families are drawn in full and written in the order of those days,
their parents' and children's A-numbers issued in that order, as a service in use would have
written them. The indexes on times (history dates, submission and approval times) and on
A-numbers then take each new entry near their end rather than anywhere in two years of entries
(measured: about a tenth less database time at 100,000 elections); the proportions and the dates
are the same as in any order.

Order of insertion, so that no constraint or PostgreSQL trigger (migration 0003) is bypassed: a
locked (approved, superseded, void) election's rows may not be added once it is locked, so each
batch inserts the children covered, signatures and interpreters first, then the elections
already in their final status. Foreign keys are checked at commit (Django creates them
``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL and SQLite), so this order is valid; the
triggers see every row. Outside a transaction, batches are written by two threads, each with
its own connection, while the next one is drawn; inside one (a test's), in the caller's
connection.

On PostgreSQL each batch is one binary COPY per table (``scale_rows``: psycopg formats each value
in C and the server parses no text, which took a quarter of the seeder's Python time as COPY
text), and its transaction runs with ``SET LOCAL synchronous_commit = off``, on the seeding
connections only: a crash may lose the last batches committed (a fresh database is seeded again),
never leave one half-written; nothing else in the product runs that way. No trigger, no foreign
key and no index is disabled or dropped.

Status: ``e`` and ``replaces`` here are plain dicts, the row as it will be inserted, not models.
No election changes status in this module: each is written once, already in the status its
history (written beside it, event by event) ends in, and the workflow's rule (DESIGN.md §4:
only ``workflow.py`` moves an election from one status to another) is about transitions of
stored elections, which the seeder never makes. The row values are therefore given as dict
items (``row["status"]``), never as a model attribute or a queryset update.

Sealed records: approval seals a PDF in the approval's transaction; sealing 70,000 PDFs would
take hours. ``seed_scale`` writes no ``SealedRecord`` rows, and no placeholder that would pass for
one: its approved and superseded elections are shown from their rows, as every page already does
for an election with no sealed record (``records.sealed_state.election_as_shown``); the auditor's
record page shows no sealed PDF, its download answers 404, and there is no file for
``verify_record`` to accept. They are test data, and read as such.

Run once per database: it refuses when its accounts exist (``AlreadySeeded``).
"""

import hashlib
import json
import operator
import queue
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
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
from elections.figures import figures_rebuild
from elections.management import scale_names as names
from elections.management.scale_rows import Table, reset_sequences
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
from elections.models.records import election_reference
from elections.names import search_key

_search_keys: dict[str, str] = {}


def name_key(full_name: str) -> str:
    """``search_key`` of a name made of clean words, a word at a time (each computed once)."""
    parts = []
    for word in full_name.split(" "):
        key = _search_keys.get(word)
        if key is None:
            key = _search_keys[word] = search_key(word)
        parts.append(key)
    return " ".join(parts)


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
CHILD_COUNTS = [(1, 45), (2, 33), (3, 15), (4, 7)]
INTERPRETED_DELIVERY = [(DeliveryMode.INTERPRETER_TELEPHONE, 70),
                        (DeliveryMode.INTERPRETER_IN_PERSON, 30)]  # fmt: skip
READ_DELIVERY = [(DeliveryMode.PARENT_READ, 70), (DeliveryMode.OFFICER_READ, 30)]
DECISIONS = [(Decision.REUNIFY, 78), (Decision.WAIVE, 22)]
IDENTITY_METHODS = list(IdentityMethod)
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
    """Parent ``index``'s A-number: A3 and eight digits, growing with the index (unique, issued
    in the order people are recorded, as A-numbers are), with gaps between them."""
    return f"A3{(19_283_746 + index * 7) % 100_000_000:08d}"


def child_a_number(index: int) -> str:
    return f"A4{(7_654_321 + index * 3) % 100_000_000:08d}"


class AlreadySeeded(Exception):
    pass


def already_seeded() -> int:
    """How many seed_scale accounts exist (0 on a database it has not run on)."""
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).count()


# --- History rows ---------------------------------------------------------------------------

#: simple-history's own fields of a history row (``history.AttributedHistory`` included), in
#: the order ``Writer.log`` gives them.
HISTORY_OWN = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "history_performed_by",
    "history_performer_name",
    "history_session_user_id",
)


def history_model(model):
    return model.history.model


def tracked_fields(model) -> list[str]:
    """The fields simple-history copies into ``model``'s history (its exclusions left out)."""
    fields = history_model(model)._meta.concrete_fields
    return [f.attname for f in fields if f.attname not in HISTORY_OWN]


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
    attestation: str


def _meanings() -> dict[tuple[str, str], tuple[str, str]]:
    """What each signature means, (English as stored, as shown) by (role, language shown)."""
    texts = {**services.SIGNATURE_MEANINGS, "refused": services.PARENT_NO_SIGNATURE_MEANING}
    meanings = {}
    for role, text in texts.items():
        with translation.override("en"):
            english = str(text)
        for language in ("en", "es"):
            with translation.override(language):
                meanings[(role, language)] = (english, str(text))
    return meanings


def make_reference(
    *, password: str, rng: random.Random, write, load_notices, signature_image
) -> Reference:
    """Offices, facilities, legal service providers, accounts and notices, through the ORM."""
    from elections.workflow import APPROVAL_ATTESTATION

    load_notices()
    notice_en = NoticeVersion.objects.filter(language="en", is_current=True).order_by("-pk")[0]
    notice_es = NoticeVersion.objects.filter(language="es", is_current=True).order_by("-pk")[0]
    NoticeVersion.objects.filter(
        pk__in=[notice_en.pk, notice_es.pk], first_shown_at__isnull=True
    ).update(first_shown_at=timezone.now() - timedelta(days=HISTORY_DAYS + 1))

    FieldOffice.objects.bulk_create(
        [FieldOffice(code=code, name=name, time_zone=tz) for code, name, tz in OFFICES]
    )
    offices = list(FieldOffice.objects.filter(code__in=OFFICE_CODES).order_by("code"))
    Facility.objects.bulk_create(
        [
            Facility(office=office, name=f"{office.name.removesuffix(' Field Office')} {kind}")
            for office in offices
            for kind in FACILITIES[:2]
        ]
    )
    facilities: dict[int, list[int]] = {}
    for facility in Facility.objects.filter(office__in=offices).order_by("pk"):
        facilities.setdefault(facility.office_id, []).append(facility.pk)
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

    # One hash for every account: hashing is what made seed_demo slow.
    encoded = make_password(password)
    User = get_user_model()
    usernames = scale_usernames()
    User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=STAFF_FIRST[rng.randrange(len(STAFF_FIRST))],
                last_name=STAFF_LAST[rng.randrange(len(STAFF_LAST))],
                email=f"{username}@formsvc.example",
                is_staff=role == Role.SUPERVISOR,
                password=encoded,
            )
            for role, of_role in usernames.items()
            for username in of_role
        ],
        batch_size=500,
    )
    created = {u.username: u for u in User.objects.filter(username__startswith=USERNAME_PREFIX)}
    office_by_code = {office.code: office for office in offices}
    titles = {
        Role.OFFICER: "Deportation Officer",
        Role.SUPERVISOR: "Supervisory Detention and Deportation Officer",
        Role.AUDITOR: "Records Compliance Auditor",
    }
    officers: dict[int, list[Staff]] = {}
    supervisors: dict[int, list[Staff]] = {}
    profiles = []
    for role, of_role in usernames.items():
        for username in of_role:
            user = created[username]
            office = None
            if role != Role.AUDITOR:
                office = office_by_code[username.split("-")[2].upper()]
                team = officers if role == Role.OFFICER else supervisors
                team.setdefault(office.pk, []).append(
                    Staff(user.pk, f"{user.first_name} {user.last_name}")
                )
            profiles.append(
                StaffProfile(user=user, role=role, office=office, job_title=titles[role])
            )
    StaffProfile.objects.bulk_create(profiles, batch_size=500)
    now = timezone.now()
    for model, objects in (
        (StaffProfile, StaffProfile.objects.filter(user__in=created.values())),
        (FieldOffice, offices),
        (Facility, Facility.objects.filter(office__in=offices)),
        (LegalServiceProvider, LegalServiceProvider.objects.filter(office__in=offices)),
    ):
        names_ = tracked_fields(model)
        history_model(model).objects.bulk_create(
            [
                history_model(model)(
                    **{name: getattr(obj, name) for name in names_},
                    history_date=now,
                    history_type="+",
                    history_change_reason="created by seed_scale",
                )
                for obj in objects
            ],
            batch_size=500,
        )
    write(f"{len(offices)} field offices, {len(created)} accounts (one password hash)")
    with translation.override("en"):
        attestation = str(APPROVAL_ATTESTATION)
    return Reference(
        offices=offices,
        facilities=facilities,
        officers=officers,
        supervisors=supervisors,
        notice_en=notice_en,
        notice_es=notice_es,
        signatures=[signature_image(random.Random(n)) for n in range(12)],
        meanings=_meanings(),
        attestation=attestation,
    )


# --- Elections, as rows ---------------------------------------------------------------------------

#: What an election's first history row leaves out: everything the officer records later.
ELECTION_BLANK = {
    "status": Status.DRAFT,
    "notice_language": "",
    "notice_version_id": None,
    "notice_version_en_id": None,
    "delivery_mode": "",
    "witness_id": None,
    "notice_delivered_at": None,
    "legal_contact_given": "",
    "submitted_at": None,
    "submitted_by_id": None,
    "returned_at": None,
    "returned_by_id": None,
    "return_reason": "",
    "approved_at": None,
    "approved_by_id": None,
    "approval_attestation": "",
    "acknowledged_warnings": [],
    "voided_at": None,
    "voided_by_id": None,
    "void_reason": "",
    "superseded_at": None,
    "identity_method": "",
    "identity_document": "",
    "identity_verified_by_id": None,
    "identity_verified_at": None,
}
IDENTITY = ("identity_method", "identity_document", "identity_verified_by_id",
            "identity_verified_at")  # fmt: skip
NOTICE_CHOSEN = ("notice_language", "notice_version_id", "notice_version_en_id", "delivery_mode",
                 "witness_id")  # fmt: skip
#: Languages whose parents are given the English notice through an interpreter.
ENGLISH_NOTICE = frozenset({"en", "ht", "pt", "pa", "ro", "ar"})


class Writer:
    """The tables of one run; ``flush`` writes what is queued, in an order the triggers allow."""

    #: Rows of an election before the election (module docstring); history last.
    ORDER = (Parent, Child, ParentChild, ElectionChild, Signature, Interpreter, Election)

    def __init__(self):
        self.tables = {model: Table(model) for model in self.ORDER}
        self.tracked = {model: tracked_fields(model) for model in self.ORDER}
        # History rows are tuples: the tracked values, then simple-history's own fields.
        self.history = {
            model: Table(history_model(model), order=[*self.tracked[model], *HISTORY_OWN])
            for model in self.ORDER
        }
        for model in self.ORDER:
            every = {f.attname for f in history_model(model)._meta.concrete_fields}
            if every != {*self.tracked[model], *HISTORY_OWN}:
                raise RuntimeError(
                    f"{model.__name__}'s history has fields seed_scale does not fill"
                )
        self.getters = {model: operator.itemgetter(*self.tracked[model]) for model in self.ORDER}
        self.thread = None
        #: Seconds spent writing each table, and committing (the writers' threads add up).
        self.spent: dict[str, float] = {}

    def add(self, model, values: dict) -> dict:
        return self.tables[model].row(values)

    def log(self, model, row: dict, *, at, reason, user, performer, session, kind="+",
            overrides=None) -> None:  # fmt: skip
        """A history row of ``row`` as it stood at ``at`` (with ``overrides``)."""
        if overrides:
            row = {**row, **overrides}
        table = self.history[model]
        table.add_tuple(
            (
                *self.getters[model](row),
                table.new_id(),
                at,
                reason,
                kind,
                user,
                performer,
                "",
                session,
            )  # fmt: skip
        )

    #: Connections writing batches at once: the database's work (constraints, triggers,
    #: indexes) is most of a batch's cost, and two server processes share it out.
    WRITERS = 2

    def start(self) -> None:
        """Write batches in threads of their own (``WRITERS``, each with its connection, each
        batch one transaction), while the next one is drawn. A batch holds whole families, so
        batches do not depend on each other.

        Only outside a transaction: the threads' connections would not see rows the caller has
        not committed (a test's). Inside one, ``flush`` writes in the caller's connection."""
        if connection.in_atomic_block:
            return
        self.queue = queue.Queue(maxsize=self.WRITERS)
        self.failure = None
        self.threads = [
            threading.Thread(target=self._write_queued, name=f"seed_scale writer {n}")
            for n in range(self.WRITERS)
        ]
        self.thread = self.threads[0]
        for thread in self.threads:
            thread.start()

    def flush(self) -> None:
        """Hand what is queued to the writer (or write it now), in ``ORDER``, history last."""
        tables = [self.tables[model] for model in self.ORDER]
        tables += [self.history[model] for model in self.ORDER]
        batch = [(table, table.take()) for table in tables]
        if self.thread is None:
            self._write(batch)
            return
        if self.failure is not None:
            raise self.failure
        self.queue.put(batch)

    def _write(self, batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A seeder's batch lost to a crash is written again; no need to wait for disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for table, rows in batch:
                began = time.perf_counter()
                table.write(cursor, rows)
                self.spent[table.name] = self.spent.get(table.name, 0.0) + (
                    time.perf_counter() - began
                )
            began = time.perf_counter()
        # The commit: the deferred foreign key checks.
        self.spent["commit"] = self.spent.get("commit", 0.0) + (time.perf_counter() - began)

    def _write_queued(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.failure is None:
                    try:
                        self._write(batch)
                    except Exception as error:  # reported by the next flush or by finish
                        self.failure = error
        finally:
            connection.close()

    def finish(self) -> None:
        if self.thread is not None:
            for _thread in self.threads:
                self.queue.put(None)
            for thread in self.threads:
                thread.join()
            if self.failure is not None:
                raise self.failure
        reset_sequences([*self.ORDER, *(history_model(model) for model in self.ORDER)])


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


def consent_digest(election: dict, notices: dict, covered: list, names_by_child: dict) -> str:
    """``rules.parent_consent_digest`` of rows in memory (no query)."""

    def notice(pk):
        version = notices.get(pk)
        return None if version is None else [str(version.pk), version.language, version.sha256]

    facts = {
        "election": str(election["id"]),
        "notice": notice(election["notice_version_id"]),
        "notice_en": notice(election["notice_version_en_id"]),
        "language": election["notice_language"],
        "delivery": election["delivery_mode"],
        "children": sorted(
            [str(item["child_id"]), names_by_child[item["child_id"]], item["decision"] or ""]
            + [item["decided_at"].isoformat() if item["decided_at"] else ""]
            for item in covered
        ),
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Family:
    parent: dict
    children: list  # of (child row, link row)
    office: FieldOffice
    officer: Staff
    witness: Staff
    supervisor: Staff


class Generator:
    """Draws families and their elections, deterministically from ``seed``."""

    def __init__(self, reference: Reference, writer: Writer, *, seed: int, now: datetime):
        self.ref = reference
        self.out = writer
        self.rng = random.Random(seed)
        self.now = now
        self.parents = 0
        self.child_index = 0
        self.profiles = names.Weighted(PROFILES)
        self.stages = names.Weighted(DRAFT_STAGES)
        self.evidence = names.Weighted(EVIDENCE)
        self.child_counts = names.Weighted(CHILD_COUNTS)
        self.interpreted = names.Weighted(INTERPRETED_DELIVERY)
        self.read = names.Weighted(READ_DELIVERY)
        self.decisions = names.Weighted(DECISIONS)
        self.zones = {office.pk: ZoneInfo(office.time_zone) for office in reference.offices}
        self.notices = {reference.notice_en.pk: reference.notice_en,
                        reference.notice_es.pk: reference.notice_es}  # fmt: skip

    # -- people --

    def family_people(self, office, officer: Staff, at: datetime):
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
            # The children's surnames: the father's first surname, then the mother's.
            other, _unused = names.hispanic_surnames(rng)
            child_surname = f"{other} {first}" if woman else f"{first} {other}"
        today = at.date()
        parent = self.out.add(
            Parent,
            {
                "id": _uuid(rng),
                "a_number": parent_a_number(self.parents),
                "full_name": full_name,
                "search_name": name_key(full_name),
                "date_of_birth": _years_before(today, rng.randint(20, 48), rng.randint(0, 364)),
                "country_of_citizenship": country,
                "primary_language": language,
                "created_at": at,
            },
        )
        self.parents += 1
        self.out.log(Parent, parent, at=at, reason="parent recorded", user=officer.id,
                     performer=Performer.STAFF, session=officer.id)  # fmt: skip
        count = self.child_counts.draw(rng)
        relationship = Relationship.MOTHER if woman else Relationship.FATHER
        if rng.random() < 0.02:
            relationship = Relationship.LEGAL_GUARDIAN
        children, used = [], set()
        for _n in range(count):
            first_name = names.child_given_name(rng, rng.random() < 0.5, used)
            used.add(first_name)
            kind, place = names.PLACE.draw(rng)
            name = f"{first_name} {child_surname}"
            known = rng.random() < CHILD_A_NUMBER_SHARE
            child = self.out.add(
                Child,
                {
                    "id": _uuid(rng),
                    "a_number": child_a_number(self.child_index) if known else None,
                    "full_name": name,
                    "search_name": name_key(name),
                    "date_of_birth": _years_before(today, rng.randint(0, 17), rng.randint(1, 364)),
                    "location_kind": kind,
                    "location_name": place,
                },
            )
            self.child_index += 1
            evidence = self.evidence.draw(rng)
            link = self.out.add(
                ParentChild,
                {
                    "parent_id": parent["id"],
                    "child_id": child["id"],
                    "relationship": relationship,
                    "evidence": evidence,
                    "evidence_note": EVIDENCE_NOTES[evidence],
                },
            )
            for model, row, reason in (
                (Child, child, "child recorded"),
                (ParentChild, link, "relationship to parent recorded"),
            ):
                self.out.log(model, row, at=at, reason=reason, user=officer.id,
                             performer=Performer.STAFF, session=officer.id)  # fmt: skip
            children.append((child, link))
        return parent, children

    # -- one family --

    def plan(self, elections: int) -> list[tuple[str, int]]:
        """What happens to each family, and how many days ago it began: (profile, days ago),
        making ``elections`` elections, oldest first.

        The rows are then written in the order a service in use would have written them: times
        (history dates, submission and approval times) and A-numbers grow from batch to batch,
        as in a real database, so each index takes its new entries near its end rather than
        anywhere in two years of them. Which profiles and dates are drawn does not change."""
        rng = self.rng
        planned = []
        made = 0
        while made < elections:
            profile = self.profiles.draw(rng)
            if profile == "supersede" and elections - made < 2:
                profile = "approved"
            is_open = profile.startswith(("submitted", "returned", "draft"))
            days_ago = rng.randint(0, OPEN_DAYS) if is_open else rng.randint(3, HISTORY_DAYS)
            planned.append((profile, days_ago))
            made += 2 if profile == "supersede" else 1
        planned.sort(key=operator.itemgetter(1), reverse=True)
        return planned

    def family(self, profile: str, days_ago: int) -> int:
        """One family's election(s); returns how many elections were written."""
        rng = self.rng
        office = self.ref.offices[rng.randrange(len(self.ref.offices))]
        tz = self.zones[office.pk]
        officer, witness = rng.sample(self.ref.officers[office.pk], 2)
        supervisor = rng.choice(self.ref.supervisors[office.pk])
        day = (self.now - timedelta(days=days_ago)).astimezone(tz).date()
        start = _office_hours(rng, day, tz)
        if start > self.now - timedelta(hours=6):
            start = self.now - timedelta(hours=rng.uniform(6, 48))
        parent, children = self.family_people(office, officer, start)
        family = Family(parent, children, office, officer, witness, supervisor)
        stage = "submitted"
        if profile == "draft":
            stage = self.stages.draw(rng)
        elif profile == "void":
            stage = rng.choice(["started", "children", "notice"])
        consult = profile in ("approved_consult", "supersede") or (
            profile in ("submitted", "draft") and rng.random() < 0.06
        )
        first = self.election(family, start=start, stage=stage, profile=profile, consult=consult)
        if profile != "supersede":
            return 1
        # The parent spoke with a lawyer: a new election replaces the approved consult.
        later = first["approved_at"] + timedelta(days=rng.randint(2, 30))
        later = _office_hours(rng, later.astimezone(tz).date(), tz)
        later = max(
            min(later, self.now - timedelta(hours=3)), first["approved_at"] + timedelta(hours=1)
        )
        self.election(family, start=later, stage="submitted", profile="approved", consult=False,
                      replaces=first)  # fmt: skip
        return 2

    def election(self, family: Family, *, start, stage, profile, consult, replaces=None) -> dict:
        rng, ref, out = self.rng, self.ref, self.out
        officer, witness, supervisor = family.officer, family.witness, family.supervisor
        reached = STAGE_ORDER.index(stage)
        language = family.parent["primary_language"]
        interpreted = language not in ("es", "en")
        notice_language = "en" if language in ENGLISH_NOTICE else "es"
        delivery = (self.interpreted if interpreted else self.read).draw(rng)
        method = rng.choice(IDENTITY_METHODS)
        election_id = _uuid(rng)
        e = {
            "id": election_id,
            "office_id": family.office.pk,
            "facility_id": rng.choice(ref.facilities[family.office.pk]),
            "parent_id": family.parent["id"],
            "status": Status.DRAFT,
            "presented_by_id": officer.id,
            "created_at": start,
            "identity_method": method,
            "identity_document": IDENTITY_DOCUMENTS[method],
            "identity_verified_by_id": officer.id,
            "identity_verified_at": start + timedelta(minutes=rng.uniform(1, 6)),
            "supersedes_id": replaces["id"] if replaces else None,
            "acknowledged_warnings": [],
        }
        # (time, reason, performer, user, updates: field names of e, or a dict)
        events = [(e["identity_verified_at"], "parent identity verified", Performer.STAFF,
                   officer.id, IDENTITY)]  # fmt: skip
        if reached >= STAGE_ORDER.index("notice"):
            notice = ref.notice_es if notice_language == "es" else ref.notice_en
            e.update(
                notice_language=notice_language,
                notice_version_id=notice.pk,
                notice_version_en_id=ref.notice_en.pk,
                delivery_mode=delivery,
                witness_id=witness.id,
                notice_delivered_at=e["identity_verified_at"]
                + timedelta(minutes=rng.uniform(4, 12)),
            )
            events.append((e["notice_delivered_at"] - timedelta(minutes=1),
                           "notice, delivery and witness chosen", Performer.STAFF, officer.id,
                           NOTICE_CHOSEN))  # fmt: skip
            events.append((e["notice_delivered_at"], "notice shown to the parent",
                           Performer.PARENT, officer.id, ("notice_delivered_at",)))  # fmt: skip
        fast = rng.random() < 0.05
        decided = reached >= STAGE_ORDER.index("decided")
        decided_at = None
        if decided:
            minutes = rng.uniform(8, 28) if fast else rng.uniform(32, 140)
            decided_at = e["notice_delivered_at"] + timedelta(minutes=minutes)
        covered = []
        for position, (child, _link) in enumerate(family.children):
            decision = None
            if decided:
                decision = Decision.CONSULT if consult else self.decisions.draw(rng)
            covered.append(
                {
                    "id": None,
                    "election_id": election_id,
                    "child_id": child["id"],
                    "position": position,
                    "decision": decision,
                    "decided_at": (
                        decided_at + timedelta(seconds=rng.randint(0, 180) * position)
                        if decided
                        else None
                    ),
                }
            )
        if consult and decided:
            e["legal_contact_given"] = LEGAL_CONTACT
            events.append((decided_at, "legal contact recorded", Performer.STAFF, officer.id,
                           ("legal_contact_given",)))  # fmt: skip
        interpreter = None
        telephone = delivery == DeliveryMode.INTERPRETER_TELEPHONE
        if interpreted and reached >= STAGE_ORDER.index("notice"):
            interpreter = out.add(
                Interpreter,
                {
                    "election_id": election_id,
                    "full_name": " ".join(
                        [names.given_names(rng, rng.random() < 0.5), *names.hispanic_surnames(rng)]
                    ),  # fmt: skip
                    "id_or_employer": rng.choice(INTERPRETER_SERVICES).format(
                        n=rng.randint(100, 399999)
                    ),
                    "language": language,
                    "operator_id": f"OP-{rng.randint(10000, 99999)}" if telephone else "",
                },
            )
            out.log(Interpreter, interpreter, at=e["notice_delivered_at"] - timedelta(seconds=30),
                    reason="interpreter recorded", user=officer.id, performer=Performer.STAFF,
                    session=officer.id)  # fmt: skip
        signatures = []  # (row, reason, performer, user)
        if reached >= STAGE_ORDER.index("signed"):
            refused = profile == "submitted_refused"
            signed_at = max(item["decided_at"] for item in covered) + timedelta(
                minutes=rng.uniform(1, 4)
            )
            shown = e["notice_language"]
            image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
            english, translated = ref.meanings[
                ("refused" if refused else SignatureRole.PARENT, shown)
            ]
            signatures.append((
                {
                    "election_id": election_id,
                    "role": SignatureRole.PARENT,
                    "method": SignatureMethod.REFUSED if refused else SignatureMethod.DRAWN,
                    "printed_name": family.parent["full_name"],
                    "image": None if refused else image,
                    "image_sha256": "" if refused else sha,
                    "reason": REFUSAL_REASON if refused else "",
                    "meaning": english,
                    "meaning_translated": translated,
                    "signed_at": signed_at,
                    "covers_sha256": "" if refused else consent_digest(
                        e, self.notices, covered,
                        {child["id"]: child["full_name"] for child, _link in family.children},
                    ),
                },
                f"parent signature: {'refused' if refused else 'drawn'}",
                Performer.PARENT,
                officer.id,
            ))  # fmt: skip
            if interpreter is not None:
                image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
                english, translated = ref.meanings[(SignatureRole.INTERPRETER, shown)]
                signatures.append((
                    {
                        "election_id": election_id,
                        "role": SignatureRole.INTERPRETER,
                        "method": SignatureMethod.TELEPHONE if telephone else SignatureMethod.DRAWN,
                        "printed_name": interpreter["full_name"],
                        "signer_id": officer.id if telephone else None,
                        "image": None if telephone else image,
                        "image_sha256": "" if telephone else sha,
                        "reason": (f"Attested by telephone, operator ID "
                                   f"{interpreter['operator_id']}" if telephone else ""),
                        "meaning": english,
                        "meaning_translated": translated,
                        "signed_at": signed_at + timedelta(minutes=1),
                    },
                    "interpreter attestation",
                    Performer.STAFF if telephone else Performer.INTERPRETER,
                    officer.id,
                ))  # fmt: skip
            if reached >= STAGE_ORDER.index("ready"):
                for role, person, minutes in (
                    (SignatureRole.WITNESS, witness, rng.uniform(2, 5)),
                    (SignatureRole.OFFICER, officer, rng.uniform(6, 9)),
                ):
                    image, sha = ref.signatures[rng.randrange(len(ref.signatures))]
                    english, _shown = ref.meanings[(role, "en")]
                    signatures.append((
                        {
                            "election_id": election_id,
                            "role": role,
                            "method": SignatureMethod.DRAWN,
                            "printed_name": person.name,
                            "signer_id": person.id,
                            "image": image,
                            "image_sha256": sha,
                            "password_confirmed": True,
                            "meaning": english,
                            "meaning_translated": english,
                            "signed_at": signed_at + timedelta(minutes=minutes),
                        },
                        f"{role} signed with password",
                        Performer.STAFF_PASSWORD,
                        person.id,
                    ))  # fmt: skip
        # The supervisor's side.
        if reached >= STAGE_ORDER.index("submitted"):
            submitted = signatures[-1][0]["signed_at"] + timedelta(minutes=rng.uniform(1, 15))
            e.update({"status": Status.SUBMITTED, "submitted_at": submitted,
                      "submitted_by_id": officer.id})  # fmt: skip
            events.append((submitted, "submitted for approval", Performer.STAFF, officer.id,
                           {"status": Status.SUBMITTED, "submitted_at": submitted,
                            "submitted_by_id": officer.id}))  # fmt: skip
            if profile in ("returned", "approved_after_return", "submitted_after_return"):
                returned = submitted + timedelta(hours=rng.uniform(1, 30))
                reason = rng.choice(RETURN_REASONS)
                change = {"status": Status.RETURNED, "returned_at": returned,
                          "returned_by_id": supervisor.id, "return_reason": reason}  # fmt: skip
                e.update(change)
                events.append((returned, f"returned: {reason}", Performer.STAFF, supervisor.id,
                               change))  # fmt: skip
                if profile != "returned":
                    again = returned + timedelta(hours=rng.uniform(1, 20))
                    change = {"status": Status.SUBMITTED, "submitted_at": again}
                    e.update(change)
                    events.append((again, "resubmitted after correction", Performer.STAFF,
                                   officer.id, change))  # fmt: skip
            if profile.startswith("approved") or profile == "supersede":
                approved = e["submitted_at"] + timedelta(hours=rng.uniform(0.5, 40))
                approved = min(approved, self.now - timedelta(minutes=30))
                approved = max(approved, e["submitted_at"] + timedelta(minutes=5))
                change = {"status": Status.APPROVED, "approved_at": approved,
                          "approved_by_id": supervisor.id,
                          "approval_attestation": ref.attestation,
                          "acknowledged_warnings": self.warnings(e, covered, family, fast)}  # fmt: skip
                e.update(change)
                events.append((approved, "approved", Performer.STAFF_PASSWORD, supervisor.id,
                               change))  # fmt: skip
        if profile == "void":
            voided = (e.get("notice_delivered_at") or e["identity_verified_at"]) + timedelta(
                minutes=rng.uniform(3, 40)
            )
            reason = rng.choice(VOID_REASONS)
            change = {"status": Status.VOID, "voided_at": voided, "voided_by_id": officer.id,
                      "void_reason": reason}  # fmt: skip
            e.update(change)
            events.append((voided, f"voided: {reason}", Performer.STAFF, officer.id, change))
        e["updated_at"] = events[-1][0]
        e = out.add(Election, e)
        if replaces is not None:
            # The replaced election goes from approved to superseded when this one is approved:
            # status, superseded_at and updated_at change, nothing else (as the triggers allow).
            replaces.update({"status": Status.SUPERSEDED, "superseded_at": e["approved_at"],
                             "updated_at": e["approved_at"]})  # fmt: skip
            out.log(Election, replaces, at=e["approved_at"], kind="~",
                    reason=f"superseded by {election_reference(election_id)}", user=supervisor.id,
                    performer=Performer.STAFF_PASSWORD, session=supervisor.id)  # fmt: skip
        self.election_history(e, events, start=start, family=family, replaces=replaces)
        if reached >= STAGE_ORDER.index("children"):
            added = start + timedelta(minutes=rng.uniform(0.5, 1))
            for item in covered:
                item = out.add(ElectionChild, item)
                out.log(ElectionChild, item,
                        at=added + timedelta(seconds=20 * item["position"]),
                        reason="child added to election", user=officer.id,
                        performer=Performer.STAFF, session=officer.id,
                        overrides={"decision": None, "decided_at": None})  # fmt: skip
                if item["decision"]:
                    out.log(ElectionChild, item, at=item["decided_at"], kind="~",
                            reason=f"parent chose {item['decision']}", user=officer.id,
                            performer=Performer.PARENT, session=officer.id)  # fmt: skip
        for values, reason, performer, user in signatures:
            row = out.add(Signature, values)
            out.log(Signature, row, at=row["signed_at"], reason=reason, user=user,
                    performer=performer, session=officer.id)  # fmt: skip
        return e

    def election_history(self, e: dict, events, *, start, family: Family, replaces) -> None:
        """The election's history: one row per event, each the election as it stood then."""
        officer, supervisor = family.officer, family.supervisor
        state = {**e, **ELECTION_BLANK, "updated_at": start}
        opening = (
            f"election started to replace {election_reference(replaces['id'])}"
            if replaces
            else "election started"
        )
        self.out.log(Election, state, at=start, reason=opening, user=officer.id,
                     performer=Performer.STAFF, session=officer.id)  # fmt: skip
        for at, reason, performer, user, updates in events:
            if not isinstance(updates, dict):
                updates = {name: e[name] for name in updates}
            state.update(updates, updated_at=at)
            # Signed in on the device: the supervisor at review, the officer on the tablet.
            session = supervisor.id if user == supervisor.id else officer.id
            self.out.log(Election, state, at=at, kind="~", reason=reason, user=user,
                         performer=performer, session=session)  # fmt: skip

    def warnings(self, e: dict, covered: list, family: Family, fast: bool) -> list[dict]:
        """What the supervisor acknowledged at approval, as ``rules.warnings`` words it."""
        found = []
        if fast:
            minutes = int(
                (max(item["decided_at"] for item in covered) - e["notice_delivered_at"])
                / timedelta(minutes=1)
            )
            found.append({"rule": "R13", "code": "fast_decision",
                          "message": f"The parent decided {minutes} minutes after the notice; "
                          "the minimum is 30."})  # fmt: skip
        if e["delivery_mode"] == DeliveryMode.INTERPRETER_TELEPHONE:
            found.append({"rule": "R4", "code": "telephone_interpreter",
                          "message": "The notice was interpreted by telephone."})  # fmt: skip
        for child, link in family.children:
            if link["evidence"] == RelationshipEvidence.NOT_VERIFIED:
                found.append({"rule": "R2", "code": "relationship_unverified",
                              "message": f"The relationship to {child['full_name']} is not "
                              "verified."})  # fmt: skip
        return found


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
    writer = Writer()
    generator = Generator(reference, writer, seed=seed, now=timezone.now())
    made = 0
    drawing = waiting = 0.0
    planned = iter(generator.plan(elections))
    writer.start()
    try:
        while made < elections:
            count = 0
            drawn_at = time.perf_counter()
            for profile, days_ago in planned:
                count += generator.family(profile, days_ago)
                if count >= batch_size:
                    break
            flushed_at = time.perf_counter()
            writer.flush()
            made += count
            drawing += flushed_at - drawn_at
            waiting += time.perf_counter() - flushed_at
            write(f"{made} elections (drawn in {drawing:.1f} s, {waiting:.1f} s waiting to write)")
        finished_at = time.perf_counter()
    finally:
        writer.finish()
    write(f"last batches written in {time.perf_counter() - finished_at:.1f} s")
    spent = sorted(writer.spent.items(), key=lambda item: -item[1])
    write("database time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent))
    seconds = time.perf_counter() - began
    # The rows were written without the workflow, which keeps the auditor's figures as elections
    # change: count them once from every election, so the dashboard shows the seeded data.
    counted_at = time.perf_counter()
    figures_rebuild()
    summary = time.perf_counter() - counted_at
    write(f"auditor's figures counted in {summary:.1f} s")
    return {
        "elections": made,
        "parents": generator.parents,
        "seconds": seconds,
        "summary_seconds": summary,
    }
