"""Demo data for development: two field offices, their staff, the notices and realistic elections.

Everything after the offices, accounts and notices is built through ``elections.services`` and
``elections.workflow``, exactly as the officer's flow builds it, so the demo records carry real
history and pass (or, for drafts, are on the way to passing) the same rules. The data is fake but
deterministic: parent number ``i`` is always the same person with the same children, and a parent
who already exists is skipped, so running the command again changes nothing.
"""

import hashlib
import io
import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from elections import clearance, removals, rules, second_factor, services, staging, workflow
from elections.constants import (
    INTERPRETER_MODES,
    ChildLocationKind,
    Decision,
    DeliveryMode,
    IdentityMethod,
    Relationship,
    RelationshipEvidence,
    Role,
    SignatureMethod,
    Status,
)
from elections.management.commands.load_notices import default_notice_files, load_notice_files
from elections.models import (
    Child,
    Election,
    Facility,
    FieldOffice,
    LegalServiceProvider,
    Parent,
    ParentChild,
    Removal,
    RemovalSource,
    StaffProfile,
)
from elections.selectors import election_queryset_for_rules
from elections.signature_images import clean_png

DEFAULT_PASSWORD = "formsvc-demo"
DEFAULT_PARENTS = 22

OFFICES = [
    {
        "code": "ELP",
        "name": "El Paso Field Office",
        "time_zone": "America/Denver",
        "facilities": ["El Paso Service Processing Center", "Otero County Processing Center"],
    },
    {
        "code": "SNA",
        "name": "San Antonio Field Office",
        "time_zone": "America/Chicago",
        "facilities": [
            "South Texas ICE Processing Center",
            "Karnes County Immigration Processing Center",
        ],
    },
]

# The free legal service providers each office lists on the parent's notice screen (fictional
# organisations; 555 numbers): name, telephone, languages served.
LEGAL_SERVICE_PROVIDERS = {
    "ELP": [
        ("Centro de Derechos Fronterizos (demo)", "(915) 555-0142", ["es", "en"]),
        ("Paso del Norte Immigrant Legal Aid (demo)", "(915) 555-0187", ["en", "es", "pt"]),
        ("Red Maya de Defensa Legal (demo)", "(575) 555-0116", ["es", "mam", "quc", "kjb"]),
    ],
    "SNA": [
        ("Alamo Family Defense Project (demo)", "(210) 555-0133", ["en", "es"]),
        ("Proyecto Esperanza Legal (demo)", "(210) 555-0171", ["es", "ht", "fr"]),
        ("Karnes Detention Legal Clinic (demo)", "(830) 555-0105", ["en", "es", "ar"]),
    ],
}

# username, first name, last name, role, office code, job title
STAFF = [
    ("officer", "Laura", "Benítez", Role.OFFICER, "ELP", "Deportation Officer"),
    ("witness", "Marcus", "Reed", Role.OFFICER, "ELP", "Immigration Enforcement Agent"),
    (
        "supervisor",
        "Diane",
        "Okafor",
        Role.SUPERVISOR,
        "ELP",
        "Supervisory Detention and Deportation Officer",
    ),
    ("officer2", "Daniel", "Trujillo", Role.OFFICER, "SNA", "Deportation Officer"),
    ("witness2", "Karen", "Whitfield", Role.OFFICER, "SNA", "Detention and Deportation Officer"),
    (
        "supervisor2",
        "Robert",
        "Castañeda",
        Role.SUPERVISOR,
        "SNA",
        "Supervisory Detention and Deportation Officer",
    ),
    ("auditor", "Priya", "Natarajan", Role.AUDITOR, None, "Records Compliance Auditor"),
]
# The demo accounts' second factor (supervisors and the auditor): a TOTP secret anyone can type
# into an authenticator app, as publicly known as the demo password. Base32, 20 bytes.
DEFAULT_TOTP_SECRET = "FORMSVCDEMOTOTPSECRETFORMSVCDEMO"
SECOND_FACTOR_ACCOUNTS = [u for u, _f, _l, role, *_ in STAFF if role != Role.OFFICER]
# Who presents and who witnesses in each office.
OFFICE_TEAMS = {"ELP": ("officer", "witness"), "SNA": ("officer2", "witness2")}
# Who reviews each office's elections: neither presents nor witnesses them (R7).
OFFICE_SUPERVISORS = {"ELP": "supervisor", "SNA": "supervisor2"}
RETURN_REASONS = [
    "The document checked for the parent's identity is not named: write its type and number.",
    "The relationship evidence for the second child is not described; add what was seen.",
]

WOMEN = ["María", "Ana", "Rosa", "Dina", "Glenda", "Sandra", "Yesenia", "Marta", "Elvia", "Olga"]
WOMEN_SECOND = ["Guadalupe", "Lucía", "Elena", "Marisol", "Patricia", "Isabel", "del Carmen"]
MEN = ["José", "Juan", "Carlos", "Edwin", "Santos", "Wilmer", "Óscar", "Francisco", "Mario"]
MEN_SECOND = ["Antonio", "Rolando", "Ernesto", "Alberto", "Luis", "Armando", "Enrique"]
SURNAMES = [
    "Pérez", "López", "Hernández", "García", "Martínez", "Ramírez", "Cruz", "Morales", "Reyes",
    "Chávez", "Mejía", "Castillo", "Aguilar", "Ordóñez", "Flores", "Velásquez", "Rivera",
]  # fmt: skip
MAYAN_SURNAMES = ["Tzul", "Ixcoy", "Batz", "Chumil", "Tambriz", "Cac", "Xiloj", "Pu", "Tuy"]
GIRLS = ["Emily", "Ashley", "Génesis", "Dayana", "Sofía", "Allison", "Kimberly", "Valeria"]
BOYS = ["Kevin", "Brayan", "Jefferson", "Anderson", "Josué", "Ángel", "Dylan", "Jonathan"]

PLACEMENTS = [
    (ChildLocationKind.ORR_SHELTER, "Casa Esperanza children's shelter, San Benito, Texas"),
    (ChildLocationKind.ORR_SHELTER, "Nuevo Amanecer shelter, Harlingen, Texas"),
    (ChildLocationKind.ORR_FOSTER, "Hope Harbor transitional foster care, Grand Rapids, Michigan"),
    (ChildLocationKind.SPONSOR, "With an aunt (approved sponsor), Houston, Texas"),
    (ChildLocationKind.ORR_SHELTER, "Los Cerritos shelter, Phoenix, Arizona"),
]
EVIDENCE_NOTES = {
    RelationshipEvidence.BIRTH_CERTIFICATE: "Birth certificate from the national registry seen",
    RelationshipEvidence.DNA: "Rapid DNA result in the ORR case file",
    RelationshipEvidence.ORR_RECORD: "ORR case manager confirmed the parent named by the child",
    RelationshipEvidence.CONSISTENT_STATEMENTS: "Parent and child named each other separately",
    RelationshipEvidence.NOT_VERIFIED: "",
}
IDENTITY_DOCUMENTS = {
    IdentityMethod.FINGERPRINTS: "IDENT fingerprint match to the booking record",
    IdentityMethod.PHOTO_ID: "National identity card (DPI/DUI) seen",
    IdentityMethod.BOOKING_PHOTO: "Booking photograph compared with the detainee",
    IdentityMethod.CONSULAR_DOCUMENT: "Consular identity document issued by the consulate",
}
LEGAL_CONTACT = (
    "List of free legal service providers for this facility, given on paper; the parent was "
    "shown how to call them from the housing unit telephone."
)


@dataclass(frozen=True)
class Scenario:
    """One demo parent: where, in what language, how far the record goes and what they choose."""

    office: str
    country: str
    language: str
    stage: str
    decisions: tuple[str, ...] = (Decision.REUNIFY,)
    notice_language: str | None = None
    delivery_mode: str = DeliveryMode.PARENT_READ
    parent_signs: str = SignatureMethod.DRAWN
    swap_team: bool = False
    evidence: tuple[str, ...] = field(default=())
    # After submission, the supervisor's side: "approve", "return", "resubmit" (the officer
    # corrects and submits again), "supersede" (the parent changes their mind: a new election
    # with the decisions in ``then`` is approved and replaces the first).
    review: tuple[str, ...] = ()
    then: tuple[str, ...] = ()


# Cycled through for --parents; the first twelve cover every case of the officer's flow, the next
# ten every case of the supervisor's review, in both offices.
SCENARIOS = [
    Scenario("ELP", "GT", "es", "submitted", (Decision.REUNIFY, Decision.REUNIFY)),
    Scenario("SNA", "HN", "es", "submitted", (Decision.WAIVE,), delivery_mode="officer_read"),
    Scenario(
        "ELP",
        "GT",
        "quc",
        "submitted",
        (Decision.REUNIFY, Decision.REUNIFY),
        notice_language="es",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
    ),
    Scenario("SNA", "BZ", "en", "submitted", (Decision.CONSULT,)),
    Scenario(
        "ELP",
        "GT",
        "mam",
        "submitted",
        (Decision.WAIVE, Decision.REUNIFY),
        notice_language="es",
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
        swap_team=True,
        evidence=(RelationshipEvidence.DNA, RelationshipEvidence.NOT_VERIFIED),
    ),
    Scenario(
        "SNA",
        "SV",
        "es",
        "submitted",
        (Decision.REUNIFY,),
        parent_signs=SignatureMethod.REFUSED,
    ),
    Scenario("ELP", "HN", "es", "started"),
    Scenario("SNA", "SV", "es", "children", (Decision.REUNIFY, Decision.REUNIFY)),
    Scenario(
        "ELP",
        "GT",
        "es",
        "notice",
        (Decision.REUNIFY,),
        delivery_mode=DeliveryMode.OFFICER_READ,
    ),
    Scenario("SNA", "HN", "es", "decided", (Decision.CONSULT, Decision.CONSULT)),
    Scenario("ELP", "SV", "es", "parent_signed", (Decision.WAIVE,)),
    Scenario(
        "SNA",
        "HT",
        "ht",
        "ready",
        (Decision.REUNIFY,),
        notice_language="en",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
    ),
    Scenario(
        "ELP", "GT", "es", "submitted", (Decision.REUNIFY, Decision.REUNIFY), review=("approve",)
    ),
    Scenario(
        "SNA",
        "HN",
        "es",
        "submitted",
        (Decision.WAIVE,),
        delivery_mode=DeliveryMode.OFFICER_READ,
        review=("approve",),
    ),
    Scenario("ELP", "SV", "es", "submitted", (Decision.REUNIFY,), review=("return",)),
    Scenario(
        "SNA", "GT", "es", "submitted", (Decision.WAIVE, Decision.REUNIFY), review=("return",)
    ),
    # Consult pending: approved, but nothing is final until a new election replaces it.
    Scenario("ELP", "HN", "es", "submitted", (Decision.CONSULT,), review=("approve",)),
    Scenario(
        "SNA",
        "GT",
        "quc",
        "submitted",
        (Decision.CONSULT, Decision.CONSULT),
        notice_language="es",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
        review=("approve",),
    ),
    # The parent spoke with a lawyer, or changed their mind: the first election is superseded.
    Scenario(
        "ELP",
        "GT",
        "es",
        "submitted",
        (Decision.CONSULT,),
        review=("approve", "supersede"),
        then=(Decision.REUNIFY,),
    ),
    Scenario(
        "SNA",
        "SV",
        "es",
        "submitted",
        (Decision.REUNIFY,),
        review=("approve", "supersede"),
        then=(Decision.WAIVE,),
    ),
    Scenario("ELP", "HN", "es", "submitted", (Decision.REUNIFY,), review=("return", "resubmit")),
    Scenario(
        "SNA",
        "GT",
        "es",
        "submitted",
        (Decision.WAIVE,),
        review=("return", "resubmit", "approve"),
    ),
]
# Parents whose language has its own naming customs get one fixed name.
FIXED_NAMES = {
    "ht": ("Marie", "Claudette", "Joseph", "Louis"),
    "en": ("Shanice", "Marie", "Gillett", "Young"),
}
USUAL_EVIDENCE = (
    RelationshipEvidence.BIRTH_CERTIFICATE,
    RelationshipEvidence.ORR_RECORD,
    RelationshipEvidence.CONSISTENT_STATEMENTS,
)
REFUSAL_REASON = (
    "The parent said three times that they want their child with them but will not sign any "
    "paper before talking to a lawyer."
)

INTERPRETERS = {
    "quc": ("Lucía Ixcoy Tambriz", "Contract telephone interpretation service, ID 302114"),
    "mam": ("Esteban Pérez Mejía", "Mayan Languages Interpreting Cooperative, badge 118"),
    "ht": ("Jean-Robert Pierre", "Contract telephone interpretation service, ID 288073"),
}


# --- The removal gate's demo: families the case system registered, removals as they happened ---

#: Families registered by the case system with no election yet: the officer starts from the
#: A-number (El Paso); the other was removed before any election was recorded (San Antonio).
REGISTERED_FAMILIES = [
    {
        "office": "ELP",
        "a_number": "A209000101",
        "name": "Glenda Marisol Ixcoy Batz",
        "years": 31,
        "country": "GT",
        "language": "es",
        "contact": "Mother, Candelaria Batz: +502 5521 0147, aldea Xecam, Totonicapán",
        "removed": False,
        "relationship": Relationship.MOTHER,
        "children": [
            ("A219000111", "Génesis Ixcoy Cac", 8, ChildLocationKind.ORR_SHELTER,
             "Casa Esperanza children's shelter, San Benito, Texas"),
            ("A219000112", "Josué Ixcoy Cac", 4, ChildLocationKind.ORR_FOSTER,
             "Hope Harbor transitional foster care, Grand Rapids, Michigan"),
        ],
    },
    {
        "office": "SNA",
        "a_number": "A209000202",
        "name": "Wilmer Enrique Mejía Rivera",
        "years": 36,
        "country": "HN",
        "language": "es",
        "contact": "Sister, Yesenia Mejía: +504 9876 2210, colonia Kennedy, Tegucigalpa",
        "removed": True,
        "relationship": Relationship.FATHER,
        "children": [
            ("A219000221", "Kevin Mejía Flores", 11, ChildLocationKind.SPONSOR,
             "With an aunt (approved sponsor), Houston, Texas"),
        ],
    },
]  # fmt: skip
#: A child who has turned 18, registered beside the minor sibling a cleared parent's approved
#: election covers (demo parent number 18: the consult replaced by an approved reunify).
TURNED_18 = (18, "A219000318", "Brayan", 18)
#: Removals of the scenarios' parents (by number) as a removal system would report them:
#: 12 cleared, removed without the child who was to travel with them (flagged); 13 cleared,
#: removed as the record said; 14 returned, removed with the child (flagged); 5 refused to sign,
#: removed alone (flagged).
#: The consult-pending parent whose replacing election the officer has started.
REPLACEMENT_STARTED = 16
DEMO_REMOVALS = [(12, "first_child"), (13, "alone"), (14, "every_child"), (5, "alone")]


def demo_a_number(index: int) -> str:
    """Demo parent ``index``'s A-number, drawn as ``Command._parent`` draws it."""
    rng = random.Random(f"formsvc-demo-{index}")
    return f"A20{index:04d}{rng.randint(0, 999):03d}"


def scribble_png(rng: random.Random, *, width: int = 480, height: int = 160) -> bytes:
    """A small PNG of a pen stroke, the way the signature pad sends one."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, y = rng.randint(15, 40), height // 2
    points = [(x, y)]
    while x < width - rng.randint(30, 120):
        x += rng.randint(6, 22)
        y = max(12, min(height - 12, y + rng.randint(-28, 28)))
        points.append((x, y))
    draw.line(points, fill=(15, 20, 70, 255), width=rng.choice([2, 3, 4]), joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature(rng: random.Random) -> tuple[bytes, str]:
    png = clean_png(scribble_png(rng))
    return png, hashlib.sha256(png).hexdigest()


def years_before(today: date, years: int, days: int) -> date:
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


class Command(BaseCommand):
    help = (
        "Create demo field offices, accounts (officer, officer2, supervisor, supervisor2, auditor; "
        "password from DEMO_PASSWORD or 'formsvc-demo'; supervisors and the auditor confirm with "
        "the TOTP secret from DEMO_TOTP_SECRET or the default printed at the end), the notices "
        "and realistic elections. "
        "Development only: refuses when DEBUG is off. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parents",
            type=int,
            default=DEFAULT_PARENTS,
            help=(
                f"how many demo parents (one election each, two for a parent who changed "
                f"their mind; default {DEFAULT_PARENTS})"
            ),
        )

    def handle(self, *args, parents: int, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a publicly known password, so it only runs "
                "with DEBUG on (development). Refusing because DEBUG is off."
            )
        if parents < 0 or parents > 9999:
            raise CommandError("--parents must be between 0 and 9999.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        totp_secret = os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET
        try:
            totp_key = second_factor.hex_key_from_base32(totp_secret)
        except ValueError:
            raise CommandError(
                "DEMO_TOTP_SECRET must be base32 (letters A-Z, digits 2-7)."
            ) from None
        with transaction.atomic():
            load_notice_files(default_notice_files(), write=self.stdout.write)
            offices = self._offices()
            users = self._staff(offices, password, totp_key)
            created = 0
            for index in range(parents):
                if self._parent(index, offices, users, password):
                    created += 1
            # The gate's demo builds on every scenario: only with the whole set of parents.
            if parents >= len(SCENARIOS):
                self._gate(offices, password)
        counts = {}
        for status in Election.objects.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} new demo parent(s); elections: {summary}. "
                f"Accounts: {', '.join(u for u, *_ in STAFF)}."
            )
        )
        self.stdout.write(
            f"Second factor of {', '.join(SECOND_FACTOR_ACCOUNTS)}: TOTP secret "
            f"{totp_secret} (add it to an authenticator app, or: oathtool --totp -b {totp_secret})."
        )
        self.stdout.write(clearance_summary())

    # --- reference data ---------------------------------------------------------------------

    def _offices(self) -> dict[str, FieldOffice]:
        offices = {}
        for spec in OFFICES:
            office, created = FieldOffice.objects.get_or_create(
                code=spec["code"], defaults={"name": spec["name"], "time_zone": spec["time_zone"]}
            )
            if created:
                self.stdout.write(f"field office {office.code}: created")
            for name in spec["facilities"]:
                Facility.objects.get_or_create(office=office, name=name)
            providers = LEGAL_SERVICE_PROVIDERS.get(office.code, [])
            for order, (name, telephone, languages) in enumerate(providers, start=1):
                LegalServiceProvider.objects.get_or_create(
                    office=office,
                    name=name,
                    defaults={"telephone": telephone, "languages": languages, "order": order},
                )
            offices[office.code] = office
        return offices

    def _staff(self, offices, password: str, totp_key: str) -> dict:
        User = get_user_model()
        # One hash for every demo account: they share the password anyway, and hashing it once
        # keeps the command fast with the production hasher.
        encoded = None
        users = {}
        for username, first, last, role, office_code, title in STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                encoded = encoded or make_password(password)
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@formsvc.example",
                    is_staff=role == Role.SUPERVISOR,
                    password=encoded,
                )
                user.save()
                self.stdout.write(f"user {username}: created ({role})")
            StaffProfile.objects.get_or_create(
                user=user,
                defaults={
                    "role": role,
                    "office": offices[office_code] if office_code else None,
                    "job_title": title,
                },
            )
            if second_factor.required_for(user):
                # Supervisors and the auditor sign in with a second factor: the demo's known one.
                second_factor.set_totp(user, totp_key)
            users[username] = user
        return users

    # --- one demo parent --------------------------------------------------------------------

    def _parent(self, index: int, offices, users, password: str) -> bool:
        """Create demo parent ``index`` and their election; False if they already exist."""
        scenario = SCENARIOS[index % len(SCENARIOS)]
        rng = random.Random(f"formsvc-demo-{index}")
        a_number = f"A20{index:04d}{rng.randint(0, 999):03d}"
        if Parent.objects.filter(a_number=a_number).exists():
            return False
        presenter, witness = OFFICE_TEAMS[scenario.office]
        if scenario.swap_team:
            presenter, witness = witness, presenter
        officer = users[presenter]
        plan = demo_plan(
            scenario,
            index=index,
            a_number=a_number,
            rng=rng,
            office=offices[scenario.office],
            witness=users[witness],
            password=password,
        )
        election = self._build(officer, plan, scenario.stage)
        supervisor = users[OFFICE_SUPERVISORS[scenario.office]]
        for step in scenario.review:
            election = REVIEW_STEPS[step](
                self,
                election,
                index=index,
                officer=officer,
                supervisor=supervisor,
                password=password,
                then=scenario.then,
                rng=rng,
            )
        return True

    def _build(self, officer, plan: staging.ElectionPlan, stage: str) -> Election:
        try:
            return staging.election_build(actor=officer, plan=plan, stage=stage)
        except ValidationError as error:
            if not staging.stage_reached(stage, "ready"):
                raise
            raise CommandError(
                f"{officer.get_username()} could not record a demo election: "
                f"{' '.join(error.messages)} "
                "(were the demo accounts created with another DEMO_PASSWORD?)"
            ) from error

    # --- the supervisor's side ----------------------------------------------------------------

    def _approve(self, election, *, supervisor, password: str, **_context) -> Election:
        """Approved as the review page does: every warning acknowledged, attested, signed."""
        election = election_queryset_for_rules().get(pk=election.pk)
        workflow.election_approve(
            election=election,
            actor=supervisor,
            password=password,
            attestation_confirmed=True,
            acknowledged_warnings=[warning.code for warning in rules.warnings(election)],
        )
        return election

    def _return(self, election, *, index: int, supervisor, **_context) -> Election:
        workflow.election_return(
            election=election, actor=supervisor, reason=RETURN_REASONS[index % 2]
        )
        return election

    def _correct_and_resubmit(self, election, *, officer, **_context) -> Election:
        election = election_queryset_for_rules().get(pk=election.pk)
        services.election_update_parent(
            election=election,
            actor=officer,
            parent=staging.parent_data(election.parent),
            facility=election.facility,
            identity_method=election.identity_method,
            identity_document=f"{election.identity_document}; document no. 0417-2291-0301",
        )
        workflow.election_submit(election=election, actor=officer)
        return election

    def _supersede(self, first, *, officer, supervisor, password: str, then, rng, **_context):
        """The parent changed their mind: the officer records a new election for the same parent
        and children, with the same notice, and submits it; approved, it replaces ``first``."""
        first = election_queryset_for_rules().get(pk=first.pk)
        plan = staging.plan_again(
            first,
            decisions=then,
            legal_contact=LEGAL_CONTACT,
            signature_image=lambda _role: signature(rng),
            password=password,
        )
        replacement = self._build(officer, plan, "submitted")
        return self._approve(replacement, supervisor=supervisor, password=password)

    # --- the removal gate ------------------------------------------------------------------------

    def _gate(self, offices, password: str) -> None:
        """Registered families with no election, a child who has turned 18, a replacement in
        progress and removals, flagged and not; each skipped when it is already there."""
        today = timezone.localdate()
        self._replacement_started(password)
        for family in REGISTERED_FAMILIES:
            parent = self._registered_family(family, offices, today)
            if family["removed"]:
                self._removal(parent, office=offices[family["office"]], taken=[])
        index, a_number, first_name, years = TURNED_18
        parent = Parent.objects.get(a_number=demo_a_number(index))
        link = parent.child_links.select_related("child").first()
        surname = link.child.full_name.split(" ", 1)[1]
        adult, _created = Child.objects.get_or_create(
            a_number=a_number,
            defaults={
                "full_name": f"{first_name} {surname}",
                "date_of_birth": years_before(today, years, 40),
                "location_kind": ChildLocationKind.OTHER,
                "location_name": "Adult detention, Otero County Processing Center",
            },
        )
        ParentChild.objects.get_or_create(
            parent=parent,
            child=adult,
            defaults={
                "relationship": link.relationship,
                "evidence": RelationshipEvidence.ORR_RECORD,
                "evidence_note": "Case system record of the family",
            },
        )
        for index, taken in DEMO_REMOVALS:
            parent = Parent.objects.get(a_number=demo_a_number(index))
            election = Election.objects.filter(parent=parent).order_by("-created_at").first()
            known = [
                item.child
                for item in election.covered.select_related("child").order_by("position")
                if item.child.a_number
            ]
            chosen = {"alone": [], "first_child": known[:1], "every_child": known}[taken]
            self._removal(parent, office=election.office, taken=chosen)

    def _replacement_started(self, password: str) -> None:
        """Demo parent 16 spoke with a lawyer after the consult was approved: the officer has
        started the election that will replace it (the children entered, nothing decided)."""
        parent = Parent.objects.get(a_number=demo_a_number(REPLACEMENT_STARTED))
        first = Election.objects.get(parent=parent, status=Status.APPROVED)
        if Election.objects.filter(supersedes=first).exists():
            return
        rng = random.Random(f"formsvc-demo-replacement-{REPLACEMENT_STARTED}")
        plan = staging.plan_again(
            election_queryset_for_rules().get(pk=first.pk),
            decisions=(Decision.REUNIFY,),
            legal_contact=LEGAL_CONTACT,
            signature_image=lambda _role: signature(rng),
            password=password,
        )
        self._build(first.presented_by, plan, "children")

    def _registered_family(self, family: dict, offices, today) -> Parent:
        office = offices[family["office"]]
        parent, created = Parent.objects.get_or_create(
            a_number=family["a_number"],
            defaults={
                "full_name": family["name"],
                "date_of_birth": years_before(today, family["years"], 77),
                "country_of_citizenship": family["country"],
                "primary_language": family["language"],
                "home_country_contact": family["contact"],
                "registered_at": timezone.now(),
                "registered_office": office,
            },
        )
        if created:
            self.stdout.write(f"registered family {parent.a_number_display}: created")
        relationship = family["relationship"]
        for a_number, name, years, kind, place in family["children"]:
            child, _created = Child.objects.get_or_create(
                a_number=a_number,
                defaults={
                    "full_name": name,
                    "date_of_birth": years_before(today, years, 120),
                    "location_kind": kind,
                    "location_name": place,
                },
            )
            ParentChild.objects.get_or_create(
                parent=parent,
                child=child,
                defaults={
                    "relationship": relationship,
                    "evidence": RelationshipEvidence.ORR_RECORD,
                    "evidence_note": EVIDENCE_NOTES[RelationshipEvidence.ORR_RECORD],
                },
            )
        return parent

    def _removal(self, parent: Parent, *, office, taken) -> None:
        if Removal.objects.filter(parent=parent).exists():
            return
        removal = removals.record_removal(
            data=removals.RemovalData(
                a_number=parent.a_number,
                removed_on=timezone.localdate(timezone=office.tz),
                office_code=office.code,
                children_removed=[child.a_number for child in taken],
            ),
            source=RemovalSource.IMPORT,
        )
        flags = ", ".join(flag["code"] for flag in removal.flags) or "matches the clearance"
        self.stdout.write(f"removal of {parent.a_number_display}: recorded ({flags})")


def clearance_summary() -> str:
    """How many parents are cleared and why the others are not, as ``manage.py clearance``
    would answer for each."""
    cleared, blocked, notes = 0, {}, {}
    for parent in Parent.objects.order_by("a_number"):
        answer = clearance.parent_clearance(parent)
        cleared += answer.cleared
        codes = {r for child in answer.children for r in child.reasons} | set(answer.reasons)
        for code in codes:
            target = notes if code in clearance.NOTES else blocked
            target[code.value] = target.get(code.value, 0) + 1
    flagged = Removal.objects.flagged().count()
    return (
        f"Clearance: {cleared} parent(s) cleared; blocked by: "
        + (", ".join(f"{code} {n}" for code, n in sorted(blocked.items())) or "nothing")
        + "; noted: "
        + (", ".join(f"{code} {n}" for code, n in sorted(notes.items())) or "nothing")
        + f". Removals: {Removal.objects.count()} recorded, {flagged} flagged."
    )


#: What the supervisor (or the officer, after a return) does next, by a scenario's review step.
REVIEW_STEPS = {
    "approve": Command._approve,
    "return": Command._return,
    "resubmit": Command._correct_and_resubmit,
    "supersede": Command._supersede,
}


def demo_plan(
    scenario: Scenario, *, index: int, a_number: str, rng, office, witness, password: str
) -> staging.ElectionPlan:
    """Demo parent ``index``, drawn from ``rng``: a name that fits their language, their children
    with a placement and evidence each, and the interpreter their delivery mode needs."""
    today = timezone.localdate()
    woman = rng.random() < 0.6
    mayan = scenario.language in ("quc", "mam")
    first = rng.choice(WOMEN if woman else MEN)
    second = rng.choice(WOMEN_SECOND if woman else MEN_SECOND)
    surname1 = rng.choice(MAYAN_SURNAMES if mayan else SURNAMES)
    surname2 = rng.choice([s for s in SURNAMES if s != surname1])
    # The children's second surname is the other parent's, the same for all siblings.
    family_surname = rng.choice([s for s in SURNAMES if s != surname1])
    if scenario.language in FIXED_NAMES:
        first, second, surname1, surname2 = FIXED_NAMES[scenario.language]
        woman = True
    parent = services.ParentData(
        a_number=a_number,
        full_name=f"{first} {second} {surname1} {surname2}",
        date_of_birth=years_before(today, rng.randint(22, 44), rng.randint(0, 364)),
        country_of_citizenship=scenario.country,
        primary_language=scenario.language,
    )
    method = rng.choice(list(IdentityMethod))
    facility = rng.choice(list(office.facilities.all()))
    relationship = Relationship.MOTHER if woman else Relationship.FATHER
    return staging.ElectionPlan(
        parent=parent,
        signature_image=lambda _role: signature(rng),
        facility=facility,
        identity_method=method,
        identity_document=IDENTITY_DOCUMENTS[method],
        children=demo_children(
            scenario,
            index=index,
            rng=rng,
            today=today,
            surname=f"{surname1} {family_surname}",
            relationship=relationship,
        ),
        notice_language=scenario.notice_language or scenario.language,
        delivery_mode=scenario.delivery_mode,
        interpreter=demo_interpreter(scenario, rng),
        witness=witness,
        decisions=scenario.decisions,
        legal_contact=LEGAL_CONTACT,
        parent_signs=scenario.parent_signs,
        refusal_reason=REFUSAL_REASON,
        password=password,
    )


def demo_children(scenario, *, index, rng, today, surname, relationship):
    """One child per decision of the scenario, siblings with distinct first names."""
    children, used = [], set()
    for position in range(len(scenario.decisions)):
        girl = rng.random() < 0.5
        name = rng.choice([n for n in (GIRLS if girl else BOYS) if n not in used])
        used.add(name)
        kind, place = rng.choice(PLACEMENTS)
        evidence = (
            scenario.evidence[position]
            if position < len(scenario.evidence)
            else rng.choice(USUAL_EVIDENCE)
        )
        known_a_number = rng.random() < 0.8
        children.append(
            services.ChildData(
                full_name=f"{name} {surname}",
                date_of_birth=years_before(today, rng.randint(1, 16), rng.randint(0, 364)),
                a_number=(
                    f"A21{index:04d}{position}{rng.randint(0, 99):02d}" if known_a_number else None
                ),
                location_kind=kind,
                location_name=place,
                relationship=relationship,
                evidence=evidence,
                evidence_note=EVIDENCE_NOTES[evidence],
            )
        )
    return children


def demo_interpreter(scenario, rng) -> services.InterpreterData | None:
    """The interpreter a delivery mode needs, interpreting into the parent's language (R4)."""
    if scenario.delivery_mode not in INTERPRETER_MODES:
        return None
    name, employer = INTERPRETERS[scenario.language]
    telephone = scenario.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
    return services.InterpreterData(
        full_name=name,
        id_or_employer=employer,
        language=scenario.language,
        operator_id=f"OP-{rng.randint(10000, 99999)}" if telephone else "",
    )
