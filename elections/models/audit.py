"""What auditors looked at, and the bulk exports they asked for.

``AccessLog`` is append-only: every page an auditor opens, every PDF they download, every export
and every verification is one row (who, what, when, from where) that nobody can change or
delete. The model and its queryset refuse updates and deletes; on PostgreSQL a trigger refuses
them again for raw SQL (migration ``audit`` RunPython).

``ExportJob`` is a bulk export running in the background (``elections.audit.tasks``): what was asked,
how far it is, and where the finished ZIP is until its link expires.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .records import Election


class AccessLogIsAppendOnly(PermissionDenied):
    """A write that would change or remove what an auditor was recorded doing."""

    def __init__(self):
        self.message = _("The access log is append-only: an entry can never change or be removed.")
        super().__init__(str(self.message))


class AccessAction(models.TextChoices):
    PAGE = "page", _("Opened a page")
    PDF = "pdf", _("Downloaded a sealed PDF")
    EXPORT_CSV = "export_csv", _("Exported a search as CSV")
    EXPORT_ZIP = "export_zip", _("Exported sealed PDFs as a ZIP")
    EXPORT_DOWNLOAD = "export_download", _("Downloaded a finished export")
    VERIFY = "verify", _("Verified an uploaded file")
    LOG_EXPORT = "log_export", _("Exported the access log")
    CLEARANCE = "clearance", _("Asked whether a parent may be removed")
    REPORT = "report", _("Opened the report of parents removed without a documented choice")
    FAMILY_UNIT = "family_unit", _("Registered a family unit")
    REMOVAL = "removal", _("Recorded a removal")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogIsAppendOnly

    def _update(self, values):
        raise AccessLogIsAppendOnly

    def delete(self):
        raise AccessLogIsAppendOnly

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise AccessLogIsAppendOnly
        return super().bulk_create(objs, *args, **kwargs)


class AccessLog(models.Model):
    """One access by an auditor (DESIGN.md §5: read records "all, read-only, logged")."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # Empty only for a command run on the server (``manage.py clearance``).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("user"),
        editable=False,
    )
    # The bearer token a service account used, for requests to the API.
    token = models.ForeignKey(
        "elections.ApiToken",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("API token"),
        editable=False,
    )
    # Copied at the time of access: the log must read the same if the account is renamed.
    username = models.CharField(_("username"), max_length=150, editable=False)
    role = models.CharField(_("role"), max_length=16, editable=False)
    action = models.CharField(
        _("action"), max_length=16, choices=AccessAction.choices, editable=False
    )
    method = models.CharField(_("HTTP method"), max_length=8, editable=False)
    path = models.CharField(_("address"), max_length=2000, editable=False)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, editable=False)
    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("election"),
        editable=False,
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["at"], name="accesslog_at_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_idx"),
            models.Index(fields=["action", "at"], name="accesslog_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.path}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogIsAppendOnly
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly


class ExportJob(models.Model):
    """A ZIP export of sealed PDFs built by the background worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # The search it was asked from, as the query string of the search page.
    query = models.TextField(_("search"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("records"), default=0)
    done = models.PositiveIntegerField(_("records written"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    file_name = models.CharField(_("stored file"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    manifest_sha256 = models.CharField(_("SHA-256 of manifest.csv"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="exportjob_user_idx"),
            models.Index(fields=["state", "expires_at"], name="exportjob_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"export {self.id} ({self.state})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == self.State.READY else 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class AuditFigure(models.Model):
    """One bucket of the auditor's dashboard: how many elections of one field office, in one
    period, count under one metric and key (``elections.figures``).

    The workflow keeps these rows in the same transaction as each change of a submitted
    election, by increments, so the dashboard sums a few hundred rows instead of reading every
    election. ``period`` is the UTC month (per-month charts), the UTC hour (ages of the queue and
    of the backlog) or ``figures.ALL_TIME`` (totals); a filter by office or by months is a sum
    over these rows.
    """

    office = models.ForeignKey("elections.FieldOffice", on_delete=models.CASCADE, related_name="+")
    period = models.DateTimeField()
    metric = models.CharField(max_length=24)
    key = models.CharField(max_length=48)
    count = models.IntegerField(default=0)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "office", "period", "key"], name="audit_figure_bucket_unique"
            )
        ]
        indexes = [models.Index(fields=["metric", "period"], name="audit_figure_period_idx")]

    def __str__(self):
        return f"{self.metric} {self.key} {self.period:%Y-%m-%d %H:%M}: {self.count}"


class ElectionFigures(models.Model):
    """What one election adds to ``AuditFigure`` now: the buckets last counted for it, so the
    next change takes exactly those back and counts the new ones."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    buckets = models.JSONField(default=list)

    def __str__(self):
        return f"figures of {self.election_id}"
