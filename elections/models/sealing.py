"""The sealed record of an approved election: the PDF made once, at approval, and never again.

A ``SealedRecord`` is written once, in the approval's transaction, and never changed or deleted:
the stored bytes are what every download serves and what ``verify_record`` compares a PDF with.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class SealedRecordWriteOnce(PermissionDenied):
    """A sealed record may be created, never updated or deleted (R9)."""


class SealedRecordQuerySet(models.QuerySet):
    # Bulk writes would skip ``save()`` and ``delete()``; they are refused the same way.
    def update(self, **kwargs):
        raise SealedRecordWriteOnce("Sealed records cannot be changed.")

    def delete(self):
        raise SealedRecordWriteOnce("Sealed records cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise SealedRecordWriteOnce("Sealed records cannot be changed.")


def sealed_record_path(instance, filename: str) -> str:
    return f"records/{instance.election_id}/{filename}"


class SealedRecord(models.Model):
    election = models.OneToOneField(
        "elections.Election",
        on_delete=models.PROTECT,
        related_name="sealed_record",
        verbose_name=_("election"),
    )
    pdf = models.FileField(_("sealed PDF"), upload_to=sealed_record_path, max_length=255)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("size in bytes"))
    # The canonical JSON text exactly as hashed and embedded in the PDF (a JSON column could
    # reorder keys or change number formats and break the hash).
    snapshot_json = models.TextField(_("record snapshot (canonical JSON)"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    chain_head = models.CharField(_("audit chain head"), max_length=64)
    chain_length = models.PositiveIntegerField(_("audit events covered"))
    language = models.CharField(_("language of the record"), max_length=8)
    certificate_sha256 = models.CharField(_("SHA-256 of the sealing certificate"), max_length=64)
    timestamped = models.BooleanField(_("carries an RFC 3161 timestamp"), default=False)
    created_at = models.DateTimeField(_("sealed at"))

    objects = SealedRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed record")
        verbose_name_plural = _("sealed records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pdf_sha256__regex=r"^[0-9a-f]{64}$")
                & models.Q(snapshot_sha256__regex=r"^[0-9a-f]{64}$")
                & models.Q(chain_head__regex=r"^[0-9a-f]{64}$"),
                name="sealed_record_hashes_are_sha256",
            )
        ]

    def __str__(self) -> str:
        return f"{self.election_id} {self.pdf_sha256[:12]}"

    def save(self, *args, **kwargs):
        # Write-once: the first save inserts; any later save would overwrite what was sealed.
        if not self._state.adding:
            raise SealedRecordWriteOnce("Sealed records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SealedRecordWriteOnce("Sealed records cannot be deleted.")
