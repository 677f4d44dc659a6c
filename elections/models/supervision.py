"""What supervisors tried and were refused: kept so a wrong password at approval is on record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .locking import RecordLocked
from .records import Election


class ApprovalAttempt(models.Model):
    """A refused attempt to approve an election because the password was not confirmed (R7).

    Append-only. ``workflow.election_approve`` writes one in its own transaction, so it stays
    recorded although the approval itself is refused.
    """

    class Outcome(models.TextChoices):
        NO_PASSWORD = "no_password", _("Password not entered")
        WRONG_PASSWORD = "wrong_password", _("Wrong password")
        THROTTLED = "throttled", _("Refused after too many wrong passwords")

    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        related_name="approval_attempts",
        verbose_name=_("election"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused approval attempt")
        verbose_name_plural = _("refused approval attempts")
        ordering = ["-attempted_at"]
        indexes = [
            models.Index(
                fields=["actor", "outcome", "attempted_at"], name="approval_attempt_actor_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.election} {self.get_outcome_display()} {self.attempted_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordLocked(_("A recorded attempt can never be changed."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordLocked(_("A recorded attempt can never be deleted."))
