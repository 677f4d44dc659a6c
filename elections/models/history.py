"""What every history row records besides the tracked row: who performed the event.

``history_user`` (django-simple-history's own field) is the staff member accountable for the
event: the one who did it, signed in or re-entering their password on someone else's tablet; for
an act of the parent or of an in-person interpreter, who have no account, the officer on whose
tablet they did it. These fields say which of those it was, name a performer who has no account,
and keep who was signed in on the device. They are added through ``bases=`` on every
``HistoricalRecords`` (``locking.audit_history``) and filled from the instance being written by
``elections.attribution`` (simple-history's ``pre_create_historical_record``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.constants import Performer


class AttributedHistory(models.Model):
    history_performed_by = models.CharField(
        _("performed by"), max_length=16, choices=Performer.choices, blank=True, default=""
    )
    # The interpreter's name as it stood at the event: they are a person, not a user.
    history_performer_name = models.CharField(
        _("name of the performer"), max_length=200, blank=True, default=""
    )
    # Who was signed in on the device where it happened; never cascades into the history.
    history_session_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in on the device"),
    )

    class Meta:
        abstract = True
