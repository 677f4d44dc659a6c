"""Which sessions belong to which user, so that signing out or deactivating an account can end
every one of them on the server (elections/auth.py), whatever the session engine keeps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedInSession(models.Model):
    """One row for each sign-in, written when the user signs in (after the session key changed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("signed in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.signed_in_at:%Y-%m-%d %H:%M}"
