"""The election record: who the parent is, which children it covers, what the parent was told,
what they chose for each child, and who signed.

Every model keeps its history (django-simple-history). Status is never written here: only
``elections.workflow`` changes it.
"""

import hashlib
import json
import uuid
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elections.constants import (
    EDITABLE_STATUSES,
    LOCKED_STATUSES,
    ChildLocationKind,
    Decision,
    DeliveryMode,
    IdentityMethod,
    Relationship,
    RelationshipEvidence,
    Role,
    SignatureMethod,
    SignatureRole,
    Status,
)
from elections.identifiers import A_NUMBER_PATTERN, format_a_number
from elections.names import search_key

from .locking import (
    ElectionQuerySet,
    ElectionRowQuerySet,
    LockedElectionGuard,
    LockedElectionRowGuard,
    NoticeVersionGuard,
    NoticeVersionQuerySet,
    audit_history,
)

a_number_validator = RegexValidator(
    A_NUMBER_PATTERN, _("An A-number is stored as the letter A followed by nine digits.")
)


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def _workflow_stamp_user(verbose_name):
    """Who made a workflow transition: set only by ``elections.workflow``, never by a form."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=verbose_name,
    )


class FieldOffice(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    history = audit_history()

    class Meta:
        verbose_name = _("field office")
        verbose_name_plural = _("field offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Facility(models.Model):
    office = models.ForeignKey(
        FieldOffice, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("office")
    )
    name = models.CharField(_("name"), max_length=200)
    history = audit_history()

    class Meta:
        verbose_name = _("detention facility")
        verbose_name_plural = _("detention facilities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="facility_unique_per_office")
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """What a signed-in user is allowed to do, and where."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    office = models.ForeignKey(
        FieldOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("field office"),
    )
    job_title = models.CharField(_("job title"), max_length=120)
    history = audit_history()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            # Auditors work across every office; everyone else belongs to exactly one.
            models.CheckConstraint(
                condition=Q(role=Role.AUDITOR, office__isnull=True)
                | (~Q(role=Role.AUDITOR) & Q(office__isnull=False)),
                name="staff_office_matches_role",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()})"
        )


class Parent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    a_number = models.CharField(
        _("A-number"), max_length=10, unique=True, validators=[a_number_validator]
    )
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"))
    country_of_citizenship = models.CharField(_("country of citizenship"), max_length=2)
    primary_language = models.CharField(_("primary language"), max_length=8)
    # Where the parent can be reached after removal, as the case system holds it (Recommendation 2).
    home_country_contact = models.TextField(_("contact details in the home country"), blank=True)
    # When the case system registered the family (``elections.intake``); empty if typed in.
    registered_at = models.DateTimeField(_("registered by the case system"), null=True, blank=True)
    registered_office = models.ForeignKey(
        FieldOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field office it was registered with"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The name as the auditor's search compares it (``elections.names.search_key``), kept by
    # ``save``; derived, so the history and the sealed record leave it out.
    search_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    history = audit_history(
        excluded_fields=["search_name"], no_db_index=["a_number", "registered_office"]
    )

    class Meta:
        verbose_name = _("parent")
        verbose_name_plural = _("parents")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_number__regex=A_NUMBER_PATTERN), name="parent_a_number_normalised"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.a_number_display})"

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def a_number_display(self) -> str:
        return format_a_number(self.a_number)


class Child(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    a_number = models.CharField(
        _("A-number"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[a_number_validator],
    )
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"))
    location_kind = models.CharField(
        _("where the child is held"), max_length=16, choices=ChildLocationKind.choices
    )
    location_name = models.CharField(_("name and city of the placement"), max_length=200)
    # The name as the auditor's search compares it (``elections.names.search_key``), kept by
    # ``save``; derived, so the history and the sealed record leave it out.
    search_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    history = audit_history(excluded_fields=["search_name"], no_db_index=["a_number"])

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_number__isnull=True) | Q(a_number__regex=A_NUMBER_PATTERN),
                name="child_a_number_normalised",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def a_number_display(self) -> str:
        return format_a_number(self.a_number or "")


class ParentChild(models.Model):
    """The relationship between a parent and a child, and how it was verified (R2)."""

    parent = models.ForeignKey(Parent, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="parent_links")
    relationship = models.CharField(
        _("relationship to the parent"), max_length=16, choices=Relationship.choices
    )
    evidence = models.CharField(
        _("how the relationship was verified"),
        max_length=24,
        choices=RelationshipEvidence.choices,
    )
    evidence_note = models.CharField(_("verification details"), max_length=300, blank=True)
    history = audit_history(no_db_index=["parent", "child"])

    class Meta:
        verbose_name = _("parent and child")
        verbose_name_plural = _("parents and children")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="parent_child_unique")
        ]

    def __str__(self) -> str:
        return f"{self.child} ({self.get_relationship_display()})"

    @property
    def is_verified(self) -> bool:
        return self.evidence != RelationshipEvidence.NOT_VERIFIED


class NoticeVersion(NoticeVersionGuard):
    """One exact wording of the notice, in one language (R3).

    The record proves which text the parent was shown by the version's id and the SHA-256 of its
    content. Once a version has been shown to anyone its content never changes; new wording is a
    new version.
    """

    language = models.CharField(_("language"), max_length=8)
    version = models.CharField(_("version"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("notice text"))
    option_reunify = models.TextField(_("text of the option to take the child"))
    option_waive = models.TextField(_("text of the option to leave the child"))
    option_consult = models.TextField(_("text of the option to speak with a lawyer"))
    legal_help = models.TextField(_("how to reach legal help"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, editable=False)
    is_current = models.BooleanField(_("offered for new elections"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    first_shown_at = models.DateTimeField(_("first shown to a parent"), null=True, editable=False)
    history = audit_history()

    objects = NoticeVersionQuerySet.as_manager()

    CONTENT_FIELDS = (
        "language",
        "version",
        "title",
        "body",
        "option_reunify",
        "option_waive",
        "option_consult",
        "legal_help",
    )

    class Meta:
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        ordering = ["language", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["language", "version"], name="notice_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.version}"

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def compute_sha256(self) -> str:
        canonical = json.dumps(self.content(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def option_text(self, decision: str) -> str:
        return getattr(self, f"option_{decision}")

    @property
    def is_intact(self) -> bool:
        return self.sha256 == self.compute_sha256()


#: The approval queue's order of statuses: what needs the supervisor now comes first.
QUEUE_ORDER = (
    Status.SUBMITTED,
    Status.RETURNED,
    Status.APPROVED,
    Status.DRAFT,
    Status.SUPERSEDED,
    Status.VOID,
)


def election_queue_rank() -> models.Case:
    """An election's place in the approval queue by status (``QUEUE_ORDER``). The queue orders by
    it and an index holds it, so the first page is read from the index at any size."""
    return models.Case(
        *(
            models.When(status=status, then=models.Value(rank))
            for rank, status in enumerate(QUEUE_ORDER)
        ),
        default=models.Value(len(QUEUE_ORDER)),
        output_field=models.IntegerField(),
    )


def election_reference(election_id: uuid.UUID) -> str:
    """``Election.reference`` from the id alone (a list that reads values, not models)."""
    return f"E-{election_id.hex[:8].upper()}"


class Election(LockedElectionGuard):
    """One parent's election for the children it covers, from draft to approval (§4).

    Approved, superseded and void elections are locked (R9, ``locking.py``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(
        FieldOffice, on_delete=models.PROTECT, related_name="elections", verbose_name=_("office")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elections",
        verbose_name=_("detention facility"),
    )
    parent = models.ForeignKey(
        Parent, on_delete=models.PROTECT, related_name="elections", verbose_name=_("parent")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    presented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="presented_elections",
        verbose_name=_("presenting officer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    # R1: how the parent's identity was established, and by whom.
    identity_method = models.CharField(
        _("how identity was verified"), max_length=24, choices=IdentityMethod.choices, blank=True
    )
    identity_document = models.CharField(
        _("document or record checked"), max_length=200, blank=True
    )
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identity verified by"),
    )
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)

    # R3/R4/R10: the notice, its language, how it was delivered.
    notice_language = models.CharField(_("notice language"), max_length=8, blank=True)
    notice_version = models.ForeignKey(
        NoticeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice shown"),
    )
    notice_version_en = models.ForeignKey(
        NoticeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("English notice shown beside it"),
    )
    delivery_mode = models.CharField(
        _("how the notice was delivered"), max_length=24, choices=DeliveryMode.choices, blank=True
    )
    notice_delivered_at = models.DateTimeField(_("notice delivered at"), null=True, blank=True)

    # R5: the lawyer or legal service the parent was told about when they chose to consult.
    legal_contact_given = models.TextField(_("legal contact given to the parent"), blank=True)

    # R6: the staff member who witnessed; never the presenting officer.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="witnessed_elections",
        verbose_name=_("witness"),
    )

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = _workflow_stamp_user(_("submitted by"))
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True, editable=False)
    returned_by = _workflow_stamp_user(_("returned by"))
    return_reason = models.TextField(_("reason for return"), blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_by = _workflow_stamp_user(_("approved by"))
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True, editable=False)
    voided_by = _workflow_stamp_user(_("voided by"))
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)
    # R7/R13: what the approving supervisor confirmed: the attestation sentence, in English as
    # stored, and every warning they acknowledged (rule, code and message).
    approval_attestation = models.TextField(
        _("attestation confirmed at approval"), blank=True, editable=False
    )
    acknowledged_warnings = models.JSONField(
        _("warnings acknowledged at approval"), default=list, blank=True, editable=False
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True, editable=False)
    # R9: a changed decision is a new election that replaces this one when it is approved.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces election"),
    )

    history = audit_history(
        no_db_index=[
            "office",
            "facility",
            "parent",
            "presented_by",
            "identity_verified_by",
            "witness",
            "notice_version",
            "notice_version_en",
            "submitted_by",
            "returned_by",
            "approved_by",
            "voided_by",
            "supersedes",
        ]
    )

    objects = ElectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-created_at"]
        # Model.save() updates through the base manager: it must be the guarded one.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["office", "status", "submitted_at"], name="election_queue_idx"),
            # The queue's own order (selectors.election_queue and the admin's -pk tie-break).
            models.Index(
                models.F("office"),
                election_queue_rank(),
                models.F("submitted_at"),
                models.F("created_at"),
                models.F("id").desc(),
                name="election_queue_order_idx",
            ),
            models.Index(fields=["presented_by", "status"], name="election_officer_idx"),
            # The auditor's list, read a page at a time by its sort column then id (keyset).
            models.Index(fields=["created_at", "id"], name="election_created_key_idx"),
            models.Index(fields=["submitted_at", "id"], name="election_submitted_key_idx"),
            models.Index(fields=["approved_at", "id"], name="election_approved_key_idx"),
            # The auditor's name search: a matching parent's elections with their default sort
            # key, read from the index alone (no election row is visited for a non-page match).
            models.Index(fields=["parent", "created_at", "id"], name="election_parent_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(witness=models.F("presented_by")),
                name="election_witness_is_not_presenter",
                violation_error_message=_("The witness cannot be the presenting officer."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="election_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="election_approved_is_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SUBMITTED) | Q(submitted_at__isnull=False),
                name="election_submitted_is_stamped",
            ),
            # R7: separation of duties, held by the database as well as by the workflow.
            models.CheckConstraint(
                condition=~Q(approved_by=models.F("presented_by"))
                & ~Q(approved_by=models.F("witness")),
                name="election_approver_neither_presented_nor_witnessed",
                violation_error_message=_(
                    "A supervisor cannot approve an election they presented or witnessed."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(returned_by=models.F("presented_by"))
                & ~Q(returned_by=models.F("witness")),
                name="election_returner_neither_presented_nor_witnessed",
                violation_error_message=_(
                    "A supervisor cannot return an election they presented or witnessed."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.APPROVED, Status.SUPERSEDED])
                | (
                    Q(approved_at__isnull=False, approved_by__isnull=False)
                    & ~Q(approval_attestation="")
                ),
                name="election_approval_is_attested",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SUPERSEDED) | Q(superseded_at__isnull=False),
                name="election_superseded_is_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RETURNED)
                | (Q(returned_at__isnull=False, returned_by__isnull=False) & ~Q(return_reason="")),
                name="election_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A short reference an officer can read aloud: the first eight hex digits of the id."""
        return election_reference(self.id)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def uses_interpreter(self) -> bool:
        from elections.constants import INTERPRETER_MODES

        return self.delivery_mode in INTERPRETER_MODES


class ElectionChild(LockedElectionRowGuard):
    """One child covered by an election, and the parent's decision for that child (R2, R5)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="covered")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="elections_covering")
    # R11: NULL until the parent chooses on the parent-facing screen; never a default, and never
    # an empty string that could be mistaken for a choice.
    decision = models.CharField(  # noqa: DJ001
        _("decision"), max_length=8, choices=Decision.choices, null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = audit_history(no_db_index=["child"])

    objects = ElectionRowQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("child covered")
        verbose_name_plural = _("children covered")
        ordering = ["position", "id"]
        # The auditor's name search: the elections covering a matching child, from the index.
        indexes = [models.Index(fields=["child", "election"], name="election_child_by_child_idx")]
        constraints = [
            models.UniqueConstraint(fields=["election", "child"], name="election_child_unique"),
            models.CheckConstraint(
                condition=Q(decision__isnull=True, decided_at__isnull=True)
                | Q(decision__isnull=False, decided_at__isnull=False),
                name="election_child_decision_is_timed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_decision_display() or '-'}"


class Interpreter(LockedElectionRowGuard):
    """The interpreter through whom the parent heard the notice (R4)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="interpreter")
    full_name = models.CharField(_("interpreter's full name"), max_length=200)
    id_or_employer = models.CharField(_("interpreter ID number or employer"), max_length=200)
    language = models.CharField(_("language interpreted into"), max_length=8)
    operator_id = models.CharField(_("telephone operator ID"), max_length=64, blank=True)
    history = audit_history()

    objects = ElectionRowQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")

    def __str__(self) -> str:
        return self.full_name


class Signature(LockedElectionRowGuard):
    """A signature, a witnessed mark, a refusal, or a staff member's authenticated act (R6)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("role"), max_length=16, choices=SignatureRole.choices)
    method = models.CharField(_("how"), max_length=16, choices=SignatureMethod.choices)
    printed_name = models.CharField(_("printed name"), max_length=200)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in as"),
    )
    # Re-encoded PNG of the drawn signature or mark; kept in the database with the record.
    image = models.BinaryField(_("signature image"), null=True, blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True)
    password_confirmed = models.BooleanField(_("confirmed with password"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    meaning = models.TextField(_("what this signature means"))
    meaning_translated = models.TextField(_("what this signature means, as shown"), blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    # The parent's signature covers exactly the notice and decisions on the page it was drawn
    # on: rules.parent_consent_digest of the record at that moment (R6). Derived from tracked
    # fields, so the history leaves it out; the sealed snapshot carries it.
    covers_sha256 = models.CharField(_("covers (SHA-256)"), max_length=64, blank=True)
    history = audit_history(excluded_fields=["image", "covers_sha256"], no_db_index=["signer"])

    objects = ElectionRowQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["election", "role"], name="signature_one_per_role"),
            models.CheckConstraint(
                condition=~Q(method__in=[SignatureMethod.DRAWN, SignatureMethod.MARK])
                | Q(image__isnull=False),
                name="signature_drawn_has_image",
            ),
            models.CheckConstraint(
                condition=~Q(method__in=[SignatureMethod.REFUSED, SignatureMethod.UNABLE])
                | ~Q(reason=""),
                name="signature_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.printed_name}"
