"""The removal gate: the systems that ask formsvc before a removal, and what they told it.

``ApiToken`` is a service account's bearer token: only its SHA-256 is stored, with the scopes it
carries and the field office it is limited to. ``Removal`` is a removal that happened, as the
removing system reported it, with the clearance formsvc would have given at that moment and the
flags where the two disagree; removals are append-only, since they happened. A
``RegistryDiscrepancy`` is a fact the case system reported that contradicts what formsvc holds
(another date of birth): it never overwrites the record; the officer resolves it on the tablet.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .locking import audit_history
from .records import Child, Election, FieldOffice, Parent

#: What a token may be used for (DESIGN.md §7).
API_SCOPES = ("clearance:read", "records:read", "removals:write", "family_units:write")

#: A token as handed out: this prefix, then 40 URL-safe characters.
TOKEN_PREFIX = "fsv_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token of one service account. The token itself is shown once and never stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("service account"),
    )
    name = models.CharField(_("what it is for"), max_length=200, blank=True)
    # The first characters of the token, to recognise it in a list; not enough to use it.
    key_prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    office = models.ForeignKey(
        FieldOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("limited to field office"),
        help_text=_("Empty: every field office."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user.get_username()})"

    @classmethod
    def issue(cls, *, user, scopes, office=None, name: str = "") -> tuple["ApiToken", str]:
        """A new token for ``user``; returns the row and the token, which is never seen again."""
        unknown = set(scopes) - set(API_SCOPES)
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
        token = cls.objects.create(
            user=user,
            name=name,
            key_prefix=raw[:10],
            key_sha256=token_digest(raw),
            scopes=sorted(set(scopes)),
            office=office,
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class RemovalFlag(models.TextChoices):
    """Where a reported removal disagrees with what the record allowed."""

    NOT_CLEARED = "not_cleared", _("Removed without clearance")
    REUNIFY_LEFT_BEHIND = (
        "reunify_left_behind",
        _("A child to be removed with the parent was left behind"),
    )
    WAIVE_TAKEN = "waive_taken", _("A child to stay in the United States was taken")
    BLOCKED_TAKEN = "blocked_taken", _("A child with no final approved choice was taken")


class RemovalSource(models.TextChoices):
    API = "api", _("Reported by a removal system")
    IMPORT = "import", _("Imported from historical data")


class RemovalIsAppendOnly(PermissionDenied):
    def __init__(self):
        self.message = _("A recorded removal can never be changed or deleted.")
        super().__init__(str(self.message))


#: A removal with at least one flag (``RemovalQuerySet.flagged``; counted as such by the audit).
FLAGGED = ~Q(flags=[])


class RemovalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RemovalIsAppendOnly

    def _update(self, values):
        raise RemovalIsAppendOnly

    def delete(self):
        raise RemovalIsAppendOnly

    def flagged(self):
        return self.filter(FLAGGED)


class Removal(models.Model):
    """A parent's removal, as it happened, checked against the clearance of that moment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    parent = models.ForeignKey(
        Parent, on_delete=models.PROTECT, related_name="removals", verbose_name=_("parent")
    )
    removed_on = models.DateField(_("removal date"))
    office = models.ForeignKey(
        FieldOffice,
        on_delete=models.PROTECT,
        related_name="removals",
        verbose_name=_("removing office"),
    )
    children_removed = models.ManyToManyField(
        Child,
        related_name="removals",
        blank=True,
        verbose_name=_("children removed with the parent"),
    )
    # The approved election that stood when the removal was recorded, if any.
    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="removals",
        verbose_name=_("election in force"),
    )
    # The clearance answer formsvc gave for the parent when the removal was recorded.
    clearance = models.JSONField(_("clearance at the time"), default=dict)
    cleared = models.BooleanField(_("cleared at the time"), default=False)
    # [{"code": RemovalFlag, "child": A-number or "", "detail": English sentence}]
    flags = models.JSONField(_("flags"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=RemovalSource.choices)
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported with token"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = RemovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("removal")
        verbose_name_plural = _("removals")
        ordering = ["-removed_on", "-recorded_at"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["parent", "removed_on"], name="removal_once_a_day")
        ]
        indexes = [models.Index(fields=["removed_on"], name="removal_date_idx")]

    def __str__(self) -> str:
        return f"{self.parent.a_number_display} {self.removed_on.isoformat()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RemovalIsAppendOnly
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RemovalIsAppendOnly

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)


class DiscrepancyResolution(models.TextChoices):
    KEPT = "kept", _("What formsvc recorded is right")
    ACCEPTED = "accepted", _("What the case system reported is right")


class RegistryDiscrepancy(models.Model):
    """A fact reported by the case system that contradicts the record; resolved by an officer."""

    parent = models.ForeignKey(
        Parent, on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("parent")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discrepancies",
        verbose_name=_("child"),
    )
    # A field of Parent, Child or ParentChild, by name (``full_name``, ``date_of_birth``, ...).
    field = models.CharField(_("field"), max_length=40)
    recorded_value = models.CharField(_("recorded"), max_length=300, blank=True)
    reported_value = models.CharField(_("reported by the case system"), max_length=300)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now, editable=False)
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported with token"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=8, choices=DiscrepancyResolution.choices, blank=True
    )
    history = audit_history()

    class Meta:
        verbose_name = _("discrepancy with the case system")
        verbose_name_plural = _("discrepancies with the case system")
        ordering = ["reported_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolution="")
                | (Q(resolved_at__isnull=False) & ~Q(resolution="")),
                name="discrepancy_resolution_is_stamped",
            ),
            # One open discrepancy per fact and reported value: a repeated report adds nothing.
            models.UniqueConstraint(
                fields=["parent", "field", "reported_value"],
                condition=Q(resolved_at__isnull=True, child__isnull=True),
                name="discrepancy_open_once_parent",
            ),
            models.UniqueConstraint(
                fields=["child", "field", "reported_value"],
                condition=Q(resolved_at__isnull=True, child__isnull=False),
                name="discrepancy_open_once_child",
            ),
        ]

    def __str__(self) -> str:
        who = self.child or self.parent
        return f"{who}: {self.field} {self.recorded_value!r} / {self.reported_value!r}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
